"""Load the evidence graph into Neo4j, all or nothing; delete it; describe what is loaded."""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from tqdm import tqdm

from ecosystem.errors import StoreUnavailable
from ecosystem.evidence import KINDS, REL_TYPES, kind_labels
from ecosystem.neo4j.queries import ensure_gds, schema_statements
from ecosystem.neo4j.runner import COUNTERS, Runner, batches, in_transaction
from ecosystem.neo4j.statements import (
    COMPONENTS,
    DELETE_STALE_NODES,
    DELETE_STALE_RELATIONSHIPS,
    NODE_COUNTS,
    RELATIONSHIP_COUNTS,
    WIPE,
    WRITEBACK_COUNTS,
    node_statement,
    relationship_statement,
)

__all__ = ["load_into_neo4j", "status", "wipe"]

_SEP = "\x1f"  # ASCII unit separator: in no id, kind or fact id


def _props(data: Mapping[str, Any], skip: Iterable[str]) -> dict:
    """Properties to store: everything but ``skip``, lists copied, "" sent as None.

    Absent values are absent properties: ``SET n += $props`` removes a property set to
    null, so ``r.role IS NULL`` means no role was stated, also after a value was cleared
    in the seeds and loaded again.
    """
    skip = set(skip)
    return {k: list(v) if isinstance(v, (list, tuple)) else None if _absent(v) else v for k, v in data.items() if k not in skip}


def _absent(v) -> bool:
    """"" and NaN are no value (NaN would also never equal itself, and look changed at every load)."""
    return v == "" or (isinstance(v, float) and math.isnan(v))


def _node_groups(G: nx.MultiDiGraph) -> dict[tuple[str, ...], list[dict]]:
    groups: dict[tuple[str, ...], list[dict]] = {}
    for n, d in sorted(G.nodes(data=True), key=lambda item: str(item[0])):
        kind = d.get("kind")
        if kind not in KINDS:
            raise ValueError(f"node {n!r} has kind {kind!r}, which is not in the model (KINDS); fix the graph")
        row = {"id": str(n), "props": _props(d, ("id", "labels"))}
        groups.setdefault(kind_labels(kind), []).append(row)
    return dict(sorted(groups.items()))


def _relationship_groups(G: nx.MultiDiGraph) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[2]), str(e[0]), str(e[1]))):
        t = d.get("type")
        if t not in REL_TYPES:
            raise ValueError(f"edge {u!r} -> {v!r} ({k}) has type {t!r}, which is not in the model (REL_TYPES)")
        groups.setdefault(t, []).append(
            {"start": str(u), "end": str(v), "fact": str(k), "props": _props(d, ("type", "fact"))}
        )
    return dict(sorted(groups.items()))


def wipe(runner: Runner, *, batch_size: int = 1000) -> int:
    """Delete every loaded and written-back node, ``batch_size`` at a time; return how many.

    >>> from ecosystem.neo4j import RecordingRunner
    >>> r = RecordingRunner(rows=[{"deleted": 2}])
    >>> wipe(r, batch_size=10)
    2
    """
    total = 0
    while True:
        rows = runner.run(WIPE, {"batch_size": batch_size}, write=True)
        deleted = rows[0]["deleted"] if rows else 0
        total += deleted
        if deleted < batch_size:
            return total


def load_into_neo4j(
    runner: Runner,
    G: nx.MultiDiGraph,
    *,
    batch_size: int = 5000,
    wipe: bool = False,
    progress: bool = True,
) -> dict:
    """Load the evidence graph into Neo4j; loading twice gives the same database.

    Applies ``cypher/schema.cypher``, then MERGEs the nodes (label ``Entity`` plus their
    kind's labels) grouped by label set, then the relationships grouped by type, keyed by
    their fact id. Provenance (``doc``, ``doc_year``, ``quote``, ``role``, ``year``) stays
    on every node and relationship; None and "" are sent as null, so the property is absent.
    Only properties that differ are written: loading the same graph again changes nothing.

    All or nothing: the wipe and every batch run in one transaction, so a load that fails
    or is killed half-way leaves the database exactly as it was before. (The schema
    statements run first, each on its own; Neo4j does not mix them with data writes, and
    they only create what is missing.)

    Parameters
    ----------
    runner : Runner
        Where to send the statements.
    G : networkx.MultiDiGraph
        A graph shaped like :func:`ecosystem.graph.build_graph`'s.
    batch_size : int, default 5000
        Rows per statement.
    wipe : bool, default False
        Make the database's entities exactly ``G``: delete every ``Entity`` node and fact
        relationship that ``G`` does not have (a node whose kind changed counts as new),
        every written-back result (``Community``, ``Proposal``, ``OVERLAPS``), and every
        property ``G`` does not state. Without it, the load only adds and updates: nodes
        and facts no longer in the graph stay in the database.
    progress : bool, default True
        Show a progress bar (only on a terminal).

    Returns
    -------
    dict
        ``{"deleted": int, "nodes": int, "relationships": int, "statements": int, "changes":
        {counter: int}}``; ``changes`` holds the server's update counters for the load
        (``nodes_created``, ``properties_set``, ...; empty for a runner that has none).

    Raises
    ------
    ValueError
        If a node's kind or an edge's type is not in the model.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("dfc", kind="cluster_organisation", name="Danish Food Cluster", subtype=None)
    >>> G.add_node("arla", kind="company", name="Arla")
    >>> _ = G.add_edge("arla", "dfc", key="f-1", type="MEMBER_OF", doc="d1", quote="Arla ...")
    >>> from ecosystem.neo4j import RecordingRunner
    >>> r = RecordingRunner()
    >>> load_into_neo4j(r, G, progress=False)  # 5 schema statements, 2 node label sets, 1 type
    {'deleted': 0, 'nodes': 2, 'relationships': 1, 'statements': 8, 'changes': {}}
    >>> r.committed  # the 3 data statements in one transaction
    1
    >>> print(r.calls[-1].query)
    UNWIND $rows AS row
    MATCH (a:Entity) WHERE a.id = row.start
    MATCH (b:Entity) WHERE b.id = row.end
    MERGE (a)-[r:`MEMBER_OF` {fact: row.fact}]->(b)
    WITH r, row
    WHERE any(k IN keys(row.props) WHERE NOT (r[k] = row.props[k]) OR (r[k] IS NULL) <> (row.props[k] IS NULL))
    SET r += row.props
    >>> r.calls[-1].params
    {'rows': [{'start': 'arla', 'end': 'dfc', 'fact': 'f-1', 'props': {'doc': 'd1', 'quote': 'Arla ...'}}]}
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    nodes = _node_groups(G)
    rels = _relationship_groups(G)
    schema = schema_statements()
    for statement in schema:
        runner.run(statement, {}, write=True)
    sent = len(schema)
    total = G.number_of_nodes() + G.number_of_edges()
    show = progress and sys.stderr.isatty()
    before = Counter(getattr(runner, "counters", {}))
    with in_transaction(runner) as tx, tqdm(total=total, desc="loading", unit="fact", disable=not show, file=sys.stderr) as bar:
        deleted = 0
        if wipe:
            # maps, not lists: the server looks a key up in a map without scanning
            kinds = {r["id"]: r["props"]["kind"] for rows in nodes.values() for r in rows}
            rows = tx.run(DELETE_STALE_NODES, {"kinds": kinds}, write=True)
            deleted = rows[0]["deleted"] if rows else 0
            # a fact id is unique per pair of ends (an imported row can link several pairs)
            facts = {_SEP.join((r["fact"], r["start"], r["end"])): t for t, rows in rels.items() for r in rows}
            tx.run(DELETE_STALE_RELATIONSHIPS, {"sep": _SEP, "facts": facts}, write=True)
            sent += 2
        groups = [(node_statement(labels, replace=wipe), rows) for labels, rows in nodes.items()]
        groups += [(relationship_statement(t, replace=wipe), rows) for t, rows in rels.items()]
        for statement, rows in groups:
            for chunk in batches(rows, batch_size):
                tx.run(statement, {"rows": list(chunk)}, write=True)
                sent += 1
                bar.update(len(chunk))
    changes = Counter(getattr(runner, "counters", {}))
    changes.subtract(before)
    return {
        "deleted": deleted,
        "nodes": G.number_of_nodes(),
        "relationships": G.number_of_edges(),
        "statements": sent,
        "changes": {k: v for k, v in sorted(changes.items()) if k in COUNTERS},
    }


def status(runner: Runner) -> dict:
    """Describe the database: server, GDS version (or None), counts by kind and by type."""
    components = runner.run(COMPONENTS, {}, write=False)
    try:
        gds = ensure_gds(runner)
    except StoreUnavailable:
        gds = None
    extra = runner.run(WRITEBACK_COUNTS, {}, write=False)
    return {
        "uri": getattr(runner, "uri", None),
        "database": getattr(runner, "database", None),
        "server": [f"{c['name']} {', '.join(c['versions'])} {c['edition']}" for c in components],
        "gds": gds,
        "nodes_by_kind": {r["kind"]: r["count"] for r in runner.run(NODE_COUNTS, {}, write=False)},
        "relationships_by_type": {r["type"]: r["count"] for r in runner.run(RELATIONSHIP_COUNTS, {}, write=False)},
        "communities": extra[0]["communities"] if extra else 0,
        "proposals": extra[0]["proposals"] if extra else 0,
    }
