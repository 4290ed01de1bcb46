"""Plots of the ecosystem: the network, maps of Denmark, overlaps, proposals, the timeline.

Every function draws on ``ax`` (a new figure when it is None) and returns the axes, like
NetworkX's drawing functions. Only matplotlib draws. The boundaries of Denmark's regions
and municipalities ship with the package (``ecosystem/data/geo``, Geodatastyrelsen /
Danske Kommuner 2014) and are decoded from TopoJSON here. Layouts and jitter are seeded
or derived from ids, so the same graph gives the same picture.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, HPacker, TextArea, VPacker
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path

from .communities import overlap_projection, partition_communities
from .errors import EcosystemError
from .geo import GEO_DIR, decode_arcs, decode_topojson
from .graph import build_graph, document_years
from .model import CLUSTER_KINDS, KINDS, ORGANISATION_KINDS
from .overlap import SIGNALS, cluster_organisations, pairwise_overlaps, signal_sets
from .proposals import propose
from .seeds import Seeds, load_seeds

__all__ = [
    "KIND_STYLE",
    "REGION_COLOURS",
    "Geo",
    "decode_topojson",
    "load_geo",
    "locate",
    "network",
    "map",
    "overlaps",
    "proposal",
    "timeline",
]

# Colour and marker per kind: Okabe-Ito and Paul Tol colours, which stay apart for the
# common colour-vision deficiencies; the marker shape tells kinds apart where two colours
# come close (and in greyscale print).
KIND_STYLE: dict[str, tuple[str, str]] = {
    "cluster_organisation": ("#D55E00", "o"),
    "innovation_network": ("#E69F00", "o"),
    "knowledge_institution": ("#009E73", "^"),
    "company": ("#0072B2", "s"),
    "trade_association": ("#CC79A7", "s"),
    "public_authority": ("#56B4E9", "D"),
    "growth_forum": ("#882255", "D"),
    "support_organisation": ("#332288", "v"),
    "programme": ("#DDCC77", "p"),
    "facility": ("#999933", "P"),
    "project": ("#BBBBBB", "."),
    "theme": ("#000000", "*"),
    "region": ("#777777", "h"),
    "label": ("#F0E442", "X"),
}

# Pale fills for the five regions (Paul Tol's pale scheme): neighbours differ in hue.
REGION_COLOURS: dict[str, str] = {
    "Region Nordjylland": "#BBCCEE",
    "Region Midtjylland": "#EEEEBB",
    "Region Syddanmark": "#CCDDAA",
    "Region Hovedstaden": "#FFCCCC",
    "Region Sjælland": "#CCEEFF",
}

_ANCHOR_COLOUR, _HUB_COLOUR = "#D55E00", "#0072B2"
_ANCHOR_FILL, _HUB_FILL = "#F6C9A8", "#B9D7EE"
_ATTRIBUTION = "Boundaries: Geodatastyrelsen / Danske Kommuner 2014"
_HALO = [pe.withStroke(linewidth=2.5, foreground="white")]
# Degrees of longitude are shorter than degrees of latitude: at 56° N by cos(56°).
_MAP_ASPECT = 1 / math.cos(math.radians(56.0))
_MAP_XLIM, _MAP_YLIM = (7.95, 15.35), (54.5, 57.8)
_OFFSHORE = (13.4, 57.45)  # open water north-east of Zealand (Sweden is not drawn)


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _as_of_suffix(G) -> str:
    as_of = G.graph.get("as_of")
    return f" (as of {as_of})" if as_of is not None else ""


# -- geography -------------------------------------------------------------------------


@dataclass(frozen=True)
class Geo:
    """Denmark's municipalities and regions, decoded, with the points to place things at."""

    municipalities: dict[str, list]  # KOMNAVN -> polygons (lists of (n, 2) lon/lat rings)
    regions: dict[str, list]  # REGIONNAVN -> polygons
    region_codes: dict[str, str]  # REGIONNAVN -> REGIONKODE
    centroids: dict[str, tuple[float, float]]  # KOMNAVN -> (lon, lat), area-weighted
    region_points: dict[str, tuple[float, float]]  # REGIONNAVN -> (lon, lat) inside the region
    places: dict[str, tuple[str, str]]  # casefolded town or area -> ("municipality" | "region", name)
    municipal_borders: list  # every municipal arc once, (n, 2) arrays: borders without double strokes
    region_borders: list  # every region arc once


def _ring_area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def _inside_point(polygons) -> tuple[float, float]:
    """A point inside the largest part: its centroid, or the inner grid point farthest from the coast."""
    ext = max((p[0] for p in polygons), key=lambda r: abs(_ring_area(r)))
    x, y, a = ext[:, 0], ext[:, 1], _ring_area(ext)
    cross = x * np.roll(y, 1) - np.roll(x, 1) * y
    cx = float(np.sum((x + np.roll(x, 1)) * cross) / (6 * a))
    cy = float(np.sum((y + np.roll(y, 1)) * cross) / (6 * a))
    path = Path(ext)
    if path.contains_point((cx, cy)):
        return cx, cy
    gx, gy = np.meshgrid(np.linspace(x.min(), x.max(), 60), np.linspace(y.min(), y.max(), 60))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    grid = grid[path.contains_points(grid)]
    dist = np.min(np.hypot((grid[:, None, 0] - x[None]) / _MAP_ASPECT, grid[:, None, 1] - y[None]), axis=1)
    best = grid[int(np.argmax(dist))]
    return float(best[0]), float(best[1])


@functools.cache
def load_geo() -> Geo:
    """Load the municipalities, regions and centroids shipped in ``ecosystem/data/geo``.

    Returns
    -------
    Geo
        Decoded once and cached.

    Examples
    --------
    >>> geo = load_geo()
    >>> len(geo.municipalities), sorted(geo.region_codes.values())
    (99, ['1081', '1082', '1083', '1084', '1085'])
    >>> geo.centroids["Viborg"]
    (9.40393, 56.46264)
    """
    base = GEO_DIR
    kommuner = json.loads(base.joinpath("kommuner.topojson").read_text(encoding="utf-8"))
    regioner = json.loads(base.joinpath("regioner.topojson").read_text(encoding="utf-8"))
    municipalities: dict[str, list] = {}
    for props, polygons in decode_topojson(kommuner):
        municipalities.setdefault(props["KOMNAVN"], []).extend(polygons)
    regions: dict[str, list] = {}
    codes: dict[str, str] = {}
    for props, polygons in decode_topojson(regioner):
        regions.setdefault(props["REGIONNAVN"], []).extend(polygons)
        codes[props["REGIONNAVN"]] = props["REGIONKODE"]
    centroids = {
        row["komnavn"]: (float(row["lon"]), float(row["lat"]))
        for row in csv.DictReader(io.StringIO(base.joinpath("kommuner_centroids.csv").read_text(encoding="utf-8")))
    }
    places = {}
    for row in csv.DictReader(io.StringIO(base.joinpath("places.csv").read_text(encoding="utf-8"))):
        level = "municipality" if row["municipality"] else "region"
        places[row["place"].casefold()] = (level, row["municipality"] or row["region"])
    points = {name: _inside_point(polys) for name, polys in regions.items()}
    regions = dict(sorted(regions.items(), key=lambda kv: codes[kv[0]]))
    return Geo(
        municipalities, regions, codes, centroids, points, places, decode_arcs(kommuner), decode_arcs(regioner)
    )


def _names(G, n) -> list[str]:
    d = G.nodes[n]
    return [str(x) for x in (d.get("name", n), *d.get("aliases", ()))]


def _municipality(G, n, geo: Geo) -> str | None:
    """The KOMNAVN a node names ("Viborg Kommune", "Holstebro", "Københavns Kommune", "Hobro")."""
    index = {k.casefold(): k for k in geo.centroids}
    for name in _names(G, n):
        key = name.casefold().strip()
        key = key.removesuffix(" kommune").strip()
        for candidate in (key, key.removesuffix("s")):
            if candidate in index:
                return index[candidate]
        level, place = geo.places.get(key, (None, None))
        if level == "municipality":
            return place
    return None


def _region_names(G, n, geo: Geo) -> list[str]:
    """The regions a node is or lies in: by its name, a known area, or its PART_OF/LOCATED_IN links."""
    index = {k.casefold(): k for k in geo.regions}
    for name in _names(G, n):
        key = name.casefold().strip()
        if key in index:
            return [index[key]]
        level, place = geo.places.get(key, (None, None))
        if level == "region":
            return [place]
    up = set()
    for _, v, t in G.out_edges(n, data="type"):
        if t in ("PART_OF", "LOCATED_IN"):
            up |= {index[x.casefold()] for x in _names(G, v) if x.casefold() in index}
    return sorted(up)


def locate(G: nx.MultiDiGraph, nodes=None) -> dict:
    """Find where on the map of Denmark each node lies, from the relations the documents state.

    A node is placed at a municipality when it is one, or is ``LOCATED_IN`` an entity whose
    name is a municipality ("Viborg Kommune", "Holstebro") or a town in
    ``data/geo/places.csv``; failing that, at a point inside its region when its
    ``LOCATED_IN`` relations (then its ``SERVES`` relations) point to exactly one of the
    five regions (directly or through ``PART_OF``). Nodes with no such facts, or with
    several regions, are left out: the map does not guess.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    nodes : iterable, optional
        The nodes to place (default: all).

    Returns
    -------
    dict
        ``{node: {"lon", "lat", "place", "precision"}}`` for each node that can be placed;
        ``precision`` is ``"municipality"`` or ``"region"``, ``place`` the KOMNAVN or
        REGIONNAVN.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("viborg-kommune", kind="public_authority", subtype="municipality", name="Viborg Kommune")
    >>> G.add_node("rn", kind="region", subtype="region", name="Region Nordjylland")
    >>> G.add_node("dc", kind="company", name="Datacentre")
    >>> G.add_node("hoe", kind="cluster_organisation", name="House of Energy")
    >>> _ = G.add_edge("dc", "viborg-kommune", type="LOCATED_IN")
    >>> _ = G.add_edge("hoe", "rn", type="SERVES")
    >>> where = locate(G, ["dc", "hoe"])
    >>> where["dc"]["place"], where["dc"]["precision"], where["hoe"]["place"]
    ('Viborg', 'municipality', 'Region Nordjylland')
    """
    geo = load_geo()
    out = {}
    for n in sorted(G) if nodes is None else nodes:
        if n not in G:
            continue
        d = G.nodes[n]
        targets = {
            t: sorted(v for _, v, tt in G.out_edges(n, data="type") if tt == t) for t in ("LOCATED_IN", "SERVES")
        }
        own = _municipality(G, n, geo) if d.get("subtype") in ("municipality", "area") else None
        muni = own or next((m for v in targets["LOCATED_IN"] if (m := _municipality(G, v, geo))), None)
        if muni:
            lon, lat = geo.centroids[muni]
            out[n] = {"lon": lon, "lat": lat, "place": muni, "precision": "municipality"}
            continue
        for t in ("LOCATED_IN", "SERVES"):
            regions = sorted({r for v in targets[t] for r in _region_names(G, v, geo)})
            if len(regions) == 1:
                lon, lat = geo.region_points[regions[0]]
                out[n] = {"lon": lon, "lat": lat, "place": regions[0], "precision": "region"}
            if regions:
                break
    return out


def _spread(where: Mapping, step: float = 0.07) -> dict:
    """Spread nodes that share a place on a sunflower spiral around it (deterministic, no overlaps)."""
    groups: dict[tuple, list] = {}
    for n in sorted(where, key=str):
        groups.setdefault((where[n]["lon"], where[n]["lat"]), []).append(n)
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for (lon, lat), members in groups.items():
        for i, n in enumerate(members):
            r = 0.0 if len(members) == 1 else step * math.sqrt(i + 0.5)
            pos[n] = (lon + r * math.cos(i * golden) * _MAP_ASPECT, lat + r * math.sin(i * golden))
    return pos


def _polygon_path(polygons) -> Path:
    verts, codes = [], []
    for poly in polygons:
        for r in poly:
            verts.append(r)
            codes.append(np.r_[Path.MOVETO, np.full(len(r) - 2, Path.LINETO), Path.CLOSEPOLY])
    return Path(np.concatenate(verts), np.concatenate(codes).astype(Path.code_type))


def _basemap(ax: Axes, fills: Mapping[str, str] | None = None) -> Geo:
    """Draw the regions (filled), municipal borders and region borders; frame Denmark."""
    geo = load_geo()
    fills = REGION_COLOURS if fills is None else fills
    ax.add_collection(
        PatchCollection(
            [PathPatch(_polygon_path(p)) for p in geo.regions.values()],
            facecolors=[fills.get(name, "#EEEEEE") for name in geo.regions],
            edgecolors="none",
            zorder=0,
        )
    )
    ax.add_collection(LineCollection(geo.municipal_borders, colors="white", linewidths=0.35, zorder=0.5))
    ax.add_collection(LineCollection(geo.region_borders, colors="#666666", linewidths=0.6, zorder=0.6))
    ax.set_xlim(*_MAP_XLIM)
    ax.set_ylim(*_MAP_YLIM)
    ax.set_aspect(_MAP_ASPECT)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#BBBBBB")
    ax.text(0.005, 0.005, _ATTRIBUTION, transform=ax.transAxes, ha="left", va="bottom", fontsize=6, color="#666666")
    return geo


# -- labels without piles ----------------------------------------------------------------

# Where to try a label around its point, best first: right, left, above, below, the
# diagonals; then the same farther out, with a leader line back to the point.
_SPOTS = [
    (dx * far, dy * far, ha, va)
    for far in (1.0, 2.2, 3.4, 4.6)
    for dx, dy, ha, va in [
        (1, 0, "left", "center"),
        (-1, 0, "right", "center"),
        (0, 1, "center", "bottom"),
        (0, -1, "center", "top"),
        (0.8, 0.8, "left", "bottom"),
        (-0.8, 0.8, "right", "bottom"),
        (0.8, -0.8, "left", "top"),
        (-0.8, -0.8, "right", "top"),
    ]
]


@dataclass(frozen=True)
class _Label:
    x: float
    y: float
    text: str
    radius: float = 4.0  # the marker's radius in points: the label starts beyond it
    bold: bool = False


def _marker_radius(size: float) -> float:
    """Radius in points of a scatter marker of area ``size`` (points squared)."""
    return math.sqrt(size) / 2


def _place_labels(
    ax: Axes,
    labels: Sequence[_Label],
    obstacles: Sequence[tuple[float, float, float]] = (),
    *,
    fontsize: float = 7.5,
    reach: float = 4.6,
) -> int:
    """Label points in priority order where the label overlaps no other label, marker or the frame.

    Each label tries eight spots around its point, then the same farther out (up to
    ``reach`` marker radii) with a leader line; a label with no free spot is left out, so
    labels never pile up. ``obstacles`` are markers ``(x, y, radius_pt)``.
    Returns how many labels were left out.
    """
    fig = ax.figure
    # Settle the layout first, so that display coordinates are final when we measure.
    fig.draw_without_rendering()
    to_px = fig.dpi / 72
    frame = ax.get_window_extent()
    taken = []
    for x, y, r in obstacles:
        px, py = ax.transData.transform((x, y))
        r *= to_px
        taken.append((px - r, py - r, px + r, py + r))

    def free(b) -> bool:
        if b.x0 < frame.x0 or b.x1 > frame.x1 or b.y0 < frame.y0 or b.y1 > frame.y1:
            return False
        return not any(b.x0 < t[2] and t[0] < b.x1 and b.y0 < t[3] and t[1] < b.y1 for t in taken)

    skipped = 0
    for lab in labels:
        gap = lab.radius + 1.5
        for dx, dy, ha, va in _SPOTS:
            if max(abs(dx), abs(dy)) > reach:
                continue
            style = {
                "xytext": (dx * gap, dy * gap),
                "textcoords": "offset points",
                "ha": ha,
                "va": va,
                "fontsize": fontsize,
                "fontweight": "bold" if lab.bold else "normal",
                "path_effects": _HALO,
                "zorder": 5,
                "annotation_clip": False,
            }
            t = ax.annotate(lab.text, (lab.x, lab.y), **style)
            b = t.get_window_extent()
            t.remove()
            if free(b):
                if abs(dx) > 1.5 or abs(dy) > 1.5:
                    style["arrowprops"] = {
                        "arrowstyle": "-",
                        "color": "#444444",
                        "lw": 0.6,
                        "shrinkA": 1,
                        "shrinkB": lab.radius,
                    }
                ax.annotate(lab.text, (lab.x, lab.y), **style)
                pad = 1.0 * to_px
                taken.append((b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad))
                break
        else:
            skipped += 1
    return skipped


def _kind_handles(kinds, counts: Mapping[str, int] | None = None, size: float = 7) -> list:
    handles = []
    for kind in kinds:
        colour, marker = KIND_STYLE.get(kind, ("#777777", "o"))
        label = _kind_label(kind) + (f" ({counts[kind]})" if counts else "")
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=size,
                markerfacecolor=colour,
                markeredgecolor="#333333",
                markeredgewidth=0.4,
                label=label,
            )
        )
    return handles


# -- the network ---------------------------------------------------------------------------


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
    pos = nx.spring_layout(main, seed=seed, k=5.0 / math.sqrt(len(main)), iterations=100, center=(0.5, 0.5), scale=0.5)
    x, row = 0.0, min(p[1] for p in pos.values()) - 0.06
    for c in comps[1:]:
        width = 0.025 * math.sqrt(len(c)) if len(c) > 1 else 0.0
        sub = (
            nx.spring_layout(_ordered_subgraph(U, c), seed=seed, center=(0, 0), scale=width / 2) if len(c) > 1 else {c[0]: (0, 0)}
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
) -> Axes:
    """Draw the evidence graph: nodes coloured by kind and sized by degree.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    seed : int
        Seed of the spring layout: the same graph gives the same picture.
    isolates : bool
        Also draw nodes without any relation (left out by default; the title counts them).
    top : int
        Besides the cluster organisations, label this many other nodes of highest degree.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Labels are placed greedily, cluster organisations first and then by degree; a label
    that would overlap another label is left out rather than piled on.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="cluster_organisation", name="Ålborg Klynge")
    >>> G.add_node("f", kind="company", name="Firm")
    >>> _ = G.add_edge("f", "a", type="MEMBER_OF")
    >>> ax = network(G)
    >>> ax.get_title()
    'The ecosystem graph: 2 nodes, 1 relations'
    >>> plt.close(ax.figure)
    """
    ax = _new_axes(ax, (12, 9))
    U = nx.Graph(G)
    lonely = list(nx.isolates(U))
    if not isolates:
        U.remove_nodes_from(lonely)
    kinds = {n: G.nodes[n].get("kind", "") for n in U}
    deg = dict(G.degree(U.nodes))
    pos = _component_layout(U, seed)

    segments = [(pos[u], pos[v]) for u, v in U.edges]
    ax.add_collection(LineCollection(segments, colors="#8C8C8C", linewidths=0.45, alpha=0.45, zorder=1))

    def size(n) -> float:
        base = 40 if kinds[n] in CLUSTER_KINDS else 10
        return base + 9 * deg[n]

    present = [k for k in KIND_STYLE if any(v == k for v in kinds.values())]
    present += sorted({k for k in kinds.values() if k not in KIND_STYLE})
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in present}
    for kind in present:
        nodes = sorted((n for n in U if kinds[n] == kind), key=str)
        colour, marker = KIND_STYLE.get(kind, ("#777777", "o"))
        xy = np.array([pos[n] for n in nodes])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=[size(n) for n in nodes],
            c=colour,
            marker=marker,
            edgecolors="#333333" if kind in CLUSTER_KINDS else "white",
            linewidths=0.5,
            zorder=3 if kind in CLUSTER_KINDS else 2,
        )
    n_nodes, n_edges = G.number_of_nodes(), G.number_of_edges()
    default = f"The ecosystem graph{_as_of_suffix(G)}: {n_nodes} nodes, {n_edges} relations"
    ax.set_title(title or default, fontsize=13)
    if lonely and not isolates:
        ax.text(
            0.0,
            -0.01,
            f"{len(lonely)} nodes without relations are not drawn",
            transform=ax.transAxes,
            fontsize=7.5,
            color="#555555",
            va="top",
        )
    ax.legend(
        handles=_kind_handles(present, counts),
        title="kind (count)",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title_fontsize=8.5,
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
        _Label(*pos[n], _short(G.nodes[n].get("name", str(n))), _marker_radius(size(n)), kinds[n] in CLUSTER_KINDS)
        for n in clusters + others
    ]
    # Labels may touch the rim of a big marker (0.7 of its radius): the core is dense.
    obstacles = [(*pos[n], 0.7 * _marker_radius(size(n))) for n in clusters + others]
    # Short leader lines only: in a dense network a long one points at the wrong node.
    _place_labels(ax, labels, obstacles, fontsize=7, reach=2.2)
    return ax


# -- the map ---------------------------------------------------------------------------------


def _dock(ax: Axes, nodes: Sequence, G, *, heading: str, fontsize: float = 7, loc: str = "upper right") -> None:
    """List the nodes that cannot be placed in a box in the map's empty north-east corner."""
    if not nodes:
        return
    names = sorted((_short(G.nodes[n].get("name", str(n))) for n in nodes), key=str.casefold)
    rows = math.ceil(len(names) / 2) if len(names) > 12 else len(names)
    columns = [names[i : i + rows] for i in range(0, len(names), rows)]
    props = {"fontsize": fontsize, "linespacing": 1.3}
    body = HPacker(children=[TextArea("\n".join(c), textprops=props) for c in columns], sep=10, pad=0, align="top")
    head = TextArea(heading, textprops={"fontsize": fontsize + 0.5, "fontweight": "bold"})
    box = AnchoredOffsetbox(
        loc, child=VPacker(children=[head, body], sep=4, pad=0), pad=0.5, borderpad=0.6, frameon=True
    )
    box.patch.set(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#BBBBBB", alpha=0.92)
    box.set_zorder(4)
    ax.add_artist(box)


def _short(name: str, limit: int = 40) -> str:
    """Shorten a long name for a label: the full name stays in the data."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _map_legend(ax: Axes, handles: list, title: str | None = None) -> None:
    """Put the legend in the sea between Zealand and Bornholm, where it hides no land."""
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(12.8, 54.52),
        bbox_transform=ax.transData,
        fontsize=7.5,
        framealpha=0.92,
        title=title,
        title_fontsize=8,
        borderaxespad=0,
    )


def _hub_ids(result: Mapping | None) -> set:
    return {h["id"] for p in (result or {}).get("proposals", []) for h in p["hubs"]}


def map(
    G: nx.MultiDiGraph,
    ax: Axes | None = None,
    *,
    kinds=ORGANISATION_KINDS,
    result: Mapping | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the organisations on the map of Denmark's regions and municipalities.

    Each organisation sits at its municipality, or near the centre of its region when the
    documents name only the region (see :func:`locate`); organisations sharing a place are
    spread on a small, deterministic spiral. Cluster organisations are large markers with
    a dark edge; regional hubs of the consolidation proposals are ringed. Cluster
    organisations the documents give no place are listed in a box.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    kinds : collection of str
        The node kinds to draw (default: every organisation kind).
    result : dict, optional
        A :func:`ecosystem.proposals.propose` result, for the hubs; computed when None.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = map(nx.MultiDiGraph())
    >>> ax.get_title()
    'Organisations in Denmark: 0 of 0 placed'
    >>> plt.close(ax.figure)
    """
    ax = _new_axes(ax, (10, 8.6))
    _basemap(ax)
    result = propose(G) if result is None and cluster_organisations(G) else result
    hubs = _hub_ids(result)
    orgs = sorted((n for n, k in G.nodes(data="kind") if k in kinds), key=str)
    where = locate(G, orgs)
    pos = _spread(where)
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
            obstacles.append((*pos[n], _marker_radius(s)))
            labels.append(_Label(*pos[n], _short(G.nodes[n].get("name", str(n))), _marker_radius(s), cluster))
    ringed = [n for n in orgs if n in pos and n in hubs]
    if ringed:
        xy = np.array([pos[n] for n in ringed])
        ax.scatter(xy[:, 0], xy[:, 1], s=330, facecolors="none", edgecolors=_HUB_COLOUR, linewidths=1.8, zorder=2.5)

    placed_kinds = [k for k in KIND_STYLE if any(G.nodes[n]["kind"] == k for n in pos)]
    handles = _kind_handles(placed_kinds, {k: sum(1 for n in pos if G.nodes[n]["kind"] == k) for k in placed_kinds})
    for h in handles:
        if any(h.get_label().startswith(_kind_label(k) + " ") for k in CLUSTER_KINDS):
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
                markeredgecolor=_HUB_COLOUR,
                markeredgewidth=1.8,
                label="regional hub in a proposal",
            )
        )
    handles += [Patch(facecolor=c, edgecolor="#666666", linewidth=0.5, label=r) for r, c in REGION_COLOURS.items()]
    _map_legend(ax, handles, title="placed organisations (count)")

    unplaced = [n for n in orgs if n not in pos and G.nodes[n]["kind"] in CLUSTER_KINDS]
    _dock(ax, unplaced, G, heading=f"Cluster organisations with no place in the documents ({len(unplaced)}):")
    n_placed = len(pos)
    ax.set_title(title or f"Organisations in Denmark{_as_of_suffix(G)}: {n_placed} of {len(orgs)} placed", fontsize=13)
    regional = sum(1 for n in pos if where[n]["precision"] == "region")
    if regional:
        ax.text(
            0.005,
            0.995,
            f"{regional} placed near their region's centre:\nthe documents name no municipality",
            transform=ax.transAxes,
            fontsize=7,
            color="#555555",
            va="top",
        )
    _place_labels(ax, labels, obstacles, fontsize=7.5)
    return ax


# -- overlaps --------------------------------------------------------------------------------


def overlaps(
    G: nx.MultiDiGraph,
    ax: Axes | None = None,
    *,
    signal: str | None = None,
    weights: Mapping[str, float] | None = None,
    min_score: float = 0.1,
    seed: int = 42,
    cmap: str = "YlGnBu",
    title: str | None = None,
) -> Axes:
    """Draw the pairwise overlap of the cluster organisations as a heatmap.

    Rows and columns are ordered by community (the Louvain partition of the overlap
    projection, as :func:`ecosystem.proposals.propose` uses), then by name, so groups sit
    together as blocks; each community is outlined. The order comes from the combined
    score also when ``signal`` is given, so heatmaps of different signals line up.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    signal : str, optional
        A key of ``ecosystem.overlap.SIGNALS``: show that signal's Jaccard index instead of
        the combined score.
    weights : dict, optional
        Signal weights for the combined score (default ``DEFAULT_WEIGHTS``).
    min_score : float
        Pairs at or below this score do not join communities (for the order only).
    seed : int
        Seed of the community detection.
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
    >>> ax = overlaps(G, signal="members")
    >>> ax.images[0].get_array()[0, 1]
    np.float64(1.0)
    >>> plt.close(ax.figure)
    """
    if signal is not None and signal not in SIGNALS:
        raise ValueError(f"unknown signal {signal!r}; use one of: {', '.join(SIGNALS)}")
    orgs = cluster_organisations(G)
    ax = _new_axes(ax, (11.5, 10))
    what = "combined overlap score" if signal is None else f"Jaccard index of {signal}"
    ax.set_title(title or f"Overlap between cluster organisations{_as_of_suffix(G)}: {what}", fontsize=12, pad=22)
    if len(orgs) < 2:
        ax.text(
            0.5,
            0.5,
            f"{len(orgs)} cluster organisation(s): nothing to compare",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=11,
            color="#555555",
        )
        ax.set_axis_off()
        return ax
    pairs = pairwise_overlaps(G, weights=weights)
    P = overlap_projection(G, pairs=pairs, min_score=min_score)
    groups = [g for g in partition_communities(P, method="louvain", seed=seed).values() if len(g) > 1] if pairs else []
    name = {n: _short(G.nodes[n].get("name", str(n)), 38) for n in orgs}
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
    ax.set_xticklabels([name[n] for n in order], rotation=60, ha="right", rotation_mode="anchor", fontsize=7.5)
    ax.set_yticklabels([name[n] for n in order], fontsize=7.5)
    ax.set_xticks(np.arange(-0.5, len(order), 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(order), 1), minor=True)
    ax.grid(which="minor", color="#F2F2F2", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.figure.colorbar(im, ax=ax, shrink=0.6, pad=0.02).set_label(what)
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
        fontsize=8,
        frameon=False,
        ncols=3,
        borderaxespad=0.3,
        handlelength=1.5,
    )
    return ax


# -- one proposal, before and after --------------------------------------------------------------


def _resolve_proposal(G, ref, result) -> dict:
    if isinstance(ref, Mapping):
        return dict(ref)
    result = propose(G) if result is None else result
    key = str(ref)
    for p in result["proposals"]:
        if key in (p["id"], str(p["rank"])):
            return p
    known = ", ".join(f"{p['rank']} ({p['id']})" for p in result["proposals"]) or "none"
    raise EcosystemError(f"no proposal {key!r}: give a rank or id; the proposals are: {known}")


def _region_ids(G, geo: Geo) -> dict:
    """Graph node id -> REGIONNAVN for the five regions."""
    index = {k.casefold(): k for k in geo.regions}
    return {
        n: index[d.get("name", "").casefold()] for n, d in G.nodes(data=True) if d.get("name", "").casefold() in index
    }


def _coverage(G, n, geo: Geo) -> list[str]:
    """The regions an organisation serves or lies in; all five when it serves Denmark as a whole."""
    ids = _region_ids(G, geo)
    found = signal_sets(G, "regions", [n])[n]
    if (
        any(G.nodes[r].get("name", "").casefold() == "danmark" for r in found if r in G)
        or G.nodes[n].get("national") is True
    ):
        return list(geo.regions)
    return sorted({ids[r] for r in found if r in ids}, key=list(geo.regions).index)


def proposal(
    G: nx.MultiDiGraph,
    proposal,
    ax: Sequence[Axes] | None = None,
    *,
    result: Mapping | None = None,
) -> np.ndarray:
    """Draw one consolidation proposal on the map, before and after.

    Before: the members at their places (:func:`locate`), those without a place listed.
    After: the anchor (star) with lines to its regional hubs (diamonds), each hub placed
    in the first region it serves, and the regions the merged organisation covers shaded
    (the anchor's own regions, the regions the hubs add); the other members fold into the
    anchor (grey arrows from where they were).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph the proposal was made from.
    proposal : dict, str or int
        A proposal from :func:`ecosystem.proposals.propose`, or its id or rank.
    ax : pair of matplotlib.axes.Axes, optional
        The before and after panels; a new figure with two panels when None.
    result : dict, optional
        The ``propose(G)`` result to look an id or rank up in; computed when None.

    Returns
    -------
    numpy.ndarray
        The two axes (before, after).

    Raises
    ------
    EcosystemError
        If no proposal has that id or rank.
    ValueError
        If ``ax`` is not a pair of axes.
    """
    p = _resolve_proposal(G, proposal, result)
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(16, 7.4), layout="constrained")
        fig.suptitle(
            f"{p['id']}: {len(p['members'])} organisations become {p['anchor']['name']}"
            f" with {len(p['hubs'])} regional hub{'s' if len(p['hubs']) != 1 else ''}{_as_of_suffix(G)}",
            fontsize=13,
        )
    axes = np.asarray(ax, dtype=object).ravel()
    if axes.size != 2 or not all(isinstance(a, Axes) for a in axes):
        raise ValueError("proposal() draws two panels: pass a pair of axes, e.g. plt.subplots(1, 2)[1]")
    before, after = axes
    members = [m["id"] for m in p["members"] if m["id"] in G]
    anchor = p["anchor"]["id"]
    hubs = {h["id"]: h for h in p["hubs"]}
    geo = load_geo()
    ids = _region_ids(G, geo)
    where = locate(G, members)
    pos = _spread(where)

    # Before.
    _basemap(before)
    labels, obstacles = [], []
    for n in members:
        if n not in pos:
            continue
        colour, marker = KIND_STYLE[G.nodes[n]["kind"]] if G.nodes[n]["kind"] in KIND_STYLE else ("#777777", "o")
        before.scatter(*pos[n], s=130, c=colour, marker=marker, edgecolors="#222222", linewidths=1.0, zorder=3)
        labels.append(_Label(*pos[n], G.nodes[n]["name"], _marker_radius(130), True))
        obstacles.append((*pos[n], _marker_radius(130)))
    kinds = [k for k in KIND_STYLE if any(G.nodes[n]["kind"] == k for n in members)]
    handles = _kind_handles(kinds, {k: sum(1 for n in members if G.nodes[n]["kind"] == k) for k in kinds}, size=9)
    handles += [Patch(facecolor=c, edgecolor="#666666", linewidth=0.5, label=r) for r, c in REGION_COLOURS.items()]
    _map_legend(before, handles)
    _dock(before, [n for n in members if n not in pos], G, heading="No place in the documents:", fontsize=7.5)
    before.set_title(f"Before: {len(members)} organisations", fontsize=11)

    # After.
    own = _coverage(G, anchor, geo)
    added = sorted(
        {ids[r] for h in hubs.values() for r in h["serves"] if r in ids} - set(own), key=list(geo.regions).index
    )
    fills = {r: "#EEEEEE" for r in geo.regions} | {r: _HUB_FILL for r in added} | {r: _ANCHOR_FILL for r in own}
    _basemap(after, fills)
    hub_pos = {}
    for h in hubs.values():
        served = [ids[r] for r in h["serves"] if r in ids]
        if h["id"] in pos and (
            not served or where[h["id"]]["place"] in served or where[h["id"]]["precision"] == "municipality"
        ):
            hub_pos[h["id"]] = pos[h["id"]]
        elif served:
            hub_pos[h["id"]] = geo.region_points[served[0]]
    anchor_pos, anchor_label = pos.get(anchor), f"{p['anchor']['name']} (anchor)"
    if anchor_pos is None and own and len(own) < len(geo.regions):
        anchor_pos = geo.region_points[own[0]]
    elif anchor_pos is None:
        # No single place: draw the anchor off the coast, in the empty north-east corner.
        anchor_pos, anchor_label = _OFFSHORE, f"{p['anchor']['name']}\n(anchor; no place in the documents)"
    labels2, obstacles2 = [], []
    after.add_collection(
        LineCollection([(anchor_pos, hp) for hp in hub_pos.values()], colors=_HUB_COLOUR, linewidths=1.6, zorder=2)
    )
    for h in hubs.values():
        if h["id"] not in hub_pos:
            continue
        for r in h["serves"]:
            if r in ids and geo.region_points[ids[r]] != hub_pos[h["id"]]:
                (x0, y0), (x1, y1) = hub_pos[h["id"]], geo.region_points[ids[r]]
                after.plot([x0, x1], [y0, y1], color=_HUB_COLOUR, linestyle=(0, (3, 2)), linewidth=1.1, zorder=2)
                after.scatter(x1, y1, s=18, c=_HUB_COLOUR, zorder=2)
        after.scatter(
            *hub_pos[h["id"]], s=150, marker="D", c=_HUB_COLOUR, edgecolors="#222222", linewidths=1.0, zorder=4
        )
        labels2.append(_Label(*hub_pos[h["id"]], f"{h['name']} (hub)", _marker_radius(150), True))
        obstacles2.append((*hub_pos[h["id"]], _marker_radius(150)))
    folded = [n for n in members if n != anchor and n not in hubs and n in pos]
    for n in folded:
        after.scatter(*pos[n], s=40, c="#999999", marker="o", edgecolors="white", linewidths=0.5, zorder=2.5)
        after.annotate(
            "",
            anchor_pos,
            xytext=pos[n],
            arrowprops={"arrowstyle": "->", "color": "#999999", "lw": 0.9, "shrinkA": 3, "shrinkB": 9},
            zorder=2,
        )
        labels2.append(_Label(*pos[n], G.nodes[n]["name"], _marker_radius(40)))
        obstacles2.append((*pos[n], _marker_radius(40)))
    after.scatter(*anchor_pos, s=420, marker="*", c=_ANCHOR_COLOUR, edgecolors="#222222", linewidths=1.0, zorder=5)
    labels2.insert(0, _Label(*anchor_pos, anchor_label, _marker_radius(420), True))
    obstacles2.append((*anchor_pos, _marker_radius(420)))
    dashed = any(
        r in ids and geo.region_points[ids[r]] != hub_pos[h["id"]]
        for h in hubs.values()
        if h["id"] in hub_pos
        for r in h["serves"]
    )
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="*",
            markersize=15,
            markerfacecolor=_ANCHOR_COLOUR,
            markeredgecolor="#222222",
            label=f"anchor: {_short(p['anchor']['name'], 30)}",
        ),
        hub_pos
        and Line2D(
            [],
            [],
            linestyle="none",
            marker="D",
            markersize=9,
            markerfacecolor=_HUB_COLOUR,
            markeredgecolor="#222222",
            label="regional hub",
        ),
        dashed and Line2D([], [], color=_HUB_COLOUR, linestyle=(0, (3, 2)), label="hub also serves region"),
        folded
        and Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=6,
            markerfacecolor="#999999",
            markeredgecolor="white",
            label="folds into the anchor",
        ),
        own and Patch(facecolor=_ANCHOR_FILL, edgecolor="#666666", linewidth=0.5, label="covered by the anchor"),
        added and Patch(facecolor=_HUB_FILL, edgecolor="#666666", linewidth=0.5, label="added by the hubs"),
    ]
    handles = [h for h in handles if h]
    _map_legend(after, handles)
    no_place = [n for n in members if n not in pos and n not in hub_pos and n != anchor]
    _dock(after, no_place, G, heading="Also folded in (no place in the documents):", fontsize=7.5, loc="center right")
    covered = len(set(own) | set(added))
    after.set_title(
        f"After: {p['anchor']['name']} + {len(hubs)} hub{'s' if len(hubs) != 1 else ''},"
        f" covering {covered} of 5 regions",
        fontsize=11,
    )
    _place_labels(before, labels, obstacles, fontsize=7.5)
    _place_labels(after, labels2, obstacles2, fontsize=7.5)
    return axes


# -- the landscape over time ------------------------------------------------------------------


def timeline(
    seeds: Seeds | str | None = None,
    ax: Axes | None = None,
    *,
    by: str = "kind",
    title: str | None = None,
) -> Axes:
    """Draw the landscape as the documents knew it in each of their publication years.

    For each year of :func:`ecosystem.graph.document_years`, the graph is built
    ``as_of`` that year (later facts, ended organisations left out, renames applied).

    Parameters
    ----------
    seeds : Seeds, path or None
        The seeds (a directory or parsed); None for the shipped seeds.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    by : {"kind", "theme"}
        ``kind``: lines of the number of organisations of each kind. ``theme``: a table
        (heatmap) of the number of cluster organisations working in each theme.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``by`` is neither ``kind`` nor ``theme``.
    """
    if by not in ("kind", "theme"):
        raise ValueError(f"by must be 'kind' or 'theme', not {by!r}")
    seeds = seeds if isinstance(seeds, Seeds) else load_seeds(seeds)
    years = document_years(seeds)
    graphs = {y: build_graph(seeds, as_of=y) for y in years}
    if by == "kind":
        ax = _new_axes(ax, (10, 5.6))
        kinds = [k for k in KINDS if k in ORGANISATION_KINDS]
        counts = {k: [sum(1 for _, kk in graphs[y].nodes(data="kind") if kk == k) for y in years] for k in kinds}
        kinds = sorted((k for k in kinds if any(counts[k])), key=lambda k: -counts[k][-1])
        for k in kinds:
            colour, marker = KIND_STYLE.get(k, ("#777777", "o"))
            ax.plot(
                years,
                counts[k],
                color=colour,
                marker=marker,
                markersize=7,
                linewidth=2.2 if k in CLUSTER_KINDS else 1.4,
                markeredgecolor="#333333",
                markeredgewidth=0.4,
                label=_kind_label(k),
            )
        ax.set_xticks(years)
        ax.set_xlabel("as of the documents published by")
        ax.set_ylabel("organisations named in the documents")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#E5E5E5")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False, title="kind")
        ax.set_title(title or "Organisations in the documents, year by year", fontsize=12)
        return ax

    table: dict[str, list[int]] = {}
    for i, y in enumerate(years):
        H = graphs[y]
        for themes in signal_sets(H, "themes").values():
            for t in themes:
                table.setdefault(H.nodes[t].get("name", t), [0] * len(years))[i] += 1
    themes = sorted(table, key=lambda t: (-table[t][-1], -sum(table[t]), t.casefold()))
    ax = _new_axes(ax, (8, 0.9 + 0.36 * max(len(themes), 1)))
    M = np.array([table[t] for t in themes]) if themes else np.zeros((0, len(years)))
    im = ax.imshow(M, cmap="Blues", aspect="auto", vmin=0, vmax=max(int(M.max()) if M.size else 1, 1))
    for (i, j), v in np.ndenumerate(M):
        ax.text(
            j,
            i,
            str(v) if v else "·",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if v > 0.6 * M.max() else "#222222",
        )
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels([str(y) for y in years])
    ax.set_yticks(range(len(themes)))
    ax.set_yticklabels(themes, fontsize=8.5)
    ax.set_xlabel("as of the documents published by")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.figure.colorbar(im, ax=ax, shrink=0.6, pad=0.02).set_label("cluster organisations")
    ax.set_title(title or "Cluster organisations per theme, as of each document year", fontsize=12)
    return ax
