"""The 2021-24 requirements of document 003, and critical mass (document 004's benchmark)."""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.organisations import ALL_REGIONS, is_national, labels_of, name_of, regions_served
from ecosystem.analysis.overlap import SignalSets, dataset_row
from ecosystem.graph import folded_distinct, folded_members, folded_size

__all__ = ["CRITICAL_MASS", "critical_mass", "firms_evidenced", "project_source", "requirement_gaps", "tied_firms"]

# Document 004: the European benchmark for an active cluster organisation's size.
CRITICAL_MASS = {
    "low": 150,
    "high": 250,
    "doc": "004_d2356694f9204211",
    "quote": "hvor der i gennemsnit er omkring 150-250 aktive virksomheder tilknyttet hver klyngeorganisation",
}


def requirement_gaps(G: nx.MultiDiGraph, members, anchor=None, *, sets: SignalSets | None = None) -> list[dict]:
    """Check a (merged) group against the 2021-24 requirements of document 003.

    Each check returns ``{"requirement", "status", "detail"}`` with status ``met``,
    ``gap`` or ``unknown`` (the graph holds no evidence either way).
    """
    members = sorted(members)
    anchor = anchor or members[0]
    sets = SignalSets(G) if sets is None else sets.check(G)
    around = set()
    for m in members:
        for u, v, d in sets.relations(m):
            if d.get("type") in ("MEMBER_OF", "PARTNER_OF", "COLLABORATES_WITH", "HOSTED_BY"):
                around.add(v if u == m else u)
    kinds = {G.nodes[n].get("kind") for n in around} | ({"company"} if any(folded_size(G, m) for m in members) else set())
    gold = [m for m in members if "ecei-gold" in labels_of(G, m)]
    regions = set().union(*(regions_served(G, m, sets) for m in members))
    national = [m for m in members if is_national(G, m)]
    cvr = G.nodes[anchor].get("cvr")
    checks = [
        ("single-private-legal-entity-own-cvr",
         "unknown" if not cvr else "met",
         f"built on {name_of(G, anchor)} (CVR {cvr}; source: {G.nodes[anchor].get('cvr_doc') or 'the seeds'})" if cvr else f"the merged organisation must be one private legal entity with its own CVR; no CVR is recorded for {name_of(G, anchor)}"),
        # The documents never describe boards: what can be checked is whether companies and
        # knowledge institutions are around the organisation to sit on one.
        ("board-companies-and-knowledge-institutions",
         "met" if {"company", "knowledge_institution"} <= kinds else "unknown",
         "companies and knowledge institutions are already members or partners" if {"company", "knowledge_institution"} <= kinds
         else "none recorded among members and partners: " + ", ".join(k.replace("_", " ") for k in ("company", "knowledge_institution") if k not in kinds)),
        # The documents record few labels and no certification plans: no Gold is not a gap.
        ("ecei-gold-or-plan",
         "met" if gold else "unknown",
         f"{', '.join(name_of(G, m) for m in gold)} holds ECEI Gold" if gold
         else "no ECEI Gold recorded for any member, and the documents record no certification plans: Gold or a plan for it must be shown"),
        ("national-accessibility",
         "met" if national or regions >= set(ALL_REGIONS) else "gap" if regions else "unknown",
         (f"national reach: {', '.join(name_of(G, m) for m in national)}" if national else "serves all five regions") if national or regions >= set(ALL_REGIONS)
         else ("regional: not evidenced in " + ", ".join(name_of(G, r) for r in sorted(set(ALL_REGIONS) - regions))) if regions
         else "no region or national reach recorded"),
        ("services-on-virksomhedsguiden", "unknown", "the documents record no services on Virksomhedsguiden"),
    ]
    return [{"requirement": r, "status": s, "detail": d} for r, s, d in checks]


def firms_evidenced(G: nx.MultiDiGraph, org, *, limit: int = 5) -> dict:
    """The firms the graph ties to `org`: companies listed as its members, and companies
    that took part in its projects (a lower bound of the firms it works with).

    Returns ``{"firms": count, "members": count of them listed as members,
    "projects": count of its projects with a firm in them, "examples": up to `limit`
    projects ``{"id", "name", "firms", "source"}``, the most firms first}``; ``source`` is
    the project's document or dataset and row.
    """
    return _evidenced(G, org, *tied_firms(G, org, folded=False), limit=limit)


def _evidenced(G, org, listed: set, firms: set, projects: list[dict], *, limit: int = 5) -> dict:
    """Counts of the firms tied to org, from those that are nodes of G and those folded into it."""
    projects = sorted({p["id"]: p for p in projects}.values(), key=lambda p: (-p["firms"], str(p["id"])))
    n = folded_size(G, org)
    return {"firms": len(firms) + n, "members": len(listed) + n, "projects": len(projects), "examples": projects[:limit]}


def tied_firms(G: nx.MultiDiGraph, org, *, folded: bool = True) -> tuple[set, set, list[dict]]:
    """The companies listed as `org`'s members, those and the companies in its projects,
    and its projects with a company in them (``{"id", "name", "firms", "source"}``).

    With ``folded=False`` the members folded into org (:mod:`ecosystem.graph.folded`) are
    left out of both sets: count them with :func:`ecosystem.graph.folded_size` (they are
    in no project)."""
    listed = {u for u, _, t in G.in_edges(org, data="type") if t == "MEMBER_OF" and G.nodes[u].get("kind") == "company"}
    if folded:
        listed.update(folded_members(G, org))  # companies all
    firms = set(listed)
    projects = []
    for _, p, t in G.out_edges(org, data="type"):
        if t != "PARTICIPATES_IN" or G.nodes[p].get("kind") != "project":
            continue
        here = {u for u, _, t2 in G.in_edges(p, data="type") if t2 == "PARTICIPATES_IN" and u != org and G.nodes[u].get("kind") == "company"}
        if here:
            firms |= here
            projects.append({"id": p, "name": G.nodes[p].get("name", p), "firms": len(here), "source": project_source(G, p)})
    return listed, firms, projects


def project_source(G, p) -> str:
    """Where a project comes from: its dataset, file and row, or its document."""
    return dataset_row(G.nodes[p]) or G.nodes[p].get("doc", "")


def critical_mass(G, members) -> dict:
    """Compare the members' size with the benchmark of ``CRITICAL_MASS``.

    A member's size is its stated member count where the documents give one, else the
    firms the graph ties to it (:func:`firms_evidenced`: listed members, firms in its
    projects), which is a lower bound and said to be one; a firm recorded for several
    members counts once. ``figures`` says, per member,
    which figure was used. The verdict is "unknown" only where no member has either;
    where the figures known fall short of the benchmark but some member has none, or
    some are lower bounds, it is "below the benchmark on what is recorded", with the
    count and why it may be more.
    """
    stated = {m: G.nodes[m]["members"] for m in members if G.nodes[m].get("members")}
    tied = {m: tied_firms(G, m, folded=False) for m in members if m not in stated}
    tied = {m: t for m, t in tied.items() if t[1] or folded_size(G, m)}
    bounds = {m: _evidenced(G, m, *t) for m, t in tied.items()}
    total = sum(stated.values())
    # a firm recorded for several members counts once: the bound is of distinct firms
    least = total + len(set().union(*(firms for _, firms, _ in tied.values()))) + folded_distinct(G, tied)
    figures = {m: {"figure": "stated member count", "value": n} for m, n in sorted(stated.items())}
    for m, b in sorted(bounds.items()):
        projects = f"{b['projects']} project" + ("s" if b["projects"] != 1 else "")
        what = f"at least {b['firms']} firms: {b['members']} listed as members, the others in its {projects}" if b["members"] else f"at least {b['firms']} firms in its {projects}"
        figures[m] = {"figure": "firms recorded (lower bound)", "value": b["firms"], "detail": what, "projects": b["examples"]}
    unsized = len(members) - len(stated) - len(bounds)
    missing = f"{unsized} of {len(members)} members " + ("has" if unsized == 1 else "have") + " neither a stated count nor firms recorded"
    if not figures:
        verdict = "unknown: no member count stated and no firms recorded"
    elif least > CRITICAL_MASS["high"]:
        verdict = "above the benchmark" + (" (counting lower bounds)" if bounds else "")
    elif least >= CRITICAL_MASS["low"]:
        exact = not bounds and not unsized
        verdict = "within the benchmark" if exact else "within the benchmark or above it" + (f" ({missing})" if unsized else " (counting lower bounds)")
    elif not bounds and not unsized:
        verdict = "below the benchmark"
    else:  # a figure, but one that could grow: not "unknown", nor "below" as if it were complete
        verdict = f"below the benchmark on what is recorded: at least {least} firm{'s' if least != 1 else ''}, but " + (missing if unsized else "the firms recorded are a lower bound")
    return {"stated_members": total, "counted": sorted(stated), "at_least": least, "figures": figures,
            "benchmark": [CRITICAL_MASS["low"], CRITICAL_MASS["high"]], "verdict": verdict,
            "doc": CRITICAL_MASS["doc"], "quote": CRITICAL_MASS["quote"]}  # fmt: skip
