"""Property-based tests of folding: members folded as the imports are merged, and the
analyses on the folded graph, give what the whole graph gives.

Small generated imports (members of three cluster organisations and an innovation
network, located in places, in projects, linked to seed entities, rows with and without
numbers, a member listed twice, name-only ids merging into CVR ids) are merged twice:
whole, then :func:`~ecosystem.graph.fold_members`; and with ``fold_at``. Hypothesis keeps
no example database here (``database=None``).
"""

from __future__ import annotations

import copy

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem.analysis import SignalSets, overlap_evidence, pairwise_overlaps
from ecosystem.analysis.organisations import size_of
from ecosystem.analysis.requirements import critical_mass
from ecosystem.graph import fold_members
from ecosystem.ingest import Dataset
from ecosystem.ingest.merge import merge_datasets

EXAMPLES = settings(max_examples=400, deadline=None, database=None, derandomize=True)
CLUSTERS = ["a", "b", "c", "net"]
IDS = [f"cvr-{i}" for i in range(6)] + ["org-foo", "org-bar", "kommune-1", "p-1"]
TARGETS = [*CLUSTERS, "midt", "aarhus", "seedco", *IDS]


def seed_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_nodes_from(["a", "b", "c"], kind="cluster_organisation")
    G.add_node("net", kind="innovation_network")
    G.add_node("midt", kind="region", subtype="region", name="Midt")
    G.add_node("aarhus", kind="region", subtype="municipality", name="Aarhus")
    G.add_node("seedco", kind="company", name="SeedCo")
    G.add_edge("aarhus", "midt", type="PART_OF")
    G.add_edge("seedco", "a", type="MEMBER_OF")
    for n in G:
        G.nodes[n].setdefault("name", n)
    return G


row, year = st.one_of(st.none(), st.integers(1, 12)), st.sampled_from([None, 2010, 2020])
membership = st.tuples(st.sampled_from(IDS), st.just("MEMBER_OF"), st.sampled_from(CLUSTERS), row, year)
place = st.tuples(st.sampled_from(IDS), st.just("LOCATED_IN"), st.sampled_from(["kommune-1", "aarhus", "midt"]), row, year)
anything = st.tuples(st.sampled_from(IDS), st.sampled_from(["MEMBER_OF", "LOCATED_IN", "PARTICIPATES_IN", "PARTNER_OF"]), st.sampled_from(TARGETS), row, year)
edge = st.one_of(membership, membership, membership, place, anything)
dataset = st.tuples(
    st.lists(st.sampled_from(["company"] * 5 + ["knowledge_institution"]), min_size=6, max_size=6),
    st.lists(st.sampled_from(["Foo 1", "Bar 1", "Baz 2"]), min_size=6, max_size=6),
    st.lists(edge, min_size=3, max_size=25),
    st.one_of(st.none(), st.tuples(st.sampled_from(IDS[:8]), st.sampled_from(["seedco", "a"]))),
)


def datasets(drawn) -> list[Dataset]:
    out = []
    for i, (kinds, names, edges, link) in enumerate(drawn):
        ds = Dataset(f"ds{i}", "members")
        for j, (kind, name) in enumerate(zip(kinds, names)):
            ds.add_node(f"cvr-{j}", kind=kind, name=name, file="f.csv", row=j)
        ds.add_node("org-foo", kind="company", name="Foo 1", file="f.csv", row=99)
        ds.add_node("org-bar", kind="company", name="Bar 1", file="f.csv", row=98)
        ds.add_node("kommune-1", kind="region", subtype="municipality", name="K1", file="f.csv", row=1)
        ds.add_node("p-1", kind="project", name="P1", year=2012, file="f.csv", row=1)
        for ref in (*CLUSTERS, "midt", "aarhus", "seedco"):
            ds.add_node(ref, kind="cluster_organisation", name=ref, ref=True)
        for start, type_, end, row, year in edges:
            ds.add_edge(start, type_, end, file="f.csv", row=row, year=year)
        if link:
            ds.links = {link[0]: {"entity": link[1], "method": "name", "score": 100.0}}
        out.append(ds)
    return out


@EXAMPLES
@given(drawn=st.lists(dataset, min_size=1, max_size=3), at_least=st.sampled_from([1, 2, 3]), as_of=st.sampled_from([None, 2015]))
def test_members_folded_as_the_imports_merge_are_those_fold_members_folds(drawn, at_least, as_of):
    whole, folded = seed_graph(), seed_graph()
    summary = merge_datasets(whole, datasets(drawn), as_of=as_of)
    n = fold_members(whole, at_least=at_least)
    merged = merge_datasets(folded, datasets(drawn), as_of=as_of, fold_at=at_least)
    assert len(merged.get("folded", [])) == n and folded.graph.get("folded") == whole.graph.get("folded")
    assert list(folded.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(folded.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert all(list(folded.pred[v]) == list(whole.pred[v]) for v in whole)
    assert {k: merged[k] for k in summary} == summary


@EXAMPLES
@given(drawn=st.lists(dataset, min_size=1, max_size=3), at_least=st.sampled_from([1, 2]))
def test_the_analyses_answer_on_the_folded_graph_as_on_the_whole_graph(drawn, at_least):
    whole = seed_graph()
    merge_datasets(whole, datasets(drawn))
    folded = copy.deepcopy(whole)
    fold_members(folded, at_least=at_least)
    sets = {id(G): SignalSets(G) for G in (whole, folded)}
    assert pairwise_overlaps(whole, sets=sets[id(whole)]) == pairwise_overlaps(folded, sets=sets[id(folded)])
    for a in CLUSTERS:
        assert size_of(whole, a) == size_of(folded, a)
        for b in CLUSTERS:
            if a < b:
                assert overlap_evidence(whole, a, b, "members", sets=sets[id(whole)]) == overlap_evidence(folded, a, b, "members", sets=sets[id(folded)])
    assert critical_mass(whole, CLUSTERS) == critical_mass(folded, CLUSTERS)
