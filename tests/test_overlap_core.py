"""The sparse overlap path agrees with plain Python sets and with NetworkX."""

import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from ecosystem.analysis import incidence_matrix, overlap_graph, pairwise_overlap
from tools.synthetic import synthetic_ecosystem, synthetic_incidence

FIELDS = ["row_i", "row_j", "shared", "jaccard", "containment_ij", "containment_ji"]


def reference_overlap(neighbourhoods):
    """Return {(i, j): (shared, jaccard, containment_ij, containment_ji)} by brute force."""
    result = {}
    for i, a in enumerate(neighbourhoods):
        for j in range(i + 1, len(neighbourhoods)):
            b = neighbourhoods[j]
            shared = len(a & b)
            if shared:
                result[i, j] = (shared, shared / len(a | b), shared / len(a), shared / len(b))
    return result


def as_dict(ov):
    return {
        (i, j): (s, jac, cij, cji)
        for i, j, s, jac, cij, cji in zip(*(getattr(ov, f).tolist() for f in FIELDS), strict=True)
    }


def assert_matches(ov, expected):
    got = as_dict(ov)
    assert got.keys() == expected.keys()
    for pair, values in expected.items():
        assert got[pair] == pytest.approx(values), pair
    pairs = list(zip(ov.row_i.tolist(), ov.row_j.tolist(), strict=True))
    assert pairs == sorted(pairs)
    assert all(i < j for i, j in pairs)


def random_bipartite(n_rows, n_cols, p, seed):
    G = nx.bipartite.random_graph(n_rows, n_cols, p, seed=seed)
    rows = list(range(n_rows))
    return G, rows


@pytest.mark.parametrize(
    ("n_rows", "n_cols", "p", "seed"),
    [(10, 30, 0.2, 0), (25, 40, 0.1, 1), (40, 200, 0.03, 2), (60, 15, 0.3, 3), (30, 500, 0.002, 4)],
)
def test_matches_python_sets_on_random_graphs(n_rows, n_cols, p, seed):
    G, rows = random_bipartite(n_rows, n_cols, p, seed)
    X, row_index, _ = incidence_matrix(G, rows)
    assert row_index == rows
    ov = pairwise_overlap(X)
    assert_matches(ov, reference_overlap([set(G[r]) for r in rows]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_networkx_projection(seed):
    G, rows = random_bipartite(30, 60, 0.1, seed)
    projected = nx.bipartite.overlap_weighted_projected_graph(G, rows)
    ov = pairwise_overlap(incidence_matrix(G, rows)[0])
    assert {frozenset(p): w for *p, w in projected.edges(data="weight")} == pytest.approx(
        {frozenset((i, j)): jac for (i, j), (_, jac, _, _) in as_dict(ov).items()}
    )


@pytest.mark.parametrize("budget", [1, 3, 17])
def test_chunking_does_not_change_the_result(budget):
    X, _ = synthetic_incidence(50, 400, mean_memberships=4.0, seed=5)
    whole = pairwise_overlap(X)
    chunked = pairwise_overlap(X, pair_budget=budget)
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(chunked, f), getattr(whole, f))


def test_edge_cases_empty_row_contained_row_and_disjoint_row():
    neighbourhoods = [set(), {1, 2, 3, 4}, {2, 3}, {9}, {1, 2, 3, 4}, set(), {5, 6}]
    G = nx.Graph()
    for r, nbrs in enumerate(neighbourhoods):
        G.add_node(f"r{r}")
        G.add_edges_from((f"r{r}", c) for c in nbrs)
    rows = [f"r{r}" for r in range(len(neighbourhoods))]
    X, _, cols = incidence_matrix(G, rows)
    assert cols == [1, 2, 3, 4, 5, 6, 9]
    ov = pairwise_overlap(X)
    assert_matches(ov, reference_overlap(neighbourhoods))
    # Row 2 lies entirely inside row 1; rows 1 and 4 are identical.
    assert as_dict(ov)[1, 2] == (2, 0.5, 0.5, 1.0)
    assert as_dict(ov)[1, 4] == (4, 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "X",
    [
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],  # no shared columns
        [[1, 1, 1]],  # a single row
        [[0, 0], [0, 0]],  # only empty rows
        np.zeros((0, 4)),  # no rows
        sparse.csr_matrix((3, 0)),  # no columns
    ],
)
def test_no_pairs(X):
    ov = pairwise_overlap(X)
    for f in FIELDS:
        assert getattr(ov, f).shape == (0,)
    assert ov.row_i.dtype.kind == "i" and ov.jaccard.dtype == np.float64


def test_nonzero_values_duplicates_and_explicit_zeros_count_as_membership():
    rows = np.array([0, 0, 0, 1, 1, 1, 2])
    cols = np.array([0, 1, 1, 1, 2, 3, 3])
    vals = np.array([5.0, 2.0, 1.0, 0.5, 0.0, 7.0, -1.0])  # (1, 2) is an explicit zero
    X = sparse.coo_matrix((vals, (rows, cols)), shape=(3, 4))
    assert_matches(pairwise_overlap(X), reference_overlap([{0, 1}, {1, 3}, {3}]))


def test_min_shared_keeps_only_strong_pairs():
    X, _ = synthetic_incidence(40, 300, mean_memberships=3.0, seed=2)
    ov = pairwise_overlap(X, min_shared=3)
    full = as_dict(pairwise_overlap(X))
    assert as_dict(ov) == {k: v for k, v in full.items() if v[0] >= 3}
    assert len(ov.row_i) < len(full)


def test_many_rows_use_the_int64_path():
    # Above 32,768 rows pair keys no longer fit in int32.
    n = 40_000
    rows = np.array([0, 1, 5, n - 2, n - 1, n - 1])
    cols = np.array([0, 0, 0, 0, 0, 1])
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, 2))
    neighbourhoods = [set() for _ in range(n)]
    for r, c in zip(rows, cols, strict=True):
        neighbourhoods[r].add(c)
    nonempty = sorted(set(rows.tolist()))
    expected = reference_overlap([neighbourhoods[r] for r in nonempty])
    expected = {(nonempty[i], nonempty[j]): v for (i, j), v in expected.items()}
    assert_matches(pairwise_overlap(X), expected)


def test_same_input_gives_identical_arrays():
    X, _ = synthetic_incidence(200, 5000, seed=11)
    a, b = pairwise_overlap(X), pairwise_overlap(X.copy())
    for f in FIELDS:
        assert getattr(a, f).dtype == getattr(b, f).dtype
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))


class TestIncidenceMatrix:
    def test_orders_rows_as_given_and_columns_by_str(self):
        G = nx.Graph([("b", "z"), ("b", 10), ("a", 9), ("a", "z")])
        X, rows, cols = incidence_matrix(G, ["b", "a"])
        assert rows == ["b", "a"]
        assert cols == [10, 9, "z"]  # "10" < "9" < "z"
        assert X.toarray().tolist() == [[1, 0, 1], [0, 1, 1]]
        assert X.has_sorted_indices

    def test_same_str_different_nodes_are_ordered_by_type(self):
        G = nx.Graph([("a", 1), ("a", "1")])
        _, _, cols = incidence_matrix(G, ["a"])
        assert cols == [1, "1"]

    @pytest.mark.parametrize("graph_class", [nx.DiGraph, nx.MultiDiGraph])
    def test_directed_graphs_use_both_directions(self, graph_class):
        G = graph_class([("m1", "A"), ("A", "fund"), ("m1", "B"), ("B", "fund"), ("B", "fund")])
        X, _, cols = incidence_matrix(G, ["A", "B"])
        assert cols == ["fund", "m1"]
        assert X.toarray().tolist() == [[1, 1], [1, 1]]

    def test_neighbors_callable_and_columns_restrict(self):
        G = nx.Graph([("A", "m1"), ("A", "t1"), ("B", "m1"), ("B", "t2")])
        members = lambda n: (c for c in G[n] if c.startswith("m"))  # noqa: E731
        X, _, cols = incidence_matrix(G, ["A", "B"], neighbors=members)
        assert cols == ["m1"] and X.toarray().tolist() == [[1], [1]]
        X, _, cols = incidence_matrix(G, ["A", "B"], columns=["t2", "t1", "zz"])
        assert cols == ["t2", "t1", "zz"]
        assert X.toarray().tolist() == [[0, 1, 0], [1, 0, 0]]

    def test_errors(self):
        G = nx.Graph([("A", 1)])
        with pytest.raises(nx.NodeNotFound, match="'B'"):
            incidence_matrix(G, ["A", "B"])
        with pytest.raises(ValueError, match="rows repeats"):
            incidence_matrix(G, ["A", "A"])
        with pytest.raises(ValueError, match="columns repeats"):
            incidence_matrix(G, ["A"], columns=[1, 1])


def test_overlap_graph_attributes():
    G = nx.Graph([("A", 1), ("A", 2), ("B", 2), ("B", 3), ("B", 4), ("C", 9)])
    G.nodes["A"]["kind"] = "cluster_organisation"
    H = overlap_graph(G, ["A", "B", "C", 1])
    assert set(H) == {"A", "B", "C", 1}
    assert H.nodes["A"] == {"kind": "cluster_organisation"}
    assert H["A"]["B"] == {"shared": 1, "jaccard": 0.25, "containment": {"A": 0.5, "B": 1 / 3}}
    # Node 1 is a row too: its neighbourhood {"A"} shares nothing with others.
    assert H.number_of_edges() == 1
    assert overlap_graph(G, ["A", "B"], min_shared=2).number_of_edges() == 0


def test_overlap_graph_matches_reference_on_random_graph():
    G, rows = random_bipartite(30, 80, 0.08, seed=9)
    H = overlap_graph(G, rows)
    expected = reference_overlap([set(G[r]) for r in rows])
    assert {frozenset(e) for e in H.edges} == {frozenset(p) for p in expected}
    for (i, j), (s, jac, cij, cji) in expected.items():
        assert H[i][j]["shared"] == s
        assert H[i][j]["jaccard"] == pytest.approx(jac)
        assert H[i][j]["containment"] == pytest.approx({i: cij, j: cji})


class TestSynthetic:
    def test_same_seed_same_data(self):
        a, ga = synthetic_incidence(300, 20_000, seed=3)
        b, gb = synthetic_incidence(300, 20_000, seed=3)
        c, _ = synthetic_incidence(300, 20_000, seed=4)
        for attr in ("data", "indices", "indptr"):
            np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
        np.testing.assert_array_equal(ga, gb)
        assert a.nnz != c.nnz or not np.array_equal(a.indices, c.indices)

    def test_shape_and_format(self):
        X, groups = synthetic_incidence(100, 5000, n_groups=7, seed=0)
        assert X.shape == (100, 5000)
        assert X.has_canonical_format and X.data.dtype == np.int32 and (X.data == 1).all()
        assert (np.diff(X.indptr) >= 1).all()
        assert groups.shape == (100,) and groups.min() >= -1 and groups.max() < 7

    def test_graph_is_the_matrix(self):
        X, groups = synthetic_incidence(40, 2000, seed=8)
        G, clusters, group_of = synthetic_ecosystem(40, 2000, seed=8)
        assert G.number_of_nodes() == 40 + 2000 and G.number_of_edges() == X.nnz
        assert [group_of[c] for c in clusters] == groups.tolist()
        Xg, _, cols = incidence_matrix(G, clusters)
        used = np.unique(X.indices)
        assert cols == [f"M{j:04d}" for j in used.tolist()]
        assert (Xg.toarray() == X[:, used].toarray()).all()

    def test_overlap_recovers_planted_groups(self):
        X, groups = synthetic_incidence(400, 40_000, n_groups=40, seed=1)
        ov = pairwise_overlap(X)
        same = (groups[ov.row_i] == groups[ov.row_j]) & (groups[ov.row_i] >= 0)
        # Group-mates overlap far more than chance pairs.
        assert ov.jaccard[same].mean() > 10 * ov.jaccard[~same].mean()
        best = {}
        for i, j, jac in zip(ov.row_i.tolist(), ov.row_j.tolist(), ov.jaccard.tolist(), strict=True):
            for a, b in ((i, j), (j, i)):
                if jac > best.get(a, (0.0, None))[0]:
                    best[a] = (jac, b)
        sizes = np.bincount(groups[groups >= 0])
        testable = [r for r in range(len(groups)) if groups[r] >= 0 and sizes[groups[r]] >= 2]
        hits = sum(groups[best[r][1]] == groups[r] for r in testable if r in best)
        assert hits >= 0.9 * len(testable)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"n_clusters": 0}, "n_clusters=0"),
            ({"grouped": 1.5}, "grouped=1.5"),
            ({"within": -0.1}, "within=-0.1"),
            ({"n_groups": 0}, "n_groups=0"),
        ],
    )
    def test_rejects_bad_arguments(self, kwargs, message):
        args = {"n_clusters": 10, "n_members": 100} | kwargs
        with pytest.raises(ValueError, match=message):
            synthetic_incidence(**args)
