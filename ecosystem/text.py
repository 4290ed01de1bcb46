"""Text rules shared by every layer: one transliteration, one legal-form list, one year parser.

Imports nothing from the package: seeds, geography and importers all read names and
years the same way because they all use these.
"""

from __future__ import annotations

import re

__all__ = ["LEGAL_FORMS", "MAX_YEAR", "MIN_YEAR", "alnum_words", "fold_digraphs", "legal_form", "legal_words", "parse_year", "transliterate"]

# Danish (and the German/Swedish letters common in partner names) to ASCII, as ids and
# CVR-style capitals write them: "Fødevarer" -> "foedevarer", "Århus" -> "aarhus".
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u", "é": "e", "ß": "ss"})

# Company legal forms as they end a name, written the way fold_digraphs and the removal of
# punctuation leave them ("A/S" -> "as", "F.M.B.A." -> "fmba").
LEGAL_FORMS = frozenset(
    {"as", "aps", "is", "ps", "ks", "ivs", "amba", "fmba", "smba", "vmba", "ltd", "limited", "gmbh", "ab", "oy", "inc", "plc", "sa", "srl", "bv"}
)
_LEGAL_SLASH = re.compile(r"\b([aikp])\s*/\s*s\b")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_ASCII_NOT_ALNUM = bytes(c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))  # a bytes table: 20 times faster than str's

MIN_YEAR, MAX_YEAR = 1800, 2030


def transliterate(text: str) -> str:
    """Return text lowercased with æ, ø, å (and ä, ö, ü, é, ß) written in ASCII.

    >>> transliterate("Landbrug & Fødevarer"), transliterate("Århus")
    ('landbrug & foedevarer', 'aarhus')
    """
    text = text.lower()
    return text if text.isascii() else text.translate(_ASCII)


def fold_digraphs(text: str) -> str:
    """Fold the ASCII spellings of æ/ø/å's neighbours alike: "aa" -> "a", "oe" -> "o", "ue" -> "u".

    Used for matching, never for ids: "FOEDEVARER", "Fødevarer" and "FODEVARER" (as
    CORDIS writes it) meet at "fodevarer". Folded until nothing changes, so an ø before
    an e ("Topsøe" -> "topsoee") meets its ASCII spelling ("TOPSOE") too.

    >>> fold_digraphs(transliterate("Fødevarer")) == fold_digraphs("fodevarer")
    True
    >>> fold_digraphs(transliterate("Topsøe")), fold_digraphs("topsoe"), fold_digraphs(transliterate("Småøerne"))
    ('topso', 'topso', 'smaorne')
    """
    while "aa" in text or "oe" in text or "ue" in text:
        text = text.replace("aa", "a").replace("oe", "o").replace("ue", "u")
    return text


def legal_words(text: str) -> str:
    """Join the letters of written-out legal forms: "a/s" -> "as", "f.m.b.a." -> "fmba" (lowercase input)."""
    if "/" in text:  # the checks spare the regular expressions on most names
        text = _LEGAL_SLASH.sub(r"\1s", text)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    return text


def alnum_words(text: str) -> list[str]:
    """Split text on everything but a-z and 0-9 (lowercase input).

    >>> alnum_words("cowi a/s, 2800 lyngby"), alnum_words("café-bar")
    (['cowi', 'a', 's', '2800', 'lyngby'], ['caf', 'bar'])
    """
    return text.encode().translate(_ASCII_NOT_ALNUM).decode().split() if text.isascii() else _NOT_ALNUM.sub(" ", text).split()


def legal_form(name: str) -> str | None:
    """Return the legal form a company name ends with, or None.

    >>> legal_form("COWI A/S"), legal_form("Landbrug & Fødevarer F.M.B.A."), legal_form("Aarhus Universitet")
    ('as', 'fmba', None)
    """
    split = alnum_words(legal_words(transliterate(name)))
    return split[-1] if len(split) > 1 and split[-1] in LEGAL_FORMS else None


def parse_year(value: str | None, *, date: bool = False) -> int | None:
    """Return the year "2017" names (or, with ``date``, the year of an ISO date), else None.

    Years outside MIN_YEAR..MAX_YEAR are not years here (a typo, not history).

    >>> parse_year("2017"), parse_year("2017-03-01"), parse_year("2017-03-01", date=True)
    (2017, None, 2017)
    >>> parse_year("17"), parse_year(""), parse_year("3017"), parse_year(None)
    (None, None, None, None)
    """
    pattern = r"(\d{4})-\d{2}-\d{2}" if date else r"(\d{4})"
    m = re.fullmatch(pattern, (value or "").strip())
    if m is None or not MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
        return None
    return int(m.group(1))
