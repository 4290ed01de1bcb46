"""The ``ecosystem report`` command: the analyses' results as one self-contained HTML file.

Kept apart from ``cli/main.py`` so that the command line does not import Jinja2 or
matplotlib until a report is asked for; ``cli/main.py`` registers it.
"""

from __future__ import annotations

from pathlib import Path

import click

from ecosystem.cli.common import as_of_option, build_graph, fail_cleanly, imports_options, seeds_option, writing_to

__all__ = ["report"]


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help="The HTML file to write, e.g. report.html; - for standard output.")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="List the N most overlapping pairs.")
@seeds_option
@as_of_option()
@imports_options
@fail_cleanly
def report(output, top, seeds_dir, as_of, imports, home):
    """Write one HTML file to share: overview, interactive network, map, overlaps, proposals, targets.

    The file is self-contained (Cytoscape.js, the figures and the data inlined): it opens
    offline in a browser and fetches nothing. Needs Jinja2: pip install 'cluster-ecosystem[report]'.

    \b
    Example:
        ecosystem report -o report.html
        ecosystem report -o report-2013.html --as-of 2013 --no-imports
    """
    from ecosystem.analysis import (
        SignalSets,
        overlap_projection,
        pairwise_overlaps,
        partition_communities,
        propose,
        track_targets,
    )
    from ecosystem.evidence import load_seeds
    from ecosystem.files import write_output
    from ecosystem.output.report import render_report
    from ecosystem.output.report.data import needs_whole_graph

    seeds = load_seeds(seeds_dir)
    G = build_graph(seeds, as_of=as_of, imports=imports, home=home, whole=False)
    if needs_whole_graph(G):  # a small store: its network shows every node, more than the cached graph holds
        G = build_graph(seeds, as_of=as_of, imports=imports, home=home, whole=True)
    sets = SignalSets(G)
    pairs = pairwise_overlaps(G, sets=sets)
    # The communities propose() finds (same threshold, method and seed), as `ecosystem plot overlaps` draws them.
    communities = partition_communities(overlap_projection(G, pairs=pairs, min_score=0.1), method="louvain", seed=42)
    result = propose(G, sets=sets)
    html = render_report(G, documents=seeds.documents, pairs=pairs, communities=communities.values(), result=result,
                         as_of=as_of, targets=track_targets(G, seeds.targets), top=top)
    if str(output) == "-":
        click.echo(html, nl=False)
        return
    with writing_to(output):
        write_output(output, html.encode("utf-8"))
    click.echo(f"wrote {output} ({len(html.encode('utf-8')) / 1e6:.1f} MB)", err=True)
