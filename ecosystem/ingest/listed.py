"""Members kept as columns from the first row of a membership list.

A list of a million rows is a million members. Made into a node dict and a relation or two
each, they take about half a gigabyte, only for the store to pick nearly all of them back
out as columns (:func:`ecosystem.ingest.columns.split`). ``import_members(...,
columns=True)`` keeps them in a :class:`Listed` as the rows are read instead: their ids in
the order they come, each attribute a list, their relations three arrays (the dataset's
nodes and relations hold the rest: the clusters named, the municipalities and their
regions). Then:

- :func:`settle`, once entity resolution has linked the import, does what ``split`` does
  over those columns: the members that fold are the dataset's columns, the others (linked,
  or failing the rule) become nodes;
- :func:`expand` makes them all nodes where the dataset must be whole: a membership listed
  twice (:func:`repeated`), a merge by name, a reader that wants nodes.

Either way the dataset, and the stored import, are what they are when every member is a
node from the start (``tests/test_imports.py`` compares the stored bytes).
"""

from __future__ import annotations

import array
import itertools
from collections.abc import Iterator, Mapping

import numpy as np

from ecosystem.evidence import ORGANISATION_KINDS
from ecosystem.graph.folded import relation_role
from ecosystem.ingest import columns

__all__ = ["ATTRS", "Listed", "expand", "records", "repeated", "settle"]

ATTRS = ("kind", "subtype", "name", "kind_source", "cvr", "file", "row", "country")
"""A member's attributes, in the order ``add_organisation`` gives them (it gives no aliases)."""


class Listed:
    """The members of a list as they are read (the module's description says what for)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # id -> position
        self.ids: list[str] = []
        self.rows: list[tuple] = []  # each member's attributes in the order of ATTRS, None where it has none
        self.norms: list[str] = []  # the normalised name, as merging by name compares it
        self.kinds: dict[tuple, int] = {}  # (type, end, role, file, method) -> number
        self.start, self.kind, self.row = array.array("i"), array.array("i"), array.array("q")
        self.others_at: list[int] = []  # where the dataset's own relations stand among all
        self.nodes_at: list[tuple[int, str]] = []  # (members before it, id) for each node of the dataset
        self.total = 0  # relations so far, the dataset's own and the members'

    def add(self, uid: str, norm: str, values: tuple) -> int:
        """Add a member with its attributes (in the order of ATTRS, None for none), or fill
        in what an earlier row left empty (as ``Dataset.add_node``); return its position."""
        i = self.index.get(uid)
        if i is None:
            i = self.index[uid] = len(self.ids)
            self.ids.append(uid)
            self.norms.append(norm)
            self.rows.append(values)
        elif None in (had := self.rows[i]):
            self.rows[i] = tuple(v if v is not None else w for v, w in zip(had, values))
        return i

    def relate(self, i: int, type_: str, end: str, *, file: str, row: int, method: str | None = None) -> None:
        """Add a relation of member i (as ``Dataset.add_edge`` would, with no role)."""
        self.start.append(i)
        self.kind.append(self.kinds.setdefault((type_, end, "", file, method), len(self.kinds)))
        self.row.append(row)
        self.total += 1

    def follow(self, ds, nodes: int, edges: int) -> None:
        """Note the nodes and relations `ds` gained since it had `nodes` and `edges` (they come here in the rows' order)."""
        self.nodes_at += [(len(self.ids), u) for u in itertools.islice(ds.nodes, nodes, None)]
        added = len(ds.edges) - edges
        self.others_at += range(self.total, self.total + added)
        self.total += added

    def node(self, i: int) -> dict:
        """Member i as ``Dataset.add_node`` keeps a node: its attributes that are not empty."""
        return {k: v for k, v in zip(ATTRS, self.rows[i]) if v is not None}

    def organisation_ids(self) -> list[str]:
        return [u for u, row in zip(self.ids, self.rows) if row[0] in ORGANISATION_KINDS]


class _Records(Mapping):
    """The dataset's nodes and its listed members, each made a dict of its attributes
    when asked for (None for those it lacks: read them with ``get``, as entity resolution does)."""

    def __init__(self, ds) -> None:
        self.nodes, self.listed = ds.nodes, ds.listed

    def __getitem__(self, u: str) -> dict:
        d = self.nodes.get(u)
        return d if d is not None else dict(zip(ATTRS, self.listed.rows[self.listed.index[u]]))

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(self.nodes, self.listed.ids)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.listed.ids)


def records(ds) -> Mapping:
    """Every node of `ds`, listed members too, by id (:class:`_Records`)."""
    return ds.nodes if ds.listed is None else _Records(ds)


def _member_edges(listed: Listed, edge, which: np.ndarray) -> list:
    """The relations of the members `which` marks (a boolean per relation), made with `edge`, in order."""
    start, kind = np.frombuffer(listed.start, dtype=np.int32), np.frombuffer(listed.kind, dtype=np.int32)
    row = np.frombuffer(listed.row, dtype=np.int64)
    return columns.relations(listed.ids, list(listed.kinds), start[which], kind[which], row[which], edge)


def expand(ds, edge) -> None:
    """Make every listed member of `ds` a node again, in place: nodes and relations in the
    order the rows gave them, as if never listed."""
    listed = ds.listed
    if listed is None:
        return
    ds.listed = None
    made = _member_edges(listed, edge, np.ones(len(listed.start), dtype=bool))
    ds.edges = columns.interleave(ds.edges, listed.others_at, made, columns.places(listed.total, listed.others_at))
    others, nodes = iter(listed.nodes_at), {}
    pending = next(others, None)
    for i, u in enumerate(listed.ids):
        while pending is not None and pending[0] <= i:
            nodes[pending[1]] = ds.nodes[pending[1]]
            pending = next(others, None)
        nodes[u] = listed.node(i)
    while pending is not None:
        nodes[pending[1]] = ds.nodes[pending[1]]
        pending = next(others, None)
    ds.nodes = nodes


def repeated(ds) -> bool:
    """Whether a listed member is listed twice for one organisation (then: expand, and the importer says where)."""
    listed = ds.listed
    pairs: dict = {}
    pair_of = np.array([pairs.setdefault((t, v), len(pairs)) if t == "MEMBER_OF" else -1 for t, v, *_ in listed.kinds], dtype=np.int64)
    pair = pair_of[np.frombuffer(listed.kind, dtype=np.int32)]
    joined = pair >= 0
    keys = np.sort(np.frombuffer(listed.start, dtype=np.int32)[joined].astype(np.int64) * max(len(pairs), 1) + pair[joined])
    return bool((keys[1:] == keys[:-1]).any())


def settle(ds, at_least: int, edge) -> None:
    """Keep as ``ds.columns`` the listed members that would fold were `ds` the only import
    (:func:`ecosystem.ingest.columns.split`'s rule, its links set), and make the others nodes."""
    listed = ds.listed
    named = [(u, ds.normalised(d["name"])) for u, d in ds.nodes.items() if u.startswith(columns.KEYED) and d.get("named", True) or u.startswith("org-")]
    ds.norms.clear()  # as split leaves it: memory the writing needs
    if columns.maps_by_name([*listed.ids, *(u for u, _ in named)], [*listed.norms, *(x for _, x in named)]) or max(listed.row, default=0) >= 2**31:
        expand(ds, edge)  # as split finds: no columns (a merge by name; a row number past 32 bits, as stored)
        return
    pairs: dict = {}
    pair_of = np.array([pairs.setdefault((t, v), len(pairs)) for t, v, *_ in listed.kinds], dtype=np.int64)
    roles = [relation_role(t, ds.nodes[v]) if v in ds.nodes else None for t, v in pairs]
    start, kind = np.frombuffer(listed.start, dtype=np.int32), np.frombuffer(listed.kind, dtype=np.int32)
    eligible = np.array([row[0] == "company" for row in listed.rows], dtype=bool)
    eligible[[listed.index[u] for u in ds.links if u in listed.index]] = False
    picked = columns.held(eligible, roles, pair_of[kind] if len(kind) else np.zeros(0, dtype=np.int64), start, np.zeros(len(start), dtype=bool), at_least)
    if not picked.any():
        expand(ds, edge)
        return
    kept = picked[start]
    places = columns.places(listed.total, listed.others_at)
    made = _member_edges(listed, edge, ~kept)
    ds.edges = columns.interleave(ds.edges, listed.others_at, made, places[~kept])
    for i in np.flatnonzero(~picked).tolist():
        ds.nodes[listed.ids[i]] = listed.node(i)
    chosen = np.flatnonzero(picked).tolist()
    used, first = np.unique(kind[kept], return_index=True)
    order = used[np.argsort(first, kind="stable")]  # their kinds numbered as they first come
    renumber = np.empty(len(listed.kinds), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    kinds = list(listed.kinds)
    ids = [listed.ids[i] for i in chosen]
    values = dict(zip(ATTRS, map(list, zip(*(listed.rows[i] for i in chosen)))))
    ds.columns = {
        "at_least": at_least,
        "ids": ids,
        "kinds": [list(kinds[k]) for k in order.tolist()],
        "nodes": {k: columns.column(v) for k, v in sorted(values.items()) if v.count(None) != len(v)},
        "norms": {
            "keyed": [listed.norms[i] for i in chosen if listed.ids[i].startswith(columns.KEYED)],
            "org": [listed.norms[i] for i in chosen if listed.ids[i].startswith("org-")],
        },
        "others_at": np.sort(np.concatenate([np.asarray(listed.others_at, dtype=np.int64), places[~kept]])),
        "relations": {
            "kind": renumber[kind[kept]],
            "row": np.frombuffer(listed.row, dtype=np.int64)[kept],
            "start": (np.cumsum(picked) - 1)[start[kept]],
        },
    }
    ds.listed = None
