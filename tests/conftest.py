"""Every test runs against an empty import store unless it sets its own."""

import pytest


@pytest.fixture(autouse=True)
def _empty_import_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_HOME", str(tmp_path_factory.mktemp("ecosystem-home")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
