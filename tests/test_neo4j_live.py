"""Against a live Neo4j: load the seed graph, run every library query, compare its answer with NetworkX.

The server is the ``neo4j_server`` fixture's (tests/conftest.py): the one NEO4J_URI names,
else a local Neo4j 5.26 started for the test session. With NEO4J_URI set, the tests WIPE
the Entity, Community and Proposal nodes of that database, so point it at a throwaway server.

Every query of the library runs with the parameters of its ``// example:`` line (and
others), and its rows are compared, content and order, with the same answer computed from
the embedded graph (``build_graph``) and analyses (overlap, communities, proposals). A
query that no test compares fails ``test_every_query_is_compared``.

    python -m pytest -m neo4j
"""

from __future__ import annotations

import os
import re
import shlex
from collections import defaultdict

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem.analysis import (
    SIGNALS,
    community_memberships,
    overlap_projection,
    pairwise_overlaps,
    partition_communities,
    propose,
    signal_sets,
)
from ecosystem.cli import neo4j as cli_neo4j
from ecosystem.errors import QueryError, StoreUnavailable
from ecosystem.graph import build_graph, graph_stats
from ecosystem.neo4j import (
    Neo4jRunner,
    ensure_gds,
    load_into_neo4j,
    query_library,
    run_query,
    status,
    wipe,
    write_communities,
    write_overlaps,
    write_proposals,
)

pytestmark = pytest.mark.neo4j

LIBRARY = query_library()
COMPARED: set[str] = set()  # the queries whose rows a test compares with the embedded answer

MIN_SCORE = 0.1  # what `ecosystem neo4j write-back` and gds-leiden take by default
WRITE_BACK_METHOD = "louvain"  # the write-back command's default method
EPS = 1e-9  # how close two floats must be


def compares(*names: str):
    """Mark a test as comparing these library queries' rows with the embedded answer."""
    unknown = set(names) - set(LIBRARY)
    if unknown:
        raise ValueError(f"no library query {sorted(unknown)}")
    COMPARED.update(names)
    return lambda fn: fn


# -- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def G():
    return build_graph()


@pytest.fixture(scope="module")
def embedded(G):
    """What `ecosystem neo4j write-back` computes (cli_neo4j.write_back), plus Leiden communities."""
    pairs = pairwise_overlaps(G)
    P = overlap_projection(G, pairs=pairs, min_score=MIN_SCORE)
    return {
        "pairs": pairs,
        "projection": P,
        "communities": {m: partition_communities(P, method=m) for m in ("louvain", "leiden")},
        "proposals": propose(G, min_score=MIN_SCORE, method=WRITE_BACK_METHOD)["proposals"],
    }


@pytest.fixture(scope="module")
def runner(neo4j_server, G):
    with Neo4jRunner() as runner:
        load_into_neo4j(runner, G, wipe=True, progress=False)
        yield runner
        wipe(runner)


@pytest.fixture(scope="module")
def gds(runner):
    """The GDS version; a skip only where the server truly lacks the plugin (the local one has it)."""
    try:
        return ensure_gds(runner)
    except StoreUnavailable as err:
        if os.environ.get("ECOSYSTEM_TEST_SERVER"):
            pytest.fail(f"the local test server ships Graph Data Science, yet: {err}")
        pytest.skip(str(err))


def write_back(runner, embedded) -> str:
    """Run `ecosystem neo4j write-back`, then write the Leiden communities next to its Louvain ones."""
    result = CliRunner().invoke(cli_neo4j.neo4j, ["write-back"])
    assert result.exit_code == 0, result.output
    write_communities(runner, community_memberships(embedded["communities"]["leiden"], "leiden"))
    return result.output


@pytest.fixture(scope="module")
def written(runner, embedded):
    """The embedded results, once they are written back."""
    return {**embedded, "output": write_back(runner, embedded)}


def example_params(name: str) -> dict[str, str]:
    """The --param values of a query's header example."""
    args = shlex.split(LIBRARY[name].example)
    return dict(a.split("=", 1) for flag, a in zip(args, args[1:], strict=False) if flag in ("--param", "-p"))


def run(runner, name, **params):
    """Run a library query with its example parameters, changed by ``params``."""
    return run_query(runner, LIBRARY[name], {**example_params(name), **params})


def default(name: str, param: str):
    return next(p.default for p in LIBRARY[name].params if p.name == param)


def count(runner, query):
    return runner.run(query, {}, write=False)[0]["n"]


def cluster_ids(G):
    return sorted(n for n, d in G.nodes(data=True) if "ClusterOrganisation" in d["labels"])


def value(v):
    """A graph value as Neo4j gives it back: "" is not stored (load_into_neo4j sends it as null), so it reads as null."""
    return None if v == "" else v


def last(v):
    """Sort key of a value that may be null: Neo4j sorts nulls last."""
    return (v is None, "" if v is None else v)


def name_of(G, n):
    return G.nodes[n]["name"]


def names(G, nodes):
    """The names of ``nodes``, sorted (as ``ORDER BY name`` gives them)."""
    return sorted(name_of(G, n) for n in nodes)


def by_name(G, nodes):
    return sorted(nodes, key=lambda n: name_of(G, n))


def lookup(G, key: str, kinds=None) -> list:
    """The entities a query's lookup finds: by id, by name or alias ignoring case, or by a former name."""
    low = key.lower()
    return sorted(
        n
        for n, d in G.nodes(data=True)
        if (kinds is None or d["kind"] in kinds)
        and (
            n == key
            or d["name"].lower() == low
            or any(a.lower() == low for a in d.get("aliases") or ())
            or key in (d.get("former") or ())
        )
    )


def linked(G, n, rel_type, *, out=True) -> list:
    """The other ends of ``n``'s relationships of one type (leaving it, else entering it), once each."""
    edges = G.out_edges(n, data="type") if out else G.in_edges(n, data="type")
    return sorted({(v if out else u) for u, v, t in edges if t == rel_type})


def cypher_string(v) -> str:
    """Cypher's toString for the attribute values of the seeds."""
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def approx_floats(row: dict) -> dict:
    return {k: pytest.approx(v, abs=EPS) if isinstance(v, float) else v for k, v in row.items()}


def _canonical(row: dict) -> str:
    return repr(sorted(row.items()))


def assert_rows(rows, expected, order, *, limit=None):
    """Assert that ``rows`` are ``expected``, in the order of the query's ORDER BY.

    ``order`` maps a row to its sort key. Rows tied on it may come in any order; with a
    ``limit``, the rows tied at the cut may be any of the tied ones.
    """
    expected = sorted(expected, key=order)
    keys = [order(e) for e in expected]
    assert [order(r) for r in rows] == keys[:limit]
    cut = keys[limit - 1] if limit is not None and len(keys) > limit and keys[limit] == keys[limit - 1] else object()
    assert sorted(_canonical(r) for r in rows if order(r) != cut) == sorted(
        _canonical(e) for e in expected[:limit] if order(e) != cut
    )
    tied = {_canonical(e) for e in expected if order(e) == cut}
    assert all(_canonical(r) in tied for r in rows if order(r) == cut)


# -- loading ------------------------------------------------------------------------------


def test_counts_match_the_embedded_graph(runner, G):
    described = status(runner)
    stats = graph_stats(G)
    assert described["nodes_by_kind"] == stats["nodes_by_kind"]
    assert {t: n for t, n in described["relationships_by_type"].items() if t in stats["relationships_by_type"]} == (
        stats["relationships_by_type"]
    )


def test_loading_twice_gives_the_same_graph(runner, G):
    fingerprint = (
        "MATCH (n:Entity) WITH count(n) AS nodes, sum(size(keys(n))) AS props, sum(size(labels(n))) AS label_count "
        "MATCH (:Entity)-[r]->(:Entity) WHERE r.fact IS NOT NULL "
        "RETURN nodes, props, label_count, count(r) AS rels, sum(size(keys(r))) AS rel_props"
    )
    before = runner.run(fingerprint, {}, write=False)
    load_into_neo4j(runner, G, progress=False)
    assert runner.run(fingerprint, {}, write=False) == before
    assert before[0]["nodes"] == G.number_of_nodes()
    assert before[0]["rels"] == G.number_of_edges()


def test_provenance_is_on_every_node_and_relationship(runner):
    assert count(runner, "MATCH (n:Entity) WHERE n.doc IS NULL OR n.quote IS NULL RETURN count(n) AS n") == 0
    assert count(runner, "MATCH ()-[r]->() WHERE r.fact IS NOT NULL AND r.quote IS NULL RETURN count(r) AS n") == 0


def test_read_queries_cannot_write(runner):
    with pytest.raises(QueryError, match="read-only transaction"):
        runner.run("CREATE (:Entity {id: 'written-in-a-read'})", {}, write=False)
    assert count(runner, "MATCH (n:Entity {id: 'written-in-a-read'}) RETURN count(n) AS n") == 0


# -- the queries on the loaded evidence: rows equal to NetworkX's ---------------------------


def test_every_query_is_compared():
    """A new query needs a test that compares its rows with the embedded answer (``@compares``)."""
    assert COMPARED == set(LIBRARY)


@compares("clusters-per-region")
def test_clusters_per_region(runner, augmented):
    G = augmented
    in_region = defaultdict(set)
    for c in cluster_ids(G):
        regions = {name_of(G, v) for v in linked(G, c, "LOCATED_IN") if G.nodes[v]["kind"] == "region"}
        for region in regions or {"(no region stated)"}:
            in_region[region].add(c)
    expected = [{"region": r, "cluster_count": len(cs), "clusters": names(G, cs)} for r, cs in in_region.items()]
    assert len(expected) > 1
    assert_rows(run(runner, "clusters-per-region"), expected, lambda r: (-r["cluster_count"], r["region"]))


# The seeds record little of what some queries look for: no company is a member of anything
# (company memberships come from a members import, ecosystem.ingest.import_members), no two cluster
# organisations share a member, two share at most two partners, and one knowledge
# institution is linked to a cluster organisation. These stated facts, loaded only for the
# tests that take the `augmented` fixture and deleted after each, give those queries
# something to find; the embedded answer is computed on the seed graph plus the same facts.
EXTRA_FACTS = [  # (start, type, end, role, year)
    ("vestas", "MEMBER_OF", "offshoreenergy-dk", "medlem", 2020),
    ("vestas", "MEMBER_OF", "house-of-energy", "", None),
    ("vestas", "MEMBER_OF", "hub-north", "", None),
    ("siemens-wind-power", "MEMBER_OF", "offshoreenergy-dk", "", None),
    ("siemens-wind-power", "MEMBER_OF", "hub-north", "", None),
    ("danfoss", "MEMBER_OF", "house-of-energy", "", None),
    ("danfoss", "MEMBER_OF", "fleksenergi", "medlem", 2019),
    ("danfoss", "MEMBER_OF", "clean", "", None),
    ("grundfos", "MEMBER_OF", "clean", "", None),
    ("grundfos", "MEMBER_OF", "fleksenergi", "", None),
    ("kamstrup", "MEMBER_OF", "fleksenergi", "", None),
    ("aalborg-universitet", "MEMBER_OF", "hub-north", "", None),  # also a member of danish-food-cluster
    ("aarhus-universitet", "PARTNER_OF", "clean", "", None),
    ("aarhus-universitet", "COLLABORATES_WITH", "clean", "", None),  # a second fact for the same pair
    ("aarhus-universitet", "PARTNER_OF", "fleksenergi", "", None),
    ("aarhus-universitet", "PARTNER_OF", "groen-energi", "", None),
    ("danmarks-tekniske-universitet", "PARTNER_OF", "clean", "", None),
    ("danmarks-tekniske-universitet", "PARTNER_OF", "fleksenergi", "", None),
    ("syddansk-universitet", "COLLABORATES_WITH", "clean", "", None),
    ("fleksenergi", "HOSTED_BY", "syddansk-universitet", "", None),
    ("force-technology", "PARTNER_OF", "hub-north", "", None),
    ("teknologisk-institut", "PARTNER_OF", "offshoreenergy-dk", "", None),
    ("teknologisk-institut", "PARTNER_OF", "house-of-energy", "", None),
    ("alexandra-instituttet", "PARTNER_OF", "clean", "", None),
    ("clean", "LOCATED_IN", "region-hovedstaden", "", None),
    ("clean", "LOCATED_IN", "region-hovedstaden", "", None),  # stated twice, in two facts
    ("hub-north", "HOLDS", "ecei-bronze", "", 2019),  # a label year other than its document's
]


@pytest.fixture
def augmented(runner, G):
    """G plus EXTRA_FACTS, which are in the database during the test only."""
    H = nx.MultiDiGraph()
    G2 = G.copy()
    facts = []
    for i, (start, rel_type, end, role, year) in enumerate(EXTRA_FACTS):
        assert start in G and end in G, (start, end)
        H.add_nodes_from([(n, G.nodes[n]) for n in (start, end)])
        d = G.nodes[start]
        quote = f"{d['name']} {rel_type} {name_of(G, end)} (test fact {i})"
        fact = {
            "type": rel_type,
            "role": role,
            "year": year,
            "doc": d["doc"],
            "doc_year": d["doc_year"],
            "quote": quote,
        }
        facts.append(f"test-fact-{i}")
        for graph in (H, G2):
            graph.add_edge(start, end, key=facts[-1], **fact)
    load_into_neo4j(runner, H, progress=False)
    try:
        yield G2
    finally:
        runner.run("MATCH (:Entity)-[r]->(:Entity) WHERE r.fact IN $facts DELETE r", {"facts": facts}, write=True)


@compares("company-memberships")
def test_company_memberships(runner, augmented):
    G = augmented

    def expected(key):
        return [
            {
                "company": name_of(G, c),
                "id": o,
                "organisation": name_of(G, o),
                "kind": G.nodes[o]["kind"],
                "role": value(d["role"]),
                "year": d["year"],
                "doc": d["doc"],
                "quote": d["quote"],
            }
            for c in lookup(G, key, {"company"})
            for _, o, d in G.out_edges(c, data=True)
            if d["type"] == "MEMBER_OF"
        ]

    def order(r):
        return r["organisation"], r["doc"]

    example = example_params("company-memberships")["company"]
    assert len(expected(example)) > 1
    assert_rows(run(runner, "company-memberships"), expected(example), order)
    for c, kind in G.nodes(data="kind"):
        if kind == "company":
            name = name_of(G, c)
            shouted = name.upper() if name.upper().lower() == name.lower() else name  # ß and friends
            for key in (c, shouted, *G.nodes[c]["aliases"]):
                assert_rows(run(runner, "company-memberships", company=key), expected(key), order)


def evidence_rows(G, n) -> list[dict]:
    """What entity-evidence gives for one entity: where it is named, its attributes, its facts."""
    d = G.nodes[n]
    base = {"entity": d["name"]}
    rows = [
        base | {"fact": "named", "detail": d["name"], "doc": d["doc"], "doc_year": d["doc_year"], "quote": d["quote"]}
    ]
    for key in d:
        if key.endswith("_quote") and value(d[key]) is not None:
            a = key.removesuffix("_quote")
            detail = f"{a} = {cypher_string(d[a])}"
            rows.append(
                base | {"fact": "attribute", "detail": detail, "doc": d[a + "_doc"], "doc_year": None, "quote": d[key]}
            )
    for u, v, e in [*G.out_edges(n, data=True), *G.in_edges(n, data=True)]:
        detail = f"-> {name_of(G, v)}" if u == n else f"<- {name_of(G, u)}"
        if value(e["quote"]) is not None:
            rows.append(
                base
                | {"fact": e["type"], "detail": detail, "doc": e["doc"], "doc_year": e["doc_year"], "quote": e["quote"]}
            )
    return rows


@compares("entity-evidence")
def test_entity_evidence(runner, G):
    def order(r):
        return r["entity"], r["fact"] != "named", r["fact"] != "attribute", r["fact"], r["detail"], last(r["doc"])

    example = example_params("entity-evidence")["entity"]
    expected = [row for n in lookup(G, example) for row in evidence_rows(G, n)]
    assert {r["fact"] for r in expected} >= {"named", "attribute", "MEMBER_OF"}
    assert_rows(run(runner, "entity-evidence"), expected, order)
    # every cluster organisation, and of each other kind the entity with the most facts, by id and by name;
    # every id that is also another entity's name or alias (the query gives both)
    by_kind = defaultdict(list)
    for n, kind in sorted(G.nodes(data="kind")):
        by_kind[kind].append(n)
    most = [max(nodes, key=G.degree) for nodes in by_kind.values()]
    keys = {*cluster_ids(G), *most, *(name_of(G, n) for n in most)}
    keys |= {n for n in G if lookup(G, n) != [n]}
    assert len(keys) > len(cluster_ids(G))
    for key in sorted(keys):
        expected = [row for n in lookup(G, key) for row in evidence_rows(G, n)]
        assert_rows(run(runner, "entity-evidence", entity=key), expected, order)


@compares("funding-by-programme")
def test_funding_by_programme(runner, G):
    def expected(key):
        funded = {f for _, f, t in G.edges(data="type") if t == "FUNDED_BY"}
        funders = funded if key == "" else funded & set(lookup(G, key))
        rows = []
        for f in funders:
            recipients = by_name(G, linked(G, f, "FUNDED_BY", out=False))
            docs = [
                sorted({d["doc"] for _, v, d in G.out_edges(r, data=True) if v == f and d["type"] == "FUNDED_BY"})
                for r in recipients
            ]
            rows.append(
                {
                    "id": f,
                    "name": name_of(G, f),
                    "kind": G.nodes[f]["kind"],
                    "subtype": value(G.nodes[f]["subtype"]),
                    "operated_by": names(G, linked(G, f, "OPERATES", out=False)),
                    "recipient_count": len(recipients),
                    "recipients": [name_of(G, r) for r in recipients],
                    "recipient_kinds": [G.nodes[r]["kind"] for r in recipients],
                    "recipient_docs": docs,
                }
            )
        return rows

    def got(**params):
        rows = run(runner, "funding-by-programme", **params)
        return [r | {"recipient_docs": [sorted(docs) for docs in r["recipient_docs"]]} for r in rows]  # any order

    def order(r):
        return r["kind"] != "programme", -r["recipient_count"], r["name"]

    example = expected(example_params("funding-by-programme")["funder"])
    assert example and example[0]["recipient_count"] > 1
    assert_rows(got(), example, order)
    everyone = expected("")
    assert any(r["operated_by"] for r in everyone)
    assert_rows(got(funder=""), everyone, order)


@compares("innovation-networks-funders")
def test_innovation_networks_funders(runner, G):
    expected = [
        {
            "id": n,
            "network": name_of(G, n),
            "funders": names(G, linked(G, n, "FUNDED_BY")),
            "hosted_by": names(G, linked(G, n, "HOSTED_BY")),
            "themes": names(G, [t for t in linked(G, n, "WORKS_IN") if G.nodes[t]["kind"] == "theme"]),
        }
        for n, k in G.nodes(data="kind")
        if k == "innovation_network"
    ]
    assert expected and any(r["funders"] for r in expected)
    assert_rows(run(runner, "innovation-networks-funders"), expected, lambda r: r["network"])


@compares("knowledge-institutions-top")
def test_knowledge_institutions_top(runner, augmented):
    G = augmented
    clusters = set(cluster_ids(G))
    expected = []
    for k, d in G.nodes(data=True):
        if d["kind"] == "knowledge_institution":
            near = {v for _, v in G.out_edges(k)} | {u for u, _ in G.in_edges(k)}
            linked_clusters = near & clusters
            if linked_clusters:
                row = {"id": k, "institution": d["name"], "subtype": value(d["subtype"])}
                expected.append(row | {"clusters": len(linked_clusters), "cluster_names": names(G, linked_clusters)})

    def order(r):
        return -r["clusters"], r["institution"]

    limit = int(example_params("knowledge-institutions-top")["limit"])
    assert len(expected) > limit
    assert_rows(run(runner, "knowledge-institutions-top"), expected, order, limit=limit)
    assert_rows(run(runner, "knowledge-institutions-top", limit=10**6), expected, order)


@compares("label-holders")
def test_label_holders(runner, augmented):
    G = augmented
    expected = [
        {
            "label": name_of(G, v),
            "id": u,
            "holder": name_of(G, u),
            "year": d["year"],
            "doc": d["doc"],
            "quote": d["quote"],
        }
        for u, v, d in G.edges(data=True)
        if d["type"] == "HOLDS"
    ]
    assert expected
    assert_rows(run(runner, "label-holders"), expected, lambda r: (r["label"], r["holder"], r["doc"]))


def facts_by(G, year):
    return [
        {
            "subject": name_of(G, u),
            "relation": d["type"],
            "object": name_of(G, v),
            "role": value(d["role"]),
            "year": d["year"],
            "doc": d["doc"],
            "doc_year": d["doc_year"],
            "quote": d["quote"],
        }
        for u, v, d in G.edges(data=True)
        if d["doc_year"] <= year
    ]


@compares("landscape-as-of")
def test_landscape_as_of_each_year(runner, G):
    def order(r):
        return r["doc_year"], r["relation"], r["subject"], r["object"]

    example = example_params("landscape-as-of")
    limit = default("landscape-as-of", "limit")
    expected = facts_by(G, int(example["year"]))
    assert 0 < len(expected) < G.number_of_edges()
    assert_rows(run(runner, "landscape-as-of"), expected, order, limit=limit)
    for year in sorted({d["doc_year"] for _, _, d in G.edges(data=True)}):
        assert_rows(run(runner, "landscape-as-of", year=year, limit=10**6), facts_by(G, year), order)


@compares("renames-and-mergers")
def test_renames_and_mergers(runner, G):
    expected = [
        {
            "old_id": u,
            "old_name": name_of(G, u),
            "event": d["type"],
            "new_id": v,
            "new_name": name_of(G, v),
            "year": d["year"] if d["year"] is not None else d["doc_year"],
            "doc": d["doc"],
            "quote": d["quote"],
        }
        for u, v, d in G.edges(data=True)
        if d["type"] in ("RENAMED_TO", "MERGED_INTO")
    ]
    assert expected
    assert_rows(run(runner, "renames-and-mergers"), expected, lambda r: (r["year"], r["old_name"]))


@compares("shared-partners")
def test_shared_partners(runner, augmented):
    G = augmented
    sets = signal_sets(G, "partners")

    def expected(k):
        return [
            {
                "a": a,
                "a_name": name_of(G, a),
                "b": b,
                "b_name": name_of(G, b),
                "shared_count": len(sets[a] & sets[b]),
                "shared": names(G, sets[a] & sets[b]),
            }
            for a in sets
            for b in sets
            if a < b and len(sets[a] & sets[b]) >= k
        ]

    def order(r):
        return -r["shared_count"], r["a"], r["b"]

    example = int(example_params("shared-partners")["k"])
    assert expected(example)
    assert_rows(run(runner, "shared-partners"), expected(example), order)
    for k in (1, 2, example + 1):
        assert_rows(run(runner, "shared-partners", k=k), expected(k), order)


@compares("theme-organisations-by-region")
def test_theme_organisations_by_region(runner, augmented):
    G = augmented

    def expected(key):
        rows = []
        for t in lookup(G, key, {"theme"}):
            in_region = defaultdict(set)
            for o in linked(G, t, "WORKS_IN", out=False):
                regions = {name_of(G, r) for r in linked(G, o, "LOCATED_IN") if G.nodes[r]["kind"] == "region"}
                for region in regions or {"(no region stated)"}:
                    in_region[region].add(o)
            for region, orgs in in_region.items():
                orgs = by_name(G, orgs)
                rows.append(
                    {
                        "theme": name_of(G, t),
                        "region": region,
                        "organisations": len(orgs),
                        "names": [name_of(G, o) for o in orgs],
                        "kinds": [G.nodes[o]["kind"] for o in orgs],
                    }
                )
        return rows

    def order(r):
        return r["region"]

    example = expected(example_params("theme-organisations-by-region")["theme"])
    assert len(example) > 1
    assert_rows(run(runner, "theme-organisations-by-region"), example, order)
    for t, d in G.nodes(data=True):
        if d["kind"] == "theme":
            for key in (t, d["name"].upper(), *d["aliases"]):
                assert_rows(run(runner, "theme-organisations-by-region", theme=key), expected(key), order)


@compares("without-national-reach")
def test_without_national_reach(runner, G):
    country = example_params("without-national-reach")["country"]
    expected = [
        {
            "id": c,
            "organisation": name_of(G, c),
            "kind": G.nodes[c]["kind"],
            "serves": names(G, linked(G, c, "SERVES")),
            "located_in": names(G, linked(G, c, "LOCATED_IN")),
        }
        for c in cluster_ids(G)
        if G.nodes[c].get("national") is not True and country not in linked(G, c, "SERVES")
    ]
    assert 0 < len(expected) < len(cluster_ids(G))
    assert_rows(run(runner, "without-national-reach"), expected, lambda r: r["organisation"])


# -- GDS node similarity: the overlap signals' Jaccard ---------------------------------------

SIMILARITY_SIGNALS = ("members", "partners")


def test_the_similarity_signals_are_the_ones_the_query_supports():
    """If gds-node-similarity learns another signal, its comparison below must cover it too."""
    (signal,) = [p for p in LIBRARY["gds-node-similarity"].params if p.name == "signal"]
    assert set(re.findall(r"\w+", signal.description)) & set(SIGNALS) == set(SIMILARITY_SIGNALS)
    assert signal.default in SIMILARITY_SIGNALS


def top_k(similarity: dict, k: int, cutoff: float) -> tuple[set, set]:
    """The pairs GDS's topK must give (``must``) and those it may give (ties at the k-th place, or at the cutoff).

    GDS keeps, for each organisation, its ``k`` most similar ones at or above ``cutoff``;
    a pair is reported when either end keeps it.
    """
    candidates = {p: s for p, s in similarity.items() if s >= cutoff - EPS}
    by_node = defaultdict(list)
    for (a, b), s in candidates.items():
        by_node[a].append(s)
        by_node[b].append(s)
    must, may = set(), set()
    for (a, b), s in candidates.items():
        places = [(sum(x > s + EPS for x in by_node[n]), sum(x >= s - EPS for x in by_node[n])) for n in (a, b)]
        if s >= cutoff + EPS and any(tied_or_better <= k for _, tied_or_better in places):
            must.add((a, b))
        elif any(better < k for better, _ in places):
            may.add((a, b))
    return must, may


SIMILARITY_CASES = [
    pytest.param({}, id="example"),
    *(
        pytest.param({"signal": signal} | params, id=f"{signal}-{case}")
        for signal in SIMILARITY_SIGNALS
        for case, params in [
            ("example-top-k", {}),
            ("defaults", {p.name: p.default for p in LIBRARY["gds-node-similarity"].params if p.name != "signal"}),
            ("top-1", {"top_k": 1, "cutoff": 0.1}),  # ties at the first place
            ("every-pair", {"top_k": 1000, "cutoff": 1e-9}),
        ]
    ),
]


@compares("gds-node-similarity")
@pytest.mark.parametrize("params", SIMILARITY_CASES)
def test_gds_similarity_is_the_overlap_signals_jaccard(runner, augmented, gds, params):
    G = augmented
    p = {**example_params("gds-node-similarity"), **params}
    signal, k, cutoff = p["signal"], int(p["top_k"]), float(p["cutoff"])
    jaccard = {(o["a"], o["b"]): o["signals"][signal]["jaccard"] for o in pairwise_overlaps(G, signals=[signal])}
    must, may = top_k(jaccard, k, cutoff)
    assert must
    rows = run(runner, "gds-node-similarity", **params)
    got = {(r["a"], r["b"]) for r in rows}
    assert len(got) == len(rows)
    assert must <= got
    assert got - must <= may
    if not may:
        assert got == must
    for r in rows:
        assert (r["a_name"], r["b_name"]) == (name_of(G, r["a"]), name_of(G, r["b"]))
        assert r["similarity"] == pytest.approx(jaccard[(r["a"], r["b"])], abs=EPS), (r["a"], r["b"])
    assert [(-r["similarity"], r["a"], r["b"]) for r in rows] == sorted(
        (-r["similarity"], r["a"], r["b"]) for r in rows
    )


def test_gds_queries_drop_their_projection(runner, gds, written):
    for name in ("gds-node-similarity", "gds-leiden"):
        run(runner, name, graph="ecosystem-live-test")
        present = runner.run("RETURN gds.graph.exists($g) AS present", {"g": "ecosystem-live-test"}, write=False)
        assert present == [{"present": False}]


# -- write-back: what is read back equals the embedded results -----------------------------


def test_write_back_round_trip(runner, G, embedded):
    """The write_* functions replace earlier results, and the queries read exactly what was written."""
    a, b, *_ = cluster_ids(G)
    try:
        signals = {"members": {"shared": 3, "jaccard": 0.5, "containment_ab": 0.75, "containment_ba": 0.6}}
        write_overlaps(runner, [{"a": b, "b": a, "score": 0.5, "signals": signals}])
        write_overlaps(runner, [{"a": a, "b": b, "score": 0.7, "signals": signals}])  # replaces
        rows = run(runner, "overlaps-top", limit=10)
        assert rows == [
            {
                "a": a,
                "a_name": name_of(G, a),
                "b": b,
                "b_name": name_of(G, b),
                "score": 0.7,
                "signals": [
                    "members_containment_ab=0.75",
                    "members_containment_ba=0.6",
                    "members_jaccard=0.5",
                    "members_shared=3",
                ],
            }
        ]

        write_communities(
            runner, [{"entity": a, "community": 0, "method": "test"}, {"entity": b, "community": 0, "method": "test"}]
        )
        rows = run(runner, "community-members", community="0", method="test")
        assert rows == [
            {"method": "test", "community": "0", "id": n, "name": name_of(G, n), "kind": G.nodes[n]["kind"]}
            for n in by_name(G, [a, b])
        ]

        evidence = {"doc": G.nodes[a]["doc"], "quote": G.nodes[a]["quote"], "start": a, "end": b, "type": "X"}
        write_proposals(
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
                    "evidence": [evidence],
                }
            ],
        )
        rows = run(runner, "proposal-evidence", proposal="p-test")
        assert rows == [
            {
                "proposal": "p-test",
                "rank": 1,
                "score": 0.9,
                "rationale": "test",
                "members": names(G, [a, b]),
                "anchor": name_of(G, a),
                "hubs": [f"{name_of(G, a)} (serves )"],
                "fact": "X",
                "from_id": a,
                "to_id": b,
                "doc": evidence["doc"],
                "quote": evidence["quote"],
            }
        ]
    finally:  # leave the written-back results as the other tests expect them
        runner.run("MATCH (c:Community {method: 'test'}) DETACH DELETE c", {}, write=True)
        write_back(runner, embedded)


def test_write_back_command(written):
    communities = written["communities"][WRITE_BACK_METHOD]
    assert written["output"] == (
        f"wrote {len(written['pairs'])} OVERLAPS, {len(communities)} {WRITE_BACK_METHOD} communities "
        f"({sum(map(len, communities.values()))} memberships) and {len(written['proposals'])} proposals\n"
    )


def overlap_properties(pair: dict) -> dict:
    """The properties write_overlaps puts on a pair's OVERLAPS relationship."""
    return {"score": pair["score"]} | {
        f"{signal}_{field}": v for signal, fields in pair["signals"].items() for field, v in fields.items()
    }


def read_back_overlaps(runner, pairs):
    """Assert that the database's OVERLAPS are ``pairs``, each with its score and every signal's numbers."""
    rows = runner.run(
        "MATCH (a:Entity)-[o:OVERLAPS]->(b:Entity) RETURN a.id AS a, b.id AS b, properties(o) AS props ORDER BY a, b",
        {},
        write=False,
    )
    expected = sorted(pairs, key=lambda p: (p["a"], p["b"]))
    assert [(r["a"], r["b"]) for r in rows] == [(p["a"], p["b"]) for p in expected]
    for r, p in zip(rows, expected):
        assert r["props"] == approx_floats(overlap_properties(p)), (p["a"], p["b"])


def test_written_back_overlaps_are_the_embedded_ones(runner, written):
    assert len(written["pairs"]) > 10 and any(len(p["signals"]) > 2 for p in written["pairs"])
    read_back_overlaps(runner, written["pairs"])


def test_written_back_overlaps_of_every_signal(runner, augmented, embedded):
    """With the extra facts, pairs also share members: write_overlaps keeps every signal."""
    pairs = pairwise_overlaps(augmented)
    assert {s for p in pairs for s in p["signals"]} >= {"members", "partners", "collaboration", "themes"}
    try:
        assert write_overlaps(runner, pairs) == len(pairs)
        read_back_overlaps(runner, pairs)
    finally:  # leave the written-back results as the other tests expect them
        write_back(runner, embedded)


def test_written_back_communities_are_the_embedded_ones(runner, written):
    rows = runner.run(
        "MATCH (c:Community) "
        "RETURN c.method AS method, c.id AS id, COLLECT { MATCH (c)<-[:IN_COMMUNITY]-(e) RETURN e.id ORDER BY e.id } AS ids",
        {},
        write=False,
    )
    expected = {(m, c): sorted(ms) for m, groups in written["communities"].items() for c, ms in groups.items()}
    assert any(len(ms) > 1 for ms in expected.values())
    assert len(rows) == len(expected)
    assert {(r["method"], r["id"]): r["ids"] for r in rows} == expected


def test_written_back_proposals_are_the_embedded_ones(runner, written):
    rows = runner.run(
        "MATCH (p:Proposal) "
        "RETURN p.id AS id, p.rank AS rank, p.score AS score, p.rationale AS rationale, "
        "COLLECT { MATCH (p)-[:PROPOSES_MEMBER]->(m) RETURN m.id ORDER BY m.id } AS members, "
        "COLLECT { MATCH (p)-[:PROPOSES_ANCHOR]->(a) RETURN a.id } AS anchors, "
        "COLLECT { MATCH (p)-[h:PROPOSES_HUB]->(e) RETURN {id: e.id, serves: h.serves} ORDER BY e.id } AS hubs, "
        "p.evidence_docs AS docs, p.evidence_quotes AS quotes, p.evidence_types AS types, "
        "p.evidence_starts AS starts, p.evidence_ends AS ends "
        "ORDER BY rank",
        {},
        write=False,
    )
    proposals = written["proposals"]
    assert proposals and any(p["hubs"] for p in proposals) and all(p["evidence"] for p in proposals)

    def column(p, key):
        return ["" if e[key] is None else str(e[key]) for e in p["evidence"]]

    expected = [
        {
            "id": p["id"],
            "rank": p["rank"],
            "score": pytest.approx(p["score"], abs=EPS),
            "rationale": p["anchor"]["why"],
            "members": sorted(m["id"] for m in p["members"]),
            "anchors": [p["anchor"]["id"]],
            "hubs": sorted(({"id": h["id"], "serves": h["serves"]} for h in p["hubs"]), key=lambda h: h["id"]),
            "docs": column(p, "doc"),
            "quotes": column(p, "quote"),
            "types": column(p, "type"),
            "starts": column(p, "start"),
            "ends": column(p, "end"),
        }
        for p in proposals
    ]
    assert rows == expected


# -- the queries on the written-back results ------------------------------------------------


def parse_signals(signals: list[str]) -> dict:
    """overlaps-top's ``key=value`` strings as a dict of numbers."""
    pairs = [s.split("=", 1) for s in signals]
    return {k: int(v) if k.endswith("_shared") else float(v) for k, v in pairs}


@compares("overlaps-top")
def test_overlaps_top(runner, G, written):
    example = int(example_params("overlaps-top")["limit"])
    assert len(written["pairs"]) > example
    for limit in (example, len(written["pairs"]) + 1):
        rows = run(runner, "overlaps-top", limit=limit)
        expected = written["pairs"][:limit]  # by score descending, then a, b: the query's order
        assert [(r["a"], r["a_name"], r["b"], r["b_name"]) for r in rows] == [
            (p["a"], name_of(G, p["a"]), p["b"], name_of(G, p["b"])) for p in expected
        ]
        assert [r["score"] for r in rows] == pytest.approx([p["score"] for p in expected], abs=EPS)
        for r, p in zip(rows, expected):
            assert r["signals"] == sorted(r["signals"])
            signals = {k: v for k, v in overlap_properties(p).items() if k != "score"}
            assert parse_signals(r["signals"]) == approx_floats(signals), (p["a"], p["b"])


@compares("communities")
def test_communities(runner, G, written):
    def expected(method):
        return [
            {
                "method": m,
                "community": c,
                "size": len(members),
                "cluster_organisations": names(G, members),
            }
            for m, groups in written["communities"].items()
            if method in ("", m)
            for c, members in groups.items()
        ]

    def order(r):
        return r["method"], -r["size"], r["community"]

    example = example_params("communities")["method"]
    assert expected(example)
    assert_rows(run(runner, "communities"), expected(example), order)
    for method in ("", *written["communities"]):
        assert_rows(run(runner, "communities", method=method), expected(method), order)


@compares("community-members")
def test_community_members(runner, G, written):
    def expected(community, method):
        return [
            {"method": m, "community": c, "id": n, "name": name_of(G, n), "kind": G.nodes[n]["kind"]}
            for m, groups in written["communities"].items()
            if method in ("", m)
            for c, members in groups.items()
            if c == community
            for n in members
        ]

    def order(r):
        return r["method"], r["kind"], r["name"]

    example = example_params("community-members")
    assert len(expected(**example)) > 1
    assert_rows(run(runner, "community-members"), expected(**example), order)
    for m, groups in written["communities"].items():
        for c in groups:
            for method in (m, ""):
                assert_rows(run(runner, "community-members", community=c, method=method), expected(c, method), order)


def proposal_summary(G, p) -> dict:
    """The columns proposals and proposal-evidence share, as write_proposals stores them."""
    return {
        "proposal": p["id"],
        "rank": p["rank"],
        "score": pytest.approx(p["score"], abs=EPS),
        "rationale": p["anchor"]["why"],
        "members": names(G, [m["id"] for m in p["members"]]),
    }


@compares("proposals")
def test_proposals(runner, G, written):
    expected = [
        proposal_summary(G, p) | {"anchor": [name_of(G, p["anchor"]["id"])], "quotes": len(p["evidence"])}
        for p in written["proposals"]
    ]
    assert len(expected) > 1
    assert run(runner, "proposals") == expected


@compares("proposal-evidence")
def test_proposal_evidence(runner, G, written):
    def expected(p):
        row = proposal_summary(G, p) | {
            "anchor": name_of(G, p["anchor"]["id"]),
            "hubs": sorted(f"{name_of(G, h['id'])} (serves {', '.join(h['serves'])})" for h in p["hubs"]),
        }
        facts = [
            {"fact": e["type"], "from_id": e["start"], "to_id": e["end"], "doc": e["doc"], "quote": e["quote"]}
            for e in p["evidence"]
        ]
        return [row | f for f in facts] or [row | dict.fromkeys(("fact", "from_id", "to_id", "doc", "quote"))]

    def got(**params):
        return [r | {"hubs": sorted(r["hubs"])} for r in run(runner, "proposal-evidence", **params)]  # any order

    proposals = {p["id"]: p for p in written["proposals"]}
    example = proposals[example_params("proposal-evidence")["proposal"]]
    assert example["hubs"] and example["evidence"]
    assert got() == expected(example)
    for pid, p in proposals.items():
        assert got(proposal=pid) == expected(p)


# -- GDS Leiden against the embedded communities --------------------------------------------

TOP_PAIRS = 5


@compares("gds-leiden")
@pytest.mark.parametrize("params", [pytest.param({}, id="example"), pytest.param({"gamma": 1.0}, id="gamma-1")])
def test_gds_leiden_agrees_with_the_embedded_communities(runner, G, gds, written, params):
    """GDS's Leiden on the written-back overlaps groups the strongest pairs as the embedded analysis does.

    The partitions need not be equal: GDS's Leiden is another algorithm and implementation
    than the embedded Louvain (NetworkX) or Leiden (leidenalg), with its own random order and
    tie breaking, so where two partitions score alike either may come out (the resolution
    is not checked beyond that). What must hold: the rows are disjoint groups of two or
    more organisations, named and sorted; each group is connected in the embedded overlap
    projection (pairs above min_score), since Leiden guarantees connected communities and
    GDS projects exactly those pairs (so an organisation without such a pair is in no
    group); and each of the TOP_PAIRS strongest pairs that the embedded partition at the
    same resolution puts together is together in GDS too.
    """
    gamma = float({**example_params("gds-leiden"), **params}["gamma"])
    P = written["projection"]
    rows = run(runner, "gds-leiden", **params)
    ids = {name_of(G, n): n for n in P}
    assert all(r["size"] == len(r["members"]) > 1 and r["members"] == sorted(r["members"]) for r in rows)
    assert [(-r["size"], r["members"][0]) for r in rows] == sorted((-r["size"], r["members"][0]) for r in rows)
    groups = [[ids[m] for m in r["members"]] for r in rows]
    grouped = [n for g in groups for n in g]
    assert len(grouped) == len(set(grouped))
    for g in groups:
        assert nx.is_connected(P.subgraph(g)), g

    embedded = partition_communities(P, method=WRITE_BACK_METHOD, resolution=gamma)
    in_embedded = {n: c for c, members in embedded.items() for n in members}
    in_gds = {n: i for i, g in enumerate(groups) for n in g}
    strongest = [p for p in written["pairs"] if p["score"] > MIN_SCORE][:TOP_PAIRS]
    together = [(p["a"], p["b"]) for p in strongest if in_embedded[p["a"]] == in_embedded[p["b"]]]
    assert together
    assert [(a, b) for a, b in together if a not in in_gds or in_gds.get(a) != in_gds.get(b)] == []
