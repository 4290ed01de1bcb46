"""Write the analyses' results back into Neo4j, next to the evidence they come from.

Each function replaces the earlier results of its kind in one transaction, and refuses
ids that are not loaded (load the same graph first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ecosystem.errors import QueryError
from ecosystem.neo4j.runner import Runner, batches, in_transaction
from ecosystem.neo4j.statements import (
    DELETE_COMMUNITIES,
    DELETE_OVERLAPS,
    DELETE_PROPOSALS,
    MISSING,
    WRITE_COMMUNITIES,
    WRITE_OVERLAPS,
    WRITE_PROPOSAL_LINKS,
    WRITE_PROPOSALS,
)

__all__ = ["write_communities", "write_overlaps", "write_proposals"]

_SIGNAL_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _require_entities(runner: Runner, ids: Iterable[str]) -> None:
    ids = sorted({str(i) for i in ids})
    if not ids:
        return
    missing = [r["id"] for r in runner.run(MISSING, {"ids": ids}, write=False)]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise QueryError(
            f"{len(missing)} entity id(s) to write back are not in Neo4j: {shown} "
            "(load the same graph first: ecosystem neo4j load)"
        )


def _write_batches(runner: Runner, statement: str, rows: Sequence[dict], batch_size: int) -> int:
    sent = 0
    for chunk in batches(rows, batch_size):
        runner.run(statement, {"rows": list(chunk)}, write=True)
        sent += 1
    return sent


def write_overlaps(runner: Runner, pairs: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Replace the ``OVERLAPS`` relationships with these pairs; return how many.

    Parameters
    ----------
    pairs : iterable of dict
        ``{"a": id, "b": id, "score": float, "signals": {name: {"shared": int,
        "jaccard": float, "containment_ab": float, "containment_ba": float}}}``.
        Each becomes ``(a)-[:OVERLAPS {score, <name>_shared, <name>_jaccard,
        <name>_containment_ab, <name>_containment_ba}]->(b)`` with ``a < b`` (the pair
        is swapped, with its containments, when needed).

    Raises
    ------
    ValueError
        For a pair of an entity with itself, or a signal name that is not snake_case.
    QueryError
        If an id is not in the database.

    Examples
    --------
    >>> from ecosystem.neo4j import RecordingRunner
    >>> r = RecordingRunner()
    >>> write_overlaps(r, [{"a": "y", "b": "x", "score": 0.5,
    ...     "signals": {"members": {"shared": 2, "jaccard": 0.5, "containment_ab": 1.0, "containment_ba": 0.4}}}])
    1
    >>> r.calls[-1].params["rows"][0]
    {'a': 'x', 'b': 'y', 'props': {'score': 0.5, 'members_shared': 2, 'members_jaccard': 0.5, 'members_containment_ab': 0.4, 'members_containment_ba': 1.0}}
    """
    rows = {}
    for p in pairs:
        a, b = str(p["a"]), str(p["b"])
        if a == b:
            raise ValueError(f"overlap of {a!r} with itself; pairs need two different entities")
        swap = a > b
        props: dict[str, Any] = {"score": float(p["score"])}
        for name, sig in sorted(p.get("signals", {}).items()):
            if not _SIGNAL_RE.match(name):
                raise ValueError(f"signal name {name!r} must be snake_case (it becomes a property name)")
            ab, ba = sig.get("containment_ab"), sig.get("containment_ba")
            values = {
                "shared": sig.get("shared"),
                "jaccard": sig.get("jaccard"),
                "containment_ab": ba if swap else ab,
                "containment_ba": ab if swap else ba,
            }
            # int()/float(): the analyses may hand over NumPy scalars.
            props.update(
                {f"{name}_{k}": int(v) if k == "shared" else float(v) for k, v in values.items() if v is not None}
            )
        a, b = (b, a) if swap else (a, b)
        rows[(a, b)] = {"a": a, "b": b, "props": props}
    ordered = [rows[k] for k in sorted(rows)]
    _require_entities(runner, [x for r in ordered for x in (r["a"], r["b"])])
    with in_transaction(runner) as tx:
        tx.run(DELETE_OVERLAPS, {}, write=True)
        _write_batches(tx, WRITE_OVERLAPS, ordered, batch_size)
    return len(ordered)


def write_communities(runner: Runner, memberships: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Write ``(:Community {id, method})<-[:IN_COMMUNITY]-(entity)``; return how many memberships.

    Communities of each ``method`` present replace that method's earlier ones.

    >>> from ecosystem.neo4j import RecordingRunner
    >>> r = RecordingRunner()
    >>> write_communities(r, [{"entity": "x", "community": 3, "method": "leiden"}])
    1
    >>> r.calls[-1].params
    {'rows': [{'entity': 'x', 'community': '3', 'method': 'leiden'}]}
    """
    rows = sorted(
        (
            {"entity": str(m["entity"]), "community": str(m["community"]), "method": str(m["method"])}
            for m in memberships
        ),
        key=lambda r: (r["method"], r["community"], r["entity"]),
    )
    _require_entities(runner, [r["entity"] for r in rows])
    methods = sorted({r["method"] for r in rows})
    with in_transaction(runner) as tx:
        if methods:
            tx.run(DELETE_COMMUNITIES, {"methods": methods}, write=True)
        _write_batches(tx, WRITE_COMMUNITIES, rows, batch_size)
    return len(rows)


def write_proposals(runner: Runner, proposals: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Replace the ``Proposal`` nodes with these proposals; return how many.

    Each proposal ``{"id", "rank", "score", "anchor" (an id, or a dict with "id" and
    "why" as :func:`ecosystem.analysis.propose` gives), "members": [{"id", "name"}],
    "hubs": [{"id", "serves": [region ids]}], "rationale", "evidence": [{"doc", "quote",
    "start", "end", "type"}]}`` becomes ``(:Proposal {id, rank, score, rationale,
    evidence_docs, evidence_quotes, evidence_types, evidence_starts, evidence_ends})``
    (evidence as parallel lists) with ``PROPOSES_MEMBER``, ``PROPOSES_ANCHOR`` and
    ``PROPOSES_HUB {serves}`` relationships to the entities.

    >>> from ecosystem.neo4j import RecordingRunner
    >>> r = RecordingRunner()
    >>> write_proposals(r, [{"id": "p1", "rank": 1, "score": 0.9, "anchor": "x",
    ...     "members": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}], "hubs": [],
    ...     "rationale": "share members", "evidence": [{"doc": "d", "quote": "q", "start": "x",
    ...     "end": "y", "type": "PARTNER_OF"}]}])
    1
    >>> r.calls[2].params["rows"][0]["props"]["evidence_quotes"]
    ['q']
    """
    nodes: list[dict] = []
    links: dict[str, list[dict]] = {t: [] for t in WRITE_PROPOSAL_LINKS}  # written in this order
    for p in proposals:
        pid = str(p["id"])
        # analysis.propose() gives the anchor as {"id", "name", "why", ...}; accept both.
        anchor = p.get("anchor")
        rationale = p.get("rationale")
        if isinstance(anchor, Mapping):
            rationale = rationale or anchor.get("why")
            anchor = anchor.get("id")
        evidence = list(p.get("evidence", ()))

        def column(key, evidence=evidence):
            return ["" if e.get(key) is None else str(e[key]) for e in evidence]

        props = {
            "id": pid,
            "rank": int(p["rank"]),
            "score": float(p["score"]),
            "rationale": str(rationale or ""),
            "evidence_docs": column("doc"),
            "evidence_quotes": column("quote"),
            "evidence_types": column("type"),
            "evidence_starts": column("start"),
            "evidence_ends": column("end"),
        }
        nodes.append({"id": pid, "props": props})
        for m in p.get("members", ()):
            links["PROPOSES_MEMBER"].append({"proposal": pid, "entity": str(m["id"]), "props": {}})
        if anchor is not None:
            links["PROPOSES_ANCHOR"].append({"proposal": pid, "entity": str(anchor), "props": {}})
        for h in p.get("hubs", ()):
            serves = [str(s) for s in h.get("serves", ())]
            links["PROPOSES_HUB"].append({"proposal": pid, "entity": str(h["id"]), "props": {"serves": serves}})
    _require_entities(runner, [row["entity"] for rows in links.values() for row in rows])
    with in_transaction(runner) as tx:
        tx.run(DELETE_PROPOSALS, {}, write=True)
        _write_batches(tx, WRITE_PROPOSALS, nodes, batch_size)
        for rel_type, rows in links.items():
            _write_batches(tx, WRITE_PROPOSAL_LINKS[rel_type], rows, batch_size)
    return len(nodes)
