"""The research notebooks run from top to bottom without an error (graph-data-science-client style)."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install 'cluster-ecosystem[test]' to run the notebooks")
nbclient = pytest.importorskip("nbclient", reason="pip install 'cluster-ecosystem[test]' to run the notebooks")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_landscape.ipynb", "02_overlaps.ipynb", "03_consolidation.ipynb", "04_neo4j.ipynb", "05_research_recipes.ipynb"]


def test_every_notebook_is_tested():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 3, "explain the steps for a researcher"


def run_notebook(name: str, monkeypatch):
    """Execute the notebook; return its code cells' stdout, or fail on an error or a warning."""
    # The kernel inherits the environment: draw off-screen, and use platformdirs
    # (jupyter_core otherwise warns about its old paths, and warnings are errors here).
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{e.ename}: {e.evalue}" for e in errors)
    stderr = [
        o.text
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert not any("Warning" in text for text in stderr), "".join(stderr)
    return "".join(
        o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream" and o.name == "stdout"
    )


@pytest.mark.parametrize("name", [n for n in NAMES if n != "04_neo4j.ipynb"])
def test_notebook_runs_without_errors(name, monkeypatch):
    run_notebook(name, monkeypatch)


def test_neo4j_notebook_without_a_server_says_how_to_start_one(monkeypatch):
    for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(k, raising=False)
    out = run_notebook("04_neo4j.ipynb", monkeypatch)
    assert "ecosystem neo4j server start" in out and out.rstrip().endswith("skipped: no Neo4j server (see the steps above)")


@pytest.mark.neo4j
def test_neo4j_notebook_runs_against_the_live_server(neo4j_server, monkeypatch):
    for k, v in neo4j_server.items():
        monkeypatch.setenv(k, v)
    out = run_notebook("04_neo4j.ipynb", monkeypatch)
    assert f"connected to {neo4j_server['NEO4J_URI']}" in out
    assert "proposals written" in out and out.rstrip().endswith("done")
