"""Reading an importer's CSV file: gzip, encodings, the header, every flaw at its line and column.

A file is read and checked whole by :func:`read_table` (header, fields per row, repeated
rows, size limits), then its rows are parsed again as an importer walks them
(:attr:`Table.rows`), so memory holds the file's text, not a million parsed rows. The
columns that hold personal data (:data:`PERSONAL_COLUMNS`) are dropped; the table parses numbers, dates and
CVR numbers (:meth:`Table.number`, :meth:`Table.date`, :meth:`Table.cvr`) and builds
the error for a bad value (:meth:`Table.bad`). Every problem raises
:class:`~ecosystem.errors.ImportFailed` naming the file, line and column; nothing is
stored then.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ecosystem.errors import ImportFailed

__all__ = [
    "MISSING",
    "NUMBERS",
    "PERSONAL_COLUMNS",
    "Limits",
    "Table",
    "failure",
    "import_limits",
    "read_table",
    "scrub",
]


@dataclass(frozen=True)
class Limits:
    """How large an import file may be: a damaged or hostile file stops here, with the option to raise it."""

    max_mb: int = 512  # of text, after decompression
    max_rows: int = 5_000_000


_LIMITS: ContextVar[Limits] = ContextVar("import_limits", default=Limits())  # noqa: B039 (frozen)


@contextmanager
def import_limits(max_mb: int | None = None, max_rows: int | None = None) -> Iterator[Limits]:
    """Raise (or lower) the size limits of :func:`read_table` for the imports inside the ``with``.

    >>> with import_limits(max_rows=10) as limits:
    ...     limits
    Limits(max_mb=512, max_rows=10)
    """
    default = Limits()
    token = _LIMITS.set(Limits(max_mb or default.max_mb, max_rows or default.max_rows))
    try:
        yield _LIMITS.get()
    finally:
        _LIMITS.reset(token)


PERSONAL_COLUMNS = re.compile(
    r"kontakt|contact|e-?mail|phone|telefon|\btlf|mobil|\bfax\b|person|fornavn|efternavn|first.?name|last.?name|surname",
    re.IGNORECASE,
)
"""Columns whose name matches this are never read: they hold personal data."""

MISSING = ("", "NA")
"""Cell values that mean "no value"."""

NUMBERS = {
    "plain": (re.compile(r"-?\d+(?:\.\d+)?"), "1234.5"),
    "comma": (re.compile(r"-?\d+(?:,\d+)?"), "1234,5"),
    "dots": (re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"), "1.234.567"),
}
"""How numbers are written, by style: the pattern and an example for the error message."""


def failure(file, line: int | None, column: int | None, what: str, rule: str, fix: str) -> ImportFailed:
    """Return the error for a flaw in a file: ``file:line:column: what (rule; fix)``.

    >>> err = failure("a.csv", 3, 7, "cvr '12' is not a CVR number", "a CVR number has 8 digits", "fix it")
    >>> str(err), (err.file, err.line, err.column)
    ("a.csv:3:7: cvr '12' is not a CVR number (a CVR number has 8 digits; fix it)", ('a.csv', 3, 7))
    """
    where = str(file) + (f":{line}" if line else "") + (f":{column}" if line and column else "")
    err = ImportFailed(f"{where}: {what} ({rule}; {fix})")
    err.file, err.line, err.column = str(file), line, column
    return err


@dataclass
class Table:
    """A CSV file read and checked: header, column positions, and its rows as they are walked."""

    path: Path
    header: list[str]
    text: str
    count: int
    sha256: str
    dropped: list[str]
    keep: list[int] | None = None  # the columns read, when some are dropped
    col: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The rows (not blank) with the line each starts at: parsed afresh at each walk, already checked."""
        yield from _records(self.text, self.keep)

    def require(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        """Check the header has every required column; remember where each column is."""
        present = {h: i for i, h in enumerate(self.header)}
        for name in required:
            if name not in present:
                close = difflib.get_close_matches(name, list(present), n=1, cutoff=0.6)
                column = present[close[0]] + 1 if close else len(self.header) + 1
                hint = f"rename column {close[0]!r} to {name!r}" if close else f"add the column {name!r}"
                raise failure(
                    self.path, 1, column, f"column {name!r} is missing", "the header names " + ", ".join(required), hint
                )
            self.col[name] = present[name]
        for name in optional:
            if name in present:
                self.col[name] = present[name]

    def get(self, values: list[str], name: str) -> str:
        """Return a row's value in column `name`, stripped; empty if the file lacks the column."""
        i = self.col.get(name)
        return values[i].strip() if i is not None else ""

    def bad(self, line: int, name: str, value: str, problem: str, rule: str, fix: str) -> ImportFailed:
        """The error for a bad value: ``file:line:column: name 'value' problem (rule; fix)``."""
        return failure(self.path, line, self.col[name] + 1, f"{name} {value!r} {problem}", rule, fix)

    def file_entry(self, fmt: str) -> dict:
        """Return what an import records of the file it read: name, path, SHA-256, rows, format."""
        return {
            "file": self.path.name,
            "path": str(self.path.resolve()),
            "sha256": self.sha256,
            "rows": self.count,
            "format": fmt,
        }

    def number(self, line: int, values, name: str, *, style: str = "plain") -> float | None:
        """Parse a number: ``plain`` 1234.5, ``comma`` 1234,5, ``dots`` 1.234.567; NA or empty is None."""
        raw = self.get(values, name)
        if raw in MISSING:
            return None
        pattern, example = NUMBERS[style]
        if not pattern.fullmatch(raw):
            raise self.bad(
                line,
                name,
                raw,
                "is not a number",
                f"{name} is a number like {example}, or NA when missing",
                "fix the value",
            )
        if style == "dots":
            raw = raw.replace(".", "")
        return float(raw.replace(",", "."))

    def date(self, line: int, values, name: str) -> str | None:
        """Parse 2019-05-01 or 01.05.2019 into ISO; NA or empty is None."""
        raw = self.get(values, name)
        try:
            return _parse_date(raw)
        except ValueError as err:
            raise self.bad(
                line, name, raw, str(err), f"{name} is a date: YYYY-MM-DD or DD.MM.YYYY, or NA", "fix the date"
            ) from None

    def cvr(self, line: int, values, name: str, *, required: bool = False) -> str | None:
        """Parse a CVR number (8 digits; a ``DK`` prefix, spaces and dashes allowed); empty is None unless `required`."""
        raw = self.get(values, name)
        if len(raw) == 8 and raw.isascii() and raw.isdigit():
            return raw  # as most are written: no need for the rules below
        if not raw and not required:
            return None
        digits = _CVR_SPACING.sub("", raw).removeprefix("DK")
        if not _CVR.fullmatch(digits):
            raise self.bad(
                line,
                name,
                raw,
                "is not a CVR number",
                "a CVR number has 8 digits (a DK prefix and spaces are allowed)",
                "fix it or leave the cell empty",
            )
        return digits


_CVR_SPACING = re.compile(r"[\s-]")
_CVR = re.compile(r"\d{8}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DANISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@functools.lru_cache(maxsize=8192)
def _parse_date(raw: str) -> str | None:
    """ISO date of 2019-05-01 or 01.05.2019; None for NA or empty; ValueError otherwise."""
    if raw in MISSING:
        return None
    if m := _ISO_DATE.fullmatch(raw):
        y, mo, d = m.groups()
    elif m := _DANISH_DATE.fullmatch(raw):
        d, mo, y = m.groups()
    else:
        raise ValueError("is not a date")
    try:
        return datetime(int(y), int(mo), int(d)).date().isoformat()
    except ValueError:
        raise ValueError("is not a real date") from None


EMAIL = re.compile(r"\S+@\S+\.\w+")
"""An e-mail address, as :func:`scrub` removes it; :data:`PHONE` a Danish phone number."""
PHONE = re.compile(r"(?:\+45[\s-]?)?\b(?:\d{2}[\s-]){3}\d{2}\b|\b(?:tlf|tel|phone)\.?:?\s*[\d\s+-]{8,}", re.IGNORECASE)


def scrub(text: str) -> str:
    """Remove e-mail addresses and phone numbers from a name or title.

    >>> scrub("Nordic Seed A/S jt@example.dk tlf. 12 34 56 78")
    'Nordic Seed A/S'
    """
    if _may_hold_contact(text):
        text = PHONE.sub(" ", EMAIL.sub(" ", text))
    return " ".join(text.split())


def _may_hold_contact(text: str) -> bool:
    """False where neither pattern of :func:`scrub` can match: most names, checked faster than a search."""
    if not text.isascii() or "@" in text:
        return True
    low = text.encode().lower()
    return len(low) - len(low.translate(None, b"0123456789")) >= 8 or b"tlf" in low or b"tel" in low or b"phone" in low


# -- reading a file --------------------------------------------------------------------------

_CHUNK = 1 << 20


def _too_large(path: Path, limits: Limits) -> ImportFailed:
    return failure(
        path, None, None, f"holds more than {limits.max_mb:,} MB of text", f"an import is at most {limits.max_mb:,} MB once decompressed (a guard against damaged or hostile files)",
        "if the file is right, raise the limit with --max-mb",
    )  # fmt: skip


def _gunzip(path: Path, raw: bytes, most: int) -> bytes:
    """Decompress gzip data, saying on which line it breaks off if it is damaged; stop beyond `most` bytes."""
    out = bytearray()
    rest = raw
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            for i in range(0, len(rest), _CHUNK):
                out += d.decompress(rest[i : i + _CHUNK], most + 1 - len(out))
                while d.unconsumed_tail and len(out) <= most:
                    out += d.decompress(d.unconsumed_tail, most + 1 - len(out))
                if len(out) > most:
                    raise _too_large(path, _LIMITS.get())
                if d.eof:
                    rest = d.unused_data + rest[i + _CHUNK :]
                    break
            else:
                raise EOFError("the gzip data ends early")
            if rest.strip(b"\0") == b"":
                break
    except (zlib.error, EOFError) as err:
        if isinstance(err, zlib.error):
            out = _gunzip_until_error(raw)
        line = out.count(b"\n") + 1
        column = len(out) - out.rfind(b"\n")
        what = "the gzip data ends early" if isinstance(err, EOFError) else f"the gzip data is corrupt ({err})"
        raise failure(
            path,
            line,
            column,
            f"{what} in line {line}",
            "a .gz file must be complete and unchanged",
            "copy or download it again (`gzip -t FILE` checks it)",
        ) from None
    return bytes(out)


def _gunzip_until_error(raw: bytes) -> bytearray:
    """What decompresses before a corrupt spot, fed in small pieces so little is lost."""
    out = bytearray()
    d = zlib.decompressobj(wbits=31)
    for i in range(0, len(raw), 256):
        try:
            out += d.decompress(raw[i : i + 256])
        except zlib.error:
            break
    return out


def _decode(path: Path, raw: bytes, encoding: str) -> str:
    """The file's text; a byte the encoding cannot read fails at its line and column."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, err.start) + 1 : err.start].decode(encoding, errors="replace")) + 1
        label = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8", "utf8") else encoding
        raise failure(
            path,
            line,
            column,
            f"byte 0x{raw[err.start]:02x} is not valid {label}",
            f"the file must be {label}",
            "re-save it as UTF-8, or give its encoding (e.g. --encoding latin-1)",
        ) from None
    except LookupError:
        raise failure(
            path, None, None, f"unknown encoding {encoding!r}", "a Python codec name", "e.g. utf-8, latin-1, cp1252"
        ) from None


def _check_header(path: Path, header: list[str] | None) -> list[str]:
    """The header's names, stripped; fail if it is missing, not comma-separated or names a column twice."""
    if not header or not any(h.strip() for h in header):
        raise failure(path, 1, 1, "no header", "the first line names the columns", "add the header line")
    header = [h.strip() for h in header]
    if len(header) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in header[0]:
                raise failure(
                    path,
                    1,
                    header[0].index(sep) + 1,
                    f"the columns are separated by {label}",
                    "the file is comma-separated CSV",
                    "save it as CSV with commas (in a spreadsheet: 'CSV UTF-8 (comma delimited)')",
                )
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen:
            raise failure(
                path,
                1,
                i + 1,
                f"column {h!r} appears twice (also column {seen[h] + 1})",
                "column names are unique",
                "rename or remove one",
            )
        seen[h] = i
    return header


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines ends lines there too, CSV does not


def _lines(text: str) -> Iterator[str]:
    r"""The lines of `text` with their endings, as ``open(newline="")`` reads them, one at a time.

    (``io.StringIO`` would copy the text at four bytes a character.) A megabyte at a time
    is split by ``str.splitlines``, twice as fast as a regular expression, unless the text
    holds a character that ends a line there but not in CSV.

    >>> list(_lines("a,b\r\nc\rd\n\ne")), list(_lines("a\x1cb\n"))
    (['a,b\r\n', 'c\r', 'd\n', '\n', 'e'], ['a\x1cb\n'])
    """
    if any(c in text for c in _OTHER_BREAKS):
        return (m.group() for m in _LINE.finditer(text))
    return itertools.chain.from_iterable(piece.splitlines(keepends=True) for piece in _pieces(text))


def _pieces(text: str, size: int = _CHUNK) -> Iterator[str]:
    """`text` in pieces of about `size` characters, each ending after a ``\n`` (or at the end)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


class _BadQuoting(Exception):
    def __init__(self, line: int, err: csv.Error):
        super().__init__(str(err))
        self.line = line


def _records(text: str, keep: list[int] | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header that are not blank, each with the line it starts at, with only
    the columns in `keep` (default all); _BadQuoting where the quoting breaks."""
    reader = csv.reader(_lines(text), strict=True)
    try:
        next(reader, None)
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if "".join(values).strip():
                yield line, values if keep is None else [values[i] for i in keep]
    except csv.Error as err:
        raise _BadQuoting(reader.line_num, err) from None


def _first_line(text: str, keep: list[int] | None, values: list[str], before: int) -> int | None:
    """The line of the first row equal to `values` before line `before` (None: only their hashes were equal)."""
    return next((line for line, v in _records(text, keep) if line < before and v == values), None)


def read_table(path, encoding: str = "utf-8-sig") -> Table:
    """Read and check a CSV (plain or gzip), dropping personal-data columns; raise ImportFailed on any flaw.

    Every row is checked here (fields per row, a row repeated, the size limits); the
    values are parsed when :attr:`Table.rows` is walked.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise failure(path, None, None, "file not found", "the file must exist", "check the path") from None
    except IsADirectoryError:
        raise failure(path, None, None, "is a folder", "pass a CSV file", "name the file inside the folder") from None
    sha = hashlib.sha256(raw).hexdigest()
    limits = _LIMITS.get()
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(path, raw, limits.max_mb << 20)
    elif path.suffix == ".gz":
        raise failure(
            path,
            1,
            1,
            "is not gzip data",
            "a .gz file is gzip-compressed",
            "compress it with gzip, or drop the .gz from its name",
        )
    if len(raw) > limits.max_mb << 20:
        raise _too_large(path, limits)
    text = _decode(path, raw, encoding)
    del raw
    try:
        header = _check_header(path, next(csv.reader(_lines(text), strict=True), None))
    except csv.Error as err:
        raise _syntax_error(path, 1, str(err)) from None
    keep = [i for i, h in enumerate(header) if not PERSONAL_COLUMNS.search(h)]
    dropped = [h for i, h in enumerate(header) if i not in keep]
    seen: set[int] = set()  # hashes of the rows so far: a repeat is confirmed against the text
    count = 0
    try:
        for line, values in _records(text):
            if len(values) != len(header):
                column = min(len(values), len(header)) + 1
                hint = (
                    "the file may be cut off" if len(values) < len(header) else "a field may contain an unquoted comma"
                )
                raise failure(
                    path,
                    line,
                    column,
                    f"{len(values)} fields, the header has {len(header)}",
                    "every row has the header's columns",
                    f"{hint}; check the row (quote fields holding commas)",
                )
            if count >= limits.max_rows:
                raise failure(
                    path, line, None, f"more than {limits.max_rows:,} rows", f"an import has at most {limits.max_rows:,} rows (a guard against damaged or hostile files)",
                    "if the file is right, raise the limit with --max-rows",
                )  # fmt: skip
            values = [values[i] for i in keep] if dropped else values
            key = hash(tuple(values))
            if key in seen and (first := _first_line(text, keep if dropped else None, values, line)):
                raise failure(path, line, 1, f"row repeats line {first}", "each row once", "remove the duplicate row")
            seen.add(key)
            count += 1
    except _BadQuoting as err:
        raise _syntax_error(path, err.line, str(err)) from None
    header = [header[i] for i in keep]
    return Table(path, header, text, count, sha, dropped, keep if dropped else None)


def _syntax_error(path: Path, line: int, err: str) -> ImportFailed:
    return failure(
        path,
        line,
        None,
        f"CSV syntax error: {err}",
        "standard CSV quoting",
        "the file may be cut off inside a quoted field; close the quote or copy the file again",
    )
