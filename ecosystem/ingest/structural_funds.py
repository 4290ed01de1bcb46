"""Import the Danish structural funds' list of operations (:func:`import_structural_funds`).

Files read: the Danish Business Authority's list of operations, 2007-13 (``ordning, cvr,
navn, parter, ...``; amounts with a decimal comma, apparently thousands of DKK) or
2014-20 (bilingual headers, ``Fond / Fund``, UTM32 coordinates, amounts in DKK); the
format is told from the header.
"""

from __future__ import annotations

import hashlib
import re

from ecosystem.evidence import slugify
from ecosystem.geo import municipalities, region_by_name, utm_to_latlon
from ecosystem.ingest.dataset import Dataset
from ecosystem.ingest.organisations import add_municipality, add_organisation, add_region, locate, merge_by_name
from ecosystem.ingest.tables import Table, failure, read_table, scrub
from ecosystem.text import parse_year

__all__ = ["import_structural_funds"]

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
    region = region_by_name(area)
    if region is not None:
        ds.add_edge(pid, "SERVES", add_region(ds, region), file=file, row=row)
    elif area == "Bornholm":
        ds.add_edge(pid, "SERVES", add_municipality(ds, municipalities()["0400"]), file=file, row=row)
    else:
        ds.add_node("danmark", kind="region", subtype="area", name="Danmark", aliases=[], file=file, row=None)
        ds.add_edge(pid, "SERVES", "danmark", file=file, row=row)
    return pid


def _partners(text: str, sep: str) -> list[str]:
    names = []
    for part in re.split(sep, text):
        part = scrub(part.strip().rstrip(".").strip())
        if part and part not in names:
            names.append(part)
    return names


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
    t = read_table(path, encoding)
    if "ordning" in t.header:
        return _structural_funds_2007(t, name or "structural-funds-2007-2013")
    if _SF_2014["fund"] in t.header:
        return _structural_funds_2014(t, name or "structural-funds-2014-2020")
    raise failure(
        t.path,
        1,
        1,
        "the header is neither structural-fund format",
        "2007-13 files have the columns " + ", ".join(_SF_2007) + "; 2014-20 files have " + ", ".join(_SF_2014.values()),
        "check that this is the Danish Business Authority's list of operations and that its header is unchanged",
    )


def _sf_project(ds: Dataset, pid: str, title: str, start, end, *, file: str, row: int, **attrs) -> str:
    return ds.add_node(
        pid, kind="project", subtype="", name=scrub(title) or pid, aliases=[], start=start, end=end, year=parse_year(start, date=True), file=file, row=row, **attrs
    )


def _structural_funds_2007(t: Table, name: str) -> Dataset:
    t.require(_SF_2007, ("Indsatsområde", "vejnavn"))
    ds = Dataset(name, "structural_funds_2007_2013", dropped_columns=list(t.dropped))
    ds.files.append(t.file_entry("structural_funds_2007_2013"))
    file = t.path.name
    for line, v in t.rows:
        code = t.get(v, "ordning")
        m = re.fullmatch(r"(ERDF|ESF)([NMDSHBK])", code)
        if not m:
            raise t.bad(
                line, "ordning", code, "is not a fund x region pool", "ordning is ERDF or ESF followed by N, M, D, S, H, B or K", "write e.g. ERDFN"
            )
        cvr = t.cvr(line, v, "cvr", required=True)
        beneficiary = t.get(v, "navn")
        if not beneficiary:
            raise t.bad(line, "navn", beneficiary, "is empty", "every project has a beneficiary", "write the beneficiary's name")
        title = t.get(v, "projekttitel")
        start, end = t.date(line, v, "start_dato"), t.date(line, v, "slut_dato")
        budget, eu = t.number(line, v, "budget", style="comma"), t.number(line, v, "eu", style="comma")
        year = parse_year(start, date=True)
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
        org = add_organisation(ds, scrub(beneficiary), file=file, row=line, cvr=cvr, postcode=t.get(v, "postnr"), town=t.get(v, "bynavn"), country="DK")
        locate(ds, org, file=file, row=line, town=t.get(v, "bynavn"), postcode=t.get(v, "postnr"))
        ds.add_edge(org, "PARTICIPATES_IN", pid, file=file, row=line, role="beneficiary", year=year, amount=eu, amount_unit="DKK thousands")
        for partner in _partners(t.get(v, "parter"), r"\.\s+"):
            pnode = add_organisation(ds, partner, file=file, row=line, country="DK")
            if pnode != org:
                ds.add_edge(pnode, "PARTICIPATES_IN", pid, file=file, row=line, role="partner", year=year)
    merge_by_name(ds)
    return ds


def _structural_funds_2014(t: Table, name: str) -> Dataset:
    t.require(_SF_2014.values(), ("Prioritetsakse / Priority axis", "Land / Country"))
    ds = Dataset(name, "structural_funds_2014_2020", dropped_columns=list(t.dropped))
    ds.files.append(t.file_entry("structural_funds_2014_2020"))
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
        start, end = t.date(line, v, c["start"]), t.date(line, v, c["end"])
        budget, eu = t.number(line, v, c["budget"], style="dots"), t.number(line, v, c["eu"], style="dots")
        east, north = t.number(line, v, c["east"]), t.number(line, v, c["north"])
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
            lat, lon = utm_to_latlon(east, north)
        year = parse_year(start, date=True)
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
        org = add_organisation(ds, scrub(beneficiary), file=file, row=line, postcode=t.get(v, c["postcode"]), town=t.get(v, c["town"]), country="DK")
        locate(ds, org, file=file, row=line, lat=lat, lon=lon, town=t.get(v, c["town"]), postcode=t.get(v, c["postcode"]))
        ds.add_edge(org, "PARTICIPATES_IN", pid, file=file, row=line, role="beneficiary", year=year, amount=eu, amount_unit="DKK")
        for partner in _partners(t.get(v, c["partners"]), r"\s*\n\s*"):
            pnode = add_organisation(ds, partner, file=file, row=line, country="DK")
            if pnode != org:
                ds.add_edge(pnode, "PARTICIPATES_IN", pid, file=file, row=line, role="partner", year=year)
    return ds
