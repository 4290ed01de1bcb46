"""The Neo4j layer without a server: exact statements and parameters, via RecordingRunner."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j import RoutingControl
from neo4j.exceptions import AuthError, ClientError, CypherSyntaxError, ServiceUnavailable

from ecosystem.analysis import community_memberships, pairwise_overlaps, propose
from ecosystem.cli import neo4j as cli_neo4j
from ecosystem.errors import QueryError, StoreUnavailable
from ecosystem.evidence import schema_markdown
from ecosystem.neo4j import (
    COUNTERS,
    FIXED_STATEMENTS,
    WRITEBACK_SCHEMA,
    Call,
    Neo4jRunner,
    RecordingRunner,
    bind_params,
    lint_statements,
    load_into_neo4j,
    parse_query,
    query_library,
    run_query,
    schema_statements,
    write_communities,
    write_overlaps,
    write_proposals,
)

ROOT = Path(__file__).resolve().parent.parent

# -- fixtures ---------------------------------------------------------------------------


def entity(G, n, kind, name, **extra):
    attrs = dict(
        kind=kind,
        subtype="",
        name=name,
        aliases=[],
        doc="004_a",
        doc_year=2012,
        quote=f"{name} is named",
        first_year=2012,
    )
    attrs.update(extra)
    G.add_node(n, **attrs)


def fact(G, u, v, key, type_, **extra):
    attrs = dict(type=type_, role="", year=None, doc="004_a", doc_year=2012, quote=f"{u} {type_} {v}")
    attrs.update(extra)
    G.add_edge(u, v, key=key, **attrs)


@pytest.fixture
def G():
    G = nx.MultiDiGraph()
    entity(
        G,
        "danish-food-cluster",
        "cluster_organisation",
        "Danish Food Cluster",
        aliases=["DFC"],
        members=150,
        members_doc="004_a",
        members_quote="150 members",
        national=None,
    )
    entity(G, "offshoreenergy-dk", "innovation_network", "Offshoreenergy.dk", aliases=["Offshoreenergi.dk"])
    entity(G, "arla", "company", "Arla")
    entity(G, "region-midtjylland", "region", "Region Midtjylland", subtype="region")
    fact(G, "arla", "danish-food-cluster", "f-aaa", "MEMBER_OF", role="founding member", year=2014)
    fact(G, "arla", "offshoreenergy-dk", "f-bbb", "MEMBER_OF")
    fact(G, "danish-food-cluster", "region-midtjylland", "f-ccc", "LOCATED_IN", doc="002_b", doc_year=2013)
    return G


def labels_in(query):
    return re.findall(r"`(\w+)`", query)


# -- loading ----------------------------------------------------------------------------


def test_load_sends_schema_then_nodes_by_label_set_then_relationships_by_type(G):
    r = RecordingRunner()
    result = load_into_neo4j(r, G, progress=False)
    schema = schema_statements()
    assert [c.query for c in r.calls[: len(schema)]] == schema
    assert any("REQUIRE n.id IS UNIQUE" in s for s in schema)
    rest = r.calls[len(schema) :]
    assert [labels_in(c.query) for c in rest] == [
        ["ClusterOrganisation"],
        ["ClusterOrganisation", "InnovationNetwork"],
        ["Company"],
        ["Region"],
        ["LOCATED_IN"],
        ["MEMBER_OF"],
    ]
    changed = "any(k IN keys(row.props) WHERE NOT ({0}[k] = row.props[k]) OR ({0}[k] IS NULL) <> (row.props[k] IS NULL))"
    assert rest[1].query == (
        "UNWIND $rows AS row\n"
        "MERGE (n:Entity {id: row.id})\n"
        "SET n:`ClusterOrganisation`:`InnovationNetwork`\n"
        "WITH n, row\n"
        f"WHERE {changed.format('n')}\n"
        "SET n += row.props"
    )
    assert rest[5].query == (
        "UNWIND $rows AS row\n"
        "MATCH (a:Entity) WHERE a.id = row.start\n"
        "MATCH (b:Entity) WHERE b.id = row.end\n"
        "MERGE (a)-[r:`MEMBER_OF` {fact: row.fact}]->(b)\n"
        "WITH r, row\n"
        f"WHERE {changed.format('r')}\n"
        "SET r += row.props"
    )
    assert all(c.write for c in r.calls)
    assert (r.committed, r.rolled_back) == (1, 0)
    assert result == {"deleted": 0, "nodes": 4, "relationships": 3, "statements": len(schema) + 6, "changes": {}}


def test_load_keeps_provenance_and_sends_empty_values_as_null(G):
    r = RecordingRunner()
    load_into_neo4j(r, G, progress=False)
    by_id = {row["id"]: row["props"] for c in r.calls for row in c.params.get("rows", []) if "id" in row}
    assert by_id["danish-food-cluster"] == {
        "kind": "cluster_organisation",
        "subtype": None,  # SET += removes a property set to null: absent stays absent
        "national": None,
        "name": "Danish Food Cluster",
        "aliases": ["DFC"],
        "doc": "004_a",
        "doc_year": 2012,
        "quote": "Danish Food Cluster is named",
        "first_year": 2012,
        "members": 150,
        "members_doc": "004_a",
        "members_quote": "150 members",
    }
    member_of = next(c for c in r.calls if "`MEMBER_OF`" in c.query)
    assert member_of.params == {
        "rows": [
            {
                "start": "arla",
                "end": "danish-food-cluster",
                "fact": "f-aaa",
                "props": {
                    "role": "founding member",
                    "year": 2014,
                    "doc": "004_a",
                    "doc_year": 2012,
                    "quote": "arla MEMBER_OF danish-food-cluster",
                },
            },
            {
                "start": "arla",
                "end": "offshoreenergy-dk",
                "fact": "f-bbb",
                "props": {"role": None, "year": None, "doc": "004_a", "doc_year": 2012, "quote": "arla MEMBER_OF offshoreenergy-dk"},
            },
        ]
    }


def test_load_batches_rows(G):
    big = nx.MultiDiGraph()
    entity(big, "hub", "cluster_organisation", "Hub")
    for i in range(2500):
        entity(big, f"c{i:04d}", "company", f"Company {i}")
        fact(big, f"c{i:04d}", "hub", f"f-{i:04d}", "MEMBER_OF")
    r = RecordingRunner()
    result = load_into_neo4j(r, big, batch_size=1000, progress=False)
    companies = [c for c in r.calls if labels_in(c.query) == ["Company"]]
    members = [c for c in r.calls if labels_in(c.query) == ["MEMBER_OF"]]
    assert [len(c.params["rows"]) for c in companies] == [1000, 1000, 500]
    assert [len(c.params["rows"]) for c in members] == [1000, 1000, 500]
    assert companies[0].params["rows"][0]["id"] == "c0000"
    assert companies[2].params["rows"][-1]["id"] == "c2499"
    assert result["statements"] == len(schema_statements()) + 1 + 3 + 3


def test_loading_twice_sends_the_same_idempotent_statements(G):
    first, second = RecordingRunner(), RecordingRunner()
    load_into_neo4j(first, G, progress=False)
    load_into_neo4j(second, G, progress=False)
    assert first.calls == second.calls
    for c in first.calls:
        if not c.query.startswith(("CREATE CONSTRAINT", "CREATE INDEX")):
            assert "CREATE" not in c.query and "MERGE" in c.query, c.query


def test_wipe_only_when_asked(G):
    r = RecordingRunner()
    load_into_neo4j(r, G, progress=False)
    assert not any("DELETE" in c.query for c in r.calls)

    r = RecordingRunner(respond=lambda q, p, w: [{"deleted": 7}] if "DELETE" in q else [])
    result = load_into_neo4j(r, G, wipe=True, progress=False)
    schema = schema_statements()
    nodes, rels = r.calls[len(schema) : len(schema) + 2]  # first in the load's transaction
    assert "DETACH DELETE n" in nodes.query and "DELETE r" in rels.query
    sep = rels.params["sep"]
    # what the graph has is kept: nodes by id and kind, facts by id, type and ends
    assert nodes.params["kinds"] == {n: d["kind"] for n, d in G.nodes(data=True)}
    assert rels.params["facts"] == {sep.join((k, u, v)): d["type"] for u, v, k, d in G.edges(keys=True, data=True)}
    assert result["deleted"] == 7 and r.committed == 1
    # and properties the graph does not state are removed
    assert all("SET n = row.props" in c.query or "SET r = row.props" in c.query for c in r.calls if "UNWIND" in c.query)


@pytest.mark.parametrize(
    "attrs, match",
    [
        ({"kind": "member"}, "kind 'member', which is not in the model"),
        ({"kind": "company`) DETACH DELETE n //"}, "not in the model"),
    ],
)
def test_unknown_kind_is_refused_before_anything_is_sent(attrs, match):
    G = nx.MultiDiGraph()
    G.add_node("x", name="x", **attrs)
    r = RecordingRunner()
    with pytest.raises(ValueError, match=match):
        load_into_neo4j(r, G, progress=False)
    assert r.calls == []


def test_unknown_relationship_type_is_refused(G):
    fact(G, "arla", "danish-food-cluster", "f-zzz", "OWNS`]->() DETACH DELETE n //")
    r = RecordingRunner()
    with pytest.raises(ValueError, match="not in the model"):
        load_into_neo4j(r, G, progress=False)
    assert r.calls == []


def test_values_travel_only_in_parameters():
    nasty = [
        "x'}) DETACH DELETE n //",
        "`) MATCH (m) DETACH DELETE m //",
        'Robert"); DROP CONSTRAINT entity_id; //',
        "$rows } ] ) RETURN 1 UNION MATCH (n) DETACH DELETE n",
        "Fødevare\\u0027klynge \\` `` {}",
    ]
    G = nx.MultiDiGraph()
    for text in nasty:
        entity(G, text, "company", text, aliases=[text, text.upper()], quote=text, doc=text)
    entity(G, "hub", "cluster_organisation", "Hub")
    for text in nasty:
        fact(G, text, "hub", text, "MEMBER_OF", role=text, quote=text)
    r = RecordingRunner()
    load_into_neo4j(r, G, progress=False)
    write_communities(r, [{"entity": t, "community": t, "method": t} for t in nasty])
    write_overlaps(r, [{"a": nasty[0], "b": nasty[1], "score": 1.0, "signals": {}}])
    write_proposals(
        r,
        [
            {
                "id": t,
                "rank": 1,
                "score": 1.0,
                "anchor": t,
                "rationale": t,
                "members": [{"id": t, "name": t}],
                "hubs": [{"id": t, "serves": [t]}],
                "evidence": [{"doc": t, "quote": t, "start": t, "end": t, "type": t}],
            }
            for t in nasty
        ],
    )
    params_text = repr([c.params for c in r.calls])
    for text in nasty:
        assert all(text not in c.query for c in r.calls), text
        assert repr(text)[1:-1] in params_text
    fixed = {s.text for s in lint_statements()} | set(schema_statements())
    assert {c.query for c in r.calls} <= fixed


def test_query_command_sends_the_file_unchanged_and_values_as_parameters(monkeypatch):
    r = RecordingRunner()
    monkeypatch.setattr(cli_neo4j, "connect", lambda *a, **k: r)
    nasty = "x'}) DETACH DELETE n // `) MATCH (m) DETACH DELETE m"
    result = CliRunner().invoke(cli_neo4j.query, ["company-memberships", "--param", f"company={nasty}"])
    assert result.exit_code == 0, result.output
    q = query_library()["company-memberships"]
    assert r.calls == [Call(q.text, {"company": nasty}, False)]


# -- the driver: routing and error mapping ------------------------------------------


class FakeDriver:
    """Stands in for neo4j.Driver: records execute_query calls, raises what it is told."""

    def __init__(self, records=(), raises=None, verify_raises=None):
        self.records, self.raises, self.verify_raises = list(records), raises, verify_raises
        self.calls = []
        self.closed = False

    def verify_connectivity(self):
        if self.verify_raises:
            raise self.verify_raises

    def execute_query(self, query, params, **kwargs):
        self.calls.append((query, params, kwargs))
        error = self.raises(query) if callable(self.raises) else self.raises
        if error:
            raise error
        counters = SimpleNamespace(**{**dict.fromkeys(COUNTERS, 0), "nodes_created": len(self.records)})
        return self.records, SimpleNamespace(counters=counters), []

    def close(self):
        self.closed = True


class Record(dict):
    def data(self):
        return dict(self)


def test_reads_use_read_routing_and_writes_write_routing():
    d = FakeDriver(records=[Record(n=1)])
    with Neo4jRunner(uri="bolt://db:7687", database="landscape", driver=d) as runner:
        assert runner.run("MATCH (n:Entity) RETURN count(n) AS n", {"x": 1}, write=False) == [{"n": 1}]
        runner.run("RETURN 1", None, write=True)
    assert d.calls[0] == (
        "MATCH (n:Entity) RETURN count(n) AS n",
        {"x": 1},
        {"database_": "landscape", "routing_": RoutingControl.READ},
    )
    assert d.calls[1][2]["routing_"] is RoutingControl.WRITE
    assert runner.counters["nodes_created"] == 2  # the fake's counters, summed over both statements
    assert d.closed


@pytest.mark.parametrize(
    "error, match",
    [
        (
            AuthError("The client is unauthorized due to authentication failure."),
            "refused user 'neo4j'.*NEO4J_PASSWORD",
        ),
        (ServiceUnavailable("Couldn't connect to db:7687"), "cannot reach Neo4j at bolt://db:7687.*docker compose up"),
    ],
)
@pytest.mark.parametrize("where", ["verify", "query"])
def test_driver_errors_become_store_unavailable(error, match, where):
    d = FakeDriver(raises=error) if where == "query" else FakeDriver(verify_raises=error)
    runner = Neo4jRunner(uri="bolt://db:7687", user="neo4j", driver=d)
    with pytest.raises(StoreUnavailable, match=match) as info:
        runner.run("RETURN 1", {}, write=False)
    assert info.value.__cause__ is error
    assert "\n" not in str(info.value)


def test_a_rejected_statement_becomes_query_error():
    d = FakeDriver(raises=CypherSyntaxError("Invalid input 'RETRN'"))
    with pytest.raises(QueryError, match="rejected the statement \\(read-only transaction\\)"):
        Neo4jRunner(driver=d).run("RETRN 1", {}, write=False)


def test_missing_gds_is_store_unavailable_but_only_checked_for_gds_queries():
    def raises(query):
        return ClientError("There is no procedure with the name `gds.version`") if "gds." in query else None

    library = query_library()
    d = FakeDriver(raises=raises)
    runner = Neo4jRunner(uri="bolt://db:7687", driver=d)
    run_query(runner, library["clusters-per-region"], {})
    assert [q for q, _, _ in d.calls] == [library["clusters-per-region"].text]
    with pytest.raises(StoreUnavailable, match="Graph Data Science plugin is not installed.*ecosystem neo4j server start"):
        run_query(runner, library["gds-leiden"], {})
    assert "gds.version" in d.calls[-1][0]


def test_no_password_or_a_browser_url_fails_with_the_fix(monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreUnavailable, match="set NEO4J_PASSWORD"):
        Neo4jRunner()
    with pytest.raises(StoreUnavailable, match="not a Bolt address: use bolt://localhost:7687"):
        Neo4jRunner(uri="http://localhost:7474", password="secret123")


def test_connection_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j://example:7687")
    monkeypatch.setenv("NEO4J_USER", "analyst")
    monkeypatch.setenv("NEO4J_DATABASE", "landscape")
    runner = Neo4jRunner(driver=FakeDriver())
    assert (runner.uri, runner.user, runner.database) == ("neo4j://example:7687", "analyst", "landscape")
    assert Neo4jRunner(uri="bolt://other:7687", driver=FakeDriver()).uri == "bolt://other:7687"


# -- write-back -------------------------------------------------------------------------


def test_write_overlaps_replaces_earlier_ones_with_ordered_pairs():
    r = RecordingRunner()
    n = write_overlaps(
        r,
        [
            {
                "a": "mtic",
                "b": "biomed-community",
                "score": 0.7,
                "signals": {"members": {"shared": 4, "jaccard": 0.4, "containment_ab": 0.8, "containment_ba": 0.5}},
            },
            {"a": "alucluster", "b": "staalklyngen", "score": 0.2, "signals": {}},
        ],
    )
    assert n == 2
    assert [c.write for c in r.calls] == [False, True, True]
    assert r.calls[0].params == {"ids": ["alucluster", "biomed-community", "mtic", "staalklyngen"]}
    assert r.calls[1].query == "MATCH (:Entity)-[r:OVERLAPS]->(:Entity)\nDELETE r"
    assert "MERGE (a)-[r:OVERLAPS]->(b)\nSET r = row.props" in r.calls[2].query
    assert r.calls[2].params == {
        "rows": [
            {"a": "alucluster", "b": "staalklyngen", "props": {"score": 0.2}},
            {
                "a": "biomed-community",
                "b": "mtic",
                "props": {
                    "score": 0.7,
                    "members_shared": 4,
                    "members_jaccard": 0.4,
                    "members_containment_ab": 0.5,
                    "members_containment_ba": 0.8,
                },
            },
        ]
    }


@pytest.mark.parametrize(
    "pair, match",
    [
        ({"a": "x", "b": "x", "score": 1.0}, "with itself"),
        ({"a": "x", "b": "y", "score": 1.0, "signals": {"bad name": {}}}, "snake_case"),
    ],
)
def test_write_overlaps_refuses_bad_pairs(pair, match):
    with pytest.raises(ValueError, match=match):
        write_overlaps(RecordingRunner(), [pair])


def test_write_back_refuses_ids_not_in_the_database():
    r = RecordingRunner(respond=lambda q, p, w: [{"id": "ghost"}] if "IS NULL" in q else [])
    with pytest.raises(QueryError, match="1 entity id.*not in Neo4j: ghost.*ecosystem neo4j load"):
        write_communities(r, [{"entity": "ghost", "community": 1, "method": "leiden"}])
    assert not any(c.write for c in r.calls)


def test_write_communities_replaces_each_methods_communities():
    r = RecordingRunner()
    write_communities(
        r,
        [
            {"entity": "b", "community": 2, "method": "leiden"},
            {"entity": "a", "community": "x", "method": "louvain"},
            {"entity": "a", "community": 1, "method": "leiden"},
        ],
    )
    assert r.calls[1].params == {"methods": ["leiden", "louvain"]}
    assert "DETACH DELETE c" in r.calls[1].query
    assert "MERGE (c:Community {id: row.community, method: row.method})" in r.calls[2].query
    assert "MERGE (e)-[:IN_COMMUNITY]->(c)" in r.calls[2].query
    assert r.calls[2].params["rows"] == [
        {"entity": "a", "community": "1", "method": "leiden"},
        {"entity": "b", "community": "2", "method": "leiden"},
        {"entity": "a", "community": "x", "method": "louvain"},
    ]


def test_write_proposals_sends_nodes_and_each_relationship_type():
    r = RecordingRunner()
    write_proposals(
        r,
        [
            {
                "id": "p1",
                "rank": 1,
                "score": 0.83,
                "anchor": "danish-food-cluster",
                "members": [
                    {"id": "danish-food-cluster", "name": "Danish Food Cluster"},
                    {"id": "foodnetwork", "name": "FN"},
                ],
                "hubs": [{"id": "agro-food-park", "serves": ["region-midtjylland", "region-nordjylland"]}],
                "rationale": "shared members",
                "evidence": [
                    {
                        "doc": "004_a",
                        "quote": "q1",
                        "start": "foodnetwork",
                        "end": "danish-food-cluster",
                        "type": "MERGED_INTO",
                    },
                    {"doc": "002_b", "quote": "q2", "start": None, "end": None, "type": None},
                ],
            }
        ],
    )
    queries = [c.query for c in r.calls]
    assert queries[1] == "MATCH (p:Proposal)\nDETACH DELETE p"
    assert r.calls[2].params == {
        "rows": [
            {
                "id": "p1",
                "props": {
                    "id": "p1",
                    "rank": 1,
                    "score": 0.83,
                    "rationale": "shared members",
                    "evidence_docs": ["004_a", "002_b"],
                    "evidence_quotes": ["q1", "q2"],
                    "evidence_types": ["MERGED_INTO", ""],
                    "evidence_starts": ["foodnetwork", ""],
                    "evidence_ends": ["danish-food-cluster", ""],
                },
            }
        ]
    }
    assert [labels_in(q) for q in queries[3:]] == [["PROPOSES_MEMBER"], ["PROPOSES_ANCHOR"], ["PROPOSES_HUB"]]
    assert r.calls[5].params == {
        "rows": [
            {
                "proposal": "p1",
                "entity": "agro-food-park",
                "props": {"serves": ["region-midtjylland", "region-nordjylland"]},
            }
        ]
    }


# -- the query library --------------------------------------------------------------------


LIBRARY = query_library()


def test_the_library_has_the_analyst_queries():
    assert len(LIBRARY) >= 16
    for name in [
        "theme-organisations-by-region",
        "shared-partners",
        "company-memberships",
        "funding-by-programme",
        "without-national-reach",
        "proposal-evidence",
        "landscape-as-of",
        "entity-evidence",
        "innovation-networks-funders",
        "knowledge-institutions-top",
        "clusters-per-region",
        "label-holders",
        "renames-and-mergers",
        "overlaps-top",
        "community-members",
        "gds-node-similarity",
        "gds-leiden",
    ]:
        assert name in LIBRARY


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_query_declares_exactly_the_parameters_it_uses(name):
    q = LIBRARY[name]
    code = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("//"))
    assert set(re.findall(r"\$(\w+)", code)) == {p.name for p in q.params}
    assert q.answers and all(p.description for p in q.params)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_example_runs_with_its_parameters(name, monkeypatch):
    q = LIBRARY[name]
    r = RecordingRunner(rows=[{"version": "2.13.2"}])
    monkeypatch.setattr(cli_neo4j, "connect", lambda *a, **k: r)
    args = q.example.split()[2:]
    result = CliRunner().invoke(cli_neo4j.query, args)
    assert result.exit_code == 0, result.output
    assert r.calls[-1].query == q.text and r.calls[-1].write is False
    assert q.uses_gds == name.startswith("gds-") == (len(r.calls) == 2)


def test_parameters_are_typed_by_the_header():
    q = LIBRARY["gds-node-similarity"]
    assert bind_params(q, {"top_k": "5", "cutoff": "0.25"}) == {
        "graph": "ecosystem-similarity",
        "signal": "members",
        "top_k": 5,
        "cutoff": 0.25,
    }
    assert bind_params(LIBRARY["company-memberships"], {"company": "42"}) == {"company": "42"}
    with pytest.raises(QueryError, match=r"\$top_k must be an int, not '2.5'"):
        bind_params(q, {"top_k": "2.5"})
    with pytest.raises(QueryError, match="has no parameter 'kk'; its parameters: k"):
        bind_params(LIBRARY["shared-partners"], {"kk": "2"})


def test_a_missing_required_parameter_is_a_clear_error_before_connecting(monkeypatch):
    def no_server(*a, **k):
        raise AssertionError("connected")

    monkeypatch.setattr(cli_neo4j, "connect", no_server)
    result = CliRunner().invoke(cli_neo4j.query, ["landscape-as-of"])
    assert result.exit_code == 1
    assert (
        "Error: query landscape-as-of needs --param year=... (int: the last publication year to include)"
        in result.output
    )


@pytest.mark.parametrize(
    "header, match",
    [
        (
            "// name: other\n// answers: a\n// params: none\n// example: ecosystem query other\n",
            "differs from the file name",
        ),
        ("// name: q\n// params: none\n// example: ecosystem query q\n", "no '// answers:' line"),
        (
            "// name: q\n// answers: a\n// params: $k (integer) — k\n// example: ecosystem query q\n",
            "q.cypher:3: .*type 'integer'",
        ),
        (
            "// name: q\n// answers: a\n// params: k — k\n// example: ecosystem query q\n",
            "q.cypher:3: cannot read parameter",
        ),
    ],
)
def test_malformed_headers_name_the_file_and_line(header, match):
    with pytest.raises(QueryError, match=match):
        parse_query(header + "RETURN 1", "cypher/q.cypher")


# -- the CLI ------------------------------------------------------------------------------


def test_query_list_shows_every_query_with_its_parameters():
    result = CliRunner().invoke(cli_neo4j.query, ["--list"])
    assert result.exit_code == 0
    for q in LIBRARY.values():
        assert q.name in result.output and q.example in result.output
    assert "$k (int, default 2) — the least number of shared partners" in result.output


def test_query_formats(monkeypatch):
    rows = [{"a": "x", "names": ["p", "q"], "score": 0.123456, "none": None}]
    monkeypatch.setattr(cli_neo4j, "connect", lambda *a, **k: RecordingRunner(rows=rows))
    run = CliRunner().invoke
    table = run(cli_neo4j.query, ["clusters-per-region"]).output
    assert table.splitlines() == ["a  names  score   none", "-  -----  ------  ----", "x  p; q   0.1235", "(1 row)"]
    assert (
        run(cli_neo4j.query, ["clusters-per-region", "--format", "csv"]).output
        == "a,names,score,none\nx,p; q,0.123456,\n"
    )
    assert '"names": [\n      "p",' in run(cli_neo4j.query, ["clusters-per-region", "--format", "json"]).output


def test_unknown_query_suggests_names():
    result = CliRunner().invoke(cli_neo4j.query, ["shared-partner"])
    assert result.exit_code == 1
    assert "no query named 'shared-partner'; did you mean: shared-partners?" in result.output


def test_show_prints_the_cypher_without_connecting():
    result = CliRunner().invoke(cli_neo4j.query, ["label-holders", "--show"])
    assert result.output == LIBRARY["label-holders"].text.rstrip("\n") + "\n"


def test_neo4j_load_and_status(G, monkeypatch):
    r = RecordingRunner(
        respond=lambda q, p, w: {
            FIXED_STATEMENTS["components"].text: [{"name": "Neo4j Kernel", "versions": ["5.26.0"], "edition": "community"}],
            FIXED_STATEMENTS["node counts"].text: [{"kind": "company", "count": 1}],
            FIXED_STATEMENTS["relationship counts"].text: [{"type": "MEMBER_OF", "count": 2}],
            FIXED_STATEMENTS["write-back counts"].text: [{"communities": 0, "proposals": 0}],
        }.get(q, [])
    )
    monkeypatch.setattr(cli_neo4j, "connect", lambda *a, **k: r)
    monkeypatch.setattr(cli_neo4j, "build_graph", lambda seeds, as_of, imports, home, **options: G)
    result = CliRunner().invoke(cli_neo4j.neo4j, ["load", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("loaded 4 nodes and 3 relationships into recording:// (database recording)")
    sent = len(r.calls)
    result = CliRunner().invoke(cli_neo4j.neo4j, ["load", "--as-of", "2013"])
    assert result.exit_code == 2 and "--as-of needs --wipe" in result.output and len(r.calls) == sent
    result = CliRunner().invoke(cli_neo4j.neo4j, ["status"])
    assert result.exit_code == 0, result.output
    assert "server: Neo4j Kernel 5.26.0 community" in result.output
    assert "graph data science: unknown" in result.output  # the fake answers gds.version with no row


def test_store_errors_are_one_line_without_traceback(monkeypatch):
    def unavailable(*a, **k):
        raise StoreUnavailable("cannot reach Neo4j at bolt://localhost:7687: start it")

    monkeypatch.setattr(cli_neo4j, "connect", unavailable)
    result = CliRunner().invoke(cli_neo4j.neo4j, ["status"])
    assert result.exit_code == 1
    assert result.output == "Error: cannot reach Neo4j at bolt://localhost:7687: start it\n"


@pytest.mark.parametrize(
    "args", [["neo4j"], ["neo4j", "load"], ["neo4j", "status"], ["neo4j", "write-back"], ["query"]]
)
def test_every_command_has_help_with_an_example(args):
    group = {"neo4j": cli_neo4j.neo4j, "query": cli_neo4j.query}[args[0]]
    result = CliRunner().invoke(group, [*args[1:], "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


# -- docs/neo4j.md cannot drift -----------------------------------------------------------

DOCS = (ROOT / "docs" / "neo4j.md").read_text(encoding="utf-8")


def test_docs_show_the_models_schema_and_every_query():
    assert schema_markdown() in DOCS
    for q in LIBRARY.values():
        assert f"| `{q.name}` | {q.answers} |" in DOCS
    for name in [*WRITEBACK_SCHEMA["labels"], *WRITEBACK_SCHEMA["relationship_types"]]:
        assert f"`{name}`" in DOCS


def test_the_docs_example_query_parses():
    example = re.search(r"```cypher\n(// name: .*?)```", DOCS, re.S).group(1)
    q = parse_query(example, "cypher/biggest-clusters.cypher")
    assert bind_params(q, {"limit": "5"}) == {"limit": 5}


def test_write_back_takes_the_analyses_output_as_it_is():
    """The write-back functions accept what overlap, communities and proposals return."""
    G = nx.MultiDiGraph()
    for c in ("alpha", "beta", "gamma"):
        entity(G, c, "cluster_organisation", c.title())
        entity(G, f"{c}-region", "region", f"{c} region", subtype="region")
        fact(G, c, f"{c}-region", f"f-{c}-r", "LOCATED_IN")
    for i in range(6):
        entity(G, f"firm-{i}", "company", f"Firm {i}")
        for c in ("alpha", "beta", "gamma")[: 2 + i % 2]:
            fact(G, f"firm-{i}", c, f"f-{i}-{c}", "MEMBER_OF")
    pairs = pairwise_overlaps(G)
    memberships = community_memberships({"0": ["alpha", "beta"], "1": ["gamma"]}, "test")
    proposed = propose(G, min_score=0.0)["proposals"]
    assert pairs and proposed

    r = RecordingRunner()
    assert write_overlaps(r, pairs) == len(pairs)
    assert write_communities(r, memberships) == 3
    assert write_proposals(r, proposed) == len(proposed)
    written = {c.query: c.params for c in r.calls if c.write}
    anchor = written[FIXED_STATEMENTS["write PROPOSES_ANCHOR"].text]["rows"][0]
    assert anchor == {"proposal": proposed[0]["id"], "entity": proposed[0]["anchor"]["id"], "props": {}}
    node = written[FIXED_STATEMENTS["write proposals"].text]["rows"][0]["props"]
    assert node["rationale"] == proposed[0]["anchor"]["why"]
    assert node["evidence_quotes"] == [e["quote"] for e in proposed[0]["evidence"]]


def test_a_closed_port_fails_fast_with_the_real_driver():
    with Neo4jRunner(uri="bolt://127.0.0.1:1", password="not-used") as runner:
        with pytest.raises(StoreUnavailable, match="cannot reach Neo4j at bolt://127.0.0.1:1"):
            runner.run("RETURN 1", {}, write=False)


def test_the_driver_is_imported_only_when_a_server_is_used():
    """``ecosystem --help`` and every command that needs no server start without the driver."""
    check = (
        "import sys, ecosystem.cli, ecosystem.neo4j as db\n"
        "assert 'neo4j' not in sys.modules, 'imported with the package'\n"
        "db.RecordingRunner(); db.query_library()\n"
        "assert 'neo4j' not in sys.modules, 'imported without a server'\n"
        "db.Neo4jRunner(uri='bolt://127.0.0.1:1', password='x')\n"
        "assert 'neo4j' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_neo4j_write_back_writes_the_three_results(G, monkeypatch):
    for c in ("foodnetwork", "future-food-innovation"):
        entity(G, c, "cluster_organisation", c)
        fact(G, "arla", c, f"f-{c}", "MEMBER_OF")
    r = RecordingRunner()
    monkeypatch.setattr(cli_neo4j, "connect", lambda *a, **k: r)
    monkeypatch.setattr(cli_neo4j, "build_graph", lambda seeds, as_of, imports, home, **options: G)
    result = CliRunner().invoke(cli_neo4j.neo4j, ["write-back", "--method", "louvain", "--min-score", "0"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"wrote \d+ OVERLAPS, \d+ louvain communities \(\d+ memberships\) and \d+ proposals\n", result.output
    )
    written = {c.query for c in r.calls if c.write}
    assert {FIXED_STATEMENTS["write overlaps"].text, FIXED_STATEMENTS["write communities"].text, FIXED_STATEMENTS["write proposals"].text} <= written


def test_a_runner_without_transactions_runs_each_statement_on_its_own(G):
    class Plain:  # only run(): the protocol's minimum before transaction() was added
        def __init__(self):
            self.recording = RecordingRunner()

        def run(self, query, params, *, write):
            return self.recording.run(query, params, write=write)

    plain = Plain()
    result = load_into_neo4j(plain, G, progress=False)
    assert result["statements"] == len(plain.recording.calls) and plain.recording.committed == 0
    assert result["changes"] == {}
