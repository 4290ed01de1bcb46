"""The database behind one small interface: a :class:`Runner` runs a statement and returns its rows.

This is the only module that imports the ``neo4j`` driver, and only when a server is
first used (the driver takes a third of a second to import; ``ecosystem --help`` does
not need it). Everything else talks to the database through a :class:`Runner`:
:class:`Neo4jRunner` for a real server, :class:`RecordingRunner` for tests, which
records each statement with its parameters and returns canned rows. The driver's
errors become the package's own (:class:`~ecosystem.errors.StoreUnavailable`,
:class:`~ecosystem.errors.QueryError`) with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from ecosystem.errors import QueryError, StoreUnavailable

__all__ = [
    "COUNTERS",
    "Call",
    "Neo4jRunner",
    "RecordingRunner",
    "Runner",
    "batches",
    "in_transaction",
    "server_answers",
]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"

# The server's update counters that Neo4jRunner sums over every statement it runs.
COUNTERS = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
)
_OUT_OF_MEMORY = (
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.OutOfMemoryError",
    "Neo.ClientError.General.TransactionOutOfMemoryError",
)


def _driver():
    """The ``neo4j`` driver package, imported on first use."""
    import neo4j
    import neo4j.exceptions

    return neo4j


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


def in_transaction(runner: Runner):
    """``runner.transaction()``; a runner without one runs each statement on its own (not atomic)."""
    if hasattr(runner, "transaction"):
        return runner.transaction()
    return contextlib.nullcontext(runner)


def batches(rows: Sequence, size: int) -> Iterator[Sequence]:
    """``rows`` in slices of at most ``size``.

    >>> [list(b) for b in batches([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


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
            neo4j = _driver()
            try:
                driver = neo4j.GraphDatabase.driver(self.uri, auth=(self.user, password))
            except neo4j.exceptions.ConfigurationError as err:
                raise StoreUnavailable(f"NEO4J_URI {self.uri!r} is not usable ({err}); use bolt://host:7687") from err
        self._driver = driver

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        if isinstance(err, _driver().exceptions.AuthError):
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
        errors = _driver().exceptions
        try:
            self._driver.verify_connectivity()
        except (errors.AuthError, errors.ServiceUnavailable, errors.SessionExpired) as err:
            raise self._unavailable(err) from err
        self._verified = True

    def run(self, query: str, params: Mapping[str, Any] | None, *, write: bool) -> list[dict]:
        self.verify()
        routing = _driver().RoutingControl
        with self._translated(write):
            records, summary, _ = self._driver.execute_query(
                query, dict(params or {}), database_=self.database, routing_=routing.WRITE if write else routing.READ
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
        errors = _driver().exceptions
        try:
            yield
        except errors.IncompleteCommit as err:
            raise StoreUnavailable(
                f"the connection to Neo4j at {self.uri} broke while committing: the transaction may or may not "
                "have been applied; run the same command again (loads and write-backs give the same result twice)"
            ) from err
        except (errors.AuthError, errors.ServiceUnavailable, errors.SessionExpired) as err:
            raise self._unavailable(err) from err
        except errors.Neo4jError as err:
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
        for name in COUNTERS:
            self.counters[name] += getattr(counters, name)

    def close(self) -> None:
        self._driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def server_answers(uri: str, user: str, password: str, database: str) -> bool:
    """Whether the server at ``uri`` answers a query now; False while it cannot (yet).

    Opens a driver of its own and closes it again: for waiting until a server that is
    starting is up.

    Raises
    ------
    StoreUnavailable
        Only when the server refuses the credentials; the message is the server's.
    """
    neo4j = _driver()
    errors = neo4j.exceptions
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("RETURN 1 AS ok", database_=database)
            return records[0]["ok"] == 1
    except errors.AuthError as err:
        raise StoreUnavailable(err.message) from err
    except (errors.DriverError, errors.Neo4jError, OSError):
        return False  # not up yet (or the database is still starting)
