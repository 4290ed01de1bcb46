"""The ``ecosystem`` command line: thin click wrappers around the library."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from . import graph as graph_mod
from .errors import EcosystemError
from .export import FORMATS, export_graph
from .seeds import read_seeds, verify_quotes

__all__ = ["cli"]


def _fail_cleanly(fn):
    """Turn the package's own errors into a one-line message and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EcosystemError as err:
            raise click.ClickException(str(err)) from err

    return wrapper


seeds_option = click.option(
    "--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Seed directory (default: the seeds shipped with the package).",
)
as_of_option = click.option(
    "--as-of", type=click.IntRange(1800, 2100), default=None, metavar="YEAR",
    help="The landscape as known in YEAR: later facts, ended organisations out; renames applied.",
)


def graph_command(fn):
    """Add --seeds and --as-of and pass the built graph as ``G``."""

    @seeds_option
    @as_of_option
    @functools.wraps(fn)
    @_fail_cleanly
    def wrapper(seeds_dir, as_of, **kwargs):
        G = graph_mod.build_graph(seeds_dir, as_of=as_of)
        return fn(G, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="cluster-ecosystem")
def cli():
    """Model the Danish cluster landscape as an evidence graph; find overlaps and mergers.

    \b
    Example:
        ecosystem stats
        ecosystem show "Danish Food Cluster"
    """


@cli.command()
@seeds_option
@click.option("--sources", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of the source documents: check every quote occurs verbatim in its document.")
def validate(seeds_dir, sources):
    """Check the seed files against the model and, with --sources, the quotes.

    Every problem is printed as `file:line: what is wrong (rule; how to fix)`; the exit
    code is 1 when there is any.

    \b
    Example:
        ecosystem validate --sources ../shared/sources
    """
    from .seeds import default_seeds_dir

    seeds_dir = seeds_dir or default_seeds_dir()
    seeds, problems = read_seeds(seeds_dir)
    verified = None
    if sources is not None:
        verified, quote_problems = verify_quotes(seeds, sources)
        problems += quote_problems
    for p in problems:
        click.echo(f"{seeds_dir}/{p}" if p.file else str(p), err=True)
    n_quotes = sum(1 for _ in seeds.quoted_rows())
    summary = (
        f"{len(seeds.entities)} entities, {len(seeds.attributes)} attributes, {len(seeds.relations)} relations, "
        f"{len(seeds.recommendations)} recommendations, {len(seeds.requirements)} requirements, {len(seeds.criteria)} criteria"
    )
    if verified is not None:
        summary += f"; {verified} of {n_quotes} quotes verified against {sources}"
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s); {summary}")
    click.echo(f"ok: {summary}")


@cli.command()
@graph_command
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(G, fmt):
    """Count nodes and relationships by kind and type.

    \b
    Example:
        ecosystem stats --format json --as-of 2013
    """
    s = graph_mod.graph_stats(G)
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"{s['nodes']} nodes, {s['relationships']} relationships")
    width = max(map(len, [*s["nodes_by_kind"], *s["relationships_by_type"]]), default=10)
    click.echo("\nnodes by kind")
    for k, v in s["nodes_by_kind"].items():
        click.echo(f"  {k:<{width}} {v:>5}")
    click.echo("\nrelationships by type")
    for k, v in s["relationships_by_type"].items():
        click.echo(f"  {k:<{width}} {v:>5}")


@cli.command()
@graph_command
@click.argument("name")
def show(G, name):
    """Show one entity by id, name or alias: kind, attributes, relations with quotes.

    \b
    Example:
        ecosystem show "Offshoreenergi.dk"
    """
    from .model import ATTRIBUTES

    n = graph_mod.find_entity(G, name)
    d = G.nodes[n]
    kind = d["kind"] + (f" ({d['subtype']})" if d["subtype"] else "")
    click.echo(f"{d['name']}  [{n}]  {kind}")
    if d["aliases"]:
        click.echo("  also: " + "; ".join(d["aliases"]))
    click.echo(f"  named in {d['doc']}: \"{d['quote']}\"")
    for attr in ATTRIBUTES:
        if attr in d:
            click.echo(f"  {attr} = {d[attr]}   [{d[attr + '_doc']}] \"{d[attr + '_quote']}\"")
    rows = []
    for u, v, e in G.out_edges(n, data=True):
        rows.append((e["type"], "->", v, e))
    for u, v, e in G.in_edges(n, data=True):
        rows.append((e["type"], "<-", u, e))
    rows.sort(key=lambda r: (r[0], r[1], G.nodes[r[2]]["name"], r[3]["doc"]))
    if rows:
        click.echo(f"  relations ({len(rows)}):")
    for t, arrow, other, e in rows:
        extra = ", ".join(x for x in (e["role"], str(e["year"]) if e["year"] else "") if x)
        extra = f" ({extra})" if extra else ""
        click.echo(f"    {arrow} {t} {G.nodes[other]['name']}{extra}   [{e['doc']}] \"{e['quote']}\"")


@cli.command()
@graph_command
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(G, fmt, output):
    """Export the graph as GraphML or GEXF (Gephi) or node-link JSON (every attribute).

    \b
    Example:
        ecosystem export --format gexf -o ecosystem.gexf
    """
    export_graph(G, output, fmt)
    click.echo(f"wrote {output} ({G.number_of_nodes()} nodes, {G.number_of_edges()} relationships)")

