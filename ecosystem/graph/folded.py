"""Members that are only members, kept as lists on the graph instead of as nodes.

A membership list of a million rows gives hundreds of thousands of company nodes that
each have a ``MEMBER_OF`` relation or two (and perhaps a ``LOCATED_IN`` one). The
analyses only count them, intersect the organisations' member sets, list them as
partners and cite a few shared ones as evidence. The analysis graph
(:func:`ecosystem.ingest.analysis_graph`) therefore keeps them as ``G.graph["folded"]``:

- ``counts``: per organisation, how many members are folded into it;
- ``members``: per organisation, its folded members' ids (a member of two organisations
  is in both lists), in the order of the organisation's relations;
- ``shared``: the folded members of two or more organisations, with those organisations;
- ``degree``: per node, the relations the folded members had with it;
- ``names`` (per organisation, beside ``members``) and ``relations`` (a shared member's
  name and ``MEMBER_OF`` relations, cited as evidence).

``members``, ``names`` and ``relations`` are in memory after a build; after a cache hit
they are read when first asked for, from the files ``files`` names (a command that only
counts never reads them).

The functions here read a graph either way, folded or not, and give the same answers.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Mapping

import networkx as nx

from ecosystem.evidence.schema import CLUSTER_KINDS

__all__ = [
    "FOLD_AT",
    "fold_members",
    "foldable_members",
    "folded_count",
    "folded_degree",
    "folded_distinct",
    "folded_members",
    "folded_names",
    "folded_relations",
    "folded_size",
    "folded_together",
    "hidden_members",
]

FOLD_AT = 1000
"""Members are folded when each of their organisations has at least this many foldable ones."""

LOADERS: dict[str, Callable[[], dict]] = {}
"""``{file: loader}``: how a cached graph's ``names`` and ``relations`` are read (set by the cache)."""


def foldable_members(G: nx.MultiDiGraph, at_least: int = FOLD_AT) -> dict:
    """``{member: (organisation, ...)}`` for the imported companies whose only relations are
    one ``MEMBER_OF`` to each of some cluster organisations, each of which has at least
    `at_least` such members, and ``LOCATED_IN`` ones (to a municipality or a place, not to
    a region itself: ``overlap_evidence`` cites such a member's relation for the region).

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    >>> G.add_nodes_from(["f1", "f2", "f3"], kind="company", imported=True)
    >>> _ = G.add_edges_from([("f1", "a"), ("f2", "a"), ("f3", "a"), ("f3", "b")], type="MEMBER_OF")
    >>> foldable_members(G, at_least=1), foldable_members(G, at_least=2)
    ({'f1': ('a',), 'f2': ('a',), 'f3': ('a', 'b')}, {'f1': ('a',), 'f2': ('a',)})
    """
    node, pred = G._node, G._pred  # the adjacency dicts themselves: a million members, each looked at once
    found: dict = {}
    for c, d in node.items():
        if d.get("kind") in CLUSTER_KINDS:
            for u in pred[c]:
                if u not in found:
                    found[u] = _organisations(G, u)
    return with_enough(found, at_least)


def with_enough(found: dict, at_least: int, count: dict | None = None) -> dict:
    """``{member: organisations}`` of `found` (``None`` for a member that is more) whose
    organisations each have at least `at_least` such members: the ones to fold. `count`
    gives the members per organisation when more are counted than `found` holds (:func:`tally`)."""
    count = tally(found) if count is None else count
    return {u: orgs for u, orgs in found.items() if orgs and all(count[c] >= at_least for c in orgs)}


def tally(found: dict, more: dict | None = None) -> dict:
    """How many members of `found` each organisation has, plus those `more` counts."""
    count = dict(more or {})
    for orgs in found.values():
        for c in orgs or ():
            count[c] = count.get(c, 0) + 1
    return count


def memberships(relations: Iterable[tuple], node: Mapping) -> tuple | None:
    """The organisations a member is a member of, from its relations ``(end, type)`` (one
    each, in order; `node` gives each end's attributes), if that and where it lies is all
    they say: else None."""
    orgs = []
    for v, type_ in relations:
        role = relation_role(type_, node[v])
        if role == "member":
            orgs.append(v)
        elif role is None:
            return None
    return tuple(orgs) if orgs and len(set(orgs)) == len(orgs) else None  # listed twice by one organisation: two relations


def relation_role(type_: str, to: Mapping) -> str | None:
    """What a relation of type `type_` to a node with attributes `to` says of a member that
    could fold: ``"member"`` (of a cluster organisation), ``"place"`` (where it lies), or
    None (something more: it does not fold). Located in a region itself is more: such a
    relation is evidence of the organisation's regions."""
    to_cluster = to.get("kind") in CLUSTER_KINDS
    if type_ == "MEMBER_OF" and to_cluster:
        return "member"
    if type_ == "LOCATED_IN" and not to_cluster and to.get("subtype") != "region":
        return "place"
    return None


def _organisations(G: nx.MultiDiGraph, u) -> tuple | None:
    """The organisations u is a member of, if that and where it lies is all the graph says of it."""
    d = G._node[u]
    if d.get("kind") != "company" or not d.get("imported") or G._pred[u]:
        return None
    return memberships(((v, e.get("type")) for v, keys in G._succ[u].items() for e in keys.values()), G._node)


def fold_members(G: nx.MultiDiGraph, at_least: int = FOLD_AT) -> int:
    """Fold the members :func:`foldable_members` finds into ``G.graph["folded"]``, in place; return how many.

    Per organisation two flat lists, ids and names (a million members are two million
    strings, not a million lists too); see the module's description for the rest.
    """
    found = foldable_members(G, at_least)
    if not found:
        return 0
    node, succ, pred = G._node, G._succ, G._pred
    members: dict = {}
    for c, d in node.items():
        if d.get("kind") in CLUSTER_KINDS:
            mine = [u for u in pred[c] if u in found]
            if mine:
                members[c] = mine
    degree: dict = {}
    for u in found:
        for v, keys in succ[u].items():
            degree[v] = degree.get(v, 0) + len(keys)
    names = {c: [node[u].get("name", u) for u in mine] for c, mine in members.items()}
    shared = {u: list(orgs) for u, orgs in found.items() if len(orgs) > 1}
    relations = {u: [node[u].get("name", u), [[v, k, d] for v, keys in succ[u].items() for k, d in keys.items() if d.get("type") == "MEMBER_OF"]] for u in shared}
    G.graph["folded"] = {"counts": {c: len(mine) for c, mine in members.items()}, "members": members, "shared": shared, "degree": degree,
                         "names": names, "relations": relations}
    for u in found:  # as G.remove_nodes_from would, knowing that a member has no predecessor
        for v in succ[u]:
            del pred[v][u]
        del node[u], succ[u], pred[u]
    getattr(G, "__networkx_cache__", {}).clear()
    return len(found)


def _folded(G: nx.Graph) -> dict:
    return G.graph.get("folded", {})


def _loaded(G: nx.Graph, what: str) -> dict:
    """``G.graph["folded"][what]``, read from the cache on first use."""
    return _lists(_folded(G), what)


def _lists(folded: dict, what: str) -> dict:
    """``folded[what]``: read from the cache on first use, or, in a what-if copy, from the
    graph it copies (``before``) with the organisations it merged (``merges``) moved to their anchors."""
    if what in folded:
        return folded[what]
    if "before" not in folded:
        for k, v in LOADERS[folded["files"][what]]().items():
            folded.setdefault(k, v)
        return folded[what]
    lists = _lists(folded["before"], what)
    if what in ("members", "names"):
        members, lists = dict(_lists(folded["before"], "members")), dict(lists)
        for m, anchor in folded.get("merges", [])[len(folded["before"].get("merges", [])) :]:  # those since the copy
            if m in members:
                both = dict(zip(members.get(anchor, []), lists.get(anchor, [])))
                for u, item in zip(members.pop(m), lists.pop(m)):
                    both.setdefault(u, item)
                members[anchor], lists[anchor] = list(both), list(both.values() if what == "names" else both)
    folded[what] = lists
    return lists


def folded_size(G: nx.Graph, n) -> int:
    """How many members are folded into organisation n (0 if none, or G is not folded)."""
    return _folded(G).get("counts", {}).get(n, 0)


def folded_members(G: nx.Graph, n) -> list:
    """The ids of the members folded into organisation n (empty if none, or G is not folded)."""
    if not folded_size(G, n):
        return []
    return _loaded(G, "members")[n]


def folded_names(G: nx.Graph, n) -> list:
    """The names of the members folded into organisation n, in the order of :func:`folded_members`."""
    if not folded_size(G, n):
        return []
    return _loaded(G, "names")[n]


def folded_relations(G: nx.Graph, u) -> tuple[str, list] | None:
    """A folded member of several organisations: its name and its ``MEMBER_OF`` relations ``[v, key, attrs]``
    (v the organisation it is a member of now, after any what-if merge); None for any other u.

    A merge moves the relations with the organisation merged to the end, as the whole
    graph appends them to those the anchor had: the relations with one organisation come
    in the same order either way.
    """
    if u not in _folded(G).get("shared", {}):
        return None
    name, relations = _loaded(G, "relations")[u]
    for m, anchor in _folded(G).get("merges", []):
        if any(v == m for v, _, _ in relations):
            relations = [r for r in relations if r[0] != m] + [[anchor, k, d] for v, k, d in relations if v == m]
    return name, relations


def folded_together(G: nx.Graph) -> collections.Counter:
    """How many folded members each combination of organisations has in common:
    ``{(org, org, ...): n}`` over ``shared``, the organisations in each member's order.

    Worked out once per ``shared`` (a hundred thousand members, a few combinations) and
    remembered while that dict is current; ``shared`` is replaced, never changed in place
    (a what-if merge makes a new one). Do not change the counter returned.

    >>> G = nx.MultiDiGraph()
    >>> G.graph["folded"] = {"counts": {"a": 3, "b": 2}, "shared": {"f": ["a", "b"], "g": ["a", "b"]}}
    >>> folded_together(G)
    Counter({('a', 'b'): 2})
    """
    return _together(_folded(G).get("shared", {}))


_TOGETHER: dict[int, tuple[dict, collections.Counter]] = {}  # id(shared) -> (shared, its counter); shared held so the id stays its own


def _together(shared: dict) -> collections.Counter:
    hit = _TOGETHER.get(id(shared))
    if hit is not None and hit[0] is shared:
        return hit[1]
    together = collections.Counter(map(tuple, shared.values()))
    if len(_TOGETHER) >= 8:
        _TOGETHER.pop(next(iter(_TOGETHER)))
    _TOGETHER[id(shared)] = (shared, together)
    return together


def folded_distinct(G: nx.Graph, orgs) -> int:
    """How many distinct members are folded into any of the organisations `orgs`.

    >>> G = nx.MultiDiGraph()
    >>> G.graph["folded"] = {"counts": {"a": 3, "b": 2}, "shared": {"f": ["a", "b"]}}
    >>> folded_distinct(G, ["a", "b"]), folded_distinct(G, ["b"])
    (4, 2)
    """
    orgs = set(orgs)
    folded = _folded(G)
    twice = sum(n * max(len(orgs.intersection(these)) - 1, 0) for these, n in folded_together(G).items())
    return sum(n for c, n in folded.get("counts", {}).items() if c in orgs) - twice


def folded_count(G: nx.Graph) -> int:
    """How many members are folded into G (each once, however many organisations it is a member of)."""
    return sum(_folded(G).get("counts", {}).values()) - sum(n * (len(set(orgs)) - 1) for orgs, n in folded_together(G).items())


def folded_degree(G: nx.Graph, n) -> int:
    """n's degree counting the relations of the members folded away: its degree in the unfolded graph."""
    return G.degree(n) + _folded(G).get("degree", {}).get(n, 0)


def hidden_members(G: nx.MultiDiGraph) -> tuple[set, int]:
    """What a figure leaves out: the nodes of G that are only members (none in a folded graph,
    which keeps them as lists) and how many such members G has in all."""
    if "folded" in G.graph:
        return set(), folded_count(G)
    hidden = set(foldable_members(G))
    return hidden, len(hidden)
