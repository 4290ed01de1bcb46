"""Members stored as columns, and folded from them as the imports are merged.

A membership list of a million rows is a million company nodes with a ``MEMBER_OF``
relation or two and a ``LOCATED_IN`` one each, and the analysis graph keeps nearly all of
them as lists, not nodes (:mod:`ecosystem.graph.folded`). Reading them as a million node
dicts only to fold them away cost most of a minute. So an import is stored with the
members that would fold were it the only import (:func:`split`: the rule of
:func:`ecosystem.graph.foldable_members` on the import's own nodes and relations) as
columns beside its other nodes and relations:

- ``ids``, in the nodes' order, and ``nodes``: each attribute a column (``values``;
  ``table`` and ``index`` for one with few values; ``same`` for one value), ``None``
  where a member has none;
- ``relations``: ``start`` (a member's position in ``ids``), ``kind`` (a position in
  ``kinds``, the ``[type, end, role, file, method]`` they share) and ``row``, in the
  import's order; ``others_at`` says where the other relations stand in that order
  (these four are whole numbers stored as little-endian 32-bit integers in base64:
  millions of them, read at once);
- ``norms``: the members' normalised names (``org`` for name-only ids, ``keyed`` for CVR
  and PIC ids), to tell whether merging by name would touch them;
- ``at_least``: the threshold they were picked with.

The members importer can keep its members as columns from the first row instead
(:mod:`ecosystem.ingest.listed`), and picks them by the same rule (:func:`held`).

:meth:`Dataset.decode <ecosystem.ingest.dataset.Dataset.decode>` puts them back
(:func:`expand`): every reader sees the import as it was. The analysis graph's build reads
them as they are, and :func:`ecosystem.ingest.merge.merge_datasets` folds them
(:func:`fold`) when :func:`clash` finds that nothing else in the merge touches them. A
member another import names too (or a link names) is first put back among its import's
nodes (:func:`put_back`); for the other clashes (a merge by name, an organisation or a
place that is not what the import said, another member folding with them) the merge puts
them all back and folds as it does any member. Either way the graph, and
``G.graph["folded"]``, are the same (``tests/test_fold_properties.py``).
"""

from __future__ import annotations

import array
import base64
import collections
import itertools

import numpy as np

from ecosystem.evidence import CLUSTER_KINDS
from ecosystem.graph.folded import relation_role

__all__ = ["KEYED", "Split", "check", "clash", "column", "counts", "countries", "expand", "fold", "held", "interleave", "load", "maps_by_name", "pieces", "places", "put_back", "relations", "split", "touched"]

KEYED = ("cvr-", "pic-")  # the ids a name-only organisation of the same name merges into
_TABLE_AT = 256  # a column with at most this many distinct values is kept as a table and an index (small ints)


def split(ds, at_least: int) -> Split | None:
    """The members of `ds` to store as columns (see :class:`Split`); None if there are none.

    A member is kept as columns when it is an imported company that no relation of `ds`
    ends at and no link names, whose relations all have a row and no year or amount, and
    are one ``MEMBER_OF`` to each of some cluster organisations (each with at least
    `at_least` such members) and ``LOCATED_IN`` ones, not to a region itself
    (:func:`ecosystem.graph.folded.relation_role`). Worked out on arrays: an import of a
    million members is about a gigabyte of dicts already.
    """
    nodes, edges = ds.nodes, ds.edges
    if not edges:
        return None
    # The names merging by name compares, per node (None for the others), and no longer
    # the import's memo of them: a million names, memory the rest of the writing needs.
    norm = ds.normalised
    norms = [norm(d["name"]) if u.startswith(KEYED) and d.get("named", True) or u.startswith("org-") else None for u, d in nodes.items()]
    ds.norms.clear()
    if maps_by_name(nodes, norms):
        return None  # a name-only organisation of the import merges into one with a CVR: folded the usual way
    n = len(nodes)
    pairs: dict = {}  # (type, end) -> number
    index = {u: i for i, u in enumerate(nodes)}
    pair, start, odd = array.array("i"), array.array("i"), array.array("b")
    to_pair, to_start, to_odd, number, at = pair.append, start.append, odd.append, pairs.setdefault, index.get
    for u, t, v, _, y, a, x, _, r, _ in edges:  # unpacked whole: Edge's by-name lookup costs a call a field
        to_pair(number((t, v), len(pairs)))
        to_start(at(u, -1))
        to_odd(y is not None or a is not None or x is not None or r is None)
    pair, start, odd = np.frombuffer(pair, dtype=np.int32), np.frombuffer(start, dtype=np.int32), np.frombuffer(odd, dtype=np.int8).astype(bool)
    ends = [index[v] for _, v in pairs if v in index]
    linked = [index[u] for u in ds.links if u in index]
    del index
    roles = [relation_role(t, nodes[v]) if v in nodes else None for t, v in pairs]
    eligible = np.fromiter((d.get("kind") == "company" and not d.get("ref") for d in nodes.values()), dtype=bool, count=n)
    eligible[ends] = False
    eligible[linked] = False
    picked = held(eligible, roles, pair, start, odd, at_least)
    del pair, odd, eligible
    if not picked.any():
        return None
    keys_ = list(nodes)
    order = np.flatnonzero(picked)
    position = np.full(n, -1, dtype=np.int32)
    position[order] = np.arange(len(order), dtype=np.int32)
    ids = [keys_[i] for i in order.tolist()]  # in the nodes' order (the order of the rows, or sorted once read back)
    del order
    kept = picked[np.maximum(start, 0)] & (start >= 0)
    kinds: dict = {}
    kind, row = array.array("i"), array.array("i")
    to_kind, to_row, number = kind.append, row.append, kinds.setdefault
    try:
        for i in range(0, len(edges), 100_000):  # a piece at a time: the flags of two million relations are 16 MB as a list
            for (_, t, v, o, _, _, _, fi, r, me), f in zip(edges[i : i + 100_000], kept[i : i + 100_000].tolist()):
                if f:
                    to_kind(number((t, v, o, fi, me), len(kinds)))
                    to_row(r)
    except OverflowError:
        return None  # a row number past 32 bits, as stored
    kind, row = np.frombuffer(kind, dtype=np.int32), np.frombuffer(row, dtype=np.int32)
    chosen = list(itertools.compress(norms, picked.tolist()))  # no million numbers or pairs made
    names = {"keyed": [x for u, x in zip(ids, chosen) if x is not None and u.startswith(KEYED)], "org": [x for u, x in zip(ids, chosen) if u.startswith("org-")]}
    del chosen, keys_, norms
    return Split(ds, at_least, ids, picked, kept, position[start[kept]], kind, row, [list(k) for k in kinds], names)


def held(eligible, roles: list, pair, start, odd, at_least: int):
    """Which nodes fold (a boolean per node) by the rule of :func:`split`: `eligible` says which
    nodes may (imported companies, no relation ending at them, not linked), `roles` the
    :func:`~ecosystem.graph.folded.relation_role` of each (type, end) pair; per relation,
    `pair` its pair, `start` its start node (-1: none of these) and `odd` whether it has a
    year, an amount or no row."""
    n = len(eligible)
    mine = start >= 0
    joined = np.array([r == "member" for r in roles], dtype=bool)[pair] & mine
    other = np.array([r is None for r in roles], dtype=bool)[pair] | odd | ~mine
    bad = np.zeros(n, dtype=bool)
    bad[start[other & mine]] = True
    twice = np.sort(start[joined].astype(np.int64) * len(roles) + pair[joined])  # listed twice by one organisation: two relations
    bad[(twice[1:][twice[1:] == twice[:-1]] // len(roles))] = True
    shaped = eligible & ~bad & (np.bincount(start[joined], minlength=n) > 0)
    enough = np.bincount(pair[joined & shaped[np.maximum(start, 0)]], minlength=len(roles)) >= at_least  # the rule of with_enough
    return shaped & ~(np.bincount(start[joined & ~enough[pair]], minlength=n) > 0)


class Split:
    """Members of an import picked to be stored as columns (:func:`split`): ``held`` and
    ``kept`` say which nodes and relations they are (in the import's order), and
    :meth:`pieces` writes the columns as JSON text, a piece at a time."""

    def __init__(self, ds, at_least, ids, held, kept, start, kind, row, kinds, norms):
        self.ds, self.at_least, self.ids, self.held, self.kept = ds, at_least, ids, held, kept
        self.start, self.kind, self.row, self.kinds, self.norms = start, kind, row, kinds, norms

    def pieces(self, dump, size: int = 100_000):
        """The columns (the module's description says what they hold), as JSON text in pieces."""
        held = [self.ds.nodes[u] for u in self.ids]

        def nodes():
            for k in sorted(set(itertools.chain.from_iterable(held))):
                values = list(map(dict.get, held, itertools.repeat(k)))
                if "" in values:
                    values = [None if v == "" else v for v in values]
                if values.count(None) != len(values):  # as stored: an empty value is no value
                    yield k, _column_text(column(values), dump, size)

        return _text(self.at_least, self.ids, self.kinds, nodes(), self.norms, np.flatnonzero(~self.kept), {"kind": self.kind, "row": self.row, "start": self.start}, dump, size)


def pieces(columns: dict, dump, size: int = 100_000):
    """`columns` as :func:`load` reads them (or :func:`ecosystem.ingest.listed.settle` makes
    them), as JSON text in pieces: a million ids and names never one string."""
    c = columns
    nodes = ((k, _column_text(v, dump, size)) for k, v in sorted(c["nodes"].items()))
    return _text(c["at_least"], c["ids"], c["kinds"], nodes, c["norms"], c["others_at"], c["relations"], dump, size)


def _text(at_least, ids, kinds, nodes, norms, others_at, relations, dump, size):
    """The columns as JSON text in pieces; `nodes` gives each attribute (sorted) with the pieces of its column."""
    yield '{"at_least":' + dump(at_least) + ',"ids":['
    yield from _listed(ids, dump, size)
    yield '],"kinds":' + dump(kinds) + ',"nodes":{'
    for j, (k, text) in enumerate(nodes):
        yield ("," if j else "") + dump(k) + ":"
        yield from text
    yield '},"norms":{"keyed":['
    yield from _listed(norms["keyed"], dump, size)
    yield '],"org":['
    yield from _listed(norms["org"], dump, size)
    yield ']},"others_at":"'
    yield from _packed_pieces(others_at)
    for k in ("kind", "row", "start"):
        yield ('","relations":{"' if k == "kind" else '","') + k + '":"'
        yield from _packed_pieces(relations[k])
    yield '"}}'


def _packed(a) -> str:
    """Whole numbers as stored: little-endian 32-bit, base64 (a million of them read at once, not one by one)."""
    return base64.b64encode(np.ascontiguousarray(a, dtype="<i4").tobytes()).decode("ascii")


def _packed_pieces(a, size: int = 3 * 100_000):
    """:func:`_packed` a piece at a time (pieces of a multiple of 3 bytes: the same text)."""
    for i in range(0, len(a), size):
        yield _packed(a[i : i + size])


def _unpacked(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text, validate=True), dtype="<i4").astype(np.int64)


def load(columns: dict, others: int) -> dict:
    """`columns` as :meth:`Dataset.decode <ecosystem.ingest.dataset.Dataset.decode>` reads
    them (whole numbers as arrays), checked: ``ValueError`` unless they hold what
    :func:`split` writes, with `others` relations beside them."""
    try:
        columns["others_at"] = _unpacked(columns["others_at"])
        columns["relations"] = {k: _unpacked(columns["relations"][k]) for k in ("kind", "row", "start")}
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"the members stored as columns are damaged ({err!r})") from None
    check(columns, others)
    return columns


def _listed(values, dump, size: int):
    """The items of a JSON list (no brackets), in pieces of `size`."""
    for i in range(0, len(values), size):
        part = values[i : i + size]
        yield ("," if i else "") + dump(part.tolist() if isinstance(part, np.ndarray) else part)[1:-1]


def _table(values: list) -> list | None:
    """The distinct values of a column, if there are at most _TABLE_AT of them."""
    try:
        table = list(dict.fromkeys(values[:1000]))  # names, numbers: many at once
        table = list(dict.fromkeys(values)) if len(table) <= _TABLE_AT else None
    except TypeError:  # lists (aliases)
        return None
    return table if table is not None and len(table) <= _TABLE_AT else None


def column(values: list) -> dict:
    """A column as stored: ``values``, or with few distinct ones a ``table`` and an ``index``
    into it, or the one value all have (``same``); what :func:`load` reads."""
    table = _table(values)
    if table is None:
        return {"values": values}
    if len(table) == 1:
        return {"same": table[0]}
    at = {v: i for i, v in enumerate(table)}
    return {"index": list(map(at.__getitem__, values)), "table": table}


def _column_text(column: dict, dump, size: int):
    """A column (:func:`column`) as JSON text, in pieces."""
    if "same" in column:
        yield '{"same":' + dump(column["same"]) + "}"
        return
    key = "index" if "index" in column else "values"
    yield '{"' + key + '":['
    yield from _listed(column[key], dump, size)
    yield ('],"table":' + dump(column["table"]) + "}") if key == "index" else "]}"


def maps_by_name(nodes, norms: list) -> bool:
    """Whether the merge would merge a name-only organisation into the one organisation
    with a CVR or PIC of its name (`nodes`: ids; `norms`: their names as merging by name
    compares them, None for the others)."""
    org = {x for u, x in zip(nodes, norms) if x is not None and u.startswith("org-")}
    return 1 in collections.Counter(x for u, x in zip(nodes, norms) if x in org and u.startswith(KEYED)).values()


def _values(column: dict, n: int) -> list:
    if "values" in column:
        return column["values"]
    if "same" in column:
        return [column["same"]] * n
    table = column["table"]
    return [table[i] for i in column["index"]]


def check(columns: dict, others: int) -> None:
    """Raise ``ValueError`` unless `columns` hold what :func:`split` writes, with `others` relations beside them."""
    try:
        ids, rel, kinds = columns["ids"], columns["relations"], columns["kinds"]
        n, m = len(ids), len(rel["start"])
        ok = isinstance(columns["at_least"], int) and len(rel["kind"]) == len(rel["row"]) == m and all(len(k) == 5 for k in kinds)
        ok = ok and all(len(_values(c, n)) == n for c in columns["nodes"].values()) and isinstance(columns["norms"]["org"], list)
        ok = ok and isinstance(columns["norms"]["keyed"], list) and len(columns["others_at"]) == others
        ok = ok and _within(rel["start"], n) and _within(rel["kind"], len(kinds)) and _within(columns["others_at"], m + others)
    except (KeyError, TypeError, IndexError, AttributeError) as err:
        raise ValueError(f"the members stored as columns are damaged ({err!r})") from None
    if not ok:
        raise ValueError("the members stored as columns do not fit together")


def _within(values: list, n: int) -> bool:
    """Whether `values` are whole numbers from 0 to n - 1."""
    a = np.asarray(values)
    return not len(a) or (a.dtype.kind == "i" and a.ndim == 1 and a.min() >= 0 and a.max() < n)


def expand(ds, edge) -> None:
    """Put the members kept as columns back among the nodes and relations (made with `edge`,
    :class:`~ecosystem.ingest.dataset.Edge`) of `ds`, in place, in the order they had (nodes
    sorted by id, relations in the import's order)."""
    if ds.columns is not None:
        _put_back(ds, np.ones(len(ds.columns["ids"]), dtype=bool), edge)


def put_back(ds, members: set, edge) -> None:
    """Put `members` (of those `ds` keeps as columns) back among its nodes and relations
    (made with `edge`), in place and in the order they had; the others stay columns."""
    _put_back(ds, np.fromiter((u in members for u in ds.columns["ids"]), dtype=bool, count=len(ds.columns["ids"])), edge)


def places(total: int, others_at) -> np.ndarray:
    """Where the members' relations stand among all `total` of an import, the others standing at `others_at`."""
    mine = np.ones(total, dtype=bool)
    mine[np.asarray(others_at, dtype=np.int64)] = False
    return np.flatnonzero(mine)


def relations(ids: list, kinds: list, start, kind, row, edge) -> list:
    """Members' relations made with `edge` (:class:`~ecosystem.ingest.dataset.Edge`) from
    their columns: `start` (positions in `ids`), `kind` (in `kinds`) and `row`, arrays."""
    return [
        edge((ids[s], kinds[k][0], kinds[k][1], kinds[k][2], None, None, None, kinds[k][3], r, kinds[k][4]))
        for s, k, r in zip(np.asarray(start).tolist(), np.asarray(kind).tolist(), np.asarray(row).tolist())
    ]


def interleave(edges: list, edges_at, made: list, made_at) -> list:
    """`edges` (standing at `edges_at`) and `made` (at `made_at`) in the order of their places."""
    order = np.argsort(np.concatenate([np.asarray(edges_at, dtype=np.int64), np.asarray(made_at, dtype=np.int64)]), kind="stable")
    both = [*edges, *made]
    return [both[i] for i in order.tolist()]


def _put_back(ds, out, edge) -> None:
    """:func:`put_back` of the members `out` marks (a boolean per member)."""
    c = ds.columns
    ids, rel, kinds = c["ids"], c["relations"], c["kinds"]
    back = out[rel["start"]]
    where = places(len(ds.edges) + len(rel["start"]), c["others_at"])[back]  # their relations' places in the import's order
    made = relations(ids, kinds, rel["start"][back], rel["kind"][back], rel["row"][back], edge)
    at = np.concatenate([c["others_at"], where])
    ds.edges = interleave(ds.edges, c["others_at"], made, where)
    keys = sorted(c["nodes"])
    values = {k: _values(c["nodes"][k], len(ids)) for k in keys}
    for i in np.flatnonzero(out).tolist():
        d = {k: values[k][i] for k in keys if values[k][i] is not None}
        d.setdefault("aliases", [])
        d.setdefault("subtype", "")
        ds.nodes[ids[i]] = d
    ds.nodes = dict(sorted(ds.nodes.items(), key=lambda x: x[0]))
    keep = ~out
    if not keep.any():
        ds.columns = None
        return
    renumber = np.cumsum(keep) - 1
    stay = ~back
    c["ids"] = [u for u, k in zip(ids, keep.tolist()) if k]
    c["nodes"] = {k: {"values": [v for v, f in zip(values[k], keep.tolist()) if f]} for k in keys}
    c["relations"] = {"kind": rel["kind"][stay], "row": rel["row"][stay], "start": renumber[rel["start"][stay]]}
    c["others_at"] = np.sort(at)


def touched(ds) -> list:
    """The nodes the members kept as columns have relations with (their ends, unmapped)."""
    return list(dict.fromkeys(end for _, end, *_ in ds.columns["kinds"]))


def countries(ds) -> set:
    """The country codes of the members kept as columns."""
    column = ds.columns["nodes"].get("country")
    return set() if column is None else {c for c in _values(column, len(ds.columns["ids"])) if c}


def clash(G, datasets: list, mapping: dict, keyed: dict, at_least: int) -> str | None:
    """Why the members kept as columns cannot be folded straight from them into G (whose
    nodes the merge has added), or None if they can: each is then exactly what
    :func:`ecosystem.graph.foldable_members` would fold out of the whole merged graph."""
    packed = [ds for ds in datasets if ds.columns is not None]
    if any(ds.columns["at_least"] != at_least for ds in packed):
        return "picked with another threshold"
    if len(packed) > 1:
        ids = [set(ds.columns["ids"]) for ds in packed]
        if sum(map(len, ids)) != len(set().union(*ids)):
            return "a member is in two imports"
    named = set(G).union(mapping, mapping.values())
    if any(not named.isdisjoint(ds.columns["ids"]) for ds in packed):
        return "a member is also a node of the graph"
    org = {n for ds in datasets for n, d in ds.nodes.items() if n.startswith("org-") and n not in mapping}
    org_norms = {norm for ds in datasets for n, d in ds.nodes.items() if n in org for norm in [ds.normalised(d["name"])]}
    for i, ds in enumerate(packed):
        if not keyed.keys().isdisjoint(ds.columns["norms"]["org"]) or not org_norms.isdisjoint(ds.columns["norms"]["keyed"]):
            return "a member would merge by name"
        if any(not set(other.columns["norms"]["keyed"]).isdisjoint(ds.columns["norms"]["org"]) for j, other in enumerate(packed) if j != i):
            return "a member would merge by name"
        for type_, end, *_ in ds.columns["kinds"]:
            v = mapping.get(end, end)
            d = G.nodes[v] if v in G else None
            if d is None or (type_ == "MEMBER_OF") != (d.get("kind") in CLUSTER_KINDS) or (type_ == "MEMBER_OF" and v != end):
                return "a member's relation ends elsewhere"
            if type_ not in ("MEMBER_OF", "LOCATED_IN") or d.get("subtype") == "region" and type_ == "LOCATED_IN":
                return "a member's relation ends elsewhere"
    return None


def counts(datasets: list) -> dict:
    """How many members kept as columns each organisation has, over the imports."""
    out: dict = {}
    for ds in datasets:
        if ds.columns is not None:
            kinds = ds.columns["kinds"]
            for (type_, end, *_), n in zip(kinds, np.bincount(np.asarray(ds.columns["relations"]["kind"], dtype=np.int64), minlength=len(kinds)).tolist()):
                if type_ == "MEMBER_OF":
                    out[end] = out.get(end, 0) + n
    return out


def fold(G, datasets: list, mapping: dict, edge_key, edge_attrs) -> dict:
    """Set ``G.graph["folded"]`` for the members kept as columns (when :func:`clash` finds
    nothing in the way) exactly as the merge sets it for members that are nodes; return
    ``folded`` (how many), ``folded_types``, ``folded_names`` (``(id, name, aliases)``)
    and the relations they had (``edges``).

    Members are numbered across the imports; their relations are taken in the order the
    merge takes them: import by import, ``MEMBER_OF`` ones before the others.
    """
    packed = [ds for ds in datasets if ds.columns is not None]
    ids = [u for ds in packed for u in ds.columns["ids"]]
    names = [x if x is not None else u for ds in packed for u, x in zip(ds.columns["ids"], _column_of(ds, "name"))]
    aliases = [x or [] for ds in packed for x in _column_of(ds, "aliases")]
    ends: dict = {}  # the relations' ends, after mapping, numbered
    member, end, later, source, kind_at, row_at = [], [], [], [], [], []
    offset = 0
    for p, ds in enumerate(packed):
        kinds, rel = ds.columns["kinds"], ds.columns["relations"]
        code = np.array([ends.setdefault(mapping.get(k[1], k[1]), len(ends)) for k in kinds], dtype=np.int64)
        located = np.array([k[0] != "MEMBER_OF" for k in kinds], dtype=bool)
        kind = np.asarray(rel["kind"], dtype=np.int64)
        member.append(np.asarray(rel["start"], dtype=np.int64) + offset)
        end.append(code[kind])
        later.append(located[kind])
        source.append(np.full(len(kind), p))
        kind_at.append(kind)
        row_at.append(rel["row"])
        offset += len(ds.columns["ids"])
    member, end, later, source, kind_at, row_at = (np.concatenate(x) for x in (member, end, later, source, kind_at, row_at))
    position = np.arange(len(member))
    labels = list(ends)
    # Each organisation's members in the order of its relations; organisations in G's order.
    joins = np.flatnonzero(~later)
    by_org = joins[np.argsort(end[joins], kind="stable")]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(end[joins], minlength=len(ends)))])
    members = {c: member[by_org[bounds[e] : bounds[e + 1]]] for c in G._node if (e := ends.get(c)) is not None and bounds[e + 1] > bounds[e]}
    # fold_members's order: organisation by organisation, each member where it first comes.
    first = np.unique(np.concatenate(list(members.values())), return_index=True)
    found = first[0][np.argsort(first[1], kind="stable")]
    rank = np.empty(len(ids), dtype=np.int64)
    rank[found] = np.arange(len(found))
    # Relations per end, counted in the order of each member's relations, member by member.
    walk = end[np.lexsort((position, later, rank[member]))]
    seen = np.unique(walk, return_index=True)
    times = np.bincount(walk, minlength=len(ends))
    degree = {labels[e]: int(times[e]) for e in seen[0][np.argsort(seen[1], kind="stable")].tolist()}
    types: dict = {}
    for ds in packed:
        kinds = ds.columns["kinds"]
        for (t, *_), n in zip(kinds, np.bincount(np.asarray(ds.columns["relations"]["kind"], dtype=np.int64), minlength=len(kinds)).tolist()):
            types[t] = types.get(t, 0) + n
    # Members of several organisations: which, and their MEMBER_OF relations cited as evidence.
    shared, relations = {}, {}
    several = np.flatnonzero(np.bincount(member[joins], minlength=len(ids)) > 1)
    mine = joins[np.isin(member[joins], several)]
    walked = mine[np.lexsort((position[mine], rank[member[mine]]))]
    kinds_of = [ds.columns["kinds"] for ds in packed]
    for m, p, k, row, e in zip(*(a[walked].tolist() for a in (member, source, kind_at, row_at, end))):  # lists, not numpy scalars
        u, v = ids[m], labels[e]
        type_, _, role, file, method = kinds_of[p][k]
        shared.setdefault(u, []).append(v)
        attrs = edge_attrs(packed[p], type_, role, None, file, row, None, None, method)
        relations.setdefault(u, [names[m], []])[1].append([v, edge_key(packed[p], file, row, type_), attrs])
    id_of, name_of = np.array(ids, dtype=object), np.array(names, dtype=object)  # a million picked at once
    G.graph["folded"] = {
        "counts": {c: len(at) for c, at in members.items()},
        "members": {c: id_of[at].tolist() for c, at in members.items()},
        "shared": shared,
        "degree": degree,
        "names": {c: name_of[at].tolist() for c, at in members.items()},
        "relations": relations,
    }
    return {"folded": len(ids), "folded_types": types, "folded_names": list(zip(ids, names, aliases)), "edges": len(member)}


def _column_of(ds, key: str) -> list:
    column = ds.columns["nodes"].get(key)
    return _values(column, len(ds.columns["ids"])) if column is not None else [None] * len(ds.columns["ids"])
