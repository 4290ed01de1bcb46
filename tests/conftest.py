"""Every test runs against an empty import store unless it sets its own.

Tests marked ``neo4j`` run against a live server (the ``neo4j_server`` fixture): the one
``NEO4J_URI`` names, else a local Neo4j 5.26 that the fixture starts for the session
(``ecosystem neo4j server``; one per checkout, ``tests-<hash of the checkout's path>``, so
two checkouts testing at once do not share a database) and stops at the end.
They skip, with the reason, only where neither is possible (no Java 17+, no Maven). With
``ECOSYSTEM_REQUIRE_NEO4J=1`` (``.ci/run`` sets it) a skipped live test fails the run.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ecosystem.neo4j import coordinates, missing_tools, start_server, stop_server

_LIVE = {"passed": 0, "failed": 0, "skipped": 0}
_SERVER: dict[str, str] = {}
_SKIPS: list[str] = []
TEST_SERVER = "tests-" + hashlib.sha256(str(Path(__file__).resolve().parent.parent).encode()).hexdigest()[:8]


@pytest.fixture(autouse=True)
def _empty_import_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path_factory.mktemp("ecosystem-home")))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def neo4j_server():
    """The ``NEO4J_*`` settings of a live Neo4j, also put into ``os.environ`` for the session."""
    if os.environ.get("NEO4J_URI"):
        _SERVER["where"] = f"{os.environ['NEO4J_URI']} (NEO4J_URI)"
        yield {k: os.environ[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE") if k in os.environ}
        return
    why = missing_tools()
    if why:
        pytest.skip(f"no live Neo4j: NEO4J_URI is not set and the local server cannot run ({why})")
    settings = start_server(TEST_SERVER, echo=lambda line: print(f"[neo4j] {line}"))
    _SERVER["where"] = f"local Neo4j {coordinates()['neo4j']} at {settings.uri}"
    env = {**settings.env(), "ECOSYSTEM_TEST_SERVER": TEST_SERVER}  # the tests know it has APOC and GDS
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield settings.env()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        stop_server(TEST_SERVER)


def pytest_runtest_logreport(report):
    if "neo4j" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _LIVE[report.outcome] += 1
        if report.skipped:
            _SKIPS.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_terminal_summary(terminalreporter):
    if any(_LIVE.values()):
        where = _SERVER.get("where", "no server")
        terminalreporter.write_line(
            f"live Neo4j tests: {_LIVE['passed']} passed, {_LIVE['failed']} failed, {_LIVE['skipped']} skipped ({where})"
        )


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("ECOSYSTEM_REQUIRE_NEO4J") != "1" or session.exitstatus != 0:
        return
    if _LIVE["skipped"] or not _LIVE["passed"]:
        print(f"\nECOSYSTEM_REQUIRE_NEO4J=1 but {_LIVE['passed']} live Neo4j tests passed, {_LIVE['skipped']} skipped:")
        print("\n".join(f"  {line}" for line in _SKIPS[:10]))
        session.exitstatus = 1
