"""Pieces every command module shares: error handling and the --seeds/--as-of options."""

from __future__ import annotations

import contextlib
import functools
import math
from pathlib import Path

import click

from .errors import EcosystemError

__all__ = ["fail_cleanly", "writing_to", "seeds_option", "as_of_option", "FINITE", "NAME"]


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


FINITE = _Finite()
NAME = _Name()

seeds_option = click.option(
    "--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Seed directory (default: the seeds shipped with the package).",
)
as_of_option = click.option(
    "--as-of", type=click.IntRange(1800, 2100), default=None, metavar="YEAR",
    help="The landscape as known in YEAR: later facts, ended organisations out; renames applied.",
)
