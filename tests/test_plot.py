"""Figures: every plot function and every `ecosystem plot` kind writes a real PNG and SVG."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from ecosystem import build_graph, plot  # noqa: E402
from ecosystem.cli_plot import PLOTS  # noqa: E402
from ecosystem.cli_plot import plot as plot_command  # noqa: E402
from ecosystem.errors import EcosystemError  # noqa: E402

HERE = Path(__file__).parent
MINIMAL = str(HERE / "fixtures" / "minimal")


@pytest.fixture(scope="module")
def G():
    return build_graph()


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
    "network": lambda G: plot.network(G).figure,
    "map": lambda G: plot.map(G).figure,
    "overlaps": lambda G: plot.overlaps(G).figure,
    "overlaps-members": lambda G: plot.overlaps(G, signal="members").figure,
    "proposal": lambda G: plot.proposal(G, 1)[0].figure,
    "timeline": lambda G: plot.timeline().figure,
    "timeline-themes": lambda G: plot.timeline(by="theme").figure,
}


@pytest.mark.parametrize("name", DRAW)
def test_each_plot_function_writes_a_png_and_an_svg(G, tmp_path, name):
    png, svg = save_both(DRAW[name](G), tmp_path, name)
    assert_png(png)
    assert_svg(svg)


@pytest.mark.parametrize("fn", [plot.network, plot.map, plot.overlaps])
def test_plot_functions_draw_on_the_axes_they_are_given(G, fn):
    fig, ax = plt.subplots()
    assert fn(G, ax=ax) is ax
    assert ax.get_title()


def test_proposal_draws_on_a_pair_of_axes_and_refuses_one(G):
    fig, axes = plt.subplots(1, 2)
    before, after = plot.proposal(G, 1, axes)
    assert (before, after) == tuple(axes)
    assert before.get_title().startswith("Before") and after.get_title().startswith("After")
    with pytest.raises(ValueError, match="pair of axes"):
        plot.proposal(G, 1, axes[0])


def test_proposal_by_id_rank_or_dict_and_unknown(G):
    from ecosystem.proposals import propose

    result = propose(G)
    first = result["proposals"][0]
    for ref in (first, first["id"], 1, "1"):
        axes = plot.proposal(G, ref, result=result)
        assert first["anchor"]["name"] in axes[1].get_title()
    with pytest.raises(EcosystemError, match="no proposal 'proposal-99'.*proposal-1-"):
        plot.proposal(G, "proposal-99", result=result)


def test_overlaps_rejects_an_unknown_signal(G):
    with pytest.raises(ValueError, match="unknown signal 'friends'"):
        plot.overlaps(G, signal="friends")


def test_timeline_rejects_an_unknown_grouping():
    with pytest.raises(ValueError, match="by must be 'kind' or 'theme'"):
        plot.timeline(by="colour")


@pytest.mark.parametrize("fn", [plot.network, plot.map, plot.overlaps])
def test_an_empty_graph_still_draws(fn):
    assert fn(nx.MultiDiGraph()).get_title()


def test_map_places_organisations_and_writes_danish_letters(G):
    ax = plot.map(G)
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Region Sjælland" in texts
    assert any(ch in "".join(texts) for ch in "æøå")
    assert ax.get_legend() is not None and ax.get_title().startswith("Organisations in Denmark")


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
    [(props, polygons)] = plot.decode_topojson(topo)
    assert props == {"id": 1}
    assert polygons[0][0].tolist() == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]


def test_shipped_boundaries_cover_denmark():
    geo = plot.load_geo()
    assert len(geo.municipalities) == 99 and len(geo.regions) == 5
    lon, lat = geo.region_points["Region Hovedstaden"]
    assert 12.0 < lon < 12.7 and 55.6 < lat < 56.1  # North Zealand, not Bornholm or the sea


def test_locate_by_municipality_town_region_and_not_when_ambiguous():
    G = nx.MultiDiGraph()
    G.add_node("holstebro", kind="public_authority", subtype="municipality", name="Holstebro")
    G.add_node("kk", kind="public_authority", subtype="municipality", name="Københavns Kommune")
    G.add_node("hobro", kind="region", subtype="area", name="Hobro")
    G.add_node("rm", kind="region", subtype="region", name="Region Midtjylland")
    G.add_node("rs", kind="region", subtype="region", name="Region Syddanmark")
    G.add_node("mun", kind="public_authority", subtype="municipality", name="Kommunerne i Region Midtjylland")
    G.add_edge("mun", "rm", type="PART_OF")
    for n in ("a", "b", "c", "d", "e", "f"):
        G.add_node(n, kind="cluster_organisation", name=n.upper())
    G.add_edge("a", "holstebro", type="LOCATED_IN")
    G.add_edge("b", "hobro", type="LOCATED_IN")
    G.add_edge("c", "mun", type="LOCATED_IN")
    G.add_edge("d", "rm", type="SERVES")
    G.add_edge("d", "rs", type="SERVES")
    G.add_edge("e", "kk", type="LOCATED_IN")
    where = plot.locate(G, ["a", "b", "c", "d", "e", "f"])
    assert where["a"]["place"] == "Holstebro" and where["a"]["precision"] == "municipality"
    assert where["b"]["place"] == "Mariagerfjord"
    assert where["c"] == {**where["c"], "place": "Region Midtjylland", "precision": "region"}
    assert where["e"]["place"] == "København"
    assert "d" not in where and "f" not in where


def test_the_same_graph_gives_the_same_picture(tmp_path):
    out = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for path in out:
        result = CliRunner().invoke(plot_command, ["map", "-o", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert out[0].read_bytes() == out[1].read_bytes()
    first, second = plot.network(build_graph(), seed=7), plot.network(build_graph(), seed=7)
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
        subprocess.run([sys.executable, "-m", "ecosystem", "plot", "network", "-o", str(path)], env=env, check=True, capture_output=True)
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
    ],
)
def test_plot_command_errors_are_one_clear_line(tmp_path, args, code, message):
    result = CliRunner().invoke(plot_command, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir()), "nothing is written on an error"
