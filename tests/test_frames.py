"""Tables for researchers: the graph, overlaps, proposals and communities as pandas DataFrames."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import ecosystem as eco
from ecosystem.cli import cli


@pytest.fixture(scope="module")
def G():
    return eco.build_graph()


def test_to_frames_holds_every_node_and_fact_with_its_provenance(G):
    nodes, edges = eco.to_frames(G)
    stats = eco.graph_stats(G)
    assert len(nodes) == stats["nodes"] and len(edges) == stats["relationships"]
    assert nodes["kind"].value_counts().to_dict() == stats["nodes_by_kind"]
    assert edges["type"].value_counts().to_dict() == stats["relationships_by_type"]
    assert list(nodes.columns[:8]) == ["id", "kind", "subtype", "name", "aliases", "doc", "doc_year", "quote"]
    assert list(edges.columns[:4]) == ["source", "target", "key", "type"]
    assert edges["doc"].notna().all() and (edges["quote"].str.len() > 0).all()  # every seed fact cites its document
    assert list(nodes["id"]) == list(G) and list(edges["key"]) == [k for _, _, k in G.edges(keys=True)]


def test_overlaps_frame_is_one_row_per_pair_and_signal(G):
    pairs = eco.pairwise_overlaps(G)
    frame = eco.overlaps_frame(pairs, G)
    assert len(frame) == sum(len(p["signals"]) for p in pairs)
    assert list(frame.columns) == ["a", "b", "a_name", "b_name", "signal", "shared", "jaccard", "containment_ab", "containment_ba", "score"]
    top = pairs[0]
    rows = frame[(frame["a"] == top["a"]) & (frame["b"] == top["b"])]
    assert dict(zip(rows["signal"], rows["jaccard"])) == {s: v["jaccard"] for s, v in top["signals"].items()}
    assert (rows["score"] == top["score"]).all() and rows["a_name"].iloc[0] == G.nodes[top["a"]]["name"]


def test_proposals_frame_is_the_cli_csv(G):
    frame = eco.proposals_frame(eco.propose(G))
    result = CliRunner().invoke(cli, ["propose", "--format", "csv", "--no-imports"])
    assert result.exit_code == 0, result.output
    cli_table = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(cli_table.columns)
    assert frame.astype(str).values.tolist() == cli_table.values.tolist()


def test_communities_frame_lists_every_membership(G):
    P = eco.overlap_projection(G, min_score=0.1)
    partition = eco.partition_communities(P, method="louvain")
    frame = eco.communities_frame(partition, "louvain")
    assert len(frame) == sum(len(m) for m in partition.values()) == P.number_of_nodes()
    cliques = eco.k_clique_communities(P, k=3)
    assert len(eco.communities_frame(cliques)) == sum(len(m) for m in cliques.values())


def test_without_pandas_the_error_names_the_extra(G, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(eco.EcosystemError, match=r"pip install 'cluster-ecosystem\[notebook\]'"):
        eco.to_frames(G)


def test_the_readme_tables_are_what_the_code_prints(G):
    import doctest
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if ">>>" in b]
    assert blocks
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {"ecosystem": eco, "G": G, "pairs": eco.pairwise_overlaps(G)}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    with pd.option_context("display.width", 120, "display.max_columns", None):
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
