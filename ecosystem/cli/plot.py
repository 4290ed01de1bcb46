"""The ``ecosystem plot`` command: compute what a figure shows, draw it with :mod:`ecosystem.output.plots`, write a PNG or SVG file.

Kept apart from ``cli/main.py`` so that the command line does not import matplotlib until a
plot is asked for; ``cli/main.py`` registers it with ``cli.add_command(plot)``.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import click

from ecosystem.cli.common import LazyChoice, as_of_option, seeds_option, writing_to
from ecosystem.errors import EcosystemError

__all__ = ["plot", "PLOTS"]

PLOTS = ("network", "map", "overlaps", "proposal", "timeline")
FORMATS = {".png": "png", ".svg": "svg"}


def _signal_names() -> list[str]:
    from ecosystem.analysis import SIGNALS

    return list(SIGNALS)


def _figure(
    kind: str,
    *,
    seeds_dir: Path | None,
    as_of: int | None,
    signal: str | None,
    proposal_ref: str | None,
    by: str | None,
    whole: bool = False,
    imports: bool = False,
    home: Path | None = None,
):
    """Compute what the figure shows, draw it with the library function of the same name and return it."""
    import matplotlib

    from ecosystem.analysis import (
        counts_by_year,
        overlap_projection,
        pairwise_overlaps,
        partition_communities,
        propose,
        signal_sets,
    )
    from ecosystem.evidence import load_seeds
    from ecosystem.graph import build_graph

    matplotlib.use("Agg")  # a file is the only output: never open a window
    from ecosystem.output import plots  # imports matplotlib

    seeds = load_seeds(seeds_dir)
    if kind == "timeline":
        return plots.timeline(counts_by_year(seeds, by or "kind"), by=by or "kind").figure
    if kind == "network":
        if imports:
            from ecosystem.ingest import graph_with_imports

            G = graph_with_imports(seeds, as_of=as_of, home=home)
        else:
            G = build_graph(seeds, as_of=as_of)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", plots.SubgraphDrawn)
            fig = plots.network(G, whole=whole).figure
        for w in caught:
            if issubclass(w.category, plots.SubgraphDrawn):
                click.echo(f"{w.message.note}; --whole draws every node (slow: minutes)", err=True)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return fig
    G = build_graph(seeds, as_of=as_of)
    if kind == "overlaps":
        pairs = pairwise_overlaps(G)
        # The communities propose() finds (same threshold, method and seed), so the blocks are its groups.
        communities = partition_communities(
            overlap_projection(G, pairs=pairs, min_score=0.1), method="louvain", seed=42
        )
        return plots.overlaps(G, pairs, communities.values(), signal=signal).figure
    result = propose(G)
    if kind == "map":
        return plots.map(G, result).figure
    return plots.proposal(G, proposal_ref or "1", regions=signal_sets(G, "regions"), result=result)[0].figure


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
@as_of_option("The landscape as known in YEAR (network, map, overlaps, proposal).")
@click.option(
    "--signal",
    type=LazyChoice(_signal_names),
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
@click.option(
    "--whole",
    is_flag=True,
    help="network: draw every node. A graph of more than 2,000 nodes is otherwise drawn in part: the cluster"
    " organisations and their direct neighbours (the figure says so).",
)
@click.option(
    "--imports",
    is_flag=True,
    help="network: draw the seeds and the datasets imported with `ecosystem import` (the other figures draw the seeds).",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ECOSYSTEM_HOME",
    help="network --imports: the import store (default $ECOSYSTEM_HOME or the per-user data directory).",
)
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="Resolution of a PNG.")
@seeds_option
def plot(kind, output, as_of, signal, proposal_ref, by, whole, imports, home, dpi, seeds_dir):
    """Draw a figure of the landscape to a PNG or SVG file.

    KIND is one of: network (the evidence graph), map (organisations on the map of
    Denmark), overlaps (heatmap of pairwise overlap), proposal (one consolidation proposal
    before and after), timeline (the landscape in each document year). The figures
    draw the seeds alone: stored imports (`ecosystem import`) are left out, except by
    `plot network --imports`, which draws a graph of more than 2,000 nodes in part
    (the cluster organisations and their neighbours) unless --whole.

    \b
    Examples:
        ecosystem plot network -o network.png
        ecosystem plot network --imports -o network-imports.png
        ecosystem plot map -o map.svg --as-of 2016
        ecosystem plot overlaps -o overlaps.png --signal members
        ecosystem plot proposal --proposal 2 -o proposal-2.png
        ecosystem plot timeline --by theme -o themes.png
    """
    from ecosystem.files import write_output

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
        "--whole": (whole or None, ("network",)),
        "--imports": (imports or None, ("network",)),
    }
    for name, (value, kinds) in applies.items():
        if value is not None and kind not in kinds:
            raise click.UsageError(f"{name} does not apply to `plot {kind}`; it applies to: {', '.join(kinds)}")
    try:
        fig = _figure(
            kind,
            seeds_dir=seeds_dir,
            as_of=as_of,
            signal=signal,
            proposal_ref=proposal_ref,
            by=by,
            whole=whole,
            imports=imports,
            home=home,
        )
    except EcosystemError as err:
        raise click.ClickException(str(err)) from err
    data = _render(fig, "png" if to_stdout else FORMATS[output.suffix.lower()], dpi)
    if to_stdout:
        click.echo(data, nl=False)  # bytes go to the binary stream
        return
    with writing_to(output):
        write_output(output, data)
    click.echo(f"wrote {output}", err=True)
