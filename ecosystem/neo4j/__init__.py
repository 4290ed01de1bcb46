"""The database behind a runner protocol: load the graph, write results back, run the query library, a local server from Maven Central. Imports: base, ``evidence``.

``runner`` (the :class:`Runner` protocol, the real :class:`Neo4jRunner`, the only module
that imports the ``neo4j`` driver, and the :class:`RecordingRunner` fake), ``statements``
(the Cypher the package sends and the names it may contain), ``load``, ``writeback``,
``queries`` (the ``.cypher`` library and what the lint checks), ``jars`` and ``server``
(the local server). Use the names below; the modules can change.
"""

from ecosystem.neo4j.jars import POM, cache_dir, coordinates, install_server, jars_dir, java_version, missing_tools
from ecosystem.neo4j.load import load_into_neo4j, status, wipe
from ecosystem.neo4j.queries import (
    SCHEMA_FILE,
    Param,
    Query,
    bind_params,
    cypher_dir,
    ensure_gds,
    lint_statements,
    parse_query,
    query_library,
    run_query,
    schema_statements,
)
from ecosystem.neo4j.runner import COUNTERS, Call, Neo4jRunner, RecordingRunner, Runner
from ecosystem.neo4j.server import (
    ServerSettings,
    instance_dir,
    server_settings,
    server_status,
    start_server,
    stop_server,
)
from ecosystem.neo4j.statements import (
    ENTITY_LABEL,
    FIXED_STATEMENTS,
    NODE_PROPERTIES,
    PROPOSAL_LINKS,
    RELATIONSHIP_PROPERTIES,
    WRITEBACK_SCHEMA,
    Statement,
)
from ecosystem.neo4j.writeback import write_communities, write_overlaps, write_proposals

__all__ = [
    # talking to a database
    "Runner",
    "Neo4jRunner",
    "RecordingRunner",
    "Call",
    "COUNTERS",
    # load, write back, describe
    "load_into_neo4j",
    "wipe",
    "status",
    "write_overlaps",
    "write_communities",
    "write_proposals",
    # the query library
    "Query",
    "Param",
    "cypher_dir",
    "query_library",
    "parse_query",
    "bind_params",
    "run_query",
    "ensure_gds",
    "SCHEMA_FILE",
    "schema_statements",
    # the Cypher the package sends, and its lint
    "ENTITY_LABEL",
    "NODE_PROPERTIES",
    "RELATIONSHIP_PROPERTIES",
    "WRITEBACK_SCHEMA",
    "PROPOSAL_LINKS",
    "FIXED_STATEMENTS",
    "Statement",
    "lint_statements",
    # the local server
    "ServerSettings",
    "start_server",
    "stop_server",
    "server_status",
    "server_settings",
    "install_server",
    "instance_dir",
    "cache_dir",
    "jars_dir",
    "coordinates",
    "java_version",
    "missing_tools",
    "POM",
]
