"""Who runs cluster work, whatever its kind: operators and hosts of cluster organisations.

An organisation that is not a cluster organisation or innovation network can still run
cluster work: a science park that leads the projects a cluster organisation takes part
in, a GTS institute or a municipal company that hosts a network. The rule, the same for
every organisation (none is named here):

- **operator**: it *leads* (role ``beneficiary``, ``coordinator`` or ``lead``) at least
  ``MIN_PROJECTS`` projects in which cluster organisations take part in another role
  (partner, participant). Regions are left out: a region leading a project runs a
  funding pool, it does not operate a cluster.
- **host**: a cluster organisation is ``HOSTED_BY`` it.

Each comes with the projects (or the hosting facts) behind it, their source rows or
quotes.
"""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.organisations import name_of
from ecosystem.analysis.overlap import dataset_row
from ecosystem.evidence import CLUSTER_KINDS

__all__ = ["LEAD_ROLES", "MIN_PROJECTS", "operators_of"]

LEAD_ROLES = ("beneficiary", "coordinator", "lead")
"""Roles that lead a project (the first word of the role: "lead (tovholder)" leads)."""
MIN_PROJECTS = 2
"""Projects an organisation must lead, with cluster organisations in them, to count as their operator."""


def _leads(role) -> bool:
    return bool(role) and str(role).split(" ")[0] in LEAD_ROLES


def _source(G: nx.MultiDiGraph, node, data: dict) -> str:
    return dataset_row(G.nodes[node]) or f"[{data.get('doc', '')}] \"{data.get('quote', '')}\""


def operators_of(G: nx.MultiDiGraph, organisations, *, min_projects: int = MIN_PROJECTS, limit: int = 5) -> list[dict]:
    """The operators and hosts of `organisations` (cluster organisations), best evidenced first.

    Returns
    -------
    list of dict
        ``{"id", "name", "kind", "subtype", "role"}`` (``role``: ``"operator"``,
        ``"host"`` or ``"operator and host"``), ``"for"`` (the ids of `organisations` it
        runs work for), ``"projects"`` (how many it leads with them), ``"evidence"``
        (up to `limit` of ``{"id", "name", "with", "source"}``: a project it leads, or
        a hosting fact, with its source row or quote) and ``"why"`` (one sentence).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", kind="cluster_organisation", name="C")
    >>> G.add_node("park", kind="knowledge_institution", subtype="science_park", name="Park")
    >>> for p in ("p1", "p2"):
    ...     G.add_node(p, kind="project", name=p.upper(), dataset="sf", file="sf.csv", row=int(p[1]))
    ...     _ = G.add_edge("park", p, type="PARTICIPATES_IN", role="beneficiary")
    ...     _ = G.add_edge("c", p, type="PARTICIPATES_IN", role="partner")
    >>> [(o["id"], o["role"], o["projects"], o["why"]) for o in operators_of(G, ["c"])]
    [('park', 'operator', 2, 'leads 2 projects with C as partner')]
    """
    organisations = set(organisations)
    found: dict = {}
    for c in sorted(organisations, key=str):
        for _, p, d in G.out_edges(c, data=True):
            if d.get("type") != "PARTICIPATES_IN" or _leads(d.get("role")):
                continue
            for lead, _, d2 in G.in_edges(p, data=True):
                kind = G.nodes[lead].get("kind")
                if d2.get("type") != "PARTICIPATES_IN" or not _leads(d2.get("role")) or kind in CLUSTER_KINDS or kind == "region":
                    continue
                entry = found.setdefault(lead, {"projects": {}, "hosts": {}})
                entry["projects"].setdefault(p, set()).add(c)
        for _, h, d in G.out_edges(c, data=True):
            if d.get("type") == "HOSTED_BY" and G.nodes[h].get("kind") not in CLUSTER_KINDS and G.nodes[h].get("kind") != "region":
                found.setdefault(h, {"projects": {}, "hosts": {}})["hosts"][c] = _source(G, h, d)
    out = []
    for n, e in found.items():
        operator = len(e["projects"]) >= min_projects
        if not operator and not e["hosts"]:
            continue
        runs_for = sorted(set().union(*e["projects"].values()) | set(e["hosts"]), key=str) if operator else sorted(e["hosts"], key=str)
        evidence = [{"id": c, "name": name_of(G, c), "with": "hosted", "source": s} for c, s in sorted(e["hosts"].items(), key=lambda x: str(x[0]))]
        if operator:
            ranked = sorted(e["projects"].items(), key=lambda x: (-len(x[1]), str(x[0])))
            evidence += [
                {"id": p, "name": name_of(G, p), "with": sorted(cs, key=str), "source": _source(G, p, {})} for p, cs in ranked
            ]
        why = []
        if operator:
            why.append(f"leads {len(e['projects'])} projects with {', '.join(name_of(G, c) for c in sorted(set().union(*e['projects'].values()), key=str))} as partner")
        if e["hosts"]:
            why.append(f"hosts {', '.join(name_of(G, c) for c in sorted(e['hosts'], key=str))}")
        d = G.nodes[n]
        out.append({
            "id": n, "name": name_of(G, n), "kind": d.get("kind"), "subtype": d.get("subtype", ""),
            "role": " and ".join(r for r, ok in (("operator", operator), ("host", bool(e["hosts"]))) if ok),
            "for": runs_for, "projects": len(e["projects"]) if operator else 0,
            "evidence": evidence[:limit], "why": "; ".join(why),
        })  # fmt: skip
    return sorted(out, key=lambda o: (-o["projects"], -len(o["for"]), str(o["id"])))
