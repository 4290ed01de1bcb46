"""``ecosystem targets``: the 2020 targets of document 004 against the evidence."""

from __future__ import annotations

import click

from ecosystem.cli.common import graph_command

__all__ = ["targets"]


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@graph_command
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "md"]), default="table", show_default=True)
def targets(G, fmt, seeds):
    """Track the 2020 targets (document 004's "pejlemærker") against the evidence.

    For each target: the value the evidence supports (as of --as-of YEAR, or in all the
    evidence), how it was computed and from which facts, and the gap. Counts of what is
    recorded are lower bounds, so a count below the target is "not shown", not "missed";
    where neither documents nor imports can give a figure it says "not measurable".

    \b
    Examples:
        ecosystem targets
        ecosystem targets --as-of 2016 --format md
    """
    from ecosystem.analysis import track_targets
    from ecosystem.output.tables import to_json
    from ecosystem.output.targets import targets_csv, targets_markdown, targets_text

    rows = track_targets(G, seeds.targets)
    render = {"table": targets_text, "csv": targets_csv, "json": to_json, "md": targets_markdown}[fmt]
    click.echo(render(rows), nl=False)
