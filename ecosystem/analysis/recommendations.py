"""The consolidations the documents recommend, and how the proposals compare with them."""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.organisations import name_of, regions_served
from ecosystem.analysis.overlap import SignalSets, pairwise_overlaps
from ecosystem.analysis.proposals import PARTNER_KINDS
from ecosystem.evidence import CLUSTER_KINDS
from ecosystem.graph import successors

__all__ = ["compare_with_recommendations", "recommendations_of"]

def compare_with_recommendations(G: nx.MultiDiGraph, result: dict, recommendations: list[dict], *, sets: SignalSets | None = None) -> list[dict]:
    """Compare proposals with the consolidations the documents recommend.

    For each recommendation: ``agree`` when all its cluster-organisation members sit in
    one proposal, ``partial`` when some of them do, ``differ`` when none are grouped
    together; with the reasons (members that are partners by kind, members in different
    proposals or kept separate, and the overlap score of each pair).

    Returns
    -------
    list of dict
        One per recommendation: ``recommendation`` (its id), ``action``, ``status`` and
        ``year`` (as the document states them), ``members`` (ids), ``verdict`` (``agree``,
        ``partial`` or ``differ``), ``reasons`` (sentences), and the ``doc`` and ``quote``
        that state it.
    """
    where = {m["id"]: p["id"] for p in result["proposals"] for m in p["members"]}
    sets = SignalSets(G) if sets is None else sets.check(G)
    pairs = {(p["a"], p["b"]): p["score"] for p in pairwise_overlaps(G, weights=result["parameters"]["weights"], sets=sets)}
    out = []
    # A recommendation may name an organisation the graph has since folded into its
    # successor (rename or merger, with as_of): compare the successor.
    successor = successors(G)
    for rec in recommendations:
        members = list(dict.fromkeys(successor.get(m, m) for m in rec["members"] if successor.get(m, m) in G))
        mergeable = [m for m in members if G.nodes[m].get("kind") in CLUSTER_KINDS]
        reasons = [f"{name_of(G, m)} is a {G.nodes[m]['kind'].replace('_', ' ')}: a partner, not a member ({PARTNER_KINDS.get(G.nodes[m]['kind'], '')})"
                   for m in members if m not in mergeable]
        reasons += [f"{m} is now {name_of(G, successor[m])}" for m in rec["members"] if m in successor]
        reasons += [f"{m} is not in this graph (as_of?)" for m in rec["members"] if successor.get(m, m) not in G]
        placed: dict[str, list] = {}
        for m in mergeable:
            placed.setdefault(where.get(m, "kept separate"), []).append(m)
        for pid, ms in sorted(placed.items()):
            reasons.append(f"{', '.join(name_of(G, m) for m in ms)}: {pid}")
            extra = [m["id"] for p in result["proposals"] if p["id"] == pid for m in p["members"] if m["id"] not in members]
            if extra:
                reasons.append(f"{pid} also takes in {', '.join(name_of(G, m) for m in extra)}")
        anchor = successor.get(rec.get("anchor"), rec.get("anchor"))
        anchor_differs = False
        if anchor and anchor in G:
            ours = [p["anchor"]["id"] for p in result["proposals"] if any(m["id"] in mergeable for m in p["members"])]
            for a in ours:
                if G.nodes[anchor].get("kind") == "region":  # "forankres i Region Midtjylland": a place, not a body
                    placed_in = regions_served(G, a, sets)
                    verdict_a = "consistent" if anchor in placed_in else "different" if placed_in else "not comparable: no region recorded for it"
                    reasons.append(f"anchor: the documents place it in {name_of(G, anchor)}, the analysis's anchor is {name_of(G, a)} ({verdict_a})")
                else:
                    verdict_a = "consistent" if a == anchor else "different"
                    reasons.append(f"anchor: the documents name {name_of(G, anchor)}, the analysis {name_of(G, a)} ({verdict_a})")
                anchor_differs |= verdict_a == "different"
        for a in mergeable:
            for b in mergeable:
                if a < b:
                    reasons.append(f"overlap {name_of(G, a)} – {name_of(G, b)}: {pairs.get((a, b), 0.0):.3f}")
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


def recommendations_of(seeds, as_of: int | None = None) -> list[dict]:
    """Return the documents' recommendations as dicts, those published by ``as_of`` only."""
    out = []
    for row in seeds.recommendations:
        if as_of is None or seeds.doc_year(row["doc"]) <= as_of:
            out.append({**row.data, "members": [m for m in row["members"].split("|") if m], "hubs": [h for h in row["hubs"].split("|") if h]})
    return out
