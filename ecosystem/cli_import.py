"""``ecosystem import``: read real data into the local store (thin click wrappers)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_common import NAME, fail_cleanly

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
    """Options every importer takes: --name, --review, --seeds, --encoding, --home."""
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
            home_option,
        ]
    ):
        fn = option(fn)
    return fn


def _store(dataset, home, seeds_dir, review, G=None) -> None:
    from .graph import build_graph
    from .importstore import list_imports, save_import

    before = {e["name"]: e for e in list_imports(home)}.get(dataset.name)
    entry = save_import(dataset, home=home, G=G if G is not None else build_graph(seeds_dir), review=review)
    if before is not None:
        click.echo(f"replaced the earlier import {dataset.name!r} ({before['organisations']} organisations; now {entry['organisations']})")
    links = entry["links"]
    click.echo(
        f"imported {entry['name']}: {entry['organisations']} organisations, {entry['nodes']} nodes, {entry['edges']} relationships; "
        f"linked to seed entities: {links['cvr']} by CVR, {links['pic']} by PIC, {links['name']} by name, {links['review']} by review"
    )
    if entry["dropped_columns"]:
        click.echo("left out (personal data): " + ", ".join(entry["dropped_columns"]))
    if entry["review_rows"]:
        click.echo(
            f"{entry['review_rows']} possible link(s) to review: {entry['review_file']}\n"
            "  fill in the decision column (accept, reject or a seed id), then import again with --review FILE"
        )
    if entry["unused_decisions"]:
        click.echo(f"{entry['unused_decisions']} decision(s) in the review file name organisations not in this import")


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
    from .importstore import list_imports, remove_import

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
def cordis(path, organisations_path, programmes_path, name, review, seeds_dir, encoding, home):
    """Import Horizon 2020 participations (CORDIS), with names from the organisations file.

    \b
    Example:
        ecosystem import cordis ../shared/data/cordis_h2020/h2020_participations.csv.gz \\
            --organisations ../shared/data/cordis_h2020/h2020_organisations_subset.csv
    """
    from .imports import import_cordis

    dataset = import_cordis(path, organisations_path, programmes_path=programmes_path, name=name or "cordis-h2020", encoding=encoding)
    _store(dataset, home, seeds_dir, review)


@import_group.command("structural-funds")
@click.argument("path", type=_file)
@_common
@fail_cleanly
def structural_funds(path, name, review, seeds_dir, encoding, home):
    """Import the Danish ERDF/ESF list of operations (2007-13 or 2014-20, told by the header).

    \b
    Example:
        ecosystem import structural-funds ../shared/data/dk_structural_funds/erdf_esf_2014_2020.csv
    """
    from .imports import import_structural_funds

    _store(import_structural_funds(path, name=name, encoding=encoding), home, seeds_dir, review)


@import_group.command("members")
@click.argument("path", type=_file)
@_common
@fail_cleanly
def members(path, name, review, seeds_dir, encoding, home):
    """Import an analyst's membership list: CSV with the header cluster,member,cvr,municipality.

    cluster is a seed entity's id, name or alias; cvr (8 digits) and municipality (a
    name or 4-digit code) may be empty or left out.

    \b
    Example:
        ecosystem import members members.csv --name members-food-2024
    """
    from .graph import build_graph
    from .imports import import_members

    G = build_graph(seeds_dir)
    _store(import_members(path, G=G, name=name, encoding=encoding), home, seeds_dir, review, G=G)
