"""Read and validate the seed CSV files.

``read_seeds`` parses a seed directory into plain rows and collects every rule broken,
with the file and line, so that ``ecosystem validate`` can report them all at once.
``verify_quotes`` checks each quote against the text of the document it cites.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ecosystem.errors import SeedError
from ecosystem.evidence.rules import VALUE_FIX, VALUE_RULE, Problem, check_lifespans, check_successions, check_value
from ecosystem.evidence.schema import (
    ATTRIBUTES,
    KINDS,
    MAX_QUOTE,
    RECOMMENDATION_ACTIONS,
    RECOMMENDATION_STATUSES,
    REL_TYPES,
    SEED_FILES,
    SLUG_RE,
    TARGET_METRICS,
)
from ecosystem.text import MAX_YEAR, MIN_YEAR, parse_year

__all__ = [
    "Problem",
    "Row",
    "Seeds",
    "read_seeds",
    "load_seeds",
    "verify_quotes",
    "normalise_text",
    "default_seeds_dir",
    "default_sources_dir",
    "fact_id",
]


@dataclass(frozen=True)
class Row:
    """One data row of a seed file, with where it came from."""

    file: str
    line: int
    data: dict

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)


@dataclass
class Seeds:
    """The parsed seed files; every list keeps file order."""

    path: Path
    documents: dict[str, Row] = field(default_factory=dict)
    entities: dict[str, Row] = field(default_factory=dict)
    attributes: list[Row] = field(default_factory=list)
    relations: list[Row] = field(default_factory=list)
    recommendations: list[Row] = field(default_factory=list)
    requirements: list[Row] = field(default_factory=list)
    criteria: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)  # seed files that could not be read at all
    broken_docs: set[str] = field(default_factory=set)  # document ids on rows reported as broken
    warnings: list[Problem] = field(default_factory=list)  # allowed, but worth a look (validate prints them)

    def doc_year(self, doc_id: str) -> int:
        return int(self.documents[doc_id]["year"])

    def quoted_rows(self):
        """Yield every row that carries a (doc, quote) pair."""
        yield from self.entities.values()
        yield from self.attributes
        yield from self.relations
        yield from self.recommendations
        yield from self.requirements
        yield from self.criteria
        yield from self.targets


def default_seeds_dir() -> Path:
    """Return the seeds shipped with the package (``ecosystem/seeds`` or the checkout's)."""
    here = Path(__file__).resolve().parents[1]  # the package
    for candidate in (here / "seeds", here.parent / "seeds"):
        if (candidate / "entities.csv").exists():
            return candidate
    return here.parent / "seeds"


def default_sources_dir() -> Path:
    """Return ``../shared/sources`` beside the checkout, where the documents live."""
    return Path(__file__).resolve().parents[3] / "shared" / "sources"


def fact_id(*parts: str) -> str:
    """Return a stable short id for a fact from its defining fields.

    >>> fact_id("a", "MEMBER_OF", "b", "004_x", "quote")
    'f-4418cf32264d'
    """
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return "f-" + h[:12]


def _read_csv(path: Path, name: str, problems: list[Problem], dropped: set[str], warnings: list[Problem]) -> list[Row] | None:
    """The file's rows; None when the file as a whole cannot be read (reported)."""
    header = SEED_FILES[name]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(name, 0, "file not found", "every seed file must exist", f"create {name} in the seed folder with the header {','.join(header)}"))
        return None
    except OSError as err:  # a directory, a symlink loop, no permission
        what = "is a folder" if path.is_dir() else f"cannot be read ({err.strerror or err})"
        problems.append(Problem(name, 0, what, "every seed file is a readable CSV file", f"put the CSV file {name} in its place"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(
            Problem(name, line, f"byte 0x{raw[err.start]:02x} is not valid UTF-8", "seed files are UTF-8", "re-save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')")
        )
        # Read on with replacement characters so the rest of the file is still checked.
        text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines = io.StringIO(text, newline="").readlines()  # as csv counts lines: not at \x0c or \u2028
    rows: list[Row] = []
    first = _next_record(reader, name, lines, problems, dropped, 1)
    if first == []:
        return None  # the header line is not valid CSV: reported
    if first is None:
        problems.append(Problem(name, 1, "file is empty", "the first line is the header", f"write the header {','.join(header)}"))
        return None
    if tuple(c.strip() for c in first) != header:
        problems.append(Problem(name, 1, f"header is {','.join(first)!r}", f"the header must be {','.join(header)}", "fix the column names and order"))
        return None
    start = reader.line_num + 1
    while (values := _next_record(reader, name, lines, problems, dropped, start)) is not None:
        line = start
        start = reader.line_num + 1
        if not values or not any(v.strip() for v in values):
            continue  # a blank line, or a line already reported as bad CSV
        if line != reader.line_num or len(values) != len(header):
            dropped.add(values[0].strip())
        if line != reader.line_num:
            problems.append(Problem(name, line, "a field contains a line break", "one record per line", "replace the line break with a space"))
            continue
        if len(values) != len(header):
            problems.append(
                Problem(name, line, f"{len(values)} columns, expected {len(header)}", f"every row has the {len(header)} columns of the header", "check for a missing or extra comma; quote fields that contain commas")
            )
            continue
        if bad := next(((k, c) for k, v in zip(header, values) for c in v if _CONTROL.match(c)), None):
            dropped.add(values[0].strip())
            problems.append(
                Problem(name, line, f"{bad[0]} holds the control character U+{ord(bad[1]):04X}", "no control characters: GraphML and GEXF cannot carry them", "delete it (most editors do not show it)")
            )
            continue
        if bidi := next(((k, c) for k, v in zip(header, values) for c in v if c in _BIDI), None):
            warnings.append(
                Problem(name, line, f"{bidi[0]} holds the invisible direction control U+{ord(bidi[1]):04X}", "text reads as it is stored", "delete it unless the text is right-to-left on purpose")
            )
        rows.append(Row(name, line, {k: v.strip() for k, v in zip(header, values)}))
    return rows


# Characters that reorder how text is shown without being seen ("Trojan Source").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# What XML 1.0 cannot hold (tab, line feed and carriage return it can), and the
# non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _next_record(reader, name: str, lines: list[str], problems: list[Problem], dropped: set[str], start: int) -> list[str] | None:
    """The next CSV record, which begins on line ``start``; ``[]`` for a record that is not
    valid CSV (reported at the line it begins on, its id dropped); None at the end."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as err:
        for bad in lines[max(start - 1, 0) : reader.line_num]:  # every line the broken record swallowed
            dropped.add(bad.split(",", 1)[0].strip().strip('"'))
        until = f" (the record runs on to line {reader.line_num})" if reader.line_num > start else ""
        problems.append(Problem(name, start, f"CSV syntax error: {err}{until}", "standard CSV quoting", "put fields containing quotes or commas in double quotes and double any quote inside"))
        return []


def _check_provenance(row: Row, seeds: Seeds, problems: list[Problem]) -> None:
    doc, quote = row["doc"], row["quote"]
    if not doc:
        problems.append(Problem(row.file, row.line, "no doc", "every fact cites its source document", "put the document id in the doc column"))
    elif doc not in seeds.documents and "documents.csv" not in seeds.unread and doc not in seeds.broken_docs:
        problems.append(Problem(row.file, row.line, f"unknown document {doc!r}", "doc must be an id in documents.csv", "use one of: " + ", ".join(sorted(seeds.documents))))
    if not quote:
        problems.append(Problem(row.file, row.line, "no quote", "every fact carries a verbatim quote", "copy the sentence that states it from the document"))
    elif len(quote) > MAX_QUOTE:
        problems.append(Problem(row.file, row.line, f"quote is {len(quote)} characters", f"quotes are at most {MAX_QUOTE} characters", "shorten it to the clause that states the fact"))


def read_seeds(path: str | Path) -> tuple[Seeds, list[Problem]]:
    """Parse a seed directory; return the seeds and every problem found.

    Rows with problems are left out of the returned ``Seeds``, so the caller decides
    whether to go on (``validate`` reports) or stop (``load_seeds`` raises).
    """
    path = Path(path)
    problems: list[Problem] = []
    seeds = Seeds(path)
    if path.is_symlink() and not path.exists():
        problem = Problem("", 0, f"{path} is a symbolic link that leads nowhere (or to itself)", "the seed folder is a folder", "give --seeds the folder itself")
        seeds.unread = set(SEED_FILES)
        return seeds, [problem]
    # Ids of entity rows that were reported already: references to them are not reported
    # again as dangling, so one mistake gives one message.
    broken: set[str] = set()
    broken_docs: set[str] = set()
    raw = {
        name: _read_csv(path / name, name, problems, {"entities.csv": broken, "documents.csv": broken_docs}.get(name, set()), seeds.warnings)
        for name in SEED_FILES
    }
    # A file that could not be read at all is reported once: what refers to it is not
    # checked against it, so one missing file does not give a thousand messages.
    seeds.unread = {name for name, rows in raw.items() if rows is None}
    raw = {name: rows or [] for name, rows in raw.items()}

    def dangling(ent: str) -> bool:
        return "entities.csv" not in seeds.unread and ent not in seeds.entities and ent not in broken

    for row in raw["documents.csv"]:
        if row["id"] in seeds.documents:
            problems.append(Problem(row.file, row.line, f"duplicate document id {row['id']!r}", "ids are unique", f"remove one of the rows (first at line {seeds.documents[row['id']].line})"))
        elif parse_year(row["year"]) is None:
            problems.append(Problem(row.file, row.line, f"year {row['year']!r} is not a year", f"a year is four digits between {MIN_YEAR} and {MAX_YEAR}", "write the publication year"))
            broken_docs.add(row["id"])  # reported here, so not again on every row that cites it
        else:
            seeds.documents[row["id"]] = row
    seeds.broken_docs = broken_docs

    names: dict[str, tuple[str, Row]] = {}
    for row in raw["entities.csv"]:
        eid, kind, subtype = row["id"], row["kind"], row["subtype"]
        bad = len(problems)
        if not SLUG_RE.match(eid):
            problems.append(Problem(row.file, row.line, f"id {eid!r} is not a slug", "ids are lowercase ASCII words joined by '-'", "e.g. 'danish-food-cluster' (æ→ae, ø→oe, å→aa)"))
        elif eid in seeds.entities:
            problems.append(Problem(row.file, row.line, f"duplicate id {eid!r}", "ids are unique", f"merge this row into line {seeds.entities[eid].line} and keep the other name as an alias"))
        if kind not in KINDS:
            problems.append(Problem(row.file, row.line, f"unknown kind {kind!r}", "kind is one of the model's kinds", "use one of: " + ", ".join(KINDS)))
        elif KINDS[kind].subtypes and subtype not in KINDS[kind].subtypes:
            problems.append(Problem(row.file, row.line, f"subtype {subtype!r} is not a subtype of {kind}", f"{kind} needs a subtype", "use one of: " + ", ".join(KINDS[kind].subtypes)))
        elif not KINDS[kind].subtypes and subtype:
            problems.append(Problem(row.file, row.line, f"{kind} has no subtypes but got {subtype!r}", "only kinds with subtypes take one", "leave subtype empty"))
        if not row["name"]:
            problems.append(Problem(row.file, row.line, "no name", "every entity has a name", "write the name the documents use"))
        _check_provenance(row, seeds, problems)
        if len(problems) == bad:
            seeds.entities[eid] = row
        elif eid not in seeds.entities:
            broken.add(eid)
        # A shared alias is reported but keeps the entity, so it does not cascade.
        for n in [row["name"], *filter(None, (a.strip() for a in row["aliases"].split("|")))]:
            key = n.casefold()
            if key in names and names[key][0] != eid:
                other = names[key]
                problems.append(Problem(row.file, row.line, f"name or alias {n!r} is also used by {other[0]!r} (line {other[1].line})", "a name or alias belongs to one entity", "if they are the same entity merge the rows, else remove the alias from one"))
            else:
                names[key] = (eid, row)

    for row in raw["attributes.csv"]:
        bad = len(problems)
        ent, attr, value = row["entity"], row["attribute"], row["value"]
        if dangling(ent):
            problems.append(Problem(row.file, row.line, f"unknown entity {ent!r}", "attributes refer to an id in entities.csv", "fix the id or add the entity"))
        if attr not in ATTRIBUTES:
            problems.append(Problem(row.file, row.line, f"unknown attribute {attr!r}", "attribute is one of the model's attributes", "use one of: " + ", ".join(ATTRIBUTES)))
        elif (msg := check_value(ATTRIBUTES[attr].type, value)) is not None:
            t = ATTRIBUTES[attr].type
            problems.append(Problem(row.file, row.line, f"{attr} value {value!r} {msg}", f"{attr} must be {VALUE_RULE[t]}", VALUE_FIX[t]))
        _check_provenance(row, seeds, problems)
        if len(problems) == bad and ent in seeds.entities:
            seeds.attributes.append(row)
    check_lifespans(seeds, problems)

    seen: dict[tuple, Row] = {}
    for row in raw["relations.csv"]:
        bad = len(problems)
        start, rtype, end = row["start"], row["type"], row["end"]
        for side, ent in (("start", start), ("end", end)):
            if dangling(ent):
                problems.append(Problem(row.file, row.line, f"{side} {ent!r} is not an entity", "relations join ids in entities.csv (no dangling references)", "fix the id or add the entity"))
        if rtype not in REL_TYPES:
            problems.append(Problem(row.file, row.line, f"unknown relationship type {rtype!r}", "type is one of the model's relationship types", "use one of: " + ", ".join(REL_TYPES)))
        elif end in seeds.entities and REL_TYPES[rtype].end_kinds and seeds.entities[end]["kind"] not in REL_TYPES[rtype].end_kinds:
            problems.append(Problem(row.file, row.line, f"{rtype} cannot end at {end!r} (a {seeds.entities[end]['kind']})", f"{rtype} ends at a {' or '.join(REL_TYPES[rtype].end_kinds)}", "fix the end or pick another type"))
        if start == end:
            problems.append(Problem(row.file, row.line, f"{start!r} {rtype} itself", "no self-relations", "fix start or end"))
        if row["year"] and parse_year(row["year"]) is None:
            problems.append(Problem(row.file, row.line, f"year {row['year']!r} is impossible", f"a year is four digits between {MIN_YEAR} and {MAX_YEAR}", "write the year the fact refers to, or leave it empty"))
        _check_provenance(row, seeds, problems)
        key = (start, rtype, end, row["doc"], row["quote"])
        if key in seen:
            problems.append(Problem(row.file, row.line, "duplicate relation", "each fact once", f"remove it (first at line {seen[key].line})"))
        seen.setdefault(key, row)
        if len(problems) == bad and start in seeds.entities and end in seeds.entities:
            seeds.relations.append(row)

    check_successions(seeds, problems)

    rec_ids: dict[str, Row] = {}
    for row in raw["recommendations.csv"]:
        bad = len(problems)
        if not SLUG_RE.match(row["id"]):
            problems.append(Problem(row.file, row.line, f"id {row['id']!r} is not a slug", "ids are lowercase ASCII words joined by '-'", "e.g. 'food-national-cluster-2017'"))
        elif row["id"] in rec_ids:
            problems.append(Problem(row.file, row.line, f"duplicate id {row['id']!r}", "ids are unique", f"rename it (first at line {rec_ids[row['id']].line})"))
        if row["action"] not in RECOMMENDATION_ACTIONS:
            problems.append(Problem(row.file, row.line, f"unknown action {row['action']!r}", "action is one of the model's actions", "use one of: " + ", ".join(RECOMMENDATION_ACTIONS)))
        if row["status"] not in RECOMMENDATION_STATUSES:
            problems.append(Problem(row.file, row.line, f"unknown status {row['status']!r}", "status is one of the model's statuses", "use one of: " + ", ".join(RECOMMENDATION_STATUSES)))
        members = [m for m in row["members"].split("|") if m]
        least = 1 if row["action"] == "hub_model" else 2
        if len(members) < least:
            problems.append(Problem(row.file, row.line, f"{len(members)} member(s)", f"a {row['action']} recommendation names at least {least}", "list the member ids separated by '|'"))
        for col, ids in (("members", members), ("anchor", [row["anchor"]] if row["anchor"] else []), ("hubs", [h for h in row["hubs"].split("|") if h])):
            for ent in ids:
                if dangling(ent):
                    problems.append(Problem(row.file, row.line, f"{col} {ent!r} is not an entity", "recommendations refer to ids in entities.csv", "fix the id or add the entity"))
        if row["year"] and parse_year(row["year"]) is None:
            problems.append(Problem(row.file, row.line, f"year {row['year']!r} is impossible", f"a year is four digits between {MIN_YEAR} and {MAX_YEAR}", "write the year or leave it empty"))
        _check_provenance(row, seeds, problems)
        rec_ids.setdefault(row["id"], row)
        if len(problems) == bad:
            seeds.recommendations.append(row)
    # The analyses are compared with the recommendations and must never be fed by them, so
    # no fact may rest on the sentence that states a recommendation.
    rec_quotes = [(r["doc"], normalise_text(r["quote"]), r["id"]) for r in seeds.recommendations]
    for row in list(seeds.relations) + list(seeds.attributes):
        q = normalise_text(row["quote"])
        hit = next((rid for doc, rq, rid in rec_quotes if doc == row["doc"] and len(q) >= 40 and (q in rq or rq in q)), None)
        if hit:
            problems.append(Problem(row.file, row.line, f"the quote is the sentence of recommendation {hit!r}", "facts are kept apart from the documents' recommendations", "cite a sentence that states the fact itself, or drop the row"))
    for name, target in (("requirements.csv", seeds.requirements), ("criteria.csv", seeds.criteria), ("targets.csv", seeds.targets)):
        ids: dict[str, Row] = {}
        for row in raw[name]:
            bad = len(problems)
            if name == "targets.csv":
                _check_target(row, problems)
            if not SLUG_RE.match(row["id"]):
                problems.append(Problem(row.file, row.line, f"id {row['id']!r} is not a slug", "ids are lowercase ASCII words joined by '-'", "e.g. 'board-companies-and-knowledge-institutions'"))
            elif row["id"] in ids:
                problems.append(Problem(row.file, row.line, f"duplicate id {row['id']!r}", "ids are unique", f"rename it (first at line {ids[row['id']].line})"))
            _check_provenance(row, seeds, problems)
            ids.setdefault(row["id"], row)
            if len(problems) == bad:
                target.append(row)
    return seeds, sorted(problems, key=lambda p: (list(SEED_FILES).index(p.file) if p.file in SEED_FILES else 99, p.line))


def _check_target(row: Row, problems: list[Problem]) -> None:
    """A target names a known metric, a whole non-negative threshold (or none: a target
    without a number) and the year it is set for."""
    if row["metric"] not in TARGET_METRICS:
        problems.append(Problem(row.file, row.line, f"unknown metric {row['metric']!r}", "metric is one the analysis can compute or report on", "use one of: " + ", ".join(TARGET_METRICS)))
    if row["threshold"] and not (row["threshold"].isascii() and row["threshold"].isdigit()):
        problems.append(Problem(row.file, row.line, f"threshold {row['threshold']!r} is not a whole number", "a threshold is a count (digits only) or empty", "write it as digits, e.g. 10000, or leave it empty"))
    if parse_year(row["year"]) is None:
        problems.append(Problem(row.file, row.line, f"year {row['year']!r} is impossible", f"a target's year is four digits between {MIN_YEAR} and {MAX_YEAR}", "write the year the target is set for"))


def load_seeds(path: str | Path | None = None) -> Seeds:
    """Parse a seed directory and raise ``SeedError`` listing every problem, if any."""
    seeds, problems = read_seeds(path or default_seeds_dir())
    if problems:
        raise SeedError(problems)
    return seeds


_HYPHEN_BREAK = re.compile(r"-[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")


def normalise_text(text: str, *, join_hyphens: bool = True) -> str:
    """Collapse whitespace and, optionally, join words hyphenated across line breaks.

    >>> normalise_text("regio-\\nnalt  og\\n national")
    'regionalt og national'
    >>> normalise_text("regio-\\nnalt", join_hyphens=False)
    'regio- nalt'
    """
    if join_hyphens:
        text = _HYPHEN_BREAK.sub("", text)
    return _SPACE.sub(" ", text).strip()


def verify_quotes(seeds: Seeds, sources: str | Path) -> tuple[int, list[Problem]]:
    """Check that every quote occurs in its document; return (verified count, problems).

    Both the document and the quote are normalised: whitespace collapsed; a word broken
    across a line break may be written joined ("regionalt") or as the document has it
    when the hyphen is a real one ("Sundheds- og").
    """
    sources = Path(sources)
    rows = list(seeds.quoted_rows())
    citing = Counter(r["doc"] for r in rows)
    texts: dict[str, tuple[str, str] | None] = {}
    problems: list[Problem] = []
    verified = 0
    for row in rows:
        doc = row["doc"]
        if doc not in texts:
            texts[doc] = _read_source(sources, doc, row, citing[doc], problems)
        if texts[doc] is None:
            continue  # reported once for the document; its quotes count as unverified
        joined, plain = texts[doc]
        q = normalise_text(row["quote"])
        if q in joined or q in plain:
            verified += 1
        else:
            problems.append(Problem(row.file, row.line, f"quote not found in {doc}: {row['quote'][:60]!r}", "quotes are verbatim", "copy the words exactly as the document has them"))
    return verified, problems


def _read_source(sources: Path, doc: str, row: Row, n: int, problems: list[Problem]) -> tuple[str, str] | None:
    """Read and normalise one source document, or report why its ``n`` quotes cannot be checked."""
    path = sources / f"{doc}.txt"
    rule = "quotes are checked against the cited document"
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(row.file, row.line, f"document {doc}.txt not found in {sources} ({n} quotes cite it)", rule, "pass --sources pointing at the folder with the documents"))
        return None
    except UnicodeDecodeError as err:
        problems.append(Problem(row.file, row.line, f"{path} is not UTF-8 (byte 0x{err.object[err.start]:02x} at offset {err.start}); {n} quotes cite it", rule, "convert the document to UTF-8 text"))
        return None
    except OSError as err:
        problems.append(Problem(row.file, row.line, f"cannot read {path}: {err.strerror} ({n} quotes cite it)", rule, "check the file's permissions"))
        return None
    if not raw.strip():
        problems.append(Problem(row.file, row.line, f"{path} is empty ({n} quotes cite it)", rule, "restore the document's text"))
        return None
    return normalise_text(raw), normalise_text(raw, join_hyphens=False)
