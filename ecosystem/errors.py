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


def problem_lines(problems, most: int = 20, prefix: str = "") -> list[str]:
    """One line per problem, but at most `most` of one rule in one file; then "... and N more like this".

    Problems are anything with ``file`` and ``rule`` attributes that prints as a line;
    `prefix` (the seed folder) goes before those with a file.
    A broken 50 MB file gives a few dozen lines, not a hundred thousand.
    """
    lines, shown, hidden = [], {}, {}
    for p in problems:
        key = (p.file, p.rule)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= most:
            lines.append(f"{prefix if p.file else ''}{p}")
        else:
            if key not in hidden:
                lines.append(key)  # where the summary goes
            hidden[key] = hidden.get(key, 0) + 1
    return [x if isinstance(x, str) else f"{prefix}{x[0]}: ... and {hidden[x]:,} more like this ({x[1]})" for x in lines]


class SeedError(EcosystemError):
    """The seed files break the model's rules; ``problems`` lists every one (the message at most 20 of a kind)."""

    def __init__(self, problems):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the seed files"
        super().__init__(head + ":\n" + "\n".join(problem_lines(self.problems)))


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


class UnknownImport(EcosystemError, KeyError):
    """No stored import has this name."""

    def __str__(self):
        return self.args[0]


class LocalServerError(EcosystemError):
    """The local Neo4j server (``ecosystem neo4j server``) cannot be fetched, started or stopped."""
