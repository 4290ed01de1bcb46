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

import array
import bisect
import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from rapidfuzz import fuzz, process

from ecosystem.evidence import ORGANISATION_KINDS
from ecosystem.ingest.review import Candidate
from ecosystem.text import LEGAL_FORMS, alnum_words, fold_digraphs, legal_words, transliterate

__all__ = ["ACCEPT", "REVIEW", "Link", "Resolution", "name_pairs", "normalise_name", "resolve"]

ACCEPT = 92.0
"""Names scoring at least this are linked automatically."""
REVIEW = 80.0
"""Names scoring at least this (and below ACCEPT) go to the review report."""

_PREFIXES = (
    ("den", "erhvervsdrivende", "fond"),
    ("den", "selvejende", "institution"),
    ("selvejende", "institution"),
    ("fonden",),
    ("foreningen",),
)
_PREFIX_STARTS = {prefix[0] for prefix in _PREFIXES}
_SYNONYMS = {"university": "universitet", "universitetet": "universitet", "universiteit": "universitet", "and": "og"}


@functools.lru_cache(maxsize=1 << 18)  # an importer asks for each name several times
def normalise_name(name: str) -> str:
    """Return a name reduced to what identifies it, for comparing spellings.

    Lowercase; æ/ø/å and ae/oe/aa and ä/ö/ü fold alike (CORDIS writes "FODEVARER"):
    :func:`~ecosystem.text.transliterate`, then :func:`~ecosystem.text.fold_digraphs`;
    "&" reads "og"; accents and punctuation go; legal forms ending the name
    (:data:`~ecosystem.text.LEGAL_FORMS`: A/S, ApS, I/S, P/S, K/S, IVS, F.M.B.A., ...)
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
    name = name or ""
    s = transliterate((name if name.isascii() else unicodedata.normalize("NFKC", name)).casefold()).replace("&", " og ")
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = fold_digraphs(legal_words(s))
    split = alnum_words(s)
    while len(split) > 1 and split[-1] in LEGAL_FORMS:
        split.pop()
    if split and split[0] in _PREFIX_STARTS:
        for prefix in _PREFIXES:
            if len(split) > len(prefix) and tuple(split[: len(prefix)]) == prefix:
                split = split[len(prefix) :]
                break
    return " ".join(map(_SYNONYMS.get, split, split))  # each word, or its synonym


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
    normalise: Callable[[str], str] = normalise_name,
    ids: Iterable[str] | None = None,
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
    normalise : callable, optional
        :func:`normalise_name`, or a memo of it for the imported names
        (:meth:`~ecosystem.ingest.dataset.Dataset.normalised`).
    ids : iterable of str, optional
        The ids of `records` to link (default: all); lets a caller pass all of an
        import's nodes without copying the organisations among them into a mapping of
        their own (a million of them would cost 40 MB).

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
    ids = sorted(records if ids is None else ids)
    for imp, rows in decisions.items():
        at = bisect.bisect_left(ids, imp)
        if at == len(ids) or ids[at] != imp:
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

    to_match: tuple[list, list] = ([], [])  # to match by name: (not municipalities, municipalities)
    for imp in ids:  # the ids only: a million (id, record) pairs would cost 60 MB
        if imp in result.links:
            continue
        d = records[imp]
        hit = None
        if by_cvr and (cvr := d.get("cvr")) not in (None, ""):
            if type(cvr) is str:  # one CVR, as most have: _ids(cvr) is [cvr]
                hit = ("cvr", by_cvr[cvr]) if cvr in by_cvr else None
            else:
                hit = next((("cvr", by_cvr[v]) for v in _ids(cvr) if v in by_cvr), None)
        if not hit and by_pic and (pic := d.get("pic")) not in (None, ""):
            hit = next((("pic", by_pic[v]) for v in _ids(pic) if v in by_pic), None)
        if hit and (imp, hit[1]) not in rejected:
            result.links[imp] = Link(hit[1], hit[0], 100.0)
        elif d.get("name") and d.get("named", True):
            to_match[_municipal(d)].append(imp)

    for municipal, group in enumerate(to_match):
        cands = [(n, d) for n, d in seeds if _municipal(d) == municipal]
        if group and cands:
            _match_names(group, records, cands, result, rejected, decided, accept, review, normalise)
    result.review.sort(key=lambda c: (c.imported_name.casefold(), c.imported_id, -c.score, c.candidate_id))
    return result


_MUNICIPAL_WORDS = {"kommune", "kommunes", "regionskommune", "municipality", "of"}


def _variants(
    d: Mapping, municipal: bool, *, imported: bool = False, normalise: Callable[[str], str] = normalise_name
) -> list[tuple[str, bool]]:
    """Normalised names and aliases, each with whether it is only an acronym.

    An imported organisation's aliases are short names (CORDIS ``shortName``), written
    in capitals like every CORDIS name, so any short one of them counts as an acronym.
    """
    if not municipal and not d.get("aliases"):  # most imported names: one name, no aliases
        name = d.get("name", "")
        norm = normalise(name)
        return [(norm, _is_acronym(name))] if norm else []
    out: list[tuple[str, bool]] = []
    for k, name in enumerate([d.get("name", ""), *d.get("aliases", ())]):
        norm = normalise(name)
        if municipal:
            norm = " ".join(w for w in norm.split() if w not in _MUNICIPAL_WORDS)
        acronym = not municipal and (_is_acronym(name) or (imported and k > 0 and " " not in norm and len(norm) <= 5))
        if norm and norm not in [n for n, _ in out]:
            out.append((norm, acronym))
    return out


def _specific(norm: str) -> bool:
    """Whether a name says enough to count when it is contained in a longer one."""
    return " " in norm or len(norm) >= 6


def _sorted_words(norm: str) -> str:
    return " ".join(sorted(norm.split()))


def name_pairs(imp_norms, imp_specific, seed_norms, seed_subset, cutoff: float, *, chunk: int = 5_000):
    """Yield ``(a, b, score)`` for every imported name ``a`` and seed name ``b`` scoring at least `cutoff`.

    The score is the larger of ``token_sort_ratio`` and, where both names are specific
    (``imp_specific[a]`` and ``seed_subset[b]``), 0.9 x ``token_set_ratio``. The same
    scores as computing both over every pair, computed faster:

    - ``token_sort_ratio`` is ``ratio`` of the names with their words sorted, so the
      words are sorted once per name rather than once per pair;
    - ``token_set_ratio`` equals ``token_sort_ratio`` for two names that share no word
      and repeat none, so 0.9 x it can only win for pairs that share a word (found
      through an index of the seed names' words) or where a name repeats a word;
    - imported names are scored `chunk` at a time, so memory stays at `chunk` x the
      seed names whatever the file's size.

    >>> pairs = name_pairs(["food cluster danmark", "virksomhed 7"], [True, True], ["danish food cluster", "food cluster"], [True, True], 80)
    >>> [(a, b, round(s, 1)) for a, b, s in sorted(pairs)]  # "food cluster" is in the first name: 0.9 x 100
    [(0, 0, 82.1), (0, 1, 90.0)]
    """
    seeds_sorted = [_sorted_words(n) for n in seed_norms]
    by_word: dict[str, list[int]] = {}
    repeats = []  # seed names that repeat a word: compared with every specific imported name
    for b, norm in enumerate(seed_norms):
        if seed_subset[b]:
            words = norm.split()
            for w in sorted(set(words)):
                by_word.setdefault(w, []).append(b)
            if len(set(words)) < len(words):
                repeats.append(b)
    columns = {w: tuple(bs) for w, bs in by_word.items()}  # a word -> the seed names holding it
    known = frozenset(columns)
    every, repeats = tuple(b for b, ok in enumerate(seed_subset) if ok), tuple(repeats)
    # rapidfuzz compares in double precision, the scores are kept as float32: cut a little
    # lower and leave the exact cut to the float32 comparison at the end
    sort_cutoff, set_cutoff = cutoff - 0.01, cutoff / 0.9 - 0.01
    for lo in range(0, len(imp_norms), chunk):
        part = imp_norms[lo : lo + chunk]
        scores = process.cdist(
            [_sorted_words(n) for n in part],
            seeds_sorted,
            scorer=fuzz.ratio,
            score_cutoff=sort_cutoff,
            dtype=np.float32,
            workers=-1,
        )
        blocks: dict[tuple[int, ...], list[int]] = {}  # seed names -> the imported names to compare them with
        for a, norm in enumerate(part):
            if not imp_specific[lo + a]:
                continue
            words = norm.split()
            distinct = set(words)
            if len(distinct) < len(words):
                blocks.setdefault(every, []).append(a)
                continue
            for w in distinct & known:
                blocks.setdefault(columns[w], []).append(a)
            if repeats:
                blocks.setdefault(repeats, []).append(a)
        for cols, rows in sorted(blocks.items()):
            rows = sorted(set(rows))
            subset = process.cdist(
                [part[a] for a in rows],
                [seed_norms[b] for b in cols],
                scorer=fuzz.token_set_ratio,
                score_cutoff=set_cutoff,
                dtype=np.float32,
                workers=-1,
            )
            at = np.ix_(rows, cols)
            scores[at] = np.maximum(scores[at], 0.9 * subset)
        for a, b in zip(*(scores >= cutoff).nonzero()):
            yield lo + int(a), int(b), float(scores[a, b])


def _match_names(group, records, cands, result, rejected, decided, accept, review, normalise) -> None:
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
    imp_norms, imp_of, imp_acronym = [], array.array("l"), bytearray()  # numbers and flags a byte each, not an object each
    foreign = bytearray()
    for k, imp in enumerate(group):
        d = records[imp]
        foreign.append(d.get("country") not in (None, "", "DK"))
        if not municipal and not d.get("aliases"):  # most imported names: _variants's first case, inline (a million of them)
            name = d.get("name", "")
            if norm := normalise(name):
                imp_norms.append(norm)
                imp_of.append(k)
                imp_acronym.append(_is_acronym(name))
            continue
        for norm, acronym in _variants(d, municipal, imported=True, normalise=normalise):
            imp_norms.append(norm)
            imp_of.append(k)
            imp_acronym.append(acronym)
    if not imp_norms or not seed_norms:
        return
    imp_specific = bytearray(map(_specific, imp_norms))
    best: dict[int, dict[int, float]] = {}
    for a, b, score in name_pairs(imp_norms, imp_specific, seed_norms, seed_subset, review):
        exact = imp_norms[a] == seed_norms[b]
        if (foreign[imp_of[a]] or municipal) and not exact:
            continue  # abroad (the seeds are Danish) or a town's name: match in full or not at all
        s = 100.0 if exact else round(score, 1)
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
        ranked = sorted(
            ((s, cands[c][0]) for c, s in row.items() if (imp, cands[c][0]) not in rejected),
            key=lambda x: (-x[0], str(x[1])),
        )
        if not ranked:
            continue
        top, entity = ranked[0]
        tied = len(ranked) > 1 and ranked[1][0] == top
        if top >= accept and not tied:
            result.links[imp] = Link(entity, "name", top)
        elif imp not in decided:
            for s, c in ranked[:3]:
                result.review.append(
                    Candidate(
                        imp,
                        d.get("name", ""),
                        ",".join(_ids(d.get("cvr"))),
                        ",".join(_ids(d.get("pic"))),
                        c,
                        names[c],
                        s,
                    )
                )
