"""The pairwise overlap of the cluster organisations as a heatmap, ordered by community."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from ecosystem.analysis import SIGNALS, cluster_organisations
from ecosystem.output.plots.style import TICK_PT, as_of_suffix, new_axes, nothing_to_draw, short

__all__ = ["overlaps"]


def overlaps(
    G: nx.MultiDiGraph,
    pairs: Sequence[Mapping],
    communities: Iterable[Collection] = (),
    ax: Axes | None = None,
    *,
    signal: str | None = None,
    cmap: str = "YlGnBu",
    title: str | None = None,
) -> Axes:
    """Draw the pairwise overlap of the cluster organisations as a heatmap.

    Rows and columns are ordered by community, then by name, so groups sit together as
    blocks; each community of two or more is outlined. Pass the communities of the
    combined score also when ``signal`` is given, so heatmaps of different signals line up.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph: its cluster organisations are the rows and columns.
    pairs : list of dict
        The :func:`ecosystem.analysis.pairwise_overlaps` result for ``G``.
    communities : iterable of collections of nodes, optional
        The groups to order by and outline, in this order: the values of
        :func:`ecosystem.analysis.partition_communities` (Louvain) of the
        :func:`ecosystem.analysis.overlap_projection` of ``pairs``, as
        :func:`ecosystem.analysis.propose` groups them; the legend names them so.
        Without communities the rows are in the order of the names.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    signal : str, optional
        A key of ``ecosystem.analysis.SIGNALS``: show that signal's Jaccard index instead
        of the combined score.
    cmap : str
        A sequential matplotlib colour map; pairs that share nothing stay white.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``signal`` is not a known signal.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"name": "A"}), ("b", {"name": "B"})], kind="cluster_organisation")
    >>> G.add_node("f", kind="company", name="F")
    >>> _ = G.add_edge("f", "a", type="MEMBER_OF"); _ = G.add_edge("f", "b", type="MEMBER_OF")
    >>> pairs = [{"a": "a", "b": "b", "score": 3.0, "signals": {"members": {"jaccard": 1.0}}}]
    >>> ax = overlaps(G, pairs, [["a", "b"]], signal="members")
    >>> ax.images[0].get_array()[0, 1]
    np.float64(1.0)
    >>> plt.close(ax.figure)
    """
    if signal is not None and signal not in SIGNALS:
        raise ValueError(f"unknown signal {signal!r}; use one of: {', '.join(SIGNALS)}")
    orgs = cluster_organisations(G)
    ax = new_axes(ax, (11.5, 10))
    what = "combined overlap score" if signal is None else f"Jaccard index of {signal}"
    # Both are shares: 0 when a pair shares nothing, 1 when it shares everything.
    unit = "(weighted mean of Jaccard indices, 0-1)" if signal is None else "(shared / all of both, 0-1)"
    ax.set_title(title or f"Overlap between cluster organisations{as_of_suffix(G)}: {what}", fontsize=12, pad=22)
    if len(orgs) < 2:
        return nothing_to_draw(ax, f"{len(orgs)} cluster organisation(s): nothing to compare")
    groups = [g for g in communities if len(g) > 1]
    name = {n: short(G.nodes[n].get("name", str(n)), 38) for n in orgs}
    grouped = {n for g in groups for n in g}
    order = [n for g in groups for n in sorted(g, key=lambda n: name[n].casefold())]
    order += sorted((n for n in orgs if n not in grouped), key=lambda n: name[n].casefold())
    index = {n: i for i, n in enumerate(order)}

    M = np.zeros((len(order), len(order)))
    for p in pairs:
        value = p["score"] if signal is None else p["signals"].get(signal, {}).get("jaccard", 0.0)
        i, j = index[p["a"]], index[p["b"]]
        M[i, j] = M[j, i] = value
    shown = np.ma.masked_where(M <= 0, M)
    colours = plt.get_cmap(cmap).with_extremes(bad="white")
    vmax = max(float(M.max()), 1e-9) if signal is None else 1.0
    im = ax.imshow(shown, cmap=colours, vmin=0, vmax=vmax, interpolation="nearest")
    for i in range(len(order)):
        ax.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, facecolor="#D9D9D9", edgecolor="none"))
    start = 0
    for g in groups:
        ax.add_patch(
            Rectangle((start - 0.5, start - 0.5), len(g), len(g), fill=False, edgecolor="#D55E00", linewidth=1.6)
        )
        start += len(g)
    ax.set_xticks(range(len(order)))
    ax.set_yticks(range(len(order)))
    ax.set_xticklabels([name[n] for n in order], rotation=60, ha="right", rotation_mode="anchor", fontsize=TICK_PT)
    ax.set_yticklabels([name[n] for n in order], fontsize=TICK_PT)
    order_by = "by community, then name" if groups else "by name"
    ax.set_xlabel(f"cluster organisation ({order_by})", fontsize=10)
    ax.set_ylabel(f"cluster organisation ({order_by})", fontsize=10)
    ax.set_xticks(np.arange(-0.5, len(order), 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(order), 1), minor=True)
    ax.grid(which="minor", color="#F2F2F2", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    bar = ax.figure.colorbar(im, ax=ax, shrink=0.6, pad=0.02)
    bar.set_label(f"{what} {unit}")
    bar.ax.tick_params(labelsize=TICK_PT)
    handles = [
        Patch(facecolor="white", edgecolor="#BBBBBB", label="share nothing recorded"),
        Patch(facecolor="#D9D9D9", edgecolor="none", label="the organisation itself"),
    ]
    if groups:
        handles.insert(
            0,
            Patch(
                facecolor="none", edgecolor="#D55E00", linewidth=1.6, label="community (Louvain on the combined score)"
            ),
        )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        fontsize=9,
        frameon=False,
        ncols=3,
        borderaxespad=0.3,
        handlelength=1.5,
    )
    return ax
