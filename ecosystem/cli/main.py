"""The ``ecosystem`` command line: thin click wrappers around the library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ecosystem.cli.common import (
    FINITE,
    graph_command,
    seeds_option,
    writing_to,
)
from ecosystem.evidence.seeds import read_seeds, verify_quotes
from ecosystem.files import write_output
from ecosystem.output.export import FORMATS

__all__ = ["cli"]


def parse_weights(pairs) -> dict | None:
    """Parse repeated --weight signal=number into a full weight dict (others keep defaults)."""
    if not pairs:
        return None
    from ecosystem.analysis import DEFAULT_WEIGHTS, SIGNALS, check_weights

    weights = dict(DEFAULT_WEIGHTS)
    for item in pairs:
        name, _, value = item.partition("=")
        if name not in SIGNALS:
            raise click.BadParameter(f"unknown signal {name!r}; use one of: {', '.join(SIGNALS)}", param_hint="--weight")
        try:
            weights[name] = float(value)
        except ValueError:
            raise click.BadParameter(f"{item!r}: the weight must be a number, e.g. {name}=2", param_hint="--weight") from None
    try:
        return check_weights(weights)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--weight") from None


weight_option = click.option("--weight", "weight_pairs", multiple=True, metavar="SIGNAL=W",
                             help="Override one signal's weight in the combined score (repeatable), e.g. --weight themes=0.5.")


def _write(text: str, output: Path | None) -> None:
    """Write to stdout (no -o, or -o -), or to the file (see files.write_output)."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    with writing_to(output):
        write_output(output, text.encode("utf-8"))
    click.echo(f"wrote {output}", err=True)


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
    from ecosystem.errors import problem_lines
    from ecosystem.evidence.seeds import default_seeds_dir

    seeds_dir = seeds_dir or default_seeds_dir()
    seeds, problems = read_seeds(seeds_dir)
    verified = None
    if sources is not None:
        verified, quote_problems = verify_quotes(seeds, sources)
        problems += quote_problems
    for line in problem_lines(problems, prefix=f"{seeds_dir}/"):
        click.echo(line, err=True)
    for line in problem_lines(seeds.warnings, prefix=f"warning: {seeds_dir}/"):
        click.echo(line, err=True)
    n_quotes = sum(1 for _ in seeds.quoted_rows())
    summary = (
        f"{len(seeds.entities)} entities, {len(seeds.attributes)} attributes, {len(seeds.relations)} relations, "
        f"{len(seeds.recommendations)} recommendations, {len(seeds.requirements)} requirements, {len(seeds.criteria)} criteria, {len(seeds.targets)} targets"
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
    from ecosystem.graph import graph_stats

    s = G.graph.get("stats") or graph_stats(G)  # the analysis graph carries the whole graph's counts
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"{s['nodes']} nodes, {s['relationships']} relationships")
    width = max(map(len, [*s["nodes_by_kind"], *s["relationships_by_type"], *s.get("imported_organisations", ())]), default=10)
    click.echo("\nnodes by kind")
    for k, v in s["nodes_by_kind"].items():
        click.echo(f"  {k:<{width}} {v:>5}")
    click.echo("\nrelationships by type")
    for k, v in s["relationships_by_type"].items():
        click.echo(f"  {k:<{width}} {v:>5}")
    if "imported_organisations" in s:
        click.echo("\nimported organisations")
        for k, v in s["imported_organisations"].items():
            click.echo(f"  {k:<{width}} {v:>5}")


@cli.command()
@graph_command
@click.argument("name")
def show(G, name, as_of, build):
    """Show one entity by id, name or alias: kind, attributes, relations with quotes.

    \b
    Example:
        ecosystem show "Offshoreenergi.dk"
    """
    from ecosystem.errors import UnknownEntity
    from ecosystem.evidence.schema import ATTRIBUTES
    from ecosystem.graph import find_entity
    from ecosystem.ingest import find_complete

    n = find_complete(G, name)  # from the analysis graph when it holds all the entity's relations
    if n is None:
        if "names_file" in G.graph:
            G = build(as_of=as_of, whole=True)
        try:
            n = find_entity(G, name)
        except UnknownEntity:
            if as_of is None:
                raise
            whole = build(as_of=None, whole=True)
            n = find_entity(whole, name)  # unknown in any year: the error names the closest
            raise click.ClickException(f"{whole.nodes[n]['name']} is not in the landscape as of {as_of}: "
                                       f"{_why_absent(whole, n, as_of)} (leave out --as-of to see it)") from None
    d = G.nodes[n]
    kind = d["kind"] + (f" ({d['subtype']})" if d["subtype"] else "")
    click.echo(f"{d['name']}  [{n}]  {kind}")
    if d["aliases"]:
        click.echo("  also: " + "; ".join(d["aliases"]))
    if d.get("former"):
        click.echo("  folded in (renamed or merged): " + ", ".join(d["former"]))
    click.echo(f"  named in {_source(d)}")
    for attr in ATTRIBUTES:
        if attr in d:
            quote = f" \"{d[attr + '_quote']}\"" if d.get(attr + "_quote") else " (imported)"
            click.echo(f"  {attr} = {d[attr]}   [{d[attr + '_doc']}]{quote}")
    rows = [(e["type"], "->", v, e) for _, v, e in G.out_edges(n, data=True)]
    rows += [(e["type"], "<-", u, e) for u, _, e in G.in_edges(n, data=True)]
    rows.sort(key=lambda r: (r[0], r[1], G.nodes[r[2]]["name"].casefold(), r[3]["doc"] or "", r[3].get("row") or 0))
    # One line per relation and source; the rows of an imported file behind it are counted.
    lines: dict[tuple[str, str], list] = {}
    for t, arrow, other, e in rows:
        extra = ", ".join(x for x in (e["role"], str(e["year"]) if e["year"] else "") if x)
        extra = f" ({extra})" if extra else ""
        lines.setdefault((f"    {arrow} {t} {G.nodes[other]['name']}{extra}", _source(e)), []).append(e.get("row"))
    if rows:
        click.echo(f"  relations ({len(rows)} fact{'' if len(rows) == 1 else 's'}):")
    for (line, source), file_rows in lines.items():
        file_rows = [r for r in file_rows if r is not None]
        if file_rows:  # imported: "(imported NAME: FILE, rows 3, 7, ...)"
            shown = ", ".join(map(str, file_rows[:5])) + (", ..." if len(file_rows) > 5 else "")
            source = f"{source[:-1]}, row{'s' if len(file_rows) > 1 else ''} {shown})"
        click.echo(f"{line}   {source}")


def _why_absent(whole, n, as_of: int, seen: frozenset = frozenset()) -> str:
    """Why an entity of the whole graph is not in the landscape as of a year."""
    d = whole.nodes[n]
    if n in seen:  # renamed back and forth
        return "left out"
    if d["first_year"] > as_of:
        return f"first named in {d['first_year']}"
    if d.get("ended") is not None and d["ended"] <= as_of:
        return f"ended in {d['ended']}"
    for _, v, e in whole.out_edges(n, data=True):
        if e["type"] in ("RENAMED_TO", "MERGED_INTO") and (e["year"] or e["doc_year"]) <= as_of:
            verb = "renamed" if e["type"] == "RENAMED_TO" else "merged into"
            return f"{verb} {whole.nodes[v]['name']} in {e['year'] or e['doc_year']}, which is not in it either: {_why_absent(whole, v, as_of, seen | {n})}"
    return "left out"


def _source(d: dict) -> str:
    """Where a fact comes from: the document and quote, or the imported file and row."""
    if d.get("imported"):
        return f"(imported {d.get('dataset')}: {d.get('file')})"
    return f"[{d['doc']}] \"{d['quote']}\""


@cli.command()
@graph_command(whole=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Default: from the file's extension.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help="The file: .graphml, .gexf or .json; - for standard output (with --format).")
def export(G, fmt, output):
    """Export the graph as GraphML or GEXF (Gephi) or node-link JSON (every attribute).

    \b
    Example:
        ecosystem export -o ecosystem.gexf
        ecosystem export --format graphml -o ecosystem.xml
    """
    from ecosystem.output.export import export_graph

    if str(output) == "-":
        if fmt is None:
            raise click.UsageError("-o - (standard output) needs --format graphml, gexf or json")
        from ecosystem.output.export import graph_bytes

        click.echo(graph_bytes(G, fmt), nl=False)  # bytes go to the binary stream
        return
    suffix = output.suffix.lower().lstrip(".")
    by_suffix = {"graphml": "graphml", "xml": "graphml", "gexf": "gexf", "json": "json"}.get(suffix)
    if fmt is None and by_suffix is None:
        raise click.UsageError(f"cannot tell the format from {output.name!r}: end it in .graphml, .gexf or .json, or give --format")
    if fmt is not None and by_suffix not in (None, fmt):
        raise click.UsageError(f"{output.name!r} ends in .{suffix} but --format is {fmt}: use -o {output.stem}.{fmt} or --format {by_suffix}")
    fmt = fmt or by_suffix
    with writing_to(output):
        export_graph(G, output, fmt)
    click.echo(f"wrote {output} ({G.number_of_nodes()} nodes, {G.number_of_edges()} relationships)")



@cli.command()
@graph_command
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Show the N most overlapping pairs.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@weight_option
@click.option("--explain", nargs=2, metavar="A B", default=None, help="Explain one pair (names, aliases or ids): what they share on each signal, with the facts.")
def overlaps(G, top, fmt, weight_pairs, explain, as_of, build):
    """Rank pairs of cluster organisations by overlap, with the per-signal breakdown.

    Signals: members, partners, funders, themes, regions, collaboration, projects,
    coparticipation (imported projects; it counts for a pair only where both take part in
    them); each with shared count, Jaccard and both containments; the score is their
    weighted mean.

    \b
    Example:
        ecosystem overlaps --top 10
        ecosystem overlaps --format csv --as-of 2013 --weight themes=0.5
        ecosystem overlaps --explain Design2Innovate "Offshore Center Danmark"
    """
    from ecosystem.analysis import SignalSets, overlap_evidence, pairwise_overlaps
    from ecosystem.errors import UnknownEntity
    from ecosystem.graph import find_entity
    from ecosystem.output.tables import explain_pair, overlaps_rows, rows_csv, rows_table, to_json

    if explain:
        try:
            a, b = sorted(find_entity(G, name) for name in explain)
        except UnknownEntity:
            if "names_file" not in G.graph:  # not the analysis graph: unknown in the whole graph too
                raise
            G = build(as_of=as_of, whole=True)  # a member the analysis graph keeps as a list (ecosystem.graph.folded)
            a, b = sorted(find_entity(G, name) for name in explain)
        if a == b:
            raise click.UsageError(f"--explain needs two organisations; {explain[0]!r} and {explain[1]!r} are both {G.nodes[a]['name']}")
        sets = SignalSets(G)
        pair = next((p for p in pairwise_overlaps(G, weights=parse_weights(weight_pairs), nodes=[a, b], sets=sets)), None)
        shared = {s: overlap_evidence(G, a, b, s, limit=10, sets=sets) for s in (pair or {}).get("signals", {})}
        click.echo(to_json({"pair": pair, "evidence": shared}) if fmt == "json" else explain_pair(G, a, b, pair, shared), nl=False)
        return
    pairs = pairwise_overlaps(G, weights=parse_weights(weight_pairs))[:top]
    if fmt == "json":
        click.echo(to_json(pairs), nl=False)
        return
    rows = overlaps_rows(G, pairs)
    if fmt == "csv":
        click.echo(rows_csv(rows, list(rows[0]) if rows else ["a", "b", "score"]), nl=False)
        return
    for r in rows:
        r["signals"] = " ".join(f"{s}={p['signals'][s]['shared']}/{p['signals'][s]['jaccard']:.2f}" for p in [next(x for x in pairs if x["a"] == r["a"] and x["b"] == r["b"])] for s in p["signals"])
    click.echo(rows_table(rows, ["score", "a_name", "b_name", "signals"]), nl=False)


@cli.command()
@graph_command
@click.option("--method", type=click.Choice(["kclique", "leiden", "louvain", "auto"]), default="louvain", show_default=True,
              help="kclique lets an organisation sit in several communities; leiden needs igraph and leidenalg; "
                   "auto = Leiden if installed, else Louvain.")
@click.option("--k", type=click.IntRange(2), default=None, help="Clique size for k-clique percolation (only with --method kclique)  [default: 3]")
@click.option("--min-score", type=FINITE, default=0.1, show_default=True, help="Drop overlap pairs at or below this score first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@weight_option
def communities(G, method, k, min_score, fmt, weight_pairs):
    """Find communities of overlapping cluster organisations.

    \b
    Example:
        ecosystem communities --method kclique --k 3
    """
    from ecosystem.analysis import k_clique_communities, overlap_projection, partition_communities
    from ecosystem.output.tables import to_json

    if k is not None and method != "kclique":
        raise click.UsageError(f"--k applies to --method kclique only, not {method}")
    P = overlap_projection(G, weights=parse_weights(weight_pairs), min_score=min_score)
    found = k_clique_communities(P, k or 3) if method == "kclique" else partition_communities(P, method=method)
    if fmt == "json":
        click.echo(to_json(found), nl=False)
        return
    if not found:
        why = (f"no pair scores above {min_score} (try a lower --min-score)" if P.number_of_edges() == 0
               else f"{P.number_of_edges()} pairs score above {min_score}, but no {k or 3} organisations all overlap each other (try a smaller --k)")
        click.echo(f"no communities: {why}", err=True)
    for cid, members in found.items():
        click.echo(f"{cid} ({len(members)}): " + ", ".join(sorted((G.nodes[m]["name"] for m in members), key=str.casefold)))


@cli.command()
@graph_command
@click.option("--format", "fmt", type=click.Choice(["md", "markdown", "csv", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write to FILE instead of stdout (- is stdout).")
@click.option("--min-score", type=FINITE, default=0.1, show_default=True, help="Pairs at or below this overlap are not joined.")
@click.option("--method", type=click.Choice(["louvain", "leiden", "auto"]), default="louvain", show_default=True)
@click.option("--compare/--no-compare", default=True, show_default=True, help="Compare with the documents' recommendations (md, json).")
@click.option("--all-partners", is_flag=True,
              help="List every partner, the members with no other relation of a large membership list too (by default counted).")
@weight_option
def propose(G, fmt, output, min_score, method, compare, all_partners, weight_pairs, seeds, as_of):
    """Propose which cluster organisations should consolidate, with anchor, hubs and evidence.

    \b
    Example:
        ecosystem propose
        ecosystem propose --format json -o proposals.json --as-of 2013
    """
    from ecosystem.analysis import SignalSets, compare_with_recommendations, recommendations_of
    from ecosystem.analysis import propose as run_propose
    from ecosystem.output.tables import proposals_csv, proposals_markdown, to_json

    sets = SignalSets(G)  # computed once, shared by the proposals and the comparison
    result = run_propose(G, weights=parse_weights(weight_pairs), min_score=min_score, method=method, sets=sets, all_partners=all_partners)
    comparison = compare_with_recommendations(G, result, recommendations_of(seeds, as_of), sets=sets) if compare else None
    if fmt == "json":
        text = to_json({**result, "as_of": as_of, **({"comparison": comparison} if compare else {})})
    elif fmt == "csv":
        text = proposals_csv(result)
    else:
        text = proposals_markdown(result, comparison, as_of)
    _write(text, output)


@cli.command()
@graph_command
@click.argument("proposal", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--min-score", type=FINITE, default=0.1, show_default=True)
def whatif(G, proposal, fmt, min_score, seeds):
    """Apply proposals (by id or rank; all when none given) and compare the landscape before and after.

    \b
    Example:
        ecosystem whatif 1 2
    """
    from ecosystem.analysis import SignalSets, apply_proposals, landscape_metrics, track_targets
    from ecosystem.analysis import propose as run_propose
    from ecosystem.output.tables import to_json

    sets = SignalSets(G)
    result = run_propose(G, min_score=min_score, sets=sets)
    chosen = [p for p in result["proposals"] if not proposal or p["id"] in proposal or str(p["rank"]) in proposal]
    missing = set(proposal) - {p["id"] for p in chosen} - {str(p["rank"]) for p in chosen}
    if missing:
        raise click.ClickException(f"no proposal {', '.join(sorted(missing))}; see `ecosystem propose` for ids and ranks")
    H = apply_proposals(G, chosen)
    before, after = landscape_metrics(G, sets=sets), landscape_metrics(H)
    # The 2020 targets whose figure the merger changes (ecosystem targets shows them all).
    moved = [{"id": b["id"], "before": b["value"], "after": a["value"], "status_before": b["status"], "status_after": a["status"]}
             for b, a in zip(track_targets(G, seeds.targets), track_targets(H, seeds.targets)) if b["value"] != a["value"]]
    if fmt == "json":
        click.echo(to_json({"applied": [p["id"] for p in chosen], "before": before, "after": after, "targets": moved}), nl=False)
        return
    click.echo("applied: " + (", ".join(p["id"] for p in chosen) or f"none (no proposals at --min-score {min_score})"))
    click.echo(f"{'':34}{'before':>10}{'after':>10}")
    for key in ("organisations", "overlapping_pairs", "total_pairwise_overlap"):
        click.echo(f"{key:34}{before[key]:>10}{after[key]:>10}")
    click.echo(f"{'themes with several organisations':34}{len(before['themes_with_several_organisations']):>10}{len(after['themes_with_several_organisations']):>10}")
    click.echo("regions covered per theme (before -> after):")
    for theme, n in sorted(before["regions_per_theme"].items(), key=lambda kv: kv[0].casefold()):
        click.echo(f"  {theme:32}{n:>10}{after['regions_per_theme'].get(theme, 0):>10}")
    click.echo("2020 targets that change (before -> after; ecosystem targets explains each):" if moved else "2020 targets: no figure changes (ecosystem targets)")
    for m in moved:
        click.echo(f"  {m['id']:32}{m['before']:>10}{m['after']:>10}")


@cli.command()
@graph_command
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def eligibility(G, fmt):
    """Check every cluster organisation against the 2021-24 requirements (document 003).

    \b
    Example:
        ecosystem eligibility --as-of 2019
    """
    from ecosystem.analysis import SignalSets, cluster_organisations, leagues, requirement_gaps
    from ecosystem.output.tables import rows_table, to_json

    league, sets = leagues(G), SignalSets(G)
    rows = []
    for n in sorted(cluster_organisations(G), key=lambda n: (G.nodes[n]["name"].casefold(), n)):
        checks = requirement_gaps(G, [n], n, sets=sets)
        rows.append({"id": n, "name": G.nodes[n]["name"], "league": league[n] or "", **{c["requirement"]: c["status"] for c in checks}})
    if fmt == "json":
        click.echo(to_json(rows), nl=False)
        return
    cols = ["name", "league"] + [k for k in rows[0] if k not in ("id", "name", "league")] if rows else ["name"]
    click.echo(rows_table(rows, cols), nl=False)


@cli.command()
@graph_command
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def leagues(G, fmt):
    """Place cluster organisations in the three leagues by their ECEI label (document 004).

    League 1 is ECEI Gold, 2 Silver, 3 Bronze; "-" where the documents record no label.

    \b
    Example:
        ecosystem leagues
    """
    from ecosystem.analysis import leagues as run_leagues
    from ecosystem.output.tables import rows_table, to_json

    ranked = sorted(run_leagues(G).items(), key=lambda x: (x[1] or 9, G.nodes[x[0]]["name"].casefold(), x[0]))
    rows = [{"id": n, "name": G.nodes[n]["name"], "league": league} for n, league in ranked]
    if fmt == "json":
        click.echo(to_json(rows), nl=False)
        return
    click.echo(rows_table([{**r, "league": r["league"] or "-"} for r in rows], ["league", "name"]), nl=False)


def _register():
    """Attach the commands that live in their own modules (diff, Neo4j, plots, imports)."""
    from ecosystem.cli.diff import diff
    from ecosystem.cli.imports import import_group
    from ecosystem.cli.neo4j import neo4j, query
    from ecosystem.cli.plot import plot
    from ecosystem.cli.report import report
    from ecosystem.cli.targets import targets

    cli.add_command(diff)
    cli.add_command(plot)
    cli.add_command(report)
    cli.add_command(targets)

    cli.add_command(neo4j)
    cli.add_command(query)
    cli.add_command(import_group)


_register()
