"""The review report: names scoring in the review band, for an analyst to decide.

One row per candidate link (:data:`REVIEW_COLUMNS`); the analyst fills the ``decision``
column with ``accept``, ``reject`` or another seed id and feeds the file back
(``ecosystem import ... --review FILE``), which :func:`read_review` reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ecosystem.errors import ImportFailed

__all__ = ["DECISIONS", "REVIEW_COLUMNS", "Candidate", "read_review", "review_csv", "write_review"]

REVIEW_COLUMNS = ("imported_id", "imported_name", "cvr", "pic", "candidate_id", "candidate_name", "score", "decision")
"""The review report's header."""
DECISIONS = ("accept", "reject")
"""The decisions an analyst writes besides a seed id (or nothing, for undecided)."""


@dataclass(frozen=True)
class Candidate:
    """A possible link in the review band, as one row of the review report."""

    imported_id: str
    imported_name: str
    cvr: str
    pic: str
    candidate_id: str
    candidate_name: str
    score: float
    decision: str = ""



def review_csv(candidates: Iterable[Candidate]) -> str:
    """Return the review report as CSV text (header :data:`REVIEW_COLUMNS`).

    >>> print(review_csv([Candidate("pic-1", "SEGES INNOVATION P/S", "", "1", "seges", "SEGES", 90.0)]), end="")
    imported_id,imported_name,cvr,pic,candidate_id,candidate_name,score,decision
    pic-1,SEGES INNOVATION P/S,,1,seges,SEGES,90,
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(REVIEW_COLUMNS)
    for c in candidates:
        w.writerow([c.imported_id, c.imported_name, c.cvr, c.pic, c.candidate_id, c.candidate_name, f"{c.score:g}", c.decision])
    return out.getvalue()


def write_review(candidates: Iterable[Candidate], path: str | Path) -> Path:
    """Write the review report to `path` (UTF-8); return the path."""
    path = Path(path)
    path.write_text(review_csv(candidates), encoding="utf-8")
    return path


def read_review(path: str | Path, G: nx.Graph | None = None) -> dict[str, list[tuple[str, str]]]:
    """Read an analyst's review report; return ``{imported_id: [(candidate_id, decision)]}``.

    ``decision`` is ``accept``, ``reject``, another entity id, or empty (undecided).

    Raises
    ------
    ImportFailed
        If the file is not a review report, or a decision is neither accept, reject,
        empty nor (when G is given) an entity id of G; the message gives file:line:column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(f"{path}: review file not found (pass the report written by the last import; check the path)") from None
    except UnicodeDecodeError as err:
        raise ImportFailed(f"{path}: byte {err.start} is not UTF-8 (the review report is UTF-8; re-save it as 'CSV UTF-8')") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, [])
    missing = [c for c in ("imported_id", "candidate_id", "decision") if c not in header]
    if missing:
        raise ImportFailed(
            f"{path}:1:1: header lacks {', '.join(missing)} (a review report has the columns {','.join(REVIEW_COLUMNS)}; keep the header the import wrote)"
        )
    col = {c: header.index(c) for c in header}
    out: dict[str, list[tuple[str, str]]] = {}
    for line, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        values = values + [""] * (len(header) - len(values))
        imp, cand = values[col["imported_id"]].strip(), values[col["candidate_id"]].strip()
        decision = values[col["decision"]].strip()
        if decision.lower() in DECISIONS:
            decision = decision.lower()
        elif decision and G is not None and decision not in G:
            raise ImportFailed(
                f"{path}:{line}:{col['decision'] + 1}: decision {decision!r} is not an entity id "
                "(decision is accept, reject, empty or the id of the right seed entity; fix the id, see `ecosystem show NAME`)"
            )
        out.setdefault(imp, []).append((cand, decision))
    for imp, rows in out.items():
        chosen = {d if d != "accept" else c for c, d in rows if d and d != "reject"}
        if len(chosen) > 1:
            raise ImportFailed(
                f"{path}: {imp!r} is accepted as {' and '.join(sorted(chosen))} (one organisation links to one entity; keep one accept per imported_id)"
            )
    return out
