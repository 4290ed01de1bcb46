"""Load the evidence graph into Neo4j, run the query library, write analysis results back.

This is the only module that imports ``neo4j``. Everything else talks to the database
through a :class:`Runner`: :class:`Neo4jRunner` for a real server, :class:`RecordingRunner`
for tests, which records each statement with its parameters and returns canned rows.

Every value travels as a ``$parameter``. The only names ever put into Cypher text are
labels and relationship types, taken from the model's fixed lists and backtick-quoted.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import networkx as nx
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from tqdm import tqdm

from .errors import QueryError, StoreUnavailable
from .model import ATTRIBUTES, KINDS, REL_TYPES, kind_labels

__all__ = [
    "ENTITY_LABEL",
    "NODE_PROPERTIES",
    "RELATIONSHIP_PROPERTIES",
    "WRITEBACK_SCHEMA",
    "QueryError",
    "Runner",
    "Call",
    "RecordingRunner",
    "Neo4jRunner",
    "Param",
    "Query",
    "Statement",
    "cypher_dir",
    "schema_statements",
    "load_graph",
    "wipe",
    "status",
    "ensure_gds",
    "write_overlaps",
    "write_communities",
    "write_proposals",
    "parse_query",
    "query_library",
    "bind_params",
    "run_query",
    "statements",
]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"

ENTITY_LABEL = "Entity"

# What build_graph puts on nodes and edges (graph.py), plus each stated attribute with
# its provenance. ``labels`` is not stored as a property: it becomes the node's labels.
NODE_PROPERTIES: tuple[str, ...] = (
    "id",
    "kind",
    "subtype",
    "name",
    "aliases",
    "doc",
    "doc_year",
    "quote",
    "first_year",
    "former",
    *(f"{a}{suffix}" for a in ATTRIBUTES for suffix in ("", "_doc", "_quote")),
    # provenance and extras of imported data (ecosystem.imports, ecosystem.importstore)
    "dataset",
    "file",
    "row",
    "imported",
    "nuts",
    "kind_source",
)
RELATIONSHIP_PROPERTIES: tuple[str, ...] = ("fact", "role", "year", "doc", "doc_year", "quote", "dataset", "file", "row", "amount")

# Labels, relationship types and property keys that only the write-back functions create.
# cypher_schema.py adds them to the lint schema; keep this the one list of them.
WRITEBACK_SCHEMA: dict[str, tuple[str, ...]] = {
    "labels": ("Community", "Proposal"),
    "relationship_types": ("OVERLAPS", "IN_COMMUNITY", "PROPOSES_MEMBER", "PROPOSES_ANCHOR", "PROPOSES_HUB"),
    "property_keys": (
        "score",
        "method",
        "rank",
        "rationale",
        "serves",
        "evidence_docs",
        "evidence_quotes",
        "evidence_types",
        "evidence_starts",
        "evidence_ends",
    ),
}

SCHEMA_FILE = "schema.cypher"
_SIGNAL_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SIGNAL_FIELDS = ("shared", "jaccard", "containment_ab", "containment_ba")


# -- runners ---------------------------------------------------------------------------


class Runner(Protocol):
    """Anything that runs one Cypher statement with parameters and returns its rows."""

    def run(self, query: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict]:
        """Run ``query`` with ``params``; ``write=False`` runs it in a read transaction."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[Runner]:
        """A runner whose statements form one write transaction, committed when the block ends.

        An exception in the block (or a client that dies) rolls all of them back.
        """
        ...


class Call(NamedTuple):
    """One statement a :class:`RecordingRunner` was asked to run."""

    query: str
    params: dict
    write: bool


class RecordingRunner:
    """A fake runner: records every call and returns canned rows.

    Parameters
    ----------
    rows : list of dict, optional
        Rows returned for every call (default: none).
    respond : callable, optional
        ``respond(query, params, write) -> rows``, called instead; it may raise to
        simulate a failing server.

    Examples
    --------
    >>> r = RecordingRunner(rows=[{"n": 1}])
    >>> r.run("RETURN $x AS n", {"x": 1}, write=False)
    [{'n': 1}]
    >>> r.calls[0].params, r.calls[0].write
    ({'x': 1}, False)
    """

    uri = "recording://"
    database = "recording"

    def __init__(self, rows: Sequence[dict] | None = None, respond: Callable | None = None):
        self.rows = list(rows or [])
        self.respond = respond
        self.calls: list[Call] = []
        self.committed = self.rolled_back = 0
        self.counters: Counter = Counter()

    @contextlib.contextmanager
    def transaction(self):
        """Record the block as one transaction: ``committed`` or ``rolled_back`` counts it."""
        try:
            yield self
        except BaseException:
            self.rolled_back += 1
            raise
        self.committed += 1

    def run(self, query: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict]:
        # A deep copy, so that later mutation by the caller cannot change the record.
        self.calls.append(Call(query, copy.deepcopy(dict(params or {})), write))
        if self.respond is not None:
            return list(self.respond(query, params or {}, write))
        return [dict(r) for r in self.rows]

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Neo4jRunner:
    """Run statements on a Neo4j server through ``driver.execute_query``.

    Reads go through read routing (``RoutingControl.READ``), so they run in read
    transactions and a query that tries to write fails on the server.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection; each defaults to ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE`` and then to ``bolt://localhost:7687``, ``neo4j``, (none),
        ``neo4j``.
    driver : neo4j.Driver, optional
        An existing driver (tests pass a fake one); then no password is needed.

    Raises
    ------
    StoreUnavailable
        No password, a URI that is not a Bolt/Neo4j address; on first use, a server that
        cannot be reached or refuses the credentials.
    """

    def __init__(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        driver: Any = None,
    ):
        env = os.environ
        self.uri = uri or env.get("NEO4J_URI") or DEFAULT_URI
        self.user = user or env.get("NEO4J_USER") or DEFAULT_USER
        self.database = database or env.get("NEO4J_DATABASE") or DEFAULT_DATABASE
        self._verified = False
        self.counters: Counter = Counter()  # the server's update counters, summed over every statement
        if driver is None:
            password = password if password is not None else env.get("NEO4J_PASSWORD")
            if not password:
                raise StoreUnavailable(
                    f"no password for Neo4j user {self.user!r}: set NEO4J_PASSWORD (the one in .env) or pass --password"
                )
            scheme = self.uri.split("://", 1)[0] if "://" in self.uri else ""
            if not scheme.startswith(("bolt", "neo4j")):
                raise StoreUnavailable(
                    f"NEO4J_URI {self.uri!r} is not a Bolt address: use bolt://localhost:7687 "
                    "(http://localhost:7474 is the Browser, not the database port)"
                )
            try:
                driver = GraphDatabase.driver(self.uri, auth=(self.user, password))
            except ConfigurationError as err:
                raise StoreUnavailable(f"NEO4J_URI {self.uri!r} is not usable ({err}); use bolt://host:7687") from err
        self._driver = driver

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        if isinstance(err, AuthError):
            return StoreUnavailable(
                f"Neo4j at {self.uri} refused user {self.user!r} (wrong user or password): set NEO4J_USER and "
                "NEO4J_PASSWORD to the server's (`ecosystem neo4j server env` for the local one, .env for docker "
                "compose, where a changed .env only applies to a new volume: docker compose down -v)"
            )
        return StoreUnavailable(
            f"cannot reach Neo4j at {self.uri}: start one with `eval \"$(ecosystem neo4j server start)\"` "
            "or `docker compose up -d neo4j`, or set NEO4J_URI to your server"
        )

    def verify(self) -> None:
        """Connect and authenticate once, without the driver's retries."""
        if self._verified:
            return
        try:
            self._driver.verify_connectivity()
        except (AuthError, ServiceUnavailable, SessionExpired) as err:
            raise self._unavailable(err) from err
        self._verified = True

    def run(self, query: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict]:
        self.verify()
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        with self._translated(write):
            records, summary, _ = self._driver.execute_query(
                query, dict(params or {}), database_=self.database, routing_=routing
            )
        self._count(summary)
        return [record.data() for record in records]

    @contextlib.contextmanager
    def transaction(self):
        """One explicit write transaction for the whole block; see :meth:`Runner.transaction`."""
        self.verify()
        # the bookmarks of execute_query: a read after the load sees it, on a cluster too
        bookmarks = self._driver.execute_query_bookmark_manager
        with self._translated(True), self._driver.session(database=self.database, bookmark_manager=bookmarks) as session:
            with session.begin_transaction() as tx:
                yield _TransactionRunner(self, tx)
                tx.commit()

    @contextlib.contextmanager
    def _translated(self, write: bool):
        try:
            yield
        except IncompleteCommit as err:
            raise StoreUnavailable(
                f"the connection to Neo4j at {self.uri} broke while committing: the transaction may or may not "
                "have been applied; run the same command again (loads and write-backs give the same result twice)"
            ) from err
        except (AuthError, ServiceUnavailable, SessionExpired) as err:
            raise self._unavailable(err) from err
        except Neo4jError as err:
            if err.code in _OUT_OF_MEMORY:
                raise QueryError(
                    f"Neo4j ran out of transaction memory ({err.message}); the transaction was rolled back, nothing "
                    "was written. A load is one transaction: give the server more heap (local server: `ecosystem "
                    "neo4j server stop`, then `start --heap 4g`; docker compose: NEO4J_HEAP in .env)"
                ) from err
            mode = "" if write else " (read-only transaction)"
            raise QueryError(f"Neo4j rejected the statement{mode}: {err.code}: {err.message}") from err

    def _count(self, summary) -> None:
        counters = summary.counters
        for name in _COUNTERS:
            self.counters[name] += getattr(counters, name)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_OUT_OF_MEMORY = (
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.OutOfMemoryError",
    "Neo.ClientError.General.TransactionOutOfMemoryError",
)
_COUNTERS = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
)


class _TransactionRunner:
    """The runner handed out by :meth:`Neo4jRunner.transaction`: statements join its transaction."""

    def __init__(self, owner: Neo4jRunner, tx):
        self._owner, self._tx = owner, tx
        self.uri, self.database = owner.uri, owner.database

    @property
    def counters(self) -> Counter:
        return self._owner.counters

    def run(self, query: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict]:
        with self._owner._translated(True):
            result = self._tx.run(query, dict(params or {}))
            rows = [record.data() for record in result]
            self._owner._count(result.consume())
        return rows

    @contextlib.contextmanager
    def transaction(self):
        yield self  # already in one


# -- statements ------------------------------------------------------------------------


def _quoted(name: str, allowed: Iterable[str]) -> str:
    """Backtick-quote a label or relationship type from a fixed list; refuse anything else."""
    if name not in set(allowed):
        raise ValueError(f"{name!r} is not a label or relationship type of the model")
    return f"`{name}`"


def _all_labels() -> tuple[str, ...]:
    return (ENTITY_LABEL, *(k.label for k in KINDS.values()), *WRITEBACK_SCHEMA["labels"])


# Only properties that differ are written, so loading an unchanged graph again sets
# nothing (the server's counters stay at 0). A null in ``row.props`` removes the property.
# With ``replace`` (a load with wipe), properties not in ``row.props`` go too.
_CHANGED = "any(k IN keys(row.props) WHERE NOT ({v}[k] = row.props[k]) OR ({v}[k] IS NULL) <> (row.props[k] IS NULL))"
_EXTRA = "any(k IN keys({v}) WHERE k <> '{key}' AND NOT k IN keys(row.props))"


def _changed(v: str, key: str, replace: bool) -> str:
    return _CHANGED.format(v=v) + (" OR " + _EXTRA.format(v=v, key=key) if replace else "")


def _node_statement(labels: Sequence[str], *, replace: bool = False) -> str:
    extra = "".join(":" + _quoted(lab, _all_labels()) for lab in labels)
    return (
        "UNWIND $rows AS row\n"
        "MERGE (n:Entity {id: row.id})\n"
        f"SET n{extra}\n"
        "WITH n, row\n"
        f"WHERE {_changed('n', 'id', replace)}\n"
        + ("SET n = row.props, n.id = row.id" if replace else "SET n += row.props")
    )


def _relationship_statement(rel_type: str, *, replace: bool = False) -> str:
    # ``WHERE a.id = row.start`` rather than ``(a:Entity {id: row.start})``: the same plan
    # (the unique index), but the Cypher lint reads map keys in a node pattern as
    # properties of that node and would report ``start`` as unknown.
    t = _quoted(rel_type, REL_TYPES)
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:Entity) WHERE a.id = row.start\n"
        "MATCH (b:Entity) WHERE b.id = row.end\n"
        f"MERGE (a)-[r:{t} {{fact: row.fact}}]->(b)\n"
        "WITH r, row\n"
        f"WHERE {_changed('r', 'fact', replace)}\n"
        + ("SET r = row.props, r.fact = row.fact" if replace else "SET r += row.props")
    )


# A load with wipe deletes only what the new graph does not have (so that loading the
# same graph again deletes and writes nothing), plus every written-back result.
_DELETE_STALE_NODES = (
    "MATCH (n)\n"
    "WHERE n:Community OR n:Proposal OR (n:Entity AND NOT coalesce($kinds[toString(n.id)] = n.kind, false))\n"
    "DETACH DELETE n\n"
    "RETURN count(*) AS deleted"
)
_DELETE_STALE_RELATIONSHIPS = (
    "MATCH (a:Entity)-[r]->(b:Entity)\n"
    "WHERE r.fact IS NULL OR coalesce($facts[r.fact + $sep + a.id + $sep + b.id], '') <> type(r)\n"
    "DELETE r\n"
    "RETURN count(*) AS deleted"
)
_SEP = "\x1f"  # ASCII unit separator: in no id, kind or fact id

_WIPE = (
    "MATCH (n)\n"
    "WHERE n:Entity OR n:Community OR n:Proposal\n"
    "WITH n LIMIT $batch_size\n"
    "DETACH DELETE n\n"
    "RETURN count(*) AS deleted"
)
_MISSING = "UNWIND $ids AS id\nOPTIONAL MATCH (n:Entity {id: id})\nWITH id, n\nWHERE n IS NULL\nRETURN id"
_DELETE_OVERLAPS = "MATCH (:Entity)-[r:OVERLAPS]->(:Entity)\nDELETE r"
_WRITE_OVERLAPS = (
    "UNWIND $rows AS row\n"
    "MATCH (a:Entity) WHERE a.id = row.a\n"
    "MATCH (b:Entity) WHERE b.id = row.b\n"
    "MERGE (a)-[r:OVERLAPS]->(b)\n"
    "SET r = row.props"
)
_DELETE_COMMUNITIES = "MATCH (c:Community)\nWHERE c.method IN $methods\nDETACH DELETE c"
_WRITE_COMMUNITIES = (
    "UNWIND $rows AS row\n"
    "MATCH (e:Entity) WHERE e.id = row.entity\n"
    "MERGE (c:Community {id: row.community, method: row.method})\n"
    "MERGE (e)-[:IN_COMMUNITY]->(c)"
)
_DELETE_PROPOSALS = "MATCH (p:Proposal)\nDETACH DELETE p"
_WRITE_PROPOSALS = "UNWIND $rows AS row\nMERGE (p:Proposal {id: row.id})\nSET p = row.props"
_PROPOSAL_LINK = (
    "UNWIND $rows AS row\n"
    "MATCH (p:Proposal) WHERE p.id = row.proposal\n"
    "MATCH (e:Entity) WHERE e.id = row.entity\n"
    "MERGE (p)-[r:{type}]->(e)\n"
    "SET r += row.props"
)
_COMPONENTS = "CALL dbms.components() YIELD name, versions, edition\nRETURN name, versions, edition"
_NODE_COUNTS = "MATCH (n:Entity)\nRETURN n.kind AS kind, count(*) AS count\nORDER BY kind"
_RELATIONSHIP_COUNTS = "MATCH (:Entity)-[r]->()\nRETURN type(r) AS type, count(*) AS count\nORDER BY type"
_WRITEBACK_COUNTS = (
    "OPTIONAL MATCH (c:Community)\n"
    "WITH count(c) AS communities\n"
    "OPTIONAL MATCH (p:Proposal)\n"
    "RETURN communities, count(p) AS proposals"
)
_GDS_VERSION = "CALL gds.version() YIELD gdsVersion\nRETURN gdsVersion AS version"


def cypher_dir() -> Path:
    """Return the query library: ``ecosystem/cypher`` in a wheel, else the checkout's ``cypher/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "cypher", here.parent / "cypher"):
        if (candidate / SCHEMA_FILE).exists():
            return candidate
    return here.parent / "cypher"


def _split_statements(text: str) -> list[str]:
    """Split a file of ``;``-terminated statements, dropping ``//`` comment lines."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def schema_statements(directory: str | Path | None = None) -> list[str]:
    """Return the constraint and index statements of ``cypher/schema.cypher``, in order."""
    path = Path(directory or cypher_dir()) / SCHEMA_FILE
    return _split_statements(path.read_text(encoding="utf-8"))


# -- loading ---------------------------------------------------------------------------


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


def _chunks(rows: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


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

    >>> r = RecordingRunner(rows=[{"deleted": 2}])
    >>> wipe(r, batch_size=10)
    2
    """
    total = 0
    while True:
        rows = runner.run(_WIPE, {"batch_size": batch_size}, write=True)
        deleted = rows[0]["deleted"] if rows else 0
        total += deleted
        if deleted < batch_size:
            return total


def load_graph(
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
    >>> r = RecordingRunner()
    >>> load_graph(r, G, progress=False)  # 5 schema statements, 2 node label sets, 1 type
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
    with _transaction(runner) as tx, tqdm(total=total, desc="loading", unit="fact", disable=not show, file=sys.stderr) as bar:
        deleted = 0
        if wipe:
            # maps, not lists: the server looks a key up in a map without scanning
            kinds = {r["id"]: r["props"]["kind"] for rows in nodes.values() for r in rows}
            rows = tx.run(_DELETE_STALE_NODES, {"kinds": kinds}, write=True)
            deleted = rows[0]["deleted"] if rows else 0
            # a fact id is unique per pair of ends (an imported row can link several pairs)
            facts = {_SEP.join((r["fact"], r["start"], r["end"])): t for t, rows in rels.items() for r in rows}
            tx.run(_DELETE_STALE_RELATIONSHIPS, {"sep": _SEP, "facts": facts}, write=True)
            sent += 2
        for labels, rows in nodes.items():
            statement = _node_statement(labels, replace=wipe)
            for chunk in _chunks(rows, batch_size):
                tx.run(statement, {"rows": list(chunk)}, write=True)
                sent += 1
                bar.update(len(chunk))
        for rel_type, rows in rels.items():
            statement = _relationship_statement(rel_type, replace=wipe)
            for chunk in _chunks(rows, batch_size):
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
        "changes": {k: v for k, v in sorted(changes.items()) if k in _COUNTERS},
    }


_wipe = wipe  # load_graph's ``wipe`` flag shadows the function inside it.


def _transaction(runner: Runner):
    """``runner.transaction()``; a runner without one runs each statement on its own (not atomic)."""
    if hasattr(runner, "transaction"):
        return runner.transaction()
    return contextlib.nullcontext(runner)


def status(runner: Runner) -> dict:
    """Describe the database: server, GDS version (or None), counts by kind and by type."""
    components = runner.run(_COMPONENTS, {}, write=False)
    try:
        gds = ensure_gds(runner)
    except StoreUnavailable:
        gds = None
    extra = runner.run(_WRITEBACK_COUNTS, {}, write=False)
    return {
        "uri": getattr(runner, "uri", None),
        "database": getattr(runner, "database", None),
        "server": [f"{c['name']} {', '.join(c['versions'])} {c['edition']}" for c in components],
        "gds": gds,
        "nodes_by_kind": {r["kind"]: r["count"] for r in runner.run(_NODE_COUNTS, {}, write=False)},
        "relationships_by_type": {r["type"]: r["count"] for r in runner.run(_RELATIONSHIP_COUNTS, {}, write=False)},
        "communities": extra[0]["communities"] if extra else 0,
        "proposals": extra[0]["proposals"] if extra else 0,
    }


def ensure_gds(runner: Runner, *, needed_by: str = "this analysis") -> str:
    """Return the Graph Data Science version; raise StoreUnavailable when it is missing.

    >>> ensure_gds(RecordingRunner(rows=[{"version": "2.13.2"}]))
    '2.13.2'
    """
    try:
        rows = runner.run(_GDS_VERSION, {}, write=False)
    except QueryError as err:
        where = getattr(runner, "uri", "the server")
        raise StoreUnavailable(
            f"the Graph Data Science plugin is not installed in Neo4j at {where} ({needed_by} needs it): "
            "`ecosystem neo4j server start` and docker-compose.yml both have it; elsewhere install the plugin "
            "and restart the server"
        ) from err
    return str(rows[0].get("version", "unknown")) if rows else "unknown"


# -- write-back ------------------------------------------------------------------------


def _require_entities(runner: Runner, ids: Iterable[str]) -> None:
    ids = sorted({str(i) for i in ids})
    if not ids:
        return
    missing = [r["id"] for r in runner.run(_MISSING, {"ids": ids}, write=False)]
    if missing:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise QueryError(
            f"{len(missing)} entity id(s) to write back are not in Neo4j: {shown} "
            "(load the same graph first: ecosystem neo4j load)"
        )


def _write_batches(runner: Runner, statement: str, rows: Sequence[dict], batch_size: int) -> int:
    sent = 0
    for chunk in _chunks(rows, batch_size):
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
    with _transaction(runner) as tx:
        tx.run(_DELETE_OVERLAPS, {}, write=True)
        _write_batches(tx, _WRITE_OVERLAPS, ordered, batch_size)
    return len(ordered)


def write_communities(runner: Runner, memberships: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Write ``(:Community {id, method})<-[:IN_COMMUNITY]-(entity)``; return how many memberships.

    Communities of each ``method`` present replace that method's earlier ones.

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
    with _transaction(runner) as tx:
        if methods:
            tx.run(_DELETE_COMMUNITIES, {"methods": methods}, write=True)
        _write_batches(tx, _WRITE_COMMUNITIES, rows, batch_size)
    return len(rows)


def write_proposals(runner: Runner, proposals: Iterable[Mapping], *, batch_size: int = 1000) -> int:
    """Replace the ``Proposal`` nodes with these proposals; return how many.

    Each proposal ``{"id", "rank", "score", "anchor" (an id, or a dict with "id" and
    "why" as :func:`ecosystem.proposals.propose` gives), "members": [{"id", "name"}],
    "hubs": [{"id", "serves": [region ids]}], "rationale", "evidence": [{"doc", "quote",
    "start", "end", "type"}]}`` becomes ``(:Proposal {id, rank, score, rationale,
    evidence_docs, evidence_quotes, evidence_types, evidence_starts, evidence_ends})``
    (evidence as parallel lists) with ``PROPOSES_MEMBER``, ``PROPOSES_ANCHOR`` and
    ``PROPOSES_HUB {serves}`` relationships to the entities.

    >>> r = RecordingRunner()
    >>> write_proposals(r, [{"id": "p1", "rank": 1, "score": 0.9, "anchor": "x",
    ...     "members": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}], "hubs": [],
    ...     "rationale": "share members", "evidence": [{"doc": "d", "quote": "q", "start": "x",
    ...     "end": "y", "type": "PARTNER_OF"}]}])
    1
    >>> r.calls[2].params["rows"][0]["props"]["evidence_quotes"]
    ['q']
    """
    nodes, links = [], {"PROPOSES_MEMBER": [], "PROPOSES_ANCHOR": [], "PROPOSES_HUB": []}
    for p in proposals:
        pid = str(p["id"])
        # proposals.propose() gives the anchor as {"id", "name", "why", ...}; accept both.
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
    with _transaction(runner) as tx:
        tx.run(_DELETE_PROPOSALS, {}, write=True)
        _write_batches(tx, _WRITE_PROPOSALS, nodes, batch_size)
        for rel_type, rows in links.items():
            _write_batches(tx, _proposal_link_statement(rel_type), rows, batch_size)
    return len(nodes)


def _proposal_link_statement(rel_type: str) -> str:
    return _PROPOSAL_LINK.format(type=_quoted(rel_type, WRITEBACK_SCHEMA["relationship_types"]))


# -- the query library -----------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A query parameter declared in a ``// params:`` header line."""

    name: str
    type: str  # "int", "float" or "string"
    description: str
    default: int | float | str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Query:
    """One ``.cypher`` file of the query library, with its parsed header."""

    name: str
    answers: str
    params: tuple[Param, ...]
    example: str
    text: str
    path: Path

    @property
    def uses_gds(self) -> bool:
        """Whether the query calls Graph Data Science (then the plugin is checked first)."""
        code = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("//"))
        return re.search(r"\bgds\.", code) is not None


_PARAM_TYPES = {"int": int, "float": float, "string": str}
_FIELD_RE = re.compile(r"^//\s*(name|answers|params|example):\s*(.*?)\s*$")
_PARAM_RE = re.compile(
    r"^\$(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)(?:\s*,\s*default\s+(?P<default>[^)]*?))?\)\s*(?:—|–|--?)\s*(?P<desc>.+)$"
)


def _convert(value: Any, type_: str, name: str, where: str) -> int | float | str:
    if isinstance(value, str) and type_ != "string":
        value = value.strip()
    try:
        if type_ == "int" and isinstance(value, float):
            raise ValueError
        converted = _PARAM_TYPES[type_](value)
        if type_ == "float" and not math.isfinite(converted):
            raise ValueError  # NaN compares false with everything, infinity with nothing useful
        return converted
    except (TypeError, ValueError):
        article = "an" if type_ == "int" else "a"
        raise QueryError(f"{where}: ${name} must be {article} {type_}, not {value!r}") from None


def parse_query(text: str, path: str | Path) -> Query:
    """Parse a library query: the leading ``//`` header, then the Cypher.

    The header has ``// name:``, ``// answers:``, ``// params:`` (one ``$x (type) —
    meaning`` per line, ``(type, default V)`` for optional ones, or ``none``) and
    ``// example:``. Types are ``int``, ``float`` and ``string``.

    Raises
    ------
    QueryError
        Naming the file and line of a malformed or missing header field.

    Examples
    --------
    >>> q = parse_query('''// name: top
    ... // answers: The biggest clusters.
    ... // params: $limit (int, default 10) — how many
    ... // example: ecosystem query top --param limit=5
    ... MATCH (c:ClusterOrganisation) RETURN c.name LIMIT $limit''', "top.cypher")
    >>> q.params[0]
    Param(name='limit', type='int', description='how many', default=10)
    """
    path = Path(path)
    fields: dict[str, str] = {}
    params: list[Param] = []
    last = None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        where = f"{path}:{lineno}"
        m = _FIELD_RE.match(stripped)
        if m:
            last, value = m.group(1), m.group(2)
            if last in fields:
                raise QueryError(f"{where}: second '// {last}:' line (each header field once)")
            fields[last] = value
            if last != "params" or value.lower() in ("", "none"):
                continue
        else:
            value = stripped[2:].strip()
            if not value:
                continue
            if last != "params":
                if last in ("answers", "example"):
                    fields[last] += " " + value
                continue
        p = _PARAM_RE.match(value)
        if not p:
            raise QueryError(
                f"{where}: cannot read parameter {value!r} (write '$name (int|float|string[, default V]) — meaning')"
            )
        type_ = p.group("type")
        if type_ not in _PARAM_TYPES:
            raise QueryError(f"{where}: parameter ${p.group('name')} has type {type_!r} (use int, float or string)")
        default = p.group("default")
        if default is not None:
            default = _convert(default.strip().strip("'\""), type_, p.group("name"), where)
        if any(q.name == p.group("name") for q in params):
            raise QueryError(f"{where}: parameter ${p.group('name')} declared twice")
        params.append(Param(p.group("name"), type_, p.group("desc").strip(), default))
    for field in ("name", "answers", "params", "example"):
        if field not in fields or (field != "params" and not fields[field]):
            raise QueryError(f"{path}:1: the header has no '// {field}:' line (see 'Writing a query' in docs/neo4j.md)")
    if fields["name"] != path.stem:
        raise QueryError(f"{path}:1: header name {fields['name']!r} differs from the file name {path.stem!r}")
    if not fields["example"].startswith(f"ecosystem query {fields['name']}"):
        raise QueryError(f"{path}: the example must start with 'ecosystem query {fields['name']}'")
    return Query(fields["name"], fields["answers"], tuple(params), fields["example"], text, path)


def query_library(directory: str | Path | None = None) -> dict[str, Query]:
    """Return the library's queries by name (every ``*.cypher`` but ``schema.cypher``)."""
    directory = Path(directory or cypher_dir())
    if not directory.is_dir():
        raise QueryError(f"no query library at {directory} (a checkout's cypher/ or the installed ecosystem/cypher)")
    queries = {}
    for path in sorted(directory.glob("*.cypher")):
        if path.name != SCHEMA_FILE:
            q = parse_query(path.read_text(encoding="utf-8"), path)
            queries[q.name] = q
    return queries


def bind_params(query: Query, values: Mapping[str, Any]) -> dict[str, int | float | str]:
    """Type the given values by the query's header and fill in defaults.

    >>> q = parse_query('''// name: k
    ... // answers: x
    ... // params: $k (int) — at least
    ... //         $name (string) — a name
    ... // example: ecosystem query k --param k=2 --param name=Arla
    ... RETURN $k, $name''', "k.cypher")
    >>> bind_params(q, {"k": "2", "name": "007"})
    {'k': 2, 'name': '007'}
    >>> bind_params(q, {"name": "Arla"})
    Traceback (most recent call last):
    ...
    ecosystem.errors.QueryError: query k needs --param k=... (int: at least)
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name} has no parameter {unknown[0]!r}; its parameters: {known}")
    bound = {}
    for p in query.params:
        if p.name in values:
            bound[p.name] = _convert(values[p.name], p.type, p.name, f"query {query.name}")
        elif p.required:
            raise QueryError(f"query {query.name} needs --param {p.name}=... ({p.type}: {p.description})")
        else:
            bound[p.name] = p.default
    return bound


def run_query(runner: Runner, query: Query, values: Mapping[str, Any] | None = None) -> list[dict]:
    """Run a library query read-only, after binding its parameters (and checking GDS)."""
    params = bind_params(query, values or {})
    if query.uses_gds:
        ensure_gds(runner, needed_by=f"query {query.name}")
    try:
        return runner.run(query.text, params, write=False)
    except QueryError as err:
        raise QueryError(f"{_shown(query.path)}: {err}") from err


# -- every statement, for the lint -----------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A statement this package sends, where it comes from and its parameter names."""

    source: str
    text: str
    params: tuple[str, ...]


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def statements(paths: Iterable[str | Path] | None = None) -> list[Statement]:
    """Return every statement to lint: the ``.cypher`` files and what this module sends.

    ``paths`` are ``.cypher`` files or folders of them (default: the query library). A
    file's text is returned whole, so lint positions are positions in the file.
    """
    files: list[Path] = []
    for p in [Path(x) for x in (paths or [cypher_dir()])]:
        files += sorted(p.glob("*.cypher")) if p.is_dir() else [p]
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        names = () if f.name == SCHEMA_FILE else tuple(p.name for p in parse_query(text, f).params)
        out.append(Statement(_shown(f), text, names))
    here = "ecosystem/store.py"
    for replace in (False, True):
        how = " with wipe" if replace else ""
        for kind in KINDS:
            statement = _node_statement(kind_labels(kind), replace=replace)
            out.append(Statement(f"{here} (load {kind} nodes{how})", statement, ("rows",)))
        for rel_type in REL_TYPES:
            statement = _relationship_statement(rel_type, replace=replace)
            out.append(Statement(f"{here} (load {rel_type}{how})", statement, ("rows",)))
    fixed = {
        "delete stale nodes": (_DELETE_STALE_NODES, ("kinds",)),
        "delete stale relationships": (_DELETE_STALE_RELATIONSHIPS, ("sep", "facts")),
        "wipe": (_WIPE, ("batch_size",)),
        "missing entities": (_MISSING, ("ids",)),
        "delete overlaps": (_DELETE_OVERLAPS, ()),
        "write overlaps": (_WRITE_OVERLAPS, ("rows",)),
        "delete communities": (_DELETE_COMMUNITIES, ("methods",)),
        "write communities": (_WRITE_COMMUNITIES, ("rows",)),
        "delete proposals": (_DELETE_PROPOSALS, ()),
        "write proposals": (_WRITE_PROPOSALS, ("rows",)),
        "components": (_COMPONENTS, ()),
        "node counts": (_NODE_COUNTS, ()),
        "relationship counts": (_RELATIONSHIP_COUNTS, ()),
        "write-back counts": (_WRITEBACK_COUNTS, ()),
        "gds version": (_GDS_VERSION, ()),
    }
    for name, (text, params) in fixed.items():
        out.append(Statement(f"{here} ({name})", text, params))
    for rel_type in ("PROPOSES_MEMBER", "PROPOSES_ANCHOR", "PROPOSES_HUB"):
        out.append(Statement(f"{here} (write {rel_type})", _proposal_link_statement(rel_type), ("rows",)))
    return out
