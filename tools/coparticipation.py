"""Co-participation: which organisations take part in the same projects, on the sparse path."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
from scipy import sparse

from ecosystem.analysis import PairwiseOverlap, pairwise_overlap
from ecosystem.ingest import Dataset

__all__ = ["coparticipation", "coparticipation_communities"]


def coparticipation(dataset: Dataset, *, countries: Iterable[str] | None = None, min_shared: int = 1) -> tuple[PairwiseOverlap, list[str]]:
    """Compute the co-participation overlap of every pair of organisations of a dataset.

    Organisations are rows and projects columns of a sparse incidence matrix
    (``PARTICIPATES_IN``); :func:`ecosystem.analysis.pairwise_overlap` gives, for
    every pair sharing at least `min_shared` projects, the shared count, Jaccard and both
    containments.

    Parameters
    ----------
    dataset : Dataset
        E.g. the whole H2020 participations file from :func:`ecosystem.ingest.import_cordis`.
    countries : iterable of str, optional
        Only organisations from these countries (by their ``country``).
    min_shared : int
        Keep pairs sharing at least this many projects.

    Returns
    -------
    (PairwiseOverlap, list)
        The pairs (indices into the list) and the organisation ids, sorted.

    Examples
    --------
    >>> ds = Dataset("t", "test")
    >>> for org, project in [("a", "p1"), ("b", "p1"), ("b", "p2"), ("c", "p2"), ("a", "p2")]:
    ...     ds.add_edge(org, "PARTICIPATES_IN", project, file="f", row=1)
    >>> ov, orgs = coparticipation(ds)
    >>> [(orgs[i], orgs[j], s) for i, j, s in zip(ov.row_i.tolist(), ov.row_j.tolist(), ov.shared.tolist())]
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    wanted = set(countries) if countries is not None else None
    pairs = [
        (e["start"], e["end"])
        for e in dataset.edges
        if e["type"] == "PARTICIPATES_IN" and (wanted is None or dataset.nodes.get(e["start"], {}).get("country") in wanted)
    ]
    orgs = sorted({o for o, _ in pairs})
    projects = sorted({p for _, p in pairs})
    oi = {o: i for i, o in enumerate(orgs)}
    pi = {p: j for j, p in enumerate(projects)}
    rows = np.fromiter((oi[o] for o, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((pi[p] for _, p in pairs), dtype=np.int64, count=len(pairs))
    X = sparse.csr_matrix((np.ones(len(pairs), dtype=np.int32), (rows, cols)), shape=(len(orgs), len(projects)))
    return pairwise_overlap(X, min_shared=min_shared), orgs


def coparticipation_communities(
    ov: PairwiseOverlap, orgs: list, *, weight: str = "jaccard", method: str = "auto", resolution: float = 1.0, seed: int = 42
) -> dict[str, list]:
    """Partition organisations into communities of co-participation (every one in one).

    Leiden (igraph's own implementation, modularity, seeded) straight from the arrays
    when igraph is installed, else NetworkX's Louvain (much slower on the whole H2020
    file). Communities are numbered by size, then by their smallest member, so ids are
    stable; organisations without any co-participant are left out.

    >>> ov = pairwise_overlap([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]])
    >>> coparticipation_communities(ov, ["a", "b", "c", "d"], method="louvain")
    {'louvain-1': ['a', 'b'], 'louvain-2': ['c', 'd']}
    """
    if method == "auto":
        try:
            import igraph  # noqa: F401
        except ImportError:
            method = "louvain"
        else:
            method = "leiden"
    w = getattr(ov, weight).tolist()
    if method == "leiden":
        import random

        import igraph as ig

        # leidenalg took 30 s on the whole H2020 file where igraph's Leiden takes 1.5 s.
        g = ig.Graph(n=len(orgs), edges=list(zip(ov.row_i.tolist(), ov.row_j.tolist())), directed=False)
        ig.set_random_number_generator(random.Random(seed))
        try:
            found = g.community_leiden(objective_function="modularity", weights=w, resolution=resolution, n_iterations=2)
        finally:
            ig.set_random_number_generator(random)
        groups = [[orgs[i] for i in members] for members in found]
    elif method == "louvain":
        P = nx.Graph()
        P.add_nodes_from(orgs[i] for i in np.union1d(ov.row_i, ov.row_j).tolist())
        P.add_weighted_edges_from(zip((orgs[i] for i in ov.row_i.tolist()), (orgs[j] for j in ov.row_j.tolist()), w))
        groups = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}; use auto, leiden or louvain")
    ordered = sorted((sorted(g) for g in groups if len(g) > 1), key=lambda g: (-len(g), g))
    return {f"{method}-{i}": g for i, g in enumerate(ordered, 1)}
