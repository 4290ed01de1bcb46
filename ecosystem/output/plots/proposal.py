"""One consolidation proposal on the map, before and after."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ecosystem.errors import EcosystemError
from ecosystem.geo import Outlines, outlines, region_at
from ecosystem.output.plots.basemap import basemap, dock, map_legend
from ecosystem.output.plots.labels import Label, marker_radius, place_labels
from ecosystem.output.plots.locate import locate, spread
from ecosystem.output.plots.style import (
    ANCHOR_COLOUR,
    ANCHOR_FILL,
    HUB_COLOUR,
    HUB_FILL,
    KIND_STYLE,
    REGION_COLOURS,
    as_of_suffix,
    kind_handles,
    short,
)

__all__ = ["proposal"]


def _resolve_proposal(ref, result) -> dict:
    """The proposal itself, or the one of ``result`` with that id or rank."""
    if isinstance(ref, Mapping):
        return dict(ref)
    if result is None:
        raise ValueError(f"to draw proposal {ref!r} by id or rank, pass result=, the propose(G) result")
    key = str(ref)
    for p in result["proposals"]:
        if key in (p["id"], str(p["rank"])):
            return p
    known = ", ".join(f"{p['rank']} ({p['id']})" for p in result["proposals"]) or "none"
    raise EcosystemError(f"no proposal {key!r}: give a rank or id; the proposals are: {known}")


def _region_ids(G, geo: Outlines) -> dict:
    """Graph node id -> REGIONNAVN for the five regions."""
    index = {k.casefold(): k for k in geo.regions}
    return {
        n: index[d.get("name", "").casefold()] for n, d in G.nodes(data=True) if d.get("name", "").casefold() in index
    }


def _coverage(G, n, geo: Outlines, regions: Mapping[object, Collection]) -> list[str]:
    """The regions an organisation serves or lies in; all five when it serves Denmark as a whole."""
    ids = _region_ids(G, geo)
    found = regions.get(n, ())
    if (
        any(G.nodes[r].get("name", "").casefold() == "danmark" for r in found if r in G)
        or G.nodes[n].get("national") is True
    ):
        return list(geo.regions)
    return sorted({ids[r] for r in found if r in ids}, key=list(geo.regions).index)


def _region_of(place: Mapping) -> str | None:
    """The region a place of :func:`locate` lies in."""
    if place["precision"] == "region":
        return place["place"]
    region = region_at(place["lat"], place["lon"])
    return region.name if region else None


def _anchor_note(name: str, own: Sequence[str], geo: Outlines) -> str:
    """The anchor's line in the list of the unplaced: the regions it covers say where it works."""
    if len(own) == len(geo.regions):
        return f"{name} (anchor; covers all of Denmark)"
    return f"{name} (anchor{'; covers ' + ', '.join(own) if own else ''})"


def proposal(
    G: nx.MultiDiGraph,
    proposal,
    ax: Sequence[Axes] | None = None,
    *,
    regions: Mapping[object, Collection],
    result: Mapping | None = None,
) -> np.ndarray:
    """Draw one consolidation proposal on the map, before and after.

    Before: the members at their places (:func:`locate`). After: the anchor (star) with
    lines to its regional hubs (diamonds) and dashed lines from a hub to the other regions
    it serves, the regions the merged organisation covers shaded (the anchor's own
    regions, the regions the hubs add); the other members fold into the anchor (grey
    arrows from where they were). What the documents give no place, anchor and hubs
    included, is listed in a box beside the map, never drawn at a guessed position. A
    label keeps off the connectors and arrows; only the anchor's or a hub's label, when
    there is no other room, may cross another organisation's line, never its own.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph the proposal was made from.
    proposal : dict, str or int
        A proposal of :func:`ecosystem.analysis.propose`, or its id or rank in ``result``.
    ax : pair of matplotlib.axes.Axes, optional
        The before and after panels; a new figure with two panels when None.
    regions : mapping
        Each organisation's regions, ``signal_sets(G, "regions")``
        (:func:`ecosystem.analysis.signal_sets`): the anchor's are shaded as covered
        (all five when it serves Danmark or is ``national``).
    result : dict, optional
        The ``propose(G)`` result to look an id or rank up in.

    Returns
    -------
    numpy.ndarray
        The two axes (before, after).

    Raises
    ------
    EcosystemError
        If no proposal has that id or rank.
    ValueError
        If ``ax`` is not a pair of axes, or an id or rank comes without ``result``.
    """
    p = _resolve_proposal(proposal, result)
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(16, 7.4), layout="constrained")
        fig.suptitle(
            f"{p['id']}: {len(p['members'])} organisations become {p['anchor']['name']}"
            f" with {len(p['hubs'])} regional hub{'s' if len(p['hubs']) != 1 else ''}{as_of_suffix(G)}",
            fontsize=13,
        )
    axes = np.asarray(ax, dtype=object).ravel()
    if axes.size != 2 or not all(isinstance(a, Axes) for a in axes):
        raise ValueError("proposal() draws two panels: pass a pair of axes, e.g. plt.subplots(1, 2)[1]")
    before, after = axes
    members = [m["id"] for m in p["members"] if m["id"] in G]
    anchor = p["anchor"]["id"]
    hubs = {h["id"]: h for h in p["hubs"]}
    geo = outlines()
    ids = _region_ids(G, geo)
    where = locate(G, members)
    pos = spread(where)

    # Before.
    basemap(before)
    labels, obstacles = [], []
    for n in members:
        if n not in pos:
            continue
        colour, marker = KIND_STYLE[G.nodes[n]["kind"]] if G.nodes[n]["kind"] in KIND_STYLE else ("#777777", "o")
        before.scatter(*pos[n], s=130, c=colour, marker=marker, edgecolors="#222222", linewidths=1.0, zorder=3)
        labels.append(Label(*pos[n], G.nodes[n]["name"], marker_radius(130), True))
        obstacles.append((*pos[n], marker_radius(130)))
    kinds = [k for k in KIND_STYLE if any(G.nodes[n]["kind"] == k for n in members)]
    counts = {}
    for k in kinds:
        of_kind = [n for n in members if G.nodes[n]["kind"] == k]
        on_map = sum(1 for n in of_kind if n in pos)
        counts[k] = f"{on_map} of {len(of_kind)}"
    handles = kind_handles(kinds, counts, size=9)
    handles += [Patch(facecolor=c, edgecolor="#666666", linewidth=0.5, label=r) for r, c in REGION_COLOURS.items()]
    map_legend(before, handles, title="members (placed of all)")
    dock(
        before, [short(G.nodes[n]["name"]) for n in members if n not in pos], heading="No known place in the documents:"
    )
    before.set_title(f"Before: {len(members)} organisations", fontsize=11)

    # After.
    own = _coverage(G, anchor, geo, regions)
    if anchor in where and (home := _region_of(where[anchor])) and home not in own:
        # An organisation covers at least the region it lies in.
        own = sorted([*own, home], key=list(geo.regions).index)
    added = sorted(
        {ids[r] for h in hubs.values() for r in h["serves"] if r in ids} - set(own), key=list(geo.regions).index
    )
    fills = {r: "#EEEEEE" for r in geo.regions} | {r: HUB_FILL for r in added} | {r: ANCHOR_FILL for r in own}
    basemap(after, fills)
    # Only what the documents place is drawn (see locate); the rest is listed beside the map.
    hub_pos = {h: pos[h] for h in hubs if h in pos}
    anchor_pos = pos.get(anchor)
    lines = []
    if anchor_pos is not None:
        lines += [(anchor_pos, hp) for hp in hub_pos.values()]
        after.add_collection(LineCollection(lines, colors=HUB_COLOUR, linewidths=1.6, zorder=2))
    labels2, obstacles2, dashed = [], [], False
    for h in hubs.values():
        if h["id"] not in hub_pos:
            continue
        for r in h["serves"]:
            if r in ids and _region_of(where[h["id"]]) != ids[r]:
                (x0, y0), (x1, y1) = hub_pos[h["id"]], geo.region_points[ids[r]]
                after.plot([x0, x1], [y0, y1], color=HUB_COLOUR, linestyle=(0, (3, 2)), linewidth=1.1, zorder=2)
                after.scatter(x1, y1, s=18, c=HUB_COLOUR, zorder=2)
                lines.append(((x0, y0), (x1, y1)))
                dashed = True
        after.scatter(
            *hub_pos[h["id"]], s=150, marker="D", c=HUB_COLOUR, edgecolors="#222222", linewidths=1.0, zorder=4
        )
        labels2.append(Label(*hub_pos[h["id"]], f"{h['name']} (hub)", marker_radius(150), True))
        obstacles2.append((*hub_pos[h["id"]], marker_radius(150)))
    folded = [n for n in members if n != anchor and n not in hubs and n in pos]
    for n in folded:
        after.scatter(*pos[n], s=40, c="#999999", marker="o", edgecolors="white", linewidths=0.5, zorder=2.5)
        if anchor_pos is not None:
            after.annotate(
                "",
                anchor_pos,
                xytext=pos[n],
                arrowprops={"arrowstyle": "->", "color": "#999999", "lw": 0.9, "shrinkA": 3, "shrinkB": 9},
                zorder=2,
            )
            lines.append((pos[n], anchor_pos))
        labels2.append(Label(*pos[n], G.nodes[n]["name"], marker_radius(40)))
        obstacles2.append((*pos[n], marker_radius(40)))
    if anchor_pos is not None:
        after.scatter(*anchor_pos, s=420, marker="*", c=ANCHOR_COLOUR, edgecolors="#222222", linewidths=1.0, zorder=5)
        labels2.insert(0, Label(*anchor_pos, f"{p['anchor']['name']} (anchor)", marker_radius(420), True))
        obstacles2.append((*anchor_pos, marker_radius(420)))
    handles = [
        anchor_pos is not None
        and Line2D(
            [],
            [],
            linestyle="none",
            marker="*",
            markersize=15,
            markerfacecolor=ANCHOR_COLOUR,
            markeredgecolor="#222222",
            label=f"anchor: {short(p['anchor']['name'], 30)}",
        ),
        hub_pos
        and Line2D(
            [],
            [],
            linestyle="none",
            marker="D",
            markersize=9,
            markerfacecolor=HUB_COLOUR,
            markeredgecolor="#222222",
            label="regional hub",
        ),
        dashed and Line2D([], [], color=HUB_COLOUR, linestyle=(0, (3, 2)), label="hub also serves region"),
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
        own and Patch(facecolor=ANCHOR_FILL, edgecolor="#666666", linewidth=0.5, label="covered by the anchor"),
        added and Patch(facecolor=HUB_FILL, edgecolor="#666666", linewidth=0.5, label="added by the hubs"),
    ]
    handles = [h for h in handles if h]
    if handles:
        map_legend(after, handles)
    unplaced = [] if anchor_pos is not None else [_anchor_note(short(p["anchor"]["name"]), own, geo)]
    for h in hubs.values():
        if h["id"] not in hub_pos:
            served = [ids[r] for r in h["serves"] if r in ids]
            unplaced.append(f"{short(h['name'])} (hub{' for ' + ', '.join(served) if served else ''})")
    unplaced += [
        f"{short(G.nodes[n]['name'])} (folds into the anchor)"
        for n in members
        if n not in pos and n not in hubs and n != anchor
    ]
    dock(after, unplaced, heading="No known place in the documents:")
    covered = len(set(own) | set(added))
    after.set_title(
        f"After: {p['anchor']['name']} + {len(hubs)} hub{'s' if len(hubs) != 1 else ''},"
        f" covering {covered} of 5 regions",
        fontsize=11,
    )
    place_labels(before, labels, obstacles, fontsize=8.5)
    place_labels(after, labels2, obstacles2, lines=lines, fontsize=8.5)
    return axes
