"""scripts/lint-cypher: the library lints clean, and a mistake fails with file:line:col."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = ROOT / "scripts" / "lint-cypher"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are not installed: the Cypher lint (scripts/lint-cypher) needs node >= 20",
)

HEADER = """// name: {name}
// answers: A query with a mistake in it.
// params: none
// example: ecosystem query {name}
"""


def lint(*paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(LINT), *map(str, paths)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


MISTAKES = {
    "misspelt-label": "MATCH (c:ClusterOrganisaton)\nRETURN c.name AS name",
    "misspelt-type": "MATCH (c:Entity)-[:MEMBER_FO]->(x:Entity)\nRETURN c.name AS name",
    "misspelt-property": "MATCH (c:Entity)\nRETURN c.nmae AS name",
    "undeclared-parameter": "MATCH (c:Entity)\nRETURN c.name AS name\nLIMIT $limit",
    "unknown-function": "MATCH (c:Entity)\nRETURN toUpper(c.name) AS name",
    "wrong-direction": "MATCH (t:Theme)-[:WORKS_IN]->(c:ClusterOrganisation)\nRETURN c.name AS name",
}


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory):
    """Lint one file per kind of mistake in a single run (each run takes a while)."""
    folder = tmp_path_factory.mktemp("mistakes")
    for name, cypher in MISTAKES.items():
        (folder / f"{name}.cypher").write_text(HEADER.format(name=name) + cypher + "\n", encoding="utf-8")
    return folder, lint(folder)


def test_the_library_and_the_loader_statements_lint_clean():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no diagnostics" in result.stdout


def test_a_misspelt_label_fails_with_file_line_and_column(mistakes):
    folder, result = mistakes
    assert result.returncode == 1, result.stdout + result.stderr
    path = folder / "misspelt-label.cypher"
    assert f"{path}:5:10: warning: Label ClusterOrganisaton is not present in the database" in result.stdout
    # One line per diagnostic (a misspelt type is also off the graph schema), then the count.
    assert re.fullmatch(r"cypher lint: 8 problem\(s\) in \d+ statement\(s\)", result.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "name, where, message",
    [
        ("misspelt-type", "5:20", "warning: Relationship type MEMBER_FO is not present"),
        ("misspelt-property", "6:10", "warning: nmae is not present in the database"),
        ("undeclared-parameter", "7:7", "error: Parameter $limit is not defined."),
        ("unknown-function", "6:8", "error: Function toUpper is not present in the database"),
        ("wrong-direction", "5:16", "warning: (:ClusterOrganisation) has no incoming [:WORKS_IN]"),
    ],
)
def test_other_mistakes_fail_too(mistakes, name, where, message):
    folder, result = mistakes
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{folder / name}.cypher:{where}")]
    assert any(message in line for line in lines), result.stdout
