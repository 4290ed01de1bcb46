"""Import real data into the graph: Horizon 2020, Danish structural funds, membership lists.

Three importers read a file into a :class:`Dataset` (nodes and edges in the model's
kinds and relationship types), :func:`ecosystem.importstore.save_import` links its organisations to the seed
entities (:mod:`ecosystem.resolve`) and keeps it in a local store, and
:func:`ecosystem.importstore.add_imports` merges every stored import into a graph built from the seeds.

Files read
----------
CORDIS H2020 (:func:`import_cordis`)
    ``h2020_participations.csv[.gz]``: ``rcn, role, pic, type, contribution, country,
    start_date`` (``end_date``, ``total_cost`` optional; ``NA`` means missing); optional
    ``h2020_programme_parts.csv[.gz]`` (``rcn, programme_part``) beside it, and the CORDIS
    organisations file (``organisationID, name, activityType, country``; ``vatNumber``,
    ``shortName``, ``SME``, ``city``, ``postCode``, ``geolocation`` optional) for names,
    CVR numbers (``vatNumber`` ``DK`` + 8 digits) and coordinates.
Danish structural funds (:func:`import_structural_funds`)
    The Danish Business Authority's list of operations, 2007-13 (``ordning, cvr, navn,
    parter, ...``; amounts with a decimal comma, apparently thousands of DKK) or 2014-20
    (bilingual headers, ``Fond / Fund``, UTM32 coordinates, amounts in DKK); the format
    is told from the header.
Membership lists (:func:`import_members`)
    An analyst's CSV with the header ``cluster,member,cvr,municipality``: ``cluster`` is
    a seed entity's id, name or alias; ``member`` the member's name; ``cvr`` (8 digits,
    optional, ``DK`` prefix allowed) and ``municipality`` (a name or 4-digit KOMKODE,
    optional) may be left empty or left out. For example::

        cluster,member,cvr,municipality
        Danish Food Cluster,Arla Foods amba,25313763,Aarhus
        danish-food-cluster,Nordic Seed A/S,,Skanderborg

What lands in the graph
-----------------------
Projects are ``project`` nodes ``FUNDED_BY`` their programme (an H2020 programme part
``PART_OF`` Horizon 2020, or a fund x region pool such as *ERDF Nordjylland 2007-2013*
``PART_OF`` Regionalfonden/Socialfonden, which ``SERVES`` its region). Organisations
are ``company``, ``knowledge_institution``, ``public_authority`` (CORDIS type, else the
name: :func:`classify_organisation`) ``PARTICIPATES_IN`` projects with ``role`` and
``amount`` (``amount_unit`` says EUR or DKK), ``LOCATED_IN`` their municipality, which
is ``LOCATED_IN`` its region (with its NUTS-2 code). Members are ``MEMBER_OF`` clusters.

Every imported node and edge carries its provenance: ``dataset`` (the import's name),
``file`` and ``row`` (the line of the file where the record starts), ``imported=True``;
``doc`` is the dataset name and ``quote`` is empty, so code that shows ``doc``/``quote``
keeps working. Columns that hold personal data (contact persons, e-mail, phone) are
dropped when the file is read, whatever the importer (:data:`PERSONAL_COLUMNS`).

Every problem in a file raises :class:`~ecosystem.errors.ImportFailed` naming the file,
line and column; nothing is stored then.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gc
import hashlib
import io
import re
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import networkx as nx

from . import geo
from .errors import EcosystemError, ImportFailed
from .model import ORGANISATION_KINDS, slugify
from .resolve import normalise_name

__all__ = [
    "Dataset",
    "UnknownImport",
    "PERSONAL_COLUMNS",
    "MEMBER_COLUMNS",
    "import_cordis",
    "import_structural_funds",
    "import_members",
    "classify_organisation",
]

PERSONAL_COLUMNS = re.compile(
    r"kontakt|contact|e-?mail|phone|telefon|\btlf|mobil|\bfax\b|person|fornavn|efternavn|first.?name|last.?name|surname", re.IGNORECASE
)
"""Columns whose name matches this are never read: they hold personal data."""

MEMBER_COLUMNS = ("cluster", "member", "cvr", "municipality")
_FORMAT = 1
_EDGE_FIELDS = ("start", "type", "end", "role", "year", "amount", "amount_unit", "file", "row", "method")


class UnknownImport(EcosystemError, KeyError):
    """No stored import has this name."""

    def __str__(self):
        return self.args[0]


# -- the in-memory dataset -------------------------------------------------------------------


@dataclass
class Dataset:
    """One import in memory: nodes and edges in the model's kinds and types, with provenance.

    ``nodes`` maps an id to its attributes (``kind``, ``subtype``, ``name``, ``aliases``,
    ``file``, ``row`` and data such as ``cvr``, ``pic``, ``country``); ``edges`` are dicts
    with the keys of ``_EDGE_FIELDS``. Nodes with ``ref=True`` stand for seed entities
    the file names (a member's cluster) and are never created in the graph.
    ``links`` is filled by :func:`save_import`: imported id -> ``{entity, method, score}``.
    """

    name: str
    source: str
    files: list[dict] = field(default_factory=list)
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: list[dict] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    links: dict[str, dict] = field(default_factory=dict)

    def add_node(self, node_id: str, **attrs) -> str:
        """Add a node, or fill in the attributes an earlier row left empty; return its id."""
        d = self.nodes.get(node_id)
        if d is None:
            self.nodes[node_id] = attrs
        else:
            for k, v in attrs.items():
                if d.get(k) in (None, "", []) and v not in (None, "", []):
                    d[k] = v
        return node_id

    def add_edge(self, start: str, type: str, end: str, *, file: str, row: int | None, role: str = "", **attrs) -> None:
        """Add one fact with its provenance (file and row)."""
        self.edges.append({"start": start, "type": type, "end": end, "role": role, "file": file, "row": row, **attrs})

    def organisations(self, *, places: bool = True) -> dict[str, dict]:
        """Return the nodes entity resolution links: organisations and, unless ``places=False``,
        the municipalities the import located them in (``kommune-KOMKODE``)."""
        return {
            n: d
            for n, d in self.nodes.items()
            if d.get("kind") in ORGANISATION_KINDS and not d.get("ref") and (places or not n.startswith("kommune-"))
        }


# -- reading files ---------------------------------------------------------------------------


@contextmanager
def _bulk():
    """Pause the cyclic garbage collector while building hundreds of thousands of dicts.

    None of them form cycles, yet each full collection walks them all again; on the
    whole H2020 file that tripled the time of an import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fail(file, line: int | None, column: int | None, what: str, rule: str, fix: str) -> ImportFailed:
    where = str(file) + (f":{line}" if line else "") + (f":{column}" if line and column else "")
    err = ImportFailed(f"{where}: {what} ({rule}; {fix})")
    err.file, err.line, err.column = str(file), line, column
    return err


@dataclass
class _Table:
    """A CSV file read and checked: header, column positions, rows with their lines."""

    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]
    sha256: str
    dropped: list[str]
    col: dict[str, int] = field(default_factory=dict)

    def require(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        """Check the header has every required column; remember where each column is."""
        present = {h: i for i, h in enumerate(self.header)}
        for name in required:
            if name not in present:
                close = difflib.get_close_matches(name, list(present), n=1, cutoff=0.6)
                column = present[close[0]] + 1 if close else len(self.header) + 1
                hint = f"rename column {close[0]!r} to {name!r}" if close else f"add the column {name!r}"
                raise _fail(self.path, 1, column, f"column {name!r} is missing", "the header names " + ", ".join(required), hint)
            self.col[name] = present[name]
        for name in optional:
            if name in present:
                self.col[name] = present[name]

    def get(self, values: list[str], name: str) -> str:
        i = self.col.get(name)
        return values[i].strip() if i is not None else ""

    def bad(self, line: int, name: str, value: str, problem: str, rule: str, fix: str) -> ImportFailed:
        """The error for a bad value: ``file:line:column: name 'value' problem (rule; fix)``."""
        return _fail(self.path, line, self.col[name] + 1, f"{name} {value!r} {problem}", rule, fix)


_CHUNK = 1 << 20


def _gunzip(path: Path, raw: bytes) -> bytes:
    """Decompress gzip data, saying on which line it breaks off if it is damaged."""
    out = bytearray()
    rest = raw
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            for i in range(0, len(rest), _CHUNK):
                out += d.decompress(rest[i : i + _CHUNK])
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
        raise _fail(
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


def _read_table(path, encoding: str = "utf-8-sig") -> _Table:
    """Read a CSV (plain or gzip), dropping personal-data columns; raise ImportFailed on any flaw."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, None, None, "file not found", "the file must exist", "check the path") from None
    except IsADirectoryError:
        raise _fail(path, None, None, "is a folder", "pass a CSV file", "name the file inside the folder") from None
    sha = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(path, raw)
    elif path.suffix == ".gz":
        raise _fail(path, 1, 1, "is not gzip data", "a .gz file is gzip-compressed", "compress it with gzip, or drop the .gz from its name")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, err.start) + 1 : err.start].decode(encoding, errors="replace")) + 1
        label = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8", "utf8") else encoding
        raise _fail(
            path,
            line,
            column,
            f"byte 0x{raw[err.start]:02x} is not valid {label}",
            f"the file must be {label}",
            "re-save it as UTF-8, or give its encoding (e.g. --encoding latin-1)",
        ) from None
    except LookupError:
        raise _fail(path, None, None, f"unknown encoding {encoding!r}", "a Python codec name", "e.g. utf-8, latin-1, cp1252") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise _fail(path, 1, 1, "no header", "the first line names the columns", "add the header line")
        header = [h.strip() for h in header]
        if len(header) == 1:
            for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
                if sep in header[0]:
                    raise _fail(
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
                raise _fail(
                    path, 1, i + 1, f"column {h!r} appears twice (also column {seen[h] + 1})", "column names are unique", "rename or remove one"
                )
            seen[h] = i
        keep = [i for i, h in enumerate(header) if not PERSONAL_COLUMNS.search(h)]
        dropped = [h for i, h in enumerate(header) if i not in keep]
        rows: list[tuple[int, list[str]]] = []
        first: dict[tuple, int] = {}
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not "".join(values).strip():
                continue
            if len(values) != len(header):
                column = min(len(values), len(header)) + 1
                hint = "the file may be cut off" if len(values) < len(header) else "a field may contain an unquoted comma"
                raise _fail(
                    path,
                    line,
                    column,
                    f"{len(values)} fields, the header has {len(header)}",
                    "every row has the header's columns",
                    f"{hint}; check the row (quote fields holding commas)",
                )
            values = [values[i] for i in keep] if dropped else values
            key = tuple(values)
            if key in first:
                raise _fail(path, line, 1, f"row repeats line {first[key]}", "each row once", "remove the duplicate row")
            first[key] = line
            rows.append((line, values))
    except csv.Error as err:
        raise _fail(
            path,
            reader.line_num,
            None,
            f"CSV syntax error: {err}",
            "standard CSV quoting",
            "the file may be cut off inside a quoted field; close the quote or copy the file again",
        ) from None
    header = [header[i] for i in keep]
    return _Table(path, header, rows, sha, dropped)


def _file_entry(t: _Table, fmt: str) -> dict:
    return {"file": t.path.name, "path": str(t.path.resolve()), "sha256": t.sha256, "rows": len(t.rows), "format": fmt}


_EMAIL = re.compile(r"\S+@\S+\.\w+")
_PHONE = re.compile(r"(?:\+45[\s-]?)?\b(?:\d{2}[\s-]){3}\d{2}\b|\b(?:tlf|tel|phone)\.?:?\s*[\d\s+-]{8,}", re.IGNORECASE)


def _scrub(text: str) -> str:
    """Remove e-mail addresses and phone numbers from a name or title."""
    return " ".join(_PHONE.sub(" ", _EMAIL.sub(" ", text)).split())


_NUMBERS = {
    "plain": (re.compile(r"-?\d+(?:\.\d+)?"), "1234.5"),
    "comma": (re.compile(r"-?\d+(?:,\d+)?"), "1234,5"),
    "dots": (re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"), "1.234.567"),
}
_MISSING = ("", "NA")


def _number(t: _Table, line: int, values, name: str, *, style: str = "plain") -> float | None:
    """Parse a number: ``plain`` 1234.5, ``comma`` 1234,5, ``dots`` 1.234.567; NA or empty is None."""
    raw = t.get(values, name)
    if raw in _MISSING:
        return None
    pattern, example = _NUMBERS[style]
    if not pattern.fullmatch(raw):
        raise t.bad(line, name, raw, "is not a number", f"{name} is a number like {example}, or NA when missing", "fix the value")
    if style == "dots":
        raw = raw.replace(".", "")
    return float(raw.replace(",", "."))


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DANISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@functools.lru_cache(maxsize=8192)
def _parse_date(raw: str) -> str | None:
    """ISO date of 2019-05-01 or 01.05.2019; None for NA or empty; ValueError otherwise."""
    if raw in _MISSING:
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


def _date(t: _Table, line: int, values, name: str) -> str | None:
    """Parse 2019-05-01 or 01.05.2019 into ISO; NA or empty is None."""
    raw = t.get(values, name)
    try:
        return _parse_date(raw)
    except ValueError as err:
        raise t.bad(line, name, raw, str(err), f"{name} is a date: YYYY-MM-DD or DD.MM.YYYY, or NA", "fix the date") from None


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def _cvr(t: _Table, line: int, values, name: str, *, required: bool = False) -> str | None:
    raw = t.get(values, name)
    digits = re.sub(r"[\s-]", "", raw).removeprefix("DK")
    if not raw and not required:
        return None
    if not re.fullmatch(r"\d{8}", digits):
        raise t.bad(
            line, name, raw, "is not a CVR number", "a CVR number has 8 digits (a DK prefix and spaces are allowed)", "fix it or leave the cell empty"
        )
    return digits


# -- kinds and places ------------------------------------------------------------------------

_LEGAL_FORM = re.compile(r"\b(a/s|aps|i/s|p/s|k/s|ivs|a\.?m\.?b\.?a|as|ab|gmbh|ltd|limited|inc|plc|sa|srl|bv|oy)\.?$", re.IGNORECASE)
_KIND_RULES = [
    (re.compile(p), k, s)
    for p, k, s in [
        (r"hospital|sygehus", "public_authority", "other"),
        (r"\bkommune\b|regionskommune", "public_authority", "municipality"),
        (r"ministeri", "public_authority", "ministry"),
        (r"styrelse|agency|direktorat|\bagentur", "public_authority", "agency"),
        (r"^region |\bjobcenter|statsforvaltning|politi\b|\bforsvar", "public_authority", "other"),
        (
            r"professionshojskole|university college|erhvervsakademi|akademi\b|handelsskole|skole\b|skolen\b|gymnasi|\bvuc\b|\beuc\b|\bamu\b|uddannelse|college|seminari|hojskole",
            "knowledge_institution",
            "education_institution",
        ),
        (r"universitet|universit", "knowledge_institution", "university"),
        (
            r"teknologisk institut|force technology|\bdhi\b|alexandra institut|\bdelta\b|agrotech|bioneer|\bgts\b",
            "knowledge_institution",
            "gts_institute",
        ),
        (r"forskerpark|science park|videnpark|innovation park|sciencepark", "knowledge_institution", "science_park"),
        (r"forening|forbund|\bfagforening|\blo\b|\b3f\b|brancheorganisation|arbejdsgiver|handelskammer", "trade_association", ""),
        (
            r"vaeksthus|erhvervsrad|erhvervscenter|turist|\bvisit\b|invest in|erhvervsservice|erhvervsudvikling|klynge|cluster|netvaerk|network",
            "support_organisation",
            "",
        ),
        (r"videncenter|center for|centre for|\binstitut|laboratori|research|forskning", "knowledge_institution", "research_centre"),
    ]
]
_CORDIS_KINDS = {"PRC": ("company", ""), "PUB": ("public_authority", "other"), "REC": ("knowledge_institution", "research_centre")}


def classify_organisation(name: str, cordis_type: str | None = None) -> tuple[str, str, str]:
    """Return ``(kind, subtype, source)`` for an imported organisation.

    The CORDIS activity type decides where it says something (HES higher education,
    PRC private company, REC research organisation, PUB public body); PUB and HES are
    refined by the name, and OTH (other) or no type is told from the name alone.
    Without any clue the kind is ``company``. ``source`` says which: ``cordis_type``,
    ``name`` or ``default``.

    >>> classify_organisation("AARHUS UNIVERSITET", "HES")
    ('knowledge_institution', 'university', 'cordis_type')
    >>> classify_organisation("Odense Kommune")
    ('public_authority', 'municipality', 'name')
    >>> classify_organisation("Erhvervsakademi Aarhus", "HES")
    ('knowledge_institution', 'education_institution', 'cordis_type')
    >>> classify_organisation("Nordic Seed A/S"), classify_organisation("Incita")
    (('company', '', 'name'), ('company', '', 'default'))
    """
    norm = normalise_name(name) if name else ""
    by_name = next(((k, s) for pattern, k, s in _KIND_RULES if pattern.search(norm)), None) if norm else None
    if by_name is None and norm and _LEGAL_FORM.search(name.strip()):
        by_name = ("company", "")
    t = (cordis_type or "").upper()
    if t == "HES":
        sub = by_name[1] if by_name and by_name[0] == "knowledge_institution" else "university"
        return "knowledge_institution", sub, "cordis_type"
    if t == "PUB":
        sub = by_name[1] if by_name and by_name[0] == "public_authority" else "other"
        return "public_authority", sub, "cordis_type"
    if t in _CORDIS_KINDS:
        return (*_CORDIS_KINDS[t], "cordis_type")
    if by_name:
        return (*by_name, "name")
    return "company", "", "default"


def _add_region(ds: Dataset, r: geo.Region) -> str:
    return ds.add_node(
        r.id, kind="region", subtype="region", name=r.name, aliases=[], nuts=r.nuts, regionkode=r.code, file="regioner.topojson", row=None
    )


def _add_municipality(ds: Dataset, m: geo.Municipality) -> str:
    if m.id not in ds.nodes:
        ds.add_node(
            m.id,
            kind="public_authority",
            subtype="municipality",
            name=m.name,
            aliases=[m.short_name],
            komkode=m.code,
            lat=m.lat,
            lon=m.lon,
            file="kommuner_centroids.csv",
            row=None,
        )
        if m.region in geo.REGIONS:
            ds.add_edge(m.id, "LOCATED_IN", _add_region(ds, geo.REGIONS[m.region]), file="kommuner.topojson", row=None, method="centroid")
    return m.id


def _place(ds: Dataset, org: str, *, file: str, row: int, lat=None, lon=None, town: str = "", postcode: str = "") -> None:
    """Locate an organisation: coordinates, else its town, else its postcode's region."""
    m, method = None, None
    if lat is not None and lon is not None:
        m, method = geo.municipality_at(lat, lon), "coordinates"
    if m is None and town:
        m, method = geo.municipality_by_name(town), "town"
    if m is not None:
        ds.add_edge(org, "LOCATED_IN", _add_municipality(ds, m), file=file, row=row, method=method)
        return
    r = geo.region_by_postcode(postcode) if postcode else None
    if r is not None:
        ds.add_edge(org, "LOCATED_IN", _add_region(ds, r), file=file, row=row, method="postcode")


def _org_id(name: str, cvr: str | None = None) -> str:
    return f"cvr-{cvr}" if cvr else "org-" + (slugify(normalise_name(name)) or hashlib.sha1(name.encode()).hexdigest()[:10])


def _org(ds: Dataset, name: str, *, file: str, row: int, cvr: str | None = None, cordis_type: str | None = None, **attrs) -> str:
    name = _scrub(name)
    kind, subtype, source = classify_organisation(name, cordis_type)
    node = ds.add_node(
        _org_id(name, cvr), kind=kind, subtype=subtype, name=name, aliases=[], kind_source=source, cvr=cvr, file=file, row=row, **attrs
    )
    return node


# -- CORDIS ----------------------------------------------------------------------------------

CORDIS_ROLES = {"coordinator", "participant", "partner", "thirdparty", "internationalpartner", "beneficiary"}
CORDIS_TYPES = {"HES", "PRC", "REC", "PUB", "OTH"}
H2020_PARTS = {
    "ERC": "European Research Council",
    "MSCA": "Marie Skłodowska-Curie Actions",
    "FET": "Future and Emerging Technologies",
    "RI": "Research Infrastructures",
    "LEIT": "Leadership in Enabling and Industrial Technologies",
    "Innovation in SMEs": "Innovation in SMEs",
    "SC1": "Health, demographic change and wellbeing",
    "SC2": "Food security, sustainable agriculture, marine research and the bioeconomy",
    "SC3": "Secure, clean and efficient energy",
    "SC4": "Smart, green and integrated transport",
    "SC5": "Climate action, environment, resource efficiency and raw materials",
    "SC6": "Europe in a changing world",
    "SC7": "Secure societies",
    "SEWP": "Spreading excellence and widening participation",
    "SWAFS": "Science with and for society",
    "Euratom": "Euratom",
}


def import_cordis(path, organisations_path=None, *, programmes_path=None, name: str = "cordis-h2020", encoding: str = "utf-8-sig") -> Dataset:
    """Read CORDIS Horizon 2020 participations into a dataset.

    Parameters
    ----------
    path : path
        The participations file (``rcn, role, pic, type, contribution, country,
        start_date``; gzip allowed).
    organisations_path : path, optional
        The CORDIS organisations file: names, CVR numbers, towns and coordinates of
        organisations by PIC (``organisationID``).
    programmes_path : path, optional
        ``rcn, programme_part``; by default ``h2020_programme_parts.csv[.gz]`` beside
        `path` when it is there. Projects without a part are funded by Horizon 2020 itself.
    name : str
        The import's name, used as provenance (``dataset``).

    Returns
    -------
    Dataset
        One ``pic-PIC`` organisation per PIC (``cvr-CVR`` when the organisations file
        gives a Danish VAT number, so PICs of one CVR become one organisation), one
        ``h2020-RCN`` project per rcn, the programme parts.

    Raises
    ------
    ImportFailed
        On any flaw in any of the files (file:line:column in the message).
    """
    with _bulk():
        return _cordis(path, organisations_path, programmes_path, name, encoding)


def _cordis(path, organisations_path, programmes_path, name: str, encoding: str) -> Dataset:
    t = _read_table(path, encoding)
    if "organisationID" in t.header and "pic" not in t.header:
        raise _fail(t.path, 1, None, "this is a CORDIS organisations file, not a participations file", "the first argument is the participations file",
                    f"ecosystem import cordis PARTICIPATIONS.csv.gz --organisations {t.path.name}")
    t.require(("rcn", "role", "pic", "type", "contribution", "country", "start_date"), ("end_date", "total_cost"))
    ds = Dataset(name, "cordis", dropped_columns=list(t.dropped))
    ds.files.append(_file_entry(t, "cordis_participations"))
    file = t.path.name

    orgs: dict[str, dict] = {}
    if organisations_path is not None:
        o = _read_table(organisations_path, encoding)
        o.require(("organisationID", "name", "activityType", "country"), ("vatNumber", "shortName", "SME", "city", "postCode", "geolocation"))
        ds.files.append(_file_entry(o, "cordis_organisations"))
        ds.dropped_columns += o.dropped
        for line, v in o.rows:
            pic = o.get(v, "organisationID")
            if not re.fullmatch(r"\d+", pic):
                raise o.bad(line, "organisationID", pic, "is not a PIC", "a PIC is digits only", "fix the value")
            if pic in orgs:
                continue
            vat = o.get(v, "vatNumber").replace(" ", "").upper()
            cvr = vat[2:] if re.fullmatch(r"DK\d{8}", vat) else None
            lat = lon = None
            if g := o.get(v, "geolocation"):
                m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", g)
                if not m:
                    raise o.bad(
                        line,
                        "geolocation",
                        g,
                        "is not 'lat,lon'",
                        "geolocation is latitude,longitude in degrees",
                        "write it like 55.67,12.57 or leave it empty",
                    )
                lat, lon = float(m.group(1)), float(m.group(2))
            orgs[pic] = {
                "name": _scrub(o.get(v, "name")),
                "short": _scrub(o.get(v, "shortName")),
                "cvr": cvr,
                "vat": vat or None,
                "sme": {"True": True, "False": False}.get(o.get(v, "SME")),
                "town": o.get(v, "city"),
                "postcode": o.get(v, "postCode"),
                "lat": lat,
                "lon": lon,
                "country": o.get(v, "country"),
                "file": o.path.name,
                "row": line,
            }

    parts: dict[str, list[str]] = {}
    if programmes_path is None:
        for suffix in (".csv.gz", ".csv"):
            sibling = t.path.with_name("h2020_programme_parts" + suffix)
            if sibling.exists() and sibling != t.path:
                programmes_path = sibling
                break
    ds.add_node("horizon-2020", kind="programme", subtype="programme", name="Horizon 2020", aliases=["H2020"], file=file, row=None)
    if programmes_path is not None:
        p = _read_table(programmes_path, encoding)
        p.require(("rcn", "programme_part"))
        ds.files.append(_file_entry(p, "cordis_programme_parts"))
        part_ids: dict[str, str] = {}
        for line, v in p.rows:
            rcn, part = p.get(v, "rcn"), p.get(v, "programme_part")
            if not re.fullmatch(r"\d+", rcn):
                raise p.bad(line, "rcn", rcn, "is not a project record number", "rcn is digits only", "fix the value")
            if not part:
                raise p.bad(line, "programme_part", part, "is empty", "every project row names its programme part", "write the part, e.g. SC4")
            pid = part_ids.get(part)
            if pid is None:
                pid = part_ids[part] = ds.add_node(
                    "horizon-2020-" + slugify(part),
                    kind="programme",
                    subtype="programme",
                    name=f"Horizon 2020 {part}",
                    aliases=[],
                    description=H2020_PARTS.get(part),
                    file=p.path.name,
                    row=line,
                )
            if pid not in parts.setdefault(rcn, []):
                parts[rcn].append(pid)
        for pid in sorted({q for qs in parts.values() for q in qs}):
            ds.add_edge(pid, "PART_OF", "horizon-2020", file=p.path.name, row=ds.nodes[pid]["row"])

    seen: dict[tuple[str, str], int] = {}
    node_of_pic: dict[str, str] = {}
    i_rcn, i_role, i_pic, i_type, i_country = (t.col[k] for k in ("rcn", "role", "pic", "type", "country"))
    plain = _NUMBERS["plain"][0]
    # The loop runs once per participation (145,000 in H2020): columns by index, no helpers.
    for line, v in t.rows:
        rcn, pic = v[i_rcn].strip(), v[i_pic].strip()
        if not (rcn.isascii() and rcn.isdigit()):
            raise t.bad(line, "rcn", rcn, "is not a project record number", "rcn is digits only", "fix the value")
        if not (pic.isascii() and pic.isdigit()):
            raise t.bad(line, "pic", pic, "is not a PIC", "a PIC (participant identification code) is digits only", "fix the value")
        if (rcn, pic) in seen:
            raise t.bad(
                line,
                "pic",
                pic,
                f"takes part in project {rcn} twice (first at line {seen[rcn, pic]})",
                "one row per organisation and project",
                "remove the duplicate",
            )
        seen[rcn, pic] = line
        role = v[i_role].strip()
        if role.lower() not in CORDIS_ROLES:
            raise t.bad(
                line,
                "role",
                role,
                "is not a CORDIS role",
                "role is coordinator, participant, partner, thirdParty or internationalPartner",
                "fix the role",
            )
        ctype = v[i_type].strip()
        if ctype not in CORDIS_TYPES and ctype not in _MISSING:
            raise t.bad(line, "type", ctype, "is not a CORDIS activity type", "type is HES, PRC, REC, PUB, OTH or NA", "fix the type")
        raw = v[t.col["contribution"]].strip()
        if raw in _MISSING:
            amount = None
        elif plain.fullmatch(raw):
            amount = float(raw)
        else:
            amount = _number(t, line, v, "contribution")  # raises with the position
        start = _date(t, line, v, "start_date")
        year = int(start[:4]) if start else None
        country = v[i_country].strip()
        country = None if country in _MISSING else country

        org = node_of_pic.get(pic)
        if org is None:
            info = orgs.get(pic)
            if info and info["name"]:
                kind, subtype, source = classify_organisation(info["name"], ctype)
                org = ds.add_node(
                    _org_id(info["name"], info["cvr"]) if info["cvr"] else f"pic-{pic}",
                    kind=kind,
                    subtype=subtype,
                    name=info["name"],
                    aliases=[info["short"]] if info["short"] else [],
                    kind_source=source,
                    cvr=info["cvr"],
                    vat=info["vat"],
                    pic=pic,
                    country=country or info["country"],
                    cordis_type=ctype,
                    sme=info["sme"],
                    town=info["town"],
                    postcode=info["postcode"],
                    lat=info["lat"],
                    lon=info["lon"],
                    named=True,
                    file=info["file"],
                    row=info["row"],
                )
                if ds.nodes[org]["pic"] != pic:
                    ds.nodes[org].setdefault("other_pics", []).append(pic)
                if (country or info["country"]) == "DK":
                    _place(
                        ds, org, file=info["file"], row=info["row"], lat=info["lat"], lon=info["lon"], town=info["town"], postcode=info["postcode"]
                    )
            else:
                kind, subtype, source = classify_organisation("", ctype)
                org = ds.add_node(
                    f"pic-{pic}",
                    kind=kind,
                    subtype=subtype,
                    name=f"PIC {pic}",
                    aliases=[],
                    kind_source=source,
                    pic=pic,
                    country=country,
                    cordis_type=ctype,
                    named=False,
                    file=file,
                    row=line,
                )
            node_of_pic[pic] = org

        project = f"h2020-{rcn}"
        if project not in ds.nodes:
            ds.add_node(
                project,
                kind="project",
                subtype="",
                name=f"H2020 project {rcn}",
                aliases=[],
                rcn=rcn,
                start=start,
                end=_date(t, line, v, "end_date"),
                year=year,
                total_cost=_number(t, line, v, "total_cost"),
                file=file,
                row=line,
            )
            for pid in parts.get(rcn, ["horizon-2020"]):
                ds.add_edge(project, "FUNDED_BY", pid, file=file, row=line, year=year)
        ds.edges.append(
            {
                "start": org,
                "type": "PARTICIPATES_IN",
                "end": project,
                "role": role,
                "file": file,
                "row": line,
                "year": year,
                "amount": amount,
                "amount_unit": "EUR",
            }
        )
    return ds


# -- structural funds ------------------------------------------------------------------------

_SF_2007 = ("projekttitel", "start_dato", "slut_dato", "ordning", "budget", "eu", "region", "cvr", "navn", "postnr", "bynavn", "parter")
_SF_2014 = {
    "title": "Projektitel / Operation name",
    "start": "Startdato / Operation start date",
    "end": "Slutdato / Operation end date",
    "budget": "Budget / Budget",
    "eu": "EU-medfinansiering / Union co-financing",
    "fund": "Fond / Fund",
    "region": "Region / Region",
    "beneficiary": "Kontraktansvarlig partner / Beneficiary name",
    "postcode": "Postnr / Operation postcode",
    "town": "Bynavn / City name",
    "east": "Koordinat east / Coordinates east",
    "north": "Koordinat north / Coordinates north",
    "partners": "Partere / Project partners",
}
_FUNDS = {
    "ERDF": ("regionalfonden", "Regionalfonden", ["ERDF", "Den Europæiske Fond for Regionaludvikling"]),
    "ESF": ("socialfonden", "Socialfonden", ["ESF", "Den Europæiske Socialfond"]),
}
_POOL_AREAS = {
    "N": "Nordjylland",
    "M": "Midtjylland",
    "D": "Syddanmark",
    "S": "Sjælland",
    "H": "Hovedstaden",
    "B": "Bornholm",
    "K": "Konkurrenceudsat pulje",
}


def _pool(ds: Dataset, fund: str, area: str, period: str, *, file: str, row: int, code: str | None = None) -> str:
    """The fund x area pool a project is funded by, part of its fund, serving its area."""
    fid, fname, faliases = _FUNDS[fund]
    pid = f"{fund.lower()}-{slugify(area)}-{period}"
    if pid in ds.nodes:
        return pid
    ds.add_node(
        pid, kind="programme", subtype="fund", name=f"{fund} {area} {period}", aliases=[], fund=fund, period=period, ordning=code, file=file, row=row
    )
    if fid not in ds.nodes:
        ds.add_node(fid, kind="programme", subtype="fund", name=fname, aliases=faliases, file=file, row=None)
        ds.add_node("eu-strukturfondene", kind="programme", subtype="fund", name="EU's strukturfonde", aliases=[], file=file, row=None)
        ds.add_edge(fid, "PART_OF", "eu-strukturfondene", file=file, row=None)
    ds.add_edge(pid, "PART_OF", fid, file=file, row=row)
    region = geo.region_by_name(area)
    if region is not None:
        ds.add_edge(pid, "SERVES", _add_region(ds, region), file=file, row=row)
    elif area == "Bornholm":
        ds.add_edge(pid, "SERVES", _add_municipality(ds, geo.municipalities()["0400"]), file=file, row=row)
    else:
        ds.add_node("danmark", kind="region", subtype="area", name="Danmark", aliases=[], file=file, row=None)
        ds.add_edge(pid, "SERVES", "danmark", file=file, row=row)
    return pid


def _partners(text: str, sep: str) -> list[str]:
    names = []
    for part in re.split(sep, text):
        part = _scrub(part.strip().rstrip(".").strip())
        if part and part not in names:
            names.append(part)
    return names


def _merge_by_name(ds: Dataset) -> None:
    """Fold organisations known only by name into the one with a CVR of the same name.

    A beneficiary (with its CVR) is often listed as a partner elsewhere in the file,
    by name only; both are the same organisation.
    """
    by_name: dict[str, list[str]] = {}
    for n, d in ds.nodes.items():
        if n.startswith("cvr-"):
            by_name.setdefault(normalise_name(d["name"]), []).append(n)
    target = {}
    for n, d in ds.nodes.items():
        same = by_name.get(normalise_name(d["name"]), []) if n.startswith("org-") else []
        if len(same) == 1:
            target[n] = same[0]
    if not target:
        return
    for e in ds.edges:
        e["start"] = target.get(e["start"], e["start"])
    seen, edges = set(), []
    for e in ds.edges:
        key = (e["start"], e["type"], e["end"], e["row"])
        if key not in seen and e["start"] != e["end"]:
            seen.add(key)
            edges.append(e)
    ds.edges = edges
    for n in target:
        del ds.nodes[n]


def import_structural_funds(path, *, name: str | None = None, encoding: str = "utf-8-sig") -> Dataset:
    """Read a Danish ERDF/ESF list of operations (2007-13 or 2014-20, told by the header).

    Parameters
    ----------
    path : path
        ``erdf_esf_2007_2013.csv`` (``ordning``, beneficiary ``cvr`` and ``navn``,
        ``parter`` separated by ". ") or ``erdf_esf_2014_2020.csv`` (``Fond / Fund``, UTM32
        coordinates, partners one per line).
    name : str, optional
        The import's name (default ``structural-funds-2007-2013`` or ``-2014-2020``).

    Returns
    -------
    Dataset
        Projects ``FUNDED_BY`` their fund x area pool, the beneficiary and the partners
        ``PARTICIPATES_IN`` each (roles ``beneficiary``/``partner``; the beneficiary's
        ``amount`` is the EU co-financing), organisations ``LOCATED_IN`` their municipality.

    Raises
    ------
    ImportFailed
        If the header is neither format, or on any flaw in a row.
    """
    t = _read_table(path, encoding)
    if "ordning" in t.header:
        return _structural_funds_2007(t, name or "structural-funds-2007-2013")
    if _SF_2014["fund"] in t.header:
        return _structural_funds_2014(t, name or "structural-funds-2014-2020")
    raise _fail(
        t.path,
        1,
        1,
        "the header is neither structural-fund format",
        "2007-13 files have the columns " + ", ".join(_SF_2007) + "; 2014-20 files have " + ", ".join(_SF_2014.values()),
        "check that this is the Danish Business Authority's list of operations and that its header is unchanged",
    )


def _sf_project(ds: Dataset, pid: str, title: str, start, end, *, file: str, row: int, **attrs) -> str:
    return ds.add_node(
        pid, kind="project", subtype="", name=_scrub(title) or pid, aliases=[], start=start, end=end, year=_year(start), file=file, row=row, **attrs
    )


def _structural_funds_2007(t: _Table, name: str) -> Dataset:
    t.require(_SF_2007, ("Indsatsområde", "vejnavn"))
    ds = Dataset(name, "structural_funds_2007_2013", dropped_columns=list(t.dropped))
    ds.files.append(_file_entry(t, "structural_funds_2007_2013"))
    file = t.path.name
    for line, v in t.rows:
        code = t.get(v, "ordning")
        m = re.fullmatch(r"(ERDF|ESF)([NMDSHBK])", code)
        if not m:
            raise t.bad(
                line, "ordning", code, "is not a fund x region pool", "ordning is ERDF or ESF followed by N, M, D, S, H, B or K", "write e.g. ERDFN"
            )
        cvr = _cvr(t, line, v, "cvr", required=True)
        beneficiary = t.get(v, "navn")
        if not beneficiary:
            raise t.bad(line, "navn", beneficiary, "is empty", "every project has a beneficiary", "write the beneficiary's name")
        title = t.get(v, "projekttitel")
        start, end = _date(t, line, v, "start_dato"), _date(t, line, v, "slut_dato")
        budget, eu = _number(t, line, v, "budget", style="comma"), _number(t, line, v, "eu", style="comma")
        year = _year(start)
        pid = "sf-2007-2013-" + hashlib.sha1("\x1f".join((code, title, start or "", cvr)).encode()).hexdigest()[:10]
        _sf_project(
            ds,
            pid,
            title,
            start,
            end,
            file=file,
            row=line,
            budget=budget,
            eu_amount=eu,
            amount_unit="DKK thousands (as published; unit uncertain)",
            priority=t.get(v, "Indsatsområde") or None,
            period="2007-2013",
        )
        ds.add_edge(
            pid,
            "FUNDED_BY",
            _pool(ds, m.group(1), _POOL_AREAS[m.group(2)], "2007-2013", file=file, row=line, code=code),
            file=file,
            row=line,
            year=year,
        )
        org = _org(ds, beneficiary, file=file, row=line, cvr=cvr, postcode=t.get(v, "postnr"), town=t.get(v, "bynavn"), country="DK")
        _place(ds, org, file=file, row=line, town=t.get(v, "bynavn"), postcode=t.get(v, "postnr"))
        ds.add_edge(org, "PARTICIPATES_IN", pid, file=file, row=line, role="beneficiary", year=year, amount=eu, amount_unit="DKK thousands")
        for partner in _partners(t.get(v, "parter"), r"\.\s+"):
            pnode = _org(ds, partner, file=file, row=line, country="DK")
            if pnode != org:
                ds.add_edge(pnode, "PARTICIPATES_IN", pid, file=file, row=line, role="partner", year=year)
    _merge_by_name(ds)
    return ds


def _structural_funds_2014(t: _Table, name: str) -> Dataset:
    t.require(_SF_2014.values(), ("Prioritetsakse / Priority axis", "Land / Country"))
    ds = Dataset(name, "structural_funds_2014_2020", dropped_columns=list(t.dropped))
    ds.files.append(_file_entry(t, "structural_funds_2014_2020"))
    file = t.path.name
    c = _SF_2014
    for line, v in t.rows:
        fund = {"R": "ERDF", "S": "ESF"}.get(t.get(v, c["fund"]))
        if fund is None:
            raise t.bad(
                line,
                c["fund"],
                t.get(v, c["fund"]),
                "is not a fund",
                "the fund is R (Regionalfonden, ERDF) or S (Socialfonden, ESF)",
                "fix the value",
            )
        area = " ".join(t.get(v, c["region"]).split())
        if not area:
            raise t.bad(line, c["region"], area, "is empty", "every project names its region or pool", "write it")
        beneficiary = t.get(v, c["beneficiary"])
        if not beneficiary:
            raise t.bad(line, c["beneficiary"], beneficiary, "is empty", "every project has a beneficiary", "write the beneficiary's name")
        title = " ".join(t.get(v, c["title"]).split())
        start, end = _date(t, line, v, c["start"]), _date(t, line, v, c["end"])
        budget, eu = _number(t, line, v, c["budget"], style="dots"), _number(t, line, v, c["eu"], style="dots")
        east, north = _number(t, line, v, c["east"]), _number(t, line, v, c["north"])
        if (east is None) != (north is None):
            missing = c["north"] if north is None else c["east"]
            raise t.bad(
                line,
                missing,
                "",
                "is empty while the other coordinate is given",
                "coordinates come in pairs",
                "give both UTM32 coordinates or neither",
            )
        lat = lon = None
        if east is not None:
            if not (100_000 <= east <= 1_000_000 and 6_000_000 <= north <= 6_450_000):
                raise t.bad(
                    line,
                    c["east"],
                    f"{t.get(v, c['east'])} {t.get(v, c['north'])}",
                    "is not a UTM zone 32 coordinate in Denmark",
                    "coordinates are ETRS89 / UTM32 easting and northing in metres",
                    "fix the coordinates or leave both empty",
                )
            lat, lon = geo.utm_to_latlon(east, north)
        year = _year(start)
        pid = "sf-2014-2020-" + hashlib.sha1("\x1f".join((fund, area, title, start or "", beneficiary)).encode()).hexdigest()[:10]
        _sf_project(
            ds,
            pid,
            title,
            start,
            end,
            file=file,
            row=line,
            budget=budget,
            eu_amount=eu,
            amount_unit="DKK",
            priority=" ".join(t.get(v, "Prioritetsakse / Priority axis").split()) or None,
            period="2014-2020",
        )
        ds.add_edge(pid, "FUNDED_BY", _pool(ds, fund, area, "2014-2020", file=file, row=line), file=file, row=line, year=year)
        org = _org(ds, beneficiary, file=file, row=line, postcode=t.get(v, c["postcode"]), town=t.get(v, c["town"]), country="DK")
        _place(ds, org, file=file, row=line, lat=lat, lon=lon, town=t.get(v, c["town"]), postcode=t.get(v, c["postcode"]))
        ds.add_edge(org, "PARTICIPATES_IN", pid, file=file, row=line, role="beneficiary", year=year, amount=eu, amount_unit="DKK")
        for partner in _partners(t.get(v, c["partners"]), r"\s*\n\s*"):
            pnode = _org(ds, partner, file=file, row=line, country="DK")
            if pnode != org:
                ds.add_edge(pnode, "PARTICIPATES_IN", pid, file=file, row=line, role="partner", year=year)
    return ds


# -- membership lists ------------------------------------------------------------------------


def import_members(path, *, G: nx.Graph | None = None, name: str | None = None, encoding: str = "utf-8-sig") -> Dataset:
    """Read an analyst's membership list (``cluster,member,cvr,municipality``).

    Parameters
    ----------
    path : path
        The CSV; ``cvr`` and ``municipality`` columns are optional (see the module docs).
    G : networkx graph, optional
        The seed graph the clusters are looked up in (default: the shipped seeds).
    name : str, optional
        The import's name (default ``members-`` + the file's name).

    Raises
    ------
    ImportFailed
        If a cluster is not an organisation of G, a member is empty or listed twice for
        one cluster, a CVR is not 8 digits or a municipality is unknown.
    """
    from .graph import build_graph, name_index

    t = _read_table(path, encoding)
    t.require(MEMBER_COLUMNS[:2], MEMBER_COLUMNS[2:])
    G = build_graph() if G is None else G
    index = name_index(G)
    ds = Dataset(name or "members-" + slugify(Path(path).name.split(".")[0]), "members", dropped_columns=list(t.dropped))
    ds.files.append(_file_entry(t, "members"))
    file = t.path.name
    seen: dict[tuple[str, str], int] = {}
    for line, v in t.rows:
        ref = t.get(v, "cluster")
        cluster = index.get(ref.casefold())
        if cluster is None or G.nodes[cluster].get("kind") not in ORGANISATION_KINDS:
            close = dict.fromkeys(G.nodes[index[c]]["name"] for c in difflib.get_close_matches(ref.casefold(), list(index), n=5, cutoff=0.6))
            hint = "did you mean " + " or ".join(map(repr, list(close)[:3])) + "?" if close else "look it up with `ecosystem show NAME`"
            raise t.bad(line, "cluster", ref, "is not an organisation in the seeds", "cluster is an id, name or alias of a seed organisation", hint)
        member = _scrub(t.get(v, "member"))
        if not member:
            raise t.bad(line, "member", member, "is empty", "every row names a member", "write the member's name")
        cvr = _cvr(t, line, v, "cvr")
        place = t.get(v, "municipality")
        municipality = geo.municipality_by_name(place) if place else None
        if place and municipality is None:
            raise t.bad(
                line,
                "municipality",
                place,
                "is not a Danish municipality",
                "municipality is a municipality's name or 4-digit KOMKODE",
                "write e.g. Aarhus or 0751, or leave it empty",
            )
        org = _org(ds, member, file=file, row=line, cvr=cvr, country="DK")
        key = (cluster, org)
        if key in seen:
            raise t.bad(
                line, "member", member, f"is listed for {ref!r} twice (first at line {seen[key]})", "each membership once", "remove the duplicate row"
            )
        seen[key] = line
        ds.add_node(cluster, ref=True, kind=G.nodes[cluster]["kind"], name=G.nodes[cluster]["name"], aliases=[], file=file, row=line)
        ds.add_edge(org, "MEMBER_OF", cluster, file=file, row=line)
        if municipality is not None:
            ds.add_edge(org, "LOCATED_IN", _add_municipality(ds, municipality), file=file, row=line, method="municipality")
    _merge_by_name(ds)
    return ds
