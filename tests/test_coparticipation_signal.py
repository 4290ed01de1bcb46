"""Co-participation in imported projects is an overlap signal of its own, with its own weight."""

import networkx as nx
from click.testing import CliRunner

from ecosystem.analysis import DEFAULT_WEIGHTS, overlap_evidence, pairwise_overlaps, propose
from ecosystem.cli.main import cli
from ecosystem.output.tables import explain_pair


def landscape(imports: bool):
    """Four food clusters sharing a theme; a and b also share two imported projects, c takes
    part in an imported project with nobody, d is in no dataset at all."""
    G = nx.MultiDiGraph()
    for n in "abcd":
        G.add_node(n, kind="cluster_organisation", name=f"Cluster {n.upper()}")
    G.add_node("food", kind="theme", name="Food")
    G.add_node("doc-project", kind="project", name="A project the documents name")
    for n in "abcd":
        G.add_edge(n, "food", type="WORKS_IN", doc="d", quote=f"{n} works in food")
    G.add_edge("c", "doc-project", type="PARTICIPATES_IN", doc="d", quote="c takes part")
    G.add_edge("d", "doc-project", type="PARTICIPATES_IN", doc="d", quote="d takes part")
    if imports:
        for p, who in (("sf-1", "ab"), ("sf-2", "ab"), ("sf-3", "c")):
            G.add_node(p, kind="project", name=f"Project {p}", imported=True, dataset="structural-funds-2014-2020", file="sf.csv", row=int(p[-1]) + 1)
            for n in who:
                G.add_edge(n, p, type="PARTICIPATES_IN", doc="structural-funds-2014-2020", quote="", dataset="structural-funds-2014-2020", file="sf.csv", row=int(p[-1]) + 1, imported=True)
    return G


def scores(G):
    return {(p["a"], p["b"]): p for p in pairwise_overlaps(G)}


def test_documents_projects_and_imported_projects_are_two_signals():
    pairs = scores(landscape(imports=True))
    assert pairs[("a", "b")]["signals"]["coparticipation"] == {"shared": 2, "jaccard": 1.0, "containment_ab": 1.0, "containment_ba": 1.0}
    assert "projects" not in pairs[("a", "b")]["signals"]  # imported projects are not the documents' projects
    assert pairs[("c", "d")]["signals"]["projects"]["shared"] == 1 and "coparticipation" not in pairs[("c", "d")]["signals"]


def test_storing_imports_moves_the_scores_and_the_proposals_and_says_why():
    without, with_ = scores(landscape(imports=False)), scores(landscape(imports=True))
    total = sum(DEFAULT_WEIGHTS.values())
    themes = DEFAULT_WEIGHTS["themes"]
    # a and b: their two shared imported projects now count, with the signal's own weight
    assert without[("a", "b")]["score"] == themes / (total - DEFAULT_WEIGHTS["coparticipation"])
    assert with_[("a", "b")]["score"] == (themes + DEFAULT_WEIGHTS["coparticipation"]) / total
    # a and c both take part in imported projects and share none: that is evidence, it lowers the score
    assert with_[("a", "c")]["score"] == themes / total < without[("a", "c")]["score"]
    # d is in no dataset: absence is no evidence, its scores do not move
    assert with_[("a", "d")]["score"] == without[("a", "d")]["score"]
    grouped = lambda G: [sorted(m["id"] for m in p["members"]) for p in propose(G, min_score=0.2)["proposals"]]  # noqa: E731
    assert ["a", "b"] not in grouped(landscape(imports=False)) and ["a", "b"] in grouped(landscape(imports=True))


def test_a_pair_is_explained_with_the_project_titles_and_their_rows():
    G = landscape(imports=True)
    evidence = overlap_evidence(G, "a", "b", "coparticipation")
    assert [e["name"] for e in evidence] == ["Project sf-1", "Project sf-2"]
    assert evidence[0]["quotes"][0]["source"] == "structural-funds-2014-2020: sf.csv row 2"
    pair = scores(G)[("a", "b")]
    text = explain_pair(G, "a", "b", pair, {s: overlap_evidence(G, "a", "b", s) for s in pair["signals"]})
    assert "coparticipation: 2 shared, Jaccard 1.00" in text
    assert "Cluster A PARTICIPATES_IN Project sf-2 (structural-funds-2014-2020: sf.csv row 3)" in text
    assert 'Cluster A WORKS_IN Food [d] "a works in food"' in text


def test_overlaps_explain_on_the_seeds(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path))
    out = CliRunner().invoke(cli, ["overlaps", "--no-imports", "--explain", "Offshoreenergi.dk", "Hub North"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("Hub North and Offshoreenergy.dk: score 0.4167\n") and "partners: 2 shared" in out.output
    missing = CliRunner().invoke(cli, ["overlaps", "--no-imports", "--explain", "Hub North", "No Such Cluster"])
    assert missing.exit_code != 0 and "No Such Cluster" in missing.output
    same = CliRunner().invoke(cli, ["overlaps", "--no-imports", "--explain", "Offshoreenergi.dk", "offshoreenergy-dk"])
    assert same.exit_code == 2 and "needs two organisations" in same.output and "Traceback" not in same.output
