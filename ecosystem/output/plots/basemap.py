"""The map of Denmark that the map figures draw on: regions, borders, frame, legend, a box of the unplaced."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.offsetbox import AnchoredOffsetbox, HPacker, TextArea, VPacker
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from ecosystem.geo import ASPECT, Outlines, outlines
from ecosystem.output.plots.style import REGION_COLOURS

__all__ = ["basemap", "dock", "map_legend"]

_ATTRIBUTION = "Boundaries: Geodatastyrelsen / Danske Kommuner 2014"
_MAP_XLIM, _MAP_YLIM = (7.95, 15.35), (54.5, 57.8)


def _polygon_path(polygons) -> Path:
    verts, codes = [], []
    for poly in polygons:
        for r in poly:
            verts.append(r)
            codes.append(np.r_[Path.MOVETO, np.full(len(r) - 2, Path.LINETO), Path.CLOSEPOLY])
    return Path(np.concatenate(verts), np.concatenate(codes).astype(Path.code_type))


def basemap(ax: Axes, fills: Mapping[str, str] | None = None) -> Outlines:
    """Draw the regions (filled), municipal borders and region borders; frame Denmark.

    ``fills`` maps REGIONNAVN to a colour (default :data:`REGION_COLOURS`); returns the
    outlines drawn, for placing things on them.
    """
    geo = outlines()
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
    ax.set_aspect(ASPECT)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#BBBBBB")
    ax.text(0.005, 0.005, _ATTRIBUTION, transform=ax.transAxes, ha="left", va="bottom", fontsize=6, color="#666666")
    return geo


def dock(ax: Axes, names: Sequence[str], *, heading: str, fontsize: float = 8, loc: str = "upper right") -> None:
    """List what cannot be placed (names, or names with a note) in a box in the map's empty north-east corner."""
    if not names:
        return
    names = sorted(names, key=str.casefold)
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


def map_legend(ax: Axes, handles: list, title: str | None = None) -> None:
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
