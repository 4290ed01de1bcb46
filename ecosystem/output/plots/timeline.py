"""The landscape year by year: organisations per kind, or cluster organisations per theme."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from ecosystem.evidence import CLUSTER_KINDS, KINDS, ORGANISATION_KINDS
from ecosystem.output.plots.style import KIND_STYLE, TICK_PT, kind_label, new_axes, nothing_to_draw

__all__ = ["timeline"]

_YEAR_AXIS = "year (as the documents published by then knew it)"


def timeline(
    counts: Mapping[int, Mapping[str, int]],
    ax: Axes | None = None,
    *,
    by: str = "kind",
    title: str | None = None,
) -> Axes:
    """Draw the landscape as the documents knew it in each of their publication years.

    Parameters
    ----------
    counts : mapping
        ``{year: {kind or theme: count}}``, one entry per year of
        :func:`ecosystem.graph.document_years`, counted in the graph built ``as_of`` that
        year (later facts and ended organisations left out, renames applied). With
        ``by="kind"``: how many nodes of each kind (kinds that are not organisation kinds
        are left out). With ``by="theme"``: how many cluster organisations work in each
        theme (by the theme's name: the ``themes`` signal of
        :func:`ecosystem.analysis.signal_sets`).
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

    Examples
    --------
    >>> ax = timeline({2012: {"company": 3, "theme": 2}, 2016: {"company": 5, "cluster_organisation": 1}})
    >>> [line.get_label() for line in ax.get_lines()], ax.get_lines()[0].get_ydata().tolist()
    (['company', 'cluster organisation'], [3, 5])
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    if by not in ("kind", "theme"):
        raise ValueError(f"by must be 'kind' or 'theme', not {by!r}")
    years = sorted(counts)
    if by == "kind":
        ax = new_axes(ax, (10, 5.6))
        ax.set_title(title or "Organisations in the documents, year by year", fontsize=12)
        kinds = [k for k in KINDS if k in ORGANISATION_KINDS]
        lines = {k: [counts[y].get(k, 0) for y in years] for k in kinds}
        kinds = sorted((k for k in kinds if any(lines[k])), key=lambda k: -lines[k][-1])
        if not kinds:
            return nothing_to_draw(ax, "no organisations counted")
        for k in kinds:
            colour, marker = KIND_STYLE.get(k, ("#777777", "o"))
            ax.plot(
                years,
                lines[k],
                color=colour,
                marker=marker,
                markersize=7,
                linewidth=2.2 if k in CLUSTER_KINDS else 1.4,
                markeredgecolor="#333333",
                markeredgewidth=0.4,
                label=kind_label(k),
            )
        ax.set_xticks(years)
        ax.set_xlabel(_YEAR_AXIS)
        ax.set_ylabel("organisations named in the documents (count)")
        ax.tick_params(labelsize=TICK_PT + 1)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#E5E5E5")
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False, title="kind")
        return ax

    table: dict[str, list[int]] = {}
    for i, y in enumerate(years):
        for theme, n in counts[y].items():
            if n:
                table.setdefault(theme, [0] * len(years))[i] += n
    themes = sorted(table, key=lambda t: (-table[t][-1], -sum(table[t]), t.casefold()))
    ax = new_axes(ax, (8, 0.9 + 0.36 * max(len(themes), 1)))
    ax.set_title(title or "Cluster organisations per theme, as of each document year", fontsize=12)
    if not themes:
        return nothing_to_draw(ax, "no cluster organisations counted in a theme")
    M = np.array([table[t] for t in themes])
    im = ax.imshow(M, cmap="Blues", aspect="auto", vmin=0, vmax=max(int(M.max()), 1))
    for (i, j), v in np.ndenumerate(M):
        ax.text(
            j,
            i,
            str(v) if v else "·",
            ha="center",
            va="center",
            fontsize=TICK_PT,
            color="white" if v > 0.6 * M.max() else "#222222",
        )
    ax.set_xticks(range(len(years)))
    ax.set_xticklabels([str(y) for y in years], fontsize=TICK_PT + 1)
    ax.set_yticks(range(len(themes)))
    ax.set_yticklabels(themes, fontsize=TICK_PT + 1)
    ax.set_xlabel(_YEAR_AXIS)
    ax.set_ylabel("theme (most cluster organisations first)")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = ax.figure.colorbar(im, ax=ax, shrink=0.6, pad=0.02)
    bar.set_label("cluster organisations working in the theme (count)")
    bar.ax.tick_params(labelsize=TICK_PT + 1)
    return ax
