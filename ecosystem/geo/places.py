"""Danish regions and municipalities, and where a point, a name or a postcode lies.

The one place table: the municipalities (from the boundary files), the five regions, and
the towns and areas of ``places.csv`` that are not municipalities, as the seed documents
and the imported files write them (each with the municipality or region it lies in).
Names are matched with :func:`ecosystem.text.transliterate` and
:func:`ecosystem.text.fold_digraphs`: ``Århus`` and ``Aarhus`` are the same.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass

from ecosystem.evidence import slugify
from ecosystem.geo.boundaries import (
    GEO_DIR,
    centroid_rows,
    municipality_shapes,
    nearest_shape,
    region_shapes,
    shape_at,
)
from ecosystem.text import fold_digraphs, transliterate

__all__ = [
    "REGIONS",
    "Municipality",
    "Region",
    "municipalities",
    "municipality_at",
    "municipality_by_name",
    "region_at",
    "region_by_name",
    "region_by_postcode",
]


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

# A postal district after a town ("København K", "Aalborg Øst", "Kolding SV"), as _key writes it.
_DISTRICT = re.compile(r"\s+(?:c|k|v|o|n|s|m|j|f|nv|sv|so|no|st|sj|ost|vest|nord|syd)$")


def _key(text: str) -> str:
    """Write a place name the way the table is looked up: ASCII words, lowercase.

    >>> _key("Aalborg Øst"), _key("Kgs. Lyngby"), _key("Lyngby-Taarbæk")
    ('alborg ost', 'kgs lyngby', 'lyngby tarbaek')
    """
    s = fold_digraphs(transliterate(text).replace("-", " "))
    return " ".join(re.sub(r"[^a-z ]+", " ", s).split())


# -- municipalities and regions at a point -----------------------------------------------


@functools.cache
def municipalities() -> dict[str, Municipality]:
    """Return every municipality by KOMKODE, with its region (from its centroid or outline)."""
    out = {}
    regions = region_shapes()
    for code, komnavn, lat, lon in centroid_rows():
        hit = shape_at(regions, lat, lon)
        region = hit.code if hit else None
        if region is None:
            # A centroid in a fjord or between islands: vote with the outline's vertices.
            votes: dict[str, int] = {}
            for s in municipality_shapes():
                if s.code != code:
                    continue
                for r in s.rings:
                    for x, y in r[:: max(1, len(r) // 25)]:
                        if hit := shape_at(regions, float(y), float(x)):
                            votes[hit.code] = votes.get(hit.code, 0) + 1
            region = max(sorted(votes), key=votes.__getitem__) if votes else None
        name = _OFFICIAL_NAMES.get(code, f"{komnavn} Kommune")
        out[code] = Municipality(f"kommune-{code}", name, komnavn, code, region, lat, lon)
    return out


def region_at(lat: float, lon: float) -> Region | None:
    """Return the region containing the point (WGS84 degrees), or None (sea, abroad).

    >>> region_at(56.1572, 10.2107).name   # Aarhus
    'Region Midtjylland'
    """
    hit = shape_at(region_shapes(), lat, lon)
    return REGIONS.get(hit.code) if hit else None


def municipality_at(lat: float, lon: float, *, max_km: float = 3.0) -> Municipality | None:
    """Return the municipality containing the point, or None.

    A point just off the coast (a harbour, a geocoded quay) within ``max_km`` of the
    boundary goes to the nearest municipality outline.

    >>> municipality_at(55.3959, 10.3883).name   # Odense
    'Odense Kommune'
    """
    hit = shape_at(municipality_shapes(), lat, lon)
    if hit is None and max_km > 0:
        hit = nearest_shape(municipality_shapes(), lat, lon, max_km)
    return municipalities().get(hit.code) if hit else None


# -- names ---------------------------------------------------------------------------------


@functools.cache
def _places() -> tuple[dict[str, str], dict[str, str]]:
    """The towns and areas of ``places.csv``: ``(key -> KOMKODE, key -> REGIONKODE)``."""
    komkode = {m.short_name: code for code, m in municipalities().items()}
    regionkode = {r.name: code for code, r in REGIONS.items()}
    towns: dict[str, str] = {}
    areas: dict[str, str] = {}
    with open(GEO_DIR / "places.csv", encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), 2):
            place, municipality, region = row["place"], row["municipality"], row["region"]
            table, known, value = (towns, komkode, municipality) if municipality else (areas, regionkode, region)
            code = known.get(value)
            if code is None or table.setdefault(_key(place), code) != code:
                raise ValueError(
                    f"places.csv line {line}: {place!r} lies in {value!r}, which is not a known "
                    f"{'municipality (KOMNAVN)' if municipality else 'region'} or contradicts an earlier row"
                )
    return towns, areas


@functools.cache
def _names() -> dict[str, str]:
    index = {}
    for code, m in municipalities().items():
        for n in (m.short_name, m.name):
            index[_key(n)] = code
    for town, code in _places()[0].items():
        index.setdefault(town, code)
    return index


def municipality_by_name(name: str) -> Municipality | None:
    """Return the municipality of a municipality or town name as written in an address.

    Postal district suffixes (``C``, ``K``, ``Ø``, ``SV``, ...) are ignored; ``Århus``
    and ``Aarhus``, ``Kgs. Lyngby`` and ``Kongens Lyngby`` are the same; so are
    ``Holstebro``, ``Holstebro Kommune`` and ``Københavns Kommune`` and ``København``.

    >>> municipality_by_name("Århus N").code, municipality_by_name("Nykøbing F").short_name
    ('0751', 'Guldborgsund')
    >>> municipality_by_name("Aalborg Øst").short_name, municipality_by_name("Bornholms Kommune").code
    ('Aalborg', '0400')
    >>> municipality_by_name("0461").short_name, municipality_by_name("Atlantis") is None
    ('Odense', True)
    """
    name = (name or "").strip()
    if re.fullmatch(r"\d{3,4}", name):
        return municipalities().get(name.zfill(4))
    index = _names()
    key = _key(name)
    bare = key.removesuffix(" kommune")
    code = index.get(key) or index.get(_DISTRICT.sub("", key)) or index.get(bare) or index.get(bare.removesuffix("s"))
    return municipalities().get(code) if code else None


def region_by_name(name: str) -> Region | None:
    """Return the region named, with or without "Region", or the region an area of ``places.csv`` lies in.

    >>> region_by_name("Sjælland").id, region_by_name("Region Nordjylland").nuts
    ('region-sjaelland', 'DK05')
    >>> region_by_name("Hovedstadsområdet").name
    'Region Hovedstaden'
    """
    key = slugify(name or "").removeprefix("region-")
    for r in REGIONS.values():
        if r.id == f"region-{key}":
            return r
    code = _places()[1].get(_key(name or ""))
    return REGIONS[code] if code else None


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
