"""The 2020 targets: each metric on a small graph, the seed rows, the command and what-if."""

import csv
import io
import json

import networkx as nx
from click.testing import CliRunner

import ecosystem as eco
from ecosystem.analysis import TARGET_STATUSES, apply_proposals, track_targets
from ecosystem.cli.main import cli
from ecosystem.evidence.schema import TARGET_METRICS


def target(metric, threshold="10", tid=None):
    return {"id": tid or metric, "target": f"the {metric} target", "metric": metric, "threshold": threshold, "year": "2020", "doc": "d", "quote": "q"}


def landscape(as_of=None):
    G = nx.MultiDiGraph(as_of=as_of)
    for n, kind in [("gold-a", "cluster_organisation"), ("gold-b", "innovation_network"), ("local", "cluster_organisation"),
                    ("national", "cluster_organisation"), ("firm1", "company"), ("firm2", "company"), ("firm3", "company"),
                    ("uni", "knowledge_institution"), ("p2014", "project"), ("p2016", "project"), ("p-nouni", "project"),
                    ("ecei-gold", "label"), ("ecei-silver", "label"), ("danmark", "region")]:
        G.add_node(n, kind=kind, name=n.title(), doc="d", quote=f"{n} is")
    G.nodes["ecei-gold"]["name"], G.nodes["ecei-silver"]["name"] = "ECEI Gold Label", "ECEI Silver Label"
    G.nodes["danmark"]["subtype"] = "area"
    G.nodes["p2014"]["year"], G.nodes["p2016"]["year"], G.nodes["p-nouni"]["year"] = 2014, 2016, 2016
    G.nodes["gold-a"].update(members=40, members_doc="d", members_quote="40 members")
    facts = [("gold-a", "HOLDS", "ecei-gold"), ("gold-b", "HOLDS", "ecei-gold"), ("gold-b", "HOLDS", "ecei-silver"), ("local", "HOLDS", "ecei-silver"),
             ("national", "SERVES", "danmark"), ("firm1", "MEMBER_OF", "gold-a"),
             ("gold-a", "PARTICIPATES_IN", "p2014"), ("uni", "PARTICIPATES_IN", "p2014"), ("firm1", "PARTICIPATES_IN", "p2014"), ("firm2", "PARTICIPATES_IN", "p2014"),
             ("local", "PARTICIPATES_IN", "p2016"), ("uni", "PARTICIPATES_IN", "p2016"), ("firm3", "PARTICIPATES_IN", "p2016"),
             ("local", "PARTICIPATES_IN", "p-nouni"), ("firm2", "PARTICIPATES_IN", "p-nouni")]
    for u, t, v in facts:
        G.add_edge(u, v, type=t, doc="d", quote=f"{u} {t} {v}")
    return G


def by_metric(G, threshold="10"):
    return {r["metric"]: r for r in track_targets(G, [target(m, threshold) for m in TARGET_METRICS])}


def test_every_metric_has_a_computation_and_a_known_status():
    rows = by_metric(landscape())
    assert set(rows) == set(TARGET_METRICS)
    assert all(r["status"] in TARGET_STATUSES and r["how"] for r in rows.values())


def test_labels_are_counted_from_the_recorded_holds_and_silver_means_in_addition_to_gold():
    rows = by_metric(landscape())
    gold, silver = rows["gold-label-organisations"], rows["silver-label-organisations"]
    assert (gold["value"], gold["status"], gold["gap"], gold["bound"]) == (2, "not shown", 8, "at least")
    assert [f["what"] for f in gold["facts"]] == ["Gold-A holds it", "Gold-B holds it"] and gold["facts"][0]["quote"] == "gold-a HOLDS ecei-gold"
    assert silver["value"] == 1 and silver["facts"][0]["what"] == "Local holds it"  # gold-b holds Gold as well
    assert by_metric(landscape(), threshold="2")["gold-label-organisations"]["status"] == "met"


def test_active_firms_is_the_larger_of_the_distinct_firms_recorded_and_the_largest_stated_count():
    G = landscape()
    assert by_metric(G)["firms-in-cluster-activities"]["value"] == 40  # stated count beats the 3 firms recorded
    G.nodes["gold-a"]["members"] = 2
    row = by_metric(G)["firms-in-cluster-activities"]
    assert row["value"] == 3 and "3 firms (distinct)" in row["how"]
    for n in ("gold-a",):
        del G.nodes[n]["members"]
    G.remove_nodes_from(["firm1", "firm2", "firm3"])
    assert by_metric(G)["firms-in-cluster-activities"]["status"] == "not measurable"


def test_knowledge_projects_count_the_firms_of_the_latest_year_with_a_knowledge_institution_and_a_cluster():
    row = by_metric(landscape())["firms-starting-knowledge-projects"]
    assert row["value"] == 1 and "starting in 2016" in row["how"] and "2014: 2, 2016: 1" in row["how"]  # p-nouni has no university
    assert by_metric(landscape(as_of=2015))["firms-starting-knowledge-projects"]["value"] == 2
    assert by_metric(landscape(as_of=2013))["firms-starting-knowledge-projects"]["status"] == "not measurable"


def test_what_the_evidence_cannot_measure_has_no_number():
    rows = by_metric(landscape())
    for m in ("firms-with-new-innovations", "growth-and-employment-effects"):
        assert rows[m]["value"] is None and rows[m]["status"] == "not measurable" and rows[m]["gap"] is None
        assert rows[m]["how"].startswith("not measurable from the evidence")


def test_a_target_without_a_number_reports_its_count_without_a_verdict():
    row = track_targets(landscape(), [target("local-cluster-undergrowth", "")])[0]
    assert (row["threshold"], row["value"], row["status"], row["gap"]) == (None, 2, "no threshold", None)  # gold-a and local; national is national


def test_the_seed_targets_cite_document_004_and_cover_every_metric():
    targets = eco.load_seeds().targets
    assert {t["metric"] for t in targets} == set(TARGET_METRICS)
    assert all(t["doc"] == "004_d2356694f9204211" and t["year"] == "2020" for t in targets)


def test_targets_command_in_every_format(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path))
    run = lambda *a: CliRunner().invoke(cli, ["targets", "--no-imports", *a])  # noqa: E731
    table = run()
    assert table.exit_code == 0, table.output
    assert "gold-label-2020          at least 1" in table.output and "Offshore Center Danmark holds it" in table.output
    rows = json.loads(run("--format", "json").output)
    assert [r["id"] for r in rows] == [t["id"] for t in eco.load_seeds().targets]
    assert {r["id"]: r["status"] for r in rows}["innovations-2020"] == "not measurable"
    lines = list(csv.DictReader(io.StringIO(run("--format", "csv").output)))
    assert len(lines) == len(rows) and lines[0]["value"] == "1"
    md = run("--format", "md", "--as-of", "2013").output
    assert md.startswith("# The 2020 targets, as of 2013\n") and "| gold-label-2020 | at least 1 |" in md


def test_whatif_reports_the_targets_a_merger_changes():
    G = landscape()
    props = [{"id": "p", "anchor": {"id": "gold-a"}, "members": [{"id": "gold-a", "role": "anchor"}, {"id": "local", "role": "member"}]}]
    H = apply_proposals(G, props)
    before, after = by_metric(G), by_metric(H)
    assert before["local-cluster-undergrowth"]["value"] == 2 and after["local-cluster-undergrowth"]["value"] == 1
    assert after["gold-label-organisations"]["value"] == 2
    assert (before["silver-label-organisations"]["value"], after["silver-label-organisations"]["value"]) == (1, 0)  # the Silver holder joined a Gold one


def test_whatif_command_lists_the_changed_targets(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path))
    out = json.loads(CliRunner().invoke(cli, ["whatif", "--no-imports", "--format", "json"]).output)
    moved = {m["id"]: m for m in out["targets"]}
    assert moved["local-undergrowth-2020"]["before"] > moved["local-undergrowth-2020"]["after"]
    assert all(m["before"] != m["after"] for m in out["targets"])
