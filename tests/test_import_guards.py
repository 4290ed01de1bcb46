"""Imports that cannot wipe good data: far fewer rows, oversized files, leftovers, twins, two writers at once."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ecosystem.cli import cli

FIX = Path(__file__).parent / "fixtures" / "imports"
MEMBERS = FIX / "members.csv"
ROOT = Path(__file__).resolve().parents[1]


def run(*args, home):
    return CliRunner().invoke(cli, ["import", *map(str, args), "--home", str(home)])


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_far_fewer_organisations_do_not_replace_an_import_unless_asked(tmp_path):
    home = tmp_path / "home"
    assert run("members", MEMBERS, "--name", "food", home=home).exit_code == 0
    before = snapshot(home)
    cut = tmp_path / "members.csv"
    cut.write_text("\n".join(MEMBERS.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = run("members", cut, "--name", "food", home=home)
    assert result.exit_code == 1
    assert "import 'food' would replace 5 organisations with 1, fewer than half: nothing changed" in result.output
    assert "--allow-fewer" in result.output
    assert snapshot(home) == before
    result = run("members", cut, "--name", "food", "--allow-fewer", home=home)
    assert result.exit_code == 0 and result.output.startswith("replaced the earlier import 'food' (5 organisations; now 1)")


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path):
    bomb = tmp_path / "members.csv.gz"
    with gzip.open(bomb, "wb") as f:
        f.write(b"cluster,member,cvr,municipality\n" + b"\n" * (3 << 20))
    assert bomb.stat().st_size < 10_000
    result = run("members", bomb, "--max-mb", "1", home=tmp_path)
    assert result.exit_code == 1
    assert "holds more than 1 MB of text (an import is at most 1 MB once decompressed" in result.output
    assert "raise the limit with --max-mb" in result.output
    assert not (tmp_path / "imports" / "manifest.json").exists()
    assert run("members", bomb, "--max-mb", "4", home=tmp_path).output.endswith("no data rows, nothing imported (a stored import 'members-members', if any, is kept as it was)\n")


def test_too_many_rows_stop_at_the_row_limit(tmp_path):
    result = run("members", MEMBERS, "--max-rows", "3", home=tmp_path)
    assert result.exit_code == 1
    assert "members.csv:5: more than 3 rows (an import has at most 3 rows" in result.output
    assert run("members", MEMBERS, "--max-rows", "5", home=tmp_path).exit_code == 0


def test_the_next_import_cleans_up_after_a_killed_one(tmp_path):
    assert run("members", MEMBERS, home=tmp_path).exit_code == 0
    folder = tmp_path / "imports"
    kept = sorted(p.name for p in folder.iterdir())
    (folder / ".members-x-0123456789ab.json.gz.4242.tmp").write_bytes(b"half")
    (folder / "members-x-0123456789ab.json.gz").write_bytes(b"no manifest names me")
    (folder / "notes.txt").write_text("not ours to remove")
    assert run("members", MEMBERS, "--name", "other", home=tmp_path).exit_code == 0
    left = sorted(p.name for p in folder.iterdir())
    assert ".members-x-0123456789ab.json.gz.4242.tmp" not in left and "members-x-0123456789ab.json.gz" not in left
    assert set(kept) <= set(left) and "notes.txt" in left


def test_the_same_file_under_a_second_name_is_pointed_out(tmp_path):
    assert run("members", MEMBERS, "--name", "a", home=tmp_path).exit_code == 0
    result = run("members", MEMBERS, "--name", "b", home=tmp_path)
    assert result.exit_code == 0
    assert "note: the same file(s) are stored as the import 'a' too; `ecosystem import --remove a` if one is enough" in result.output
    again = run("members", MEMBERS, "--name", "a", home=tmp_path).output  # a replaced by itself: only b is a twin
    assert "stored as the import 'b' too" in again and "stored as the import 'a'" not in again


def test_two_imports_at_once_under_one_name_take_turns_and_the_second_says_it_replaced(tmp_path):
    cmd = [sys.executable, "-m", "ecosystem", "import", "members", str(MEMBERS), "--name", "food", "--home", str(tmp_path)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(o.startswith("replaced the earlier import 'food'") for o in outputs) == [False, True], outputs
    listed = run("--list", home=tmp_path)
    assert listed.output.count("food  [members]") == 1
