"""Co-participation: which organisations take part in the same projects, on the sparse path."""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.pairwise import incidence_matrix, pairwise_overlap
from ecosystem.evidence import ORGANISATION_KINDS

__all__ = ["coparticipation"]


def coparticipation(G: nx.MultiDiGraph, nodes=None, *, min_shared: int = 1) -> list[dict]:
    """Return every pair of organisations that take part in the same projects.

    Any organisation counts, not only cluster organisations: a firm, a university or a
    municipality ``PARTICIPATES_IN`` projects (mostly from the imports, see
    :func:`ecosystem.graph_with_imports`); ``OPERATES`` counts as taking part too.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    nodes : iterable, optional
        The organisations to pair (default: every organisation taking part in a project).
    min_shared : int
        Keep pairs sharing at least this many projects.

    Returns
    -------
    list of dict
        ``{"a", "b", "shared", "jaccard", "containment_ab", "containment_ba"}`` per pair
        ``a < b`` (``containment_ab``: the share of a's projects that b is in too), most
        shared projects first, then by ids. On the whole H2020 file (36,000
        organisations) this is about 800,000 pairs in a few seconds.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["uni", "firm", "city"], kind="company")
    >>> G.add_nodes_from(["p1", "p2"], kind="project")
    >>> _ = G.add_edges_from([("uni", "p1"), ("firm", "p1"), ("uni", "p2"), ("city", "p2")], type="PARTICIPATES_IN")
    >>> [(p["a"], p["b"], p["shared"], p["containment_ba"]) for p in coparticipation(G)]
    [('city', 'uni', 1, 0.5), ('firm', 'uni', 1, 0.5)]
    """

    def projects(n):
        return {v for _, v, t in G.out_edges(n, data="type") if t in ("PARTICIPATES_IN", "OPERATES")}

    if nodes is None:
        nodes = sorted((n for n, k in G.nodes(data="kind") if k in ORGANISATION_KINDS and projects(n)), key=str)
    X, rows, _ = incidence_matrix(G, list(nodes), neighbors=projects)
    r = pairwise_overlap(X, min_shared=min_shared)
    out = [
        {"a": rows[i], "b": rows[j], "shared": int(s), "jaccard": float(jac), "containment_ab": float(cab), "containment_ba": float(cba)}
        for i, j, s, jac, cab, cba in zip(r.row_i.tolist(), r.row_j.tolist(), r.shared.tolist(), r.jaccard.tolist(), r.containment_ij.tolist(), r.containment_ji.tolist())
    ]
    out.sort(key=lambda p: (-p["shared"], str(p["a"]), str(p["b"])))
    return out
