"""Importing real data: the importers, entity resolution, the store, geography, the CLI.

Fixtures under tests/fixtures/imports/ are cut from ../shared/data (see its README);
bad/ holds one broken file per way a file can be broken, with the expected messages.
"""

import csv
import gzip
import json
import math
import os
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import ecosystem.geo as geo
from ecosystem import build_graph, files
from ecosystem.analysis import signal_sets
from ecosystem.cli import cli
from ecosystem.errors import EcosystemError, ImportFailed
from ecosystem.ingest import (
    ACCEPT,
    REVIEW,
    UnknownImport,
    add_imports,
    import_cordis,
    import_members,
    import_structural_funds,
    list_imports,
    load_import,
    normalise_name,
    read_review,
    remove_import,
    resolve,
    save_import,
    write_review,
)
from ecosystem.ingest.merge import merge_datasets
from tools.coparticipation import coparticipation, coparticipation_communities

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "imports"
BAD = FIX / "bad"
PARTICIPATIONS = FIX / "h2020_participations.csv.gz"
ORGANISATIONS = FIX / "h2020_organisations.csv"
SF_2007 = FIX / "erdf_esf_2007_2013.csv"
SF_2014 = FIX / "erdf_esf_2014_2020.csv"
MEMBERS = FIX / "members.csv"

needs_geo = pytest.mark.skipif(not (geo.GEO_DIR / "kommuner.topojson").exists(), reason=f"no boundary files in {geo.GEO_DIR}")


@pytest.fixture(scope="module")
def G():
    return build_graph()


def snapshot(folder: Path) -> dict:
    """Every file under folder with its bytes, to compare a store before and after."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def edges(ds, type_):
    return [e for e in ds.edges if e["type"] == type_]


# -- importers -------------------------------------------------------------------------------


@needs_geo
def test_cordis_projects_organisations_programmes_and_places():
    ds = import_cordis(PARTICIPATIONS, ORGANISATIONS)
    rows = read_csv(PARTICIPATIONS)
    assert len(edges(ds, "PARTICIPATES_IN")) == len(rows)
    assert {n for n in ds.nodes if n.startswith("h2020-")} == {f"h2020-{r['rcn']}" for r in rows}
    pics = {d["pic"] for d in ds.nodes.values() if d.get("pic")}
    assert pics == {r["pic"] for r in rows}

    aau = ds.nodes["cvr-29102384"]  # named, and keyed by its CVR from vatNumber
    assert (aau["name"], aau["kind"], aau["subtype"], aau["pic"]) == ("AALBORG UNIVERSITET", "knowledge_institution", "university", "999904034")
    located = {e["end"]: e for e in edges(ds, "LOCATED_IN") if e["start"] == "cvr-29102384"}
    assert list(located) == ["kommune-0851"] and located["kommune-0851"]["method"] == "coordinates"
    assert ("kommune-0851", "region-nordjylland") in {(e["start"], e["end"]) for e in edges(ds, "LOCATED_IN")}
    assert ds.nodes["region-nordjylland"]["nuts"] == "DK05"

    unnamed = next(d for n, d in ds.nodes.items() if n.startswith("pic-") and not d["named"])
    assert unnamed["name"].startswith("PIC ")
    part = next(e for e in edges(ds, "PARTICIPATES_IN") if e["start"] == "cvr-29102384")
    assert part["role"] in ("coordinator", "participant", "partner") and part["amount_unit"] == "EUR"
    assert part["file"] == "h2020_participations.csv.gz" and part["row"] >= 2
    funded = {e["end"] for e in edges(ds, "FUNDED_BY")}
    assert funded and all(f.startswith("horizon-2020") for f in funded)
    assert {(e["start"], e["end"]) for e in edges(ds, "PART_OF")} == {(f, "horizon-2020") for f in funded if f != "horizon-2020"}


@needs_geo
def test_structural_funds_2007_format_is_told_from_the_header():
    ds = import_structural_funds(SF_2007)
    assert (ds.name, ds.source) == ("structural-funds-2007-2013", "structural_funds_2007_2013")
    assert len([n for n, d in ds.nodes.items() if d["kind"] == "project"]) == 6
    alu = ds.nodes["cvr-26507138"]
    assert alu["name"] == "AluCluster" and alu["cvr"] == "26507138"
    pools = {ds.nodes[e["end"]]["name"] for e in edges(ds, "FUNDED_BY")}
    assert all(p.startswith(("ERDF ", "ESF ")) and p.endswith(" 2007-2013") for p in pools)
    assert {e["end"] for e in edges(ds, "PART_OF")} <= {"regionalfonden", "socialfonden", "eu-strukturfondene"}
    roles = {e["role"] for e in edges(ds, "PARTICIPATES_IN")}
    assert roles == {"beneficiary", "partner"}
    partners = {ds.nodes[e["start"]]["name"] for e in edges(ds, "PARTICIPATES_IN") if e["role"] == "partner"}
    assert {"Erhverv Silkeborg", "Syddansk Universitet", "Lyngsoe Systems A/S"} <= partners
    # "Aarhus N" is a postal district of Aarhus; Teknologisk Institut sits in Taastrup.
    towns = {e["start"]: e["end"] for e in edges(ds, "LOCATED_IN") if e["start"].startswith("cvr-")}
    assert towns["cvr-29102384"] == "kommune-0851"


@needs_geo
def test_structural_funds_2014_format_with_utm_coordinates():
    ds = import_structural_funds(SF_2014)
    assert ds.source == "structural_funds_2014_2020"
    placed = {(e["start"], e["end"], e.get("method")) for e in edges(ds, "LOCATED_IN") if e["start"].startswith("org-")}
    assert ("org-vaeksthus-nordjylland", "kommune-0851", "coordinates") in placed  # Aalborg Øst
    assert ("org-decideact-management", "kommune-0400", "coordinates") in placed  # Nexø, Bornholm, far east of zone 32
    assert ("org-kobenhavns-universitet", "kommune-0101", "town") in placed  # no coordinates: its town
    amounts = [e["amount"] for e in edges(ds, "PARTICIPATES_IN") if e["role"] == "beneficiary"]
    assert all(a > 10_000 for a in amounts)  # 1.234.567 is DKK with thousands dots


def test_members_list(G):
    ds = import_members(MEMBERS, G=G)
    assert ds.name == "members-members"
    member_of = {(e["start"], e["end"]) for e in edges(ds, "MEMBER_OF")}
    assert ("cvr-31119103", "danish-food-cluster") in member_of
    assert ("cvr-27229379", "danish-food-cluster") in member_of  # "DK 27229379"
    assert ("org-danfoss-drives", "welfare-tech") in member_of
    assert ds.nodes["danish-food-cluster"]["ref"] is True


# -- bad input ---------------------------------------------------------------------------------

BAD_CASES = read_csv(BAD / "expected.csv")


@pytest.mark.parametrize("case", BAD_CASES, ids=[c["file"] for c in BAD_CASES])
def test_bad_input_names_file_line_and_column(case, G):
    path = BAD / case["file"]
    read = {
        "cordis": lambda: import_cordis(path),
        "structural-funds": lambda: import_structural_funds(path),
        "members": lambda: import_members(path, G=G),
    }[case["importer"]]
    with pytest.raises(ImportFailed) as info:
        read()
    assert str(info.value).replace(str(BAD) + os.sep, "") == case["message"]
    assert info.value.file == str(path) and info.value.line >= 1 and info.value.column >= 1


def test_bad_input_through_the_cli_imports_nothing(tmp_path):
    home = tmp_path / "home"
    CliRunner().invoke(cli, ["import", "structural-funds", str(SF_2007), "--home", str(home)])
    before = snapshot(home)
    result = CliRunner().invoke(cli, ["import", "cordis", str(BAD / "truncated.csv.gz"), "--home", str(home)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "truncated.csv.gz:27:38: the gzip data ends early" in result.output
    assert snapshot(home) == before


def test_the_organisations_file_in_place_of_the_participations_says_which_is_which():
    with pytest.raises(ImportFailed, match=r"h2020_organisations.csv:1: this is a CORDIS organisations file, not a participations file .*--organisations h2020_organisations.csv"):
        import_cordis(ORGANISATIONS)


def test_a_file_without_rows_does_not_replace_a_stored_import(tmp_path):
    home = tmp_path / "home"
    first = CliRunner().invoke(cli, ["import", "structural-funds", str(SF_2007), "--home", str(home)])
    assert first.exit_code == 0 and "replaced" not in first.output
    before = snapshot(home)
    header_only = tmp_path / SF_2007.name
    header_only.write_text(SF_2007.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "structural-funds", str(header_only), "--home", str(home)])
    assert result.exit_code == 1 and "no data rows, nothing imported" in result.output
    assert snapshot(home) == before
    again = CliRunner().invoke(cli, ["import", "structural-funds", str(SF_2007), "--home", str(home)])
    assert again.exit_code == 0 and again.output.startswith("replaced the earlier import 'structural-funds-2007-2013'")


# -- personal data -----------------------------------------------------------------------------


def test_personal_data_columns_are_never_imported(tmp_path, G):
    ds = import_members(FIX / "members_personal.csv", G=G)
    assert ds.dropped_columns == ["Kontaktperson", "E-mail", "Telefon"]
    save_import(ds, home=tmp_path, G=G)
    stored = b"".join(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in (b"Jens", b"Testesen", b"example.dk", b"12 34 56 78"):
        assert secret not in stored


@needs_geo
def test_personal_data_column_in_a_structural_funds_file(tmp_path):
    with open(SF_2014, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append("Kontaktperson / Contact person")
    rows[1:] = [r + ["Jens Testesen, jt@example.dk, tlf. 12 34 56 78"] for r in rows[1:]]
    path = tmp_path / "with_contact.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    ds = import_structural_funds(path)
    assert ds.dropped_columns == ["Kontaktperson / Contact person"]
    assert "Testesen" not in json.dumps([ds.nodes, ds.edges], ensure_ascii=False)


# -- entity resolution -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("LANDBRUG & FODEVARER F.M.B.A.", "Landbrug og Fødevarer"),
        ("AARHUS UNIVERSITY", "Aarhus Universitet"),
        ("Århus Universitet", "AARHUS UNIVERSITET"),
        ("COWI A/S", "Cowi"),
        ("Den Erhvervsdrivende Fond Dansk Skaldyrcenter", "Dansk Skaldyrcenter"),
        ("Fonden Offshore Center Danmark", "Offshore Center Danmark"),
        ("KOBENHAVNS UNIVERSITET", "Københavns Universitet"),
        ("Brüggemann ApS", "BRUGGEMANN APS"),
    ],
)
def test_normalised_names_agree(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.fixture
def seeds():
    H = nx.MultiDiGraph()
    H.add_node("danfoss", kind="company", name="Danfoss", aliases=[], cvr="20165715")
    H.add_node("au", kind="knowledge_institution", name="Aarhus Universitet", aliases=["AU"], pic="999997736")
    H.add_node("alexandra", kind="knowledge_institution", name="Alexandra Instituttet", aliases=["Alexandra"])
    H.add_node("vaeksthus-midt", kind="support_organisation", name="Væksthus Midtjylland", aliases=[])
    H.add_node("odense-kommune", kind="public_authority", subtype="municipality", name="Odense Kommune", aliases=[])
    H.add_node("fc", kind="cluster_organisation", name="Food Cluster", aliases=[])
    return H


RECORDS = {
    "cvr-20165715": {"name": "DANFOSS DRIVES A/S", "cvr": "20165715"},  # CVR wins over the name
    "pic-999997736": {"name": "PIC 999997736", "pic": "999997736", "named": False},
    "org-alexandra-instituttet": {"name": "Alexandra Instituttet A/S"},
    "org-vaeksthus-sjaelland": {"name": "Væksthus Sjælland"},  # 80-92: review, not linked
    "kommune-0461": {"name": "Odense Kommune", "aliases": ["Odense"], "subtype": "municipality"},
    "kommune-0746": {"name": "Skanderborg Kommune", "aliases": ["Skanderborg"], "subtype": "municipality"},
    "pic-1": {"name": "AARHUS UNIVERSITY HOSPITAL", "country": "DK"},
    "pic-2": {"name": "ALEXANDRA INSTITUTE GMBH", "country": "DE"},  # abroad: exact names only
}


def test_resolution_by_cvr_pic_and_name(seeds):
    r = resolve(RECORDS, seeds)
    got = {k: (v.entity, v.method) for k, v in r.links.items()}
    assert got == {
        "cvr-20165715": ("danfoss", "cvr"),
        "pic-999997736": ("au", "pic"),
        "org-alexandra-instituttet": ("alexandra", "name"),
        "kommune-0461": ("odense-kommune", "name"),
    }
    assert r.links["org-alexandra-instituttet"].score >= ACCEPT


def test_review_band_is_reported_not_merged(seeds):
    r = resolve(RECORDS, seeds)
    review = {(c.imported_id, c.candidate_id) for c in r.review}
    assert ("org-vaeksthus-sjaelland", "vaeksthus-midt") in review
    assert "org-vaeksthus-sjaelland" not in r.links
    assert all(REVIEW <= c.score < ACCEPT for c in r.review)
    assert not any(c.imported_id.startswith(("kommune-", "pic-2")) for c in r.review)


def test_review_file_fed_back(tmp_path, seeds):
    first = resolve(RECORDS, seeds)
    path = write_review(first.review, tmp_path / "review.csv")
    rows = read_csv(path)
    for row in rows:
        row["decision"] = {"org-vaeksthus-sjaelland": "reject", "pic-1": "accept"}.get(row["imported_id"], "")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    decisions = read_review(path, seeds)
    second = resolve(RECORDS, seeds, decisions=decisions)
    assert "org-vaeksthus-sjaelland" not in second.links
    assert not any(c.imported_id == "org-vaeksthus-sjaelland" for c in second.review)  # rejected: not asked again
    if any(c.imported_id == "pic-1" for c in first.review):
        assert second.links["pic-1"].method == "review"
    # another id in the decision column links there
    override = resolve(RECORDS, seeds, decisions={"org-vaeksthus-sjaelland": [("vaeksthus-midt", "fc")]})
    assert (override.links["org-vaeksthus-sjaelland"].entity, override.links["org-vaeksthus-sjaelland"].method) == ("fc", "review")


def test_review_file_with_an_unknown_id_fails_with_its_position(tmp_path, seeds):
    path = tmp_path / "review.csv"
    path.write_text(
        "imported_id,imported_name,cvr,pic,candidate_id,candidate_name,score,decision\nx,X,,,fc,Food Cluster,85,no-such-id\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed, match=r"review.csv:2:8: decision 'no-such-id' is not an entity id"):
        read_review(path, seeds)


def test_dedupe_partners_named_like_a_beneficiary():
    ds = import_structural_funds(SF_2007) if (geo.GEO_DIR / "kommuner.topojson").exists() else None
    if ds is None:
        pytest.skip("no boundary files")
    # Every organisation with a CVR appears once, and no name-only node shares its name.
    names = {normalise_name(d["name"]) for n, d in ds.nodes.items() if n.startswith("cvr-")}
    assert not [n for n, d in ds.nodes.items() if n.startswith("org-") and normalise_name(d["name"]) in names]


# -- the store and the graph -------------------------------------------------------------------


@needs_geo
def test_save_list_load_remove(tmp_path, G):
    entry = save_import(import_structural_funds(SF_2007), home=tmp_path, G=G)
    assert entry["links"]["name"] >= 4 and Path(entry["review_file"]).exists()
    assert [e["name"] for e in list_imports(tmp_path)] == ["structural-funds-2007-2013"]
    ds = load_import("structural-funds-2007-2013", tmp_path)
    assert ds.links["cvr-26507138"] == {"entity": "alucluster", "method": "name", "score": 100.0}
    removed = remove_import("structural-funds-2007-2013", tmp_path)
    assert removed["name"] == "structural-funds-2007-2013"
    assert list_imports(tmp_path) == []
    assert sorted(p.name for p in (tmp_path / "imports").iterdir()) == [".lock", "manifest.json"]
    with pytest.raises(UnknownImport, match="no import named 'nope'"):
        remove_import("nope", tmp_path)


@needs_geo
def test_a_failing_write_leaves_the_store_as_it_was(tmp_path, G, monkeypatch):
    save_import(import_structural_funds(SF_2007), home=tmp_path, G=G)
    before = snapshot(tmp_path)
    real = files.write_atomically

    def fail_on_manifest(path, data):
        if path.name == "manifest.json":
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(files, "write_atomically", fail_on_manifest)
    with pytest.raises(OSError, match="disk full"):
        save_import(import_structural_funds(SF_2014), home=tmp_path, G=G)
    with pytest.raises(OSError, match="disk full"):  # replacing an import fails just as cleanly
        save_import(import_structural_funds(SF_2007, name="structural-funds-2007-2013"), home=tmp_path, G=build_graph(HERE / "fixtures" / "minimal"))
    assert snapshot(tmp_path) == before


@needs_geo
def test_replacing_an_import_removes_the_old_file(tmp_path, G):
    first = save_import(import_structural_funds(SF_2007), home=tmp_path, G=G)
    second = save_import(import_structural_funds(SF_2007), home=tmp_path, G=build_graph(HERE / "fixtures" / "minimal"))
    files = {p.name for p in (tmp_path / "imports").iterdir()}
    assert Path(second["review_file"]).name in files
    if first["data_file"] != second["data_file"]:
        assert first["data_file"] not in files


@needs_geo
def test_add_imports_links_to_seeds_and_feeds_the_coparticipation_signal(tmp_path, G):
    save_import(import_structural_funds(SF_2007), home=tmp_path, G=G)
    save_import(import_members(MEMBERS, G=G), home=tmp_path, G=G)
    H = build_graph()
    summary = add_imports(H, home=tmp_path)
    assert summary["imports"] == ["members-members", "structural-funds-2007-2013"]
    assert summary["linked"] >= 4 and summary["nodes_added"] > 0
    # AluCluster (a seed innovation network) is the beneficiary of an imported project.
    projects = signal_sets(H, "coparticipation", ["alucluster"])["alucluster"]
    assert projects and all(p.startswith("sf-2007-2013-") for p in projects)
    assert not any(p.startswith("sf-") for p in signal_sets(H, "projects", ["alucluster"])["alucluster"])  # the documents' projects only
    edge = next(
        d for _, v, d in H.out_edges("alucluster", data=True) if d.get("dataset") == "structural-funds-2007-2013" and d["type"] == "PARTICIPATES_IN"
    )
    assert (edge["doc"], edge["quote"], edge["file"], edge["imported"]) == ("structural-funds-2007-2013", "", "erdf_esf_2007_2013.csv", True)
    assert "cvr-26507138" in H.nodes["alucluster"]["imported_ids"]
    assert H.nodes["alucluster"]["cvr"] == "26507138" and H.nodes["alucluster"]["cvr_doc"] == "structural-funds-2007-2013"
    assert H.nodes["region-nordjylland"]["nuts"] == "DK05"
    # members land on the seed clusters; the seed's own identity is kept.
    assert H.has_edge("aarhus-universitet", "danish-food-cluster")
    assert H.nodes["aarhus-universitet"]["name"] == "Aarhus Universitet"
    assert all("doc" in d and "quote" in d for _, _, d in H.edges(data=True))


@needs_geo
def test_add_imports_as_of_and_countries(tmp_path, G):
    save_import(import_cordis(PARTICIPATIONS, ORGANISATIONS), home=tmp_path, G=G)
    ds = load_import("cordis-h2020", tmp_path)
    years = sorted({d["year"] for n, d in ds.nodes.items() if n.startswith("h2020-")})
    H = build_graph()
    add_imports(H, home=tmp_path, as_of=years[0])
    assert {H.nodes[n]["year"] for n in H if str(n).startswith("h2020-")} == {years[0]}
    with pytest.raises(EcosystemError, match=r"no imported participant has the country code XX; the imports have \d+ codes: .*DK"):
        add_imports(build_graph(), home=tmp_path, countries=["XX"])
    dk, lower, everything = build_graph(), build_graph(), build_graph()
    add_imports(dk, home=tmp_path, countries=["DK"])
    add_imports(lower, home=tmp_path, countries=["dk"])
    add_imports(everything, home=tmp_path)
    projects = [sorted(n for n in g if str(n).startswith("h2020-")) for g in (dk, lower, everything)]
    assert projects[0] == projects[1] and 0 < len(projects[0]) <= len(projects[2])
    with pytest.raises(UnknownImport):
        add_imports(build_graph(), home=tmp_path, names=["nope"])


def test_add_imports_on_an_empty_store(tmp_path):
    H = build_graph()
    n = H.number_of_nodes()
    assert add_imports(H, home=tmp_path)["nodes_added"] == 0 and H.number_of_nodes() == n


# -- co-participation --------------------------------------------------------------------------


def test_coparticipation_and_communities():
    ds = import_cordis(PARTICIPATIONS)
    ov, orgs = coparticipation(ds)
    assert len(orgs) == len({e["start"] for e in ds.edges if e["type"] == "PARTICIPATES_IN"})
    projects_of = {}
    for e in ds.edges:
        if e["type"] == "PARTICIPATES_IN":
            projects_of.setdefault(e["start"], set()).add(e["end"])
    for i, j, s, jac in list(zip(ov.row_i.tolist(), ov.row_j.tolist(), ov.shared.tolist(), ov.jaccard.tolist()))[:50]:
        a, b = projects_of[orgs[i]], projects_of[orgs[j]]
        assert s == len(a & b) and jac == pytest.approx(len(a & b) / len(a | b))
    found = coparticipation_communities(ov, orgs, method="louvain")
    assert found == coparticipation_communities(ov, orgs, method="louvain")  # seeded
    members = [m for g in found.values() for m in g]
    assert len(members) == len(set(members)) and set(members) <= set(orgs)


# -- geography ---------------------------------------------------------------------------------


def test_utm_on_the_central_meridian_is_the_meridian_arc():
    from scipy.integrate import quad

    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    arc, _ = quad(lambda p: a * (1 - e2) / (1 - e2 * math.sin(p) ** 2) ** 1.5, 0, math.radians(56.0))
    lat, lon = geo.utm_to_latlon(500000.0, 0.9996 * arc)
    assert lat == pytest.approx(56.0, abs=1e-9) and lon == pytest.approx(9.0, abs=1e-12)


def test_utm_against_a_geocoded_address():
    # Niels Jernes Vej 10, Aalborg Øst, in the 2014-20 file; CORDIS geocodes a firm at the
    # same address (NOVI science park) to 57.012738, 9.988313.
    lat, lon = geo.utm_to_latlon(560016.186, 6319238.093)
    assert (lat, lon) == (pytest.approx(57.012738, abs=2e-6), pytest.approx(9.988313, abs=2e-6))
    e, n = geo.latlon_to_utm(lat, lon)
    assert (e, n) == (pytest.approx(560016.186, abs=0.01), pytest.approx(6319238.093, abs=0.01))


@needs_geo
@pytest.mark.parametrize(
    ("place", "lat", "lon", "municipality", "region", "nuts"),
    [
        ("Aarhus", 56.1572, 10.2107, "0751", "Region Midtjylland", "DK04"),
        ("Odense", 55.3959, 10.3883, "0461", "Region Syddanmark", "DK03"),
        ("Copenhagen", 55.6761, 12.5683, "0101", "Region Hovedstaden", "DK01"),
        ("Aalborg", 57.0488, 9.9217, "0851", "Region Nordjylland", "DK05"),
        ("Roskilde", 55.6415, 12.0803, "0265", "Region Sjælland", "DK02"),
        ("Rønne", 55.1009, 14.7066, "0400", "Region Hovedstaden", "DK01"),
    ],
)
def test_point_in_polygon(place, lat, lon, municipality, region, nuts):
    assert geo.municipality_at(lat, lon).code == municipality
    r = geo.region_at(lat, lon)
    assert (r.name, r.nuts) == (region, nuts)
    assert geo.municipalities()[municipality].region == r.code


@needs_geo
def test_points_abroad_are_nowhere():
    assert geo.region_at(52.52, 13.405) is None  # Berlin
    assert geo.municipality_at(59.91, 10.75) is None  # Oslo


@needs_geo
def test_every_municipality_has_its_region():
    counts = {}
    for m in geo.municipalities().values():
        counts[m.region] = counts.get(m.region, 0) + 1
    # 29 municipalities in Hovedstaden, plus Christiansø beside Bornholm.
    assert counts == {"1084": 30, "1085": 17, "1083": 22, "1082": 19, "1081": 11}


@needs_geo
@pytest.mark.parametrize(
    ("town", "code"),
    [
        ("Århus N", "0751"),
        ("Aalborg Øst", "0851"),
        ("København K", "0101"),
        ("Kgs. Lyngby", "0173"),
        ("Nykøbing F", "0376"),
        ("Rønne", "0400"),
        ("0461", "0461"),
    ],
)
def test_towns_to_municipalities(town, code):
    assert geo.municipality_by_name(town).code == code


# -- the command line --------------------------------------------------------------------------


def test_every_import_command_has_help_with_an_example():
    for path in ([], ["cordis"], ["structural-funds"], ["members"]):
        result = CliRunner().invoke(cli, ["import", *path, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, path


@needs_geo
def test_show_cites_imported_facts_by_file_and_row(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path))
    run = CliRunner().invoke
    assert run(cli, ["import", "structural-funds", str(SF_2007)]).exit_code == 0
    result = run(cli, ["show", "AluCluster"])
    imported = [line for line in result.output.splitlines() if "(imported " in line]
    assert imported and all(re.search(r"\(imported structural-funds-2007-2013: erdf_esf_2007_2013.csv, rows? \d+", x) for x in imported)
    assert '""' not in result.output  # no empty quote stands in for an imported fact's source


@needs_geo
def test_cli_import_list_and_remove(tmp_path):
    run = CliRunner().invoke
    result = run(cli, ["import", "cordis", str(PARTICIPATIONS), "--organisations", str(ORGANISATIONS), "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("imported cordis-h2020: ")
    assert "linked to seed entities: 0 by CVR, 0 by PIC, " in result.output
    result = run(cli, ["import", "--list", "--home", str(tmp_path)])
    assert result.exit_code == 0 and result.output.startswith("cordis-h2020  [cordis]")
    result = run(cli, ["import", "--remove", "cordis-h2020", "--home", str(tmp_path)])
    assert result.exit_code == 0 and result.output.startswith("removed cordis-h2020")
    result = run(cli, ["import", "--remove", "cordis-h2020", "--home", str(tmp_path)])
    assert result.exit_code == 1 and result.output == "Error: no import named 'cordis-h2020' (stored imports: none; see `ecosystem import --list`)\n"


def test_cli_home_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["import", "--list"])
    assert result.exit_code == 0 and result.output == "no imports stored\n"


def test_a_membership_list_read_as_columns_merges_as_read_as_nodes():
    """Members kept as columns (import_members(columns=True), as `ecosystem import` reads a
    list) become nodes when the dataset is merged straight into a graph, never stored."""
    G, H = build_graph(), build_graph()
    merge_datasets(G, [import_members(MEMBERS, G=G)])
    merge_datasets(H, [import_members(MEMBERS, G=H, columns=True)])
    assert list(G.nodes(data=True)) == list(H.nodes(data=True)) and list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))
