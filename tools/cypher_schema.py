"""The Cypher lint schema: the model's labels, types and properties as a ``DbSchema``.

``python -m tools.cypher_schema`` prints the JSON that ``scripts/lint-cypher`` hands to
``lintCypherQuery`` from ``@neo4j-cypher/language-support`` (its ``DbSchema`` type:
``labels``, ``relationshipTypes``, ``propertyKeys``, and ``procedures`` / ``functions``
registries per Cypher version). ``--statements [PATH ...]`` prints every statement to
lint instead: the ``.cypher`` files and what :mod:`ecosystem.neo4j` sends.

Only the functions and procedures listed here pass the lint, so a query that calls
anything else fails until its signature is added (signatures as Neo4j 5.26 and GDS 2.13
report them in ``SHOW FUNCTIONS`` / ``SHOW PROCEDURES``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from ecosystem.evidence import KINDS, REL_TYPES, kind_labels
from ecosystem.neo4j import (
    ENTITY_LABEL,
    NODE_PROPERTIES,
    PROPOSAL_LINKS,
    RELATIONSHIP_PROPERTIES,
    WRITEBACK_SCHEMA,
    lint_statements,
)

__all__ = ["CYPHER_VERSION", "FUNCTIONS", "PROCEDURES", "db_schema", "parse_signature"]

CYPHER_VERSION = "CYPHER 5"  # Neo4j 5.26 LTS speaks Cypher 5.

# name -> (signature, category); a category of "Aggregating" marks aggregating functions.
FUNCTIONS: dict[str, tuple[str, str]] = {
    "coalesce": ("coalesce(input :: ANY) :: ANY", "Scalar"),
    "collect": ("collect(input :: ANY) :: LIST<ANY>", "Aggregating"),
    "count": ("count(input :: ANY) :: INTEGER", "Aggregating"),
    "endNode": ("endNode(input :: RELATIONSHIP) :: NODE", "Scalar"),
    "keys": ("keys(input :: NODE | RELATIONSHIP | MAP) :: LIST<STRING>", "List"),
    "left": ("left(original :: STRING, length :: INTEGER) :: STRING", "String"),
    "range": ("range(start :: INTEGER, end :: INTEGER) :: LIST<INTEGER>", "List"),
    "size": ("size(input :: STRING | LIST<ANY>) :: INTEGER", "Scalar"),
    "startNode": ("startNode(input :: RELATIONSHIP) :: NODE", "Scalar"),
    "toLower": ("toLower(input :: STRING) :: STRING", "String"),
    "toString": ("toString(input :: ANY) :: STRING", "String"),
    "type": ("type(input :: RELATIONSHIP) :: STRING", "Scalar"),
    # Graph Data Science 2.x
    "gds.graph.project": (
        "gds.graph.project(graphName :: STRING, sourceNode :: ANY, targetNode = null :: ANY, "
        "dataConfig = null :: ANY, configuration = null :: ANY, alphaMigrationConfig = null :: ANY) :: MAP",
        "Aggregating",
    ),
    "gds.util.asNode": ("gds.util.asNode(nodeId :: INTEGER | FLOAT) :: NODE", ""),
}

# name -> (signature, mode)
PROCEDURES: dict[str, tuple[str, str]] = {
    "dbms.components": (
        "dbms.components() :: (name :: STRING, versions :: LIST<STRING>, edition :: STRING)",
        "DBMS",
    ),
    "gds.version": ("gds.version() :: (gdsVersion :: STRING)", "READ"),
    "gds.graph.drop": (
        "gds.graph.drop(graphName :: ANY, failIfMissing = true :: BOOLEAN, dbName =  :: STRING, "
        "username =  :: STRING) :: (graphName :: STRING, database :: STRING, databaseLocation :: STRING, "
        "memoryUsage :: STRING, sizeInBytes :: INTEGER, nodeCount :: INTEGER, relationshipCount :: INTEGER, "
        "configuration :: MAP, density :: FLOAT, creationTime :: ZONED DATETIME, "
        "modificationTime :: ZONED DATETIME, schema :: MAP, schemaWithOrientation :: MAP)",
        "READ",
    ),
    "gds.nodeSimilarity.stream": (
        "gds.nodeSimilarity.stream(graphName :: STRING, configuration = {} :: MAP) :: "
        "(node1 :: INTEGER, node2 :: INTEGER, similarity :: FLOAT)",
        "READ",
    ),
    "gds.leiden.stream": (
        "gds.leiden.stream(graphName :: STRING, configuration = {} :: MAP) :: "
        "(nodeId :: INTEGER, communityId :: INTEGER, intermediateCommunityIds :: LIST<INTEGER>)",
        "READ",
    ),
}

_SIGNATURE_RE = re.compile(r"^(?P<name>[\w.]+)\((?P<args>.*)\) :: (?P<returns>.+)$")
_ARG_RE = re.compile(r"^(?P<name>\w+)(?: = (?P<default>.*?))? :: (?P<type>.+)$")


def _fields(text: str) -> list[dict]:
    fields = []
    for part in filter(None, (p.strip() for p in text.split(", "))):
        m = _ARG_RE.match(part)
        if not m:
            raise ValueError(f"cannot read {part!r}: write 'name :: TYPE' or 'name = default :: TYPE'")
        field = {"isDeprecated": False, "description": part, "name": m["name"], "type": m["type"]}
        if m["default"] is not None:
            field["default"] = f"DefaultParameterValue{{value={m['default']}, type={m['type']}}}"
        fields.append(field)
    return fields


def parse_signature(signature: str) -> tuple[str, list[dict], str]:
    """Split a Neo4j signature into name, argument descriptions and return type.

    >>> name, args, returns = parse_signature("left(original :: STRING, length :: INTEGER) :: STRING")
    >>> name, [a["name"] for a in args], returns
    ('left', ['original', 'length'], 'STRING')
    """
    m = _SIGNATURE_RE.match(signature)
    if not m:
        raise ValueError(f"cannot read signature {signature!r}")
    return m["name"], _fields(m["args"]), m["returns"]


def _function(name: str, signature: str, category: str) -> dict:
    parsed, args, returns = parse_signature(signature)
    assert parsed == name, (parsed, name)
    return {
        "name": name,
        "category": category,
        "description": signature,
        "signature": signature,
        "isBuiltIn": not name.startswith(("gds.", "apoc.")),
        "argumentDescription": args,
        "returnDescription": returns,
        "aggregating": category == "Aggregating",
        "isDeprecated": False,
    }


def _procedure(name: str, signature: str, mode: str) -> dict:
    parsed, args, returns = parse_signature(signature)
    assert parsed == name, (parsed, name)
    return {
        "name": name,
        "description": signature,
        "mode": mode,
        "worksOnSystem": False,
        "argumentDescription": args,
        "returnDescription": _fields(returns.strip("()")),
        "signature": signature,
        "admin": False,
        "option": {"deprecated": False},
    }


def _graph_schema() -> list[dict]:
    """Every (start label, type, end label) the model allows: starts are free, ends per ``end_kinds``."""
    node_labels = [ENTITY_LABEL, *(k.label for k in KINDS.values())]
    segments = set()
    for name, rel in REL_TYPES.items():
        ends = [k for k, kind in KINDS.items() if not rel.end_kinds or {k, kind.parent} & set(rel.end_kinds)]
        end_labels = {ENTITY_LABEL, *(label for k in ends for label in kind_labels(k))}
        segments |= {(a, name, b) for a in node_labels for b in end_labels}
    segments |= {(a, "OVERLAPS", b) for a in node_labels for b in node_labels}
    segments |= {(a, "IN_COMMUNITY", "Community") for a in node_labels}
    for t in PROPOSAL_LINKS:
        segments |= {("Proposal", t, b) for b in node_labels}
    return [{"from": a, "relType": t, "to": b} for a, t, b in sorted(segments)]


def db_schema() -> dict:
    """Return the lint schema: the model's labels, relationship types and properties.

    Examples
    --------
    >>> s = db_schema()
    >>> "ClusterOrganisation" in s["labels"], "MEMBER_OF" in s["relationshipTypes"]
    (True, True)
    >>> s["functions"]["CYPHER 5"]["toLower"]["isBuiltIn"]
    True
    """
    labels = [ENTITY_LABEL, *(k.label for k in KINDS.values()), *WRITEBACK_SCHEMA["labels"]]
    rel_types = [*REL_TYPES, *WRITEBACK_SCHEMA["relationship_types"]]
    props = [*NODE_PROPERTIES, *RELATIONSHIP_PROPERTIES, *WRITEBACK_SCHEMA["property_keys"]]
    return {
        "labels": sorted(set(labels)),
        "relationshipTypes": sorted(set(rel_types)),
        "propertyKeys": sorted(set(props)),
        "functions": {CYPHER_VERSION: {n: _function(n, *spec) for n, spec in sorted(FUNCTIONS.items())}},
        "procedures": {CYPHER_VERSION: {n: _procedure(n, *spec) for n, spec in sorted(PROCEDURES.items())}},
        "graphSchema": _graph_schema(),
        "defaultLanguage": CYPHER_VERSION,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cypher_schema", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--statements",
        nargs="*",
        metavar="PATH",
        default=None,
        help="print the statements to lint (.cypher files or folders; default: the query library)",
    )
    args = parser.parse_args(argv)
    if args.statements is None:
        out = db_schema()
    else:
        out = [
            {"source": s.source, "text": s.text, "params": list(s.params)} for s in lint_statements(args.statements or None)
        ]
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
