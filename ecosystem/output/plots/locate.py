"""Where on the map of Denmark a node lies, from the relations the documents state."""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx

from ecosystem.geo import ASPECT, Municipality, municipality_by_name, outlines, region_by_name

__all__ = ["locate", "spread"]


def _names(G, n) -> list[str]:
    d = G.nodes[n]
    return [str(x) for x in (d.get("name", n), *d.get("aliases", ()))]


def _municipality(G, n) -> Municipality | None:
    """The municipality a node names ("Viborg Kommune", "Holstebro", "Københavns Kommune", "Hobro")."""
    return next((m for name in _names(G, n) if (m := municipality_by_name(name))), None)


def _region_names(G, n) -> list[str]:
    """The regions a node is or lies in: by its name, a known area, or its PART_OF/LOCATED_IN links."""
    own = next((r for name in _names(G, n) if (r := region_by_name(name))), None)
    if own:
        return [own.name]
    up = set()
    for _, v, t in G.out_edges(n, data="type"):
        if t in ("PART_OF", "LOCATED_IN"):
            up |= {r.name for x in _names(G, v) if (r := region_by_name(x))}
    return sorted(up)


def locate(G: nx.MultiDiGraph, nodes=None) -> dict:
    """Find where on the map of Denmark each node lies, from the relations the documents state.

    A node is placed at a municipality when it is one, or is ``LOCATED_IN`` an entity whose
    name is a municipality ("Viborg Kommune", "Holstebro") or a town of the place table
    (:func:`ecosystem.geo.municipality_by_name`, ``ecosystem/geo/data/places.csv``);
    failing that, at a point inside its region when its ``LOCATED_IN`` relations (then its
    ``SERVES`` relations) point to exactly one of the five regions (directly or through
    ``PART_OF``). Nodes with no such facts, or with several regions, are left out: the
    map does not guess.

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
    region_points = outlines().region_points
    out = {}
    for n in sorted(G) if nodes is None else nodes:
        if n not in G:
            continue
        d = G.nodes[n]
        targets = {
            t: sorted(v for _, v, tt in G.out_edges(n, data="type") if tt == t) for t in ("LOCATED_IN", "SERVES")
        }
        own = _municipality(G, n) if d.get("subtype") in ("municipality", "area") else None
        muni = own or next((m for v in targets["LOCATED_IN"] if (m := _municipality(G, v))), None)
        if muni:
            out[n] = {"lon": muni.lon, "lat": muni.lat, "place": muni.short_name, "precision": "municipality"}
            continue
        for t in ("LOCATED_IN", "SERVES"):
            regions = sorted({r for v in targets[t] for r in _region_names(G, v)})
            if len(regions) == 1:
                lon, lat = region_points[regions[0]]
                out[n] = {"lon": lon, "lat": lat, "place": regions[0], "precision": "region"}
            if regions:
                break
    return out


def spread(where: Mapping, step: float = 0.07, reach: float = 0.3) -> dict:
    """Spread nodes that share a place on a sunflower spiral around it (deterministic, no overlaps).

    ``where`` is :func:`locate`'s result; returns ``{node: (lon, lat)}``. The spiral
    reaches at most `reach` degrees of latitude from the place: a place with hundreds of
    organisations gets a tighter spiral (its markers overlap) rather than one over the
    whole country and the sea.

    >>> where = {i: {"lon": 10.0, "lat": 56.0} for i in range(2000)}
    >>> max(abs(lat - 56.0) for _, lat in spread(where).values()) <= 0.3
    True
    >>> spread({"a": {"lon": 10.0, "lat": 56.0}, "b": {"lon": 10.0, "lat": 56.0}})["a"]
    (10.088515920670384, 56.0)
    """
    groups: dict[tuple, list] = {}
    for n in sorted(where, key=str):
        groups.setdefault((where[n]["lon"], where[n]["lat"]), []).append(n)
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for (lon, lat), members in groups.items():
        tight = min(step, reach / math.sqrt(len(members) - 0.5))  # the outermost, i = len - 1, at `reach` at most
        for i, n in enumerate(members):
            r = 0.0 if len(members) == 1 else tight * math.sqrt(i + 0.5)
            pos[n] = (lon + r * math.cos(i * golden) * ASPECT, lat + r * math.sin(i * golden))
    return pos
