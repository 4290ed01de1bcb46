"""The command line, through click's CliRunner, on the shipped seeds and on small fixtures."""

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem import build_graph
from ecosystem.cli.main import cli

HERE = Path(__file__).parent
MINIMAL = str(HERE / "fixtures" / "minimal")
SOURCES = HERE.parent.parent / "shared" / "sources"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_command_has_help_with_an_example():
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            yield prefix + (name,), cmd
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))

    for path, _ in walk(cli):
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"{' '.join(path)} --help has no example"


def test_stats_json_on_the_shipped_seeds():
    result = run("stats", "--format", "json")
    assert result.exit_code == 0
    s = json.loads(result.output)
    assert set(s) == {"nodes", "relationships", "nodes_by_kind", "relationships_by_type"}
    assert s["nodes"] >= 200 and s["relationships"] >= 400 and len(s["nodes_by_kind"]) >= 8
    assert sum(s["nodes_by_kind"].values()) == s["nodes"]


def test_stats_table_and_as_of():
    result = run("stats", "--seeds", MINIMAL, "--as-of", "2012")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "5 nodes, 4 relationships"


@pytest.mark.skipif(not SOURCES.exists(), reason="../shared/sources not beside the checkout")
def test_validate_verifies_every_quote_of_the_shipped_seeds():
    result = CliRunner().invoke(cli, ["validate", "--sources", str(SOURCES)])
    assert result.exit_code == 0, result.output
    verified, total = result.output.split("; ")[-1].split(" quotes")[0].split(" of ")
    assert verified == total and int(total) > 600


def test_validate_reports_problems_and_exits_non_zero():
    result = CliRunner().invoke(cli, ["validate", "--seeds", str(HERE / "malformed" / "unknown_kind")])
    assert result.exit_code == 1
    assert "file not found" in result.output  # the case folder holds only the broken file


def test_validate_with_a_wrong_quote(tmp_path):
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(MINIMAL, seeds)
    shutil.copy(HERE / "malformed" / "quote_not_in_document" / "relations.csv", seeds / "relations.csv")
    result = CliRunner().invoke(cli, ["validate", "--seeds", str(seeds), "--sources", str(HERE / "fixtures" / "sources")])
    assert result.exit_code == 1
    assert "relations.csv:2: quote not found in doc_a" in result.output
    assert "15 of 16 quotes verified" in result.output


def test_show_an_entity_by_alias_with_quotes():
    result = run("show", "AK", "--seeds", MINIMAL)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Agro Klyngen  [agro-klyngen]  cluster_organisation"
    assert '-> WORKS_IN Fødevarer   [doc_b] "Agro Klyngen (AK) arbejder med fødevarer."' in result.output


def test_show_unknown_suggests():
    result = CliRunner().invoke(cli, ["show", "Agro Klyngn", "--seeds", MINIMAL])
    assert result.exit_code == 1
    assert "Error: no entity named 'Agro Klyngn'; did you mean: Agro Klyngen?" in result.output


def test_bad_seeds_give_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--seeds", str(tmp_path)])
    assert result.exit_code == 1
    assert "entities.csv: file not found" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_round_trip(fmt, tmp_path):
    out = tmp_path / f"g.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0
    G = build_graph()
    if fmt == "graphml":
        H = nx.read_graphml(out, force_multigraph=True)
    elif fmt == "gexf":
        H = nx.read_gexf(out)
    else:
        H = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="edges")
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    n = "danish-food-cluster"
    assert H.nodes[n]["name"] == G.nodes[n]["name"] and H.nodes[n]["quote"] == G.nodes[n]["quote"]
    if fmt == "json":
        assert H.nodes[n] == G.nodes[n]  # every attribute, aliases as a list
        assert sorted(H.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))
    else:
        type_key = "relationship" if fmt == "gexf" else "type"
        assert sorted(d[type_key] for _, _, d in H.edges(data=True)) == sorted(t for _, _, t in G.edges(data="type"))
        aliases = H.nodes["offshoreenergy-dk"]["aliases"]
        assert aliases.split("|") == G.nodes["offshoreenergy-dk"]["aliases"]
        quotes = sorted(d["quote"] for _, _, d in H.edges(data=True))
        assert quotes == sorted(d["quote"] for _, _, d in G.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_is_byte_for_byte_deterministic(tmp_path, fmt):
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    run("export", "--format", fmt, "-o", str(a))
    run("export", "--format", fmt, "-o", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert b"lastmodifieddate" not in a.read_bytes()  # no date stamp: same bytes on any day


def test_python_dash_m_works():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "ecosystem", "--help"], capture_output=True, text=True, check=True)
    assert "Usage: ecosystem" in out.stdout


def test_propose_json_shape_and_determinism(tmp_path):
    out = tmp_path / "p.json"
    assert run("propose", "--format", "json", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["proposals"] and "kept_separate" in data
    for p in data["proposals"]:
        assert {"id", "members", "anchor", "hubs", "score", "evidence"} <= set(p)
        assert all({"id", "name"} <= set(m) for m in p["members"])
    again = tmp_path / "q.json"
    run("propose", "--format", "json", "-o", str(again))
    assert out.read_bytes() == again.read_bytes()


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_propose_formats(fmt):
    result = run("propose", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "md":
        assert result.output.startswith("# Consolidation proposals")
        assert "## Compared with the documents' recommendations" in result.output
    else:
        assert result.output.splitlines()[0].startswith("proposal,rank,score,member")


def test_propose_as_of_2013_differs_from_the_full_landscape():
    early = json.loads(run("propose", "--format", "json", "--as-of", "2013").output)
    late = json.loads(run("propose", "--format", "json").output)
    assert early["as_of"] == 2013 and early != late


def test_overlaps_formats():
    table = run("overlaps", "--top", "3")
    assert table.exit_code == 0 and len(table.output.splitlines()) == 4
    data = json.loads(run("overlaps", "--top", "3", "--format", "json").output)
    assert len(data) == 3 and data[0]["score"] >= data[1]["score"] >= data[2]["score"]
    csv_out = run("overlaps", "--top", "3", "--format", "csv").output.splitlines()
    assert "members_jaccard" in csv_out[0] and len(csv_out) == 4


@pytest.mark.parametrize(
    "weights, message",
    [
        (["friends=2"], "unknown signal 'friends'"),
        (["members=lots"], "the weight must be a number"),
        (["members=-20"], "weight members=-20.0: a weight must be a finite number >= 0"),
        (["members=nan"], "a weight must be a finite number >= 0"),
        ([f"{s}=0" for s in ("members", "partners", "funders", "themes", "regions", "collaboration", "projects", "coparticipation")],
         "the weights add up to 0"),
    ],
)
def test_overlaps_weight_errors(weights, message):
    args = [a for w in weights for a in ("--weight", w)]
    result = CliRunner().invoke(cli, ["overlaps", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args, name", [(["propose"], "out.md"), (["export"], "out.json"), (["plot", "timeline"], "out.png")])
def test_writing_into_a_missing_folder_is_a_clean_error(tmp_path, args, name):
    target = tmp_path / "no-such-folder" / name
    result = CliRunner().invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 1 and result.output == f"Error: cannot write {target}: No such file or directory\n"
    assert not result.exception or isinstance(result.exception, SystemExit)


def test_whatif_and_eligibility_and_leagues():
    result = run("whatif", "1")
    assert result.exit_code == 0 and "organisations" in result.output
    result = CliRunner().invoke(cli, ["whatif", "99"])
    assert result.exit_code == 1 and "no proposal 99" in result.output
    result = run("eligibility")
    assert result.exit_code == 0 and "ecei-gold-or-plan" in result.output
    result = run("leagues")
    assert result.exit_code == 0 and result.output.splitlines()[:2] == ["league  name", "1       Offshore Center Danmark"]


def test_communities_command():
    result = run("communities", "--method", "kclique")
    assert result.exit_code == 0 and result.output.startswith("kclique-1")


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "Welfare Tech", "--as-of", "2012"], "Welfare Tech is not in the landscape as of 2012: first named in 2016"),
        (["stats", "--as-of", "1990"], "as of 1990 nothing is known: the earliest document (004_d2356694f9204211) is from 2012"),
    ],
)
def test_as_of_outside_the_documents_says_why(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["Welfare  Tech", "welfare tech", "Grøn Energi", "groen energi"])
def test_show_finds_names_despite_spacing_and_spelling(name):
    result = run("show", name)
    assert result.exit_code == 0 and result.output.split("  [")[0] in ("Welfare Tech", "Grøn Energi")


def test_show_finds_an_organisation_by_the_id_it_was_merged_under():
    result = run("show", "cross-road-copenhagen", "--as-of", "2017")
    assert result.exit_code == 0 and result.output.startswith("Innovationsnetværk Danmark  [innovationsnetvaerk-danmark]")
    assert "folded in (renamed or merged): cross-road-copenhagen" in result.output


def test_communities_k_only_with_kclique_and_an_empty_result_says_why():
    result = CliRunner().invoke(cli, ["communities", "--method", "louvain", "--k", "4"])
    assert result.exit_code == 2 and "--k applies to --method kclique only, not louvain" in result.output
    result = CliRunner().invoke(cli, ["communities", "--method", "kclique", "--k", "30"])
    assert result.exit_code == 0 and "no communities" in result.output and "try a smaller --k" in result.output


def test_propose_accepts_markdown_for_md():
    assert run("propose", "--format", "markdown").output == run("propose").output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "graphml", "-o", "g.json"], "'g.json' ends in .json but --format is graphml"),
        (["-o", "g.txt"], "cannot tell the format from 'g.txt'"),
    ],
)
def test_export_format_and_extension_must_agree(tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", *args])
    assert result.exit_code == 2 and message in result.output and not list(tmp_path.iterdir())


def test_export_takes_the_format_from_the_extension(tmp_path):
    assert run("export", "-o", str(tmp_path / "g.gexf")).exit_code == 0
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == build_graph().number_of_nodes()


def test_show_explains_a_name_folded_into_a_successor_that_ended(tmp_path):
    import shutil

    seeds = tmp_path / "s"
    shutil.copytree(MINIMAL, seeds)
    with open(seeds / "attributes.csv", "a", encoding="utf-8") as f:
        f.write("food-nation-nord,ended,2016,doc_b,blev Foodcluster Nord omdøbt til Food Nation Nord\n")
    result = CliRunner().invoke(cli, ["show", "Foodcluster  Nord", "--seeds", str(seeds), "--as-of", "2016"])
    assert result.exit_code == 1
    assert result.output == ("Error: Foodcluster Nord is not in the landscape as of 2016: renamed Food Nation Nord in 2015, "
                             "which is not in it either: ended in 2016 (leave out --as-of to see it)\n")
    result = CliRunner().invoke(cli, ["show", "Nowhere Cluster", "--seeds", str(seeds), "--as-of", "2016"])
    assert result.exit_code == 1 and result.output.startswith("Error: no entity named 'Nowhere Cluster'")


def test_an_empty_projection_suggests_a_lower_min_score():
    result = CliRunner().invoke(cli, ["communities", "--method", "kclique", "--min-score", "0.99"])
    assert "no communities: no pair scores above 0.99 (try a lower --min-score)" in result.output
