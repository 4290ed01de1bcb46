"""The 2020 targets of document 004 ("pejlemærker"), tracked against the evidence.

Each target in ``seeds/targets.csv`` names a metric. A metric is computed from the graph
where the documents and imports can support a figure, and says "not measurable" where
they cannot: the tool never guesses a number. Counts of recorded facts are lower bounds
(a label or a firm the documents do not mention may still exist), so a count below the
threshold is "not shown", not "missed".
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ecosystem.analysis.organisations import is_national, name_of
from ecosystem.analysis.overlap import cluster_organisations
from ecosystem.analysis.requirements import project_source, tied_firms
from ecosystem.graph import folded_distinct

__all__ = ["TARGET_STATUSES", "track_targets"]

TARGET_STATUSES = ("met", "not shown", "no threshold", "not measurable")

_CLUSTER_KINDS = ("cluster_organisation", "innovation_network")
MAX_FACTS = 10


def track_targets(G: nx.MultiDiGraph, targets) -> list[dict]:
    """Measure each target against the graph (as of the year it was built for).

    Parameters
    ----------
    G : MultiDiGraph
        A built graph (``build_graph(as_of=YEAR)`` for the landscape as known in YEAR).
    targets : iterable of mappings
        The target rows (``load_seeds().targets``): ``id``, ``target``, ``metric``,
        ``threshold`` (digits or empty), ``year``, ``doc``, ``quote``.

    Returns
    -------
    list of dict, in the order given, each with the target's own fields (``threshold``
    and ``year`` as ints, ``threshold`` None where the target sets no number) and
    ``as_of`` (the graph's ``as_of`` year, None for all the evidence), ``value`` (int, or None when not
    measurable), ``bound`` ("at least": a count of what is recorded, or ""), ``status``
    (one of ``TARGET_STATUSES``), ``gap`` (threshold minus value when not shown, else
    None), ``how`` (one sentence: how the value was computed, or why there is none) and
    ``facts`` (the evidence behind the value: ``{"what", "doc", "quote"}`` or
    ``{"what", "source"}``, at most ``MAX_FACTS``; ``more_facts`` says how many more there are).
    """
    as_of = G.graph.get("as_of")
    out = []
    for t in targets:
        threshold = int(t["threshold"]) if t["threshold"] else None
        value, how, facts = _METRICS[t["metric"]](G, as_of)
        if value is None:
            status, bound = "not measurable", ""
        elif threshold is None:
            status, bound = "no threshold", "at least"
        else:
            status, bound = ("met" if value >= threshold else "not shown"), "at least"
        out.append({
            "id": t["id"], "target": t["target"], "metric": t["metric"], "threshold": threshold, "year": int(t["year"]),
            "doc": t["doc"], "quote": t["quote"], "as_of": as_of, "value": value, "bound": bound, "status": status,
            "gap": threshold - value if status == "not shown" else None, "how": how, "facts": facts[:MAX_FACTS],
            "more_facts": max(len(facts) - MAX_FACTS, 0),
        })
    return out


def _labelled(label: str, others: str | None):
    def metric(G, as_of):
        holders = {}
        for n in sorted(n for n, d in G.nodes(data=True) if d.get("kind") in _CLUSTER_KINDS):
            for _, v, e in G.out_edges(n, data=True):
                if e.get("type") == "HOLDS" and v == label:
                    holders.setdefault(n, e)
        if others:  # "yderligere": in addition to the holders of the other label
            holders = {n: e for n, e in holders.items() if not any(v == others for _, v, t in G.out_edges(n, data="type") if t == "HOLDS")}
        name = G.nodes[label]["name"] if label in G else label
        how = f"cluster organisations and innovation networks recorded as holding the {name}" + (f" (not also the {G.nodes[others]['name']})" if others and others in G else "")
        return len(holders), how + _when(as_of), [{"what": f"{name_of(G, n)} holds it", "doc": e.get("doc", ""), "quote": e.get("quote", "")} for n, e in holders.items()]
    return metric


def _active_firms(G, as_of):
    firms: set = set()
    examples: list[dict] = []
    orgs = sorted(n for n, d in G.nodes(data=True) if d.get("kind") in _CLUSTER_KINDS)
    for org in orgs:
        _, tied, projects = tied_firms(G, org, folded=False)
        firms |= tied
        examples += projects
    n_firms = len(firms) + folded_distinct(G, orgs)  # the members folded away are counted, not listed
    stated = sorted(((G.nodes[n]["members"], n) for n in G if G.nodes[n].get("kind") in _CLUSTER_KINDS and G.nodes[n].get("members")), key=lambda x: (-x[0], x[1]))
    largest = stated[0] if stated else (0, None)
    if not n_firms and not stated:
        return None, "not measurable from the evidence: no member counts and no firms recorded for any cluster organisation", []
    facts = [{"what": f"{name_of(G, n)}: {c} members stated", "doc": G.nodes[n].get("members_doc", ""), "quote": G.nodes[n].get("members_quote", "")} for c, n in stated]
    facts += [{"what": f"{p['name']}: {_firms(p['firms'])}", "source": p["source"]} for p in sorted({p["id"]: p for p in examples}.values(), key=lambda p: (-p["firms"], str(p["id"])))]
    how = (f"the larger of {_firms(n_firms)} (distinct) recorded as members of cluster organisations or innovation networks or in their projects, "
           f"and the largest stated member count ({largest[0]}); stated counts ({sum(c for c, _ in stated)} in all) are not added up, as a firm may belong to several")
    return max(n_firms, largest[0]), how, facts


def _knowledge_projects(G, as_of):
    by_year: dict[int, set] = defaultdict(set)
    projects: dict[int, list] = defaultdict(list)
    for p, d in G.nodes(data=True):
        if d.get("kind") != "project" or not d.get("year"):
            continue
        who = [u for u, _, t in G.in_edges(p, data="type") if t == "PARTICIPATES_IN"]
        kinds = {G.nodes[u].get("kind") for u in who}
        firms = {u for u in who if G.nodes[u].get("kind") == "company"}
        if firms and "knowledge_institution" in kinds and kinds & set(_CLUSTER_KINDS):
            by_year[d["year"]] |= firms
            projects[d["year"]].append((-len(firms), str(p), d.get("name", p), len(firms)))
    years = sorted(y for y in by_year if as_of is None or y <= as_of)
    if not years:
        return None, ("not measurable from the evidence: no recorded project starts with a firm, a knowledge institution "
                      "and a cluster organisation or innovation network taking part"), []
    year = years[-1]
    how = (f"distinct firms in projects starting in {year} (the latest such year{f' up to {as_of}' if as_of else ''}) with a knowledge institution and a cluster "
           f"organisation or innovation network taking part; by year: " + ", ".join(f"{y}: {len(by_year[y])}" for y in years))
    facts = [{"what": f"{name}: {_firms(n)}, started {year}", "source": project_source(G, p)} for _, p, name, n in sorted(projects[year])]
    return len(by_year[year]), how, facts


def _undergrowth(G, as_of):
    local = sorted((name_of(G, n), n) for n in cluster_organisations(G) if G.nodes[n].get("kind") == "cluster_organisation" and not is_national(G, n))
    how = (f"the target sets no number (a 'suitable' undergrowth); {len(local)} cluster organisations without national reach are recorded{_when(as_of)}")
    return len(local), how, [{"what": f"{name} is recorded", "doc": G.nodes[n].get("doc", ""), "quote": G.nodes[n].get("quote", "")} for name, n in local]


def _firms(n: int) -> str:
    return f"{n} firm" if n == 1 else f"{n} firms"


def _when(as_of) -> str:
    return f", as of {as_of}" if as_of else ", in all the evidence"


def _not_measurable(why: str):
    return lambda G, as_of: (None, f"not measurable from the evidence: {why}", [])


_METRICS = {
    "gold-label-organisations": _labelled("ecei-gold", None),
    "silver-label-organisations": _labelled("ecei-silver", "ecei-gold"),
    "firms-in-cluster-activities": _active_firms,
    "firms-starting-knowledge-projects": _knowledge_projects,
    "firms-with-new-innovations": _not_measurable("the documents and imports record no innovations per firm (an evaluation or survey of the firms would)"),
    "growth-and-employment-effects": _not_measurable("the documents and imports hold no firm-level growth or employment figures (register data on the firms taking part, against a control group, would)"),
    "local-cluster-undergrowth": _undergrowth,
}
