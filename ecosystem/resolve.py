"""Entity resolution: link imported organisations to the seed entities they are.

Identifiers first: an imported organisation whose CVR (or CORDIS PIC) equals a seed
entity's ``cvr`` (``pic``) attribute is that entity. Otherwise names are compared after
a Danish-aware normalisation (:func:`normalise_name`) with rapidfuzz's
``token_sort_ratio`` (0-100, word order ignored):

- ``score >= ACCEPT`` (92): linked automatically (method ``name``);
- ``REVIEW <= score < ACCEPT`` (80-92): *not* linked; written to the review report for
  an analyst, who fills the ``decision`` column with ``accept``, ``reject`` or another
  seed id, and feeds the file back (``ecosystem import ... --review FILE``);
- below ``REVIEW``: not linked, not reported.

Municipalities match only by their exact name ("Holstebro" is "Holstebro Kommune";
"Skanderborg" is not "Sønderborg", however alike they look).

A name that is only an acronym (one word of at most five capitals, e.g. "DTU") never
links on its own: at best it goes to review. An organisation outside Denmark (``country``
set and not ``DK``) links only on an exact normalised name, and is never sent to review:
the seeds are Danish. Analyst decisions override everything, including identifier
matches.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
from rapidfuzz import fuzz, process

from .errors import ImportFailed
from .model import ORGANISATION_KINDS

__all__ = [
    "ACCEPT",
    "REVIEW",
    "REVIEW_COLUMNS",
    "Link",
    "Candidate",
    "Resolution",
    "normalise_name",
    "resolve",
    "read_review",
    "review_csv",
    "write_review",
]

ACCEPT = 92.0
"""Names scoring at least this are linked automatically."""
REVIEW = 80.0
"""Names scoring at least this (and below ACCEPT) go to the review report."""

REVIEW_COLUMNS = ("imported_id", "imported_name", "cvr", "pic", "candidate_id", "candidate_name", "score", "decision")
DECISIONS = ("accept", "reject")

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "ß": "ss", "&": " og "})
_LEGAL_SLASH = re.compile(r"\b([aikp])\s*/\s*s\b")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
_LEGAL_FORMS = {"as", "aps", "is", "ps", "ks", "ivs", "amba", "fmba", "smba", "vmba", "ltd", "limited", "gmbh", "ab", "oy", "inc", "plc"}
_PREFIXES = (("den", "erhvervsdrivende", "fond"), ("den", "selvejende", "institution"), ("selvejende", "institution"), ("fonden",), ("foreningen",))
_SYNONYMS = {"university": "universitet", "universitetet": "universitet", "universiteit": "universitet", "and": "og"}


def normalise_name(name: str) -> str:
    """Return a name reduced to what identifies it, for comparing spellings.

    Lowercase; æ/ø/å and ae/oe/aa and ä/ö/ü fold alike (CORDIS writes "FODEVARER");
    accents and punctuation go; legal forms (A/S, ApS, I/S, P/S, K/S, IVS, F.M.B.A., ...)
    and the prefixes "Fonden", "Foreningen", "Den erhvervsdrivende fond", "Den selvejende
    institution" are dropped; "University" and "Universitetet" read "universitet".

    >>> normalise_name("Landbrug & Fødevarer F.M.B.A.")
    'landbrug og fodevarer'
    >>> normalise_name("LANDBRUG & FOEDEVARER") == normalise_name("Landbrug og Fødevarer")
    True
    >>> normalise_name("Den Erhvervsdrivende Fond Dansk Skaldyrcenter")
    'dansk skaldyrcenter'
    >>> normalise_name("AARHUS UNIVERSITY"), normalise_name("Århus Universitet")
    ('arhus universitet', 'arhus universitet')
    >>> normalise_name("COWI A/S"), normalise_name("GOMSPACE AS"), normalise_name("Fonden")
    ('cowi', 'gomspace', 'fonden')
    """
    s = unicodedata.normalize("NFKC", name or "").casefold().translate(_TRANSLIT)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = _LEGAL_SLASH.sub(r"\1s", s)
    s = _DOTTED.sub(lambda m: m.group().replace(".", ""), s)
    s = s.replace("aa", "a").replace("oe", "o").replace("ue", "u")
    words = re.sub(r"[^a-z0-9]+", " ", s).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    for prefix in _PREFIXES:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix) :]
            break
    return " ".join(_SYNONYMS.get(w, w) for w in words)


def _is_acronym(name: str) -> bool:
    """An acronym as written: one word of at most five letters, all capitals ("DTU", "EU")."""
    name = name.strip()
    return " " not in name and len(name) <= 5 and name.isupper()


@dataclass(frozen=True)
class Link:
    """An imported organisation is the seed entity ``entity``, found by ``method``."""

    entity: str
    method: str  # "cvr", "pic", "name" or "review"
    score: float


@dataclass(frozen=True)
class Candidate:
    """A possible link in the review band, as one row of the review report."""

    imported_id: str
    imported_name: str
    cvr: str
    pic: str
    candidate_id: str
    candidate_name: str
    score: float
    decision: str = ""


@dataclass
class Resolution:
    """What :func:`resolve` found: links by imported id, and candidates for review."""

    links: dict[str, Link] = field(default_factory=dict)
    review: list[Candidate] = field(default_factory=list)
    unused_decisions: int = 0

    def counts(self) -> dict[str, int]:
        """Count links by method, plus the review report's rows."""
        out = {m: 0 for m in ("cvr", "pic", "name", "review")}
        for link in self.links.values():
            out[link.method] += 1
        out["review_rows"] = len(self.review)
        return out


def _municipal(d: Mapping) -> bool:
    return d.get("subtype") == "municipality"


def _seed_candidates(G: nx.Graph) -> list[tuple[str, dict]]:
    """Seed nodes an organisation can be: organisations, and regions (as authorities)."""
    out = []
    for n, d in G.nodes(data=True):
        if d.get("imported"):
            continue
        if d.get("kind") in ORGANISATION_KINDS or (d.get("kind") == "region" and d.get("subtype") == "region"):
            out.append((n, d))
    return sorted(out, key=lambda x: str(x[0]))


def _ids(value) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def resolve(
    records: Mapping[str, Mapping],
    G: nx.Graph,
    *,
    decisions: Mapping[str, list[tuple[str, str]]] | None = None,
    accept: float = ACCEPT,
    review: float = REVIEW,
) -> Resolution:
    """Link imported organisations to seed entities of G.

    Parameters
    ----------
    records : mapping
        ``{imported_id: attrs}`` with ``name``, optional ``aliases`` (list), ``cvr``,
        ``pic`` (a value or a list), ``subtype`` (a ``municipality`` only matches
        seed municipalities, and only it does) and ``named`` (False: the name is a
        placeholder, match by identifiers only).
    G : networkx graph
        The seed graph; its organisations (and regions) are the candidates.
    decisions : mapping, optional
        ``{imported_id: [(candidate_id, decision), ...]}`` from :func:`read_review`.
    accept, review : float
        The thresholds (see the module docstring).

    Returns
    -------
    Resolution
        ``links`` (imported id -> :class:`Link`) and ``review`` (candidates, best first
        per organisation, at most three each).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("danfoss", kind="company", name="Danfoss", aliases=[], cvr="20165715")
    >>> G.add_node("aau", kind="knowledge_institution", name="Aalborg Universitet", aliases=["AAU"])
    >>> G.add_node("seges", kind="knowledge_institution", name="SEGES", aliases=[])
    >>> r = resolve({"cvr-20165715": {"name": "DANFOSS A/S", "cvr": "20165715"},
    ...              "pic-1": {"name": "AALBORG UNIVERSITY"},
    ...              "pic-2": {"name": "SEGES INNOVATION P/S"}}, G)
    >>> {k: (v.entity, v.method) for k, v in sorted(r.links.items())}
    {'cvr-20165715': ('danfoss', 'cvr'), 'pic-1': ('aau', 'name')}
    """
    decisions = decisions or {}
    seeds = _seed_candidates(G)
    by_cvr: dict[str, str] = {}
    by_pic: dict[str, str] = {}
    for n, d in seeds:
        for v in _ids(d.get("cvr")):
            by_cvr.setdefault(v, n)
        for v in _ids(d.get("pic")):
            by_pic.setdefault(v, n)

    result = Resolution()
    rejected: set[tuple[str, str]] = set()
    decided: set[str] = set()
    for imp, rows in decisions.items():
        if imp not in records:
            result.unused_decisions += len(rows)
            continue
        for cand, decision in rows:
            if decision == "reject":
                rejected.add((imp, cand))
            elif decision == "accept":
                result.links[imp] = Link(cand, "review", 100.0)
            elif decision:
                result.links[imp] = Link(decision, "review", 100.0)
        if any(d for _, d in rows):
            decided.add(imp)

    to_match = []
    for imp, d in sorted(records.items()):
        if imp in result.links:
            continue
        hit = next((("cvr", by_cvr[v]) for v in _ids(d.get("cvr")) if v in by_cvr), None)
        hit = hit or next((("pic", by_pic[v]) for v in _ids(d.get("pic")) if v in by_pic), None)
        if hit and (imp, hit[1]) not in rejected:
            result.links[imp] = Link(hit[1], hit[0], 100.0)
        elif d.get("name") and d.get("named", True):
            to_match.append(imp)

    for municipal in (False, True):
        group = [i for i in to_match if _municipal(records[i]) == municipal]
        cands = [(n, d) for n, d in seeds if _municipal(d) == municipal]
        if group and cands:
            _match_names(group, records, cands, result, rejected, decided, accept, review)
    result.review.sort(key=lambda c: (c.imported_name.casefold(), c.imported_id, -c.score, c.candidate_id))
    return result


_MUNICIPAL_WORDS = {"kommune", "kommunes", "regionskommune", "municipality", "of"}


def _variants(d: Mapping, municipal: bool, *, imported: bool = False) -> list[tuple[str, bool]]:
    """Normalised names and aliases, each with whether it is only an acronym.

    An imported organisation's aliases are short names (CORDIS ``shortName``), written
    in capitals like every CORDIS name, so any short one of them counts as an acronym.
    """
    out: list[tuple[str, bool]] = []
    for k, name in enumerate([d.get("name", ""), *d.get("aliases", ())]):
        norm = normalise_name(name)
        if municipal:
            norm = " ".join(w for w in norm.split() if w not in _MUNICIPAL_WORDS)
        acronym = not municipal and (_is_acronym(name) or (imported and k > 0 and " " not in norm and len(norm) <= 5))
        if norm and norm not in [n for n, _ in out]:
            out.append((norm, acronym))
    return out


def _specific(norm: str) -> bool:
    """Whether a name says enough to count when it is contained in a longer one."""
    return " " in norm or len(norm) >= 6


def _match_names(group, records, cands, result, rejected, decided, accept, review) -> None:
    """Score every name variant of `group` against every seed name and alias at once.

    The score is ``token_sort_ratio``; a name whose words all occur in the other name
    ("Danfoss" in "Danfoss Drives A/S") scores 90 at most, so it goes to review rather
    than linking, unless it is an acronym or a region (those must match in full).
    """
    municipal = _municipal(records[group[0]])
    seed_norms, seed_of, seed_subset, seed_acronym = [], [], [], []
    for k, (_, d) in enumerate(cands):
        for norm, acronym in _variants(d, municipal):
            seed_norms.append(norm)
            seed_of.append(k)
            seed_subset.append(_specific(norm) and d.get("kind") != "region" and not municipal)
            seed_acronym.append(acronym)
    imp_norms, imp_of, imp_acronym = [], [], []
    for k, imp in enumerate(group):
        for norm, acronym in _variants(records[imp], municipal, imported=True):
            imp_norms.append(norm)
            imp_of.append(k)
            imp_acronym.append(acronym)
    if not imp_norms or not seed_norms:
        return
    foreign = [records[imp].get("country") not in (None, "", "DK") for imp in group]
    scores = process.cdist(imp_norms, seed_norms, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=1)
    subset = 0.9 * process.cdist(imp_norms, seed_norms, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=1)
    allowed = np.outer([_specific(n) for n in imp_norms], seed_subset)
    scores = np.maximum(scores, np.where(allowed, subset, 0))
    best: dict[int, dict[int, float]] = {}
    for a, b in zip(*(scores >= review).nonzero()):
        a, b = int(a), int(b)
        exact = imp_norms[a] == seed_norms[b]
        if (foreign[imp_of[a]] or municipal) and not exact:
            continue  # abroad (the seeds are Danish) or a town's name: match in full or not at all
        s = 100.0 if exact else round(float(scores[a, b]), 1)
        if imp_acronym[a] or seed_acronym[b]:
            if not exact or foreign[imp_of[a]]:
                continue  # acronyms only ever match exactly ...
            s = min(s, review)  # ... and even then are not proof
        row = best.setdefault(imp_of[a], {})
        row[seed_of[b]] = max(row.get(seed_of[b], 0.0), s)
    names = {n: d.get("name", "") for n, d in cands}
    for k, row in sorted(best.items()):
        imp = group[k]
        d = records[imp]
        ranked = sorted(((s, cands[c][0]) for c, s in row.items() if (imp, cands[c][0]) not in rejected), key=lambda x: (-x[0], str(x[1])))
        if not ranked:
            continue
        top, entity = ranked[0]
        tied = len(ranked) > 1 and ranked[1][0] == top
        if top >= accept and not tied:
            result.links[imp] = Link(entity, "name", top)
        elif imp not in decided:
            for s, c in ranked[:3]:
                result.review.append(Candidate(imp, d.get("name", ""), ",".join(_ids(d.get("cvr"))), ",".join(_ids(d.get("pic"))), c, names[c], s))


def review_csv(candidates: Iterable[Candidate]) -> str:
    """Return the review report as CSV text (header :data:`REVIEW_COLUMNS`).

    >>> print(review_csv([Candidate("pic-1", "SEGES INNOVATION P/S", "", "1", "seges", "SEGES", 90.0)]), end="")
    imported_id,imported_name,cvr,pic,candidate_id,candidate_name,score,decision
    pic-1,SEGES INNOVATION P/S,,1,seges,SEGES,90,
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(REVIEW_COLUMNS)
    for c in candidates:
        w.writerow([c.imported_id, c.imported_name, c.cvr, c.pic, c.candidate_id, c.candidate_name, f"{c.score:g}", c.decision])
    return out.getvalue()


def write_review(candidates: Iterable[Candidate], path: str | Path) -> Path:
    """Write the review report to `path` (UTF-8); return the path."""
    path = Path(path)
    path.write_text(review_csv(candidates), encoding="utf-8")
    return path


def read_review(path: str | Path, G: nx.Graph | None = None) -> dict[str, list[tuple[str, str]]]:
    """Read an analyst's review report; return ``{imported_id: [(candidate_id, decision)]}``.

    ``decision`` is ``accept``, ``reject``, another entity id, or empty (undecided).

    Raises
    ------
    ImportFailed
        If the file is not a review report, or a decision is neither accept, reject,
        empty nor (when G is given) an entity id of G; the message gives file:line:column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(f"{path}: review file not found (pass the report written by the last import; check the path)") from None
    except UnicodeDecodeError as err:
        raise ImportFailed(f"{path}: byte {err.start} is not UTF-8 (the review report is UTF-8; re-save it as 'CSV UTF-8')") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, [])
    missing = [c for c in ("imported_id", "candidate_id", "decision") if c not in header]
    if missing:
        raise ImportFailed(
            f"{path}:1:1: header lacks {', '.join(missing)} (a review report has the columns {','.join(REVIEW_COLUMNS)}; keep the header the import wrote)"
        )
    col = {c: header.index(c) for c in header}
    out: dict[str, list[tuple[str, str]]] = {}
    for line, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        values = values + [""] * (len(header) - len(values))
        imp, cand = values[col["imported_id"]].strip(), values[col["candidate_id"]].strip()
        decision = values[col["decision"]].strip()
        if decision.lower() in DECISIONS:
            decision = decision.lower()
        elif decision and G is not None and decision not in G:
            raise ImportFailed(
                f"{path}:{line}:{col['decision'] + 1}: decision {decision!r} is not an entity id "
                "(decision is accept, reject, empty or the id of the right seed entity; fix the id, see `ecosystem show NAME`)"
            )
        out.setdefault(imp, []).append((cand, decision))
    for imp, rows in out.items():
        chosen = {d if d != "accept" else c for c, d in rows if d and d != "reject"}
        if len(chosen) > 1:
            raise ImportFailed(
                f"{path}: {imp!r} is accepted as {' and '.join(sorted(chosen))} (one organisation links to one entity; keep one accept per imported_id)"
            )
    return out
