"""The ``ecosystem plot`` command: draw one figure of :mod:`ecosystem.plot` to a PNG or SVG file.

Kept apart from ``cli.py`` so that the command line does not import matplotlib until a
plot is asked for; ``cli.py`` registers it with ``cli.add_command(plot)``.
"""

from __future__ import annotations

import io
from pathlib import Path

import click

from .cli_common import seeds_option, writing_to
from .errors import EcosystemError
from .files import write_output
from .overlap import SIGNALS

__all__ = ["plot", "PLOTS"]

PLOTS = ("network", "map", "overlaps", "proposal", "timeline")
FORMATS = {".png": "png", ".svg": "svg"}


def _figure(
    kind: str,
    *,
    seeds_dir: Path | None,
    as_of: int | None,
    signal: str | None,
    proposal_ref: str | None,
    by: str | None,
):
    """Draw the figure with the library function of the same name and return it."""
    import matplotlib

    matplotlib.use("Agg")  # a file is the only output: never open a window
    from . import plot as plots
    from .graph import build_graph
    from .seeds import load_seeds

    seeds = load_seeds(seeds_dir)
    if kind == "timeline":
        return plots.timeline(seeds, by=by or "kind").figure
    G = build_graph(seeds, as_of=as_of)
    if kind == "proposal":
        return plots.proposal(G, proposal_ref or "1")[0].figure
    if kind == "overlaps":
        return plots.overlaps(G, signal=signal).figure
    return getattr(plots, kind)(G).figure


def _render(fig, fmt: str, dpi: int) -> bytes:
    """The figure as PNG or SVG bytes; the same figure gives the same bytes."""
    import matplotlib.pyplot as plt

    out = io.BytesIO()
    # A fixed SVG id salt and no date make the same figure the same file, byte for byte.
    with plt.rc_context({"svg.hashsalt": "ecosystem"}):
        try:
            fig.savefig(out, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
        finally:
            plt.close(fig)
    return out.getvalue()


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("kind", type=click.Choice(PLOTS))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    required=True,
    help="The file to write: FILE.png or FILE.svg; - writes a PNG to standard output.",
)
@click.option(
    "--as-of",
    type=click.IntRange(1800, 2100),
    default=None,
    metavar="YEAR",
    help="The landscape as known in YEAR (network, map, overlaps, proposal).",
)
@click.option(
    "--signal",
    type=click.Choice(list(SIGNALS)),
    default=None,
    help="overlaps: show this signal's Jaccard index instead of the combined score.",
)
@click.option(
    "--proposal",
    "proposal_ref",
    metavar="ID_OR_RANK",
    default=None,
    help="proposal: which proposal, by id or rank (default: 1).",
)
@click.option(
    "--by",
    type=click.Choice(["kind", "theme"]),
    default=None,
    help="timeline: organisations per kind (default), or cluster organisations per theme.",
)
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="Resolution of a PNG.")
@seeds_option
def plot(kind, output, as_of, signal, proposal_ref, by, dpi, seeds_dir):
    """Draw a figure of the landscape to a PNG or SVG file.

    KIND is one of: network (the evidence graph), map (organisations on the map of
    Denmark), overlaps (heatmap of pairwise overlap), proposal (one consolidation proposal
    before and after), timeline (the landscape in each document year).

    \b
    Examples:
        ecosystem plot network -o network.png
        ecosystem plot map -o map.svg --as-of 2016
        ecosystem plot overlaps -o overlaps.png --signal members
        ecosystem plot proposal --proposal 2 -o proposal-2.png
        ecosystem plot timeline --by theme -o themes.png
    """
    to_stdout = str(output) == "-"
    if not to_stdout and output.suffix.lower() not in FORMATS:
        raise click.BadParameter(
            f"{output.name!r} must end in .png or .svg, e.g. {output.stem or 'figure'}.png", param_hint="-o/--output"
        )
    applies = {
        "--as-of": (as_of, PLOTS[:4]),
        "--signal": (signal, ("overlaps",)),
        "--proposal": (proposal_ref, ("proposal",)),
        "--by": (by, ("timeline",)),
    }
    for name, (value, kinds) in applies.items():
        if value is not None and kind not in kinds:
            raise click.UsageError(f"{name} does not apply to `plot {kind}`; it applies to: {', '.join(kinds)}")
    try:
        fig = _figure(kind, seeds_dir=seeds_dir, as_of=as_of, signal=signal, proposal_ref=proposal_ref, by=by)
    except EcosystemError as err:
        raise click.ClickException(str(err)) from err
    data = _render(fig, "png" if to_stdout else FORMATS[output.suffix.lower()], dpi)
    if to_stdout:
        click.echo(data, nl=False)  # bytes go to the binary stream
        return
    with writing_to(output):
        write_output(output, data)
    click.echo(f"wrote {output}", err=True)
