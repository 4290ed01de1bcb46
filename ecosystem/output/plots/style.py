"""The figures' shared look: colours and markers per kind, legend handles, new axes, titles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

__all__ = [
    "ANCHOR_COLOUR",
    "ANCHOR_FILL",
    "HALO",
    "HUB_COLOUR",
    "HUB_FILL",
    "KIND_STYLE",
    "REGION_COLOURS",
    "TICK_PT",
    "as_of_suffix",
    "kind_handles",
    "kind_label",
    "new_axes",
    "nothing_to_draw",
    "short",
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

# The smallest tick label (points): smaller is hard to read on a printed page or a slide.
TICK_PT = 9

ANCHOR_COLOUR, HUB_COLOUR = "#D55E00", "#0072B2"
ANCHOR_FILL, HUB_FILL = "#F6C9A8", "#B9D7EE"
HALO = [pe.withStroke(linewidth=2.5, foreground="white")]


def kind_label(kind: str) -> str:
    """Write a kind for a legend: ``"cluster_organisation"`` -> ``"cluster organisation"``."""
    return kind.replace("_", " ")


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the axes of a new figure of ``figsize`` when it is None."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def as_of_suffix(G) -> str:
    """`` (as of YEAR)`` for a title when the graph was built as of a year, else ``""``."""
    as_of = G.graph.get("as_of")
    return f" (as of {as_of})" if as_of is not None else ""


def nothing_to_draw(ax: Axes, message: str) -> Axes:
    """Say in the middle of empty axes why there is nothing to draw, and hide the axes."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")
    ax.set_axis_off()
    return ax


def short(name: str, limit: int = 40) -> str:
    """Shorten a long name for a label: the full name stays in the data."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def kind_handles(kinds: Iterable[str], counts: Mapping[str, int | str] | None = None, size: float = 7) -> list:
    """Legend handles, one marker per kind, with the count (or ``"N of M shown"``) after the kind when ``counts`` is given."""
    handles = []
    for kind in kinds:
        colour, marker = KIND_STYLE.get(kind, ("#777777", "o"))
        label = kind_label(kind) + (f" ({counts[kind]})" if counts else "")
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
