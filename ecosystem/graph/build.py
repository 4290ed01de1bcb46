"""Build the evidence graph: a NetworkX ``MultiDiGraph`` with provenance on every fact."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.evidence.schema import ATTRIBUTES, kind_labels
from ecosystem.evidence.seeds import Seeds, fact_id, load_seeds

__all__ = ["build_graph", "document_years"]

_EVENTS = ("RENAMED_TO", "MERGED_INTO")
_IDENTITY = {"kind", "subtype", "name", "aliases", "labels", "doc", "doc_year", "quote", "first_year", "former"}


def _value(attr: str, raw: str):
    t = ATTRIBUTES[attr].type
    if t in ("year", "int"):
        return int(raw)
    if t == "float":
        return float(raw)
    if t == "bool":
        return raw == "true"
    return raw


def build_graph(
    seeds: Seeds | str | Path | None = None,
    *,
    as_of: int | None = None,
) -> nx.MultiDiGraph:
    """Build the ecosystem graph from seed files.

    Parameters
    ----------
    seeds : Seeds, path or None
        Parsed seeds, a seed directory, or None for the seeds shipped with the package.
    as_of : int, optional
        Give the landscape as known in that year: facts from documents published later
        are left out, entities no document had named by then are left out, entities that
        had ended by then are left out, and renames and mergers dated up to that year are
        applied (the old node is folded into the new one, its names kept as aliases).
        ``None`` gives the whole evidence graph: every fact, renames kept as edges.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes carry ``kind``, ``subtype``, ``name``, ``aliases`` (list), ``labels`` (list),
        ``doc``, ``quote``, ``doc_year``, ``first_year`` and the stated attributes, each
        with ``<attr>_doc`` and ``<attr>_quote``. Edges are keyed by a stable fact id and
        carry ``type``, ``role``, ``year``, ``doc``, ``doc_year`` and ``quote``.

    Raises
    ------
    SeedError
        If the seed files break the model's rules (every problem listed).

    Examples
    --------
    >>> G = build_graph()
    >>> G.nodes["danish-food-cluster"]["kind"]
    'cluster_organisation'
    >>> all("quote" in d for _, _, d in G.edges(data=True))
    True
    """
    if not isinstance(seeds, Seeds):
        seeds = load_seeds(seeds)
    year = seeds.doc_year
    if as_of is not None:
        if isinstance(as_of, bool) or not isinstance(as_of, int):
            raise TypeError(f"as_of must be a year as an int, e.g. 2017, not {as_of!r}")
        earliest = min(((year(doc), doc) for doc in seeds.documents), default=None)
        if earliest is not None and as_of < earliest[0]:
            raise EcosystemError(f"as of {as_of} nothing is known: the earliest document ({earliest[1]}) is from {earliest[0]}; use {earliest[0]} or later")
    known = as_of is None or (lambda row: year(row["doc"]) <= as_of)
    keep = (lambda row: True) if as_of is None else known

    G = nx.MultiDiGraph(as_of=as_of)
    # The first row (entity row first on ties) that names each entity: with as_of, an
    # entity a later document introduced is cited from the earliest document that named it.
    first: dict[str, tuple[int, str, str]] = {}
    for row in [*seeds.entities.values(), *seeds.attributes, *seeds.relations]:
        y = year(row["doc"])
        for ent in (row.get("id"), row.get("entity"), row.get("start"), row.get("end")):
            if ent in seeds.entities and (ent not in first or y < first[ent][0]):
                first[ent] = (y, row["doc"], row["quote"])

    for eid, row in seeds.entities.items():
        if as_of is not None and first[eid][0] > as_of:
            continue
        doc, quote = row["doc"], row["quote"]
        if as_of is not None and year(doc) > as_of:
            _, doc, quote = first[eid]
        G.add_node(
            eid,
            kind=row["kind"],
            subtype=row["subtype"],
            name=row["name"],
            aliases=[a.strip() for a in row["aliases"].split("|") if a.strip()],
            labels=list(kind_labels(row["kind"])),
            doc=doc,
            doc_year=year(doc),
            quote=quote,
            first_year=first[eid][0],
        )
    # Later documents override earlier ones: iterate attributes by document year.
    for row in sorted(seeds.attributes, key=lambda r: (year(r["doc"]), r.line)):
        if keep(row) and row["entity"] in G:
            node = G.nodes[row["entity"]]
            node[row["attribute"]] = _value(row["attribute"], row["value"])
            node[row["attribute"] + "_doc"] = row["doc"]
            node[row["attribute"] + "_quote"] = row["quote"]

    for row in seeds.relations:
        if keep(row) and row["start"] in G and row["end"] in G:
            key = fact_id(row["start"], row["type"], row["end"], row["doc"], row["quote"])
            G.add_edge(
                row["start"],
                row["end"],
                key=key,
                type=row["type"],
                role=row["role"],
                year=int(row["year"]) if row["year"] else None,
                doc=row["doc"],
                doc_year=year(row["doc"]),
                quote=row["quote"],
            )

    if as_of is not None:
        _apply_events(G, as_of)
        ended = [n for n, d in G.nodes(data=True) if d.get("ended") is not None and d["ended"] <= as_of]
        G.remove_nodes_from(ended)
    return G


def _apply_events(G: nx.MultiDiGraph, as_of: int) -> None:
    """Fold renamed and merged-away nodes into their successors, oldest event first."""
    events = sorted(
        ((d["year"] or d["doc_year"], u, v, d["type"]) for u, v, d in G.edges(data=True) if d["type"] in _EVENTS),
        key=lambda e: (e[0], e[1], e[2]),
    )
    folded: dict[str, str] = {}  # old id -> the node it was folded into
    for when, old, new, type_ in events:
        while new in folded:  # the successor may itself have been folded already
            new = folded[new]
        if when > as_of or old not in G or new not in G or old == new:
            continue
        folded[old] = new
        target = G.nodes[new]
        former = G.nodes[old]
        target["aliases"] = sorted({*target["aliases"], former["name"], *former["aliases"]} - {target["name"]})
        target.setdefault("former", []).extend([*former.get("former", []), old])
        target["first_year"] = min(target["first_year"], former["first_year"])
        if type_ == "RENAMED_TO":
            # A rename keeps the organisation: its stated attributes hold until the new
            # name states its own. Its end is the rename itself, not the successor's.
            # A merger keeps nothing: the merged-away body's members, CVR number or
            # website are not the successor's.
            for key, value in former.items():
                if key not in _IDENTITY and key not in target and not key.startswith("ended"):
                    target[key] = value
        for u, v, k, d in list(G.in_edges(old, keys=True, data=True)) + list(G.out_edges(old, keys=True, data=True)):
            if d["type"] in _EVENTS and {u, v} == {old, new}:
                continue
            a, b = (new if u == old else u), (new if v == old else v)
            if a != b:
                G.add_edge(a, b, key=k, **d)
        G.remove_node(old)


def document_years(seeds: Seeds | None = None) -> list[int]:
    """Return the sorted distinct publication years of the source documents."""
    seeds = seeds or load_seeds()
    return sorted({int(r["year"]) for r in seeds.documents.values()})

