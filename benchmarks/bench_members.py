"""Benchmark importing a large membership list: ``ecosystem import members`` on N generated rows.

Usage::

    python benchmarks/bench_members.py --rows 1000000 [--repeat 3]

Writes a membership list of `rows` rows (five seed clusters, "Virksomhed i ApS" members,
a valid CVR number on two rows of three, a town or a KOMKODE on six of seven; the same
file for the same arguments) to a temporary folder, then runs the CLI on it in a fresh
process per run, each into an empty store. Prints one JSON line: wall seconds (median
and all runs) and the peak resident memory of the import process (the largest of the
runs); see ``benchmarks/README.md``. Target (issue 14): 1,000,000 rows in at most 30 s
and 1 GB.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLUSTERS = ["Danish Food Cluster", "Welfare Tech", "Offshore Center Danmark", "BioPeople", "CLEAN"]
TOWNS = ["Aarhus", "Odense", "0461", "København", "Aalborg", "Esbjerg", ""]


def cvr(i: int) -> str:
    """An 8-digit number passing the CVR modulus-11 check."""
    base = f"{10_000_000 + i * 7 % 89_999_999:08d}"[:7]
    weights = (2, 7, 6, 5, 4, 3, 2)
    rest = sum(int(d) * w for d, w in zip(base, weights)) % 11
    check = (11 - rest) % 11
    return base + str(check) if check < 10 else cvr(i + 1_000_003)


def write_members(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("cluster,member,cvr,municipality\n")
        for i in range(rows):
            number = "" if i % 3 == 0 else cvr(i)
            f.write(f"{CLUSTERS[i % len(CLUSTERS)]},Virksomhed {i} ApS,{number},{TOWNS[i % len(TOWNS)]}\n")


def run_once(csv_file: Path, home: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one import in a fresh process."""
    env = dict(os.environ, ECOSYSTEM_HOME=str(home))
    code = (
        "import resource, sys; from ecosystem.cli.main import cli\n"
        "try:\n    cli.main(sys.argv[1:], prog_name='ecosystem')\n"
        "except SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "import", "members", str(csv_file), "--name", "bench"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stdout}{done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_file = Path(tmp) / f"members_{args.rows}.csv"
        write_members(csv_file, args.rows)
        runs = []
        for k in range(args.repeat):
            runs.append(run_once(csv_file, Path(tmp) / f"home{k}"))
    seconds = [round(s, 2) for s, _ in runs]
    print(
        json.dumps(
            {
                "rows": args.rows,
                "seconds": statistics.median(seconds),
                "runs": seconds,
                "peak_rss_mb": round(max(m for _, m in runs), 1),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "loadavg": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
