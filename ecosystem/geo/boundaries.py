"""The shipped boundary files: TopoJSON decoding, shapes, point-in-polygon, outlines for maps.

The boundaries are Geodatastyrelsen's 2014 municipalities and regions as TopoJSON
(``kommuner.topojson``, ``regioner.topojson``) and the municipalities' area-weighted
centroids (``kommuner_centroids.csv``), read from :data:`GEO_DIR`. This module is the one
reader of those files; each is read once per process. Everything is plain numpy: the
maps draw the :class:`Outlines`, they do not read the files themselves.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "ASPECT",
    "GEO_DIR",
    "Outlines",
    "Shape",
    "centroid_rows",
    "decode_arcs",
    "decode_topojson",
    "municipality_shapes",
    "nearest_shape",
    "outlines",
    "region_shapes",
    "shape_at",
]


def _geo_dir() -> Path:
    """Prefer the package data; in a checkout without it, the shared data beside it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parents[2] / "shared" / "data" / "geo"):
        if (candidate / "kommuner.topojson").exists():
            return candidate
    return here / "data"


GEO_DIR: Path = _geo_dir()
"""Folder holding ``kommuner.topojson``, ``regioner.topojson``, ``kommuner_centroids.csv`` and ``places.csv``."""

ASPECT: float = 1 / math.cos(math.radians(56.0))
"""Length of a degree of latitude over that of a degree of longitude in Denmark (at 56° N)."""


# -- TopoJSON ------------------------------------------------------------------------------


def decode_arcs(topology: Mapping) -> list[np.ndarray]:
    """Every arc of a topology as an ``(n, 2)`` array of positions, quantization undone."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        # Some writers append a third value (elevation or a placeholder): keep x and y.
        a = np.asarray([p[:2] for p in arc], dtype=float)
        if transform:
            a = np.cumsum(a, axis=0) * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(a)
    return arcs


def decode_topojson(topology: Mapping) -> list[tuple[dict, list[list[np.ndarray]]]]:
    """Decode the polygons of a TopoJSON topology into longitude/latitude rings.

    Quantized topologies (with a ``transform``) store each arc as a first position and
    then deltas; positions are scaled and translated back. A negative arc index ``~i``
    means arc ``i`` reversed; consecutive arcs of a ring share their end point.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology`` (``arcs``, ``objects``, optional ``transform``).

    Returns
    -------
    list of (dict, list)
        One ``(properties, polygons)`` per Polygon or MultiPolygon geometry, in file
        order; each polygon is a list of rings (exterior first), each ring an ``(n, 2)``
        array of ``(x, y)``. Other geometry types are skipped.

    Examples
    --------
    >>> topo = {"type": "Topology", "transform": {"scale": [0.5, 1], "translate": [10, 50]},
    ...         "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
    ...         "objects": {"x": {"type": "GeometryCollection", "geometries": [
    ...             {"type": "Polygon", "arcs": [[0, 1]], "properties": {"n": "a"}}]}}}
    >>> props, polygons = decode_topojson(topo)[0]
    >>> props, polygons[0][0].tolist()
    ({'n': 'a'}, [[10.0, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 51.0], [10.0, 50.0]])
    """
    arcs = decode_arcs(topology)

    def ring(indices) -> np.ndarray:
        parts = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if not parts else a[1:])
        return np.concatenate(parts)

    out = []
    for obj in topology["objects"].values():
        geometries = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
        for geom in geometries:
            if geom.get("type") == "Polygon":
                polygons = [[ring(r) for r in geom["arcs"]]]
            elif geom.get("type") == "MultiPolygon":
                polygons = [[ring(r) for r in poly] for poly in geom["arcs"]]
            else:
                continue
            out.append((dict(geom.get("properties") or {}), polygons))
    return out


# -- the shipped files ---------------------------------------------------------------------


@functools.cache
def _topology(file: str) -> dict:
    return json.loads((GEO_DIR / file).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Shape:
    """One (Multi)Polygon of a boundary file: its code and name, its polygons and bounding box."""

    code: str  # KOMKODE or REGIONKODE
    name: str  # KOMNAVN or REGIONNAVN
    polygons: tuple[list[np.ndarray], ...]  # rings of (lon, lat), exterior first
    bbox: tuple[float, float, float, float]

    @property
    def rings(self) -> tuple[np.ndarray, ...]:
        """Every ring of every polygon."""
        return tuple(r for poly in self.polygons for r in poly)

    def contains(self, lat: float, lon: float) -> bool:
        """Say whether the point lies inside: even-odd ray casting over every ring, so
        holes and islands need no special case."""
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return False
        return _crossings(self.rings, lon, lat) % 2 == 1


def _crossings(rings: Sequence[np.ndarray], x0: float, y0: float) -> int:
    """How many edges of the rings a ray from (x0, y0) towards +x crosses."""
    crossings = 0
    for r in rings:
        x, y = r[:-1, 0], r[:-1, 1]
        xn, yn = r[1:, 0], r[1:, 1]
        straddles = (y > y0) != (yn > y0)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x + (y0 - y) * (xn - x) / (yn - y)
        crossings += int(np.count_nonzero(straddles & (x0 < x_cross)))
    return crossings


def _shapes(file: str, code: str, name: str) -> tuple[Shape, ...]:
    shapes = []
    for props, polygons in decode_topojson(_topology(file)):
        pts = np.concatenate([r for poly in polygons for r in poly])
        bbox = (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())
        shapes.append(Shape(props[code], props[name], tuple(polygons), bbox))
    return tuple(shapes)


@functools.cache
def municipality_shapes() -> tuple[Shape, ...]:
    """Return the municipalities' shapes (several for a municipality of several parts), in file order."""
    return _shapes("kommuner.topojson", "KOMKODE", "KOMNAVN")


@functools.cache
def region_shapes() -> tuple[Shape, ...]:
    """Return the regions' shapes, in file order."""
    return _shapes("regioner.topojson", "REGIONKODE", "REGIONNAVN")


def shape_at(shapes: Sequence[Shape], lat: float, lon: float) -> Shape | None:
    """Return the first of the shapes containing the point, or None."""
    return next((s for s in shapes if s.contains(lat, lon)), None)


def nearest_shape(shapes: Sequence[Shape], lat: float, lon: float, max_km: float) -> Shape | None:
    """Return the shape whose outline passes nearest the point, if within ``max_km``; else None."""
    best, best_km = None, max_km
    kx = 111.32 * math.cos(math.radians(lat))
    for s in shapes:
        x0, y0, x1, y1 = s.bbox
        if not (x0 - max_km / kx <= lon <= x1 + max_km / kx and y0 - max_km / 111 <= lat <= y1 + max_km / 111):
            continue
        for r in s.rings:
            d = np.hypot((r[:, 0] - lon) * kx, (r[:, 1] - lat) * 110.57).min()
            if d < best_km:
                best, best_km = s, float(d)
    return best


@functools.cache
def centroid_rows() -> tuple[tuple[str, str, float, float], ...]:
    """Return ``(KOMKODE, KOMNAVN, lat, lon)`` of each municipality's area-weighted centroid, in file order."""
    with open(GEO_DIR / "kommuner_centroids.csv", encoding="utf-8", newline="") as f:
        return tuple(
            (row["komkode"], row["komnavn"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f)
        )


# -- outlines for maps ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outlines:
    """Denmark's municipalities and regions as a map draws them, with the points to place things at."""

    municipalities: dict[str, list]  # KOMNAVN -> polygons (lists of (n, 2) lon/lat rings)
    regions: dict[str, list]  # REGIONNAVN -> polygons, in REGIONKODE order
    region_codes: dict[str, str]  # REGIONNAVN -> REGIONKODE
    centroids: dict[str, tuple[float, float]]  # KOMNAVN -> (lon, lat), area-weighted
    region_points: dict[str, tuple[float, float]]  # REGIONNAVN -> (lon, lat) inside the region
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
    if _crossings([ext], cx, cy) % 2 == 1:
        return cx, cy
    gx, gy = np.meshgrid(np.linspace(x.min(), x.max(), 60), np.linspace(y.min(), y.max(), 60))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    grid = grid[[_crossings([ext], px, py) % 2 == 1 for px, py in grid]]
    dist = np.min(np.hypot((grid[:, None, 0] - x[None]) / ASPECT, grid[:, None, 1] - y[None]), axis=1)
    best = grid[int(np.argmax(dist))]
    return float(best[0]), float(best[1])


@functools.cache
def outlines() -> Outlines:
    """Return the municipalities, regions, centroids and borders, for drawing maps.

    Returns
    -------
    Outlines
        Decoded once and cached.

    Examples
    --------
    >>> o = outlines()
    >>> len(o.municipalities), sorted(o.region_codes.values())
    (99, ['1081', '1082', '1083', '1084', '1085'])
    >>> o.centroids["Viborg"]
    (9.40393, 56.46264)
    """
    municipalities: dict[str, list] = {}
    for s in municipality_shapes():
        municipalities.setdefault(s.name, []).extend(s.polygons)
    regions: dict[str, list] = {}
    codes: dict[str, str] = {}
    for s in region_shapes():
        regions.setdefault(s.name, []).extend(s.polygons)
        codes[s.name] = s.code
    centroids = {name: (lon, lat) for _, name, lat, lon in centroid_rows()}
    points = {name: _inside_point(polys) for name, polys in regions.items()}
    regions = dict(sorted(regions.items(), key=lambda kv: codes[kv[0]]))
    return Outlines(
        municipalities,
        regions,
        codes,
        centroids,
        points,
        decode_arcs(_topology("kommuner.topojson")),
        decode_arcs(_topology("regioner.topojson")),
    )
