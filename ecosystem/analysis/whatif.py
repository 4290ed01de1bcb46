"""What-if: the landscape after proposals are carried out, and the measures that compare before and after."""

from __future__ import annotations

import collections

import networkx as nx

from ecosystem.analysis.organisations import ALL_REGIONS, is_national, name_of, regions_served
from ecosystem.analysis.overlap import SignalSets, cluster_organisations, pairwise_overlaps
from ecosystem.graph import folded_together

__all__ = ["apply_proposals", "landscape_metrics"]

def apply_proposals(G: nx.MultiDiGraph, proposals: list[dict]) -> nx.MultiDiGraph:
    """Return a copy of G with each proposal's members folded into its anchor."""
    H = G.copy()
    merges = []
    for p in proposals:
        anchor = p["anchor"]["id"]
        for m in p["members"]:
            if m["id"] == anchor or m["id"] not in H:
                continue
            for u, v, k, d in list(H.in_edges(m["id"], keys=True, data=True)) + list(H.out_edges(m["id"], keys=True, data=True)):
                a, b = (anchor if u == m["id"] else u), (anchor if v == m["id"] else v)
                if a != b:
                    H.add_edge(a, b, key=k, **d)
            merges.append([m["id"], anchor])
            H.add_node(anchor)  # an anchor an earlier proposal merged away comes back, as add_edge brings it back
            H.nodes[anchor].setdefault("merged", []).append(m["id"])
            H.remove_node(m["id"])
    if "folded" in G.graph:  # members kept as lists (ecosystem.graph.folded): moved to the anchors too
        H.graph["folded"] = _move_folded(G.graph["folded"], folded_together(G), merges)
    return H


def _move_folded(before: dict, together: collections.Counter, merges: list) -> dict:
    """The folded lists after `merges` (``[m, anchor]``, in order): each m's members moved to
    its anchor and counted once each (a member of both is in both lists); the lists themselves
    are merged when read (:func:`ecosystem.graph.folded_members` replays ``merges``).
    `together` counts the shared members by their organisations (:func:`~ecosystem.graph.folded_together`):
    a few combinations to move, not a hundred thousand members."""
    folded = {k: v for k, v in before.items() if k not in ("members", "names")}
    counts, degree = dict(before["counts"]), dict(before.get("degree", {}))
    now: dict = {}  # an organisation merged away -> where its members are now
    for m, anchor in merges:
        if m in counts:
            both = sum(n for orgs, n in together.items() if m in orgs and anchor in orgs)
            counts[anchor] = counts.get(anchor, 0) + counts.pop(m) - both
        if m in degree:
            degree[anchor] = degree.get(anchor, 0) + degree.pop(m)
        moved: collections.Counter = collections.Counter()
        for orgs, n in together.items():
            moved[tuple(anchor if o == m else o for o in orgs)] += n
        together = moved
        now = {o: (anchor if a == m else a) for o, a in now.items()} | {m: anchor}
    shared = before["shared"]
    if now:
        shared = {u: [now.get(o, o) for o in orgs] if not now.keys().isdisjoint(orgs) else orgs for u, orgs in shared.items()}  # a new dict: lists not copied
    folded.update(counts=counts, degree=degree, shared=shared, before=before, merges=[*before.get("merges", []), *merges])
    return folded


def landscape_metrics(G: nx.MultiDiGraph, *, weights=None, sets: SignalSets | None = None) -> dict:
    """Measure the landscape: organisations, total overlap, regions per theme, shared themes.

    Returns
    -------
    dict
        ``organisations``: how many cluster organisations; ``overlapping_pairs``: pairs
        sharing anything; ``total_pairwise_overlap``: the sum of their combined scores
        (rounded to 4 places); ``regions_per_theme``: ``{theme name: regions its
        organisations serve together}`` (an organisation of national reach serves all
        five; the others the regions they serve or lie in, places by the place table); ``themes_with_several_organisations``: the
        names of themes two or more organisations work in, sorted.
    """
    orgs = cluster_organisations(G)
    sets = SignalSets(G) if sets is None else sets.check(G)
    pairs = pairwise_overlaps(G, weights=weights, sets=sets)
    themes = sets.get("themes", orgs)
    regions = {o: set(ALL_REGIONS) if is_national(G, o) else set(regions_served(G, o, sets)) for o in orgs}
    by_theme: dict = {}
    for o in orgs:
        for t in themes[o]:
            by_theme.setdefault(t, set()).add(o)
    return {
        "organisations": len(orgs),
        "total_pairwise_overlap": round(sum(p["score"] for p in pairs), 4),
        "overlapping_pairs": len(pairs),
        "regions_per_theme": {name_of(G, t): len(set().union(*(regions[o] for o in os))) for t, os in sorted(by_theme.items())},
        "themes_with_several_organisations": sorted(name_of(G, t) for t, os in by_theme.items() if len(os) > 1),
    }
