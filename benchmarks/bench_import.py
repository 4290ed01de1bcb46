"""Benchmark importing the whole H2020 participations file, its co-participation overlap
and communities on it.

Usage::

    python benchmarks/bench_import.py ../shared/data/cordis_h2020/h2020_participations.csv.gz

Prints one JSON line: ``import_seconds, overlap_seconds, communities_seconds,
total_seconds`` (one run each, wall clock, in this order), then the counts (rows,
organisations, projects, pairs, communities) and the machine; see ``benchmarks/README.md``.
"""

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ecosystem.ingest import import_cordis  # noqa: E402
from tools.coparticipation import coparticipation, coparticipation_communities  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis_h2020" / "h2020_participations.csv.gz"


def run(args) -> dict:
    start = time.perf_counter()
    ds = import_cordis(args.path, args.organisations)
    imported = time.perf_counter()
    ov, orgs = coparticipation(ds, min_shared=args.min_shared)
    overlapped = time.perf_counter()
    found = coparticipation_communities(ov, orgs, method=args.method, seed=args.seed)
    done = time.perf_counter()
    participations = [e for e in ds.edges if e["type"] == "PARTICIPATES_IN"]
    return {
        "import_seconds": round(imported - start, 3),
        "overlap_seconds": round(overlapped - imported, 3),
        "communities_seconds": round(done - overlapped, 3),
        "total_seconds": round(done - start, 3),
        "rows": len(participations),
        "organisations": len({d["pic"] for d in ds.nodes.values() if d.get("pic")}),
        "projects": len({e["end"] for e in participations}),
        "pairs": len(ov.row_i),
        "min_shared": args.min_shared,
        "communities": len(found),
        "largest_community": max((len(g) for g in found.values()), default=0),
        "method": next(iter(found), "none-").rsplit("-", 1)[0],
        "organisations_file": args.organisations is not None,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seed": args.seed,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path", nargs="?", type=Path, default=DEFAULT, help="h2020_participations.csv.gz (default: ../shared/data/...)"
    )
    parser.add_argument(
        "--organisations",
        type=Path,
        default=None,
        help="also read the CORDIS organisations file (names, CVR, coordinates)",
    )
    parser.add_argument(
        "--min-shared", type=int, default=1, help="keep pairs sharing at least this many projects (default 1)"
    )
    parser.add_argument(
        "--method",
        choices=["auto", "leiden", "louvain"],
        default="auto",
        help="community method (default auto: Leiden if installed)",
    )
    parser.add_argument("--seed", type=int, default=42, help="community seed (default 42)")
    args = parser.parse_args(argv)
    if not args.path.exists():
        parser.error(f"{args.path} not found; pass the participations file")
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
