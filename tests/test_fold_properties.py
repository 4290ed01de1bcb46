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
import json
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem.analysis import SignalSets, overlap_evidence, pairwise_overlaps
from ecosystem.analysis.organisations import size_of
from ecosystem.analysis.requirements import critical_mass
from ecosystem.errors import EcosystemError
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


# Membership lists, most members nothing else: stored as columns, some touched by another import.
numbered = st.integers(2, 40)
listed = st.tuples(st.integers(0, 9), st.just("MEMBER_OF"), st.sampled_from(CLUSTERS), numbered, st.just(None))
located = st.tuples(st.integers(0, 9), st.just("LOCATED_IN"), st.sampled_from(["kommune-1", "aarhus", "kommune-1"]), numbered, st.just(None))
rare = st.tuples(st.integers(0, 9), st.sampled_from(["MEMBER_OF", "LOCATED_IN", "PARTICIPATES_IN"]), st.sampled_from(TARGETS), row, year)
member_list = st.tuples(
    st.lists(st.sampled_from(["company"] * 9 + ["knowledge_institution"]), min_size=10, max_size=10),
    st.lists(st.sampled_from([f"Firm {i}" for i in range(19)] + ["Foo 1"]), min_size=10, max_size=10),
    st.lists(st.one_of(listed, listed, listed, listed, listed, located, located, located, rare), min_size=3, max_size=30),
    st.one_of(st.none(), st.tuples(st.sampled_from(IDS[:8]), st.sampled_from(["seedco", "a"]))),
    st.sampled_from([("cvr-", 0), ("cvr-", 5), ("org-x", 0)]),  # ids shared with the other imports or not
)


def member_lists(drawn) -> list[Dataset]:
    out = []
    for i, (kinds, names, edges, link, (prefix, shift)) in enumerate(drawn):
        ds = Dataset(f"list{i}", "members")
        ids = [f"{prefix}{j + shift * i}" for j in range(10)]
        for j, (kind, name) in enumerate(zip(kinds, names)):
            ds.add_node(ids[j], kind=kind, name=name, file="m.csv", row=j + 2, country="DK")
        ds.add_node("kommune-1", kind="region", subtype="municipality", name="K1", file="m.csv", row=1)
        ds.add_node("p-1", kind="project", name="P1", year=2012, file="m.csv", row=1)
        ds.add_node("org-foo", kind="company", name="Foo 1", file="m.csv", row=99)
        ds.add_node("org-bar", kind="company", name="Bar 1", file="m.csv", row=98)
        for ref in (*CLUSTERS, "midt", "aarhus", "seedco"):
            ds.add_node(ref, kind="cluster_organisation", name=ref, ref=True)
        for start, type_, end, row_, year_ in edges:
            end = ids[int(end[4:])] if end.startswith("cvr-") and end[4:].isdigit() else end
            ds.add_edge(ids[start], type_, end, file="m.csv", row=row_, year=year_)
        if link:
            ds.links = {ids[int(link[0][4:])] if link[0][4:].isdigit() else link[0]: {"entity": link[1], "method": "name", "score": 100.0}}
        out.append(ds)
    return out


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
    assert merged.get("folded", 0) == n and folded.graph.get("folded") == whole.graph.get("folded")
    assert list(folded.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(folded.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert all(list(folded.pred[v]) == list(whole.pred[v]) for v in whole)
    assert {k: merged[k] for k in summary} == summary


@EXAMPLES
@given(
    drawn=st.lists(st.one_of(member_list, member_list, dataset), min_size=1, max_size=3),
    at_least=st.sampled_from([1, 2, 3]),
    as_of=st.sampled_from([None, 2015]),
    countries=st.sampled_from([None, ["DK"]]),
)
def test_members_stored_as_columns_fold_as_the_same_members_as_nodes(drawn, at_least, as_of, countries):
    made = lambda: [ds for x in drawn for ds in (member_lists if len(x) == 5 else datasets)([x])]  # noqa: E731
    stored = [ds.encode(fold_at=at_least) for ds in made()]
    assert [list(Dataset.decode(b).nodes.items()) for b in stored] == [list(Dataset.decode(ds.encode(fold_at=None)).nodes.items()) for ds in made()]
    assert [Dataset.decode(b).edges for b in stored] == [ds.edges for ds in made()]
    again = [Dataset.decode(b).encode(fold_at=at_least) for b in stored]  # stable once read back
    assert all(Dataset.decode(b, expand=False).encode() == b == Dataset.decode(b).encode(fold_at=at_least) for b in again)
    whole, folded = seed_graph(), seed_graph()
    try:
        summary = merge_datasets(whole, [Dataset.decode(b) for b in stored], as_of=as_of, countries=countries)
    except EcosystemError as err:  # no member has the country asked for: the same answer either way
        with pytest.raises(EcosystemError, match=re.escape(str(err))):
            merge_datasets(folded, [Dataset.decode(b, expand=False) for b in stored], as_of=as_of, countries=countries, fold_at=at_least)
        return
    n = fold_members(whole, at_least=at_least)
    merged = merge_datasets(folded, [Dataset.decode(b, expand=False) for b in stored], as_of=as_of, countries=countries, fold_at=at_least)
    assert merged.get("folded", 0) == n and folded.graph.get("folded") == whole.graph.get("folded")
    assert json.dumps(folded.graph.get("folded")) == json.dumps(whole.graph.get("folded"))  # in the same order too
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
