"""The organisations on the map of Denmark's regions and municipalities."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ecosystem.evidence import CLUSTER_KINDS, ORGANISATION_KINDS
from ecosystem.graph import folded_degree, hidden_members
from ecosystem.output.plots.basemap import basemap, dock, map_legend
from ecosystem.output.plots.labels import Label, marker_radius, place_labels
from ecosystem.output.plots.locate import locate, spread
from ecosystem.output.plots.style import (
    HUB_COLOUR,
    KIND_STYLE,
    REGION_COLOURS,
    as_of_suffix,
    kind_handles,
    kind_label,
    new_axes,
    short,
)

__all__ = ["map"]

MAP_LABELS = 300  # organisations other than cluster organisations that the map tries to label


def _hub_ids(result: Mapping | None) -> set:
    """The regional hubs of every proposal of a ``propose`` result."""
    return {h["id"] for p in (result or {}).get("proposals", []) for h in p["hubs"]}


def map(
    G: nx.MultiDiGraph,
    result: Mapping | None = None,
    ax: Axes | None = None,
    *,
    kinds=ORGANISATION_KINDS,
    title: str | None = None,
) -> Axes:
    """Draw the organisations on the map of Denmark's regions and municipalities.

    Each organisation sits at its municipality, or near the centre of its region when the
    documents name only the region (see :func:`locate`); organisations sharing a place are
    spread on a small, deterministic spiral. Cluster organisations are large markers with
    a dark edge; regional hubs of the consolidation proposals are ringed. Cluster
    organisations the documents give no place are listed in a box. Labels go where they
    overlap nothing: first the cluster organisations', then those of at most
    ``MAP_LABELS`` (300) other organisations, the most connected first. The members with
    no other relation, where each of their organisations has ``FOLD_AT`` or more of them
    (a large membership list), are counted in the title, not drawn, as in the report's network
    (the analysis graph keeps them as lists: :mod:`ecosystem.graph.folded`).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    result : dict, optional
        The :func:`ecosystem.analysis.propose` result for ``G``: the regional hubs of its
        proposals are ringed. None rings nothing.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    kinds : collection of str
        The node kinds to draw (default: every organisation kind).
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = map(nx.MultiDiGraph())
    >>> ax.get_title()
    'Organisations in Denmark: 0 of 0 placed'
    >>> plt.close(ax.figure)
    """
    ax = new_axes(ax, (10, 8.6))
    basemap(ax)
    hubs = _hub_ids(result)
    hidden, n_hidden = hidden_members(G)
    orgs = sorted((n for n, k in G.nodes(data="kind") if k in kinds and n not in hidden), key=str)
    where = locate(G, orgs)
    pos = spread(where)
    obstacles, labels = [], []
    for kind in [k for k in KIND_STYLE if k in kinds] + sorted(set(kinds) - set(KIND_STYLE)):
        nodes = [n for n in orgs if n in pos and G.nodes[n]["kind"] == kind]
        if not nodes:
            continue
        colour, marker = KIND_STYLE.get(kind, ("#777777", "o"))
        cluster = kind in CLUSTER_KINDS
        s = 130 if cluster else 45
        xy = np.array([pos[n] for n in nodes])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=s,
            c=colour,
            marker=marker,
            edgecolors="#222222" if cluster else "white",
            linewidths=1.0 if cluster else 0.6,
            zorder=3 if cluster else 2,
        )
        for n in nodes:
            obstacles.append((*pos[n], marker_radius(s)))
            labels.append(
                (
                    not cluster,
                    -G.graph.get("degree", {}).get(n, folded_degree(G, n)),  # an analysis graph holds the whole graph's
                    Label(*pos[n], short(G.nodes[n].get("name", str(n))), marker_radius(s), cluster),
                )
            )
    ringed = [n for n in orgs if n in pos and n in hubs]
    if ringed:
        xy = np.array([pos[n] for n in ringed])
        ax.scatter(xy[:, 0], xy[:, 1], s=330, facecolors="none", edgecolors=HUB_COLOUR, linewidths=1.8, zorder=2.5)

    placed_kinds = [k for k in KIND_STYLE if any(G.nodes[n]["kind"] == k for n in pos)]
    handles = kind_handles(placed_kinds, {k: sum(1 for n in pos if G.nodes[n]["kind"] == k) for k in placed_kinds})
    for h in handles:
        if any(h.get_label().startswith(kind_label(k) + " ") for k in CLUSTER_KINDS):
            h.set_markersize(10)
            h.set_markeredgecolor("#222222")
            h.set_markeredgewidth(1.0)
    if ringed:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=14,
                markerfacecolor="none",
                markeredgecolor=HUB_COLOUR,
                markeredgewidth=1.8,
                label="regional hub in a proposal",
            )
        )
    handles += [Patch(facecolor=c, edgecolor="#666666", linewidth=0.5, label=r) for r, c in REGION_COLOURS.items()]
    map_legend(ax, handles, title="placed organisations (count)")

    unplaced = [n for n in orgs if n not in pos and G.nodes[n]["kind"] in CLUSTER_KINDS]
    dock(
        ax,
        [short(G.nodes[n].get("name", str(n))) for n in unplaced],
        heading=f"Cluster organisations with no known place in the documents ({len(unplaced)}):",
    )
    n_placed = len(pos)
    n_orgs = len(orgs)
    if "stats" in G.graph:  # an analysis graph: count as in the whole graph, of which it holds a part
        n_orgs = sum(G.graph["stats"]["nodes_by_kind"].get(k, 0) for k in kinds) - (n_hidden if "company" in kinds else 0)
    aside = f"\n({n_hidden:,} members with no other relation are not drawn)" if n_hidden else ""
    ax.set_title(title or f"Organisations in Denmark{as_of_suffix(G)}: {n_placed} of {n_orgs} placed{aside}", fontsize=13)
    regional = sum(1 for n in pos if where[n]["precision"] == "region")
    if regional:
        ax.text(
            0.005,
            0.995,
            f"{regional} placed near their region's centre:\nthe documents name no municipality",
            transform=ax.transAxes,
            fontsize=8,
            color="#555555",
            va="top",
        )
    # Cluster organisations first, then the most connected of the rest: a map with
    # thousands of companies has room for a few hundred labels at most.
    labels = [lab for *_, lab in sorted(labels, key=lambda t: t[:2])]
    clusters = sum(lab.bold for lab in labels)
    place_labels(ax, labels[: clusters + MAP_LABELS], obstacles, fontsize=7.5)
    return ax
