"""``ecosystem report``: one self-contained, deterministic, escaped HTML file, checked as text and in Chromium.

The browser tests drive Debian's ``/usr/bin/chromium`` with Playwright (no downloaded
browser); they skip only where that browser is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem.cli.main import cli
from ecosystem.evidence.seeds import default_seeds_dir

CHROMIUM = Path("/usr/bin/chromium")
EVIL = "<script>alert(1)</script>"


def _report(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["report", "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The report on the default seeds (twice) and on seeds where an organisation's name holds a script tag."""
    tmp = tmp_path_factory.mktemp("report")
    seeds = tmp / "seeds"
    shutil.copytree(default_seeds_dir(), seeds)
    entities = seeds / "entities.csv"
    text = entities.read_text(encoding="utf-8")
    assert ",Hub North," in text
    entities.write_text(text.replace(",Hub North,", f",Hub {EVIL} North,", 1), encoding="utf-8")
    return {
        "seeds": _report(tmp / "a.html", "--no-imports"),
        "again": CliRunner().invoke(cli, ["report", "-o", "-", "--no-imports"]).stdout,  # -o - writes the same page to standard output
        "evil": _report(tmp / "evil.html", "--no-imports", "--seeds", str(seeds)),
        "paths": {"seeds": tmp / "a.html", "evil": tmp / "evil.html"},
    }


def test_the_report_is_deterministic_and_has_every_section(reports):
    html = reports["seeds"]
    assert html == reports["again"]
    for section in ("overview", "network", "map", "overlaps", "proposals", "targets"):
        assert f'<section id="{section}">' in html
    assert html.count('src="data:image/png;base64,') == 2  # the map and the heatmap
    assert "Dansk Skaldyrscenter" in html and "Cytoscape.js 3.30.4" in html
    assert len(html.encode("utf-8")) < 5_000_000
    assert "<th>threshold</th>" in html and "Danmark har 10 regionale eller nationale klyngeorganisationer" in html


def test_the_report_fetches_nothing(reports):
    html = reports["seeds"]
    outside_scripts = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)
    links = re.findall(r"""\b(?:src|href|action|poster)\s*=\s*["']?([^"'\s>]*)""", outside_scripts)
    assert links and all(v.startswith(("data:", "#")) for v in links), sorted({v[:40] for v in links})
    # URLs occur only as text (a document's title, a website; the licence notes in Cytoscape.js), never to load.
    assert not re.findall(r"""(?:src|href|url\(|@import|fetch\(|XMLHttpRequest)\s*=?\s*["'(]?\s*(?:https?:)?//""", html)
    assert "default-src 'none'" in html  # and the page's policy forbids any fetch


def test_a_name_with_a_script_tag_is_escaped(reports):
    html = reports["evil"]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text in the tables
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html  # in the embedded JSON
    assert html.count("</script>") == 3  # the data, Cytoscape.js and the page's script end where they should


def test_report_with_stored_imports_and_as_of(tmp_path):
    fixtures = Path(__file__).parent / "fixtures" / "imports"
    for kind, name in (("structural-funds", "erdf_esf_2007_2013.csv"), ("members", "members.csv")):
        result = CliRunner().invoke(cli, ["import", kind, str(fixtures / name), "--home", str(tmp_path / "home")])
        assert result.exit_code == 0, result.output
    html = _report(tmp_path / "r.html", "--home", str(tmp_path / "home"))
    assert "<caption>Imported organisations</caption>" in html
    assert "as of 2013" in _report(tmp_path / "r2013.html", "--home", str(tmp_path / "home"), "--as-of", "2013")


def test_the_report_names_the_extra_when_jinja2_is_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "jinja2", None)
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "r.html"), "--no-imports"])
    assert result.exit_code == 1
    assert "pip install 'cluster-ecosystem[report]'" in result.output
    assert not (tmp_path / "r.html").exists()


# In a real browser -------------------------------------------------------------------------

browser_only = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _open(browser, path: Path):
    """Open a report; return the page and what it logged: console errors, page errors, requests, dialogs."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("window.ecosystemReport && window.ecosystemReport.cy.nodes().length > 0")
    return page, seen


def _shown(page) -> int:
    return int(page.get_attribute("#count", "data-shown"))


@browser_only
def test_the_page_loads_without_errors_or_requests_and_draws(browser, reports):
    page, seen = _open(browser, reports["paths"]["seeds"])
    try:
        page.wait_for_timeout(300)
        assert seen["errors"] == []
        assert seen["requests"] == [reports["paths"]["seeds"].as_uri()]
        from PIL import Image

        shot = Image.open(io.BytesIO(page.locator("#cy").screenshot())).convert("RGB")
        assert len(shot.getcolors(maxcolors=1 << 20)) > 50  # nodes in many colours, edges, labels: not blank
    finally:
        page.close()


@browser_only
def test_search_by_alias_and_the_facts_panel(browser, reports):
    page, seen = _open(browser, reports["paths"]["seeds"])
    try:
        page.fill("#search", "Dansk Skaldyrscenter")
        hit = page.locator("#results button", has_text="Dansk Skaldyrcenter")
        assert hit.count() == 1
        hit.click()
        assert page.inner_text("#facts h3") == "Dansk Skaldyrcenter"
        quotes = page.locator("#facts .relations q")
        assert quotes.count() >= 1 and "Dansk Skaldyrscenter" in quotes.first.inner_text()
        assert seen["errors"] == []
    finally:
        page.close()


@browser_only
def test_filters_change_what_is_drawn(browser, reports):
    page, _ = _open(browser, reports["paths"]["seeds"])
    try:
        visible = "window.ecosystemReport.cy.nodes(':visible').length"
        total = _shown(page)
        assert total == page.evaluate(visible) > 0
        page.uncheck("#kinds input[value=project]")
        assert 0 < _shown(page) < total
        # Cytoscape recomputes the style that `:visible` reads on its own schedule: wait for it
        # (polled from here: the page's content security policy forbids wait_for_function's eval)
        for _ in range(100):
            if page.evaluate(visible) == _shown(page):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(visible) == _shown(page)
        page.select_option("#theme", label="Fødevarer")
        with_theme = _shown(page)
        assert 0 < with_theme < total - 1
        page.check("#kinds input[value=project]")
        page.select_option("#theme", value="")
        assert _shown(page) == total
    finally:
        page.close()


@browser_only
def test_a_script_in_a_name_shows_as_text_in_the_browser(browser, reports):
    page, seen = _open(browser, reports["paths"]["evil"])
    try:
        page.fill("#search", "alert(1)")
        page.locator("#results button").first.click()
        assert page.inner_text("#facts h3") == f"Hub {EVIL} North"
        assert seen["dialogs"] == [] and seen["errors"] == []
    finally:
        page.close()
