"""Time every `ecosystem` command with and without the real imports stored: wall time and peak memory.

Each command runs as its own process (as a user runs it), `--repeat` times; the table
gives the median wall time and the peak resident memory (ru_maxrss of that process).
"with imports" reads the warm analysis-graph cache; "whole graph" is the same command with
ECOSYSTEM_CACHE=0, the plain way: the whole merged NetworkX graph rebuilt on every
command. "cold" is the first command after the cache is removed (a new import or a
changed seed). The H2020 path (co-participation overlap and communities on the whole
participations file) is `bench_import.py`, run here once.

    python benchmarks/bench_cli.py [--data ../shared/data] [--repeat 5] [--whole-repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    ["--help"],
    ["stats"],
    ["show", "Dansk Skaldyrscenter"],
    ["overlaps", "--top", "10"],
    ["communities"],
    ["propose"],
    ["propose", "--format", "json"],
    ["whatif", "1"],
    ["eligibility"],
    ["leagues"],
    ["validate"],
    ["query", "--list"],
    ["import", "--list"],
    ["plot", "map", "-o", "{tmp}/map.png"],
    ["plot", "proposal", "-o", "{tmp}/proposal.png"],
    ["export", "-o", "{tmp}/graph.json"],
]
NO_IMPORTS = {"stats", "show", "overlaps", "communities", "propose", "whatif", "eligibility", "leagues", "export"}


def once(args: list[str], env: dict) -> tuple[float, float]:
    """Run one command; return (wall seconds, peak RSS MiB) of its process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ecosystem", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"`ecosystem {' '.join(args)}` failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024


def measure(args, env, repeat) -> dict:
    runs = [once(args, env) for _ in range(repeat)]
    return {"seconds": round(statistics.median(w for w, _ in runs), 3), "peak_mb": round(max(m for _, m in runs), 1)}


def store_imports(home: Path, data: Path, env: dict) -> None:
    cordis, funds = data / "cordis_h2020", data / "dk_structural_funds"
    for args in (
        ["cordis", str(cordis / "h2020_participations.csv.gz"), "--organisations", str(cordis / "h2020_organisations_subset.csv")],
        ["structural-funds", str(funds / "erdf_esf_2007_2013.csv")],
        ["structural-funds", str(funds / "erdf_esf_2014_2020.csv")],
    ):
        subprocess.run([sys.executable, "-m", "ecosystem", "import", *args, "--home", str(home)], env=env, check=True, capture_output=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the real data (default ../shared/data)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--whole-repeat", type=int, default=3, help="runs per command of the whole-graph way (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        home, empty = Path(tmp) / "home", Path(tmp) / "empty"
        base = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
        base.pop("ECOSYSTEM_CACHE", None)
        with_env, without_env = {**base, "ECOSYSTEM_HOME": str(home)}, {**base, "ECOSYSTEM_HOME": str(empty)}
        store_imports(home, args.data, base)
        rows = []
        for cmd in COMMANDS:
            argv_ = [a.format(tmp=tmp) for a in cmd]
            name = " ".join(a for a in cmd if not a.startswith("{tmp}"))
            once(argv_, with_env)  # warm the cache and the file system
            row = {"command": name, "with_imports": measure(argv_, with_env, args.repeat)}
            row["without_imports"] = measure(argv_, without_env, args.repeat)
            if cmd[0] in NO_IMPORTS:
                row["whole_graph"] = measure(argv_, {**with_env, "ECOSYSTEM_CACHE": "0"}, args.whole_repeat)
            row["ratio"] = round(row["with_imports"]["seconds"] / row["without_imports"]["seconds"], 2)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        cold = []
        for _ in range(3):
            shutil.rmtree(home / "cache", ignore_errors=True)
            cold.append(once(["propose"], with_env))
        cold_row = {"seconds": round(statistics.median(w for w, _ in cold), 3), "peak_mb": round(max(m for _, m in cold), 1)}
        h2020 = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "bench_import.py"), str(args.data / "cordis_h2020" / "h2020_participations.csv.gz")],
            env=base, check=True, capture_output=True, text=True,
        )
        h2020_row = json.loads(h2020.stdout.strip().splitlines()[-1])

    result = {
        "commands": rows,
        "cold_propose": cold_row,
        "h2020_path": h2020_row,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print("| command | with imports: s | MB | without: s | MB | with / without | whole graph (plain NetworkX): s | MB | whole / with |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        w, o, g = r["with_imports"], r["without_imports"], r.get("whole_graph")
        whole = f"{g['seconds']} | {g['peak_mb']:.0f} | {g['seconds'] / w['seconds']:.1f}x" if g else "- | - | -"
        print(f"| `{r['command']}` | {w['seconds']} | {w['peak_mb']:.0f} | {o['seconds']} | {o['peak_mb']:.0f} | {r['ratio']} | {whole} |")
    print(f"\ncold `propose` (first command after a new import): {cold_row['seconds']} s, {cold_row['peak_mb']:.0f} MB")
    h = h2020_row
    print(
        f"H2020 path: {h['total_seconds']} s in all (import {h['import_seconds']} s, overlap {h['overlap_seconds']} s, "
        f"communities {h['communities_seconds']} s; {h['organisations']:,} organisations, {h['pairs']:,} pairs), {h['max_rss_mb']} MB"
    )
    print(f"\n{args.repeat} runs per command (whole graph: {args.whole_repeat}), medians; {result['cpus']} cores, Python {result['python']}, load {result['loadavg']:.2f}")


if __name__ == "__main__":
    main()
