"""Import CORDIS Horizon 2020 participations (:func:`import_cordis`).

Files read: ``h2020_participations.csv[.gz]``: ``rcn, role, pic, type, contribution,
country, start_date`` (``end_date``, ``total_cost`` optional; ``NA`` means missing);
optional ``h2020_programme_parts.csv[.gz]`` (``rcn, programme_part``) beside it, and the
CORDIS organisations file (``organisationID, name, activityType, country``;
``vatNumber``, ``shortName``, ``SME``, ``city``, ``postCode``, ``geolocation`` optional)
for names, CVR numbers (``vatNumber`` ``DK`` + 8 digits) and coordinates.
"""

from __future__ import annotations

import re

from ecosystem.evidence import slugify
from ecosystem.ingest.dataset import Dataset, bulk
from ecosystem.ingest.organisations import classify_organisation, locate, organisation_id
from ecosystem.ingest.tables import MISSING, NUMBERS, Table, failure, read_table, scrub
from ecosystem.text import parse_year

__all__ = ["CORDIS_ROLES", "CORDIS_TYPES", "H2020_PARTS", "import_cordis"]

CORDIS_ROLES = {"coordinator", "participant", "partner", "thirdparty", "internationalpartner", "beneficiary"}
"""The participation roles CORDIS writes (compared in lowercase)."""
CORDIS_TYPES = {"HES", "PRC", "REC", "PUB", "OTH"}
"""CORDIS activity types: higher education, private company, research, public body, other."""
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
"""What the H2020 programme parts' codes stand for."""


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
    with bulk():
        return _cordis(path, organisations_path, programmes_path, name, encoding)


def _cordis(path, organisations_path, programmes_path, name: str, encoding: str) -> Dataset:
    t = read_table(path, encoding)
    if "organisationID" in t.header and "pic" not in t.header:
        raise failure(t.path, 1, None, "this is a CORDIS organisations file, not a participations file", "the first argument is the participations file",
                      f"ecosystem import cordis PARTICIPATIONS.csv.gz --organisations {t.path.name}")
    t.require(("rcn", "role", "pic", "type", "contribution", "country", "start_date"), ("end_date", "total_cost"))
    ds = Dataset(name, "cordis", dropped_columns=list(t.dropped))
    ds.files.append(t.file_entry("cordis_participations"))
    orgs = _organisations(ds, organisations_path, encoding) if organisations_path is not None else {}
    if programmes_path is None:
        for suffix in (".csv.gz", ".csv"):
            sibling = t.path.with_name("h2020_programme_parts" + suffix)
            if sibling.exists() and sibling != t.path:
                programmes_path = sibling
                break
    ds.add_node("horizon-2020", kind="programme", subtype="programme", name="Horizon 2020", aliases=["H2020"], file=t.path.name, row=None)
    parts = _programme_parts(ds, programmes_path, encoding) if programmes_path is not None else {}
    _participations(ds, t, orgs, parts)
    return ds


def _organisations(ds: Dataset, path, encoding: str) -> dict[str, dict]:
    """Read the CORDIS organisations file: what it says of each PIC (the first row of a PIC counts)."""
    o = read_table(path, encoding)
    o.require(("organisationID", "name", "activityType", "country"), ("vatNumber", "shortName", "SME", "city", "postCode", "geolocation"))
    ds.files.append(o.file_entry("cordis_organisations"))
    ds.dropped_columns += o.dropped
    orgs: dict[str, dict] = {}
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
            "name": scrub(o.get(v, "name")),
            "short": scrub(o.get(v, "shortName")),
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
    return orgs


def _programme_parts(ds: Dataset, path, encoding: str) -> dict[str, list[str]]:
    """Read ``rcn, programme_part``: add the parts, ``PART_OF`` Horizon 2020; return each rcn's parts."""
    p = read_table(path, encoding)
    p.require(("rcn", "programme_part"))
    ds.files.append(p.file_entry("cordis_programme_parts"))
    parts: dict[str, list[str]] = {}
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
    return parts


def _participations(ds: Dataset, t: Table, orgs: dict[str, dict], parts: dict[str, list[str]]) -> None:
    """Add every participation: the organisation (once per PIC), the project (once per rcn), the edge."""
    file = t.path.name
    seen: dict[tuple[str, str], int] = {}
    node_of_pic: dict[str, str] = {}
    i_rcn, i_role, i_pic, i_type, i_country = (t.col[k] for k in ("rcn", "role", "pic", "type", "country"))
    plain = NUMBERS["plain"][0]
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
        if ctype not in CORDIS_TYPES and ctype not in MISSING:
            raise t.bad(line, "type", ctype, "is not a CORDIS activity type", "type is HES, PRC, REC, PUB, OTH or NA", "fix the type")
        raw = v[t.col["contribution"]].strip()
        if raw in MISSING:
            amount = None
        elif plain.fullmatch(raw):
            amount = float(raw)
        else:
            amount = t.number(line, v, "contribution")  # raises with the position
        start = t.date(line, v, "start_date")
        year = parse_year(start, date=True)
        country = v[i_country].strip()
        country = None if country in MISSING else country

        org = node_of_pic.get(pic)
        if org is None:
            org = node_of_pic[pic] = _participant(ds, pic, orgs.get(pic), ctype, country, file=file, row=line)

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
                end=t.date(line, v, "end_date"),
                year=year,
                total_cost=t.number(line, v, "total_cost"),
                file=file,
                row=line,
            )
            for pid in parts.get(rcn, ["horizon-2020"]):
                ds.add_edge(project, "FUNDED_BY", pid, file=file, row=line, year=year)
        ds.add_edge(org, "PARTICIPATES_IN", project, role=role, file=file, row=line, year=year, amount=amount, amount_unit="EUR")


def _participant(ds: Dataset, pic: str, info: dict | None, ctype: str, country: str | None, *, file: str, row: int) -> str:
    """Add the organisation behind a PIC at its first participation; return its id.

    Named (and located, if Danish) when the organisations file knows the PIC, else
    ``pic-PIC`` named "PIC ..." with ``named=False``.
    """
    if info and info["name"]:
        kind, subtype, source = classify_organisation(info["name"], ctype)
        org = ds.add_node(
            organisation_id(info["name"], info["cvr"]) if info["cvr"] else f"pic-{pic}",
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
            locate(ds, org, file=info["file"], row=info["row"], lat=info["lat"], lon=info["lon"], town=info["town"], postcode=info["postcode"])
        return org
    kind, subtype, source = classify_organisation("", ctype)
    return ds.add_node(
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
        row=row,
    )
