"""The package's exceptions: one base class and a few subclasses with actionable messages."""

from __future__ import annotations

__all__ = [
    "EcosystemError",
    "SeedError",
    "UnknownEntity",
    "StoreUnavailable",
    "QueryError",
    "ImportFailed",
    "LocalServerError",
]


class EcosystemError(Exception):
    """Base class for every error this package raises on purpose."""


class SeedError(EcosystemError):
    """The seed files break the model's rules; ``problems`` lists every one."""

    def __init__(self, problems):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the seed files"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))


class UnknownEntity(EcosystemError, KeyError):
    """No entity has this name, id or alias; ``suggestions`` holds the closest names."""

    def __init__(self, name, suggestions=()):
        self.name = name
        self.suggestions = list(suggestions)
        msg = f"no entity named {name!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self):
        return self.args[0]


class StoreUnavailable(EcosystemError):
    """The Neo4j server cannot be used (unreachable, wrong credentials, missing plugin)."""


class QueryError(EcosystemError):
    """A query cannot run as asked: unknown query or parameter, or the server rejected it."""


class ImportFailed(EcosystemError):
    """An import file is malformed; nothing was imported."""


class LocalServerError(EcosystemError):
    """The local Neo4j server (``ecosystem neo4j server``) cannot be fetched, started or stopped."""
