"""The 2020 targets as a table, CSV or Markdown (the rows of ``analysis.track_targets``)."""

from __future__ import annotations

from ecosystem.output.tables import rows_csv, rows_table

__all__ = ["TARGET_COLUMNS", "targets_csv", "targets_markdown", "targets_text"]

TARGET_COLUMNS = ["id", "target", "metric", "threshold", "year", "as_of", "value", "bound", "status", "gap", "how", "doc", "quote"]


def _value(r: dict) -> str:
    if r["value"] is None:
        return "-"
    return f"{r['bound']} {r['value']:,}".strip()


def _fact(f: dict) -> str:
    where = f"[{f['doc']}] \"{f['quote']}\"" if f.get("doc") else f"({f['source']})"
    return f"{f['what']} {where}"


def _summary(rows: list[dict]) -> list[dict]:
    return [{"target": r["id"], "value": _value(r), "target value": f"{r['threshold']:,} by {r['year']}" if r["threshold"] is not None else f"none set ({r['year']})",
             "status": r["status"], "gap": f"{r['gap']:,}" if r["gap"] is not None else ""} for r in rows]


def _when(rows: list[dict]) -> str:
    as_of = rows[0]["as_of"] if rows else None
    return f"as of {as_of}" if as_of else "all the evidence"


def targets_text(rows: list[dict]) -> str:
    """A summary table, then each target with its quote, how its value was computed and the facts behind it."""
    out = [f"the 2020 targets, {_when(rows)}", rows_table(_summary(rows), ["target", "value", "target value", "status", "gap"]).rstrip("\n")]
    for r in rows:
        out += ["", f"{r['id']}: {r['target']}", f"  [{r['doc']}] \"{r['quote']}\"", f"  {r['how']}"]
        out += [f"  - {_fact(f)}" for f in r["facts"]]
        if r["more_facts"]:
            out.append(f"  ... and {r['more_facts']} more")
    return "\n".join(out) + "\n"


def targets_csv(rows: list[dict]) -> str:
    """One row per target, the columns of ``TARGET_COLUMNS`` (the facts are in the JSON)."""
    return rows_csv(rows, TARGET_COLUMNS)


def targets_markdown(rows: list[dict]) -> str:
    """A Markdown report: the summary table, then a section per target."""
    out = [f"# The 2020 targets, {_when(rows)}", "", "| target | value | target value | status | gap |", "|---|---:|---:|---|---:|"]
    out += [f"| {s['target']} | {s['value']} | {s['target value']} | {s['status']} | {s['gap']} |" for s in _summary(rows)]
    for r in rows:
        out += ["", f"## {r['id']}", "", r["target"], "", f"> {r['quote']} ({r['doc']})", "", f"**{r['status']}**: {r['how']}."]
        if r["facts"]:
            out += [""] + [f"- {_fact(f)}" for f in r["facts"]]
        if r["more_facts"]:
            out.append(f"- ... and {r['more_facts']} more")
    return "\n".join(out) + "\n"
