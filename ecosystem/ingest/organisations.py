"""Imported organisations: their kind, their id, where they are, and one node per organisation.

The kind comes from the CORDIS activity type where there is one, else from the name
(:func:`classify_organisation`); an organisation is keyed by its CVR number when the file
gives one, else by its normalised name (:func:`organisation_id`); it is located in its
municipality from its coordinates, its town or its postcode (:func:`locate`), through
:mod:`ecosystem.geo`.
"""

from __future__ import annotations

import hashlib
import re

from ecosystem.evidence import slugify
from ecosystem.geo import REGIONS, Municipality, Region, municipality_at, municipality_by_name, region_by_postcode
from ecosystem.ingest.dataset import Dataset
from ecosystem.ingest.resolution import normalise_name
from ecosystem.text import legal_form

__all__ = ["KIND_RULES", "add_municipality", "add_organisation", "add_region", "classify_organisation", "locate", "merge_by_name", "name_merges", "organisation_id"]

KIND_RULES = [  # (pattern on the normalised name, kind, subtype): the first that matches decides
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


def _factored(alternatives: list[str]) -> str:
    """A regular expression that finds a match in the same texts as ``"|".join(alternatives)``, faster.

    Each alternative is letters, digits and spaces, with ``\\b`` and ``^`` anywhere. Python's
    engine tries every branch of an alternation at every position; sharing prefixes
    ("agen(?:cy|tur)") makes it try one per first letter, about 15 times faster on names
    that match none. An alternative that extends another ("skolen" after "skole") is left
    out: where it matches, the shorter one does.

    >>> _factored(["agency", "agentur", r"\\blo\\b", "skole", "skolen"])
    '(?:\\\\blo\\\\b|agen(?:cy|tur)|skole)'
    """
    trie: dict = {}
    for alternative in alternatives:
        tokens = re.findall(r"\\b|\^|[a-z0-9 ]", alternative)
        if "".join(tokens) != alternative:
            raise ValueError(f"{alternative!r} is not letters, digits and spaces with \\b and ^")
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: dict) -> str:
    if "" in node:
        return ""  # a whole alternative ends here: what follows cannot add a match
    branches = [(t if t in ("\\b", "^") else re.escape(t)) + _pattern(child) for t, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_ANY_KIND = re.compile(_factored([alternative for pattern, _, _ in KIND_RULES for alternative in pattern.pattern.split("|")]))
"""Whether any rule matches: most names match none, and one search says so."""
_CORDIS_KINDS = {"PRC": ("company", ""), "PUB": ("public_authority", "other"), "REC": ("knowledge_institution", "research_centre")}


def classify_organisation(name: str, cordis_type: str | None = None, *, norm: str | None = None) -> tuple[str, str, str]:
    """Return ``(kind, subtype, source)`` for an imported organisation.

    The CORDIS activity type decides where it says something (HES higher education,
    PRC private company, REC research organisation, PUB public body); PUB and HES are
    refined by the name, and OTH (other) or no type is told from the name alone.
    Without any clue the kind is ``company``. ``source`` says which: ``cordis_type``,
    ``name`` or ``default``. `norm` is the name normalised, if already known.

    >>> classify_organisation("AARHUS UNIVERSITET", "HES")
    ('knowledge_institution', 'university', 'cordis_type')
    >>> classify_organisation("Odense Kommune")
    ('public_authority', 'municipality', 'name')
    >>> classify_organisation("Erhvervsakademi Aarhus", "HES")
    ('knowledge_institution', 'education_institution', 'cordis_type')
    >>> classify_organisation("Nordic Seed A/S"), classify_organisation("Incita")
    (('company', '', 'name'), ('company', '', 'default'))
    """
    norm = (normalise_name(name) if name else "") if norm is None else norm
    by_name = next(((k, s) for pattern, k, s in KIND_RULES if pattern.search(norm)), None) if norm and _ANY_KIND.search(norm) else None
    if by_name is None and norm and legal_form(name):
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


def add_region(ds: Dataset, r: Region) -> str:
    """Add a region to the dataset (once); return its id."""
    return ds.add_node(
        r.id, kind="region", subtype="region", name=r.name, aliases=[], nuts=r.nuts, regionkode=r.code, file="regioner.topojson", row=None
    )


def add_municipality(ds: Dataset, m: Municipality) -> str:
    """Add a municipality (once), ``LOCATED_IN`` its region; return its id."""
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
        if m.region in REGIONS:
            ds.add_edge(m.id, "LOCATED_IN", add_region(ds, REGIONS[m.region]), file="kommuner.topojson", row=None, method="centroid")
    return m.id


def locate(ds: Dataset, org: str, *, file: str, row: int, lat=None, lon=None, town: str = "", postcode: str = "") -> None:
    """Locate an organisation: coordinates, else its town, else its postcode's region."""
    m, method = None, None
    if lat is not None and lon is not None:
        m, method = municipality_at(lat, lon), "coordinates"
    if m is None and town:
        m, method = municipality_by_name(town), "town"
    if m is not None:
        ds.add_edge(org, "LOCATED_IN", add_municipality(ds, m), file=file, row=row, method=method)
        return
    r = region_by_postcode(postcode) if postcode else None
    if r is not None:
        ds.add_edge(org, "LOCATED_IN", add_region(ds, r), file=file, row=row, method="postcode")


def organisation_id(name: str, cvr: str | None = None, *, norm: str | None = None) -> str:
    """Return an organisation's id: ``cvr-CVR``, else ``org-`` and its normalised name (`norm`, if known).

    >>> organisation_id("Nordic Seed A/S", "28688679"), organisation_id("Nordic Seed A/S"), organisation_id("Væksthus Midtjylland")
    ('cvr-28688679', 'org-nordic-seed', 'org-vaeksthus-midtjylland')
    """
    if cvr:
        return f"cvr-{cvr}"
    return "org-" + (slugify(normalise_name(name) if norm is None else norm) or hashlib.sha1(name.encode()).hexdigest()[:10])


def add_organisation(ds: Dataset, name: str, *, file: str, row: int, cvr: str | None = None, cordis_type: str | None = None, **attrs) -> str:
    """Add an organisation known by its name (and CVR), classified (:func:`classify_organisation`); return its id.

    `name` is as the file gives it, cleaned by :func:`~ecosystem.ingest.tables.scrub`.
    """
    norm = ds.normalised(name)
    kind, subtype, source = classify_organisation(name, cordis_type, norm=norm)
    node = ds.add_node(
        organisation_id(name, cvr, norm=norm), kind=kind, subtype=subtype, name=name, aliases=[], kind_source=source, cvr=cvr, file=file, row=row, **attrs
    )
    return node


def name_merges(names: list[tuple[str, str]]) -> dict[str, str]:
    """Which organisations known only by name (``org-``) merge into the one organisation with
    a CVR (``cvr-``) of the same normalised name: ``{org id: cvr id}``, from ``(id, normalised name)``.

    >>> name_merges([("org-a", "a"), ("cvr-1", "a"), ("org-b", "b"), ("cvr-2", "b"), ("cvr-3", "b")])
    {'org-a': 'cvr-1'}
    """
    by_name = {x for u, x in names if u.startswith("org-")}
    same: dict[str, list[str]] = {}  # a name some organisation has without a CVR -> those with a CVR and that name
    for u, x in names:
        if x in by_name and u.startswith("cvr-"):
            same.setdefault(x, []).append(u)
    return {u: same[x][0] for u, x in names if u.startswith("org-") and len(same.get(x, ())) == 1}


def merge_by_name(ds: Dataset) -> None:
    """Fold organisations known only by name into the one with a CVR of the same name.

    A beneficiary (with its CVR) is often listed as a partner elsewhere in the file,
    by name only; both are the same organisation.
    """
    target = name_merges([(n, ds.normalised(d["name"])) for n, d in ds.nodes.items() if n.startswith(("org-", "cvr-"))])
    if not target:
        return
    seen, edges = set(), []
    for e in ds.edges:
        if e["start"] in target:
            e = e.replace(start=target[e["start"]])
        key = (e["start"], e["type"], e["end"], e["row"])
        if key not in seen and e["start"] != e["end"]:
            seen.add(key)
            edges.append(e)
    ds.edges = edges
    for n in target:
        del ds.nodes[n]
