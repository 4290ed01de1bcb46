"""Look things up in a built graph: entities by name, folded ids, counts."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable

import networkx as nx

from ecosystem.errors import UnknownEntity
from ecosystem.evidence.schema import ORGANISATION_KINDS, slugify

__all__ = ["find_entity", "graph_stats", "name_index", "organisations_view", "successors", "VIEW_KINDS"]

VIEW_KINDS = ORGANISATION_KINDS | {"programme"}
"""What :func:`organisations_view` keeps: every organisation kind and the programmes that fund them."""


def successors(G: nx.Graph) -> dict[str, str]:
    """Map every id folded away by a rename or merger (``as_of``) to the node that holds it now."""
    return {old: n for n, former in G.nodes(data="former") for old in former or ()}


def name_index(G: nx.Graph, more: Iterable[tuple] = ()) -> dict[str, str]:
    """Map every casefolded id, name and alias to its node id (and the ids folded into it);
    `more` adds nodes ``(id, attrs)`` that G does not hold (members folded away)."""
    index: dict[str, str] = {}
    for n, d in sorted(itertools.chain(G.nodes(data=True), more), key=lambda x: x[0]):
        for name in (n, d.get("name", ""), *d.get("aliases", ()), *(d.get("former") or ())):
            index.setdefault(" ".join(str(name).split()).casefold(), n)
    return index


def find_entity(G: nx.Graph, name: str) -> str:
    """Return the node id for an id, name or alias (case-insensitive).

    Raises ``UnknownEntity`` with the closest names when nothing matches.

    >>> from ecosystem.graph import build_graph
    >>> G = build_graph()
    >>> find_entity(G, "Offshoreenergi.dk")
    'offshoreenergy-dk'
    """
    index = name_index(G)
    key = " ".join(name.split()).casefold()
    if key in index:
        return index[key]
    if slugify(name) in G:  # "Grøn Energi" or "groen energi" for groen-energi
        return slugify(name)
    close = difflib.get_close_matches(key, list(index), n=5, cutoff=0.6)
    names = []
    for c in close:
        label = G.nodes[index[c]]["name"]
        if label not in names:
            names.append(label)
    raise UnknownEntity(name, names)


def graph_stats(G: nx.MultiDiGraph) -> dict:
    """Count nodes and relationships, in all and by kind and type (sorted keys).

    Returns
    -------
    dict
        ``nodes``, ``relationships`` (ints), ``nodes_by_kind``, ``relationships_by_type``
        (``{kind or type: count}``, sorted), and with imports merged
        ``imported_organisations`` (``{import name: organisations}``).
    """
    kinds: dict[str, int] = {}
    for _, k in G.nodes(data="kind"):
        kinds[k] = kinds.get(k, 0) + 1
    types: dict[str, int] = {}
    for _, _, t in G.edges(data="type"):
        types[t] = types.get(t, 0) + 1
    out = {
        "nodes": G.number_of_nodes(),
        "relationships": G.number_of_edges(),
        "nodes_by_kind": dict(sorted(kinds.items())),
        "relationships_by_type": dict(sorted(types.items())),
    }
    if G.graph.get("imports"):
        out["imported_organisations"] = dict(sorted(G.graph["imports"].items()))
    return out


def organisations_view(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a read-only view of G with the organisations and programmes only: no themes, regions, projects, labels.

    For centrality and similar measures, where a theme or a region joined to dozens of
    organisations would otherwise look like the most central "actor". The view shares G's
    data (nothing is copied) and keeps G's order; ``nx.Graph(view)`` or ``view.copy()``
    makes an independent graph.

    Examples
    --------
    >>> from ecosystem.graph import build_graph
    >>> G = build_graph()
    >>> V = organisations_view(G)
    >>> {k for _, k in V.nodes(data="kind")} <= VIEW_KINDS, V.number_of_nodes() < G.number_of_nodes()
    (True, True)
    >>> c = nx.degree_centrality(V)
    >>> [V.nodes[n]["name"] for n in sorted(c, key=lambda n: (-c[n], n))[:2]]
    ['Innovationsnetværk Danmark', 'Den interministerielle og interregionale arbejdsgruppe']
    """
    return nx.subgraph_view(G, filter_node=lambda n: G.nodes[n].get("kind") in VIEW_KINDS)
