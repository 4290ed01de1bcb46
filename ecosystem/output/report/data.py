"""What the report shows, as plain data ready for JSON and the template: no HTML here.

Every function takes a built graph and the analyses' results and only reshapes them
(names for ids, the facts behind each relation); the order is the graph's or sorted, so
the same input gives the same data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from ecosystem.analysis import SIGNALS
from ecosystem.evidence import ATTRIBUTES, CLUSTER_KINDS
from ecosystem.graph import folded_count, folded_degree, folded_relations, graph_stats, hidden_members
from ecosystem.output.plots import KIND_STYLE
from ecosystem.output.tables import hub_regions_text

__all__ = ["MAX_NODES", "overview", "network", "needs_whole_graph", "overlap_rows", "proposals", "targets_table"]

MAX_NODES = 1500
"""A graph of more nodes is shown in part: the cluster organisations and their neighbours."""


def overview(G: nx.MultiDiGraph, documents: Mapping, as_of: int | None) -> dict:
    """Counts by kind and type, the as-of year, the source documents and any imports.

    ``documents`` is ``Seeds.documents`` (id -> row with ``title`` and ``year``).
    """
    stats = G.graph.get("stats") or graph_stats(G)  # the analysis graph carries the whole graph's counts
    docs = [{"id": d, "title": row["title"], "year": row["year"]} for d, row in documents.items()]
    return {
        "as_of": as_of,
        "nodes": stats["nodes"],
        "relationships": stats["relationships"],
        "nodes_by_kind": stats["nodes_by_kind"],
        "relationships_by_type": stats["relationships_by_type"],
        "imports": stats.get("imported_organisations", {}),
        "documents": sorted(docs, key=lambda d: (str(d["year"]), d["id"])),
    }


def needs_whole_graph(G: nx.MultiDiGraph, max_nodes: int = MAX_NODES) -> bool:
    """Whether the network of G's report would show every node, but G, an analysis graph
    (:func:`ecosystem.ingest.analysis_graph`), lacks some: give the report the whole graph then.

    Only a small store (at most `max_nodes` nodes to draw, at most ten times as many in
    all) needs it, so the whole graph is quick to build; a larger one shows the cluster
    organisations and their neighbours, which the analysis graph holds. A store of many
    more nodes, nearly all of them members and nothing else (folded), is not
    rebuilt: its network shows the analysis graph's nodes, and its note counts them
    against the whole graph's.
    """
    if "stats" not in G.graph:
        return False
    n_folded = folded_count(G)  # not hidden_members: that searches an unfolded G
    total = G.graph["stats"]["nodes"]
    return total <= 10 * max_nodes and total - n_folded <= max_nodes and G.number_of_nodes() + n_folded < total


def _focus(G: nx.MultiDiGraph, max_nodes: int) -> tuple[list, str]:
    """The nodes to show, in G's order, and a sentence saying which they are.

    All of them up to ``max_nodes``; else the cluster organisations and innovation networks
    and their neighbours, those linked to the most of them first (then degree, id). The
    members with no other relation, where each of their organisations has ``FOLD_AT`` or
    more of them, are counted, never drawn (the analysis graph keeps them as lists:
    :mod:`ecosystem.graph.folded`).
    """
    hidden, n_hidden = hidden_members(G)
    # the whole graph's count: the analysis graph carries it, cut to what the analyses read
    total = G.graph["stats"]["nodes"] if "stats" in G.graph else G.number_of_nodes() + (n_hidden if not hidden else 0)
    aside = f"; {n_hidden:,} members with no other relation are counted, not drawn" if n_hidden else ""
    if total - n_hidden <= max_nodes:
        nodes = [n for n in G if n not in hidden]
        return nodes, f"showing {len(nodes):,} of {total:,} nodes{aside}" if n_hidden else ""
    core = sorted((n for n, k in G.nodes(data="kind") if k in CLUSTER_KINDS), key=lambda n: (-folded_degree(G, n), str(n)))[:max_nodes]
    core_set, links = set(core), {}
    for c in core:
        for m in set(nx.all_neighbors(G, c)) - core_set - hidden:
            links[m] = links.get(m, 0) + 1
    kept = sorted(links, key=lambda n: (-links[n], -folded_degree(G, n), str(n)))[: max_nodes - len(core)]
    keep = core_set | set(kept)
    note = (f"showing {len(keep):,} of {total:,} nodes: the cluster organisations and innovation"
            " networks and " + (f"their {len(links):,} neighbours" if len(kept) == len(links) else
                                 f"{len(kept):,} of their {len(links):,} neighbours (those linked to the most of them)") + aside)
    return [n for n in G if n in keep], note


def _source(d: Mapping) -> dict:
    """Where a node or relation comes from: the document and quote, or the imported file and row."""
    if d.get("imported") or d.get("dataset"):
        where = f"{d.get('dataset') or 'import'}: {d.get('file') or ''}" + (f", row {d['row']}" if d.get("row") else "")
        return {"doc": "", "quote": "", "imported": where}
    return {"doc": d.get("doc") or "", "quote": d.get("quote") or ""}


def _positions(G: nx.MultiDiGraph, nodes: list) -> dict:
    """Pixel positions: a seeded spring layout of the largest linked part, the rest in rows below it.

    The small parts and unlinked nodes go in rows, each part's nodes side by side, so the
    main network fills the view. Rounded: the same bytes every run.
    """
    U = nx.Graph()
    U.add_nodes_from(nodes)
    keep = set(nodes)
    U.add_edges_from((u, v) for u, v in G.edges(nodes) if v in keep and u != v)
    order = {n: i for i, n in enumerate(nodes)}
    parts = sorted((sorted(c, key=order.get) for c in nx.connected_components(U)), key=lambda c: (-len(c), order[c[0]]))
    if not parts:
        return {}
    main, rest = parts[0], [n for c in parts[1:] for n in c]
    pos = {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(U.subgraph(main), seed=42, scale=700).items()}
    top = max(y for _, y in pos.values()) + 80
    pos |= {n: (-700 + 35 * (i % 41), top + 35 * (i // 41)) for i, n in enumerate(rest)}
    return {n: {"x": round(x, 1), "y": round(y, 1)} for n, (x, y) in pos.items()}


def network(G: nx.MultiDiGraph, max_nodes: int = MAX_NODES) -> dict:
    """The graph as Cytoscape.js elements with preset positions, plus the kinds and themes to filter by.

    Each node carries its name, aliases, kind, themes (the themes it WORKS_IN), size,
    colour, its provenance and attribute facts; each relation its type, document and quote.
    """
    nodes, note = _focus(G, max_nodes)
    keep = set(nodes)
    pos = _positions(G, nodes)
    themes: dict = {}
    for u, v, t in G.edges(nodes, data="type"):
        if t == "WORKS_IN" and v in keep and G.nodes[v]["kind"] == "theme":
            themes.setdefault(u, []).append(v)
    elements = []
    for n in nodes:
        d = G.nodes[n]
        facts = [{"attribute": a, "value": str(d[a]), "doc": d.get(f"{a}_doc") or "", "quote": d.get(f"{a}_quote") or "",
                  "imported": "" if d.get(f"{a}_quote") else "imported"} for a in ATTRIBUTES if a in d]
        own = sorted(set(themes.get(n, [])) | ({n} if d["kind"] == "theme" else set()))
        elements.append({"group": "nodes", "position": pos[n], "data": {
            "id": str(n), "label": d.get("name") or str(n), "aliases": list(d.get("aliases") or []), "kind": d["kind"],
            "subtype": d.get("subtype") or "", "themes": [str(t) for t in own], "major": d["kind"] in CLUSTER_KINDS,
            "size": round(8 + 3 * min(folded_degree(G, n), 36) ** 0.5, 1), "color": KIND_STYLE.get(d["kind"], ("#999999",))[0],
            "facts": facts, **_source(d)}})
    for i, (u, v, e) in enumerate(G.edges(nodes, data=True)):
        if v in keep:
            elements.append({"group": "edges", "data": {
                "id": f"e{i}", "source": str(u), "target": str(v), "type": e.get("type") or "", "role": e.get("role") or "",
                "year": e.get("year") or "", **_source(e)}})
    kinds: dict[str, int] = {}
    for n in nodes:
        kinds[G.nodes[n]["kind"]] = kinds.get(G.nodes[n]["kind"], 0) + 1
    theme_list = sorted(({"id": str(n), "name": G.nodes[n]["name"]} for n in nodes if G.nodes[n]["kind"] == "theme"),
                        key=lambda t: (t["name"].casefold(), t["id"]))
    return {"elements": elements, "note": note, "themes": theme_list,
            "kinds": [{"kind": k, "count": c, "color": KIND_STYLE.get(k, ("#999999",))[0]} for k, c in sorted(kinds.items())]}


def overlap_rows(G: nx.MultiDiGraph, pairs: Sequence[Mapping], top: int = 20) -> list[dict]:
    """The ``top`` pairs of :func:`ecosystem.analysis.pairwise_overlaps`, names and per-signal breakdown."""
    rows = []
    for p in pairs[:top]:
        signals = []
        for s in SIGNALS:
            v = p["signals"].get(s) or {"shared": 0, "jaccard": 0.0, "containment_ab": 0.0, "containment_ba": 0.0}
            signals.append({"signal": s, "shared": v["shared"], "jaccard": f"{v['jaccard']:.2f}",
                            "containment_ab": f"{v['containment_ab']:.2f}", "containment_ba": f"{v['containment_ba']:.2f}"})
        rows.append({"a": G.nodes[p["a"]]["name"], "b": G.nodes[p["b"]]["name"], "score": f"{p['score']:.3f}", "signals": signals})
    return rows


def _name(G: nx.MultiDiGraph, n) -> str:
    if n in G:
        return G.nodes[n]["name"]
    folded = folded_relations(G, n)  # a member of several organisations, folded away
    return folded[0] if folded else str(n)


def proposals(G: nx.MultiDiGraph, result: Mapping) -> dict:
    """The :func:`ecosystem.analysis.propose` result with names for ids: members, anchor, hubs, mass, gaps, evidence."""
    out = []
    for p in result["proposals"]:
        hubs = {h["id"] for h in p["hubs"]}
        cm = p["critical_mass"]
        out.append({
            "rank": p["rank"], "id": p["id"], "score": f"{p['score']:.3f}", "caution": p.get("caution") or "",
            "members": [{"name": m["name"], "id": m["id"], "kind": m["kind"].replace("_", " "),
                         "role": "anchor" if m["id"] == p["anchor"]["id"] else "hub" if m["id"] in hubs else "member"}
                        for m in p["members"]],
            "anchor": {"name": p["anchor"]["name"], "why": p["anchor"]["why"]},
            "hubs": [{"name": h["name"], "serves": hub_regions_text(h)} for h in p["hubs"]],
            "critical_mass": {"verdict": cm["verdict"], "stated_members": cm["stated_members"],
                              "benchmark": f"{cm['benchmark'][0]}-{cm['benchmark'][1]}", "doc": cm["doc"], "quote": cm["quote"]},
            "themes": [t["name"] for t in p["themes"]],
            "requirements": [{"requirement": r["requirement"], "status": r["status"], "detail": r["detail"]} for r in p["requirements"]],
            "evidence": [{"signal": e["signal"], "start": _name(G, e["start"]), "type": e["type"], "end": _name(G, e["end"]),
                          "doc": e["doc"], "quote": e["quote"]} for e in p["evidence"]],
        })
    kept = [{"name": k["name"], "why": k["why"]} for k in result["kept_separate"]]
    return {"proposals": out, "kept_separate": kept}


def _fact(f: Mapping) -> dict:
    return {"what": str(f.get("what", "")), "doc": f.get("doc") or "", "quote": f.get("quote") or "", "source": f.get("source") or ""}


def targets_table(rows: Iterable[Mapping]) -> list[dict]:
    """The rows of :func:`ecosystem.analysis.track_targets` for the page."""
    out = []
    for r in rows:
        value = "" if r.get("value") is None else f"{r.get('bound') or ''} {r['value']:,}".strip()
        out.append({
            "target": r.get("target", ""), "year": r.get("year") or "", "doc": r.get("doc") or "", "quote": r.get("quote") or "",
            "threshold": "" if r.get("threshold") is None else f"{r['threshold']:,}", "value": value or "not measurable",
            "status": r.get("status", ""), "gap": "" if r.get("gap") is None else f"{r['gap']:,}", "how": r.get("how", ""),
            "facts": [_fact(f) for f in r.get("facts", [])], "more_facts": r.get("more_facts") or 0,
        })
    return out
