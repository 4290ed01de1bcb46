"""The graph builder on the small hand-made seeds: typing, provenance, as_of, lookups."""

from pathlib import Path

import networkx as nx
import pytest

from ecosystem import UnknownEntity, build_graph, find_entity, graph_stats

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture
def G():
    return build_graph(MINIMAL)


def test_nodes_are_typed_with_provenance(G):
    d = G.nodes["nordisk-universitet"]
    assert (d["kind"], d["subtype"], d["labels"]) == ("knowledge_institution", "university", ["KnowledgeInstitution"])
    assert d["doc"] == "doc_a" and d["doc_year"] == 2012 and d["quote"].startswith("har sekretariat")
    assert G.nodes["agro-klyngen"]["aliases"] == ["AK"]


def test_attributes_carry_their_evidence(G):
    d = G.nodes["foodcluster-nord"]
    assert d["members"] == 120 and d["founded"] == 2010
    assert d["members_doc"] == "doc_a" and "120 medlemmer" in d["members_quote"]


def test_edges_are_keyed_by_stable_fact_ids_with_provenance(G):
    (key, data), = G.get_edge_data("mejeri", "foodcluster-nord").items()
    assert key.startswith("f-") and key == next(iter(build_graph(MINIMAL).get_edge_data("mejeri", "foodcluster-nord")))
    assert data == {"type": "MEMBER_OF", "role": "", "year": None, "doc": "doc_a", "doc_year": 2012,
                    "quote": "Virksomheden Mejeri A/S er medlem af Foodcluster Nord"}


def test_stats_counts_by_kind_and_type(G):
    s = graph_stats(G)
    assert (s["nodes"], s["relationships"]) == (7, 6)
    assert s["nodes_by_kind"]["cluster_organisation"] == 3
    assert s["relationships_by_type"] == {"HOSTED_BY": 1, "MEMBER_OF": 1, "RENAMED_TO": 1, "SERVES": 1, "WORKS_IN": 2}


def test_as_of_leaves_out_later_documents():
    G = build_graph(MINIMAL, as_of=2012)
    assert "agro-klyngen" not in G and "food-nation-nord" not in G
    assert all(d["doc_year"] <= 2012 for _, _, d in G.edges(data=True))
    assert G.nodes["foodcluster-nord"]["name"] == "Foodcluster Nord"


def test_as_of_applies_renames():
    G = build_graph(MINIMAL, as_of=2016)
    assert "foodcluster-nord" not in G
    d = G.nodes["food-nation-nord"]
    assert "Foodcluster Nord" in d["aliases"] and d["former"] == ["foodcluster-nord"]
    assert d["members"] == 120  # attributes of the old name are kept only where the new has none
    assert G.has_edge("mejeri", "food-nation-nord")
    assert not any(t == "RENAMED_TO" for _, _, t in G.edges(data="type"))


def test_without_as_of_everything_is_kept(G):
    assert G.has_edge("foodcluster-nord", "food-nation-nord")


def _with_doc_c(tmp_path, attributes="", relations=""):
    """The minimal seeds plus a 2019 document stating the given attribute and relation rows."""
    import shutil

    seeds = tmp_path / "s"
    shutil.copytree(MINIMAL, seeds)
    for name, rows in (("documents", "doc_c,Test document C,2019,2019\n"), ("attributes", attributes), ("relations", relations)):
        with open(seeds / f"{name}.csv", "a", encoding="utf-8") as f:
            f.write(rows)
    return seeds


def test_as_of_leaves_out_ended_organisations(tmp_path):
    seeds = _with_doc_c(tmp_path, "agro-klyngen,ended,2018,doc_c,Agro Klyngen lukkede i 2018\n")
    assert "agro-klyngen" in build_graph(seeds, as_of=2016)  # doc_c is not known yet
    assert "agro-klyngen" not in build_graph(seeds, as_of=2019)
    assert "agro-klyngen" in build_graph(seeds)


def test_a_merger_folds_evidence_but_not_identity(tmp_path):
    seeds = _with_doc_c(
        tmp_path,
        "agro-klyngen,members,40,doc_c,Agro Klyngen havde 40 medlemmer\n"
        "agro-klyngen,website,https://ak.example,doc_c,ak.example\n"
        "foodcluster-nord,ended,2015,doc_c,Foodcluster Nord ophørte i 2015\n",
        "agro-klyngen,MERGED_INTO,food-nation-nord,,2018,doc_c,Agro Klyngen blev i 2018 lagt sammen med Food Nation Nord\n",
    )
    G = build_graph(seeds, as_of=2019)
    assert "agro-klyngen" not in G and "foodcluster-nord" not in G
    d = G.nodes["food-nation-nord"]  # the rename's end is not the successor's end
    assert d["former"] == ["foodcluster-nord", "agro-klyngen"] and "Agro Klyngen" in d["aliases"]
    assert d["members"] == 120 and "website" not in d and "ended" not in d
    assert G.has_edge("food-nation-nord", "food")  # the merged body's theme moves over


def test_as_of_cites_the_earliest_known_document(tmp_path):
    seeds = _with_doc_c(tmp_path, relations="mejeri,MEMBER_OF,agro-klyngen,,,doc_c,Mejeri A/S er medlem af Agro Klyngen\n")
    with open(seeds / "entities.csv", "a", encoding="utf-8") as f:
        f.write("ny-virksomhed,company,,Ny Virksomhed,,doc_c,Ny Virksomhed blev nævnt i 2019\n")
    with open(seeds / "relations.csv", "a", encoding="utf-8") as f:
        f.write("ny-virksomhed,MEMBER_OF,agro-klyngen,,,doc_b,Ny Virksomhed er medlem af Agro Klyngen\n")
    d = build_graph(seeds, as_of=2016).nodes["ny-virksomhed"]
    assert (d["doc"], d["doc_year"], d["quote"]) == ("doc_b", 2016, "Ny Virksomhed er medlem af Agro Klyngen")
    assert build_graph(seeds).nodes["ny-virksomhed"]["doc"] == "doc_c"


@pytest.mark.parametrize("name", ["AK", "ak", "Agro Klyngen", "agro-klyngen", " agro klyngen "])
def test_find_entity_by_id_name_or_alias(G, name):
    assert find_entity(G, name) == "agro-klyngen"


def test_unknown_name_suggests_close_matches(G):
    with pytest.raises(UnknownEntity, match="did you mean: Agro Klyngen") as info:
        find_entity(G, "Agro Klyngn")
    assert info.value.suggestions[0] == "Agro Klyngen"


def test_build_is_deterministic():
    a, b = build_graph(MINIMAL), build_graph(MINIMAL)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_is_a_multidigraph(G):
    assert isinstance(G, nx.MultiDiGraph)


def test_a_chain_of_folds_in_one_year_ends_in_the_last_successor(tmp_path):
    # nordisk-universitet merges into foodcluster-nord, which is renamed food-nation-nord in
    # the same year: whatever the ids' order, both end in food-nation-nord.
    seeds = _with_doc_c(tmp_path, relations="nordisk-universitet,MERGED_INTO,foodcluster-nord,,2015,doc_c,Nordisk Universitet fusionerede\n")
    G = build_graph(seeds, as_of=2019)
    assert "nordisk-universitet" not in G and "foodcluster-nord" not in G
    assert sorted(G.nodes["food-nation-nord"]["former"]) == ["foodcluster-nord", "nordisk-universitet"]
    assert not any(t in ("MERGED_INTO", "RENAMED_TO") for _, _, t in G.edges(data="type"))


def test_as_of_without_documents_is_no_crash(tmp_path):
    import shutil

    seeds = tmp_path / "s"
    shutil.copytree(MINIMAL, seeds)
    for name in ("documents", "entities", "attributes", "relations", "recommendations"):
        path = seeds / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert build_graph(seeds, as_of=2015).number_of_nodes() == 0
