"""Rows of attribute dicts as compact JSON: the cache's file format (:mod:`ecosystem.ingest.view`).

Rows whose attributes have the same keys share a *shape*, and a value the same in every
row of a shape is written once; read back, each row gets dicts of its own. ``fill`` adds
read rows to a graph straight through its adjacency dicts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

import networkx as nx

__all__ = ["fill", "pack", "unpack"]


def _plain(v) -> bool:
    """Whether a value can be shared by many attribute dicts: immutable, or a list of immutables (copied per dict)."""
    return v is None or isinstance(v, (str, int, float)) or (type(v) is list and all(x is None or isinstance(x, (str, int, float)) for x in v))


def _same(a, b) -> bool:
    """Whether two plain values are the same in JSON too: 1, 1.0 and True differ, and so do 0.0 and -0.0.

    >>> _same([1], [True]), _same(0.0, -0.0), _same(["x", None], ["x", None])
    (False, False, True)
    """
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is float:
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


def _all_same(values: tuple) -> bool:
    """Whether every value is plain and the same as the first, in JSON too (:func:`_same`)."""
    first = values[0]
    if not _plain(first):
        return False
    if first is None or type(first) is str:  # equal to nothing but another None, another str
        return values.count(first) == len(values)
    if type(first) in (bool, int):  # 1 == 1.0 == True: the types too
        return values.count(first) == len(values) and set(map(type, values)) == {type(first)}
    return all(_same(first, v) for v in values)


def pack(rows: list[tuple], width: int) -> dict:
    """Rows ``(*ids, attrs)`` (`width` ids each) as attribute shapes and values, for the cache file.

    Rows whose attributes have the same keys in the same order share a shape; a value
    that is the same in every row of its shape (a dataset's name, an empty quote) is
    written once, with the shape. An import of 200,000 members is then mostly ids.

    >>> rows = [("a", {"k": "x", "n": 1, "l": []}), ("b", {"k": "x", "n": 2, "l": []})]
    >>> t = pack(rows, 1); t
    {'shapes': [{'keys': ['k', 'n', 'l'], 'same': {'k': 'x', 'l': []}}], 'rows': [['a', 0, 1], ['b', 0, 2]]}
    >>> back = list(unpack(t, 1)); back == rows, back[0][1]["l"] is back[1][1]["l"]
    (True, False)
    >>> pack([("a", {"f": [1], "x": 0.0}), ("b", {"f": [True], "x": -0.0})], 1)["rows"]  # equal in Python, not in JSON
    [['a', 0, [1], 0.0], ['b', 0, [True], -0.0]]
    """
    shapes: dict[tuple, int] = {}
    of = [shapes.setdefault(tuple(row[width]), len(shapes)) for row in rows]
    at: list[list[int]] = [[] for _ in shapes]
    for i, s in enumerate(of):
        at[s].append(i)
    out_shapes, out_rows = [], [None] * len(rows)
    for keys, s in shapes.items():  # a shape's values column by column: one pass each, mostly in C
        columns = list(zip(*(rows[i][width].values() for i in at[s])))
        same = {k: c[0] for k, c in zip(keys, columns) if _all_same(c)}
        out_shapes.append({"keys": list(keys), "same": same})
        varying = [c for k, c in zip(keys, columns) if k not in same]
        for i, values in zip(at[s], zip(*varying) if varying else itertools.repeat(())):
            out_rows[i] = [*rows[i][:width], s, *values]
    return {"shapes": out_shapes, "rows": out_rows}


def unpack(table: dict, width: int) -> Iterator[tuple]:
    """The rows :func:`pack` packed, one at a time: ``(*ids, attrs)``, each attrs a dict of its own, keys in their order."""
    shapes = []
    for shape in table["shapes"]:
        same = shape["same"]
        template = {k: same.get(k) for k in shape["keys"]}
        lists = [k for k, v in same.items() if type(v) is list]
        shapes.append((template, [k for k in shape["keys"] if k not in same], lists))
    for row in table["rows"]:
        template, varying, lists = shapes[row[width]]
        if len(row) != width + 1 + len(varying):
            raise ValueError(f"a cached row has {len(row)} values, its shape {width + 1 + len(varying)}")
        d = template.copy()
        d.update(zip(varying, row[width + 1 :]))
        for k in lists:
            d[k] = list(d[k])
        yield (*row[:width], d)


def fill(G: nx.MultiDiGraph, nodes: Iterable, edges: Iterable) -> None:
    """Add nodes ``[id, attrs]`` and edges ``[u, v, key, attrs]`` to an empty G, as
    ``add_nodes_from`` and ``add_edges_from`` would, keeping the attribute dicts given.

    Written straight into the adjacency dicts (the layout NetworkX documents for
    subclasses): 2.5 times faster than the public calls, which check and copy each of
    the hundreds of thousands of relations of a large import.

    >>> nodes, edges = [["a", {"k": 1}], ["b", {}], ["c", {}]], [["a", "b", "x", {"w": 2}], ["c", "a", "y", {}], ["a", "b", "z", {}]]
    >>> F, G = nx.MultiDiGraph(), nx.MultiDiGraph()
    >>> fill(F, nodes, edges); G.add_nodes_from(nodes); keys = G.add_edges_from(edges)
    >>> nx.utils.graphs_equal(F, G), [(list(F.succ[n]), list(F.pred[n])) for n in F] == [(list(G.succ[n]), list(G.pred[n])) for n in G]
    (True, True)
    >>> fill(nx.MultiDiGraph(), nodes, [["a", "nowhere", "x", {}]])
    Traceback (most recent call last):
    KeyError: 'nowhere'
    """
    node, succ, pred = G._node, G._succ, G._pred
    for n, d in nodes:
        if n in node or type(d) is not dict:
            raise ValueError(f"node {n!r} twice or without attributes")
        node[n], succ[n], pred[n] = d, {}, {}
    for u, v, k, d in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        elif k in keys:
            raise ValueError(f"relation {u!r} -> {v!r} {k!r} twice")
        if type(d) is not dict:
            raise ValueError(f"relation {u!r} -> {v!r} {k!r} without attributes")
        keys[k] = d
