"""Labels without piles: each label goes where it overlaps no other label, marker or the frame."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes

from ecosystem.output.plots.style import HALO

__all__ = ["Label", "crosses", "marker_radius", "place_labels"]

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


# How far a label's box lies left of (below) its anchor, in widths (heights), by alignment.
_SHIFT = {"left": 0.0, "center": 0.5, "right": 1.0, "bottom": 0.0, "top": 1.0}


def _to_display(ax: Axes, obstacles):
    """``((x_px, y_px), radius_pt)`` for each obstacle ``(x, y, radius_pt)`` in data coordinates."""
    if not len(obstacles):
        return []
    xy = ax.transData.transform(np.array([(x, y) for x, y, _ in obstacles], dtype=float))
    return zip(map(tuple, xy), (r for _, _, r in obstacles))


@dataclass(frozen=True)
class Label:
    """A label to place: its point, text, the radius of the marker it labels, its weight."""

    x: float
    y: float
    text: str
    radius: float = 4.0  # the marker's radius in points: the label starts beyond it
    bold: bool = False


def marker_radius(size: float) -> float:
    """Radius in points of a scatter marker of area ``size`` (points squared)."""
    return math.sqrt(size) / 2


def crosses(box: tuple[float, float, float, float], p: tuple[float, float], q: tuple[float, float]) -> bool:
    """Whether the segment ``p``-``q`` passes through the box ``(x0, y0, x1, y1)`` (Liang-Barsky clipping).

    >>> crosses((0, 0, 1, 1), (-1, 0.5), (2, 0.5)), crosses((0, 0, 1, 1), (-1, 2), (2, 2))
    (True, False)
    """
    (x0, y0, x1, y1), (px, py), (qx, qy) = box, p, q
    dx, dy = qx - px, qy - py
    lo, hi = 0.0, 1.0
    for step, room in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return True


def place_labels(
    ax: Axes,
    labels: Sequence[Label],
    obstacles: Sequence[tuple[float, float, float]] = (),
    *,
    lines: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
    fontsize: float = 8,
    reach: float = 4.6,
) -> int:
    """Label points in priority order where the label overlaps no other label, marker, line or the frame.

    Each label tries eight spots around its point, then the same farther out (up to
    ``reach`` marker radii) with a leader line; a label with no free spot is left out, so
    labels never pile up, except that a bold label may then cross the lines of other
    points (never one that starts at its own point). ``obstacles`` are markers ``(x, y, radius_pt)``, ``lines`` the
    segments ``((x0, y0), (x1, y1))`` a label must not sit on (connectors, arrows), all
    in data coordinates. Returns how many labels were left out.
    """
    fig = ax.figure
    # Settle the layout first, so that display coordinates are final when we measure.
    fig.draw_without_rendering()
    to_px = fig.dpi / 72
    frame = ax.get_window_extent()
    marks = np.array(
        [(px - r * to_px, py - r * to_px, px + r * to_px, py + r * to_px) for (px, py), r in _to_display(ax, obstacles)]
    ).reshape(-1, 4)
    taken = []  # the labels placed so far, as boxes
    segments = [tuple(ax.transData.transform(end) for end in seg) for seg in lines]

    def free(b, segments) -> bool:
        x0, y0, x1, y1 = b
        if x0 < frame.x0 or x1 > frame.x1 or y0 < frame.y0 or y1 > frame.y1:
            return False
        if np.any((x0 < marks[:, 2]) & (marks[:, 0] < x1) & (y0 < marks[:, 3]) & (marks[:, 1] < y1)):
            return False
        if any(x0 < t[2] and t[0] < x1 and y0 < t[3] and t[1] < y1 for t in taken):
            return False
        return not any(crosses(b, p, q) for p, q in segments)

    def style(lab: Label, spot) -> dict:
        dx, dy, ha, va = spot
        gap = lab.radius + 1.5
        return {
            "xytext": (dx * gap, dy * gap),
            "textcoords": "offset points",
            "ha": ha,
            "va": va,
            "fontsize": fontsize,
            "fontweight": "bold" if lab.bold else "normal",
            "path_effects": HALO,
            "zorder": 5,
            "annotation_clip": False,
        }

    def place(lab: Label, segments) -> bool:
        # The label's size is measured once, at the first spot; the other spots' boxes
        # are that box moved by their offset and alignment.
        t = ax.annotate(lab.text, (lab.x, lab.y), **style(lab, _SPOTS[0]))
        first = t.get_window_extent()
        t.remove()
        gap = (lab.radius + 1.5) * to_px
        for spot in _SPOTS:
            dx, dy, ha, va = spot
            if max(abs(dx), abs(dy)) > reach:
                continue
            x0 = first.x0 + (dx - _SPOTS[0][0]) * gap - _SHIFT[ha] * first.width
            y0 = first.y0 + (dy - _SPOTS[0][1]) * gap + (0.5 - _SHIFT[va]) * first.height
            b = (x0, y0, x0 + first.width, y0 + first.height)
            if free(b, segments):
                kwargs = style(lab, spot)
                if abs(dx) > 1.5 or abs(dy) > 1.5:
                    kwargs["arrowprops"] = {
                        "arrowstyle": "-",
                        "color": "#444444",
                        "lw": 0.6,
                        "shrinkA": 1,
                        "shrinkB": lab.radius,
                    }
                ax.annotate(lab.text, (lab.x, lab.y), **kwargs)
                pad = 1.0 * to_px
                taken.append((b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad))
                return True
        return False

    skipped = 0
    for lab in labels:
        if place(lab, segments):
            continue
        # A bold (important) label with no free spot may lie across another node's line,
        # never across its own: those start at its point.
        at = ax.transData.transform((lab.x, lab.y))
        own = [(p, q) for p, q in segments if min(np.hypot(*(p - at)), np.hypot(*(q - at))) < 0.5]
        if not (lab.bold and len(own) < len(segments) and place(lab, own)):
            skipped += 1
    return skipped
