"""The landscape through the years the documents were published: counts for the timeline, changes between two years."""

from __future__ import annotations

from collections import Counter

from ecosystem.analysis.overlap import signal_sets
from ecosystem.analysis.whatif import landscape_metrics
from ecosystem.evidence import ORGANISATION_KINDS
from ecosystem.graph import build_graph, document_years

__all__ = ["counts_by_year", "landscape_diff"]

_EVENTS = ("RENAMED_TO", "MERGED_INTO")
_METRICS = ("organisations", "overlapping_pairs", "total_pairwise_overlap")


def counts_by_year(seeds, by: str = "kind") -> dict[int, Counter]:
    """Count the landscape as the documents knew it in each of their publication years.

    Parameters
    ----------
    seeds : dict
        Seed tables, as returned by :func:`ecosystem.evidence.load_seeds`.
    by : {"kind", "theme"}
        ``kind``: how many nodes of each kind. ``theme``: how many cluster organisations
        work in each theme, by the theme's name (the ``themes`` signal).

    Returns
    -------
    dict
        ``{year: Counter}`` for each year of :func:`ecosystem.graph.document_years`, each
        counted in the graph built ``as_of`` that year (later facts and ended
        organisations left out, renames applied): what :func:`ecosystem.plot.timeline` draws.

    Raises
    ------
    ValueError
        If ``by`` is neither ``kind`` nor ``theme``.
    """
    if by not in ("kind", "theme"):
        raise ValueError(f"by must be 'kind' or 'theme', not {by!r}")
    counts = {}
    for year in document_years(seeds):
        H = build_graph(seeds, as_of=year)
        if by == "kind":
            counts[year] = Counter(kind for _, kind in H.nodes(data="kind"))
        else:
            counts[year] = Counter(
                H.nodes[t].get("name", t) for themes in signal_sets(H, "themes").values() for t in themes
            )
    return counts


def landscape_diff(seeds, from_year: int, to_year: int, *, kinds=ORGANISATION_KINDS) -> dict:
    """Compare the landscape as the documents knew it in two years: who came, who went, who was renamed or merged.

    Parameters
    ----------
    seeds : Seeds
        From :func:`ecosystem.evidence.load_seeds`.
    from_year, to_year : int
        The two years (``from_year`` at most ``to_year``); each graph is built ``as_of``
        that year (:func:`ecosystem.graph.build_graph`).
    kinds : collection of str
        The node kinds compared (default: every organisation kind; add ``"project"`` or
        ``"programme"`` to see those begin and end).

    Returns
    -------
    dict
        ``from``, ``to``; ``added``: organisations first named after ``from_year`` (not a
        new name of an earlier one), each ``{"id", "name", "kind", "year", "doc",
        "quote"}`` citing the first document that names it; ``ended``: organisations gone
        by ``to_year``, citing the fact of their end (``year``, ``doc``, ``quote``;
        None where no fact says); ``renamed`` and ``merged``: organisations folded into a
        successor, each also with ``into`` and ``into_name`` and the fact of the event;
        ``metrics``: ``{"from": {...}, "to": {...}}`` of ``organisations`` (cluster
        organisations), ``overlapping_pairs`` and ``total_pairwise_overlap``
        (:func:`ecosystem.analysis.landscape_metrics`). Lists are sorted by name.
    """
    if to_year < from_year:
        raise ValueError(f"the years are the wrong way round: from {from_year} to {to_year}")
    A, B = build_graph(seeds, as_of=from_year), build_graph(seeds, as_of=to_year)
    orgs_a = {n for n, k in A.nodes(data="kind") if k in kinds}
    orgs_b = {n for n, k in B.nodes(data="kind") if k in kinds}
    successor = {old: n for n in orgs_b for old in B.nodes[n].get("former", ())}
    events = {row["start"]: row for row in seeds.relations if row["type"] in _EVENTS}
    ends = {row["entity"]: row for row in seeds.attributes if row["attribute"] == "ended"}

    def item(G, n, row=None) -> dict:
        d = G.nodes[n]
        fact = {"year": d.get("doc_year"), "doc": d.get("doc"), "quote": d.get("quote")} if row is None else {
            "year": int(row.get("year") or row.get("value") or seeds.doc_year(row["doc"])), "doc": row["doc"], "quote": row["quote"]
        }  # fmt: skip
        return {"id": n, "name": d["name"], "kind": d["kind"], **fact}

    out: dict = {"from": from_year, "to": to_year, "added": [], "ended": [], "renamed": [], "merged": []}
    for n in orgs_a - orgs_b:
        if n in successor:
            row = events.get(n)
            kind = "renamed" if row is not None and row["type"] == "RENAMED_TO" else "merged"
            into = successor[n]
            out[kind].append({**item(A, n, row), "into": into, "into_name": B.nodes[into]["name"]})
        else:
            entry = item(A, n, ends.get(n))
            if n not in ends:
                entry.update(year=None, doc=None, quote=None)
            out["ended"].append(entry)
    folded_into = {successor[n] for n in orgs_a if n in successor}
    out["added"] = [item(B, n) for n in orgs_b - orgs_a if n not in folded_into or not set(B.nodes[n]["former"]) & orgs_a]
    for key in ("added", "ended", "renamed", "merged"):
        out[key].sort(key=lambda e: (e["name"].casefold(), e["id"]))
    before, after = landscape_metrics(A), landscape_metrics(B)
    out["metrics"] = {"from": {k: before[k] for k in _METRICS}, "to": {k: after[k] for k in _METRICS}}
    return out
