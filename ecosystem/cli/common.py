"""Pieces every command module shares: error handling, the shared options, the graph a command works on."""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import inspect
import math
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from ecosystem.errors import EcosystemError
from ecosystem.evidence import load_seeds

__all__ = ["LazyChoice", "fail_cleanly", "writing_to", "seeds_option", "as_of_option", "imports_options", "build_graph", "graph_command", "FINITE", "NAME"]


def fail_cleanly(fn):
    """Turn the package's own errors into a one-line message and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EcosystemError as err:
            raise click.ClickException(str(err)) from err

    return wrapper


@contextlib.contextmanager
def writing_to(path: Path):
    """Turn a failed write (no such folder, no permission, disk full) into a one-line error."""
    try:
        yield
    except OSError as err:
        raise click.ClickException(f"cannot write {path}: {err.strerror or err}") from err


class _Finite(click.types.FloatParamType):
    """A float that is a real number: NaN and infinity are refused."""

    name = "number"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give one like 0.1", param, ctx)
        return number


class _Name(click.ParamType):
    """A name that is not empty (nor only spaces)."""

    name = "name"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("the name is empty; give one, e.g. --name cordis-2024", param, ctx)
        return value


class LazyChoice(click.Choice):
    """A ``click.Choice`` whose choices are looked up when first needed (help, a value to check).

    So the module that defines the option need not import the library that holds them.
    """

    def __init__(self, choices: Callable[[], Iterable[str]], case_sensitive: bool = True):
        self._choices = choices
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._choices())


FINITE = _Finite()
NAME = _Name()

seeds_option = click.option(
    "--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Seed directory (default: the seeds shipped with the package).",
)


def as_of_option(help: str = "The landscape as known in YEAR: later facts, ended organisations out; renames applied."):
    """The --as-of YEAR option, with a help text that says what YEAR does for the command."""
    return click.option("--as-of", type=click.IntRange(1800, 2100), default=None, metavar="YEAR", help=help)


def imports_options(fn):
    """Add --imports/--no-imports and --home (the import store)."""
    fn = click.option(
        "--home", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="ECOSYSTEM_HOME",
        help="Import store (default $ECOSYSTEM_HOME or the per-user data directory).",
    )(fn)  # fmt: skip
    return click.option(
        "--imports/--no-imports", default=True, show_default=True, help="Include the datasets imported with `ecosystem import`."
    )(fn)


def build_graph(seeds, *, as_of=None, imports=True, home=None, countries=None, whole=True):
    """Build the graph a command works on: the seeds, and the stored imports unless --no-imports.

    With imports and ``whole=False``, the cached analysis graph (:func:`ecosystem.ingest.analysis_graph`):
    the same answers from the analyses, ``G.graph["stats"]`` the whole graph's counts.
    A build (the first command after a change) says what it does on a terminal's standard error.
    ``ECOSYSTEM_CACHE=0`` builds the whole graph for every command instead (slow; the same answers).
    """
    from ecosystem import graph
    from ecosystem.ingest import analysis_graph, graph_with_imports

    if not imports:
        return graph.build_graph(seeds, as_of=as_of)
    if whole or os.environ.get("ECOSYSTEM_CACHE") == "0":
        return graph_with_imports(seeds, as_of=as_of, home=home, countries=countries)
    return analysis_graph(seeds, as_of=as_of, home=home, countries=countries, progress=_progress)


def _progress(line: str) -> None:
    if sys.stderr.isatty():
        click.echo(f"... {line}", err=True)


# At exit Python collects garbage once more, walking every object left: with 200,000
# members stored that is seconds spent on a graph about to vanish. Frozen objects are skipped.
atexit.register(gc.freeze)


def graph_command(fn=None, *, whole=False):
    """Add --seeds, --as-of and the import options; pass the graph as ``G`` (and ``seeds``, ``as_of``, ``build`` if asked for).

    The graph is the cached analysis graph (every analysis gives the same answers on it),
    or with ``whole=True`` the whole merged graph, for commands that show or export
    every node.
    """
    if fn is None:
        return functools.partial(graph_command, whole=whole)
    wants = inspect.signature(fn).parameters

    @seeds_option
    @as_of_option()
    @imports_options
    @click.option("--country", "countries", multiple=True, metavar="CC",
                  help="With imports: keep only projects with a participant from this country (repeatable), e.g. --country DK.")
    @functools.wraps(fn)
    @fail_cleanly
    def wrapper(seeds_dir, as_of, imports, home, countries, **kwargs):
        seeds = load_seeds(seeds_dir)
        build = functools.partial(build_graph, seeds, imports=imports, home=home, countries=countries or None, whole=whole)
        G = build(as_of=as_of)
        extra = {k: v for k, v in (("seeds", seeds), ("as_of", as_of), ("build", build)) if k in wants}
        # The graph lives as long as the command: the garbage collector need not walk it
        # again at each collection the analysis triggers. Unfrozen after, for callers that
        # run many commands (tests); frozen again at exit (below).
        gc.freeze()
        try:
            return fn(G, **kwargs, **extra)
        finally:
            gc.unfreeze()

    return wrapper
