"""Benchmark ``ecosystem.neo4j.load_into_neo4j`` on a real Neo4j: first load, re-load, re-load with wipe.

Usage::

    python benchmarks/bench_neo4j_load.py [--repeat 3] [--heap 2g] [--data ../shared/data] [--json]

Uses the server NEO4J_URI names, else starts the local server ``bench``
(``ecosystem neo4j server``) with ``--heap`` and stops it at the end. Two graphs: the
seeds alone, and the seeds with the three imports of ``--data`` (CORDIS H2020,
structural funds 2007-13 and 2014-20), stored into a temporary ``ECOSYSTEM_HOME`` by
the ``ecosystem import`` commands. For each, ``--repeat`` times: delete everything
(untimed), then time

- ``first``: ``load_into_neo4j`` into the empty database (one transaction, all or nothing);
- ``reload``: the same graph again (nothing changes; the server's counters must say 0);
- ``reload_wipe``: the same with ``wipe=True`` (deletes only what the graph lacks: nothing).

and once ``first_autocommit``: the same statements each in its own auto-commit
transaction (how loads worked before they were made all-or-nothing), to show what
atomicity costs. Prints one JSON line per graph, or a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecosystem.graph import build_graph  # noqa: E402
from ecosystem.ingest import graph_with_imports  # noqa: E402
from ecosystem.neo4j import Neo4jRunner, load_into_neo4j, start_server, status, stop_server, wipe  # noqa: E402


class AutoCommit:
    """A runner without ``transaction()``: load_into_neo4j then commits every statement on its own."""

    def __init__(self, runner):
        self.runner, self.counters = runner, runner.counters

    def run(self, query, params, *, write):
        return self.runner.run(query, params, write=write)


def store_imports(data: Path, home: Path) -> None:
    exe = [sys.executable, "-m", "ecosystem", "import"]
    env = {**os.environ, "ECOSYSTEM_HOME": str(home)}
    cordis = data / "cordis_h2020"
    funds = data / "dk_structural_funds"
    for args in (
        ["cordis", str(cordis / "h2020_participations.csv.gz"), "--organisations", str(cordis / "h2020_organisations_subset.csv")],
        ["structural-funds", str(funds / "erdf_esf_2007_2013.csv")],
        ["structural-funds", str(funds / "erdf_esf_2014_2020.csv")],
    ):
        subprocess.run(exe + args, env=env, check=True, capture_output=True)


def timed(fn):
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def bench(runner, G, repeat: int) -> dict:
    rows = G.number_of_nodes() + G.number_of_edges()
    times = {"first": [], "reload": [], "reload_wipe": []}
    changes = {}
    for _ in range(repeat):
        wipe(runner, batch_size=10_000)
        t, _ = timed(lambda: load_into_neo4j(runner, G, progress=False))
        times["first"].append(t)
        t, result = timed(lambda: load_into_neo4j(runner, G, progress=False))
        times["reload"].append(t)
        changes["reload"] = sum(result["changes"].values())
        t, result = timed(lambda: load_into_neo4j(runner, G, wipe=True, progress=False))
        times["reload_wipe"].append(t)
        changes["reload_wipe"] = sum(result["changes"].values())
    wipe(runner, batch_size=10_000)
    t_auto, _ = timed(lambda: load_into_neo4j(AutoCommit(runner), G, progress=False))
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {
        "nodes": G.number_of_nodes(),
        "relationships": G.number_of_edges(),
        **{f"{k}_seconds": round(v, 2) for k, v in medians.items()},
        **{f"{k}_rows_per_second": round(rows / v) for k, v in medians.items()},
        "first_autocommit_seconds": round(t_auto, 2),
        "changes_on_reload": changes["reload"],
        "changes_on_reload_wipe": changes["reload_wipe"],
        "all_seconds": {k: [round(x, 2) for x in v] for k, v in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--heap", default="3g", help="heap of the local server (when NEO4J_URI is not set)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    started = False
    if not os.environ.get("NEO4J_URI"):
        os.environ.update(start_server("bench", heap=args.heap, echo=lambda s: print(s, file=sys.stderr)).env())
        started = True
    results = []
    try:
        with tempfile.TemporaryDirectory() as home, Neo4jRunner() as runner:
            server = status(runner)["server"][0]
            os.environ["ECOSYSTEM_HOME"] = home
            graphs = [("seeds", lambda: build_graph())]
            if args.data.exists():
                store_imports(args.data, Path(home))
                graphs.append(("seeds + 3 imports", lambda: graph_with_imports()))
            for name, build in graphs:
                G = build()
                results.append({"graph": name, **bench(runner, G, args.repeat)})
            wipe(runner, batch_size=10_000)
    finally:
        if started:
            stop_server("bench")
    machine = {
        "server": server,
        "heap": args.heap if started else "(external server)",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg": round(os.getloadavg()[0], 2),
        "packstream": "rust (neo4j-rust-ext)" if _rust() else "pure Python",
    }
    if args.json:
        for r in results:
            print(json.dumps({**r, **machine}))
        return
    print(f"{machine}\n")
    print("| graph | nodes | relationships | first load s | rows/s | re-load s | re-load, wipe s | changes on re-load | first load, one transaction per batch s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['graph']} | {r['nodes']:,} | {r['relationships']:,} | {r['first_seconds']} | "
            f"{r['first_rows_per_second']:,} | {r['reload_seconds']} | {r['reload_wipe_seconds']} | "
            f"{r['changes_on_reload']} / {r['changes_on_reload_wipe']} | {r['first_autocommit_seconds']} |"
        )


def _rust() -> bool:
    """Whether the driver packs with the Rust extension (pip install neo4j-rust-ext)."""
    import neo4j._codec.packstream.v1 as v1

    return getattr(v1, "_rust_pack", None) is not None


if __name__ == "__main__":
    main()
