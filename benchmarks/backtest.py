"""Backtest: proposals made with what was known in 2016, scored against the 2017 decisions.

Usage::

    python benchmarks/backtest.py [--as-of 2016] [--home STORE] [--json]

Builds the landscape as the documents knew it in ``--as-of`` (seeds only, and with the
imports stored in ``--home`` when given, cut to the same year), runs ``propose`` at several
``--min-score`` thresholds and scores it pair by pair: a predicted pair is two cluster
organisations in one proposal; a true pair is two organisations that a consolidation
recorded in document 000 (autumn 2017) puts together. Two yardsticks:

- ``decided``: the merges and hub models document 000 records as decided or recommended;
- ``considered``: every consolidation it records (merges, hub models, alliances and
  dialogues, whatever their status).

Pairs with an organisation that is not a cluster organisation or innovation network in
the ``--as-of`` landscape (first named in 2017, or of another kind, such as a trade
association) cannot be predicted; they are counted apart (``out_of_reach``) and left out
of recall.
The 2017 decisions are a yardstick only: ``propose`` never reads the recommendations.
"""

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem.analysis import cluster_organisations, propose, recommendations_of  # noqa: E402
from ecosystem.evidence import load_seeds  # noqa: E402
from ecosystem.graph import build_graph  # noqa: E402

DOC_2017 = "000_32f3297a358e23e7"
YARDSTICKS = {
    "decided": lambda r: r["action"] in ("merge", "hub_model") and r["status"] in ("decided", "recommended", "done"),
    "considered": lambda r: r["action"] in ("merge", "hub_model", "alliance", "dialogue"),
}
THRESHOLDS = (0.05, 0.1, 0.15, 0.2)


def pairs_of(groups) -> set:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(sorted(set(g)), 2)}


def score(predicted: set, truth: set) -> dict:
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 0.0
    recall = hit / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hit else 0.0
    return {"predicted": len(predicted), "true": len(truth), "hit": hit, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def graph(seeds, as_of, home):
    if not home:
        return build_graph(seeds, as_of=as_of)
    from ecosystem.ingest import graph_with_imports

    return graph_with_imports(seeds, as_of=as_of, home=home)


def backtest(as_of: int, home: str | None) -> list[dict]:
    seeds = load_seeds()
    G = graph(seeds, as_of, home)
    known = set(cluster_organisations(G))
    recs = [r for r in recommendations_of(seeds) if r["doc"] == DOC_2017]
    rows = []
    for name, chosen in YARDSTICKS.items():
        all_pairs = pairs_of(r["members"] for r in recs if chosen(r))
        truth = {p for p in all_pairs if set(p) <= known}
        for t in THRESHOLDS:
            result = propose(G, min_score=t)
            predicted = pairs_of([m["id"] for m in p["members"]] for p in result["proposals"])
            rows.append({"yardstick": name, "min_score": t, "imports": bool(home), "proposals": len(result["proposals"]),
                         "out_of_reach": len(all_pairs - truth), **score(predicted, truth)})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--as-of", type=int, default=2016)
    ap.add_argument("--home", default=None, help="An import store (ECOSYSTEM_HOME) to include; seeds only without it.")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = backtest(args.as_of, None)
    if args.home:
        os.environ["ECOSYSTEM_HOME"] = args.home
        rows += backtest(args.as_of, args.home)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| yardstick | imports | --min-score | proposals | predicted pairs | true pairs (out of reach) | hits | precision | recall | F1 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['yardstick']} | {'yes' if r['imports'] else 'no'} | {r['min_score']} | {r['proposals']} | {r['predicted']} | "
              f"{r['true']} ({r['out_of_reach']}) | {r['hit']} | {r['precision']} | {r['recall']} | {r['f1']} |")


if __name__ == "__main__":
    main()
