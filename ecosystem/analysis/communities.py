"""Communities of cluster organisations on the weighted overlap projection.

Two methods: k-clique percolation, which lets an organisation belong to several
communities, and a partition (Leiden through igraph/leidenalg when installed, else
NetworkX's Louvain), both seeded, with ids that stay stable from run to run.
"""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis.overlap import cluster_organisations, pairwise_overlaps

__all__ = ["overlap_projection", "k_clique_communities", "partition_communities", "leiden_available", "community_memberships"]


def overlap_projection(G: nx.MultiDiGraph, *, pairs=None, weights=None, min_score: float = 0.0) -> nx.Graph:
    """Return the weighted graph of cluster organisations joined by their overlap score.

    Every cluster organisation is a node (isolated if it overlaps with none); an edge
    carries ``weight`` (the combined score) for each pair scoring above ``min_score``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b", "c"], kind="cluster_organisation")
    >>> G.add_node("f", kind="company")
    >>> _ = G.add_edges_from([("f", "a"), ("f", "b")], type="MEMBER_OF")
    >>> P = overlap_projection(G, weights={"members": 1.0})
    >>> sorted(P.nodes), list(P.edges(data="weight"))
    (['a', 'b', 'c'], [('a', 'b', 1.0)])
    """
    pairs = pairwise_overlaps(G, weights=weights) if pairs is None else pairs
    P = nx.Graph()
    P.add_nodes_from(cluster_organisations(G))
    P.add_edges_from((p["a"], p["b"], {"weight": p["score"]}) for p in pairs if p["score"] > min_score)
    return P


def _numbered(prefix: str, groups) -> dict[str, list]:
    """Name groups by rank: larger first, then by their smallest member, so ids are stable."""
    ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g))
    return {f"{prefix}-{i}": g for i, g in enumerate(ordered, 1)}


def k_clique_communities(P: nx.Graph, k: int = 3) -> dict[str, list]:
    """Find overlapping communities by k-clique percolation on the projection P.

    An organisation may be in several communities, or in none.

    >>> P = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("c", "e")])
    >>> k_clique_communities(P, k=3)
    {'kclique-1': ['a', 'b', 'c'], 'kclique-2': ['c', 'd', 'e']}
    """
    return _numbered("kclique", nx.community.k_clique_communities(P, k))


def leiden_available() -> bool:
    """Return True when igraph and leidenalg are importable."""
    try:
        import igraph  # noqa: F401
        import leidenalg  # noqa: F401
    except ImportError:
        return False
    return True


def partition_communities(P: nx.Graph, *, method: str = "louvain", resolution: float = 1.0, seed: int = 42) -> dict[str, list]:
    """Partition the weighted projection P into communities (every node in exactly one).

    Parameters
    ----------
    P : networkx.Graph
        Weighted projection (edge attribute ``weight``).
    method : {"auto", "leiden", "louvain"}
        Louvain (NetworkX, always installed) by default, so every install gives the same
        communities; ``auto`` takes Leiden when igraph and leidenalg are installed.
    resolution : float
        Higher gives smaller communities.
    seed : int
        Fixed seed: the same input gives the same communities.

    Examples
    --------
    >>> P = nx.Graph()
    >>> P.add_weighted_edges_from([("a", "b", 1.0), ("c", "d", 1.0), ("b", "c", 0.01)])
    >>> partition_communities(P, method="louvain")
    {'louvain-1': ['a', 'b'], 'louvain-2': ['c', 'd']}
    """
    if method == "auto":
        method = "leiden" if leiden_available() else "louvain"
    if method == "louvain":
        groups = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)
    elif method == "leiden":
        import igraph as ig
        import leidenalg

        nodes = sorted(P.nodes, key=str)
        index = {n: i for i, n in enumerate(nodes)}
        edges = sorted((min(index[u], index[v]), max(index[u], index[v]), w) for u, v, w in P.edges(data="weight", default=1.0))
        g = ig.Graph(n=len(nodes), edges=[(u, v) for u, v, _ in edges])
        part = leidenalg.find_partition(
            g, leidenalg.RBConfigurationVertexPartition, weights=[w for *_, w in edges] or None,
            resolution_parameter=resolution, seed=seed,
        )
        groups = [[nodes[i] for i in members] for members in part]
    else:
        raise ValueError(f"unknown method {method!r}; use auto, leiden or louvain")
    return _numbered(method, groups)


def community_memberships(communities: dict[str, list], method: str) -> list[dict]:
    """Flatten ``{community: members}`` into sorted ``{"entity", "community", "method"}`` rows."""
    rows = [{"entity": n, "community": c, "method": method} for c, members in communities.items() for n in members]
    return sorted(rows, key=lambda r: (r["community"], r["entity"]))
