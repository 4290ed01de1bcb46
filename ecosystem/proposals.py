"""Consolidation proposals: which cluster organisations should merge, around whom, with which hubs.

The proposals are computed from the graph's facts only. The consolidations the documents
themselves recommend (``recommendations.csv``) are never read here; they are compared with
the proposals afterwards by :func:`compare_with_recommendations`.
"""

from __future__ import annotations

import networkx as nx

from .communities import overlap_projection, partition_communities
from .graph import successors
from .model import CLUSTER_KINDS
from .overlap import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    cluster_organisations,
    overlap_evidence,
    pairwise_overlaps,
    regions_of,
    signal_sets,
)

__all__ = [
    "propose",
    "anchor_ranking",
    "requirement_gaps",
    "leagues",
    "compare_with_recommendations",
    "apply_proposals",
    "landscape_metrics",
    "CRITICAL_MASS",
    "recommendations_of",
    "PARTNER_KINDS",
]

# Document 004: the European benchmark for an active cluster organisation's size.
CRITICAL_MASS = {
    "low": 150,
    "high": 250,
    "doc": "004_d2356694f9204211",
    "quote": "hvor der i gennemsnit er omkring 150-250 aktive virksomheder tilknyttet hver klyngeorganisation",
}

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

_LABEL_POINTS = {"ecei-gold": 3, "ecei-silver": 2, "ecei-bronze": 1}
_LEAGUE = {"ecei-gold": 1, "ecei-silver": 2, "ecei-bronze": 3}
_ALL_REGIONS = ("region-hovedstaden", "region-midtjylland", "region-nordjylland", "region-sjaelland", "region-syddanmark")


def _name(G, n):
    return G.nodes[n].get("name", str(n)) if n in G else str(n)


def _labels(G, n) -> list:
    return sorted((v for _, v, t in G.out_edges(n, data="type") if t == "HOLDS"), key=lambda v: _LABEL_POINTS.get(v, 0), reverse=True)


def _national(G, n) -> bool:
    if G.nodes[n].get("national") is True:
        return True
    return any(t == "SERVES" and G.nodes[v].get("subtype") == "area" and v == "danmark" for _, v, t in G.out_edges(n, data="type"))


def _size(G, n) -> int:
    stated = G.nodes[n].get("members") or 0
    listed = len({u for u, _, t in G.in_edges(n, data="type") if t == "MEMBER_OF"})
    return max(stated, listed)


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
        labels = _labels(G, n)
        out[n] = _LEAGUE.get(labels[0]) if labels else None
    return out


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
    sizes = {m: _size(G, m) for m in members}
    cent = {m: sum(P[m][o]["weight"] for o in members if P.has_edge(m, o)) if m in P else 0.0 for m in members}
    max_size, max_cent = max(sizes.values()) or 1, max(cent.values()) or 1.0
    rows = []
    for m in members:
        labels = _labels(G, m)
        national = _national(G, m)
        network = G.nodes[m].get("kind") == "innovation_network"
        points = 3 * national + network + (_LABEL_POINTS.get(labels[0], 0) if labels else 0) + 2 * sizes[m] / max_size + 2 * cent[m] / max_cent
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
        parts.append(f"holds {_name(G, r['label'])}")
    if r["size"]:
        parts.append(f"largest stated membership ({r['size']})" if r.get("largest") else f"{r['size']} members")
    if r["centrality"]:
        parts.append(f"overlap centrality {r['centrality']:.2f}")
    why = ", ".join(parts) or "no distinguishing facts"
    if r.get("tied"):
        why += f"; tied at {r['points']:g} points with {', '.join(_name(G, t) for t in r['tied'])}, first by id"
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


def _regions(G, n) -> list:
    return sorted(r for r in signal_sets(G, "regions", [n])[n] if r in _ALL_REGIONS)


def _hubs(G, anchor, members) -> list[dict]:
    """Give every region the group serves, and the anchor does not, one member as its hub.

    The hub for a region is the member located there, else the member serving the fewest
    regions (the most regional one), then by id, so each region has exactly one hub.
    """
    home = set(_regions(G, anchor))
    serves = {m: set(_regions(G, m)) for m in members if m != anchor}
    located = {m: {r for _, v, t in G.out_edges(m, data="type") if t == "LOCATED_IN" for r in regions_of(G, v)} for m in serves}
    chosen: dict[str, list] = {}
    for region in sorted(set().union(set(), *serves.values()) - home):
        candidates = sorted((m for m in serves if region in serves[m]), key=lambda m: (region not in located[m], len(serves[m]), m))
        chosen.setdefault(candidates[0], []).append(region)
    return [{"id": m, "name": _name(G, m), "serves": rs, "serves_names": [_name(G, r) for r in rs]} for m, rs in sorted(chosen.items())]


def requirement_gaps(G: nx.MultiDiGraph, members, anchor=None) -> list[dict]:
    """Check a (merged) group against the 2021-24 requirements of document 003.

    Each check returns ``{"requirement", "status", "detail"}`` with status ``met``,
    ``gap`` or ``unknown`` (the graph holds no evidence either way).
    """
    members = sorted(members)
    anchor = anchor or members[0]
    around = set()
    for m in members:
        for u, v, t in list(G.in_edges(m, data="type")) + list(G.out_edges(m, data="type")):
            if t in ("MEMBER_OF", "PARTNER_OF", "COLLABORATES_WITH", "HOSTED_BY"):
                around.add(v if u == m else u)
    kinds = {G.nodes[n].get("kind") for n in around}
    gold = [m for m in members if "ecei-gold" in _labels(G, m)]
    regions = set().union(*(_regions(G, m) for m in members))
    national = [m for m in members if _national(G, m)]
    cvr = G.nodes[anchor].get("cvr")
    checks = [
        ("single-private-legal-entity-own-cvr",
         "unknown" if not cvr else "met",
         f"built on {_name(G, anchor)} (CVR {cvr})" if cvr else f"the merged organisation must be one private legal entity with its own CVR; no CVR is recorded for {_name(G, anchor)}"),
        # The documents never describe boards: what can be checked is whether companies and
        # knowledge institutions are around the organisation to sit on one.
        ("board-companies-and-knowledge-institutions",
         "met" if {"company", "knowledge_institution"} <= kinds else "unknown",
         "companies and knowledge institutions are already members or partners" if {"company", "knowledge_institution"} <= kinds
         else "none recorded among members and partners: " + ", ".join(k.replace("_", " ") for k in ("company", "knowledge_institution") if k not in kinds)),
        # The documents record few labels and no certification plans: no Gold is not a gap.
        ("ecei-gold-or-plan",
         "met" if gold else "unknown",
         f"{', '.join(_name(G, m) for m in gold)} holds ECEI Gold" if gold
         else "no ECEI Gold recorded for any member, and the documents record no certification plans: Gold or a plan for it must be shown"),
        ("national-accessibility",
         "met" if national or regions >= set(_ALL_REGIONS) else "gap" if regions else "unknown",
         (f"national reach: {', '.join(_name(G, m) for m in national)}" if national else "serves all five regions") if national or regions >= set(_ALL_REGIONS)
         else ("regional: not evidenced in " + ", ".join(_name(G, r) for r in sorted(set(_ALL_REGIONS) - regions))) if regions
         else "no region or national reach recorded"),
        ("services-on-virksomhedsguiden", "unknown", "the documents record no services on Virksomhedsguiden"),
    ]
    return [{"requirement": r, "status": s, "detail": d} for r, s, d in checks]


def _critical_mass(G, members) -> dict:
    stated = {m: G.nodes[m]["members"] for m in members if G.nodes[m].get("members")}
    total = sum(stated.values())
    missing = f"{len(members) - len(stated)} of {len(members)} members state no count"
    if not stated:
        verdict = "unknown: no member count stated"
    elif total < CRITICAL_MASS["low"]:
        verdict = "below the benchmark" if len(stated) == len(members) else f"unknown: the stated counts are below the benchmark, but {missing}"
    elif total <= CRITICAL_MASS["high"]:
        verdict = "within the benchmark" if len(stated) == len(members) else f"within the benchmark or above it ({missing})"
    else:
        verdict = "above the benchmark"
    return {"stated_members": total, "counted": sorted(stated), "benchmark": [CRITICAL_MASS["low"], CRITICAL_MASS["high"]], "verdict": verdict,
            "doc": CRITICAL_MASS["doc"], "quote": CRITICAL_MASS["quote"]}


def _evidence(G, members, by_pair, limit=8) -> list[dict]:
    rows = []
    for a in members:
        for b in members:
            if a < b and (a, b) in by_pair:
                for signal in sorted(by_pair[(a, b)]["signals"], key=lambda s: (-by_pair[(a, b)]["signals"][s]["jaccard"], s)):
                    for item in overlap_evidence(G, a, b, signal, limit=2):
                        for q in item["quotes"][:2]:
                            rows.append({"a": a, "b": b, "signal": signal, "shared": item["item"], **q})
    rows.sort(key=lambda r: (-by_pair[(r["a"], r["b"])]["score"], r["a"], r["b"], r["signal"], r["shared"], r["doc"] or "", r["quote"] or ""))
    out, seen = [], set()
    for r in rows:
        if (r["start"], r["type"], r["end"], r["quote"]) not in seen:
            seen.add((r["start"], r["type"], r["end"], r["quote"]))
            out.append(r)
    return out[:limit]


def propose(G: nx.MultiDiGraph, *, weights=None, min_score: float = 0.1, method: str = "louvain", resolution: float = 1.0, seed: int = 42) -> dict:
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

    Returns
    -------
    dict
        ``{"proposals": [...], "kept_separate": [...], "partner_kinds": {...}, "parameters": {...}}``.
        A proposal has ``id``, ``rank``, ``score`` (mean pairwise overlap among its
        members), ``members`` (``id``, ``name``, ``kind``), ``anchor`` (``id``, ``name``,
        ``why``, ranking), ``hubs``, ``critical_mass``, ``themes``, ``signals``,
        ``evidence`` (quotes), ``requirements`` (gaps against document 003) and ``partners``.

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
    pairs = pairwise_overlaps(G, weights=weights)
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
        themes = sorted(set().union(*(signal_sets(G, "themes", [m])[m] for m in members)))
        signals = {s: sum(1 for a in members for b in members if a < b and s in by_pair.get((a, b), {}).get("signals", {})) for s in SIGNALS}
        partners = set().union(*(signal_sets(G, "partners", [m])[m] for m in members)) | set().union(*(signal_sets(G, "members", [m])[m] for m in members))
        proposals.append({
            "members": [{"id": m, "name": _name(G, m), "kind": G.nodes[m]["kind"]} for m in members],
            "anchor": {"id": anchor, "name": _name(G, anchor), "why": _why_anchor(G, ranking[0]), "ranking": ranking},
            "hubs": _hubs(G, anchor, members),
            "score": round(score, 4),
            "critical_mass": _critical_mass(G, members),
            "themes": [{"id": t, "name": _name(G, t)} for t in themes],
            "signals": {s: n for s, n in signals.items() if n},
            "caution": _caution(signals),
            "evidence": _evidence(G, members, by_pair),
            "requirements": requirement_gaps(G, members, anchor),
            "partners": [{"id": p, "name": _name(G, p), "kind": G.nodes[p].get("kind"), "why_partner": PARTNER_KINDS.get(G.nodes[p].get("kind"), "")}
                         for p in sorted(partners) if G.nodes[p].get("kind") not in CLUSTER_KINDS],
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
            why = (f"closest is {_name(G, other)} at {best['score']:.3f}, not above the threshold {min_score}" if best["score"] <= min_score
                   else f"its overlaps (closest {_name(G, other)} at {best['score']:.3f}) fall in communities it does not share with others")
        kept.append({"id": n, "name": _name(G, n), "why": why})
    return {
        "proposals": proposals,
        "kept_separate": kept,
        "partner_kinds": PARTNER_KINDS,
        "parameters": {"min_score": min_score, "method": method, "resolution": resolution, "seed": seed,
                       "weights": dict(weights or DEFAULT_WEIGHTS)},
    }


def compare_with_recommendations(G: nx.MultiDiGraph, result: dict, recommendations: list[dict]) -> list[dict]:
    """Compare proposals with the consolidations the documents recommend.

    For each recommendation: ``agree`` when all its cluster-organisation members sit in
    one proposal, ``partial`` when some of them do, ``differ`` when none are grouped
    together; with the reasons (members that are partners by kind, members in different
    proposals or kept separate, and the overlap score of each pair).
    """
    where = {m["id"]: p["id"] for p in result["proposals"] for m in p["members"]}
    pairs = {(p["a"], p["b"]): p["score"] for p in pairwise_overlaps(G, weights=result["parameters"]["weights"])}
    out = []
    # A recommendation may name an organisation the graph has since folded into its
    # successor (rename or merger, with as_of): compare the successor.
    successor = successors(G)
    for rec in recommendations:
        members = list(dict.fromkeys(successor.get(m, m) for m in rec["members"] if successor.get(m, m) in G))
        mergeable = [m for m in members if G.nodes[m].get("kind") in CLUSTER_KINDS]
        reasons = [f"{_name(G, m)} is a {G.nodes[m]['kind'].replace('_', ' ')}: a partner, not a member ({PARTNER_KINDS.get(G.nodes[m]['kind'], '')})"
                   for m in members if m not in mergeable]
        reasons += [f"{m} is now {_name(G, successor[m])}" for m in rec["members"] if m in successor]
        reasons += [f"{m} is not in this graph (as_of?)" for m in rec["members"] if successor.get(m, m) not in G]
        placed: dict[str, list] = {}
        for m in mergeable:
            placed.setdefault(where.get(m, "kept separate"), []).append(m)
        for pid, ms in sorted(placed.items()):
            reasons.append(f"{', '.join(_name(G, m) for m in ms)}: {pid}")
            extra = [m["id"] for p in result["proposals"] if p["id"] == pid for m in p["members"] if m["id"] not in members]
            if extra:
                reasons.append(f"{pid} also takes in {', '.join(_name(G, m) for m in extra)}")
        anchor = successor.get(rec.get("anchor"), rec.get("anchor"))
        anchor_differs = False
        if anchor and anchor in G:
            ours = [p["anchor"]["id"] for p in result["proposals"] if any(m["id"] in mergeable for m in p["members"])]
            for a in ours:
                if G.nodes[anchor].get("kind") == "region":  # "forankres i Region Midtjylland": a place, not a body
                    placed_in = _regions(G, a)
                    verdict_a = "consistent" if anchor in placed_in else "different" if placed_in else "not comparable: no region recorded for it"
                    reasons.append(f"anchor: the documents place it in {_name(G, anchor)}, the analysis's anchor is {_name(G, a)} ({verdict_a})")
                else:
                    verdict_a = "consistent" if a == anchor else "different"
                    reasons.append(f"anchor: the documents name {_name(G, anchor)}, the analysis {_name(G, a)} ({verdict_a})")
                anchor_differs |= verdict_a == "different"
        for a in mergeable:
            for b in mergeable:
                if a < b:
                    reasons.append(f"overlap {_name(G, a)} – {_name(G, b)}: {pairs.get((a, b), 0.0):.3f}")
        together = max((len(ms) for pid, ms in placed.items() if pid != "kept separate"), default=0)
        if len(mergeable) >= 2 and together == len(mergeable) and len(mergeable) == len(members) and not anchor_differs:
            verdict = "agree"
        elif together >= 2 or (len(mergeable) >= 2 and together == len(mergeable)):
            verdict = "partial"
        elif len(mergeable) < 2:
            verdict = "not comparable"
        else:
            verdict = "differ"
        out.append({"recommendation": rec["id"], "action": rec["action"], "status": rec["status"], "year": rec.get("year"),
                    "members": rec["members"], "verdict": verdict, "reasons": reasons, "doc": rec["doc"], "quote": rec["quote"]})
    return out


def apply_proposals(G: nx.MultiDiGraph, proposals: list[dict]) -> nx.MultiDiGraph:
    """Return a copy of G with each proposal's members folded into its anchor."""
    H = G.copy()
    for p in proposals:
        anchor = p["anchor"]["id"]
        for m in p["members"]:
            if m["id"] == anchor or m["id"] not in H:
                continue
            for u, v, k, d in list(H.in_edges(m["id"], keys=True, data=True)) + list(H.out_edges(m["id"], keys=True, data=True)):
                a, b = (anchor if u == m["id"] else u), (anchor if v == m["id"] else v)
                if a != b:
                    H.add_edge(a, b, key=k, **d)
            H.nodes[anchor].setdefault("merged", []).append(m["id"])
            H.remove_node(m["id"])
    return H


def landscape_metrics(G: nx.MultiDiGraph, *, weights=None) -> dict:
    """Measure the landscape: organisations, total overlap, regions per theme, shared themes."""
    orgs = cluster_organisations(G)
    pairs = pairwise_overlaps(G, weights=weights)
    themes = signal_sets(G, "themes", orgs)
    regions = {o: set(_regions(G, o)) for o in orgs}
    by_theme: dict = {}
    for o in orgs:
        for t in themes[o]:
            by_theme.setdefault(t, set()).add(o)
    return {
        "organisations": len(orgs),
        "total_pairwise_overlap": round(sum(p["score"] for p in pairs), 4),
        "overlapping_pairs": len(pairs),
        "regions_per_theme": {_name(G, t): len(set().union(*(regions[o] for o in os))) for t, os in sorted(by_theme.items())},
        "themes_with_several_organisations": sorted(_name(G, t) for t, os in by_theme.items() if len(os) > 1),
    }



def recommendations_of(seeds, as_of: int | None = None) -> list[dict]:
    """Return the documents' recommendations as dicts, those published by ``as_of`` only."""
    out = []
    for row in seeds.recommendations:
        if as_of is None or seeds.doc_year(row["doc"]) <= as_of:
            out.append({**row.data, "members": [m for m in row["members"].split("|") if m], "hubs": [h for h in row["hubs"].split("|") if h]})
    return out
