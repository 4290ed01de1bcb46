"""Import an analyst's membership list (:func:`import_members`).

File read: a CSV with the header ``cluster,member,cvr,municipality``: ``cluster`` is a
seed entity's id, name or alias; ``member`` the member's name; ``cvr`` (8 digits,
optional, ``DK`` prefix allowed) and ``municipality`` (a name or 4-digit KOMKODE,
optional) may be left empty or left out. For example::

    cluster,member,cvr,municipality
    Danish Food Cluster,Arla Foods amba,25313763,Aarhus
    danish-food-cluster,Nordic Seed A/S,,Skanderborg
"""

from __future__ import annotations

import difflib
from pathlib import Path

import networkx as nx
import numpy as np

from ecosystem.evidence import ORGANISATION_KINDS, slugify
from ecosystem.geo import Municipality, municipality_by_name
from ecosystem.graph import build_graph, name_index
from ecosystem.ingest import listed
from ecosystem.ingest.dataset import Dataset, bulk
from ecosystem.ingest.listed import Listed
from ecosystem.ingest.organisations import (
    add_municipality,
    add_organisation,
    classify_organisation,
    merge_by_name,
    name_merges,
    organisation_id,
)
from ecosystem.ingest.tables import Table, read_table, scrub

__all__ = ["MEMBER_COLUMNS", "import_members"]

MEMBER_COLUMNS = ("cluster", "member", "cvr", "municipality")
"""A membership list's columns; the last two are optional."""


def import_members(path, *, G: nx.Graph | None = None, name: str | None = None, encoding: str = "utf-8-sig", columns: bool = False) -> Dataset:
    """Read an analyst's membership list (``cluster,member,cvr,municipality``).

    Parameters
    ----------
    path : path
        The CSV; ``cvr`` and ``municipality`` columns are optional (see the module docs).
    G : networkx graph, optional
        The seed graph the clusters are looked up in (default: the shipped seeds).
    name : str, optional
        The import's name (default ``members-`` + the file's name).
    columns : bool
        Keep the members as columns (``Dataset.listed``, :mod:`~ecosystem.ingest.listed`)
        until the import is stored, rather than a node each: the same stored import, in
        less time and memory for a large list (``ecosystem import`` does). ``expand()``
        makes them nodes.

    Raises
    ------
    ImportFailed
        If a cluster is not an organisation of G, a member is empty or listed twice for
        one cluster, a CVR is not 8 digits or a municipality is unknown.
    """
    with bulk():
        ds = _members(path, G, name, encoding, columns)
        if ds.listed is not None and not ds.nodes.keys().isdisjoint(ds.listed.index):  # a member with a cluster's id: read the usual way
            ds = _members(path, G, name, encoding, False)
        return ds


def _members(path, G: nx.Graph | None, name: str | None, encoding: str, columns: bool) -> Dataset:
    t = read_table(path, encoding)
    t.require(MEMBER_COLUMNS[:2], MEMBER_COLUMNS[2:])
    G = build_graph() if G is None else G
    index = name_index(G)
    ds = Dataset(name or "members-" + slugify(Path(path).name.split(".")[0]), "members", dropped_columns=list(t.dropped))
    ds.files.append(t.file_entry("members"))
    file = t.path.name
    towns: dict[str, Municipality | None] = {}  # a municipality as written, looked up once
    clusters: dict[str, str] = {}  # a cluster as written -> its seed id, checked once
    at_cluster, at_member = t.col["cluster"], t.col["member"]
    at_town = t.col.get("municipality")
    members = ds.listed = Listed() if columns else None
    for line, v in t.rows:
        ref = v[at_cluster].strip()
        cluster = clusters.get(ref)
        if cluster is None:
            cluster = clusters[ref] = _cluster(t, line, ref, G, index)
        member = scrub(v[at_member].strip())
        if not member:
            raise t.bad(line, "member", member, "is empty", "every row names a member", "write the member's name")
        cvr = t.cvr(line, v, "cvr")
        place = v[at_town].strip() if at_town is not None else ""
        if place not in towns:
            towns[place] = _town(t, line, place)
        municipality = towns[place]
        if members is not None:
            _listed_row(ds, members, G, member, cvr, cluster, municipality, file, line)
            continue
        org = add_organisation(ds, member, file=file, row=line, cvr=cvr, country="DK")
        if cluster not in ds.nodes:
            ds.add_node(cluster, ref=True, kind=G.nodes[cluster]["kind"], name=G.nodes[cluster]["name"], aliases=[], file=file, row=line)
        ds.add_edge(org, "MEMBER_OF", cluster, file=file, row=line)
        if municipality is not None:
            ds.add_edge(org, "LOCATED_IN", add_municipality(ds, municipality), file=file, row=line, method="municipality")
    if members is not None and (listed.repeated(ds) or _name_merges(ds, members)):
        ds.expand()  # as if every member were a node: the check says where, the merge merges
    if ds.listed is None:
        _check_listed_once(t, ds)
        merge_by_name(ds)
    return ds


def _name_merges(ds: Dataset, members: Listed) -> dict:
    """:func:`~ecosystem.ingest.organisations.name_merges` over the listed members and the dataset's nodes."""
    nodes = [(u, ds.normalised(d["name"])) for u, d in ds.nodes.items() if u.startswith(("org-", "cvr-"))]
    return name_merges([*zip(members.ids, members.norms), *nodes])


def _listed_row(ds: Dataset, members: Listed, G: nx.Graph, member: str, cvr, cluster: str, municipality, file: str, line: int) -> None:
    """A row's member, cluster and place, the member kept as columns (what the rows' loop does otherwise)."""
    norm = ds.normalised(member)
    kind, subtype, source = classify_organisation(member, norm=norm)
    at = members.add(organisation_id(member, cvr, norm=norm), norm, (kind, subtype or None, member, source, cvr, file, line, "DK"))  # listed.ATTRS
    if cluster not in ds.nodes:
        nodes, edges = len(ds.nodes), len(ds.edges)
        ds.add_node(cluster, ref=True, kind=G.nodes[cluster]["kind"], name=G.nodes[cluster]["name"], aliases=[], file=file, row=line)
        members.follow(ds, nodes, edges)
    members.relate(at, "MEMBER_OF", cluster, file=file, row=line)
    if municipality is not None:
        nodes, edges = len(ds.nodes), len(ds.edges)
        town = add_municipality(ds, municipality)
        if len(ds.nodes) != nodes or len(ds.edges) != edges:
            members.follow(ds, nodes, edges)
        members.relate(at, "LOCATED_IN", town, file=file, row=line, method="municipality")


def _cluster(t: Table, line: int, ref: str, G: nx.Graph, index: dict) -> str:
    """The seed organisation a row's ``cluster`` names, or the error for that line."""
    cluster = index.get(ref.casefold())
    if cluster is None or G.nodes[cluster].get("kind") not in ORGANISATION_KINDS:
        close = dict.fromkeys(G.nodes[index[c]]["name"] for c in difflib.get_close_matches(ref.casefold(), list(index), n=5, cutoff=0.6))
        hint = "did you mean " + " or ".join(map(repr, list(close)[:3])) + "?" if close else "look it up with `ecosystem show NAME`"
        raise t.bad(line, "cluster", ref, "is not an organisation in the seeds", "cluster is an id, name or alias of a seed organisation", hint)
    return cluster


def _town(t: Table, line: int, place: str) -> Municipality | None:
    """The municipality a row's ``municipality`` names (None if empty), or the error for that line."""
    if not place:
        return None
    municipality = municipality_by_name(place)
    if municipality is None:
        raise t.bad(
            line,
            "municipality",
            place,
            "is not a Danish municipality",
            "municipality is a municipality's name or 4-digit KOMKODE",
            "write e.g. Aarhus or 0751, or leave it empty",
        )
    return municipality


def _check_listed_once(t: Table, ds: Dataset) -> None:
    """Raise at the first row that lists a member of a cluster again.

    Memberships are compared by their hashes in one array (8 bytes each, not a set of a
    million ints); only where two hashes are equal are the memberships themselves compared.
    """
    keys = np.fromiter((hash((start, end)) for start, type, end, _, _, _, _, _, _, _ in ds.edges if type == "MEMBER_OF"), dtype=np.int64)
    keys.sort()
    if not (keys[1:] == keys[:-1]).any():
        return
    first: dict[tuple, int] = {}
    for e in ds.edges:
        if e["type"] != "MEMBER_OF":
            continue
        pair = (e["start"], e["end"])
        if pair in first:
            name = ds.nodes[e["start"]]["name"]
            raise t.bad(e["row"], "member", name, f"is listed for {ds.nodes[e['end']]['name']!r} twice (first at line {first[pair]})", "each membership once", "remove the duplicate row")
        first[pair] = e["row"]
