"""Write the graph to GraphML, GEXF (both open in Gephi) or NetworkX node-link JSON."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ecosystem.files import write_output

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["export_graph", "graph_bytes", "FORMATS"]

FORMATS = ("graphml", "gexf", "json")


def _flat(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Copy of G with list values joined by '|' and None left out (GraphML has no lists)."""
    import networkx as nx  # here, so that the command line's --help does not load it

    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, str | int | float | bool)})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: "|".join(v) if isinstance(v, list) else v for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: b for a, b in d.items() if b is not None})
    return H


def export_graph(G: nx.MultiDiGraph, path: str | Path, fmt: str) -> Path:
    """Write G to ``path`` in ``fmt`` (graphml, gexf or json) and return the path.

    A regular file is replaced atomically, so a failed export never leaves a half-written
    file; a symlink writes its target, a FIFO or device is written into.
    """
    write_output(Path(path), graph_bytes(G, fmt))
    return Path(path)


def graph_bytes(G: nx.MultiDiGraph, fmt: str) -> bytes:
    """G in ``fmt`` (graphml, gexf or json), as the bytes :func:`export_graph` writes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    import networkx as nx

    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(_flat(G), out, encoding="utf-8")
    elif fmt == "gexf":
        H = _flat(G)
        for _, d in H.nodes(data=True):
            d["label"] = d.get("name", "")
        # GEXF reserves an edge's "type" for directed/undirected: the relationship type
        # travels as "relationship" and as the edge label Gephi shows.
        for _, _, d in H.edges(data=True):
            d["relationship"] = d["label"] = d.pop("type")
        nx.write_gexf(H, out, encoding="utf-8")
        # NetworkX stamps today's date into <meta>: leave it out, so the same graph
        # gives the same file on any day.
        return re.sub(rb' lastmodifieddate="[^"]*"', b"", out.getvalue(), count=1)
    else:
        data = nx.node_link_data(G, edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return out.getvalue()
