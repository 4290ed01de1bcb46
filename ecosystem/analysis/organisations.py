"""Facts about one organisation that several analyses weigh: name, labels, reach, size, regions, league."""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.overlap import SignalSets, cluster_organisations
from ecosystem.graph import folded_relations, folded_size

__all__ = ["ALL_REGIONS", "LABEL_POINTS", "LEAGUE", "is_national", "labels_of", "leagues", "name_of", "regions_served", "size_of"]

LABEL_POINTS = {"ecei-gold": 3, "ecei-silver": 2, "ecei-bronze": 1}
LEAGUE = {"ecei-gold": 1, "ecei-silver": 2, "ecei-bronze": 3}
ALL_REGIONS = ("region-hovedstaden", "region-midtjylland", "region-nordjylland", "region-sjaelland", "region-syddanmark")


def name_of(G, n):
    """Return the node's name, or its id when it has none (or is not in G, nor a member folded away)."""
    if n in G:
        return G.nodes[n].get("name", str(n))
    folded = folded_relations(G, n)
    return folded[0] if folded else str(n)


def labels_of(G, n) -> list:
    """Return the labels (ECEI) the organisation holds, best first."""
    return sorted((v for _, v, t in G.out_edges(n, data="type") if t == "HOLDS"), key=lambda v: LABEL_POINTS.get(v, 0), reverse=True)


def is_national(G, n) -> bool:
    """Say whether the organisation has national reach (stated, or serving Danmark)."""
    if G.nodes[n].get("national") is True:
        return True
    return any(t == "SERVES" and G.nodes[v].get("subtype") == "area" and v == "danmark" for _, v, t in G.out_edges(n, data="type"))


def size_of(G, n) -> int:
    """Return the stated member count or the number of listed members, whichever is larger."""
    stated = G.nodes[n].get("members") or 0
    listed = len({u for u, _, t in G.in_edges(n, data="type") if t == "MEMBER_OF"}) + folded_size(G, n)
    return max(stated, listed)


def regions_served(G, n, sets: SignalSets | None = None) -> list:
    """Return which of the five Danish regions an organisation serves (``sets``: a :class:`SignalSets` to reuse)."""
    sets = SignalSets(G) if sets is None else sets.check(G)
    return sorted(r for r in sets.of("regions", n) if r in ALL_REGIONS)


def leagues(G: nx.MultiDiGraph) -> dict:
    """Place every cluster organisation in a league by its best ECEI label (document 004).

    League 1 is Gold (world class), 2 Silver (strong, mature), 3 Bronze; ``None`` when no
    label is recorded.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation"); G.add_node("ecei-gold", kind="label")
    >>> _ = G.add_edges_from([("a", "ecei-gold")], type="HOLDS")
    >>> leagues(G)
    {'a': 1, 'b': None}
    """
    out = {}
    for n in cluster_organisations(G):
        labels = labels_of(G, n)
        out[n] = LEAGUE.get(labels[0]) if labels else None
    return out
