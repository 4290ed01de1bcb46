"""Consolidation proposals: which cluster organisations should merge, around whom, with which hubs.

The proposals are computed from the graph's facts only. The consolidations the documents
themselves recommend (``recommendations.csv``) are never read here; they are compared with
the proposals afterwards by :func:`compare_with_recommendations`.
"""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.communities import overlap_projection, partition_communities
from ecosystem.analysis.operators import operators_of
from ecosystem.analysis.organisations import LABEL_POINTS, is_national, labels_of, name_of, regions_served, size_of
from ecosystem.analysis.overlap import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    SignalSets,
    cluster_organisations,
    dataset_row,
    overlap_evidence,
    pairwise_overlaps,
    regions_of,
)
from ecosystem.analysis.requirements import critical_mass, requirement_gaps
from ecosystem.evidence import CLUSTER_KINDS
from ecosystem.graph import foldable_members, folded_distinct, folded_members, folded_names

__all__ = ["PARTNER_KINDS", "anchor_ranking", "propose"]

# Why these kinds are partners of a merged cluster organisation and never merge into one.
# Document 003 asks for one private legal entity whose board has both companies and
# knowledge institutions: those sit around the organisation, they do not become it.
PARTNER_KINDS = {
    "company": "companies are the members a cluster organisation serves, not organisations that run one",
    "knowledge_institution": "universities, GTS institutes and science parks have their own public mission; document 003 wants them on the board, as partners",
    "trade_association": "trade associations represent their industry with a mandate beyond the cluster; they join as partners (as Vindmølleindustrien in the 2017 energy dialogue)",
    "public_authority": "ministries, agencies and municipalities fund and set the rules; they do not run clusters",
    "growth_forum": "growth forums and boards fund and steer the cluster effort",
    "programme": "programmes and funds finance the cluster organisations",
    "support_organisation": "business-support operators (Væksthuse, Reg X, ...) serve every cluster and are not clusters",
}


def anchor_ranking(G: nx.MultiDiGraph, members, P: nx.Graph | None = None) -> list[dict]:
    """Rank the members of a group as anchor of the merged organisation.

    Points: national reach 3; a state-funded national innovation network 1; ECEI label
    Gold 3, Silver 2, Bronze 1; size (stated member
    count or listed members) up to 2, relative to the largest in the group; overlap
    centrality (sum of overlap scores to the other members in the projection P) up to 2,
    relative to the most central. Ties go to the smaller id, so the order is stable.

    Returns a list of ``{"id", "points", "national", "label", "size", "centrality"}``,
    best first.
    """
    members = sorted(members)
    P = P if P is not None else nx.Graph()
    sizes = {m: size_of(G, m) for m in members}
    cent = {m: sum(P[m][o]["weight"] for o in members if P.has_edge(m, o)) if m in P else 0.0 for m in members}
    max_size, max_cent = max(sizes.values()) or 1, max(cent.values()) or 1.0
    rows = []
    for m in members:
        labels = labels_of(G, m)
        national = is_national(G, m)
        network = G.nodes[m].get("kind") == "innovation_network"
        points = 3 * national + network + (LABEL_POINTS.get(labels[0], 0) if labels else 0) + 2 * sizes[m] / max_size + 2 * cent[m] / max_cent
        rows.append({"id": m, "points": round(points, 4), "national": national, "innovation_network": network,
                     "label": labels[0] if labels else None, "size": sizes[m], "centrality": round(cent[m], 4)})
    rows.sort(key=lambda r: (-r["points"], r["id"]))
    return rows


def _why_anchor(G, r) -> str:
    parts = []
    if r["national"]:
        parts.append("national reach")
    if r.get("innovation_network"):
        parts.append("a state-funded national innovation network")
    if r["label"]:
        parts.append(f"holds {name_of(G, r['label'])}")
    if r["size"]:
        parts.append(f"largest stated membership ({r['size']})" if r.get("largest") else f"{r['size']} members")
    if r["centrality"]:
        parts.append(f"overlap centrality {r['centrality']:.2f}")
    why = ", ".join(parts) or "no distinguishing facts"
    if r.get("tied"):
        why += f"; tied at {r['points']:g} points with {', '.join(name_of(G, t) for t in r['tied'])}, first by id"
    return why


# Signals that say organisations do the same work with the same firms and partners; the
# others (themes, regions, funders) are shared by many organisations that do not overlap.
_SPECIFIC = ("members", "projects", "partners", "collaboration")


def _caution(signals: dict) -> str:
    """Say so when a group rests on broad signals alone."""
    if any(signals.get(s) for s in _SPECIFIC):
        return ""
    broad = ", ".join(s for s in SIGNALS if signals.get(s))
    return f"rests on broad signals only ({broad}): no shared members, projects, partners or stated collaboration are recorded"


def region_claim(G, n, region, sets: SignalSets) -> dict | None:
    """The fact that places organisation n in `region`: located there before serving it, a
    document's quote before an imported row.

    Returns ``{"type", "via", "via_name", "doc", "quote", "source"}``: the relation
    (``LOCATED_IN`` or ``SERVES``) and the place it names (a municipality or area lying in
    the region, or the region itself), with its quote or, for an imported fact, its
    dataset row (``source``); None if no relation of n places it there.
    """
    found = []
    for u, v, d in sets.relations(n):
        if u == n and d.get("type") in ("LOCATED_IN", "SERVES") and (v == region or region in sets.regions_of(v)):
            found.append((d.get("type") != "LOCATED_IN", not d.get("quote"), not d.get("dataset"), str(v), d))
    if not found:
        return None
    *_, via, d = min(found, key=lambda f: f[:4])
    return {"type": d.get("type"), "via": via, "via_name": G.nodes[via].get("name", via), "doc": d.get("doc"), "quote": d.get("quote"), "source": dataset_row(d)}


def _hubs(G, anchor, members, sets: SignalSets) -> list[dict]:
    """Give every region the group serves, and the anchor does not, one member as its hub.

    The hub for a region is the member located there, else the member serving the fewest
    regions (the most regional one), then by id, so each region has exactly one hub.
    ``evidence`` lists, per region served, the fact that places the hub there
    (:func:`region_claim`).
    """
    home = set(regions_served(G, anchor, sets))
    serves = {m: set(regions_served(G, m, sets)) for m in members if m != anchor}
    located = {m: {r for _, v, t in G.out_edges(m, data="type") if t == "LOCATED_IN" for r in regions_of(G, v)} for m in serves}
    chosen: dict[str, list] = {}
    for region in sorted(set().union(set(), *serves.values()) - home):
        candidates = sorted((m for m in serves if region in serves[m]), key=lambda m: (region not in located[m], len(serves[m]), m))
        chosen.setdefault(candidates[0], []).append(region)
    return [
        {"id": m, "name": name_of(G, m), "serves": rs, "serves_names": [name_of(G, r) for r in rs], "evidence": [region_claim(G, m, r, sets) for r in rs]}
        for m, rs in sorted(chosen.items())
    ]


def _evidence(G, members, by_pair, sets: SignalSets, limit=8) -> list[dict]:
    rows = []
    for a in members:
        for b in members:
            if a < b and (a, b) in by_pair:
                for signal in sorted(by_pair[(a, b)]["signals"], key=lambda s: (-by_pair[(a, b)]["signals"][s]["jaccard"], s)):
                    for item in overlap_evidence(G, a, b, signal, limit=2, sets=sets):
                        for q in item["quotes"][:2]:
                            rows.append({"a": a, "b": b, "signal": signal, "shared": item["item"], **q})
    rows.sort(key=lambda r: (-by_pair[(r["a"], r["b"])]["score"], r["a"], r["b"], r["signal"], r["shared"], r["doc"] or "", r["quote"] or ""))
    out, seen = [], set()
    for r in rows:
        if (r["start"], r["type"], r["end"], r["quote"]) not in seen:
            seen.add((r["start"], r["type"], r["end"], r["quote"]))
            out.append(r)
    return out[:limit]


def _partners(G, members, sets: SignalSets, listed: bool) -> tuple[list[dict], int]:
    """The partners of a group, sorted by id (the kinds that do not merge, ``PARTNER_KINDS``),
    and how many of them are members with no other relation, counted rather than listed
    (all listed if `listed`).

    Those are the members :func:`ecosystem.graph.foldable_members` finds: folded out of an
    analysis graph, nodes of a whole graph; either graph gives the same answer.
    """
    partners = set().union(*(sets.of("partners", m) | sets.unfolded("members", m) for m in members))
    loose = {u for u, orgs in foldable_members(G).items() if not members.isdisjoint(orgs)}  # none in a folded graph
    folded = {}
    if listed:
        folded = {u: name for m in members for u, name in zip(folded_members(G, m), folded_names(G, m))}  # companies, not nodes of G
        partners |= folded.keys()
    else:
        partners -= loose
    out = []
    for p in sorted(partners):
        kind = G.nodes[p].get("kind") if p not in folded else "company"
        if kind not in CLUSTER_KINDS:
            out.append({"id": p, "name": folded[p] if p in folded else name_of(G, p), "kind": kind, "why_partner": PARTNER_KINDS.get(kind, "")})
    return out, 0 if listed else len(loose) + folded_distinct(G, members)


def propose(
    G: nx.MultiDiGraph,
    *,
    weights=None,
    min_score: float = 0.1,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int = 42,
    sets: SignalSets | None = None,
    all_partners: bool = False,
) -> dict:
    """Propose which cluster organisations should consolidate.

    Groups are the communities of the overlap projection (pairs scoring above
    ``min_score``); each community of two or more becomes a proposal. Only cluster
    organisations (innovation networks included) are members; the other kinds are
    partners (see ``PARTNER_KINDS``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    weights : dict, optional
        Signal weights for the overlap score (default ``overlap.DEFAULT_WEIGHTS``).
    min_score : float
        Pairs at or below this combined overlap are not joined.
    method : {"louvain", "leiden", "auto"}
        Community method; Louvain is the default because it needs nothing beyond NetworkX.
    resolution, seed
        Passed to the community method; the seed makes the output reproducible.
    sets : SignalSets, optional
        The organisations' signal sets, when the caller has them (computed once otherwise).
    all_partners : bool
        List every partner. By default the members that are nothing else (only members of
        cluster organisations with at least ``FOLD_AT`` such members, and where they lie:
        :func:`ecosystem.graph.foldable_members`) are counted in ``unlisted_members``, not
        listed: a membership list of a million firms would otherwise be listed in full.

    Returns
    -------
    dict
        ``{"proposals": [...], "kept_separate": [...], "partner_kinds": {...}, "parameters": {...}}``.
        A proposal has ``id``, ``rank``, ``score`` (mean pairwise overlap among its
        members), ``members`` (``id``, ``name``, ``kind``), ``anchor`` (``id``, ``name``,
        ``why``, ranking), ``hubs``, ``critical_mass``, ``themes``, ``signals``,
        ``evidence`` (quotes), ``requirements`` (gaps against document 003), ``operators``
        (organisations of other kinds that lead the members' projects or host them:
        :func:`~ecosystem.analysis.operators.operators_of`) and ``partners``. An operator
        of organisations that are all kept separate is listed in ``kept_separate`` with
        its ``operator`` entry.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b", "c"], kind="cluster_organisation")
    >>> G.add_nodes_from(["f1", "f2"], kind="company")
    >>> _ = G.add_edges_from([(f, c, {"quote": f"{f} i {c}"}) for f in ("f1", "f2") for c in "ab"], type="MEMBER_OF", doc="d")
    >>> out = propose(G)
    >>> [m["id"] for m in out["proposals"][0]["members"]], [k["id"] for k in out["kept_separate"]]
    (['a', 'b'], ['c'])
    """
    sets = SignalSets(G) if sets is None else sets.check(G)
    pairs = pairwise_overlaps(G, weights=weights, sets=sets)
    by_pair = {(p["a"], p["b"]): p for p in pairs}
    P = overlap_projection(G, pairs=pairs, min_score=min_score)
    groups = [g for g in partition_communities(P, method=method, resolution=resolution, seed=seed).values() if len(g) >= 2]

    proposals = []
    for members in groups:
        ranking = anchor_ranking(G, members, P)
        anchor = ranking[0]["id"]
        ranking[0]["largest"] = ranking[0]["size"] == max(r["size"] for r in ranking) and ranking[0]["size"] > 0
        ranking[0]["tied"] = [r["id"] for r in ranking[1:] if r["points"] == ranking[0]["points"]]
        n_pairs = len(members) * (len(members) - 1) / 2
        score = sum(by_pair[(a, b)]["score"] for a in members for b in members if a < b and (a, b) in by_pair) / n_pairs
        themes = sorted(set().union(*(sets.of("themes", m) for m in members)))
        signals = {s: sum(1 for a in members for b in members if a < b and s in by_pair.get((a, b), {}).get("signals", {})) for s in SIGNALS}
        partners, unlisted = _partners(G, set(members), sets, all_partners)
        proposals.append({
            "members": [{"id": m, "name": name_of(G, m), "kind": G.nodes[m]["kind"]} for m in members],
            "anchor": {"id": anchor, "name": name_of(G, anchor), "why": _why_anchor(G, ranking[0]), "ranking": ranking},
            "hubs": _hubs(G, anchor, members, sets),
            "score": round(score, 4),
            "critical_mass": critical_mass(G, members),
            "themes": [{"id": t, "name": name_of(G, t)} for t in themes],
            "signals": {s: n for s, n in signals.items() if n},
            "caution": _caution(signals),
            "evidence": _evidence(G, members, by_pair, sets),
            "requirements": requirement_gaps(G, members, anchor, sets=sets),
            "operators": operators_of(G, members),
            "partners": partners,
            "unlisted_members": unlisted,
        })
    proposals.sort(key=lambda p: (-p["score"], -len(p["members"]), p["members"][0]["id"]))
    for rank, p in enumerate(proposals, 1):
        p["rank"] = rank
        p["id"] = f"proposal-{rank}-{p['anchor']['id']}"
        p.update({k: p.pop(k) for k in list(p) if k not in ("id", "rank")})  # id and rank first

    grouped = {m["id"] for p in proposals for m in p["members"]}
    kept = []
    for n in cluster_organisations(G):
        if n in grouped:
            continue
        best = max((p for p in pairs if n in (p["a"], p["b"])), key=lambda p: (p["score"], p["a"], p["b"]), default=None)
        if best is None:
            why = "shares nothing recorded with any other cluster organisation"
        else:
            other = best["b"] if best["a"] == n else best["a"]
            why = (f"closest is {name_of(G, other)} at {best['score']:.3f}, not above the threshold {min_score}" if best["score"] <= min_score
                   else f"its overlaps (closest {name_of(G, other)} at {best['score']:.3f}) fall in communities it does not share with others")
        kept.append({"id": n, "name": name_of(G, n), "why": why})
    running = {o["id"] for p in proposals for o in p["operators"]}
    for o in operators_of(G, [k["id"] for k in kept]):
        if o["id"] not in running:
            kept.append({"id": o["id"], "name": o["name"], "why": f"{o['role']} ({o['why']}), but they are kept separate", "operator": o})
    return {
        "proposals": proposals,
        "kept_separate": kept,
        "partner_kinds": PARTNER_KINDS,
        "parameters": {"min_score": min_score, "method": method, "resolution": resolution, "seed": seed,
                       "weights": dict(weights or DEFAULT_WEIGHTS)},
    }
