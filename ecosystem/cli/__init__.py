"""The command line: click commands only, one module per command group. Imports: every layer below.

``main`` holds the group and the analysis commands, ``imports`` the ``import`` group,
``neo4j`` the ``neo4j`` group, ``plot`` the figures; ``common`` the options they share.
"""

from ecosystem.cli.main import cli

__all__ = ["cli"]
