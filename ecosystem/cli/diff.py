"""``ecosystem diff``: how the landscape changed between two years, fact by fact."""

from __future__ import annotations

import json

import click

from ecosystem.cli.common import fail_cleanly, seeds_option
from ecosystem.evidence import KINDS

__all__ = ["diff"]

_YEAR = click.IntRange(1800, 2100)
# Anything that can begin and end; themes, regions and labels do not.
_KINDS = sorted(set(KINDS) - {"theme", "region", "label"})


def _fact(e: dict) -> str:
    if e["doc"] is None:
        return "(no document states it)"
    return f"[{e['doc']}] \"{e['quote']}\""


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--from", "from_year", type=_YEAR, required=True, metavar="YEAR", help="The earlier year.")
@click.option("--to", "to_year", type=_YEAR, required=True, metavar="YEAR", help="The later year.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(_KINDS), help="Compare these kinds (repeatable)  [default: every organisation kind].")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@seeds_option
@fail_cleanly
def diff(from_year, to_year, kinds, fmt, seeds_dir):
    """Show how the landscape changed between two years: added, ended, renamed, merged.

    Each graph is the landscape as the documents knew it in that year (as with --as-of);
    every change cites the fact behind it. The seeds alone: stored imports are left out.

    \b
    Examples:
        ecosystem diff --from 2013 --to 2019
        ecosystem diff --from 2012 --to 2019 --kind project --format json
    """
    from ecosystem.analysis import landscape_diff
    from ecosystem.evidence import ORGANISATION_KINDS, load_seeds

    if to_year < from_year:
        raise click.BadParameter(f"{to_year} is before {from_year}: give the earlier year to --from", param_hint="--to")
    d = landscape_diff(load_seeds(seeds_dir), from_year, to_year, kinds=set(kinds) or ORGANISATION_KINDS)
    if fmt == "json":
        click.echo(json.dumps(d, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(f"The landscape from {from_year} to {to_year}")
    for key, verb in (("added", "first named"), ("ended", "ended"), ("renamed", "renamed"), ("merged", "merged")):
        click.echo(f"\n{key} ({len(d[key])})")
        for e in d[key]:
            into = f" -> {e['into_name']} [{e['into']}]" if "into" in e else ""
            when = f"{verb} {e['year']}" if e["year"] is not None else verb
            click.echo(f"  {e['name']} [{e['id']}] {e['kind']}{into}; {when} {_fact(e)}")
    click.echo(f"\n{'metric':28}{from_year:>10}{to_year:>10}")
    for key, before in d["metrics"]["from"].items():
        click.echo(f"{key.replace('_', ' '):28}{before:>10}{d['metrics']['to'][key]:>10}")
