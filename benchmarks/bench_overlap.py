"""Benchmark ``ecosystem.analysis.pairwise_overlap`` against NetworkX.

Usage::

    python benchmarks/bench_overlap.py --clusters 3000 --members 300000 --repeat 5 --json
    python benchmarks/bench_overlap.py --clusters 20000 --members 3000000 --naive-sample 200 --json

Prints one JSON line whose first keys are ``clusters, members, seconds,
peak_mb, naive_seconds, speedup``; see ``benchmarks/README.md`` for every key.
"""

import argparse
import ctypes
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np
import scipy
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ecosystem.analysis import incidence_matrix, pairwise_overlap  # noqa: E402
from tools.synthetic import synthetic_ecosystem, synthetic_incidence  # noqa: E402

MB = 2**20


def _vm_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def peak_rss_delta_mb(func):
    """Run `func` once; return how far the resident set rose above its start, in MiB.

    Resets the kernel's high-water mark first (Linux ``/proc/self/clear_refs``)
    so that the generator's own peak does not hide the computation's; returns
    None where that is not possible (not Linux with glibc). Call it before
    any other run of `func`: memory that earlier runs left mapped is not
    counted again.
    """
    try:
        # Hand freed heap pages back first, or reused pages would hide the rise.
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    before = _vm_kb("VmRSS")
    func()
    return (_vm_kb("VmHWM") - before) * 1024 / MB


def tracemalloc_peak_mb(func):
    """Run `func` once under tracemalloc; return the peak traced allocation in MiB."""
    tracemalloc.start()
    try:
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


def timed(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return result, times


def matmul_overlap(X):
    """The textbook formulation, ``triu(X @ X.T, 1)`` with scipy, for comparison only."""
    X = X.astype(np.int32)
    sizes = np.diff(X.indptr).astype(np.float64)
    P = sparse.triu(X @ X.T, k=1, format="csr")
    P.sort_indices()
    row_i = np.repeat(np.arange(X.shape[0], dtype=np.int32), np.diff(P.indptr))
    row_j, shared = P.indices, P.data
    union = sizes[row_i] + sizes[row_j] - shared
    return row_i, row_j, shared, shared / union, shared / sizes[row_i], shared / sizes[row_j]


def naive_subgraph(X, sample, names):
    """Return the part of the bipartite graph NetworkX reads to project `sample`.

    overlap_weighted_projected_graph(B, sample) touches the sampled clusters,
    their members, every cluster of those members and all of *their* members;
    this builds exactly that, so the timing of the sample is the real one.
    """
    cluster_name, member_name = names
    members = np.unique(X[sample].indices)
    touched = np.union1d(np.unique(X.tocsc()[:, members].indices), sample)
    sub = X[touched].tocoo()
    B = nx.Graph()
    B.add_nodes_from((cluster_name(i) for i in touched.tolist()), bipartite=0)
    B.add_edges_from(
        (cluster_name(i), member_name(j)) for i, j in zip(touched[sub.row].tolist(), sub.col.tolist(), strict=True)
    )
    return B


def check_agreement(H, ov, rows, only=None):
    """Compare NetworkX's projected Jaccard weights with ours; return True if equal."""
    ours = {}
    for i, j, jac in zip(ov.row_i.tolist(), ov.row_j.tolist(), ov.jaccard.tolist(), strict=True):
        if only is None or i in only or j in only:
            ours[frozenset((rows[i], rows[j]))] = jac
    theirs = {frozenset((u, v)): w for u, v, w in H.edges(data="weight")}
    return ours.keys() == theirs.keys() and all(abs(ours[k] - theirs[k]) < 1e-12 for k in ours)


def run(args):
    n, m = args.clusters, args.members
    start = time.perf_counter()
    load_before = os.getloadavg()[0]
    generator = {"seed": args.seed, "mean_memberships": args.memberships, "size_sigma": args.sigma}
    X, _ = synthetic_incidence(n, m, **generator)
    generate_seconds = time.perf_counter() - start

    rss_mb = peak_rss_delta_mb(lambda: pairwise_overlap(X))
    ov, times = timed(lambda: pairwise_overlap(X), args.repeat)
    seconds = statistics.median(times)
    peak_mb = tracemalloc_peak_mb(lambda: pairwise_overlap(X))

    matmul_seconds = matmul_peak_mb = None
    if args.matmul:
        mm, mm_times = timed(lambda: matmul_overlap(X), args.repeat)
        matmul_seconds = statistics.median(mm_times)
        matmul_peak_mb = tracemalloc_peak_mb(lambda: matmul_overlap(X))
        if not all(np.array_equal(a, b) for a, b in zip(mm, ov, strict=True)):
            raise AssertionError("scipy matmul and pairwise_overlap disagree")
        del mm

    cw, mw = len(str(n - 1)), len(str(m - 1))
    names = (lambda i: f"C{i:0{cw}d}", lambda j: f"M{j:0{mw}d}")
    naive_seconds = naive_sample_seconds = build_seconds = agrees = None
    sample = None
    if args.naive_sample is not None:
        rng = np.random.default_rng(args.seed)
        sample = np.sort(rng.choice(n, size=min(args.naive_sample, n), replace=False))
        B = naive_subgraph(X, sample, names)
        nodes = [names[0](i) for i in sample.tolist()]
        H, (naive_sample_seconds,) = timed(lambda: nx.bipartite.overlap_weighted_projected_graph(B, nodes), 1)
        naive_seconds = naive_sample_seconds * n / len(sample)
        rows = [names[0](i) for i in range(n)]
        agrees = check_agreement(H, ov, rows, only=set(sample.tolist()))
        del B, H
    elif not args.no_naive:
        B, clusters, _ = synthetic_ecosystem(n, m, **generator)
        (Xg, _, _), build_times = timed(lambda: incidence_matrix(B, clusters), args.repeat)
        build_seconds = statistics.median(build_times)
        H, (naive_seconds,) = timed(lambda: nx.bipartite.overlap_weighted_projected_graph(B, clusters), 1)
        agrees = check_agreement(H, ov, clusters) and (Xg != X[:, np.unique(X.indices)]).nnz == 0
        del B, H

    speedup = naive_seconds / seconds if naive_seconds is not None else None
    return {
        "clusters": n,
        "members": m,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "naive_seconds": naive_seconds,
        "speedup": speedup,
        "runs": args.repeat,
        "min_seconds": min(times),
        "peak_rss_delta_mb": rss_mb,
        "nnz": int(X.nnz),
        "pairs": len(ov.row_i),
        "generate_seconds": generate_seconds,
        "build_seconds": build_seconds,
        "speedup_with_build": naive_seconds / (seconds + build_seconds) if build_seconds is not None else None,
        "matmul_seconds": matmul_seconds,
        "matmul_peak_mb": matmul_peak_mb,
        "naive_mode": "sample" if sample is not None else ("skipped" if args.no_naive else "full"),
        "naive_sample": None if sample is None else len(sample),
        "naive_sample_seconds": naive_sample_seconds,
        "naive_agrees": agrees,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "networkx": nx.__version__,
        "seed": args.seed,
        "mean_memberships": args.memberships,
        "size_sigma": args.sigma,
        # Other work on the machine slows the timings; record how busy it was.
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()[0],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, required=True, help="rows (cluster organisations)")
    parser.add_argument("--members", type=int, required=True, help="columns (possible members)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the median is reported (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--memberships", type=float, default=2.0, help="mean clusters per member (generator; default 2.0)"
    )
    parser.add_argument("--sigma", type=float, default=1.0, help="lognormal sigma of cluster sizes (default 1.0)")
    naive = parser.add_mutually_exclusive_group()
    naive.add_argument("--no-naive", action="store_true", help="skip NetworkX; naive_seconds is null")
    naive.add_argument(
        "--naive-sample",
        type=int,
        metavar="K",
        help="time NetworkX on K random clusters only and scale by clusters/K (naive_mode=sample)",
    )
    parser.add_argument("--matmul", action="store_true", help="also time scipy's triu(X @ X.T) formulation")
    parser.add_argument("--json", action="store_true", help="print one JSON line (otherwise key: value lines)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
