"""The CLI at its edges: -o writes where the user points (stdout, a symlink's target, a FIFO, a device); numbers are finite, names not empty."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import build_graph
from ecosystem.cli.main import cli
from ecosystem.output.export import graph_bytes


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_dash_is_standard_output():
    assert run("propose", "-o", "-").output == run("propose").output
    result = run("export", "--format", "json", "-o", "-", "--no-imports")
    assert result.stdout_bytes == graph_bytes(build_graph(), "json")
    assert run("plot", "timeline", "-o", "-").stdout_bytes.startswith(b"\x89PNG\r\n\x1a\n")


def test_dash_without_a_format_says_which_to_give():
    result = CliRunner().invoke(cli, ["export", "-o", "-"])
    assert result.exit_code == 2 and "-o - (standard output) needs --format graphml, gexf or json" in result.output


def test_a_symlink_writes_its_target_and_stays_a_link(tmp_path):
    target = tmp_path / "target.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    run("propose", "-o", str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == run("propose").output
    run("export", "-o", str(link.with_name("graph.json")))  # a plain file is still written
    assert link.with_name("graph.json").is_file()


def _read_in_background(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(path.read_bytes()))
    reader.start()
    return reader, got


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    reader, got = _read_in_background(fifo)
    run("propose", "-o", str(fifo))
    reader.join(30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got == [run("propose").output.encode("utf-8")]


def test_a_device_is_written_into_not_replaced(tmp_path):
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert run("propose", "-o", str(null)).exit_code == 0
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_regular_file_is_replaced_whole(tmp_path):
    out = tmp_path / "proposals.md"
    out.write_text("x" * 10**6, encoding="utf-8")
    run("propose", "-o", str(out))
    assert out.read_text(encoding="utf-8") == run("propose").output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proposals.md"]  # no temporary file left


# -- values on the command line -------------------------------------------------------------


@pytest.mark.parametrize("command", [["propose"], ["whatif", "1"], ["communities"], ["neo4j", "write-back"]])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_min_score_must_be_a_finite_number(command, value):
    result = CliRunner().invoke(cli, [*command, "--min-score", value])
    assert result.exit_code == 2
    assert f"{value!r} is not a finite number" in result.output


@pytest.mark.parametrize("name", ["", "   "])
def test_an_import_name_cannot_be_empty(tmp_path, name):
    members = tmp_path / "members.csv"
    members.write_text("organisation,member\nDanish Food Cluster,Arla\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "members", str(members), "--name", name, "--home", str(tmp_path)])
    assert result.exit_code == 2 and "the name is empty" in result.output
    assert not (tmp_path / "imports").exists()  # nothing stored


def test_a_float_query_parameter_must_be_finite():
    from ecosystem.errors import QueryError
    from ecosystem.neo4j import bind_params, query_library

    query = query_library()["gds-leiden"]
    for value in ("nan", "inf"):
        with pytest.raises(QueryError, match=r"\$gamma must be a float"):
            bind_params(query, {"gamma": value})


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path):
    from ecosystem.output.tables import rows_csv

    row = {"a": '=HYPERLINK("http://x")', "b": "+45 1234", "c": "@SUM(A1)", "d": "-0.25", "e": "Aalborg", "f": 3, "g": "\t=1"}
    (values,) = list(csv.reader(io.StringIO(rows_csv([row], list(row)))))[1:]
    assert values == ["'=HYPERLINK(\"http://x\")", "'+45 1234", "'@SUM(A1)", "-0.25", "Aalborg", "3", "'\t=1"]
    seeds = tmp_path / "seeds"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", seeds)
    entities = seeds / "entities.csv"
    entities.write_text(entities.read_text(encoding="utf-8").replace(",Agro Klyngen,AK,", ",=Agro Klyngen,AK,"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["overlaps", "--format", "csv", "--seeds", str(seeds), "--no-imports"])
    assert result.exit_code == 0, result.output
    assert ",'=Agro Klyngen," in result.output and ",=Agro Klyngen," not in result.output
