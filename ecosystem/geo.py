"""Danish municipalities and regions: point-in-polygon, UTM32, town and postcode look-ups.

The boundaries are Geodatastyrelsen's 2014 municipalities and regions as TopoJSON
(``kommuner.topojson``, ``regioner.topojson``, ``kommuner_centroids.csv``), read from
:data:`GEO_DIR`. Everything here is pure computation on those files: no network, no
projection library (UTM zone 32 is converted with the Krüger series).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model import slugify

__all__ = [
    "GEO_DIR",
    "decode_arcs",
    "decode_topojson",
    "Region",
    "Municipality",
    "REGIONS",
    "municipalities",
    "municipality_at",
    "region_at",
    "municipality_by_name",
    "region_by_postcode",
    "region_by_name",
    "utm_to_latlon",
    "latlon_to_utm",
]


def _geo_dir() -> Path:
    """Prefer the package data; in a checkout without it, the shared data beside it."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "geo", here.parent.parent / "shared" / "data" / "geo"):
        if (candidate / "kommuner.topojson").exists():
            return candidate
    return here / "data" / "geo"


GEO_DIR: Path = _geo_dir()
"""Folder holding ``kommuner.topojson``, ``regioner.topojson`` and ``kommuner_centroids.csv``."""


@dataclass(frozen=True)
class Region:
    """A Danish region: its graph id (the seed's slug), name, REGIONKODE and NUTS-2 code."""

    id: str
    name: str
    code: str
    nuts: str


@dataclass(frozen=True)
class Municipality:
    """A municipality: graph id ``kommune-KOMKODE``, name, KOMKODE, region code, centroid."""

    id: str
    name: str
    short_name: str
    code: str
    region: str | None
    lat: float
    lon: float


REGIONS: dict[str, Region] = {
    r.code: r
    for r in [
        Region("region-hovedstaden", "Region Hovedstaden", "1084", "DK01"),
        Region("region-sjaelland", "Region Sjælland", "1085", "DK02"),
        Region("region-syddanmark", "Region Syddanmark", "1083", "DK03"),
        Region("region-midtjylland", "Region Midtjylland", "1082", "DK04"),
        Region("region-nordjylland", "Region Nordjylland", "1081", "DK05"),
    ]
}

_OFFICIAL_NAMES = {"0101": "Københavns Kommune", "0400": "Bornholms Regionskommune", "0411": "Christiansø"}

# Towns that are not municipalities, as they appear in addresses in the imported files.
# Keys are normalised with _town_key (lowercase, postal district suffix dropped).
_TOWNS = {
    "aabybro": "0849",
    "aakirkeby": "0400",
    "aalborg ost": "0851",
    "aars": "0820",
    "allinge": "0400",
    "arhus": "0751",
    "asnaes": "0306",
    "asperup": "0410",
    "bagsvaerd": "0159",
    "brande": "0756",
    "brovst": "0849",
    "charlottenlund": "0157",
    "dannemare": "0360",
    "ebeltoft": "0706",
    "fjerritslev": "0849",
    "galten": "0746",
    "grenaa": "0707",
    "gudhjem": "0400",
    "hanstholm": "0787",
    "hasle": "0400",
    "hirtshals": "0860",
    "hobro": "0846",
    "holeby": "0360",
    "hurup thy": "0787",
    "hvide sande": "0760",
    "hojby": "0306",
    "ikast": "0756",
    "karup": "0791",
    "kongens lyngby": "0173",
    "kgs lyngby": "0173",
    "lyngby": "0173",
    "lem": "0760",
    "maribo": "0360",
    "nakskov": "0360",
    "nexo": "0400",
    "nordborg": "0540",
    "norre aby": "0410",
    "norresundby": "0851",
    "nykobing f": "0376",
    "nykobing m": "0773",
    "nykobing sj": "0306",
    "ostermarie": "0400",
    "ringe": "0430",
    "ringkobing": "0760",
    "risskov": "0751",
    "rodby": "0360",
    "ronne": "0400",
    "ry": "0746",
    "sakskobing": "0376",
    "skagen": "0813",
    "skjern": "0760",
    "soborg": "0159",
    "sollested": "0360",
    "stege": "0390",
    "stokkemarke": "0360",
    "stovring": "0840",
    "taastrup": "0169",
    "tjele": "0791",
    "tranekaer": "0482",
    "viby": "0751",
    "vodskov": "0851",
    "aeroskobing": "0492",
    "faaborg": "0430",
    "kastrup": "0185",
    "lystrup": "0751",
    "hojbjerg": "0751",
    "brabrand": "0751",
    "valby": "0101",
    "vanlose": "0101",
    "bronshoj": "0101",
    "hellerup": "0157",
    "klampenborg": "0157",
    "kolding sv": "0621",
    "horsholm": "0223",
    "hoersholm": "0223",
    "lyngby taarbaek": "0173",
    "hoje taastrup": "0169",
    "hedehusene": "0169",
    "hvalso": "0350",
    "nordby": "0563",
    "tarm": "0760",
    "videbaek": "0760",
    "bjerringbro": "0791",
    "give": "0630",
    "tistrup": "0573",
    "ribe": "0561",
    "bramming": "0561",
    "grindsted": "0530",
    "vojens": "0510",
    "grasten": "0540",
    "augustenborg": "0540",
    "padborg": "0580",
    "krusa": "0580",
    "toftlund": "0550",
    "ebberup": "0420",
    "glamsbjerg": "0420",
    "otterup": "0480",
    "bogense": "0480",
    "munkebo": "0440",
    "rudkobing": "0482",
    "marstal": "0492",
    "skaelskor": "0330",
    "korsor": "0330",
    "haslev": "0320",
    "dianalund": "0340",
    "vra": "0860",
    "tolloese": "0316",
    "jyderup": "0316",
    "nykobing": "0306",
}

# Postcode ranges -> region code, used only when there are neither coordinates nor a
# known town. Approximate near region borders (e.g. 7130-7171 Hedensted is Midtjylland,
# 7700-7990 Thy and Mors are Nordjylland); checked against the towns in the data files.
_POSTCODE_REGIONS = [
    (1000, 2669, "1084"),
    (2670, 2699, "1085"),
    (2700, 3799, "1084"),
    (4000, 4999, "1085"),
    (5000, 6899, "1083"),
    (6900, 6999, "1082"),
    (7000, 7129, "1083"),
    (7130, 7179, "1082"),
    (7180, 7329, "1083"),
    (7330, 7699, "1082"),
    (7700, 7799, "1081"),
    (7800, 7899, "1082"),
    (7900, 7999, "1081"),
    (8000, 8999, "1082"),
    (9000, 9999, "1081"),
]

_DISTRICT = re.compile(r"\s+(?:c|k|v|o|n|s|m|j|f|nv|sv|so|no|st|sj|ost|vest|nord|syd)$")


def _ascii_key(text: str) -> str:
    s = text.lower().replace("-", " ")
    s = s.translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ö": "o", "ä": "a", "ü": "u", "é": "e"}))
    s = s.replace("aa", "a").replace("oe", "o")
    return " ".join(re.sub(r"[^a-z ]+", " ", s).split())


def _town_key(town: str) -> str:
    """Normalise a town as written in an address.

    >>> _town_key("Aalborg Øst"), _town_key("København K"), _town_key("Århus N")
    ('alborg ost', 'kobenhavn', 'arhus')
    """
    key = _ascii_key(town)
    stripped = _DISTRICT.sub("", key)
    return key if key in _TOWN_KEYS else stripped


_TOWN_KEYS = {_ascii_key(k) for k in _TOWNS}


# -- TopoJSON ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    key: str
    bbox: tuple[float, float, float, float]
    rings: tuple[np.ndarray, ...]  # (n, 2) arrays of lon, lat; even-odd over all of them


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


def _decode(path: Path, key_property: str) -> list[_Shape]:
    """The (Multi)Polygons of a TopoJSON file as shapes keyed by one property, with bounding boxes."""
    shapes = []
    for props, polygons in decode_topojson(json.loads(path.read_text(encoding="utf-8"))):
        rings = tuple(r for poly in polygons for r in poly)
        pts = np.concatenate(rings)
        bbox = (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max())
        shapes.append(_Shape(props[key_property], bbox, rings))
    return shapes


def _inside(shape: _Shape, lon: float, lat: float) -> bool:
    """Even-odd ray casting over every ring, so holes and islands need no special case."""
    x0, y0, x1, y1 = shape.bbox
    if not (x0 <= lon <= x1 and y0 <= lat <= y1):
        return False
    crossings = 0
    for r in shape.rings:
        x, y = r[:-1, 0], r[:-1, 1]
        xn, yn = r[1:, 0], r[1:, 1]
        straddles = (y > lat) != (yn > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x + (lat - y) * (xn - x) / (yn - y)
        crossings += int(np.count_nonzero(straddles & (lon < x_cross)))
    return crossings % 2 == 1


@functools.cache
def _municipality_shapes() -> list[_Shape]:
    return _decode(GEO_DIR / "kommuner.topojson", "KOMKODE")


@functools.cache
def _region_shapes() -> list[_Shape]:
    return _decode(GEO_DIR / "regioner.topojson", "REGIONKODE")


def _locate(shapes: list[_Shape], lat: float, lon: float) -> str | None:
    for s in shapes:
        if _inside(s, lon, lat):
            return s.key
    return None


def region_at(lat: float, lon: float) -> Region | None:
    """Return the region containing the point (WGS84 degrees), or None (sea, abroad).

    >>> region_at(56.1572, 10.2107).name   # Aarhus
    'Region Midtjylland'
    """
    code = _locate(_region_shapes(), lat, lon)
    return REGIONS.get(code) if code else None


@functools.cache
def municipalities() -> dict[str, Municipality]:
    """Return every municipality by KOMKODE, with its region (from its centroid or outline)."""
    out = {}
    with open(GEO_DIR / "kommuner_centroids.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    shapes = {}
    for s in _municipality_shapes():
        shapes.setdefault(s.key, []).append(s)
    for row in rows:
        code, lat, lon = row["komkode"], float(row["lat"]), float(row["lon"])
        region = _locate(_region_shapes(), lat, lon)
        if region is None:
            # A centroid in a fjord or between islands: vote with the outline's vertices.
            votes: dict[str, int] = {}
            for s in shapes.get(code, []):
                for r in s.rings:
                    for x, y in r[:: max(1, len(r) // 25)]:
                        hit = _locate(_region_shapes(), float(y), float(x))
                        if hit:
                            votes[hit] = votes.get(hit, 0) + 1
            region = max(sorted(votes), key=votes.__getitem__) if votes else None
        name = _OFFICIAL_NAMES.get(code, f"{row['komnavn']} Kommune")
        out[code] = Municipality(f"kommune-{code}", name, row["komnavn"], code, region, lat, lon)
    return out


def municipality_at(lat: float, lon: float, *, max_km: float = 3.0) -> Municipality | None:
    """Return the municipality containing the point, or None.

    A point just off the coast (a harbour, a geocoded quay) within ``max_km`` of the
    boundary goes to the nearest municipality outline.

    >>> municipality_at(55.3959, 10.3883).name   # Odense
    'Odense Kommune'
    """
    code = _locate(_municipality_shapes(), lat, lon)
    if code is None and max_km > 0:
        best, best_km = None, max_km
        kx = 111.32 * math.cos(math.radians(lat))
        for s in _municipality_shapes():
            x0, y0, x1, y1 = s.bbox
            if not (x0 - max_km / kx <= lon <= x1 + max_km / kx and y0 - max_km / 111 <= lat <= y1 + max_km / 111):
                continue
            for r in s.rings:
                d = np.hypot((r[:, 0] - lon) * kx, (r[:, 1] - lat) * 110.57).min()
                if d < best_km:
                    best, best_km = s.key, float(d)
        code = best
    return municipalities().get(code) if code else None


@functools.cache
def _names() -> dict[str, str]:
    index = {}
    for code, m in municipalities().items():
        for n in (m.short_name, m.name):
            index[_ascii_key(n)] = code
    for town, code in _TOWNS.items():
        index.setdefault(_ascii_key(town), code)
    return index


def municipality_by_name(name: str) -> Municipality | None:
    """Return the municipality of a municipality or town name as written in an address.

    Postal district suffixes (``C``, ``K``, ``Ø``, ``SV``, ...) are ignored; ``Århus``
    and ``Aarhus``, ``Kgs. Lyngby`` and ``Kongens Lyngby`` are the same.

    >>> municipality_by_name("Århus N").code, municipality_by_name("Nykøbing F").short_name
    ('0751', 'Guldborgsund')
    >>> municipality_by_name("0461").short_name, municipality_by_name("Atlantis") is None
    ('Odense', True)
    """
    name = (name or "").strip()
    if re.fullmatch(r"\d{3,4}", name):
        return municipalities().get(name.zfill(4))
    index = _names()
    key = _ascii_key(name)
    code = index.get(key) or index.get(_town_key(name))
    return municipalities().get(code) if code else None


def region_by_postcode(postcode: str) -> Region | None:
    """Return the region of a Danish postcode (approximate near region borders).

    >>> region_by_postcode("8000").nuts, region_by_postcode("DK-2630").nuts, region_by_postcode("x")
    ('DK04', 'DK01', None)
    """
    m = re.search(r"\d{4}", postcode or "")
    if not m:
        return None
    n = int(m.group())
    for lo, hi, code in _POSTCODE_REGIONS:
        if lo <= n <= hi:
            return REGIONS[code]
    return None


def region_by_name(name: str) -> Region | None:
    """Return the region named, with or without "Region".

    >>> region_by_name("Sjælland").id, region_by_name("Region Nordjylland").nuts
    ('region-sjaelland', 'DK05')
    """
    key = slugify(name or "").removeprefix("region-")
    for r in REGIONS.values():
        if r.id == f"region-{key}":
            return r
    return None


# -- UTM zone 32 (ETRS89 / WGS84) -------------------------------------------------------------

_A = 6378137.0
_F = 1 / 298.257222101  # GRS80; WGS84 differs by 0.1 mm here
_K0 = 0.9996
_N = _F / (2 - _F)
_AA = _A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
# Krüger's series to the fourth order in n (Karney 2011, eqs. 35-36 and the conformal
# latitude series): sub-millimetre as far out as Bornholm (6 degrees from 9 E).
_ALPHA = (
    _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16 + 41 * _N**4 / 180,
    13 * _N**2 / 48 - 3 * _N**3 / 5 + 557 * _N**4 / 1440,
    61 * _N**3 / 240 - 103 * _N**4 / 140,
    49561 * _N**4 / 161280,
)
_BETA = (
    _N / 2 - 2 * _N**2 / 3 + 37 * _N**3 / 96 - _N**4 / 360,
    _N**2 / 48 + _N**3 / 15 - 437 * _N**4 / 1440,
    17 * _N**3 / 480 - 37 * _N**4 / 840,
    4397 * _N**4 / 161280,
)
_DELTA = (
    2 * _N - 2 * _N**2 / 3 - 2 * _N**3 + 116 * _N**4 / 45,
    7 * _N**2 / 3 - 8 * _N**3 / 5 - 227 * _N**4 / 45,
    56 * _N**3 / 15 - 136 * _N**4 / 35,
    4279 * _N**4 / 630,
)


def utm_to_latlon(easting: float, northing: float, zone: int = 32) -> tuple[float, float]:
    """Convert UTM (northern hemisphere, ETRS89/WGS84) to latitude and longitude in degrees.

    Krüger's series to the fourth order in n (Karney 2011): well under a millimetre
    within the zone and as far out as Bornholm in zone 32.

    >>> lat, lon = utm_to_latlon(500000, 6206000)
    >>> round(lon, 6)
    9.0
    """
    xi = northing / (_K0 * _AA)
    eta = (easting - 500000.0) / (_K0 * _AA)
    xi_p = xi - sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(_BETA, 1))
    eta_p = eta - sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(_BETA, 1))
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lat = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(_DELTA, 1))
    lon0 = math.radians(zone * 6 - 183)
    lon = lon0 + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return math.degrees(lat), math.degrees(lon)


def latlon_to_utm(lat: float, lon: float, zone: int = 32) -> tuple[float, float]:
    """Convert latitude and longitude in degrees to UTM (northern hemisphere) easting, northing.

    >>> e, n = latlon_to_utm(*utm_to_latlon(560016.186, 6319238.093))
    >>> round(e, 2), round(n, 2)
    (560016.19, 6319238.09)
    """
    phi, dlam = math.radians(lat), math.radians(lon) - math.radians(zone * 6 - 183)
    c = 2 * math.sqrt(_N) / (1 + _N)
    t = math.sinh(math.atanh(math.sin(phi)) - c * math.atanh(c * math.sin(phi)))
    xi_p = math.atan2(t, math.cos(dlam))
    eta_p = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    e = eta_p + sum(a * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p) for j, a in enumerate(_ALPHA, 1))
    n = xi_p + sum(a * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p) for j, a in enumerate(_ALPHA, 1))
    return 500000.0 + _K0 * _AA * e, _K0 * _AA * n
