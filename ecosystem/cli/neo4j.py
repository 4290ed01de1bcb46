"""The ``ecosystem neo4j`` group and the ``ecosystem query`` command: thin wrappers around :mod:`ecosystem.neo4j`.

``ecosystem.cli.main`` registers both: ``cli.add_command(neo4j)`` and ``cli.add_command(query)``.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ecosystem.cli.common import FINITE, as_of_option, build_graph, fail_cleanly, imports_options, seeds_option

if TYPE_CHECKING:
    from ecosystem.neo4j import Neo4jRunner, Query

# The library is imported inside each command: `ecosystem --help` loads none of it.

__all__ = ["neo4j", "query", "connect"]

_TABLE_CELL = 80


def _connection_options(fn):
    """Add --uri, --user, --password and --database (each falls back to its NEO4J_* variable)."""
    options = [
        click.option(
            "--uri", default=None, metavar="URI", help="Bolt address [default: $NEO4J_URI or bolt://localhost:7687]."
        ),
        click.option("--user", default=None, help="User [default: $NEO4J_USER or neo4j]."),
        click.option(
            "--password",
            default=None,
            help="Password [default: $NEO4J_PASSWORD; prefer the variable to keep it out of shell history].",
        ),
        click.option("--database", default=None, help="Database [default: $NEO4J_DATABASE or neo4j]."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def connect(uri=None, user=None, password=None, database=None) -> Neo4jRunner:
    """Open a runner on the server: the one place the commands connect (tests replace it with a RecordingRunner)."""
    from ecosystem.neo4j import Neo4jRunner

    return Neo4jRunner(uri, user, password, database)


@click.group(name="neo4j")
def neo4j():
    """Load the evidence graph into Neo4j and check the server.

    The connection comes from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE
    (see .env.example) or from --uri, --user, --password, --database.

    \b
    Example:
        eval "$(ecosystem neo4j server start)"    # or: docker compose up -d neo4j; set -a; . ./.env; set +a
        ecosystem neo4j load
        ecosystem neo4j status
        ecosystem neo4j write-back
    """


@neo4j.group("server")
def server():
    """A local Neo4j 5.26 with APOC and Graph Data Science, for machines without Docker.

    The first start fetches the pinned jars from Maven Central with Maven (Java 17 or 21
    and `mvn` needed; about 150 MB, kept in ~/.cache/cluster-ecosystem), then runs the
    server on 127.0.0.1 only, on a free port, with a generated password. `start` prints
    the NEO4J_* settings as shell exports on standard output.

    \b
    Example:
        eval "$(ecosystem neo4j server start)"
        ecosystem neo4j load
        ecosystem neo4j server stop
    """


def _server_name(fn):
    return click.option(
        "--name", default="default", show_default=True, help="Which local server (each has its own folder and data)."
    )(fn)


def _say(line: str) -> None:
    click.echo(line, err=True)


@server.command("start")
@_server_name
@click.option("--heap", default="3g", show_default=True, help="Java heap (server.memory.heap.max_size); a load is one transaction, and the full store with imports needs about 2 GB of it.")
@click.option("--pagecache", default="512m", show_default=True, help="Page cache (server.memory.pagecache.size).")
@click.option("--timeout", type=click.IntRange(1), default=180, show_default=True, help="Seconds to wait for Bolt.")
@fail_cleanly
def server_start(name, heap, pagecache, timeout):
    """Start the local server (fetching it the first time); print its NEO4J_* settings.

    Progress and the server's address go to standard error; standard output has only the
    export lines. Starting a server that runs already only prints its settings.

    \b
    Example:
        eval "$(ecosystem neo4j server start)"
        ecosystem neo4j server start --name scratch --heap 2g
    """
    from ecosystem.neo4j import start_server

    click.echo(start_server(name, heap=heap, pagecache=pagecache, timeout=timeout, echo=_say).exports())


@server.command("stop")
@_server_name
@click.option("--delete", is_flag=True, help="Also delete its folder: data, logs and password.")
@fail_cleanly
def server_stop(name, delete):
    """Stop the local server (Neo4j's own clean shutdown).

    \b
    Example:
        ecosystem neo4j server stop
        ecosystem neo4j server stop --delete     # and start afresh next time
    """
    from ecosystem.neo4j import stop_server

    if not stop_server(name, delete=delete, echo=_say):
        _say(f"the local Neo4j {name!r} was not running")


@server.command("status")
@_server_name
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@fail_cleanly
def server_status_command(name, fmt):
    """Say whether the local server runs, where, which versions, and where its log is.

    \b
    Example:
        ecosystem neo4j server status --format json
    """
    from ecosystem.neo4j import server_status

    s = server_status(name)
    if fmt == "json":
        click.echo(json.dumps(s, indent=2))
        return
    v = s["versions"]
    click.echo(f"{name}: {'running, pid ' + str(s['pid']) + ', ' + s['uri'] if s['running'] else 'not running'}")
    if s['running']:
        click.echo(f"browser: {s['browser']}")
    click.echo(f"versions: Neo4j {v['neo4j']} community, APOC {v['apoc']}, GDS {v['gds']}")
    click.echo(f"folder: {s['folder']}\njars: {s['cache']}\nlog: {s['log']}")


@server.command("env")
@_server_name
@fail_cleanly
def server_env(name):
    """Print the running local server's NEO4J_* settings as shell exports.

    \b
    Example:
        eval "$(ecosystem neo4j server env)"
    """
    from ecosystem.neo4j import server_settings

    click.echo(server_settings(name).exports())


@neo4j.command()
@seeds_option
@as_of_option()
@click.option(
    "--wipe",
    is_flag=True,
    help="Make the database the graph: delete the entities, facts and properties it does not have, and "
    "every written-back result. Without it the load only adds and updates: facts removed from the seeds stay.",
)
@click.option("--batch-size", type=click.IntRange(1), default=5000, show_default=True, help="Rows per statement.")
@imports_options
@_connection_options
@fail_cleanly
def load(seeds_dir, as_of, wipe, batch_size, imports, home, uri, user, password, database):
    """Load the evidence graph into Neo4j (MERGE: loading twice gives the same graph).

    Applies cypher/schema.cypher (constraints, indexes), then writes every entity with
    the label Entity plus its kind's labels, and every fact as a relationship keyed by its
    fact id, each with its provenance (doc, doc_year, quote; dataset, file, row for
    imported rows). All in one transaction: a load that fails leaves the database as it was.

    \b
    Example:
        ecosystem neo4j load
        ecosystem neo4j load --wipe --as-of 2013
    """
    from ecosystem.neo4j import load_into_neo4j

    if as_of is not None and not wipe:
        # MERGE only adds and updates: ended organisations, later facts and folded names
        # already in the database would stay, mixing two landscapes.
        raise click.UsageError("--as-of needs --wipe: loaded over another graph, the landscape of one year would mix with it")
    G = build_graph(seeds_dir, as_of=as_of, imports=imports, home=home)
    with connect(uri, user, password, database) as runner:
        result = load_into_neo4j(runner, G, batch_size=batch_size, wipe=wipe)
        where = f"{runner.uri} (database {runner.database})"
    wiped = f"deleted {result['deleted']} nodes, then " if wipe else ""
    c = result["changes"]
    changed = (
        f"; {c['nodes_created']} nodes and {c['relationships_created']} relationships created, "
        f"{c['properties_set']} properties set"
        if c
        else ""
    )
    click.echo(
        f"{wiped}loaded {result['nodes']} nodes and {result['relationships']} relationships into {where} "
        f"in {result['statements']} statements, one transaction{changed}"
    )


@neo4j.command("write-back")
@seeds_option
@as_of_option("Analyse the landscape as known in YEAR (load the same with `neo4j load --wipe --as-of`).")
@click.option(
    "--min-score",
    type=FINITE,
    default=0.1,
    show_default=True,
    help="Least overlap score that links two organisations for communities and proposals.",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "leiden", "louvain"]),
    default="louvain",
    show_default=True,
    help="Community method (as `ecosystem propose`); auto takes Leiden when igraph and leidenalg are installed.",
)
@imports_options
@_connection_options
@fail_cleanly
def write_back(seeds_dir, as_of, min_score, method, imports, home, uri, user, password, database):
    """Run the analyses and write their results into Neo4j next to the evidence.

    Writes every overlapping pair as OVERLAPS, the communities as Community nodes
    (IN_COMMUNITY) and the consolidation proposals as Proposal nodes; each replaces
    the previous results of its kind. Load the same graph first (`neo4j load`).

    \b
    Example:
        ecosystem neo4j write-back
        ecosystem query overlaps-top --param limit=10
        ecosystem query proposals
    """
    from ecosystem.analysis import (
        community_memberships,
        leiden_available,
        overlap_projection,
        pairwise_overlaps,
        partition_communities,
        propose,
    )
    from ecosystem.neo4j import write_communities, write_overlaps, write_proposals

    G = build_graph(seeds_dir, as_of=as_of, imports=imports, home=home, whole=False)
    if method == "auto":
        method = "leiden" if leiden_available() else "louvain"
    pairs = pairwise_overlaps(G)
    groups = partition_communities(overlap_projection(G, pairs=pairs, min_score=min_score), method=method)
    proposals = propose(G, min_score=min_score, method=method)["proposals"]
    with connect(uri, user, password, database) as runner:
        n_pairs = write_overlaps(runner, pairs)
        n_members = write_communities(runner, community_memberships(groups, method))
        n_proposals = write_proposals(runner, proposals)
    click.echo(
        f"wrote {n_pairs} OVERLAPS, {len(groups)} {method} communities ({n_members} memberships) "
        f"and {n_proposals} proposals"
    )


@neo4j.command("status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_connection_options
@fail_cleanly
def status_command(fmt, uri, user, password, database):
    """Show the server, whether Graph Data Science is installed, and what is loaded.

    \b
    Example:
        ecosystem neo4j status --format json
    """
    from ecosystem.neo4j import status

    with connect(uri, user, password, database) as runner:
        s = status(runner)
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"connected to {s['uri']}, database {s['database']}")
    for server in s["server"]:
        click.echo(f"server: {server}")
    click.echo(f"graph data science: {s['gds'] or 'not installed (the gds-* queries need it)'}")
    n_nodes, n_rels = sum(s["nodes_by_kind"].values()), sum(s["relationships_by_type"].values())
    click.echo(
        f"{n_nodes} entities, {n_rels} relationships; written back: "
        f"{s['communities']} communities, {s['proposals']} proposals"
    )
    width = max(map(len, [*s["nodes_by_kind"], *s["relationships_by_type"]]), default=10)
    for title, counts in (("nodes by kind", s["nodes_by_kind"]), ("relationships by type", s["relationships_by_type"])):
        if counts:
            click.echo(f"\n{title}")
        for k, v in counts.items():
            click.echo(f"  {k:<{width}} {v:>6}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("$")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: write KEY=VALUE, e.g. --param k=3", param_hint="--param")
        if key in values:
            raise click.BadParameter(f"{key!r} given twice", param_hint="--param")
        values[key] = value
    return values


def _cell(value, *, table: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and table:
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v, table=table) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = str(value)
    if table:
        text = " ".join(text.split())
        if len(text) > _TABLE_CELL:
            text = text[: _TABLE_CELL - 1] + "…"
    return text


def _columns(rows: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _format_rows(rows: list[dict], fmt: str) -> str:
    from ecosystem.output.tables import spreadsheet_safe

    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    columns = _columns(rows)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([spreadsheet_safe(_cell(row.get(c), table=False)) for c in columns] for row in rows)
        return out.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    cells = [[_cell(row.get(c), table=True) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _describe(q: Query) -> str:
    lines = [q.name, f"    {q.answers}"]
    for p in q.params:
        default = "" if p.required else f", default {p.default!r}"
        lines.append(f"    ${p.name} ({p.type}{default}) — {p.description}")
    lines.append(f"    example: {q.example}")
    return "\n".join(lines)


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the queries: what each answers, its parameters, an example.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter; repeat for more. Typed by the query's header (int, float, string).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help=f"Output; table cells are cut at {_TABLE_CELL} characters, csv and json keep everything.",
)
@click.option(
    "--show", is_flag=True, help="Print the query's Cypher (to paste into Neo4j Browser) instead of running it."
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of .cypher queries [default: the package's cypher/ library].",
)
@_connection_options
@fail_cleanly
def query(name, list_, params, fmt, show, queries_dir, uri, user, password, database):
    """Run a query from the library, read-only, and print its rows.

    Each query is a .cypher file whose header says what it answers and which
    parameters it takes. Queries run in read transactions: nothing they do can change
    the database. The gds-* queries need the Graph Data Science plugin; they build an
    in-memory projection and drop it again.

    \b
    Example:
        ecosystem query --list
        ecosystem query shared-partners --param k=3
        ecosystem query company-memberships --param company=Vestas --format csv
    """
    from ecosystem.neo4j import bind_params, query_library, run_query

    library = query_library(queries_dir)
    if list_:
        click.echo("\n\n".join(_describe(q) for q in library.values()))
        return
    if not name:
        raise click.UsageError("name a query, or list them with: ecosystem query --list")
    if name not in library:
        close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        raise click.ClickException(f"no query named {name!r}{hint} (ecosystem query --list shows them all)")
    q = library[name]
    if show:
        click.echo(q.text.rstrip("\n"))
        return
    values = _parse_params(params)
    bind_params(q, values)  # a bad or missing parameter fails before connecting
    with connect(uri, user, password, database) as runner:
        rows = run_query(runner, q, values)
    click.echo(_format_rows(rows, fmt))
