"""What a researcher does from Python: import data, build the graph with it, co-participation, the organisations view."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import ecosystem as eco
from ecosystem.cli import cli

FIX = Path(__file__).parent / "fixtures" / "imports"


def test_import_file_stores_what_the_cli_stores_and_says_the_same(tmp_path):
    entry = eco.import_file("structural-funds", FIX / "erdf_esf_2007_2013.csv", home=tmp_path / "py")
    result = CliRunner().invoke(cli, ["import", "structural-funds", str(FIX / "erdf_esf_2007_2013.csv"), "--home", str(tmp_path / "cli")])
    assert result.exit_code == 0
    assert "\n".join(entry["summary"]).replace(str(tmp_path / "py"), "HOME") + "\n" == result.output.replace(str(tmp_path / "cli"), "HOME")
    assert [e["name"] for e in eco.list_imports(tmp_path / "py")] == ["structural-funds-2007-2013"]
    G = eco.graph_with_imports(home=tmp_path / "py")
    assert G.graph["imports"] == {"structural-funds-2007-2013": entry["organisations"]}
    with pytest.raises(ValueError, match="unknown source"):
        eco.import_file("cvr", FIX / "members.csv", home=tmp_path)


def test_coparticipation_counts_the_projects_two_organisations_share():
    rng = random.Random(7)
    G = nx.MultiDiGraph()
    orgs, projects = [f"org-{i}" for i in range(40)], [f"p-{j}" for j in range(25)]
    G.add_nodes_from(orgs, kind="company")
    G.add_nodes_from(projects, kind="project")
    for o in orgs:
        for p in rng.sample(projects, rng.randint(0, 5)):
            G.add_edge(o, p, type=rng.choice(["PARTICIPATES_IN", "PARTICIPATES_IN", "OPERATES"]))
    of = {o: set(G.successors(o)) for o in orgs}
    expected = {tuple(sorted((a, b))): len(of[a] & of[b]) for a in orgs for b in orgs if a < b and of[a] & of[b]}
    pairs = eco.coparticipation(G)
    assert {(p["a"], p["b"]): p["shared"] for p in pairs} == expected
    for p in pairs[:10]:
        assert p["jaccard"] == pytest.approx(p["shared"] / len(of[p["a"]] | of[p["b"]]))
        assert p["containment_ab"] == pytest.approx(p["shared"] / len(of[p["a"]]))
    assert [p["shared"] for p in pairs] == sorted((p["shared"] for p in pairs), reverse=True)
    assert all(p["shared"] >= 2 for p in eco.coparticipation(G, min_shared=2))


def test_coparticipation_on_imported_projects(tmp_path):
    eco.import_file("cordis", FIX / "h2020_participations.csv.gz", home=tmp_path, organisations=FIX / "h2020_organisations.csv")
    G = eco.graph_with_imports(home=tmp_path)
    pairs = eco.coparticipation(G)
    assert pairs and all(G.nodes[p["a"]]["kind"] in eco.KINDS and p["shared"] >= 1 for p in pairs)
    a, b = pairs[0]["a"], pairs[0]["b"]
    shared = {v for _, v, t in G.out_edges(a, data="type") if t == "PARTICIPATES_IN"} & {v for _, v, t in G.out_edges(b, data="type") if t == "PARTICIPATES_IN"}
    assert len(shared) == pairs[0]["shared"]


def test_the_organisations_view_leaves_out_themes_regions_and_projects():
    G = eco.build_graph()
    V = eco.organisations_view(G)
    kinds = {k for _, k in V.nodes(data="kind")}
    assert not kinds & {"theme", "region", "project", "label", "facility"} and "cluster_organisation" in kinds
    assert V.number_of_edges() == sum(1 for u, v in G.edges() if u in V and v in V)
    assert list(V) == [n for n in G if n in V]  # G's order
