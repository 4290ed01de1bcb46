"""Against a live Neo4j: loads are exact, idempotent and all-or-nothing; failures explain themselves.

The server is the ``neo4j_server`` fixture's (tests/conftest.py). These tests load the
seed graph and the graph with the three imports of ../shared/data, compare the whole
database with the embedded graph, fail a load on purpose and kill a loading client, and
check what the CLI says for a wrong password, a stopped server and a server without GDS.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem.cli.main import cli
from ecosystem.errors import QueryError
from ecosystem.evidence import kind_labels
from ecosystem.graph import build_graph
from ecosystem.ingest import graph_with_imports, import_cordis, import_structural_funds, save_import
from ecosystem.neo4j import Neo4jRunner, load_into_neo4j, missing_tools, start_server, stop_server

pytestmark = pytest.mark.neo4j

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def runner(neo4j_server):
    with Neo4jRunner() as runner:
        yield runner


@pytest.fixture(scope="module")
def imports_home(tmp_path_factory):
    """An import store with the three imports the README describes."""
    if not DATA.exists():
        pytest.skip("../shared/data is not beside the checkout")
    home = tmp_path_factory.mktemp("imports-home")
    seeds = build_graph()
    cordis = DATA / "cordis_h2020"
    funds = DATA / "dk_structural_funds"
    for dataset in (
        import_cordis(cordis / "h2020_participations.csv.gz", cordis / "h2020_organisations_subset.csv"),
        import_structural_funds(funds / "erdf_esf_2007_2013.csv"),
        import_structural_funds(funds / "erdf_esf_2014_2020.csv"),
    ):
        save_import(dataset, home=home, G=seeds)
    return home


def _value(v):
    return list(v) if isinstance(v, (list, tuple)) else v


def expected(G: nx.MultiDiGraph) -> tuple[dict, dict]:
    """What the database must hold for ``G``: nodes by id, relationships by (fact, start, end)."""
    nodes = {
        str(n): (
            sorted({"Entity", *kind_labels(d["kind"])}),
            {"id": str(n), **{k: _value(v) for k, v in d.items() if k != "labels" and v is not None and v != ""}},
        )
        for n, d in G.nodes(data=True)
    }
    rels = {
        (str(k), str(u), str(v)): (
            d["type"],
            {"fact": str(k), **{a: _value(b) for a, b in d.items() if a != "type" and b is not None and b != ""}},
        )
        for u, v, k, d in G.edges(keys=True, data=True)
    }
    return nodes, rels


def snapshot(runner) -> tuple[dict, dict]:
    """Every Entity node and every relationship between two, with labels and properties."""
    nodes = {
        r["id"]: (sorted(r["labels"]), r["props"])
        for r in runner.run("MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props", {}, write=False)
    }
    rels = {
        (r["props"].get("fact"), r["start"], r["end"]): (r["type"], r["props"])
        for r in runner.run(
            "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS start, b.id AS end, type(r) AS type, properties(r) AS props",
            {},
            write=False,
        )
    }
    return nodes, rels


def assert_database_is(runner, G):
    nodes, rels = snapshot(runner)
    want_nodes, want_rels = expected(G)
    assert len(rels) == G.number_of_edges(), "relationships that share a key (fact, start, end)"
    assert nodes.keys() == want_nodes.keys()
    assert rels.keys() == want_rels.keys()
    assert [k for k in want_nodes if nodes[k] != want_nodes[k]] == []
    assert [k for k in want_rels if rels[k] != want_rels[k]] == []


def label_counts(G) -> Counter:
    return Counter(label for _, kind in G.nodes(data="kind") for label in ("Entity", *kind_labels(kind)))


# -- loading: exact, with provenance, idempotent ---------------------------------------------


def test_seed_graph_loads_exactly(runner):
    G = build_graph()
    load_into_neo4j(runner, G, wipe=True, progress=False)
    assert_database_is(runner, G)
    counts = runner.run("MATCH (n:Entity) UNWIND labels(n) AS label RETURN label, count(*) AS n", {}, write=False)
    assert {r["label"]: r["n"] for r in counts} == label_counts(G)
    assert runner.run("MATCH (n:Entity) WHERE n.doc IS NULL OR n.quote IS NULL RETURN count(n) AS n", {}, write=False) == [
        {"n": 0}
    ]


def test_graph_with_imports_loads_exactly_and_reloads_without_a_change(runner, imports_home):
    G = graph_with_imports(home=imports_home)
    assert G.number_of_nodes() > 50_000  # the three imports are in
    load_into_neo4j(runner, G, wipe=True, progress=False)
    assert_database_is(runner, G)
    types = runner.run("MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS type, count(*) AS n", {}, write=False)
    assert {r["type"]: r["n"] for r in types} == Counter(t for _, _, t in G.edges(data="type"))
    # every fact has a source: a document and its quote, or the imported dataset and file
    # (and the row, except for reference tables such as the municipalities, keyed by code)
    for pattern in ("(x:Entity)", "(:Entity)-[x]->(:Entity)"):
        no_source = (
            f"MATCH {pattern} WHERE NOT ((x.doc IS NOT NULL AND x.quote IS NOT NULL) OR "
            "(x.dataset IS NOT NULL AND x.file IS NOT NULL)) RETURN count(x) AS n"
        )
        assert runner.run(no_source, {}, write=False) == [{"n": 0}], pattern
    for wipe in (False, True):
        changes = load_into_neo4j(runner, G, wipe=wipe, progress=False)["changes"]
        assert set(changes.values()) == {0}, (wipe, changes)


def test_reloading_the_seeds_changes_nothing(runner):
    G = build_graph()
    load_into_neo4j(runner, G, wipe=True, progress=False)
    for wipe in (False, True):
        result = load_into_neo4j(runner, G, wipe=wipe, progress=False)
        assert result["changes"]["properties_set"] == result["changes"]["nodes_created"] == 0
        assert set(result["changes"].values()) == {0}, (wipe, result["changes"])
        assert result["deleted"] == 0


def test_wipe_makes_the_database_the_graph(runner):
    G = build_graph()
    load_into_neo4j(runner, G, wipe=True, progress=False)
    smaller = G.copy()
    gone = sorted(n for n, k in G.nodes(data="kind") if k == "company")[0]
    smaller.remove_node(gone)
    u, v, k = next(iter(smaller.edges(keys=True)))
    smaller.remove_edge(u, v, k)
    node = next(n for n, d in smaller.nodes(data=True) if d.get("aliases"))
    del smaller.nodes[node]["aliases"]  # a property the graph no longer states
    result = load_into_neo4j(runner, smaller, wipe=True, progress=False)
    assert result["deleted"] == 1
    assert_database_is(runner, smaller)


# -- all or nothing ---------------------------------------------------------------------------


def test_a_failing_batch_leaves_the_previous_graph(runner):
    G = build_graph()
    load_into_neo4j(runner, G, wipe=True, progress=False)
    before = snapshot(runner)
    broken = G.copy()
    broken.add_node("a-new-one", kind="company", name="A New One", doc="004_a", quote="q")
    broken.nodes["a-new-one"]["labels"] = ["Company"]
    first = sorted(broken.nodes)[0]
    broken.nodes[first]["name"] = "Renamed in a load that fails"
    last_type = max(t for _, _, t in broken.edges(data="type"))
    u, v, k = next((u, v, k) for u, v, k, t in broken.edges(keys=True, data="type") if t == last_type)
    broken.edges[u, v, k]["quote"] = {"a map": "Neo4j cannot store"}  # fails in the last statement
    with pytest.raises(QueryError, match="Neo4j rejected the statement"):
        load_into_neo4j(runner, broken, wipe=True, progress=False)
    assert snapshot(runner) == before


KILLED_LOADER = textwrap.dedent(
    """
    import sys
    from ecosystem.ingest import graph_with_imports
    from ecosystem.neo4j import Neo4jRunner, load_into_neo4j
    G = graph_with_imports(home=sys.argv[1])
    with Neo4jRunner() as runner:
        load_into_neo4j(runner, G, wipe=True, progress=False)
    print("finished")
    """
)


def _load_statements_running(runner) -> list[dict]:
    rows = runner.run("SHOW TRANSACTIONS YIELD currentQuery, transactionId RETURN currentQuery, transactionId", {}, write=False)
    return [r for r in rows if "UNWIND $rows" in (r["currentQuery"] or "") or "$kinds" in (r["currentQuery"] or "")]


def test_a_killed_client_leaves_the_previous_graph(runner, imports_home):
    G = build_graph()
    load_into_neo4j(runner, G, wipe=True, progress=False)
    before = snapshot(runner)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_LOADER, str(imports_home)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        seen = 0
        # Killed at the third sighting of its statements (about a second into a load of a
        # few seconds): the one transaction is open and has written.
        while seen < 3 and time.monotonic() < deadline and proc.poll() is None:
            seen = seen + 1 if _load_statements_running(runner) else seen
            time.sleep(0.5)
        assert seen >= 3, "the load did not run long enough to be killed half-way"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 60
    while _load_statements_running(runner) and time.monotonic() < deadline:
        time.sleep(0.5)  # the server rolls back once it notices the connection is gone
    assert snapshot(runner) == before


# -- what users are told -----------------------------------------------------------------------


def cli_run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_wrong_password_is_explained(neo4j_server):
    line = one_line_error(cli_run("neo4j", "status", env={"NEO4J_PASSWORD": "not-the-password"}))
    assert "refused user 'neo4j' (wrong user or password)" in line and "NEO4J_PASSWORD" in line


def test_a_query_that_writes_is_refused_by_the_server(runner, tmp_path):
    load_into_neo4j(runner, build_graph(), wipe=True, progress=False)
    (tmp_path / "sneaky.cypher").write_text(
        "// name: sneaky\n// answers: nothing good\n// params: none\n// example: ecosystem query sneaky\n"
        "CREATE (n:Entity {id: 'written-by-a-query'})\nRETURN n.id AS id\n",
        encoding="utf-8",
    )
    line = one_line_error(cli_run("query", "sneaky", "--queries", str(tmp_path)))
    assert "read-only transaction" in line and "Neo.ClientError" in line
    count = "MATCH (n:Entity {id: 'written-by-a-query'}) RETURN count(n) AS n"
    assert runner.run(count, {}, write=False) == [{"n": 0}]


NASTY = [
    "O'Brien \"Cluster\" `Backtick`",
    "x'}) DETACH DELETE n //",
    "a`) MATCH (m) DETACH DELETE m; //",
    "{name: $name} RETURN 1",
]


def test_quotes_backticks_and_cypher_in_names_stay_data(runner):
    G = build_graph()
    hub = next(n for n, k in G.nodes(data="kind") if k == "cluster_organisation")
    for i, name in enumerate(NASTY):
        G.add_node(f"nasty-{i}", kind="company", name=name, aliases=[name], doc="004_a", quote=name)
        G.add_edge(f"nasty-{i}", hub, key=f"f-nasty-{i}", type="MEMBER_OF", doc="004_a", doc_year=2012, quote=name)
    load_into_neo4j(runner, G, wipe=True, progress=False)
    assert_database_is(runner, G)
    for name in NASTY:
        result = cli_run("query", "company-memberships", "--param", f"company={name}", "--format", "json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        assert [(r["company"], r["organisation"], r["quote"]) for r in rows] == [(name, G.nodes[hub]["name"], name)]
    assert_database_is(runner, G)  # nothing was deleted or changed by any name


@pytest.fixture(scope="module")
def server_without_gds(neo4j_server):
    why = missing_tools()
    if why:
        pytest.skip(f"a second local server without plugins cannot run here: {why}")
    settings = start_server("tests-no-plugins", heap="512m", pagecache="64m", plugins=False)
    yield settings
    stop_server("tests-no-plugins", delete=True)


def test_a_server_without_gds_is_explained(server_without_gds):
    env = server_without_gds.env()
    result = cli_run("neo4j", "status", env=env)
    assert result.exit_code == 0, result.output
    assert "graph data science: not installed" in result.output
    line = one_line_error(cli_run("query", "gds-leiden", env=env))
    assert "Graph Data Science plugin is not installed" in line and "ecosystem neo4j server start" in line
    assert cli_run("query", "clusters-per-region", env=env).exit_code == 0  # the plain queries still run


def test_a_stopped_server_is_explained(server_without_gds):
    stop_server("tests-no-plugins")
    line = one_line_error(cli_run("neo4j", "status", env=server_without_gds.env()))
    assert f"cannot reach Neo4j at {server_without_gds.uri}" in line and "ecosystem neo4j server start" in line
