"""``ecosystem import``: read real data into the local store (thin click wrappers)."""

from __future__ import annotations

from pathlib import Path

import click

from ecosystem.cli.common import NAME, fail_cleanly

__all__ = ["import_group"]


_file = click.Path(exists=True, dir_okay=False, path_type=Path)
home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ECOSYSTEM_HOME",
    help="The local store (default: $ECOSYSTEM_HOME, else $XDG_DATA_HOME/ecosystem or ~/.local/share/ecosystem).",
)


def _common(fn):
    """Options every importer takes: --name, --review, --seeds, --encoding, --allow-fewer, --max-mb, --max-rows, --home."""
    for option in reversed(
        [
            click.option("--name", type=NAME, default=None, metavar="NAME", help="Name of the import (a slug); an import of that name is replaced."),
            click.option(
                "--review",
                type=_file,
                default=None,
                metavar="FILE",
                help="A review report with the decision column filled in (accept, reject or a seed id), from an earlier import.",
            ),
            click.option(
                "--seeds",
                "seeds_dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="Seed directory to link organisations to (default: the seeds shipped with the package).",
            ),
            click.option("--encoding", default="utf-8-sig", show_default=True, help="Encoding of the file(s), e.g. latin-1."),
            click.option("--allow-fewer", is_flag=True, help="Replace an import of the same name even with fewer than half its organisations."),
            click.option("--max-mb", type=click.IntRange(1), default=None, help="Refuse a file of more text than this once decompressed  [default: 512]."),
            click.option("--max-rows", type=click.IntRange(1), default=None, help="Refuse a file of more rows than this  [default: 5000000]."),
            home_option,
        ]
    ):
        fn = option(fn)
    return fn


def _import(source: str, path: Path, *, seeds_dir, **options) -> None:
    """Import the file as ``ecosystem.import_file`` does and print its summary."""
    from ecosystem.ingest import import_file

    for line in import_file(source, path, seeds=seeds_dir, **options)["summary"]:
        click.echo(line)


@click.group("import", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--list", "list_", is_flag=True, help="List the stored imports.")
@click.option("--remove", metavar="NAME", default=None, help="Remove the stored import NAME.")
@home_option
@click.pass_context
@fail_cleanly
def import_group(ctx, list_, remove, home):
    """Import real data (CORDIS H2020, structural funds, membership lists) into the local store.

    Every import is kept as one file in the store and merged into the graph when the
    graph is built with imports. Columns with personal data are never read.

    \b
    Example:
        ecosystem import cordis ../shared/data/cordis_h2020/h2020_participations.csv.gz \\
            --organisations ../shared/data/cordis_h2020/h2020_organisations_subset.csv
        ecosystem import structural-funds ../shared/data/dk_structural_funds/erdf_esf_2007_2013.csv
        ecosystem import --list
        ecosystem import --remove cordis-h2020
    """
    from ecosystem.ingest import list_imports, remove_import

    if ctx.invoked_subcommand is not None:
        if list_ or remove:
            raise click.UsageError("--list and --remove go without a subcommand: `ecosystem import --list`")
        return
    if list_ and remove:
        raise click.UsageError("give --list or --remove, not both")
    if remove:
        entry = remove_import(remove, home)
        click.echo(f"removed {entry['name']} ({entry['organisations']} organisations, {entry['edges']} relationships)")
    elif list_:
        entries = list_imports(home)
        if not entries:
            click.echo("no imports stored")
        for e in entries:
            links = e["links"]
            click.echo(
                f"{e['name']}  [{e['source']}]  {e['organisations']} organisations, {e['edges']} relationships, "
                f"links cvr={links['cvr']} pic={links['pic']} name={links['name']} review={links['review']}, "
                f"{e['review_rows']} to review; {', '.join(f['file'] for f in e['files'])}; {e['created']}"
            )
    else:
        click.echo(ctx.get_help())


@import_group.command("cordis")
@click.argument("path", type=_file)
@click.option(
    "--organisations",
    "organisations_path",
    type=_file,
    default=None,
    help="The CORDIS organisations file: names, VAT (CVR) numbers and coordinates by PIC.",
)
@click.option(
    "--programmes",
    "programmes_path",
    type=_file,
    default=None,
    help="rcn -> programme part file (default: h2020_programme_parts.csv[.gz] beside PATH).",
)
@_common
@fail_cleanly
def cordis(path, organisations_path, programmes_path, **options):
    """Import Horizon 2020 participations (CORDIS), with names from the organisations file.

    \b
    Example:
        ecosystem import cordis ../shared/data/cordis_h2020/h2020_participations.csv.gz \\
            --organisations ../shared/data/cordis_h2020/h2020_organisations_subset.csv
    """
    _import("cordis", path, organisations=organisations_path, programmes=programmes_path, **options)


@import_group.command("structural-funds")
@click.argument("path", type=_file)
@_common
@fail_cleanly
def structural_funds(path, **options):
    """Import the Danish ERDF/ESF list of operations (2007-13 or 2014-20, told by the header).

    \b
    Example:
        ecosystem import structural-funds ../shared/data/dk_structural_funds/erdf_esf_2014_2020.csv
    """
    _import("structural-funds", path, **options)


@import_group.command("members")
@click.argument("path", type=_file)
@_common
@fail_cleanly
def members(path, **options):
    """Import an analyst's membership list: CSV with the header cluster,member,cvr,municipality.

    cluster is a seed entity's id, name or alias; cvr (8 digits) and municipality (a
    name or 4-digit code) may be empty or left out.

    \b
    Example:
        ecosystem import members members.csv --name members-food-2024
    """
    _import("members", path, **options)
