"""The Cypher the load, the write-back and ``status`` send, and the names it may contain.

Every value travels as a ``$parameter``. The only names ever put into Cypher text are
labels and relationship types, taken from the model's fixed lists and backtick-quoted.
The load's statements vary only by label set and relationship type
(:func:`node_statement`, :func:`relationship_statement`); every other statement is a
module constant, and all of them are listed by name in :data:`FIXED_STATEMENTS`. The Cypher lint checks them all
(:func:`ecosystem.neo4j.lint_statements`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecosystem.evidence import ATTRIBUTES, KINDS, REL_TYPES, kind_labels

__all__ = [
    "COMPONENTS",
    "DELETE_COMMUNITIES",
    "DELETE_OVERLAPS",
    "DELETE_PROPOSALS",
    "DELETE_STALE_NODES",
    "DELETE_STALE_RELATIONSHIPS",
    "ENTITY_LABEL",
    "FIXED_STATEMENTS",
    "GDS_VERSION",
    "MISSING",
    "NODE_COUNTS",
    "NODE_PROPERTIES",
    "PROPOSAL_LINKS",
    "RELATIONSHIP_COUNTS",
    "RELATIONSHIP_PROPERTIES",
    "WIPE",
    "WRITEBACK_COUNTS",
    "WRITEBACK_SCHEMA",
    "WRITE_COMMUNITIES",
    "WRITE_OVERLAPS",
    "WRITE_PROPOSALS",
    "WRITE_PROPOSAL_LINKS",
    "Statement",
    "load_statements",
    "node_statement",
    "relationship_statement",
]

HERE = "ecosystem/neo4j/statements.py"  # where the lint says these statements come from

ENTITY_LABEL = "Entity"

# What build_graph puts on nodes and edges (ecosystem.graph), plus each stated attribute
# with its provenance. ``labels`` is not stored as a property: it becomes the node's labels.
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
    # provenance and extras of imported data (ecosystem.ingest)
    "dataset",
    "file",
    "row",
    "imported",
    "nuts",
    "kind_source",
)
RELATIONSHIP_PROPERTIES: tuple[str, ...] = ("fact", "role", "year", "doc", "doc_year", "quote", "dataset", "file", "row", "amount")

# The relationships from a Proposal to the entities it names, in the order they are written.
PROPOSAL_LINKS: tuple[str, ...] = ("PROPOSES_MEMBER", "PROPOSES_ANCHOR", "PROPOSES_HUB")

# Labels, relationship types and property keys that only the write-back functions create.
# tools/cypher_schema.py adds them to the lint schema; keep this the one list of them.
WRITEBACK_SCHEMA: dict[str, tuple[str, ...]] = {
    "labels": ("Community", "Proposal"),
    "relationship_types": ("OVERLAPS", "IN_COMMUNITY", *PROPOSAL_LINKS),
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


@dataclass(frozen=True)
class Statement:
    """A statement this package sends, where it comes from and its parameter names."""

    source: str
    text: str
    params: tuple[str, ...]


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


def node_statement(labels: Sequence[str], *, replace: bool = False) -> str:
    """The load's MERGE of ``Entity`` nodes with these extra labels (``replace``: a load with wipe).

    >>> print(node_statement(["Company"]))
    UNWIND $rows AS row
    MERGE (n:Entity {id: row.id})
    SET n:`Company`
    WITH n, row
    WHERE any(k IN keys(row.props) WHERE NOT (n[k] = row.props[k]) OR (n[k] IS NULL) <> (row.props[k] IS NULL))
    SET n += row.props
    """
    extra = "".join(":" + _quoted(lab, _all_labels()) for lab in labels)
    return (
        "UNWIND $rows AS row\n"
        "MERGE (n:Entity {id: row.id})\n"
        f"SET n{extra}\n"
        "WITH n, row\n"
        f"WHERE {_changed('n', 'id', replace)}\n"
        + ("SET n = row.props, n.id = row.id" if replace else "SET n += row.props")
    )


def relationship_statement(rel_type: str, *, replace: bool = False) -> str:
    """The load's MERGE of ``rel_type`` relationships, keyed by their fact id."""
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


def load_statements() -> list[Statement]:
    """Every statement a load may send for the model's kinds and types, without and with wipe."""
    out = []
    for replace in (False, True):
        how = " with wipe" if replace else ""
        for kind in KINDS:
            out.append(Statement(f"{HERE} (load {kind} nodes{how})", node_statement(kind_labels(kind), replace=replace), ("rows",)))
        for rel_type in REL_TYPES:
            out.append(Statement(f"{HERE} (load {rel_type}{how})", relationship_statement(rel_type, replace=replace), ("rows",)))
    return out


# A load with wipe deletes only what the new graph does not have (so that loading the
# same graph again deletes and writes nothing), plus every written-back result.
DELETE_STALE_NODES = (
    "MATCH (n)\n"
    "WHERE n:Community OR n:Proposal OR (n:Entity AND NOT coalesce($kinds[toString(n.id)] = n.kind, false))\n"
    "DETACH DELETE n\n"
    "RETURN count(*) AS deleted"
)
DELETE_STALE_RELATIONSHIPS = (
    "MATCH (a:Entity)-[r]->(b:Entity)\n"
    "WHERE r.fact IS NULL OR coalesce($facts[r.fact + $sep + a.id + $sep + b.id], '') <> type(r)\n"
    "DELETE r\n"
    "RETURN count(*) AS deleted"
)
WIPE = (
    "MATCH (n)\n"
    "WHERE n:Entity OR n:Community OR n:Proposal\n"
    "WITH n LIMIT $batch_size\n"
    "DETACH DELETE n\n"
    "RETURN count(*) AS deleted"
)
MISSING = "UNWIND $ids AS id\nOPTIONAL MATCH (n:Entity {id: id})\nWITH id, n\nWHERE n IS NULL\nRETURN id"
DELETE_OVERLAPS = "MATCH (:Entity)-[r:OVERLAPS]->(:Entity)\nDELETE r"
WRITE_OVERLAPS = (
    "UNWIND $rows AS row\n"
    "MATCH (a:Entity) WHERE a.id = row.a\n"
    "MATCH (b:Entity) WHERE b.id = row.b\n"
    "MERGE (a)-[r:OVERLAPS]->(b)\n"
    "SET r = row.props"
)
DELETE_COMMUNITIES = "MATCH (c:Community)\nWHERE c.method IN $methods\nDETACH DELETE c"
WRITE_COMMUNITIES = (
    "UNWIND $rows AS row\n"
    "MATCH (e:Entity) WHERE e.id = row.entity\n"
    "MERGE (c:Community {id: row.community, method: row.method})\n"
    "MERGE (e)-[:IN_COMMUNITY]->(c)"
)
DELETE_PROPOSALS = "MATCH (p:Proposal)\nDETACH DELETE p"
WRITE_PROPOSALS = "UNWIND $rows AS row\nMERGE (p:Proposal {id: row.id})\nSET p = row.props"
_PROPOSAL_LINK = (
    "UNWIND $rows AS row\n"
    "MATCH (p:Proposal) WHERE p.id = row.proposal\n"
    "MATCH (e:Entity) WHERE e.id = row.entity\n"
    "MERGE (p)-[r:{type}]->(e)\n"
    "SET r += row.props"
)
# One per type of PROPOSAL_LINKS, written in that order.
WRITE_PROPOSAL_LINKS = {
    t: _PROPOSAL_LINK.format(type=_quoted(t, WRITEBACK_SCHEMA["relationship_types"])) for t in PROPOSAL_LINKS
}
COMPONENTS = "CALL dbms.components() YIELD name, versions, edition\nRETURN name, versions, edition"
NODE_COUNTS = "MATCH (n:Entity)\nRETURN n.kind AS kind, count(*) AS count\nORDER BY kind"
RELATIONSHIP_COUNTS = "MATCH (:Entity)-[r]->()\nRETURN type(r) AS type, count(*) AS count\nORDER BY type"
WRITEBACK_COUNTS = (
    "OPTIONAL MATCH (c:Community)\n"
    "WITH count(c) AS communities\n"
    "OPTIONAL MATCH (p:Proposal)\n"
    "RETURN communities, count(p) AS proposals"
)
GDS_VERSION = "CALL gds.version() YIELD gdsVersion\nRETURN gdsVersion AS version"

# Every statement whose text never varies, by name, with the parameters the code sends:
# what the lint checks, and what tests look recorded statements up by.
FIXED_STATEMENTS: dict[str, Statement] = {
    name: Statement(f"{HERE} ({name})", text, params)
    for name, text, params in [
        ("delete stale nodes", DELETE_STALE_NODES, ("kinds",)),
        ("delete stale relationships", DELETE_STALE_RELATIONSHIPS, ("sep", "facts")),
        ("wipe", WIPE, ("batch_size",)),
        ("missing entities", MISSING, ("ids",)),
        ("delete overlaps", DELETE_OVERLAPS, ()),
        ("write overlaps", WRITE_OVERLAPS, ("rows",)),
        ("delete communities", DELETE_COMMUNITIES, ("methods",)),
        ("write communities", WRITE_COMMUNITIES, ("rows",)),
        ("delete proposals", DELETE_PROPOSALS, ()),
        ("write proposals", WRITE_PROPOSALS, ("rows",)),
        ("components", COMPONENTS, ()),
        ("node counts", NODE_COUNTS, ()),
        ("relationship counts", RELATIONSHIP_COUNTS, ()),
        ("write-back counts", WRITEBACK_COUNTS, ()),
        ("gds version", GDS_VERSION, ()),
        *((f"write {t}", text, ("rows",)) for t, text in WRITE_PROPOSAL_LINKS.items()),
    ]
}
