"""Overlap signals, communities and proposal rules on small hand-made graphs."""

import itertools
import json
import random

import networkx as nx
import pytest

from ecosystem import build_graph, load_seeds
from ecosystem.analysis import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    anchor_ranking,
    apply_proposals,
    combined_score,
    compare_with_recommendations,
    k_clique_communities,
    landscape_metrics,
    leagues,
    overlap_projection,
    pairwise_overlaps,
    partition_communities,
    propose,
    recommendations_of,
    requirement_gaps,
    signal_sets,
)
from ecosystem.analysis.requirements import firms_evidenced
from ecosystem.output.tables import proposal_rows, proposals_markdown


def eco():
    """Three food clusters that overlap, one energy cluster, a trade association."""
    G = nx.MultiDiGraph()
    for n, kind, sub in [
        ("food-a", "cluster_organisation", ""), ("food-b", "innovation_network", ""), ("food-c", "cluster_organisation", ""),
        ("energy", "cluster_organisation", ""), ("assoc", "trade_association", ""), ("uni", "knowledge_institution", "university"),
        ("firm1", "company", ""), ("firm2", "company", ""), ("firm3", "company", ""), ("firm4", "company", ""), ("prog", "programme", "programme"),
        ("food", "theme", ""), ("power", "theme", ""), ("proj", "project", ""), ("ecei-gold", "label", ""),
        ("region-midtjylland", "region", "region"), ("region-nordjylland", "region", "region"), ("danmark", "region", "area"),
        ("viborg", "public_authority", "municipality"),
    ]:
        G.add_node(n, kind=kind, subtype=sub, name=n.title())
    facts = [
        ("firm1", "MEMBER_OF", "food-a"), ("firm2", "MEMBER_OF", "food-a"), ("firm1", "MEMBER_OF", "food-b"),
        ("firm2", "MEMBER_OF", "food-b"), ("firm3", "MEMBER_OF", "food-c"), ("firm4", "MEMBER_OF", "energy"),
        ("food-a", "WORKS_IN", "food"), ("food-b", "WORKS_IN", "food"), ("food-c", "WORKS_IN", "food"),
        ("energy", "WORKS_IN", "power"), ("assoc", "WORKS_IN", "food"),
        ("uni", "PARTNER_OF", "food-a"), ("uni", "PARTNER_OF", "food-c"),
        ("food-a", "FUNDED_BY", "prog"), ("food-b", "FUNDED_BY", "prog"),
        ("food-a", "SERVES", "region-midtjylland"), ("food-b", "LOCATED_IN", "viborg"), ("viborg", "PART_OF", "region-midtjylland"),
        ("food-c", "SERVES", "region-nordjylland"), ("food-a", "SERVES", "danmark"),
        ("food-a", "COLLABORATES_WITH", "food-c"),
        ("food-b", "PARTICIPATES_IN", "proj"), ("food-c", "PARTICIPATES_IN", "proj"),
        ("food-a", "HOLDS", "ecei-gold"),
    ]
    for u, t, v in facts:
        G.add_edge(u, v, type=t, doc="d", quote=f"{u} {t} {v}")
    G.nodes["food-a"]["members"] = 120
    G.nodes["food-b"]["members"] = 90
    return G


def brute(G, signal):
    sets = signal_sets(G, signal)
    out = {}
    for a, b in itertools.combinations(sorted(sets), 2):
        inter = sets[a] & sets[b]
        if inter:
            out[(a, b)] = (len(inter), len(inter) / len(sets[a] | sets[b]), len(inter) / len(sets[a]), len(inter) / len(sets[b]))
    return out


@pytest.mark.parametrize("signal", list(SIGNALS))
def test_every_signal_matches_a_plain_set_computation(signal):
    G = eco()
    got = {(p["a"], p["b"]): p["signals"][signal] for p in pairwise_overlaps(G, signals=[signal]) if signal in p["signals"]}
    want = brute(G, signal)
    assert set(got) == set(want)
    for k, (sh, jac, cab, cba) in want.items():
        assert (got[k]["shared"], got[k]["jaccard"], got[k]["containment_ab"], got[k]["containment_ba"]) == (sh, pytest.approx(jac), pytest.approx(cab), pytest.approx(cba))


def test_signal_sets_by_hand():
    G = eco()
    assert signal_sets(G, "members")["food-a"] == {"firm1", "firm2"}
    assert signal_sets(G, "partners")["food-a"] == {"uni"}
    assert signal_sets(G, "funders")["food-b"] == {"prog"}
    assert signal_sets(G, "themes")["energy"] == {"power"}
    assert signal_sets(G, "regions")["food-b"] == {"region-midtjylland"}  # via the municipality
    assert signal_sets(G, "collaboration")["food-c"] == {"food-a", "food-c"}
    assert signal_sets(G, "projects")["food-c"] == {"proj"}


def test_containment_is_directional():
    G = eco()
    G.add_edge("firm1", "food-c", type="MEMBER_OF")
    p = next(p for p in pairwise_overlaps(G, signals=["members"]) if (p["a"], p["b"]) == ("food-a", "food-c"))
    # food-a {firm1, firm2}; food-c {firm3, firm1}: half of each inside the other
    assert p["signals"]["members"]["containment_ab"] == 0.5 and p["signals"]["members"]["containment_ba"] == 0.5
    G.remove_edge("firm3", "food-c")
    p = next(p for p in pairwise_overlaps(G, signals=["members"]) if (p["a"], p["b"]) == ("food-a", "food-c"))
    assert p["signals"]["members"]["containment_ab"] == 0.5 and p["signals"]["members"]["containment_ba"] == 1.0


def test_combined_score_is_the_weighted_mean_of_all_signals():
    sig = {"members": {"jaccard": 1.0}, "themes": {"jaccard": 0.5}}
    assert combined_score(sig, {"members": 2, "themes": 1, "regions": 1}) == pytest.approx((2 + 0.5) / 4)
    assert combined_score(sig) == pytest.approx((3 * 1.0 + 1.5 * 0.5) / sum(DEFAULT_WEIGHTS.values()))
    with pytest.raises(ValueError, match="add up to 0"):
        combined_score(sig, {"members": 0})


def test_unknown_weight_is_an_error():
    with pytest.raises(ValueError, match="unknown signal"):
        pairwise_overlaps(eco(), weights={"friendship": 1})


def test_trade_associations_are_never_members_of_a_proposal():
    out = propose(eco())
    members = {m["id"] for p in out["proposals"] for m in p["members"]}
    assert "assoc" not in members and members <= {"food-a", "food-b", "food-c", "energy"}
    assert "trade_association" in out["partner_kinds"]


def test_proposal_groups_the_food_clusters_and_keeps_energy_separate():
    out = propose(eco())
    (p,) = out["proposals"]
    assert [m["id"] for m in p["members"]] == ["food-a", "food-b", "food-c"]
    assert [k["id"] for k in out["kept_separate"]] == ["energy"]
    assert out["kept_separate"][0]["why"] == "shares nothing recorded with any other cluster organisation"


def test_anchor_prefers_national_reach_label_size():
    G = eco()
    ranking = anchor_ranking(G, ["food-a", "food-b", "food-c"])
    assert ranking[0]["id"] == "food-a" and ranking[0]["national"] and ranking[0]["label"] == "ecei-gold"
    p = propose(G)["proposals"][0]
    assert p["anchor"]["id"] == "food-a"
    assert "national reach" in p["anchor"]["why"] and "holds" in p["anchor"]["why"]


def test_hubs_cover_regions_the_anchor_does_not():
    p = propose(eco())["proposals"][0]
    claim = {"type": "SERVES", "via": "region-nordjylland", "via_name": "Region-Nordjylland", "doc": "d", "quote": "food-c SERVES region-nordjylland", "source": None}
    assert p["hubs"] == [{"id": "food-c", "name": "Food-C", "serves": ["region-nordjylland"], "serves_names": ["Region-Nordjylland"], "evidence": [claim]}]
    assert '- Food-C for Region-Nordjylland (serves Region-Nordjylland: [d] "food-c SERVES region-nordjylland")' in proposals_markdown(propose(eco()))


def test_a_hub_is_placed_by_where_it_is_located_before_what_it_serves():
    G = eco()
    G.add_node("kommune-0851", kind="public_authority", subtype="municipality", name="Aalborg Kommune")
    G.add_edge("kommune-0851", "region-nordjylland", type="LOCATED_IN")
    G.add_edge("food-c", "kommune-0851", type="LOCATED_IN", dataset="sf", file="sf.csv", row=9)
    (hub,) = propose(G)["proposals"][0]["hubs"]
    assert hub["evidence"] == [{"type": "LOCATED_IN", "via": "kommune-0851", "via_name": "Aalborg Kommune", "doc": None, "quote": None, "source": "sf: sf.csv row 9"}]
    assert "Food-C for Region-Nordjylland (located in Aalborg Kommune: sf: sf.csv row 9)" in proposals_markdown(propose(G))


def test_critical_mass_against_the_benchmark():
    G = eco()
    p = propose(G)["proposals"][0]
    members = [m["id"] for m in p["members"]]
    uncounted = [m for m in members if not G.nodes[m].get("members")]
    assert p["critical_mass"]["stated_members"] == 210 and len(uncounted) == 1
    # the third states no count, but a firm is recorded as its member: at least 211
    assert p["critical_mass"]["verdict"] == "within the benchmark or above it (counting lower bounds)"
    assert p["critical_mass"]["at_least"] == 211
    G.nodes[uncounted[0]]["members"] = 30
    assert propose(G)["proposals"][0]["critical_mass"]["verdict"] == "within the benchmark"
    G.nodes[uncounted[0]]["members"] = 100
    assert propose(G)["proposals"][0]["critical_mass"]["verdict"] == "above the benchmark"
    for m in members:
        G.nodes[m]["members"] = 10
    assert propose(G)["proposals"][0]["critical_mass"]["verdict"] == "below the benchmark"
    del G.nodes[members[0]]["members"]
    cm = propose(G)["proposals"][0]["critical_mass"]
    assert cm["verdict"] == f"below the benchmark on what is recorded: at least {cm['at_least']} firms, but the firms recorded are a lower bound"
    del G.nodes[members[1]]["members"]
    G.remove_edges_from([(u, v) for u, v, t in G.edges(data="type") if t == "MEMBER_OF"])
    assert propose(G)["proposals"][0]["critical_mass"]["verdict"] == "below the benchmark on what is recorded: at least 10 firms, but 2 of 3 members have neither a stated count nor firms recorded"


def test_critical_mass_counts_the_firms_in_an_organisations_projects_as_a_lower_bound():
    G = eco()
    members = [m["id"] for m in propose(G)["proposals"][0]["members"]]
    for m in members:
        G.nodes[m]["members"] = 40
    bare = members[0]
    del G.nodes[bare]["members"]
    before = firms_evidenced(G, bare)["firms"]
    G.add_node("joint", kind="project", name="A joint project", dataset="sf", file="sf.csv", row=7, imported=True)
    G.add_edge(bare, "joint", type="PARTICIPATES_IN")
    for i in range(200):  # 200 firms in its project, one of them twice, and a university that is no firm
        G.add_node(f"firm-{i}", kind="company", name=f"Firm {i}")
        G.add_edge(f"firm-{i}", "joint", type="PARTICIPATES_IN")
    G.add_edge("firm-0", "joint", type="PARTICIPATES_IN")
    G.add_edge("uni", "joint", type="PARTICIPATES_IN")
    cm = propose(G)["proposals"][0]["critical_mass"]
    assert cm["at_least"] == 80 + before + 200 and cm["verdict"] == "above the benchmark (counting lower bounds)"
    figure = cm["figures"][bare]
    assert figure["figure"] == "firms recorded (lower bound)" and figure["value"] == before + 200
    assert figure["projects"] == [{"id": "joint", "name": "A joint project", "firms": 200, "source": "sf: sf.csv row 7"}]
    assert cm["figures"][members[1]] == {"figure": "stated member count", "value": 40}
    assert f"`{bare}`: at least {before + 200} firms: {before} listed as members, the others in its 1 project, e.g. A joint project (200 firms; sf: sf.csv row 7)" in proposals_markdown(propose(G))


def test_a_firm_in_the_projects_of_two_members_counts_once_towards_critical_mass():
    G = eco()
    members = [m["id"] for m in propose(G)["proposals"][0]["members"]]
    for m in members:
        G.nodes[m].pop("members", None)
    G.remove_edges_from([(u, v) for u, v, t in G.edges(data="type") if t == "MEMBER_OF"])
    for i, m in enumerate(members[:2]):
        G.add_node(f"p{i}", kind="project", name=f"Project {i}")
        G.add_edge(m, f"p{i}", type="PARTICIPATES_IN")
        for f in range(100):  # the same 100 firms in both projects
            G.add_node(f"firm-{f}", kind="company", name=f"Firm {f}")
            G.add_edge(f"firm-{f}", f"p{i}", type="PARTICIPATES_IN")
    cm = propose(G)["proposals"][0]["critical_mass"]
    assert [cm["figures"][m]["value"] for m in members[:2]] == [100, 100]
    assert cm["at_least"] == 100 and cm["verdict"].startswith("below the benchmark on what is recorded: at least 100 firms")


def test_requirement_gaps():
    G = eco()
    gaps = {r["requirement"]: r["status"] for r in requirement_gaps(G, ["food-b", "food-c"], "food-b")}
    # no Gold recorded is not evidence of no Gold (nor of no plan); two regions are evidence of a regional reach
    assert gaps["ecei-gold-or-plan"] == "unknown" and gaps["national-accessibility"] == "gap"
    assert {r["requirement"]: r["status"] for r in requirement_gaps(G, ["energy"])}["national-accessibility"] == "unknown"
    assert gaps["board-companies-and-knowledge-institutions"] == "met"
    gaps = {r["requirement"]: r["status"] for r in requirement_gaps(G, ["food-a"], "food-a")}
    assert gaps["ecei-gold-or-plan"] == "met" and gaps["national-accessibility"] == "met"
    G.nodes["food-a"]["cvr"] = "12345678"
    assert requirement_gaps(G, ["food-a"])[0]["status"] == "met"


def test_evidence_carries_quotes():
    p = propose(eco())["proposals"][0]
    assert p["evidence"] and all(e["quote"] and e["doc"] for e in p["evidence"])


def test_leagues_from_labels():
    assert leagues(eco())["food-a"] == 1 and leagues(eco())["energy"] is None


def test_communities_stable_and_overlapping():
    P = nx.Graph()
    P.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", 1), ("d", "e", 1), ("c", "e", 1)])
    kc = k_clique_communities(P, 3)
    assert kc == {"kclique-1": ["a", "b", "c"], "kclique-2": ["c", "d", "e"]}  # c in both
    assert partition_communities(P, method="louvain") == partition_communities(P, method="louvain")


def test_leiden_when_installed():
    pytest.importorskip("leidenalg")
    P = overlap_projection(eco(), min_score=0.1)
    a = partition_communities(P, method="leiden")
    assert a == partition_communities(P, method="leiden")
    assert ["food-a", "food-b", "food-c"] in a.values()


def test_whatif_merges_and_reports():
    G = eco()
    out = propose(G)
    H = apply_proposals(G, out["proposals"])
    before, after = landscape_metrics(G), landscape_metrics(H)
    assert (before["organisations"], after["organisations"]) == (4, 2)
    # food-a serves Danmark (national reach): the food theme covers all five regions, before and after
    assert before["regions_per_theme"] == {"Food": 5, "Power": 0} and after["regions_per_theme"] == {"Food": 5, "Power": 0}
    G.remove_edge("food-a", "danmark")
    assert landscape_metrics(G)["regions_per_theme"] == {"Food": 2, "Power": 0}
    assert after["total_pairwise_overlap"] < before["total_pairwise_overlap"]
    assert "Food" in before["themes_with_several_organisations"] and "Food" not in after["themes_with_several_organisations"]
    assert H.has_edge("firm3", "food-a") and not H.has_edge("firm4", "food-a") and H.nodes["food-a"]["merged"] == ["food-b", "food-c"]


def test_comparison_verdicts():
    G = eco()
    out = propose(G)
    recs = [
        {"id": "r1", "action": "merge", "status": "recommended", "members": ["food-a", "food-b"], "anchor": "", "doc": "d", "quote": "q"},
        {"id": "r2", "action": "merge", "status": "considered", "members": ["food-a", "energy"], "anchor": "", "doc": "d", "quote": "q"},
        {"id": "r3", "action": "dialogue", "status": "decided", "members": ["food-a", "assoc"], "anchor": "", "doc": "d", "quote": "q"},
    ]
    got = {c["recommendation"]: c for c in compare_with_recommendations(G, out, recs)}
    assert got["r1"]["verdict"] == "agree"
    assert got["r2"]["verdict"] == "differ"
    assert any("Assoc is a trade association" in r for r in got["r3"]["reasons"])


def test_sparse_overlap_matches_networkx_on_random_graphs():
    rng = random.Random(7)
    for _ in range(5):
        G = nx.MultiDiGraph()
        orgs = [f"c{i}" for i in range(12)]
        firms = [f"f{i}" for i in range(30)]
        G.add_nodes_from(orgs, kind="cluster_organisation")
        G.add_nodes_from(firms, kind="company")
        for f in firms:
            for c in rng.sample(orgs, rng.randint(0, 4)):
                G.add_edge(f, c, type="MEMBER_OF")
        B = nx.Graph((f, c) for f, c in G.edges() if True)
        B.add_nodes_from(orgs)
        proj = nx.bipartite.overlap_weighted_projected_graph(B, orgs, jaccard=True)
        got = {(p["a"], p["b"]): p["signals"]["members"]["jaccard"] for p in pairwise_overlaps(G, signals=["members"])}
        want = {tuple(sorted((u, v))): w for u, v, w in proj.edges(data="weight")}
        assert got.keys() == want.keys()
        for k in want:
            assert got[k] == pytest.approx(want[k])


def test_proposals_on_the_seeds_are_deterministic_and_independent_of_the_recommendations(tmp_path):
    import shutil

    from ecosystem.evidence.seeds import default_seeds_dir

    a = json.dumps(propose(build_graph()), sort_keys=True)
    assert a == json.dumps(propose(build_graph()), sort_keys=True)
    seeds = tmp_path / "seeds"
    shutil.copytree(default_seeds_dir(), seeds)
    (seeds / "recommendations.csv").write_text("id,action,members,anchor,hubs,status,year,doc,quote\n", encoding="utf-8")
    assert load_seeds(seeds).recommendations == []
    assert json.dumps(propose(build_graph(seeds)), sort_keys=True) == a


def test_seed_proposals_make_sense():
    """The documents' three big consolidations come out of the facts alone."""
    G = build_graph()
    out = propose(G)
    groups = [{m["id"] for m in p["members"]} for p in out["proposals"]]
    assert any({"danish-food-cluster", "foodnetwork", "future-food-innovation"} <= g for g in groups)
    assert any({"mtic", "welfare-tech", "life-science-innovation-north-denmark"} <= g for g in groups)
    comparison = {c["recommendation"]: c for c in compare_with_recommendations(G, out, recommendations_of(load_seeds()))}
    assert comparison["food-national-cluster-structure-2017"]["verdict"] == "agree"
    assert comparison["health-welfare-national-cluster-structure-2017"]["verdict"] == "agree"
    # The materials merger rests only on the sentence that recommends it, which the facts
    # may not use: the analysis keeps the three apart and says why, with the numbers.
    alu = comparison["alucluster-plastcluster-staalklyngen-merger-2012"]
    assert alu["verdict"] == "differ"
    assert any(r.startswith("overlap AluCluster – PlastCluster: ") for r in alu["reasons"])


def test_each_region_gets_one_hub_preferring_the_member_located_there():
    G = eco()
    G.add_edge("food-b", "region-nordjylland", type="SERVES")  # food-b now serves two regions
    G.add_edge("food-c", "region-nordjylland", type="LOCATED_IN")
    p = propose(G)["proposals"][0]
    regions = [r for h in p["hubs"] for r in h["serves"]]
    assert len(regions) == len(set(regions))
    assert {h["id"]: h["serves"] for h in p["hubs"]} == {"food-c": ["region-nordjylland"]}


def test_board_requirement_is_unknown_without_companies_or_institutions_around():
    G = eco()
    (check,) = [r for r in requirement_gaps(G, ["energy"], "energy") if r["requirement"] == "board-companies-and-knowledge-institutions"]
    assert check == {"requirement": "board-companies-and-knowledge-institutions", "status": "unknown",
                     "detail": "none recorded among members and partners: knowledge institution"}


def test_anchor_tie_goes_to_the_innovation_network():
    G = nx.MultiDiGraph()
    G.add_node("b-cluster", kind="cluster_organisation")
    G.add_node("a-network", kind="innovation_network")
    assert [r["id"] for r in anchor_ranking(G, ["a-network", "b-cluster"])] == ["a-network", "b-cluster"]
    G.nodes["a-network"]["kind"] = "cluster_organisation"
    assert [r["id"] for r in anchor_ranking(G, ["b-cluster", "a-network"])] == ["a-network", "b-cluster"]  # then by id
    G.nodes["b-cluster"]["kind"] = "innovation_network"
    assert anchor_ranking(G, ["a-network", "b-cluster"])[0]["id"] == "b-cluster"


def test_a_hub_located_in_a_municipality_counts_for_its_region():
    G = eco()
    G.add_node("aalborg", kind="public_authority", subtype="municipality", name="Aalborg")
    G.add_edge("aalborg", "region-nordjylland", type="PART_OF")
    G.add_edge("food-b", "aalborg", type="LOCATED_IN")  # food-b: Midtjylland (Viborg) and Nordjylland (Aalborg)
    p = propose(G)["proposals"][0]
    assert {h["id"]: h["serves"] for h in p["hubs"]} == {"food-b": ["region-nordjylland"]}


def test_size_counts_distinct_members_not_facts():
    G = eco()
    G.add_edge("firm3", "food-c", type="MEMBER_OF", doc="d2", quote="firm3 again")
    assert {r["id"]: r["size"] for r in anchor_ranking(G, ["food-b", "food-c"])} == {"food-b": 90, "food-c": 1}


def test_comparison_follows_renames_and_mergers():
    G = eco()
    G.nodes["food-a"]["former"] = ["old-food"]
    recs = [{"id": "r1", "action": "merge", "status": "recommended", "members": ["old-food", "food-b"], "anchor": "old-food", "doc": "d", "quote": "q"}]
    (got,) = compare_with_recommendations(G, propose(G), recs)
    assert got["verdict"] == "agree"
    assert "old-food is now Food-A" in got["reasons"] and not any("not in this graph" in r for r in got["reasons"])
    assert "anchor: the documents name Food-A, the analysis Food-A (consistent)" in got["reasons"]


def test_a_different_anchor_keeps_a_comparison_from_agreeing():
    G = eco()
    out = propose(G)
    rec = {"id": "r", "action": "merge", "status": "recommended", "members": ["food-a", "food-b"], "doc": "d", "quote": "q"}
    verdicts = {anchor: compare_with_recommendations(G, out, [{**rec, "anchor": anchor}])[0] for anchor in ("food-a", "food-b", "region-midtjylland", "region-nordjylland")}
    assert verdicts["food-a"]["verdict"] == "agree"
    assert verdicts["food-b"]["verdict"] == "partial"
    assert "anchor: the documents name Food-B, the analysis Food-A (different)" in verdicts["food-b"]["reasons"]
    assert verdicts["region-midtjylland"]["verdict"] == "agree"  # food-a serves Midtjylland
    assert verdicts["region-nordjylland"]["verdict"] == "partial"


def test_a_group_on_broad_signals_only_carries_a_caution():
    G = eco()
    out = propose(G)
    assert out["proposals"][0]["caution"] == ""
    H = nx.MultiDiGraph()
    H.add_nodes_from(["x", "y"], kind="cluster_organisation")
    H.add_node("t", kind="theme")
    H.add_edges_from([("x", "t"), ("y", "t")], type="WORKS_IN", doc="d", quote="q")
    (p,) = propose(H)["proposals"]
    assert p["caution"].startswith("rests on broad signals only (themes)")
    assert "tied at" in p["anchor"]["why"] and p["anchor"]["id"] == "x"


def test_with_chosen_signals_the_score_is_theirs_alone():
    G = build_graph()
    for signal in ("partners", "funders", "themes"):
        pairs = pairwise_overlaps(G, signals=[signal])
        assert pairs and all(p["score"] == pytest.approx(p["signals"][signal]["jaccard"]) for p in pairs)
    two = pairwise_overlaps(G, signals=["themes", "regions"])
    w = DEFAULT_WEIGHTS
    for p in two[:20]:
        expected = sum(w[s] * p["signals"].get(s, {}).get("jaccard", 0.0) for s in ("themes", "regions")) / (w["themes"] + w["regions"])
        assert p["score"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="unknown signal"):
        pairwise_overlaps(G, signals=["nope"])


def test_an_organisation_of_another_kind_that_leads_the_members_projects_is_their_operator():
    G = eco()
    for lead, kind, projects, partner in [
        ("park", "knowledge_institution", ["p1", "p2"], "food-b"),  # leads two with a member: operator
        ("gts", "knowledge_institution", ["p3"], "food-b"),  # leads one: not enough
        ("region-midtjylland", "region", ["p4", "p5"], "food-b"),  # a region runs a pool: never an operator
        ("energy-park", "knowledge_institution", ["p6", "p7"], "energy"),  # operator of a kept-separate organisation
    ]:
        G.add_node(lead, kind=kind, name=lead.title())
        for p in projects:
            G.add_node(p, kind="project", name=p.upper(), dataset="sf", file="sf.csv", row=int(p[1]))
            G.add_edge(lead, p, type="PARTICIPATES_IN", role="beneficiary")
            G.add_edge(partner, p, type="PARTICIPATES_IN", role="partner")
    result = propose(G)
    p = next(p for p in result["proposals"] if "food-b" in {m["id"] for m in p["members"]})
    assert [(o["id"], o["role"], o["projects"], o["for"]) for o in p["operators"]] == [("park", "operator", 2, ["food-b"])]
    assert [e["source"] for e in p["operators"][0]["evidence"]] == ["sf: sf.csv row 1", "sf: sf.csv row 2"]
    kept = {k["id"]: k for k in result["kept_separate"]}
    assert "energy" in kept and kept["energy-park"]["operator"]["for"] == ["energy"]
    assert kept["energy-park"]["why"] == "operator (leads 2 projects with Energy as partner), but they are kept separate"
    rows = [r for r in proposal_rows(result) if r["role"] == "operator"]
    assert [(r["member"], r["proposal"]) for r in rows] == [("park", p["id"])]
    assert "- Park (`park`, knowledge institution): operator, leads 2 projects with Food-B as partner: P1 (sf: sf.csv row 1)" in proposals_markdown(result)
    # a member that leads the project itself makes no operator of the others
    G.add_edge("food-b", "p1", type="PARTICIPATES_IN", role="lead")
    G.remove_edges_from([("food-b", "p1", k) for k, d in G.get_edge_data("food-b", "p1").items() if d["role"] == "partner"])
    p = next(p for p in propose(G)["proposals"] if "food-b" in {m["id"] for m in p["members"]})
    assert p["operators"] == []


def test_the_cvr_requirement_names_where_the_cvr_comes_from():
    G = eco()
    G.nodes["food-a"].update(cvr="12345678", cvr_doc="structural-funds-2007-2013")
    check = requirement_gaps(G, ["food-a", "food-b"], "food-a")[0]
    assert check["status"] == "met" and check["detail"] == "built on Food-A (CVR 12345678; source: structural-funds-2007-2013)"
    assert requirement_gaps(G, ["food-b"], "food-b")[0]["status"] == "unknown"
