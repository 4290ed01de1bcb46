"""The local Neo4j's set-up, without starting one (tests/test_neo4j_*.py start it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem.cli.main import cli
from ecosystem.errors import LocalServerError
from ecosystem.neo4j import (
    POM,
    cache_dir,
    coordinates,
    install_server,
    instance_dir,
    jars_dir,
    java_version,
    missing_tools,
    server_status,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parents[1]


def test_docker_compose_runs_the_version_the_pom_pins():
    image = re.search(r"image: neo4j:(\S+)-community", (ROOT / "docker-compose.yml").read_text()).group(1)
    assert image == coordinates()["neo4j"]
    assert coordinates()["neo4j"].startswith("5.26.")  # the LTS that runs on Java 17
    assert coordinates()["gds"].startswith("2.13.")  # the GDS line for 5.26


def test_the_cache_is_outside_the_checkout_and_keyed_by_the_pom(monkeypatch, tmp_path):
    monkeypatch.delenv("ECOSYSTEM_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "cluster-ecosystem"
    monkeypatch.setenv("ECOSYSTEM_CACHE", str(tmp_path / "elsewhere"))
    assert instance_dir("tests") == tmp_path / "elsewhere" / "instances" / "tests"
    dist = jars_dir()
    other = tmp_path / "pom.xml"
    other.write_text(POM.read_text().replace("<gds.version>", "<!-- changed --><gds.version>"))
    assert jars_dir(other) != dist and dist.name.startswith(f"neo4j-{coordinates()['neo4j']}-")


@pytest.mark.parametrize("name", ["../x", "Default", "", "a b"])
def test_server_names_are_plain(name):
    with pytest.raises(LocalServerError, match="server name"):
        instance_dir(name)


def test_without_java_or_maven_it_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_CACHE", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # neither java nor mvn
    assert missing_tools() == "no Java found (install Java 17 or 21, or set JAVA_HOME)"
    result = CliRunner().invoke(cli, ["neo4j", "server", "start"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: cannot run a local Neo4j: no Java found (install Java 17 or 21, or set JAVA_HOME)"
    with pytest.raises(LocalServerError, match=r"Maven \(mvn\) is needed once"):
        install_server()


def test_an_old_java_is_refused(monkeypatch, tmp_path):
    java = tmp_path / "java"
    java.write_text('#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n')
    java.chmod(0o755)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert java_version() == 11
    assert missing_tools() == "Java 11 found; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME)"


def test_stopping_or_asking_for_a_server_that_never_ran(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_CACHE", str(tmp_path))
    assert stop_server("never") is False
    assert server_status("never")["running"] is False
    result = CliRunner().invoke(cli, ["neo4j", "server", "env", "--name", "never"])
    assert result.exit_code == 1
    assert "the local Neo4j 'never' is not running: ecosystem neo4j server start --name never" in result.output


@pytest.mark.neo4j
def test_a_server_that_cannot_start_shows_the_end_of_its_log():
    why = missing_tools()
    if why:
        pytest.skip(f"the local server cannot run here: {why}")
    try:
        with pytest.raises(LocalServerError) as info:
            start_server("tests-too-small", heap="24m", pagecache="8m", timeout=90)
        message = str(info.value)
        assert message.startswith(("Neo4j did not start", "Neo4j stopped while starting"))
        assert "last lines of" in message  # the server's log; the cause, from the launcher or that log:
        assert "java.lang.OutOfMemoryError: Java heap space" in message
        assert server_status("tests-too-small")["running"] is False
    finally:
        stop_server("tests-too-small", delete=True)
