"""Against a live Neo4j: load the seed graph, run every library query, compare with NetworkX.

The server is the ``neo4j_server`` fixture's (tests/conftest.py): the one NEO4J_URI names,
else a local Neo4j 5.26 started for the test session. With NEO4J_URI set, the tests WIPE
the Entity, Community and Proposal nodes of that database, so point it at a throwaway server.

    python -m pytest -m neo4j
"""

from __future__ import annotations

import shlex
from collections import Counter

import pytest

from ecosystem import store
from ecosystem.errors import StoreUnavailable
from ecosystem.graph import build_graph, graph_stats

pytestmark = pytest.mark.neo4j

LIBRARY = store.query_library()


@pytest.fixture(scope="module")
def G():
    return build_graph()


@pytest.fixture(scope="module")
def runner(neo4j_server, G):
    with store.Neo4jRunner() as runner:
        store.load_graph(runner, G, wipe=True, progress=False)
        yield runner
        store.wipe(runner)


def example_params(name: str) -> dict[str, str]:
    """The --param values of a query's header example."""
    args = shlex.split(LIBRARY[name].example)
    return dict(a.split("=", 1) for flag, a in zip(args, args[1:], strict=False) if flag in ("--param", "-p"))


def run(runner, name, **params):
    return store.run_query(runner, LIBRARY[name], {**example_params(name), **params})


def count(runner, query):
    return runner.run(query, {}, write=False)[0]["n"]


def cluster_ids(G):
    return sorted(n for n, d in G.nodes(data=True) if "ClusterOrganisation" in d["labels"])


# -- loading ------------------------------------------------------------------------------


def test_counts_match_the_embedded_graph(runner, G):
    status = store.status(runner)
    stats = graph_stats(G)
    assert status["nodes_by_kind"] == stats["nodes_by_kind"]
    assert {t: n for t, n in status["relationships_by_type"].items() if t in stats["relationships_by_type"]} == (
        stats["relationships_by_type"]
    )


def test_loading_twice_gives_the_same_graph(runner, G):
    fingerprint = (
        "MATCH (n:Entity) WITH count(n) AS nodes, sum(size(keys(n))) AS props, sum(size(labels(n))) AS label_count "
        "MATCH (:Entity)-[r]->(:Entity) WHERE r.fact IS NOT NULL "
        "RETURN nodes, props, label_count, count(r) AS rels, sum(size(keys(r))) AS rel_props"
    )
    before = runner.run(fingerprint, {}, write=False)
    store.load_graph(runner, G, progress=False)
    assert runner.run(fingerprint, {}, write=False) == before
    assert before[0]["nodes"] == G.number_of_nodes()
    assert before[0]["rels"] == G.number_of_edges()


def test_provenance_is_on_every_node_and_relationship(runner):
    assert count(runner, "MATCH (n:Entity) WHERE n.doc IS NULL OR n.quote IS NULL RETURN count(n) AS n") == 0
    assert count(runner, "MATCH ()-[r]->() WHERE r.fact IS NOT NULL AND r.quote IS NULL RETURN count(r) AS n") == 0


def test_read_queries_cannot_write(runner):
    with pytest.raises(store.QueryError, match="read-only transaction"):
        runner.run("CREATE (:Entity {id: 'written-in-a-read'})", {}, write=False)
    assert count(runner, "MATCH (n:Entity {id: 'written-in-a-read'}) RETURN count(n) AS n") == 0


# -- every query runs; counts agree with NetworkX -------------------------------------------


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_query_runs(runner, name):
    try:
        rows = run(runner, name)
    except StoreUnavailable as err:
        pytest.skip(str(err))
    assert isinstance(rows, list)


def test_clusters_per_region(runner, G):
    expected = Counter()
    for c in cluster_ids(G):
        regions = {
            G.nodes[v]["name"]
            for _, v, d in G.out_edges(c, data=True)
            if d["type"] == "LOCATED_IN" and G.nodes[v]["kind"] == "region"
        }
        expected.update(regions or {"(no region stated)"})
    rows = run(runner, "clusters-per-region")
    assert {r["region"]: r["cluster_count"] for r in rows} == dict(expected)


@pytest.mark.parametrize(
    "name, types",
    [("label-holders", {"HOLDS"}), ("renames-and-mergers", {"RENAMED_TO", "MERGED_INTO"})],
)
def test_fact_listings(runner, G, name, types):
    expected = sum(1 for _, _, t in G.edges(data="type") if t in types)
    assert len(run(runner, name)) == expected


def test_landscape_as_of_each_year(runner, G):
    for year in sorted({d["doc_year"] for _, _, d in G.edges(data=True)}):
        expected = sum(1 for _, _, d in G.edges(data=True) if d["doc_year"] <= year)
        assert len(run(runner, "landscape-as-of", year=year, limit=10**6)) == expected


def test_company_memberships(runner, G):
    companies = [n for n, d in G.nodes(data=True) if d["kind"] == "company"]
    if not companies:
        pytest.skip("no company in the seeds")
    for c in companies:
        expected = sum(1 for _, _, t in G.out_edges(c, data="type") if t == "MEMBER_OF")
        name = G.nodes[c]["name"]
        shouted = name.upper() if name.upper().lower() == name.lower() else name  # ß and friends
        by_name = run(runner, "company-memberships", company=shouted)
        assert len(by_name) == expected, c


def test_entity_evidence(runner, G):
    from ecosystem.model import ATTRIBUTES

    for n in cluster_ids(G):
        d = G.nodes[n]
        expected = 1 + sum(1 for a in ATTRIBUTES if a in d) + G.degree(n)
        assert len(run(runner, "entity-evidence", entity=n)) == expected, n


def test_innovation_networks(runner, G):
    expected = sum(1 for _, k in G.nodes(data="kind") if k == "innovation_network")
    assert len(run(runner, "innovation-networks-funders")) == expected


def test_without_national_reach(runner, G):
    expected = {
        c
        for c in cluster_ids(G)
        if G.nodes[c].get("national") is not True
        and not any(d["type"] == "SERVES" and v == "danmark" for _, v, d in G.out_edges(c, data=True))
    }
    assert {r["id"] for r in run(runner, "without-national-reach", country="danmark")} == expected


def test_shared_partners(runner, G):
    from ecosystem.overlap import signal_sets

    sets = signal_sets(G, "partners")
    clusters = sorted(sets)
    expected = {(a, b): len(sets[a] & sets[b]) for a in clusters for b in clusters if a < b}
    for k in (1, 2, 3):
        rows = run(runner, "shared-partners", k=k)
        assert {(r["a"], r["b"]): r["shared_count"] for r in rows} == {p: n for p, n in expected.items() if n >= k}


@pytest.mark.parametrize("signal", ["members", "partners"])
def test_gds_similarity_is_the_overlap_signals_jaccard(runner, G, signal):
    from ecosystem.overlap import pairwise_overlaps

    try:
        store.ensure_gds(runner)
    except StoreUnavailable as err:
        pytest.skip(str(err))
    expected = {(p["a"], p["b"]): p["signals"][signal]["jaccard"] for p in pairwise_overlaps(G, signals=[signal])}
    rows = run(runner, "gds-node-similarity", signal=signal, top_k=1000, cutoff=1e-9)
    got = {(r["a"], r["b"]): r["similarity"] for r in rows}
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(expected[k]) for k in expected)


# -- write-back, then the queries that read it ------------------------------------------------


def test_write_back_round_trip(runner, G):
    a, b, *_ = cluster_ids(G) + ["", ""]
    if not b:
        pytest.skip("fewer than two cluster organisations in the seeds")
    signals = {"members": {"shared": 3, "jaccard": 0.5, "containment_ab": 0.75, "containment_ba": 0.6}}
    store.write_overlaps(runner, [{"a": b, "b": a, "score": 0.5, "signals": signals}])
    store.write_overlaps(runner, [{"a": a, "b": b, "score": 0.7, "signals": signals}])  # replaces
    rows = run(runner, "overlaps-top", limit=10)
    assert [(r["a"], r["b"], r["score"]) for r in rows] == [(a, b, 0.7)]

    store.write_communities(
        runner, [{"entity": a, "community": 0, "method": "test"}, {"entity": b, "community": 0, "method": "test"}]
    )
    assert {r["id"] for r in run(runner, "community-members", community="0", method="test")} == {a, b}

    store.write_proposals(
        runner,
        [
            {
                "id": "p-test",
                "rank": 1,
                "score": 0.9,
                "anchor": a,
                "rationale": "test",
                "members": [{"id": a, "name": ""}, {"id": b, "name": ""}],
                "hubs": [{"id": a, "serves": []}],
                "evidence": [
                    {"doc": G.nodes[a]["doc"], "quote": G.nodes[a]["quote"], "start": a, "end": b, "type": "X"}
                ],
            }
        ],
    )
    rows = run(runner, "proposal-evidence", proposal="p-test")
    assert [(r["anchor"], r["quote"]) for r in rows] == [(G.nodes[a]["name"], G.nodes[a]["quote"])]
    assert sorted(rows[0]["members"]) == sorted([G.nodes[a]["name"], G.nodes[b]["name"]])


def test_gds_queries_drop_their_projection(runner):
    try:
        store.ensure_gds(runner)
    except StoreUnavailable as err:
        pytest.skip(str(err))
    for name in ("gds-node-similarity", "gds-leiden"):
        run(runner, name, graph="ecosystem-live-test")
        present = runner.run("RETURN gds.graph.exists($g) AS present", {"g": "ecosystem-live-test"}, write=False)
        assert present == [{"present": False}]


def test_write_back_command(runner):
    from click.testing import CliRunner

    from ecosystem import cli_neo4j

    result = CliRunner().invoke(cli_neo4j.neo4j, ["write-back"])
    assert result.exit_code == 0, result.output
    n = int(result.output.split(" and ")[-1].split()[0])
    assert len(run(runner, "proposals")) == n


def test_written_back_overlaps_are_the_embedded_ones(runner, G):
    from ecosystem.overlap import pairwise_overlaps

    test_write_back_command(runner)
    expected = pairwise_overlaps(G)[:10]
    rows = run(runner, "overlaps-top", limit=10)
    assert [(r["a"], r["b"]) for r in rows] == [(p["a"], p["b"]) for p in expected]
    assert [r["score"] for r in rows] == pytest.approx([p["score"] for p in expected])
    try:
        store.ensure_gds(runner)
    except StoreUnavailable as err:
        pytest.skip(str(err))
    clusters = set(cluster_ids(G))
    for row in run(runner, "gds-leiden"):
        assert {n for n in clusters if G.nodes[n]["name"] in row["members"]}, row
