"""The analysis graph and its cache: the same answers as the whole merged graph, whatever state the cache is in."""

from __future__ import annotations

import base64
import csv
import gzip
import itertools
import json
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem.analysis import apply_proposals
from ecosystem.cli import cli
from ecosystem.graph import (
    FOLD_AT,
    build_graph,
    fold_members,
    foldable_members,
    folded_count,
    folded_degree,
    folded_distinct,
    folded_members,
    folded_names,
    folded_relations,
    folded_size,
    graph_stats,
)
from ecosystem.ingest import analysis_graph, cut_for_analysis, find_complete, graph_with_imports
from ecosystem.ingest.view import CACHE_FORMAT
from ecosystem.output.plots import map as draw_map
from ecosystem.output.report.data import needs_whole_graph, network

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FIX = Path(__file__).parent / "fixtures" / "imports"

# Each command as the README shows it, and in JSON where it has that format.
COMMANDS = [
    ["stats"],
    ["stats", "--format", "json"],
    ["overlaps", "--top", "20"],
    ["overlaps", "--format", "json"],
    ["communities", "--format", "json"],
    ["communities", "--method", "kclique"],
    ["propose"],
    ["propose", "--format", "json"],
    ["whatif", "1", "--format", "json"],
    ["eligibility", "--format", "json"],
    ["leagues", "--format", "json"],
    ["targets", "--format", "json"],
    ["targets", "--as-of", "2016"],
    ["propose", "--format", "csv", "--as-of", "2016"],
    ["show", "Dansk Skaldyrscenter"],  # all its relations in the analysis graph
    ["show", "Region Midtjylland"],  # thousands of imported relations: from the whole graph
    ["show", "AARHUS UNIVERSITET"],
]


def run(args, home, **env):
    result = CliRunner().invoke(cli, [*args, "--home", str(home)], env={"ECOSYSTEM_CACHE": None, **env})
    assert result.exit_code == 0, result.output
    return result.output


def cache_files(home) -> list[Path]:
    return sorted((Path(home) / "cache").glob("analysis-*.json"))


@pytest.fixture(scope="module")
def real_home(tmp_path_factory):
    """A store with the three real imports the README describes (../shared/data)."""
    if not (DATA / "cordis_h2020" / "h2020_participations.csv.gz").exists():
        pytest.skip(f"the real data is not beside the checkout ({DATA})")
    home = tmp_path_factory.mktemp("real-home")
    cordis = DATA / "cordis_h2020"
    for args in (
        ["cordis", str(cordis / "h2020_participations.csv.gz"), "--organisations", str(cordis / "h2020_organisations_subset.csv")],
        ["structural-funds", str(DATA / "dk_structural_funds" / "erdf_esf_2007_2013.csv")],
        ["structural-funds", str(DATA / "dk_structural_funds" / "erdf_esf_2014_2020.csv")],
    ):
        result = CliRunner().invoke(cli, ["import", *args, "--home", str(home)])
        assert result.exit_code == 0, result.output
    return home


def test_every_command_answers_the_same_from_the_cache_as_from_the_whole_graph(real_home):
    shutil.rmtree(real_home / "cache", ignore_errors=True)
    for args in COMMANDS:
        whole = run(args, real_home, ECOSYSTEM_CACHE="0")
        cold_or_warm = run(args, real_home)
        warm = run(args, real_home)
        assert cold_or_warm == whole, f"{' '.join(args)}: the cached graph answers differently"
        assert warm == whole, f"{' '.join(args)}: a warm cache answers differently"
    assert len(cache_files(real_home)) == 2  # one per --as-of
    stats = json.loads(run(["stats", "--format", "json"], real_home))
    assert stats["nodes"] > 60_000 and set(stats["imported_organisations"]) == {
        "cordis-h2020",
        "structural-funds-2007-2013",
        "structural-funds-2014-2020",
    }


def test_the_analysis_graph_is_a_small_part_of_the_whole(real_home):
    whole = graph_with_imports(home=real_home)
    G = analysis_graph(home=real_home)
    assert G.graph["stats"] == graph_stats(whole)
    assert set(build_graph()) <= set(G) <= set(whole)
    assert G.number_of_nodes() < whole.number_of_nodes() / 20
    # the same relations among the nodes kept, in the same order, seen from either end
    kept = [(u, v, k) for u, v, k in whole.edges(keys=True) if u in G and v in G]
    assert list(G.edges(keys=True)) == kept
    assert all(list(G.pred[n]) == [u for u in whole.pred[n] if u in G] for n in G)


@pytest.fixture
def home(tmp_path):
    result = CliRunner().invoke(cli, ["import", "structural-funds", str(FIX / "erdf_esf_2007_2013.csv"), "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), id="cut-in-half"),
        pytest.param(lambda p: p.write_bytes(b"\x00\xff garbage"), id="garbage"),
        pytest.param(lambda p: p.write_text("[]"), id="not-an-object"),
        pytest.param(lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "key": "0" * 64})), id="other-key"),
        pytest.param(lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "nodes": 5})), id="wrong-shape"),
        pytest.param(lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "format": 999})), id="newer-format"),
    ],
)
def test_a_damaged_cache_costs_time_never_a_wrong_answer(home, damage):
    first = run(["propose", "--format", "json"], home)
    stats = run(["stats"], home)
    (path,) = cache_files(home)
    damage(path)
    assert run(["propose", "--format", "json"], home) == first
    assert run(["stats"], home) == stats
    (again,) = cache_files(home)  # rebuilt under the same name
    assert again == path and json.loads(again.read_text())["format"] == CACHE_FORMAT


def test_a_changed_seed_or_a_new_import_is_never_answered_from_an_old_cache(home, tmp_path_factory):
    before = json.loads(run(["stats", "--format", "json"], home))
    seeds = tmp_path_factory.mktemp("seeds")
    shutil.copytree(ROOT / "seeds", seeds, dirs_exist_ok=True)
    entities = seeds / "entities.csv"
    with entities.open(encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))  # a new entity named by the first one's quote
    with entities.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, list(row)).writerow({**row, "id": "zz-cache-test", "name": "Cache Test Project", "aliases": ""})
    changed = json.loads(run(["stats", "--format", "json", "--seeds", str(seeds)], home))
    assert changed["nodes"] == before["nodes"] + 1
    result = CliRunner().invoke(cli, ["import", "members", str(FIX / "members.csv"), "--home", str(home)])
    assert result.exit_code == 0, result.output
    after = json.loads(run(["stats", "--format", "json"], home))
    assert "members-members" in after["imported_organisations"] and after["nodes"] > before["nodes"]
    assert len(cache_files(home)) == 3


def test_a_store_that_cannot_hold_a_cache_still_answers(home):
    expected = run(["propose"], home, ECOSYSTEM_CACHE="0")
    (home / "cache").write_text("a file where the cache folder would go")
    assert run(["propose"], home) == expected
    assert run(["propose"], home) == expected


def test_cut_keeps_two_relations_around_cluster_organisations_and_what_it_is_told():
    G = nx.MultiDiGraph()
    G.add_node("c", kind="cluster_organisation", name="C")
    G.add_nodes_from(["p", "m", "r", "far", "seed"], kind="company")
    nx.add_path(G, ["c", "p", "m", "far"], type="PARTICIPATES_IN")
    G.add_edge("p", "r", type="LOCATED_IN")  # a neighbour's region: two relations away
    H = cut_for_analysis(G, keep=["seed"])
    assert list(H) == ["c", "p", "m", "r", "seed"]  # G's order; "far" is three relations away
    assert list(H.edges()) == [("c", "p"), ("p", "m"), ("p", "r")]
    assert H.graph["stats"]["nodes"] == 6


def test_cut_keeps_each_nodes_predecessors_in_order_too():
    G = nx.MultiDiGraph()
    G.add_node("c", kind="cluster_organisation")
    G.add_nodes_from(["a", "b", "x"], kind="company")
    G.add_edge("b", "c", type="MEMBER_OF")  # c hears of b first ...
    G.add_edge("a", "x", type="PARTNER_OF")
    G.add_edge("a", "c", type="MEMBER_OF")  # ... then of a, though a comes first in G.edges
    G.add_edge("x", "c", type="PARTNER_OF")
    H = cut_for_analysis(G)
    assert [(u, v) for u, v in G.edges()] == [(u, v) for u, v in H.edges()]
    assert list(H.pred["c"]) == list(G.pred["c"]) == ["b", "a", "x"]
    assert all(list(H.succ[n]) == list(G.succ[n]) for n in G)


def test_show_answers_the_same_whatever_state_the_names_cache_is_in(home):
    # AluCluster: answered from the analysis graph; Eurofish, more than two relations from any
    # cluster organisation: only the whole graph has it
    expected = {name: run(["show", name], home, ECOSYSTEM_CACHE="0") for name in ("AluCluster", "Eurofish")}
    run(["stats"], home)
    G = analysis_graph(home=home)
    assert find_complete(G, "alucluster") == "alucluster" and find_complete(G, "Eurofish") is None
    (names,) = sorted((home / "cache").glob("names-*.json"))
    for damage in (lambda: None, lambda: names.write_text("{not json"), names.unlink):
        damage()
        for name, output in expected.items():
            assert run(["show", name], home) == output


@pytest.fixture(scope="module")
def members_home(tmp_path_factory):
    """A store with a membership list where Danish Food Cluster has FOLD_AT + 100 members of it
    alone, Welfare Tech FOLD_AT, 30 firms are members of both, 5 of Danish Food Cluster and
    Clean (which has no other member), and a structural-fund import beside it."""
    home = tmp_path_factory.mktemp("members-home")
    path = home / "members-big.csv"
    towns = ["Aarhus", "Odense", "", "0461", "Skive"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cluster", "member", "cvr", "municipality"])
        for i in range(FOLD_AT + 100):
            w.writerow(["Danish Food Cluster", f"Fødevarefirma {i} ApS", "", towns[i % len(towns)]])
        for i in range(FOLD_AT):
            w.writerow(["Welfare Tech", f"Velfærdsfirma {i} ApS", "", towns[i % len(towns)]])
        for i in range(30):
            for cluster in ("Danish Food Cluster", "Welfare Tech"):
                w.writerow([cluster, f"Fællesfirma {i} A/S", "", "Vejle"])
        for i in range(5):
            for cluster in ("Clean", "Danish Food Cluster"):
                w.writerow([cluster, f"Miljøfirma {i} A/S", "", "Vejle"])
    for args in (["members", str(path)], ["structural-funds", str(FIX / "erdf_esf_2007_2013.csv")]):
        result = CliRunner().invoke(cli, ["import", *args, "--home", str(home)])
        assert result.exit_code == 0, result.output
    return home


N_FOLDED = 2 * FOLD_AT + 130  # the members of one organisation alone, and of two with thousands each


def test_members_with_no_other_relation_are_folded_and_every_command_answers_as_the_whole_graph(members_home):
    analysis_graph(home=members_home)
    G = analysis_graph(home=members_home)  # from the cache
    assert "members" not in G.graph["folded"]  # read when first asked for: a command that only counts never reads them
    assert G.graph["folded"]["counts"] == {"danish-food-cluster": FOLD_AT + 130, "welfare-tech": FOLD_AT + 30} and folded_count(G) == N_FOLDED
    assert len(folded_members(G, "danish-food-cluster")) == FOLD_AT + 130 and len(folded_members(G, "welfare-tech")) == FOLD_AT + 30
    assert all(u not in G for u in folded_members(G, "danish-food-cluster")) and len(G.graph["folded"]["shared"]) == 30
    assert folded_names(G, "danish-food-cluster")[:2] == ["Fødevarefirma 0 ApS", "Fødevarefirma 1 ApS"]
    shared = next(iter(G.graph["folded"]["shared"]))
    name, relations = folded_relations(G, shared)
    assert name.startswith("Fællesfirma") and sorted(v for v, _, _ in relations) == ["danish-food-cluster", "welfare-tech"]
    assert sum(1 for u, _, t in G.in_edges("clean", data="type") if t == "MEMBER_OF") >= 5  # Clean has five: still nodes
    explain = ["overlaps", "--explain", "danish-food-cluster", "welfare-tech"]
    for args in [*COMMANDS[:-3], ["whatif", "1"], explain, ["overlaps", "--explain", "Fællesfirma 0 A/S", "Welfare Tech"]]:
        whole = run(args, members_home, ECOSYSTEM_CACHE="0")
        assert run(args, members_home) == whole, f"{' '.join(args)}: the folded graph answers differently"
    assert "Fællesfirma 0 A/S" in run(["overlaps", "--explain", "danish-food-cluster", "welfare-tech"], members_home)
    listed = {"Fødevarefirma 0 ApS", f"Fødevarefirma {FOLD_AT + 99} ApS", "Fællesfirma 0 A/S", "Velfærdsfirma 0 ApS"}
    counted = json.loads(run(["propose", "--format", "json"], members_home))
    proposal = next(p for p in counted["proposals"] if {"danish-food-cluster", "welfare-tech"} & {m["id"] for m in p["members"]})
    assert proposal["unlisted_members"] >= FOLD_AT and not listed & {p["name"] for p in proposal["partners"]}
    every = ["propose", "--format", "json", "--all-partners"]
    assert run(every, members_home) == run(every, members_home, ECOSYSTEM_CACHE="0")
    proposals = json.loads(run(every, members_home))["proposals"]
    assert listed <= {p["name"] for proposal in proposals for p in proposal["partners"]}
    assert all(p["unlisted_members"] == 0 for p in proposals)
    assert "member companies with no other relation (counted; --all-partners lists them)" in run(["propose"], members_home)


def test_folded_names_and_relations_lost_from_the_cache_are_rebuilt(members_home):
    expected = run(["overlaps", "--explain", "danish-food-cluster", "welfare-tech"], members_home)
    files = analysis_graph(home=members_home).graph["folded"]["files"]
    for side in map(Path, sorted({files["members"], files["names"]})):
        for damage in (lambda side=side: side.write_text("{not json"), side.unlink):
            damage()
            assert run(["overlaps", "--explain", "danish-food-cluster", "welfare-tech"], members_home) == expected
            assert run(["eligibility"], members_home) == run(["eligibility"], members_home, ECOSYSTEM_CACHE="0")
            assert json.loads(side.read_bytes())["key"]  # written again


def test_the_report_draws_no_folded_member_and_its_network_is_the_same_from_either_graph(members_home, tmp_path):
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "r.html"), "--home", str(members_home)], env={"ECOSYSTEM_CACHE": None})
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "firma 7 ApS" not in html and f"{N_FOLDED:,} members with no other relation are counted, not drawn" in html
    # the part shown of a large graph (the cluster organisations' neighbours) is the same
    # whether the members are folded or not: the same nodes, sizes, relations, positions
    whole, G = graph_with_imports(home=members_home), analysis_graph(home=members_home)
    assert network(G, max_nodes=200) == network(whole, max_nodes=200)
    assert "of 1,100 members" not in network(G, max_nodes=200)["note"]


@pytest.mark.parametrize("store", ["members_home", "real_home"])
def test_the_report_is_the_same_from_the_cache_as_from_the_whole_graph(store, request, tmp_path):
    # members_home is small: its network shows every node, so the report reads the whole
    # graph (needs_whole_graph); the real store shows the cluster organisations' neighbours.
    home = request.getfixturevalue(store)
    assert needs_whole_graph(analysis_graph(home=home)) is (store == "members_home")
    run(["report", "-o", str(tmp_path / "cached.html")], home)
    run(["report", "-o", str(tmp_path / "whole.html")], home, ECOSYSTEM_CACHE="0")
    assert (tmp_path / "cached.html").read_bytes() == (tmp_path / "whole.html").read_bytes()


def test_the_map_draws_the_same_organisations_from_either_graph(members_home):
    whole, G = graph_with_imports(home=members_home), analysis_graph(home=members_home)
    a, b = draw_map(whole), draw_map(G)
    assert a.get_title() == b.get_title() and f"({N_FOLDED:,} members with no other relation are not drawn)" in a.get_title()
    assert [c.get_offsets().tolist() for c in a.collections] == [c.get_offsets().tolist() for c in b.collections]
    assert [t.get_text() for t in a.texts] == [t.get_text() for t in b.texts] and "Fødevarefirma" not in str([t.get_text() for t in a.texts])
    assert "Fællesfirma" not in str([t.get_text() for t in a.texts])
    plt.close("all")


def test_a_what_if_merge_moves_the_folded_members_and_their_relations_to_the_anchor():
    whole = nx.MultiDiGraph()
    whole.add_nodes_from(["a", "b", "c"], kind="cluster_organisation")
    for org in "abc":
        for i in range(3):
            whole.add_node(f"{org}{i}", kind="company", imported=True)
            whole.add_edge(f"{org}{i}", org, type="MEMBER_OF")
    G = whole.copy()
    assert fold_members(G, at_least=2) == 9
    steps = [{"anchor": {"id": "a"}, "members": [{"id": "a"}, {"id": "b"}]}], [{"anchor": {"id": "a"}, "members": [{"id": "a"}, {"id": "c"}]}]
    for step in steps:  # one merge, then a second into the same anchor
        whole, G = apply_proposals(whole, step), apply_proposals(G, step)
        assert folded_degree(G, "a") == whole.degree("a")
        assert sorted(folded_members(G, "a")) == sorted(u for u, _ in whole.in_edges("a"))
    assert folded_degree(G, "a") == 9 and "b" not in G.graph["folded"]["degree"]


def test_fold_members_keeps_only_members_with_no_other_relation():
    G = nx.MultiDiGraph()
    G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    G.add_node("aarhus", kind="region", subtype="municipality")
    G.add_node("midt", kind="region", subtype="region")
    G.add_nodes_from(["alone", "located", "both", "project", "twice", "seed", "in-region"], kind="company", imported=True, name="x")
    G.nodes["seed"].pop("imported")
    G.add_node("p", kind="project")
    for u in ("alone", "located", "both", "project", "twice", "seed", "in-region"):
        G.add_edge(u, "a", type="MEMBER_OF")
    G.add_edge("located", "aarhus", type="LOCATED_IN")
    G.add_edge("in-region", "midt", type="LOCATED_IN")  # cited as evidence of a's region: stays a node
    G.add_edge("both", "b", type="MEMBER_OF", row=7)
    G.add_edge("project", "p", type="PARTICIPATES_IN")
    G.add_edge("twice", "a", type="MEMBER_OF")  # listed by two imports: two relations
    whole = G.copy()
    assert foldable_members(G, at_least=4) == {} and fold_members(G, at_least=4) == 0
    assert foldable_members(G, at_least=2) == {"alone": ("a",), "located": ("a",)}  # b has one: "both" stays
    degree = G.degree("a")
    assert fold_members(G, at_least=2) == 2 and "alone" not in G and "located" not in G
    assert G.graph["folded"] == {
        "counts": {"a": 2}, "members": {"a": ["alone", "located"]}, "shared": {}, "degree": {"a": 2, "aarhus": 1}, "names": {"a": ["x", "x"]}, "relations": {},
    }
    assert folded_degree(G, "a") == degree and folded_members(G, "b") == folded_names(G, "b") == []
    G = whole.copy()
    assert fold_members(G, at_least=1) == 3 and folded_count(G) == 3 and "both" not in G
    assert G.graph["folded"]["members"] == {"a": ["alone", "located", "both"], "b": ["both"]} and G.graph["folded"]["shared"] == {"both": ["a", "b"]}
    assert folded_relations(G, "both") == ("x", [["a", 0, {"type": "MEMBER_OF"}], ["b", 0, {"type": "MEMBER_OF", "row": 7}]])
    assert folded_relations(G, "alone") is None and folded_degree(G, "b") == whole.degree("b")


def test_a_what_if_merge_counts_a_folded_member_of_both_once():
    whole = nx.MultiDiGraph()
    whole.add_nodes_from(["a", "b"], kind="cluster_organisation")
    whole.add_nodes_from(["f", "g", "h"], kind="company", imported=True)
    whole.add_edges_from([("f", "a", "row-1"), ("f", "b", "row-2"), ("g", "a", "row-3"), ("h", "b", "row-4")], type="MEMBER_OF")
    G = whole.copy()
    assert fold_members(G, at_least=1) == 3
    step = [{"anchor": {"id": "a"}, "members": [{"id": "a"}, {"id": "b"}]}]
    whole, G = apply_proposals(whole, step), apply_proposals(G, step)
    assert sorted(folded_members(G, "a")) == ["f", "g", "h"] and folded_count(G) == 3
    assert folded_degree(G, "a") == whole.degree("a") == 4
    assert [v for v, _, _ in folded_relations(G, "f")[1]] == ["a", "a"]


def test_a_report_rebuilds_the_whole_graph_only_for_a_small_store():
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(400))
    G.graph["folded"] = {"counts": {"a": 1000}, "shared": {}, "degree": {}}
    for total, expected in ((1400, False), (1500, True), (2500, False)):  # all held; some missing; too many to draw
        G.graph["stats"] = {"nodes": total}
        assert needs_whole_graph(G, max_nodes=1000) is expected, total
    G.graph["folded"]["counts"]["a"] = 9000  # 9,500 to draw of 10,000 at most: rebuilt
    G.graph["stats"] = {"nodes": 9500}
    assert needs_whole_graph(G, max_nodes=1000) is True
    G.graph["folded"]["counts"]["a"] = 20000  # too large to rebuild for the report
    G.graph["stats"] = {"nodes": 20500}
    assert needs_whole_graph(G, max_nodes=1000) is False


def test_members_folded_as_the_imports_are_merged_are_those_fold_members_folds_from_the_whole_graph(members_home):
    from ecosystem.graph import name_index
    from ecosystem.ingest.store import add_imports, list_imports, load_import
    from ecosystem.ingest.view import names_of_nodes

    whole = graph_with_imports(home=members_home)
    stats, index = graph_stats(whole), name_index(whole)
    assert fold_members(whole) == N_FOLDED
    listed = next(e["name"] for e in list_imports(members_home) if e["source"] == "members")
    assert load_import(listed, members_home, expand=False).columns is not None  # stored as columns, folded from them
    G = build_graph()
    merged = add_imports(G, members_home, fold_at=FOLD_AT)
    assert merged["folded"] == N_FOLDED and json.dumps(G.graph["folded"]) == json.dumps(whole.graph["folded"])
    assert list(G.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(G.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert all(list(G.pred[n]) == list(whole.pred[n]) for n in G)
    mine = {k: n for k, n in index.items() if k in name_index(G)}  # the names G's nodes have, each naming what it names in the whole graph
    assert names_of_nodes(G, merged["folded_names"]) == mine
    cached = analysis_graph(home=members_home)  # the whole graph's counts and names, from the folded one
    assert cached.graph["stats"] == stats and json.loads(Path(cached.graph["names_file"]).read_bytes())["names"] == mine


def test_what_if_merges_give_a_folded_members_relations_in_the_whole_graphs_order():
    whole = nx.MultiDiGraph()
    whole.add_nodes_from(["a", "b", "c", "d"], kind="cluster_organisation")
    whole.add_nodes_from(["u", "w"], kind="company", imported=True)
    whole.add_edges_from([("u", "b", "k1"), ("u", "a", "k2"), ("u", "c", "k3"), ("w", "a", "k4"), ("w", "c", "k5")], type="MEMBER_OF")
    G = whole.copy()
    assert fold_members(G, at_least=1) == 2
    merge = lambda m, anchor: {"anchor": {"id": anchor}, "members": [{"id": anchor}, {"id": m}]}  # noqa: E731
    for step in ([merge("b", "a")], [merge("a", "c")], [merge("c", "d"), merge("d", "b")]):  # a chain; an anchor merged away comes back
        whole, G = apply_proposals(whole, step), apply_proposals(G, step)
        assert sorted(whole) == sorted([*G, "u", "w"])
        for org in (n for n in whole if n not in ("u", "w")):
            assert [k for u in ("u", "w") for v, k, _ in (folded_relations(G, u) or ("", []))[1] if v == org] == [
                k for u in ("u", "w") for k in whole.pred[org].get(u, {})
            ], org
            assert sorted(folded_members(G, org)) == sorted({u for u, _ in whole.in_edges(org)}) and folded_degree(G, org) == whole.degree(org)
            assert folded_size(G, org) == len(folded_members(G, org)) == len(folded_names(G, org))


def test_lists_lost_after_the_store_changed_are_not_rebuilt_from_the_other_store(members_home, tmp_path):
    from ecosystem.errors import EcosystemError

    home = tmp_path / "home"
    shutil.copytree(members_home, home)
    analysis_graph(home=home)
    G = analysis_graph(home=home)  # from the cache: the lists are read when first asked for
    run(["import", "structural-funds", str(FIX / "erdf_esf_2007_2013.csv"), "--name", "another"], home)
    Path(G.graph["folded"]["files"]["members"]).unlink()
    with pytest.raises(EcosystemError, match="changed while this command ran"):
        folded_members(G, "danish-food-cluster")


def test_members_stored_as_columns_that_are_damaged_are_refused_with_the_file_named(members_home, tmp_path):
    from ecosystem.ingest.store import list_imports

    home = tmp_path / "home"
    shutil.copytree(members_home / "imports", home / "imports")  # no cache: the import is read
    entry = next(e for e in list_imports(home) if e["source"] == "members")
    path = home / "imports" / entry["data_file"]
    data = json.loads(gzip.decompress(path.read_bytes()))
    assert len(data["members"]["ids"]) == N_FOLDED  # every member that folds is stored as columns
    for damage in ("start", "text", "ids"):
        broken = json.loads(json.dumps(data))
        if damage == "start":  # a member that is not there
            broken["members"]["relations"]["start"] = base64.b64encode(b"\xff\xff\xff\x0f" * 3).decode()
        elif damage == "text":
            broken["members"]["relations"]["row"] = "not base64 at all!"
        else:
            del broken["members"]["ids"]
        path.write_bytes(gzip.compress(json.dumps(broken).encode()))
        for args in (["stats"], ["propose"], ["export", "-o", str(tmp_path / "g.graphml")]):
            result = CliRunner().invoke(cli, [*args, "--home", str(home)], env={"ECOSYSTEM_CACHE": None})
            assert result.exit_code == 1 and str(path) in result.output and "import the file again" in result.output, result.output


def test_members_another_import_names_too_are_put_back_and_the_others_still_fold_from_columns(members_home, tmp_path, monkeypatch):
    from ecosystem.ingest import columns
    from ecosystem.ingest.store import add_imports

    home = tmp_path / "home"
    shutil.copytree(members_home / "imports", home / "imports")
    extra = tmp_path / "more.csv"
    extra.write_text("cluster,member,cvr,municipality\nClean,Fødevarefirma 3 ApS,,Aarhus\nClean,Velfærdsfirma 7 ApS,,\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["import", "members", str(extra), "--home", str(home)]).exit_code == 0
    whole = graph_with_imports(home=home)
    fold_members(whole)
    folded_from_columns, fold = [], columns.fold
    monkeypatch.setattr(columns, "fold", lambda *a, **k: folded_from_columns.append(1) or fold(*a, **k))
    G = build_graph()
    merged = add_imports(G, home, fold_at=FOLD_AT)
    assert folded_from_columns and merged["folded"] == N_FOLDED - 2  # the two named twice are members of Clean too: nodes
    assert json.dumps(G.graph["folded"]) == json.dumps(whole.graph["folded"])
    assert list(G.nodes(data=True)) == list(whole.nodes(data=True)) and list(G.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert all(list(G.pred[n]) == list(whole.pred[n]) for n in G)
    for args in (["stats"], ["propose"], ["overlaps", "--explain", "danish-food-cluster", "clean"]):
        assert run(args, home) == run(args, home, ECOSYSTEM_CACHE="0")


@pytest.mark.parametrize("at_once", [False, True])
def test_what_if_merges_count_members_shared_by_combinations_that_meet_once(at_once):
    """Members shared by two organisations each: merged into one anchor in steps, with an
    anchor merged away coming back, counts, distinct counts and member overlaps stay those
    of the whole graph (the combinations meet, and one becomes an organisation twice)."""
    from ecosystem.analysis import SignalSets

    whole = nx.MultiDiGraph()
    whole.add_nodes_from("abcd", kind="cluster_organisation")
    pairs = {"u": "ab", "w": "ac", "x": "bc", "y": "bd", "z": "cd", "s": "a", "t": "d"}
    whole.add_nodes_from(pairs, kind="company", imported=True)
    whole.add_edges_from(((u, org) for u, orgs in pairs.items() for org in orgs), type="MEMBER_OF")
    G = whole.copy()
    assert fold_members(G, at_least=1) == len(pairs)
    merge = lambda m, anchor: {"anchor": {"id": anchor}, "members": [{"id": anchor}, {"id": m}]}  # noqa: E731
    steps = [merge("b", "a")], [merge("c", "d")], [merge("a", "d"), merge("d", "b")]
    for step in [[p for s in steps for p in s]] if at_once else steps:
        whole, G = apply_proposals(whole, step), apply_proposals(G, step)
        orgs = sorted(n for n in whole if n not in pairs)
        assert folded_count(G) == len(pairs) and orgs == sorted(G)
        for k in range(1, len(orgs) + 1):
            for some in itertools.combinations(orgs, k):
                assert folded_distinct(G, some) == len({u for o in some for u, _ in whole.in_edges(o)}), some
        assert SignalSets(G).overlaps("members", orgs) == SignalSets(whole).overlaps("members", orgs)


def test_a_build_says_when_an_import_stored_by_an_earlier_version_keeps_its_members_as_nodes(members_home, tmp_path):
    from ecosystem.ingest import Dataset
    from ecosystem.ingest.store import list_imports

    said = []
    analysis_graph(home=members_home, progress=said.append)  # built or cached: stored as columns, nothing to say
    assert not [line for line in said if "earlier version" in line]
    home = tmp_path / "home"
    shutil.copytree(members_home / "imports", home / "imports")
    entry = next(e for e in list_imports(home) if e["source"] == "members")
    path = home / "imports" / entry["data_file"]
    older = json.loads(gzip.decompress(Dataset.decode(path.read_bytes()).encode(fold_at=None)))
    assert "members" not in older and older["format"] == 2  # no columns: every member a node
    path.write_bytes(gzip.compress(json.dumps({**older, "format": 1}).encode()))  # as an earlier version stored it
    said.clear()
    G = analysis_graph(home=home, progress=said.append)
    assert [line for line in said if "earlier version" in line] == [
        f"import {entry['name']!r} was stored by an earlier version, its {N_FOLDED:,} members as nodes: folding them is most of this build; "
        "import its file again (`ecosystem import --list` names it) to store them as columns, and a build takes seconds"
    ]
    same = analysis_graph(home=members_home)  # the same lists, slower
    assert all(G.graph["folded"][k] == same.graph["folded"][k] for k in ("counts", "shared", "degree"))
    assert all(folded_members(G, c) == folded_members(same, c) and folded_names(G, c) == folded_names(same, c) for c in same.graph["folded"]["counts"])
