"""Generate synthetic cluster-organisation landscapes with planted overlap.

Real data has a few dozen Danish cluster organisations; benchmarks and tests
need many more, with known structure, so this module plants it.
"""

from typing import NamedTuple

import networkx as nx
import numpy as np
from scipy import sparse

__all__ = [
    "SyntheticIncidence",
    "SyntheticEcosystem",
    "synthetic_incidence",
    "synthetic_ecosystem",
]

# A group's shared pool is this many times the largest in-group draw of its
# clusters: small enough that group-mates share a large fraction of their
# members, large enough that they are not copies of each other.
_POOL_FACTOR = 1.5


class SyntheticIncidence(NamedTuple):
    """A synthetic cluster-by-member incidence matrix and its planted groups."""

    X: sparse.csr_matrix
    """``(n_clusters, n_members)`` binary int32 CSR matrix, sorted indices."""
    groups: np.ndarray
    """Planted group of each row (int64); ``-1`` for clusters in no group."""


class SyntheticEcosystem(NamedTuple):
    """A synthetic bipartite cluster/member graph and its planted groups."""

    graph: nx.Graph
    """Bipartite graph; cluster nodes have ``bipartite=0`` and ``group``."""
    clusters: list
    """Cluster nodes in row order of :func:`synthetic_incidence`."""
    groups: dict
    """Planted group of each cluster node; ``-1`` for no group."""


def synthetic_incidence(
    n_clusters: int,
    n_members: int,
    *,
    n_groups: int | None = None,
    grouped: float = 0.8,
    within: float = 0.6,
    mean_memberships: float = 2.0,
    size_sigma: float = 1.0,
    seed: int = 0,
) -> SyntheticIncidence:
    """Return a random cluster-by-member incidence matrix with planted groups.

    Cluster sizes are lognormal (heavy-tailed). A fraction `grouped` of the
    clusters is put in one of `n_groups` planted groups; each grouped cluster
    draws a fraction `within` of its members from a pool shared by its group
    and the rest uniformly from all members, so clusters of the same group
    overlap far more than chance.

    Parameters
    ----------
    n_clusters : int
        Number of cluster organisations (rows).
    n_members : int
        Number of possible members (columns); some may join no cluster.
    n_groups : int, optional
        Number of planted groups. Default ``max(1, n_clusters // 8)``.
    grouped : float, default 0.8
        Probability that a cluster belongs to a planted group.
    within : float, default 0.6
        Fraction of a grouped cluster's draws taken from its group's pool.
    mean_memberships : float, default 2.0
        Target mean number of clusters per member; sets the mean cluster size
        ``mean_memberships * n_members / n_clusters``.
    size_sigma : float, default 1.0
        Sigma of the lognormal cluster-size distribution (larger = heavier tail).
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator`; same seed, same output.

    Returns
    -------
    SyntheticIncidence
        ``(X, groups)``: a binary int32 CSR matrix with sorted indices and the
        planted group of each row (``-1`` for none).

    Raises
    ------
    ValueError
        If a count is not positive or a fraction is outside ``[0, 1]``.

    Examples
    --------
    >>> X, groups = synthetic_incidence(5, 100, n_groups=2, seed=1)
    >>> X.shape
    (5, 100)
    >>> groups.tolist()
    [1, 0, 0, 1, 0]
    >>> bool((X.data == 1).all())
    True

    Notes
    -----
    Members are drawn with replacement and duplicates dropped, so a cluster
    can end up slightly smaller than its drawn size. Each group's pool is a
    contiguous slice (wrapping around) of one random permutation of the
    members, so pools of different groups are disjoint until they run out of
    members. Runs in O(nnz log(row size)) time; 20,000 x 3,000,000 takes a
    few seconds.
    """
    if n_clusters < 1 or n_members < 1:
        raise ValueError(f"n_clusters={n_clusters} and n_members={n_members} must both be >= 1")
    for name, value in (("grouped", grouped), ("within", within)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}={value} must be between 0 and 1")
    if n_groups is None:
        n_groups = max(1, n_clusters // 8)
    if n_groups < 1:
        raise ValueError(f"n_groups={n_groups} must be >= 1")
    rng = np.random.default_rng(seed)

    weights = rng.lognormal(0.0, size_sigma, n_clusters)
    mean_size = mean_memberships * n_members / n_clusters
    sizes = np.clip(np.rint(weights / weights.mean() * mean_size), 1, n_members)
    sizes = sizes.astype(np.int64)

    groups = rng.integers(0, n_groups, n_clusters)
    groups[rng.random(n_clusters) >= grouped] = -1
    n_in = np.where(groups >= 0, np.rint(within * sizes), 0).astype(np.int64)

    pool = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(pool, groups[groups >= 0], n_in[groups >= 0])
    pool = np.clip(np.ceil(_POOL_FACTOR * pool), 1, n_members).astype(np.int64)
    pool_start = np.concatenate(([0], np.cumsum(pool)[:-1])) % n_members
    perm = rng.permutation(n_members)

    indptr = np.concatenate(([0], np.cumsum(sizes)))
    row = np.repeat(np.arange(n_clusters), sizes)
    is_in = np.arange(indptr[-1]) - indptr[row] < n_in[row]
    g = groups[row[is_in]]
    cols = np.empty(indptr[-1], dtype=np.int64)
    cols[is_in] = perm[(pool_start[g] + rng.integers(0, pool[g])) % n_members]
    cols[~is_in] = rng.integers(0, n_members, int((~is_in).sum()))
    del row, is_in, g

    index_dtype = np.int32 if max(n_members, indptr[-1]) < 2**31 else np.int64
    X = sparse.csr_matrix(
        (
            np.ones(indptr[-1], dtype=np.int32),
            cols.astype(index_dtype),
            indptr.astype(index_dtype),
        ),
        shape=(n_clusters, n_members),
    )
    # Duplicates from drawing with replacement are summed, then reset to 1.
    X.sum_duplicates()
    X.data[:] = 1
    return SyntheticIncidence(X, groups)


def synthetic_ecosystem(
    n_clusters: int,
    n_members: int,
    *,
    n_groups: int | None = None,
    seed: int = 0,
    **kwargs,
) -> SyntheticEcosystem:
    """Return a random bipartite cluster/member graph with planted groups.

    The graph form of :func:`synthetic_incidence`, for small tests and for
    comparisons with NetworkX functions; at millions of members prefer the
    matrix.

    Parameters
    ----------
    n_clusters, n_members : int
        Numbers of cluster organisations and of possible members.
    n_groups : int, optional
        Number of planted groups. Default ``max(1, n_clusters // 8)``.
    seed : int, default 0
        Seed; the graph is identical to the matrix of
        ``synthetic_incidence(..., seed=seed)``.
    **kwargs
        Other keyword arguments of :func:`synthetic_incidence`.

    Returns
    -------
    SyntheticEcosystem
        ``(graph, clusters, groups)``. Cluster nodes are ``"C0", "C1", ...``
        and member nodes ``"M0", "M1", ...``, zero-padded to a common width so
        that sorting them by ``str`` keeps their matrix order. Cluster nodes
        carry ``bipartite=0``, ``kind="cluster_organisation"`` and ``group``;
        member nodes ``bipartite=1`` and ``kind="member"``. Every member is a
        node, even one that joined no cluster.

    Examples
    --------
    >>> G, clusters, groups = synthetic_ecosystem(3, 20, n_groups=1, seed=2)
    >>> clusters
    ['C0', 'C1', 'C2']
    >>> G.number_of_nodes()
    23
    >>> groups == {c: G.nodes[c]["group"] for c in clusters}
    True
    """
    X, group_of = synthetic_incidence(n_clusters, n_members, n_groups=n_groups, seed=seed, **kwargs)
    cw = len(str(n_clusters - 1))
    mw = len(str(n_members - 1))
    clusters = [f"C{i:0{cw}d}" for i in range(n_clusters)]
    members = [f"M{j:0{mw}d}" for j in range(n_members)]
    groups = dict(zip(clusters, group_of.tolist(), strict=True))

    G = nx.Graph()
    G.add_nodes_from((c, {"bipartite": 0, "kind": "cluster_organisation", "group": groups[c]}) for c in clusters)
    G.add_nodes_from(members, bipartite=1, kind="member")
    rows = np.repeat(np.arange(n_clusters), np.diff(X.indptr))
    G.add_edges_from((clusters[i], members[j]) for i, j in zip(rows.tolist(), X.indices.tolist(), strict=True))
    return SyntheticEcosystem(G, clusters, groups)
