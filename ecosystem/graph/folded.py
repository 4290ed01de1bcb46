"""Members that belong to one cluster organisation only, kept as a list on the graph instead of as nodes.

A membership list of 200,000 firms gives 200,000 company nodes that each have one
``MEMBER_OF`` relation (and perhaps a ``LOCATED_IN`` one). They never make two
organisations overlap; the analyses only count them, and the proposals list them as
partners. The analysis graph (:func:`ecosystem.ingest.analysis_graph`) therefore keeps
them as ``G.graph["folded"]``: per organisation, such members' ids and, beside them, their
names; per node, the relations the folded members had with it. The functions here read a graph
either way, folded or not, and give the same answers.
"""

from __future__ import annotations

import networkx as nx

from ecosystem.evidence.schema import CLUSTER_KINDS

__all__ = ["FOLD_AT", "fold_members", "folded_degree", "folded_members", "folded_names", "hidden_members", "single_cluster_members"]

FOLD_AT = 1000
"""An organisation's members of it alone are folded when it has at least this many."""


def single_cluster_members(G: nx.MultiDiGraph, at_least: int = FOLD_AT) -> dict:
    """``{organisation: [member, ...]}`` for the cluster organisations with at least `at_least`
    imported companies whose only relations are one ``MEMBER_OF`` to it and ``LOCATED_IN``
    ones (to a municipality or a place, not to a region itself: ``overlap_evidence`` cites
    such a member's relation for the region); members in the order of the organisation's
    relations.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    >>> G.add_nodes_from(["f1", "f2", "f3"], kind="company", imported=True)
    >>> _ = G.add_edges_from([("f1", "a"), ("f2", "a"), ("f3", "a"), ("f3", "b")], type="MEMBER_OF")
    >>> single_cluster_members(G, at_least=2)
    {'a': ['f1', 'f2']}
    """
    out = {}
    for c, kind in G.nodes(data="kind"):
        if kind not in CLUSTER_KINDS:
            continue
        alone = [u for u in G.pred[c] if _alone(G, u, c)]
        if alone and len(alone) >= at_least:
            out[c] = alone
    return out


def _alone(G: nx.MultiDiGraph, u, c) -> bool:
    d = G.nodes[u]
    if d.get("kind") != "company" or not d.get("imported") or G.pred[u]:
        return False
    memberships = 0
    for v, keys in G.succ[u].items():
        for e in keys.values():
            if e.get("type") == "MEMBER_OF" and v == c:
                memberships += 1
            elif e.get("type") != "LOCATED_IN" or G.nodes[v].get("kind") in CLUSTER_KINDS or G.nodes[v].get("subtype") == "region":
                return False  # located in a region itself: its relations are evidence of the organisation's regions
    return memberships == 1


def fold_members(G: nx.MultiDiGraph, at_least: int = FOLD_AT) -> int:
    """Fold the members :func:`single_cluster_members` finds into ``G.graph["folded"]``, in place; return how many.

    ``G.graph["folded"]`` is ``{"members": {organisation: [id, ...]}, "names": {organisation:
    [name, ...]}, "degree": {node: relations with folded members}}``: two flat lists per
    organisation (a million members are two million strings, not a million lists too).
    """
    found = single_cluster_members(G, at_least)
    if not found:
        return 0
    degree: dict = {}
    for alone in found.values():
        for u in alone:
            for v, keys in G.succ[u].items():
                degree[v] = degree.get(v, 0) + len(keys)
    names = {c: [G.nodes[u].get("name", u) for u in alone] for c, alone in found.items()}
    G.graph["folded"] = {"members": found, "names": names, "degree": degree}
    G.remove_nodes_from(u for alone in found.values() for u in alone)
    return sum(map(len, found.values()))


def folded_members(G: nx.Graph, n) -> list:
    """The ids of the members folded into organisation n (empty if none, or G is not folded)."""
    return G.graph.get("folded", {}).get("members", {}).get(n, [])


def folded_names(G: nx.Graph, n) -> list:
    """The names of the members folded into organisation n, in the order of :func:`folded_members`."""
    return G.graph.get("folded", {}).get("names", {}).get(n, [])


def folded_degree(G: nx.Graph, n) -> int:
    """n's degree counting the relations of the members folded away: its degree in the unfolded graph."""
    return G.degree(n) + G.graph.get("folded", {}).get("degree", {}).get(n, 0)


def hidden_members(G: nx.MultiDiGraph) -> tuple[set, int]:
    """What a figure leaves out: the nodes of G that are members of one organisation alone
    (none in a folded graph, which keeps them as lists) and how many such members G has in all."""
    if "folded" in G.graph:
        return set(), sum(len(alone) for alone in G.graph["folded"]["members"].values())
    hidden = {u for alone in single_cluster_members(G).values() for u in alone}
    return hidden, len(hidden)
