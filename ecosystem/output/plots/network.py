"""The evidence graph as a network: nodes coloured by kind and sized by degree."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from ecosystem.evidence import CLUSTER_KINDS
from ecosystem.output.plots.labels import Label, marker_radius, place_labels
from ecosystem.output.plots.style import KIND_STYLE, as_of_suffix, kind_handles, new_axes, short

__all__ = ["MAX_NODES", "SubgraphDrawn", "network"]

MAX_NODES = 2000
"""Above this many nodes :func:`network` draws the cluster organisations and their neighbours
unless ``whole=True``: a spring layout of tens of thousands of nodes takes many minutes and
shows a hairball."""


class SubgraphDrawn(UserWarning):
    """:func:`network` drew part of a big graph; ``shown``, ``total`` and ``note`` say which part."""

    def __init__(self, note: str, shown: int, total: int):
        super().__init__(f"{note}; whole=True draws every node (slow: minutes for tens of thousands)")
        self.note, self.shown, self.total = note, shown, total


def _focus(G: nx.MultiDiGraph, max_nodes: int) -> tuple[list, str]:
    """The nodes to draw of a big graph, in G's order, and a sentence saying which they are.

    The cluster organisations and innovation networks and their direct neighbours; when
    those are more than ``max_nodes``, the neighbours linked to the most of them first,
    then by degree and id, so the choice is the same for the same graph.
    """
    core = [n for n, k in G.nodes(data="kind") if k in CLUSTER_KINDS]
    core_set = set(core)
    links: dict = {}
    for c in core:
        for m in set(nx.all_neighbors(G, c)) - core_set:
            links[m] = links.get(m, 0) + 1
    if not core:
        ranked = sorted(G, key=lambda n: (-G.degree(n), str(n)))[:max_nodes]
        note = f"showing {len(ranked):,} of {G.number_of_nodes():,} nodes: no cluster organisations, the nodes of highest degree"
    else:
        neighbours = sorted(links, key=lambda n: (-links[n], -G.degree(n), str(n)))
        clusters = f"the {len(core):,}" if len(core) <= max_nodes else f"{max_nodes:,} of the {len(core):,}"
        core = sorted(core, key=lambda n: (-G.degree(n), str(n)))[:max_nodes]
        kept = neighbours[: max_nodes - len(core)]
        ranked = core + kept
        which = (
            f"their {len(kept):,} direct neighbours"
            if len(kept) == len(neighbours)
            else (f"{len(kept):,} of their {len(neighbours):,} direct neighbours (those linked to the most of them)")
        )
        note = (
            f"showing {len(ranked):,} of {G.number_of_nodes():,} nodes: {clusters} cluster organisations"
            f" and innovation networks and {which}"
        )
    keep = set(ranked)
    return [n for n in G if n in keep], note


def _drawn_graph(G: nx.MultiDiGraph, nodes: list) -> tuple[nx.Graph, dict]:
    """The simple graph of ``nodes`` (in their order, edges in G's order) and each node's degree
    counted in G's relations among them: built without copying the rest of a big graph."""
    keep = set(nodes)
    U = nx.Graph()
    U.add_nodes_from(nodes)
    deg = dict.fromkeys(nodes, 0)
    for u, v in G.edges(nodes):
        if v in keep:
            U.add_edge(u, v)
            deg[u] += 1
            deg[v] += 1
    return U, deg


def _ordered_subgraph(U: nx.Graph, nodes: list) -> nx.Graph:
    """A copy of U's subgraph with nodes in the given order: a subgraph view iterates a set,
    whose order changes with PYTHONHASHSEED, and the layout depends on the node order."""
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from(sorted((min(u, v, key=str), max(u, v, key=str)) for u, v in U.subgraph(nodes).edges()))
    return H


def _component_layout(U: nx.Graph, seed: int) -> dict:
    """Spring-lay the largest component in the unit square and line the small ones up beneath it.

    A spring layout of a disconnected graph pushes small components far away and squeezes
    the main one into a corner; laying them out apart keeps every part readable.
    """
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(U)), key=lambda c: (-len(c), str(c[0])))
    if not comps:
        return {}
    main = _ordered_subgraph(U, comps[0])
    pos = nx.spring_layout(main, seed=seed, k=8.0 / math.sqrt(len(main)), iterations=100, center=(0.5, 0.5), scale=0.5)
    x, row = 0.0, min(p[1] for p in pos.values()) - 0.06
    for c in comps[1:]:
        width = 0.025 * math.sqrt(len(c)) if len(c) > 1 else 0.0
        sub = (
            nx.spring_layout(_ordered_subgraph(U, c), seed=seed, center=(0, 0), scale=width / 2)
            if len(c) > 1
            else {c[0]: (0, 0)}
        )
        if x + width > 1.0:
            x, row = 0.0, row - 0.07
        for n, (px, py) in sub.items():
            pos[n] = (x + width / 2 + px, row + py)
        x += width + 0.045
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def network(
    G: nx.MultiDiGraph,
    ax: Axes | None = None,
    *,
    seed: int = 42,
    isolates: bool = False,
    top: int = 12,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    whole: bool = False,
) -> Axes:
    """Draw the evidence graph: nodes coloured by kind and sized by degree.

    A graph of more than ``max_nodes`` nodes (the seeds merged with the imports: some
    70,000) is drawn in part unless ``whole=True``: the cluster organisations and
    innovation networks and their direct neighbours. The figure says so under its title
    and a :class:`SubgraphDrawn` warning says so to the caller.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    seed : int
        Seed of the spring layout: the same graph gives the same picture.
    isolates : bool
        Also draw nodes without any relation (left out by default; a note counts them).
    top : int
        Besides the cluster organisations, label this many other nodes of highest degree.
    title : str, optional
        Replaces the default title.
    max_nodes : int
        Draw a graph of more nodes than this (default :data:`MAX_NODES`, 2,000) in part.
        The part is at most this many nodes.
    whole : bool
        Draw every node however big the graph; a spring layout of 70,000 nodes takes
        many minutes.

    Returns
    -------
    matplotlib.axes.Axes

    Warns
    -----
    SubgraphDrawn
        When only part of the graph is drawn.

    Notes
    -----
    Node sizes grow with the relations drawn. The legend counts each kind as
    :func:`ecosystem.graph_stats` counts it in ``G`` (``nodes_by_kind``), and says
    ``"N of M shown"`` for a kind of which fewer are drawn. Labels are placed greedily,
    cluster organisations first and then by degree; a label that would overlap another
    label is left out rather than piled on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="cluster_organisation", name="Ålborg Klynge")
    >>> G.add_node("f", kind="company", name="Firm")
    >>> G.add_node("g", kind="company", name="Far away")
    >>> _ = G.add_edge("f", "a", type="MEMBER_OF")
    >>> ax = network(G)
    >>> ax.get_title(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('The ecosystem graph: 3 nodes, 1 relations', ['cluster organisation (1)', 'company (1 of 2 shown)'])
    >>> plt.close(ax.figure)
    """
    ax = new_axes(ax, (12, 9))
    note = None
    if whole or G.number_of_nodes() <= max_nodes:
        nodes = list(G)
    else:
        nodes, note = _focus(G, max_nodes)
        warnings.warn(SubgraphDrawn(note, len(nodes), G.number_of_nodes()), stacklevel=2)
    U, deg = _drawn_graph(G, nodes)
    lonely = [n for n in U if U.degree(n) == 0]
    if not isolates:
        U.remove_nodes_from(lonely)
    kinds = {n: G.nodes[n].get("kind") or "" for n in U}
    pos = _component_layout(U, seed)

    segments = [(pos[u], pos[v]) for u, v in U.edges]
    ax.add_collection(LineCollection(segments, colors="#8C8C8C", linewidths=0.45, alpha=0.45, zorder=1))

    def size(n) -> float:
        base = 40 if kinds[n] in CLUSTER_KINDS else 10
        return min(base + 9 * deg[n], 1200)

    everywhere: dict[str, int] = {}
    for _, k in G.nodes(data="kind"):
        everywhere[k or ""] = everywhere.get(k or "", 0) + 1
    drawn = {k: sum(1 for v in kinds.values() if v == k) for k in everywhere}
    present = [k for k in KIND_STYLE if k in everywhere] + sorted(k for k in everywhere if k not in KIND_STYLE)
    for kind in present:
        nodes_of_kind = sorted((n for n in U if kinds[n] == kind), key=str)
        if not nodes_of_kind:
            continue
        colour, marker = KIND_STYLE.get(kind, ("#777777", "o"))
        xy = np.array([pos[n] for n in nodes_of_kind])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=[size(n) for n in nodes_of_kind],
            c=colour,
            marker=marker,
            edgecolors="#333333" if kind in CLUSTER_KINDS else "white",
            linewidths=0.5,
            zorder=3 if kind in CLUSTER_KINDS else 2,
        )
    n_nodes, n_edges = G.number_of_nodes(), G.number_of_edges()
    default = f"The ecosystem graph{as_of_suffix(G)}: {n_nodes:,} nodes, {n_edges:,} relations"
    ax.set_title(title or default, fontsize=13, pad=34 if note else 6)
    if note:
        ax.text(
            0.5,
            1.005,
            f"{note[0].upper()}{note[1:]}.\nwhole=True (or `ecosystem plot network --whole`) draws every node.",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=10,
            color="#333333",
        )
    if lonely and not isolates:
        ax.text(
            0.0,
            -0.01,
            f"{len(lonely):,} node{'s' if len(lonely) != 1 else ''} without relations"
            f" {'among those shown ' if note else ''}{'are' if len(lonely) != 1 else 'is'} not drawn",
            transform=ax.transAxes,
            fontsize=9,
            color="#555555",
            va="top",
        )
    counts = {
        k: f"{drawn[k]:,}" if drawn[k] == everywhere[k] else f"{drawn[k]:,} of {everywhere[k]:,} shown" for k in present
    }
    ax.legend(
        handles=kind_handles(present, counts),
        title="kind (nodes)",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=9,
        title_fontsize=9.5,
        frameon=False,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if pos:
        xy = np.array(list(pos.values()))
        pad = 0.04 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
        ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)

    clusters = sorted((n for n in U if kinds[n] in CLUSTER_KINDS), key=lambda n: (-deg[n], str(n)))
    others = sorted((n for n in U if kinds[n] not in CLUSTER_KINDS), key=lambda n: (-deg[n], str(n)))[:top]
    labels = [
        Label(*pos[n], short(G.nodes[n].get("name", str(n))), marker_radius(size(n)), kinds[n] in CLUSTER_KINDS)
        for n in clusters + others
    ]
    # Labels may touch the rim of a big marker (0.7 of its radius): the core is dense.
    obstacles = [(*pos[n], 0.7 * marker_radius(size(n))) for n in clusters + others]
    # Short leader lines only: in a dense network a long one points at the wrong node.
    place_labels(ax, labels, obstacles, fontsize=8, reach=2.2)
    return ax
