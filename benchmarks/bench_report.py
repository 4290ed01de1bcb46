"""Benchmark the shareable report: how long `ecosystem report` takes, how big the file is,
and how long it takes to open in headless Chromium (Debian's, driven by Playwright).

Usage::

    python benchmarks/bench_report.py [--home STORE] [--repeat 5]

Writes the report for the seeds alone (``--no-imports``) and, with ``--home``, for the
seeds and the imports stored there; then opens each file ``--repeat`` times, each in a new
browser page, and times from the request until the network is drawn (Cytoscape holds its
nodes). Prints a Markdown table of medians. Target (issue 17): the seed report at most
5 MB and open in under 2 s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def write_report(path: Path, home: str | None) -> float:
    env = dict(os.environ, ECOSYSTEM_HOME=home or tempfile.mkdtemp())
    cmd = [sys.executable, "-m", "ecosystem", "report", "-o", str(path)] + ([] if home else ["--no-imports"])
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def open_times(browser, path: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("window.ecosystemReport && window.ecosystemReport.cy.nodes().length > 0")
        times.append(time.perf_counter() - start)
        page.close()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", default=None, help="An import store to report on as well.")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(tempfile.mkdtemp())
    cases = [("seeds only", None)] + ([("seeds and imports", args.home)] if args.home else [])
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, home in cases:
            path = out / f"report-{len(rows)}.html"
            made = write_report(path, home)
            times = open_times(browser, path, args.repeat)
            rows.append((name, made, path.stat().st_size / 1e6, statistics.median(times), min(times), max(times)))
        browser.close()
    print(f"| report | `ecosystem report` s | size MB | open s (median of {args.repeat}) | fastest | slowest |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, made, mb, med, lo, hi in rows:
        print(f"| {name} | {made:.1f} | {mb:.2f} | {med:.2f} | {lo:.2f} | {hi:.2f} |")
    print(f"\n{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
