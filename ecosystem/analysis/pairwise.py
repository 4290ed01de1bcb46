"""Pairwise overlap of cluster organisations' neighbourhoods, computed sparsely.

Rows of a binary incidence matrix are organisations, columns are what they
connect to (members, partners, funders, themes, ...). For every pair of rows
sharing at least one column we compute ``|A & B|``, Jaccard and both
containments, without ever visiting pairs that share nothing.
"""

from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import NamedTuple

import networkx as nx
import numpy as np
from scipy import sparse

__all__ = [
    "PAIR_BUDGET",
    "PairwiseOverlap",
    "incidence_matrix",
    "pairwise_overlap",
    "overlap_graph",
]

# Upper bound on pair keys generated at once (one per pair and shared
# column); each costs about 25 bytes in flight with int32 keys, 50 with
# int64, so a chunk stays near 100-200 MB whatever the input size.
PAIR_BUDGET = 1 << 22


class PairwiseOverlap(NamedTuple):
    """Overlap of every pair of rows ``i < j`` sharing at least one column.

    All fields are 1-D arrays of the same length (the number of pairs), sorted
    by ``(row_i, row_j)``. ``len(result.row_i)`` is the number of pairs. The
    integer fields are int32 (int64 only past 2**31 rows or columns), which
    halves their memory at tens of millions of pairs.
    """

    row_i: np.ndarray
    """First row of the pair (int32)."""
    row_j: np.ndarray
    """Second row of the pair, always ``> row_i`` (int32)."""
    shared: np.ndarray
    """``|A_i & A_j|`` (int32)."""
    jaccard: np.ndarray
    """``|A_i & A_j| / |A_i | A_j|`` (float64)."""
    containment_ij: np.ndarray
    """``|A_i & A_j| / |A_i|``: how much of row i lies in row j (float64)."""
    containment_ji: np.ndarray
    """``|A_i & A_j| / |A_j|``: how much of row j lies in row i (float64)."""


def _neighbors_of(G: nx.Graph) -> Callable[[Hashable], Iterable]:
    if G.is_directed():
        # A member points at its cluster, a cluster at its funder: both count.
        return lambda n: set(G.successors(n)) | set(G.predecessors(n))
    return lambda n: G[n]


def incidence_matrix(
    G: nx.Graph,
    rows: Iterable,
    columns: Iterable | None = None,
    *,
    neighbors: Callable[[Hashable], Iterable] | None = None,
) -> tuple[sparse.csr_matrix, list, list]:
    """Return the binary row-by-neighbour incidence matrix of `rows` in `G`.

    Parameters
    ----------
    G : NetworkX graph
        Any graph; for a directed graph a node's neighbours are its
        successors and its predecessors.
    rows : iterable of nodes
        The organisations, one matrix row each, in this order.
    columns : iterable of nodes, optional
        The allowed columns, in this order; neighbours not listed are ignored.
        By default every neighbour of a row is a column (including a row node
        that is a neighbour of another row), sorted by ``str(node)``.
    neighbors : callable, optional
        ``neighbors(node) -> iterable`` replacing the graph's neighbourhood,
        e.g. to follow only ``MEMBER_OF`` edges. Repeated neighbours count once.

    Returns
    -------
    X : scipy.sparse.csr_matrix
        ``(len(rows), len(columns))`` int32 matrix of 0/1, sorted indices.
    row_index : list
        The row nodes, in matrix order.
    col_index : list
        The column nodes, in matrix order.

    Raises
    ------
    networkx.NodeNotFound
        If a row is not in `G`.
    ValueError
        If `rows` or `columns` repeats a node.

    Examples
    --------
    >>> G = nx.Graph([("A", 1), ("A", 2), ("B", 2), ("B", 3)])
    >>> X, rows, cols = incidence_matrix(G, ["A", "B"])
    >>> X.toarray()
    array([[1, 1, 0],
           [0, 1, 1]], dtype=int32)
    >>> cols
    [1, 2, 3]
    """
    row_index = list(rows)
    if len(set(row_index)) != len(row_index):
        raise ValueError("rows repeats a node; pass each organisation once")
    for n in row_index:
        if n not in G:
            raise nx.NodeNotFound(f"row node {n!r} is not in the graph")
    nbrs = neighbors if neighbors is not None else _neighbors_of(G)
    adjacency = [set(nbrs(n)) for n in row_index]

    if columns is None:
        col_index = _sorted_by_str(set().union(*adjacency))
    else:
        col_index = list(columns)
        if len(set(col_index)) != len(col_index):
            raise ValueError("columns repeats a node; pass each column once")
    position = {c: k for k, c in enumerate(col_index)}
    if columns is not None:
        adjacency = [adj & position.keys() for adj in adjacency]

    indptr = np.zeros(len(row_index) + 1, dtype=np.int64)
    np.cumsum([len(adj) for adj in adjacency], out=indptr[1:])
    indices = np.fromiter(map(position.__getitem__, chain.from_iterable(adjacency)), dtype=np.int64, count=indptr[-1])
    X = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), indices, indptr),
        shape=(len(row_index), len(col_index)),
    )
    X.sort_indices()
    return X, row_index, col_index


def _sorted_by_str(nodes: set) -> list:
    """Return `nodes` sorted by ``str``, independent of set iteration order."""
    keys = {n: str(n) for n in nodes}
    if len(set(keys.values())) == len(keys):
        return sorted(nodes, key=keys.__getitem__)
    # Distinct nodes printing alike (1 and "1"): break the tie by type, then repr.
    return sorted(nodes, key=lambda n: (keys[n], type(n).__name__, repr(n)))


def _binary_csr(X) -> sparse.csr_matrix:
    """Return `X` as canonical CSR whose stored entries are exactly its nonzeros."""
    X = sparse.csr_matrix(X)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    if X.nnz and not np.all(X.data != 0):
        X = X.copy()
        X.eliminate_zeros()
    return X


def pairwise_overlap(X, *, min_shared: int = 1, pair_budget: int = PAIR_BUDGET) -> PairwiseOverlap:
    """Compute overlap measures for every pair of rows sharing a column.

    Parameters
    ----------
    X : sparse matrix or array-like, shape (n_rows, n_columns)
        Incidence matrix; any nonzero entry means "row has this column".
    min_shared : int, default 1
        Keep only pairs sharing at least this many columns.
    pair_budget : int, default PAIR_BUDGET
        Pair keys generated per chunk: bounds the memory in flight; the result is the
        same whatever its value.

    Returns
    -------
    PairwiseOverlap
        Arrays ``row_i, row_j, shared, jaccard, containment_ij,
        containment_ji``, one entry per pair ``i < j`` with
        ``shared >= max(min_shared, 1)``, sorted by ``(i, j)``.

    Examples
    --------
    >>> X = [[1, 1, 0, 0], [0, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 1]]
    >>> ov = pairwise_overlap(X)
    >>> ov.row_i.tolist(), ov.row_j.tolist()
    ([0, 0, 1], [1, 2, 2])
    >>> ov.shared.tolist()
    [1, 2, 2]
    >>> ov.jaccard.round(3).tolist()
    [0.333, 0.667, 0.667]
    >>> ov.containment_ij.tolist(), ov.containment_ji.round(3).tolist()
    ([0.5, 1.0, 1.0], [0.5, 0.667, 0.667])

    Notes
    -----
    Equivalent to the upper triangle of ``X @ X.T`` on a binary `X`, but
    computed on the transpose: a column held by ``d`` rows creates the
    ``d (d - 1) / 2`` pairs of those rows, so columns held by a single row
    are dropped up front (they still count in ``|A|`` and ``|A | B|``).
    Each pair ``(i, j)`` is generated once per shared column as the integer
    key ``(i << b) | j`` with ``b`` bits per row number (int32 up to 32,768
    rows, else int64), and the keys are sorted and run-length counted. Work proceeds in chunks of consecutive ``i`` of
    about four million generated keys each (or one row's worth, if larger),
    so memory stays near the size of the output.

    Time is ``O(sum_c d_c**2 + nnz)`` plus sorting, on one core; 20,000 rows
    by 3,000,000 columns with 5.5 million entries takes about a second (see
    ``benchmarks/README.md``).
    """
    X = _binary_csr(X)
    n_rows, n_cols = X.shape
    min_shared = max(int(min_shared), 1)
    row_dtype = np.int32 if n_rows < 2**31 else np.int64
    # A pair is the key (i << shift) | j, which sorts like (i, j) and splits
    # with a shift and a mask instead of a division.
    shift = max(int(n_rows - 1).bit_length(), 1)
    # Keys and positions into the nonzeros must both fit the dtype.
    key_dtype = np.int32 if 2 * shift < 31 and X.nnz < 2**31 else np.int64
    sizes = np.diff(X.indptr).astype(np.float64)

    col_rows, followers = _shared_columns(X, shift, key_dtype)
    # Rows [start, stop) form one chunk; a pair belongs to the chunk of its
    # smaller row, so no pair is ever split between chunks.
    generated = np.bincount(col_rows, weights=followers, minlength=n_rows)
    generated_before = np.concatenate(([0.0], np.cumsum(generated)))
    del generated
    pieces = []
    start = 0
    while start < n_rows:
        stop = int(np.searchsorted(generated_before, generated_before[start] + pair_budget, "right")) - 1
        stop = min(max(stop, start + 1), n_rows)
        if start == 0 and stop == n_rows:
            entries = np.arange(len(col_rows), dtype=key_dtype)
        else:
            entries = np.flatnonzero((col_rows >= start) & (col_rows < stop)).astype(key_dtype)
        key, shared = _count_pairs(entries, col_rows, followers, shift, min_shared)
        del entries
        row_i = (key >> shift).astype(row_dtype, copy=False)
        row_j = (key & ((1 << shift) - 1)).astype(row_dtype, copy=False)
        del key
        size_i = sizes[row_i]
        size_j = sizes[row_j]
        shared_f = shared.astype(np.float64)
        union = size_i + size_j
        union -= shared_f
        pieces.append(
            (
                row_i,
                row_j,
                shared.astype(_count_dtype(n_cols)),
                np.divide(shared_f, union, out=union),
                np.divide(shared_f, size_i, out=size_i),
                np.divide(shared_f, size_j, out=size_j),
            )
        )
        del row_i, row_j, size_i, size_j, shared, shared_f, union
        start = stop
    del col_rows, followers

    fields = []
    # One field at a time, so that only one field is ever held twice.
    for f, dtype in enumerate([row_dtype, row_dtype, _count_dtype(n_cols)] + [np.float64] * 3):
        fields.append(np.concatenate([p[f] for p in pieces]) if pieces else np.empty(0, dtype))
        pieces = [p[:f] + (None,) + p[f + 1 :] for p in pieces]
    return PairwiseOverlap(*fields)


def _count_dtype(n_cols):
    return np.int32 if n_cols < 2**31 else np.int64


def _shared_columns(X, shift, dtype):
    """Return the transposed layout of `X` restricted to columns held by two or more rows.

    ``col_rows`` lists, column after column, the rows holding it in increasing
    order; ``followers[k]`` counts the entries after ``k`` in the same column,
    i.e. the pairs that entry ``k`` starts.
    """
    n_rows, n_cols = X.shape
    # A bool per column stays in cache where int64 degrees would not.
    multi = np.bincount(X.indices, minlength=n_cols) >= 2
    keep = multi[X.indices]
    del multi
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(X.indptr))[keep]
    # Sorting (column, row) keys gives the transpose with rows in order;
    # faster here than scipy's tocsc, which scatters over all n_cols columns.
    key = X.indices[keep].astype(np.int64)
    del keep
    key <<= shift
    key |= rows
    del rows
    key.sort()
    col_rows = (key & ((1 << shift) - 1)).astype(dtype)
    key >>= shift
    nnz = len(key)
    new_col = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    del key
    length = np.diff(np.append(new_col, nnz))
    followers = np.repeat((new_col + length).astype(dtype), length)
    followers -= np.arange(1, nnz + 1, dtype=dtype)
    return col_rows, followers


def _count_pairs(entries, col_rows, followers, shift, min_shared):
    """Return sorted pair keys ``(i << shift) | j`` started by `entries`, and their counts."""
    f = followers[entries]
    total = int(f.sum(dtype=np.int64))
    if total == 0:
        return np.empty(0, dtype=col_rows.dtype), np.empty(0, dtype=np.int64)
    if total >= 2**31:
        # One huge row can outgrow int32 positions even when keys fit.
        entries, f = entries.astype(np.int64), f.astype(np.int64)
    # Entry k of column c pairs its row with col_rows[k + 1 : k + 1 + f[k]]:
    # one repeat plus a running index lists all those later positions.
    offsets = np.cumsum(f, dtype=f.dtype) - f
    later = np.repeat(entries + 1 - offsets, f)
    later += np.arange(total, dtype=later.dtype)
    key = col_rows[later]
    del later
    key |= np.repeat(col_rows[entries] << shift, f)
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    count = np.diff(np.append(starts, total))
    key = key[starts]
    if min_shared > 1:
        wanted = count >= min_shared
        key, count = key[wanted], count[wanted]
    return key, count


def overlap_graph(
    G: nx.Graph,
    rows: Iterable,
    columns: Iterable | None = None,
    *,
    neighbors: Callable[[Hashable], Iterable] | None = None,
    min_shared: int = 1,
) -> nx.Graph:
    """Return the overlap graph of `rows`: an edge for each pair sharing neighbours.

    Parameters
    ----------
    G : NetworkX graph
        The ecosystem graph (directed graphs use both edge directions).
    rows : iterable of nodes
        The organisations to compare.
    columns : iterable of nodes, optional
        Restrict the compared neighbourhoods to these nodes, as in
        :func:`incidence_matrix`.
    neighbors : callable, optional
        ``neighbors(node) -> iterable`` replacing the graph's neighbourhood.
    min_shared : int, default 1
        Keep only pairs sharing at least this many neighbours.

    Returns
    -------
    networkx.Graph
        Every row node (with its attributes from `G`), and an edge ``u - v``
        for each pair sharing at least `min_shared` neighbours, with attributes

        - ``shared``: number of shared neighbours (int),
        - ``jaccard``: shared / size of the union (float),
        - ``containment``: ``{u: shared / |N(u)|, v: shared / |N(v)|}``, keyed
          by node because an undirected edge has no stable ``(u, v)`` order.

    Raises
    ------
    networkx.NodeNotFound
        If a row is not in `G`.

    Examples
    --------
    >>> G = nx.Graph([("A", 1), ("A", 2), ("B", 2), ("B", 3), ("C", 4)])
    >>> H = overlap_graph(G, ["A", "B", "C"])
    >>> sorted(H.edges(data=True))
    [('A', 'B', {'shared': 1, 'jaccard': 0.3333333333333333, 'containment': {'A': 0.5, 'B': 0.5}})]
    >>> H.number_of_nodes()
    3

    See Also
    --------
    pairwise_overlap : the same numbers as arrays, for large inputs.
    networkx.algorithms.bipartite.overlap_weighted_projected_graph
    """
    X, row_index, _ = incidence_matrix(G, rows, columns, neighbors=neighbors)
    ov = pairwise_overlap(X, min_shared=min_shared)
    H = nx.Graph()
    H.add_nodes_from((n, G.nodes[n]) for n in row_index)
    H.add_edges_from(
        (
            row_index[i],
            row_index[j],
            {"shared": s, "jaccard": jac, "containment": {row_index[i]: cij, row_index[j]: cji}},
        )
        for i, j, s, jac, cij, cji in zip(
            ov.row_i.tolist(),
            ov.row_j.tolist(),
            ov.shared.tolist(),
            ov.jaccard.tolist(),
            ov.containment_ij.tolist(),
            ov.containment_ji.tolist(),
            strict=True,
        )
    )
    return H
