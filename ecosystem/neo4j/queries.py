"""The query library: the ``.cypher`` files, their headers and parameters; and every statement the lint checks.

Each query of ``cypher/`` is a file with a ``//`` header (what it answers, its typed
parameters, an example) above read-only Cypher; :func:`run_query` binds the values by
the header and runs it in a read transaction. ``cypher/schema.cypher`` holds the
constraints and indexes a load applies first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecosystem.errors import QueryError, StoreUnavailable
from ecosystem.neo4j.runner import Runner
from ecosystem.neo4j.statements import FIXED_STATEMENTS, GDS_VERSION, Statement, load_statements

__all__ = [
    "SCHEMA_FILE",
    "Param",
    "Query",
    "bind_params",
    "cypher_dir",
    "ensure_gds",
    "lint_statements",
    "parse_query",
    "query_library",
    "run_query",
    "schema_statements",
]

SCHEMA_FILE = "schema.cypher"


def cypher_dir() -> Path:
    """Return the query library: ``ecosystem/cypher`` in a wheel, else the checkout's ``cypher/``."""
    here = Path(__file__).resolve().parents[1]  # the package
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


def ensure_gds(runner: Runner, *, needed_by: str = "this analysis") -> str:
    """Return the Graph Data Science version; raise StoreUnavailable when it is missing.

    >>> from ecosystem.neo4j import RecordingRunner
    >>> ensure_gds(RecordingRunner(rows=[{"version": "2.13.2"}]))
    '2.13.2'
    """
    try:
        rows = runner.run(GDS_VERSION, {}, write=False)
    except QueryError as err:
        where = getattr(runner, "uri", "the server")
        raise StoreUnavailable(
            f"the Graph Data Science plugin is not installed in Neo4j at {where} ({needed_by} needs it): "
            "`ecosystem neo4j server start` and docker-compose.yml both have it; elsewhere install the plugin "
            "and restart the server"
        ) from err
    return str(rows[0].get("version", "unknown")) if rows else "unknown"


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


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def lint_statements(paths: Iterable[str | Path] | None = None) -> list[Statement]:
    """Return every statement to lint: the ``.cypher`` files and what the package sends.

    ``paths`` are ``.cypher`` files or folders of them (default: the query library). A
    file's text is returned whole, so lint positions are positions in the file. The
    package's own statements follow: every load statement of the model, then
    :data:`~ecosystem.neo4j.FIXED_STATEMENTS`.
    """
    files: list[Path] = []
    for p in [Path(x) for x in (paths or [cypher_dir()])]:
        files += sorted(p.glob("*.cypher")) if p.is_dir() else [p]
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        names = () if f.name == SCHEMA_FILE else tuple(p.name for p in parse_query(text, f).params)
        out.append(Statement(_shown(f), text, names))
    return out + load_statements() + list(FIXED_STATEMENTS.values())
