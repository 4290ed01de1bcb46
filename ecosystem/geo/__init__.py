"""Danish geography: the shipped boundary files, regions, municipalities, towns, postcodes, UTM. Imports: base, ``evidence``; never matplotlib."""

from ecosystem.geo.boundaries import ASPECT, GEO_DIR, Outlines, decode_arcs, decode_topojson, outlines
from ecosystem.geo.places import (
    REGIONS,
    Municipality,
    Region,
    municipalities,
    municipality_at,
    municipality_by_name,
    region_at,
    region_by_name,
    region_by_postcode,
)
from ecosystem.geo.utm import latlon_to_utm, utm_to_latlon

__all__ = [
    "ASPECT",
    "GEO_DIR",
    "REGIONS",
    "Municipality",
    "Outlines",
    "Region",
    "decode_arcs",
    "decode_topojson",
    "latlon_to_utm",
    "municipalities",
    "municipality_at",
    "municipality_by_name",
    "outlines",
    "region_at",
    "region_by_name",
    "region_by_postcode",
    "utm_to_latlon",
]
