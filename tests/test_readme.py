"""The README cannot drift: its CLI sessions, quick start and schema are checked here."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem.cli.main import cli
from ecosystem.evidence.schema import schema_markdown

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SESSIONS = re.findall(r"```console\n\$ (ecosystem[^\n]*)\n(.*?)```", README, flags=re.S)


def test_readme_has_sessions():
    assert len(SESSIONS) >= 6


@pytest.mark.parametrize("command,output", SESSIONS, ids=[c for c, _ in SESSIONS])
def test_readme_session_output_is_real(command, output, monkeypatch):
    monkeypatch.chdir(ROOT)
    if "--sources ../shared/sources" in command and not (ROOT.parent / "shared" / "sources").exists():
        pytest.skip("../shared/sources is not beside the checkout")
    result = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert result.exit_code == 0
    assert result.output == output


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    block = re.search(r"## Quick start\n\n```bash\n(.*?)```", README, flags=re.S).group(1)
    commands = block.strip().splitlines()
    assert len(commands) == 2
    assert "ecosystem propose" in commands[0] and "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_schema_table_matches_the_model():
    table = re.search(r"<!-- schema -->\n(.*?)<!-- /schema -->", README, flags=re.S).group(1)
    assert table == schema_markdown()
