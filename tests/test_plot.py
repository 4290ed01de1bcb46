"""Figures: every plot function and every `ecosystem plot` kind writes a real PNG and SVG."""

import ast
import csv
import functools
import re
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.offsetbox import AnchoredOffsetbox  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from ecosystem import build_graph, document_years, geo, graph_stats, load_seeds  # noqa: E402
from ecosystem.analysis import (  # noqa: E402
    overlap_projection,
    pairwise_overlaps,
    partition_communities,
    propose,
    signal_sets,
)
from ecosystem.cli import cli  # noqa: E402
from ecosystem.cli.plot import PLOTS  # noqa: E402
from ecosystem.cli.plot import plot as plot_command  # noqa: E402
from ecosystem.errors import EcosystemError  # noqa: E402
from ecosystem.output import plots  # noqa: E402
from ecosystem.output.plots.labels import Label, crosses, place_labels  # noqa: E402

HERE = Path(__file__).parent
MINIMAL = str(HERE / "fixtures" / "minimal")


@pytest.fixture(scope="module")
def G():
    return build_graph()


@pytest.fixture(scope="module")
def a(G):
    """The graph and the analysis results the figures draw, computed once."""
    pairs = pairwise_overlaps(G)
    communities = partition_communities(overlap_projection(G, pairs=pairs, min_score=0.1), method="louvain", seed=42)
    seeds = load_seeds()
    graphs = {y: build_graph(seeds, as_of=y) for y in document_years(seeds)}
    kinds = {y: Counter(k for _, k in H.nodes(data="kind")) for y, H in graphs.items()}
    themes = {
        y: Counter(H.nodes[t]["name"] for ts in signal_sets(H, "themes").values() for t in ts)
        for y, H in graphs.items()
    }
    return SimpleNamespace(
        G=G,
        result=propose(G),
        pairs=pairs,
        communities=list(communities.values()),
        regions=signal_sets(G, "regions"),
        kinds=kinds,
        themes=themes,
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_png(path: Path, min_kb: float = 20) -> None:
    """A PNG bigger than ``min_kb`` whose pixels are not all one colour."""
    assert path.stat().st_size > min_kb * 1024, f"{path} is only {path.stat().st_size} bytes"
    pixels = mpimg.imread(path)[..., :3]
    assert pixels.std() > 0.05, f"{path} looks blank"


def assert_svg(path: Path, min_kb: float = 20) -> None:
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size > min_kb * 1024
    assert "<svg" in text and "</svg>" in text


def save_both(fig, tmp_path: Path, name: str) -> tuple[Path, Path]:
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    fig.savefig(png, dpi=80)
    fig.savefig(svg)
    return png, svg


DRAW = {
    "network": lambda a: plots.network(a.G).figure,
    "map": lambda a: plots.map(a.G, a.result).figure,
    "overlaps": lambda a: plots.overlaps(a.G, a.pairs, a.communities).figure,
    "overlaps-members": lambda a: plots.overlaps(a.G, a.pairs, a.communities, signal="members").figure,
    "proposal": lambda a: plots.proposal(a.G, 1, regions=a.regions, result=a.result)[0].figure,
    "timeline": lambda a: plots.timeline(a.kinds).figure,
    "timeline-themes": lambda a: plots.timeline(a.themes, by="theme").figure,
}


@pytest.mark.parametrize("name", DRAW)
def test_each_plot_function_writes_a_png_and_an_svg(a, tmp_path, name):
    png, svg = save_both(DRAW[name](a), tmp_path, name)
    assert_png(png)
    assert_svg(svg)


ON_AXES = {
    "network": lambda a, G, ax: plots.network(G, ax=ax),
    "map": lambda a, G, ax: plots.map(G, ax=ax),
    "overlaps": lambda a, G, ax: plots.overlaps(G, a.pairs if G is a.G else [], ax=ax),
    "timeline": lambda a, G, ax: plots.timeline(a.kinds if G is a.G else {}, ax=ax),
    "timeline-themes": lambda a, G, ax: plots.timeline(a.themes if G is a.G else {2012: {}}, ax=ax, by="theme"),
}


@pytest.mark.parametrize("name", ON_AXES)
def test_plot_functions_draw_on_the_axes_they_are_given(a, name):
    fig, ax = plt.subplots()
    assert ON_AXES[name](a, a.G, ax) is ax
    assert ax.get_title()


def test_proposal_draws_on_a_pair_of_axes_and_refuses_one(a):
    fig, axes = plt.subplots(1, 2)
    before, after = plots.proposal(a.G, 1, axes, regions=a.regions, result=a.result)
    assert (before, after) == tuple(axes)
    assert before.get_title().startswith("Before") and after.get_title().startswith("After")
    with pytest.raises(ValueError, match="pair of axes"):
        plots.proposal(a.G, 1, axes[0], regions=a.regions, result=a.result)


def test_proposal_by_id_rank_or_dict_and_unknown(a):
    first = a.result["proposals"][0]
    for ref in (first, first["id"], 1, "1"):
        axes = plots.proposal(a.G, ref, regions=a.regions, result=a.result)
        assert first["anchor"]["name"] in axes[1].get_title()
    with pytest.raises(EcosystemError, match="no proposal 'proposal-99'.*proposal-1-"):
        plots.proposal(a.G, "proposal-99", regions=a.regions, result=a.result)
    with pytest.raises(ValueError, match="pass result="):
        plots.proposal(a.G, 1, regions=a.regions)


def test_overlaps_rejects_an_unknown_signal(a):
    with pytest.raises(ValueError, match="unknown signal 'friends'"):
        plots.overlaps(a.G, a.pairs, signal="friends")


def test_timeline_rejects_an_unknown_grouping(a):
    with pytest.raises(ValueError, match="by must be 'kind' or 'theme'"):
        plots.timeline(a.kinds, by="colour")


@pytest.mark.parametrize("name", ON_AXES)
def test_an_empty_graph_still_draws(a, name):
    fig, ax = plt.subplots()
    assert ON_AXES[name](a, nx.MultiDiGraph(), ax).get_title()


def test_map_places_organisations_and_writes_danish_letters(a):
    ax = plots.map(a.G, a.result)
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Region Sjælland" in texts
    assert any(ch in "".join(texts) for ch in "æøå")
    assert ax.get_legend() is not None and ax.get_title().startswith("Organisations in Denmark")


def test_map_rings_the_hubs_of_the_result_it_is_given(a):
    assert any(p["hubs"] for p in a.result["proposals"])
    ringed = [t.get_text() for t in plots.map(a.G, a.result).get_legend().get_texts()]
    plain = [t.get_text() for t in plots.map(a.G).get_legend().get_texts()]
    assert "regional hub in a proposal" in ringed and "regional hub in a proposal" not in plain


def test_overlaps_orders_and_outlines_the_communities_it_is_given():
    G = nx.MultiDiGraph()
    G.add_nodes_from([(n, {"name": n.upper()}) for n in "abcd"], kind="cluster_organisation")
    pairs = [{"a": "c", "b": "d", "score": 1.0, "signals": {}}, {"a": "a", "b": "b", "score": 0.5, "signals": {}}]
    ax = plots.overlaps(G, pairs, [["d", "c"], ["a"], ["b"]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["C", "D", "A", "B"]
    outlined = [p for p in ax.patches if not p.get_fill()]
    assert [(p.get_xy(), p.get_width()) for p in outlined] == [((-0.5, -0.5), 2)]
    assert ax.images[0].get_array()[0, 1] == 1.0 and ax.images[0].get_array()[2, 3] == 0.5
    plain = plots.overlaps(G, pairs)
    assert [t.get_text() for t in plain.get_xticklabels()] == ["A", "B", "C", "D"]


def test_timeline_draws_the_counts_it_is_given():
    ax = plots.timeline({2013: {"Food": 2, "Energy": 1}, 2016: {"Energy": 3}}, by="theme")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Energy", "Food"]
    assert ax.images[0].get_array().tolist() == [[1, 3], [2, 0]]
    lines = plots.timeline({2013: {"company": 2, "theme": 9}, 2016: {"company": 4}})
    assert [(line.get_label(), line.get_ydata().tolist()) for line in lines.get_lines()] == [("company", [2, 4])]


def test_figures_take_results_and_compute_none():
    """The plot modules import no graph builder and no analysis that computes a result.

    They may ask which members a graph keeps, or would keep, as lists (ecosystem.graph.folded):
    the map leaves those out, as the report's network does."""
    allowed = {"ecosystem.analysis": {"SIGNALS", "cluster_organisations"}, "ecosystem.graph": {"folded_degree", "hidden_members"}}
    wrong = []
    for path in sorted(Path(plots.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("ecosystem.graph", "ecosystem.analysis"):
                wrong += [f"{path.name}: {a.name}" for a in node.names if a.name not in allowed.get(node.module, ())]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("ecosystem.graph.", "ecosystem.analysis.")
            ):
                wrong.append(f"{path.name}: {node.module}")
    assert not wrong, wrong


def test_decode_topojson_reverses_negative_arcs():
    topo = {
        "type": "Topology",
        "arcs": [[[0, 0], [1, 0], [1, 1]], [[0, 0], [0, 1], [1, 1]]],
        "objects": {
            "o": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "MultiPolygon", "arcs": [[[0, ~1]]], "properties": {"id": 1}},
                    {"type": "Point", "coordinates": [0, 0]},
                ],
            }
        },
    }
    [(props, polygons)] = geo.decode_topojson(topo)
    assert props == {"id": 1}
    assert polygons[0][0].tolist() == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]


def test_shipped_boundaries_cover_denmark():
    outlines = geo.outlines()
    assert len(outlines.municipalities) == 99 and len(outlines.regions) == 5
    lon, lat = outlines.region_points["Region Hovedstaden"]
    assert 12.0 < lon < 12.7 and 55.6 < lat < 56.1  # North Zealand, not Bornholm or the sea
    assert set(outlines.regions) == {r.name for r in geo.REGIONS.values()}
    assert {m.short_name: (m.lon, m.lat) for m in geo.municipalities().values()} == outlines.centroids


def test_every_place_of_the_place_table_resolves_to_its_municipality_or_region():
    with open(geo.GEO_DIR / "places.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 100
    for row in rows:
        if row["municipality"]:
            assert geo.municipality_by_name(row["place"]).short_name == row["municipality"], row
        else:
            assert geo.municipality_by_name(row["place"]) is None, row
            assert geo.region_by_name(row["place"]).name == row["region"], row


@pytest.mark.parametrize(
    "name, code",
    [
        ("Hobro", "0846"),  # a town the documents name
        ("Foulum", "0791"),
        ("Kgs. Lyngby", "0173"),  # a town in addresses
        ("Hoersholm", "0223"),
        ("Aalborg Øst", "0851"),
        ("København K", "0101"),
        ("Københavns Kommune", "0101"),
        ("Holstebro", "0661"),
        ("Bornholms Kommune", "0400"),
        ("Region Midtjylland", None),
    ],
)
def test_municipality_by_name_knows_municipalities_and_towns(name, code):
    m = geo.municipality_by_name(name)
    assert (m and m.code) == code


def test_locate_by_municipality_town_region_and_not_when_ambiguous():
    G = nx.MultiDiGraph()
    G.add_node("holstebro", kind="public_authority", subtype="municipality", name="Holstebro")
    G.add_node("kk", kind="public_authority", subtype="municipality", name="Københavns Kommune")
    G.add_node("hobro", kind="region", subtype="area", name="Hobro")
    G.add_node("rm", kind="region", subtype="region", name="Region Midtjylland")
    G.add_node("rs", kind="region", subtype="region", name="Region Syddanmark")
    G.add_node("mun", kind="public_authority", subtype="municipality", name="Kommunerne i Region Midtjylland")
    G.add_node("hs", kind="region", subtype="area", name="Hovedstadsområdet")
    G.add_edge("mun", "rm", type="PART_OF")
    for n in ("a", "b", "c", "d", "e", "f", "g"):
        G.add_node(n, kind="cluster_organisation", name=n.upper())
    G.add_edge("a", "holstebro", type="LOCATED_IN")
    G.add_edge("b", "hobro", type="LOCATED_IN")
    G.add_edge("c", "mun", type="LOCATED_IN")
    G.add_edge("d", "rm", type="SERVES")
    G.add_edge("d", "rs", type="SERVES")
    G.add_edge("e", "kk", type="LOCATED_IN")
    G.add_edge("g", "hs", type="LOCATED_IN")
    where = plots.locate(G, ["a", "b", "c", "d", "e", "f", "g"])
    assert where["a"]["place"] == "Holstebro" and where["a"]["precision"] == "municipality"
    assert where["b"]["place"] == "Mariagerfjord"
    assert where["c"] == {**where["c"], "place": "Region Midtjylland", "precision": "region"}
    assert where["e"]["place"] == "København"
    assert where["g"] == {**where["g"], "place": "Region Hovedstaden", "precision": "region"}
    assert "d" not in where and "f" not in where


def test_the_same_graph_gives_the_same_picture(tmp_path):
    out = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for path in out:
        result = CliRunner().invoke(plot_command, ["map", "-o", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert out[0].read_bytes() == out[1].read_bytes()
    first, second = plots.network(build_graph(), seed=7), plots.network(build_graph(), seed=7)
    xy = [c.get_offsets().tolist() for c in first.collections[1:]]
    assert xy == [c.get_offsets().tolist() for c in second.collections[1:]]


def test_the_network_layout_does_not_depend_on_the_hash_seed(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; within one process it cannot show."""
    import os
    import subprocess
    import sys

    out = []
    for hash_seed in ("1", "2"):
        path = tmp_path / f"network-{hash_seed}.svg"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "MPLBACKEND": "Agg"}
        subprocess.run(
            [sys.executable, "-m", "ecosystem", "plot", "network", "-o", str(path)],
            env=env,
            check=True,
            capture_output=True,
        )
        out.append(path.read_bytes())
    assert out[0] == out[1]


# -- the command -------------------------------------------------------------------------

CLI_ARGS = {
    "network": ["--as-of", "2016"],
    "map": [],
    "overlaps": ["--signal", "themes"],
    "proposal": ["--proposal", "1"],
    "timeline": ["--by", "theme"],
}


def run(*args):
    return CliRunner().invoke(plot_command, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("kind", PLOTS)
def test_plot_command_writes_each_kind(tmp_path, kind, fmt):
    out = tmp_path / f"{kind}.{fmt}"
    result = run(kind, "-o", str(out), *CLI_ARGS[kind])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    (assert_png if fmt == "png" else assert_svg)(out)
    assert not list(tmp_path.glob("*.tmp")), "the temporary file was left behind"


def test_plot_command_reads_other_seeds(tmp_path):
    out = tmp_path / "p.png"
    result = run("proposal", "--seeds", MINIMAL, "--proposal", "proposal-1-foodcluster-nord", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert_png(out)


def test_plot_command_help_has_an_example_for_each_kind():
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    for kind in PLOTS:
        assert f"ecosystem plot {kind}" in result.output


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["map", "-o", "{tmp}/map.pdf"], 2, "must end in .png or .svg"),
        (["map", "-o", "{tmp}/map.png", "--signal", "members"], 2, "--signal does not apply to `plot map`"),
        (["timeline", "-o", "{tmp}/t.png", "--as-of", "2013"], 2, "--as-of does not apply to `plot timeline`"),
        (["network", "-o", "{tmp}/n.png", "--by", "theme"], 2, "--by does not apply"),
        (["proposal", "-o", "{tmp}/p.png", "--proposal", "99"], 1, "no proposal '99'"),
        (["overlaps", "-o", "{tmp}/o.png", "--signal", "friends"], 2, "Invalid value for '--signal'"),
        (["map", "-o", "{tmp}/m.png", "--whole"], 2, "--whole does not apply to `plot map`"),
        (["timeline", "-o", "{tmp}/t.png", "--imports"], 2, "--imports does not apply to `plot timeline`"),
    ],
)
def test_plot_command_errors_are_one_clear_line(tmp_path, args, code, message):
    result = CliRunner().invoke(plot_command, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir()), "nothing is written on an error"


# -- plots that behave on real data (issue 16) -------------------------------------------


def legend_counts(ax) -> dict[str, tuple[int, int]]:
    """``{kind: (drawn, in the graph)}`` from a legend that reads "kind (N)" or "kind (n of M shown)"."""
    out = {}
    for text in ax.get_legend().get_texts():
        m = re.fullmatch(r"(.+) \(([\d,]+)(?: of ([\d,]+) shown)?\)", text.get_text())
        assert m, f"legend entry without a count: {text.get_text()!r}"
        drawn = int(m[2].replace(",", ""))
        out[m[1].replace(" ", "_")] = (drawn, int((m[3] or m[2]).replace(",", "")))
    return out


def drawn_points(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))


def big_graph(clusters=4, members=6, others=2500) -> nx.MultiDiGraph:
    """Cluster organisations with members, the members in many projects that no cluster organisation is in."""
    G = nx.MultiDiGraph()
    for c in range(clusters):
        G.add_node(f"c{c}", kind="cluster_organisation", name=f"Cluster {c}")
    for f in range(clusters * members):
        G.add_node(f"f{f}", kind="company", name=f"Firm {f}")
        G.add_edge(f"f{f}", f"c{f % clusters}", type="MEMBER_OF")
    G.add_edge("f0", "c1", type="MEMBER_OF")  # f0 is linked to two cluster organisations
    for p in range(others):
        G.add_node(f"p{p}", kind="project", name=f"Project {p}")
        G.add_edge(f"f{p % (clusters * members)}", f"p{p}", type="PARTICIPATES_IN")
    return G


def test_a_big_network_draws_the_cluster_organisations_and_their_neighbours_and_says_so():
    G = big_graph()
    with pytest.warns(plots.SubgraphDrawn) as caught:
        ax = plots.network(G, max_nodes=2000)
    [w] = caught.list
    assert (w.message.shown, w.message.total) == (28, G.number_of_nodes())
    assert drawn_points(ax) == 28
    caption = " ".join(t.get_text() for t in ax.texts)
    assert f"Showing 28 of {G.number_of_nodes():,} nodes" in caption
    assert "the 4 cluster organisations and innovation networks and their 24 direct neighbours" in caption
    assert "whole=True" in caption
    assert legend_counts(ax) == {"cluster_organisation": (4, 4), "company": (24, 24), "project": (0, 2500)}


def test_a_big_network_keeps_the_neighbours_linked_to_most_cluster_organisations_first():
    with pytest.warns(plots.SubgraphDrawn, match="showing 5 of .*1 of their 24 direct neighbours"):
        ax = plots.network(big_graph(), max_nodes=5)
    labels = [t.get_text() for t in ax.texts]
    assert "Firm 0" in labels  # the one neighbour of two cluster organisations


def test_whole_draws_every_node_without_a_warning():
    G = big_graph(clusters=2, members=3, others=40)  # filterwarnings = error: any warning fails
    ax = plots.network(G, max_nodes=10, whole=True)
    assert drawn_points(ax) == G.number_of_nodes()
    assert not any("Showing" in t.get_text() for t in ax.texts)


def test_the_network_of_70000_nodes_takes_seconds():
    """The merged graph is some 70,000 nodes: the part drawn must not grow with the rest."""
    G = big_graph(clusters=32, members=40, others=70_000)
    start = time.perf_counter()
    with pytest.warns(plots.SubgraphDrawn):
        ax = plots.network(G)
    assert time.perf_counter() - start < 15
    assert drawn_points(ax) == 32 + 32 * 40


@pytest.mark.parametrize("isolates", [True, False])
def test_network_legend_counts_are_graph_stats_or_say_how_many_are_shown(G, isolates):
    ax = plots.network(G, isolates=isolates)
    counts = legend_counts(ax)
    stats = graph_stats(G)["nodes_by_kind"]
    assert {k: total for k, (_, total) in counts.items()} == stats
    assert sum(drawn for drawn, _ in counts.values()) == drawn_points(ax)
    if isolates:
        assert all(drawn == total for drawn, total in counts.values())
    else:
        assert any(drawn < total for drawn, total in counts.values())
        assert any("without relations are not drawn" in t.get_text() for t in ax.texts)


def docked(ax) -> str:
    """The text of the boxes listing what has no place."""
    return "\n".join(
        t.get_text() for box in ax.artists if isinstance(box, AnchoredOffsetbox) for t in box.findobj(Text)
    )


def test_a_proposal_lists_an_anchor_without_a_place_and_draws_it_nowhere(a):
    p = a.result["proposals"][0]
    assert p["anchor"]["id"] not in plots.locate(a.G, [p["anchor"]["id"]])  # Offshoreenergy.dk: no place
    before, after = plots.proposal(a.G, p, regions=a.regions)
    assert f"{p['anchor']['name']} (anchor" in docked(after)
    assert p["anchor"]["name"] in docked(before)
    assert drawn_points(after) == 0
    assert not any(p["anchor"]["name"] in t.get_text() for t in after.texts)


def synthetic_proposal():
    """An anchor in Herning with a hub due east in Aarhus that also serves Syddanmark (the anchor's first label
    spot, to its right, lies on the connector), a hub with no place, a member in Odense folding in."""
    G = nx.MultiDiGraph()
    for rid, name in [("rn", "Region Nordjylland"), ("rs", "Region Syddanmark"), ("rm", "Region Midtjylland")]:
        G.add_node(rid, kind="region", subtype="region", name=name)
    for mid, name in [("herning", "Herning Kommune"), ("aarhus", "Aarhus Kommune"), ("odense", "Odense Kommune")]:
        G.add_node(mid, kind="public_authority", subtype="municipality", name=name)
    orgs = {"anc": "Anchor Organisation", "hub": "Northern Hub", "nowhere": "Placeless Hub", "fold": "Folded Network"}
    for n, name in orgs.items():
        G.add_node(n, kind="cluster_organisation", name=name)
    for n, town in [("anc", "herning"), ("hub", "aarhus"), ("fold", "odense")]:
        G.add_edge(n, town, type="LOCATED_IN")
    p = {
        "id": "proposal-x",
        "rank": 1,
        "anchor": {"id": "anc", "name": orgs["anc"]},
        "members": [{"id": n} for n in orgs],
        "hubs": [
            {"id": "hub", "name": orgs["hub"], "serves": ["rn", "rs"]},
            {"id": "nowhere", "name": orgs["nowhere"], "serves": ["rs"]},
        ],
    }
    return G, p


def test_a_hub_without_a_place_is_listed_and_the_placed_ones_are_drawn_where_they_are():
    G, p = synthetic_proposal()
    where = plots.locate(G)
    _, after = plots.proposal(G, p, regions={"anc": {"rm"}})
    assert "Placeless Hub (hub for Region Syddanmark)" in docked(after)
    drawn = {
        tuple(np.round(xy, 6)) for c in after.collections if isinstance(c, PathCollection) for xy in c.get_offsets()
    }
    assert (round(where["anc"]["lon"], 6), round(where["anc"]["lat"], 6)) in drawn
    assert (round(where["hub"]["lon"], 6), round(where["hub"]["lat"], 6)) in drawn
    labels = [t.get_text() for t in after.texts if t.get_text()]
    assert "Anchor Organisation (anchor)" in labels and "Northern Hub (hub)" in labels
    assert not any("Placeless" in t for t in labels)


def test_no_label_sits_on_its_own_connector_and_plain_labels_on_no_line():
    G, p = synthetic_proposal()
    _, after = plots.proposal(G, p, regions={"anc": {"rm"}})
    after.figure.canvas.draw()
    to_px = after.transData.transform
    connectors = [c for c in after.collections if isinstance(c, LineCollection) and c.get_zorder() >= 1]  # not borders
    segments = [(to_px(a), to_px(b)) for c in connectors for a, b in c.get_segments()]
    segments += [(to_px(line.get_xydata()[0]), to_px(line.get_xydata()[-1])) for line in after.lines]
    arrows = [t for t in after.texts if not t.get_text() and t.arrow_patch is not None]
    segments += [(to_px(t.xy), to_px(t.xyann)) for t in arrows]
    assert len(segments) == 4  # anchor-hub, hub-Nordjylland, hub-Syddanmark, the arrow from Odense
    labels = {t.get_text(): t for t in after.texts if getattr(t, "xy", None) is not None and t.get_text()}
    # The anchor's first spot, to its right, is on its connector to the hub due east.
    assert {"Anchor Organisation (anchor)", "Northern Hub (hub)", "Folded Network"} <= set(labels)
    for text, t in labels.items():
        b, at = t.get_window_extent(), to_px(t.xy)
        for p0, p1 in segments:
            own = min(np.hypot(*(p0 - at)), np.hypot(*(p1 - at))) < 0.5
            if own or t.get_fontweight() != "bold":
                assert not crosses((b.x0, b.y0, b.x1, b.y1), p0, p1), f"{text!r} sits on a line"


@pytest.mark.parametrize("bold", [False, True])
def test_a_label_keeps_off_the_line_that_starts_at_its_point(bold):
    """Without the line, the first spot (to the right) is free: the label would lie on it."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    line = ((2, 5), (9, 5.2))
    assert place_labels(ax, [Label(2, 5, "A label", bold=bold)], lines=[line]) == 0
    [t] = ax.texts
    b = t.get_window_extent()
    assert not crosses((b.x0, b.y0, b.x1, b.y1), *(ax.transData.transform(end) for end in line))
    assert place_labels(ax, [Label(2, 5, "A label")]) == 0
    dx, dy = ax.texts[-1].xyann  # the offset from the point: to its right
    assert dx > 0 and dy == 0


def axis_problems(fig) -> list[str]:
    """Every axis with tick labels has a label with a unit in brackets; every tick label is 9 pt or more."""
    fig.canvas.draw()
    problems = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            if not ticks:
                continue
            label = axis.get_label().get_text()
            if not re.search(r"\S.*\(.+\)", label):
                problems.append(f"{ax.get_title() or ax.get_label()}: {axis.axis_name} axis label {label!r}")
            small = [t.get_text() for t in ticks if t.get_fontsize() < 9]
            if small:
                problems.append(f"{ax.get_title()}: {axis.axis_name} ticks under 9 pt: {small[:3]}")
    return problems


@pytest.mark.parametrize("name", DRAW)
def test_every_axis_has_a_unit_and_ticks_of_9_pt_or_more(a, name):
    assert axis_problems(DRAW[name](a)) == []


def test_plot_network_says_when_it_draws_part_and_whole_draws_all(tmp_path, monkeypatch):
    draw = plots.network
    monkeypatch.setattr(plots, "network", functools.partial(draw, max_nodes=50))
    part = run("network", "-o", str(tmp_path / "part.png"))
    assert part.exit_code == 0, part.output
    assert re.search(r"showing \d+ of 376 nodes: the 32 cluster organisations.*; --whole draws every node", part.output)
    whole = run("network", "--whole", "-o", str(tmp_path / "whole.png"))
    assert whole.exit_code == 0 and "showing" not in whole.output
    assert f"more than {plots.MAX_NODES:,} nodes" in " ".join(run("--help").output.split())


def test_plot_network_draws_the_imports_with_imports(tmp_path):
    home = tmp_path / "home"
    imported = CliRunner().invoke(
        cli,
        [
            "import",
            "structural-funds",
            str(HERE / "fixtures" / "imports" / "erdf_esf_2007_2013.csv"),
            "--home",
            str(home),
        ],
    )
    assert imported.exit_code == 0, imported.output
    seeds, merged = tmp_path / "seeds.png", tmp_path / "merged.png"
    assert run("network", "-o", str(seeds), "--home", str(home)).exit_code == 0
    result = run("network", "--imports", "-o", str(merged), "--home", str(home))
    assert result.exit_code == 0, result.output
    assert_png(merged)
    assert merged.read_bytes() != seeds.read_bytes()
