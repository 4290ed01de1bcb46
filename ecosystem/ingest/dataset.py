"""One import in memory: the :class:`Dataset` every importer returns, and its stored form.

What lands in the graph
-----------------------
Projects are ``project`` nodes ``FUNDED_BY`` their programme (an H2020 programme part
``PART_OF`` Horizon 2020, or a fund x region pool such as *ERDF Nordjylland 2007-2013*
``PART_OF`` Regionalfonden/Socialfonden, which ``SERVES`` its region). Organisations
are ``company``, ``knowledge_institution``, ``public_authority`` (CORDIS type, else the
name: :func:`~ecosystem.ingest.organisations.classify_organisation`) ``PARTICIPATES_IN``
projects with ``role`` and ``amount`` (``amount_unit`` says EUR or DKK), ``LOCATED_IN``
their municipality, which is ``LOCATED_IN`` its region (with its NUTS-2 code). Members
are ``MEMBER_OF`` clusters.

Every imported node and edge carries its provenance: ``dataset`` (the import's name),
``file`` and ``row`` (the line of the file where the record starts), ``imported=True``;
``doc`` is the dataset name and ``quote`` is empty, so code that shows ``doc``/``quote``
keeps working. Columns that hold personal data (contact persons, e-mail, phone) are
dropped when the file is read, whatever the importer
(:data:`~ecosystem.ingest.tables.PERSONAL_COLUMNS`).
"""

from __future__ import annotations

import gc
import gzip
import io
import itertools
import json
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ecosystem.evidence import ORGANISATION_KINDS
from ecosystem.graph.folded import FOLD_AT
from ecosystem.ingest import columns, listed
from ecosystem.ingest.resolution import normalise_name

__all__ = ["DATA_FORMAT", "Dataset", "EDGE_FIELDS", "Edge", "FORMAT", "bulk"]

FORMAT = 1
"""Version of the store's manifest (and of an import's data file before :data:`DATA_FORMAT`)."""

DATA_FORMAT = 2
"""Version of an import's data file: 2 since members may be stored as columns (files of
version 1 are read too; their members are always nodes)."""

EDGE_FIELDS = ("start", "type", "end", "role", "year", "amount", "amount_unit", "file", "row", "method")
"""The keys of an edge; a stored import lists each edge's values in this order."""


_FIELD = {f: i for i, f in enumerate(EDGE_FIELDS)}
assert EDGE_FIELDS[:4] + EDGE_FIELDS[7:] == ("start", "type", "end", "role", "file", "row", "method"), "Dataset.add_edge writes edges in this order"


class Edge(tuple):
    """One relation of an import: its values in the order of :data:`EDGE_FIELDS`, read by name.

    A tuple, not a dict: an import of a million members holds two million of them.

    >>> e = Edge.of("cvr-1", "MEMBER_OF", "cluster", file="m.csv", row=2)
    >>> e["start"], e["row"], e.get("year"), e.get("nope", "-")
    ('cvr-1', 2, None, '-')
    >>> e.replace(start="cvr-2")["start"], e["start"]
    ('cvr-2', 'cvr-1')
    """

    __slots__ = ()

    @classmethod
    def of(cls, start: str, type: str, end: str, **attrs) -> Edge:
        """An edge from its fields by name; those not given are None (``role`` is ``""``)."""
        attrs.setdefault("role", "")
        if not _FIELD.keys() >= attrs.keys():
            unknown = attrs.keys() - _FIELD.keys()
            raise TypeError(f"unknown edge fields {sorted(unknown)}; an edge has {', '.join(EDGE_FIELDS)}")
        return cls((start, type, end, *map(attrs.get, EDGE_FIELDS[3:])))

    def __getitem__(self, key):
        return tuple.__getitem__(self, _FIELD[key] if isinstance(key, str) else key)

    def get(self, key: str, default=None):
        """The value of field `key` (None if unset), or `default` if no edge has that field."""
        return tuple.__getitem__(self, _FIELD[key]) if key in _FIELD else default

    def replace(self, **changes) -> Edge:
        """A copy with the fields in `changes` set."""
        values = list(self)
        for k, v in changes.items():
            values[_FIELD[k]] = v
        return Edge(values)


@contextmanager
def bulk():
    """Pause the cyclic garbage collector while building hundreds of thousands of dicts.

    None of them form cycles, yet each full collection walks them all again; on the
    whole H2020 file that tripled the time of an import.

    >>> import gc
    >>> with bulk():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batches(items: list, encode, size: int = 10_000):
    """JSON text of `items` in pieces: `encode` of each `size` of them, joined by commas."""
    for i in range(0, len(items), size):
        yield ("," if i else "") + encode(items[i : i + size])


def _gzip(parts) -> bytes:
    """Gzip text given in pieces (the same bytes as ``gzip.compress`` of it joined, ``compresslevel=1, mtime=0``: fast, and the text is still about 8 times smaller)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as f:
        for part in parts:
            f.write(part.encode("utf-8"))
    return out.getvalue()


def _kept(attrs: dict) -> dict:
    """A node's attributes without the empty ones (None, ``""``), as stored; `attrs` itself when none is empty."""
    values = attrs.values()
    if None in values or "" in values:  # rare: add_node keeps no empty value
        return {k: v for k, v in attrs.items() if v is not None and v != ""}
    return attrs


def _empty(v) -> bool:
    return v is None or v == "" or (isinstance(v, list) and not v)


@dataclass
class Dataset:
    """One import in memory: nodes and edges in the model's kinds and types, with provenance.

    ``nodes`` maps an id to its attributes (``kind``, ``subtype``, ``name``, ``aliases``,
    ``file``, ``row`` and data such as ``cvr``, ``pic``, ``country``; empty ones are not
    kept); ``edges`` are :class:`Edge` tuples, read by the names of :data:`EDGE_FIELDS`. Nodes with ``ref=True`` stand for seed entities
    the file names (a member's cluster) and are never created in the graph.
    ``links`` is filled by :func:`~ecosystem.ingest.store.save_import`: imported id ->
    ``{entity, method, score}``; ``norms`` keeps the names normalised so far
    (:meth:`normalised`). ``columns`` holds members read as columns and not put back
    (``decode(..., expand=False)``, :mod:`~ecosystem.ingest.columns`); None otherwise.
    ``stored_format`` is the :data:`DATA_FORMAT` of the file it was read from; ``listed``
    holds members read as columns (``import_members(..., columns=True)``,
    :mod:`~ecosystem.ingest.listed`) until the import is stored, None otherwise.
    """

    name: str
    source: str
    files: list[dict] = field(default_factory=list)
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    links: dict[str, dict] = field(default_factory=dict)
    norms: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    columns: dict | None = field(default=None, repr=False)
    stored_format: int = field(default=DATA_FORMAT, repr=False, compare=False)
    listed: Any = field(default=None, repr=False, compare=False)

    def normalised(self, name: str) -> str:
        """:func:`~ecosystem.ingest.resolution.normalise_name` of `name`, worked out once per import.

        Classifying, keying, merging and linking an organisation all compare its
        normalised name; an import of a million names would otherwise normalise each
        several times (kept in memory with the import, never stored).
        """
        norm = self.norms.get(name)
        if norm is None:
            norm = self.norms[name] = normalise_name.__wrapped__(name)  # memoised here, not in its small cache
        return norm

    def add_node(self, node_id: str, **attrs) -> str:
        """Add a node, or fill in the attributes an earlier row left empty; return its id.

        Empty values (None, ``""``, ``[]``) are not kept: read ``d.get("cvr")``.
        """
        d = self.nodes.get(node_id)
        if d is None:
            self.nodes[node_id] = {k: v for k, v in attrs.items() if v is not None and v != "" and v != []}  # not _empty(v): a call per value costs
        else:
            for k, v in attrs.items():
                if _empty(d.get(k)) and not _empty(v):
                    d[k] = v
        return node_id

    def add_edge(self, start: str, type: str, end: str, *, file: str, row: int | None, role: str = "", method: str | None = None, **attrs) -> None:
        """Add one fact with its provenance (file and row)."""
        if attrs:
            self.edges.append(Edge.of(start, type, end, role=role, file=file, row=row, method=method, **attrs))
        else:  # most facts: the fields in EDGE_FIELDS's order, without Edge.of's checks
            self.edges.append(Edge((start, type, end, role, None, None, None, file, row, method)))

    def organisations(self, *, places: bool = True) -> dict[str, dict]:
        """Return the nodes entity resolution links: organisations and, unless ``places=False``,
        the municipalities the import located them in (``kommune-KOMKODE``)."""
        return {n: self.nodes[n] for n in self.organisation_ids(places=places)}

    def organisation_ids(self, *, places: bool = True) -> list[str]:
        """The ids of :meth:`organisations`, in the nodes' order (listed members after them)."""
        return [
            n
            for n, d in self.nodes.items()
            if d.get("kind") in ORGANISATION_KINDS and not d.get("ref") and (places or not n.startswith("kommune-"))
        ] + (self.listed.organisation_ids() if self.listed is not None else [])

    def records(self) -> Mapping[str, dict]:
        """Every node by id, members listed as columns too (each made a dict when read, None
        for the attributes it lacks: read them with ``get``)."""
        return listed.records(self)

    def size(self) -> tuple[int, int]:
        """How many nodes and relations the dataset has, members listed as columns too."""
        if self.listed is None:
            return len(self.nodes), len(self.edges)
        return len(self.nodes) + len(self.listed.ids), len(self.edges) + len(self.listed.start)

    def expand(self) -> Dataset:
        """Put members read as columns back among the nodes and edges (in place); return self."""
        listed.expand(self, Edge)
        columns.expand(self, Edge)
        return self

    def settle(self, at_least: int | None = FOLD_AT) -> Dataset:
        """Keep as columns the listed members that fold with `at_least` (None: none), once
        :attr:`links` are set, and make the others nodes (in place); return self."""
        if self.listed is not None:
            if at_least is None:
                listed.expand(self, Edge)
            else:
                listed.settle(self, at_least, Edge)
        return self

    def encode(self, *, fold_at: int | None = FOLD_AT) -> bytes:
        """Return the dataset in its stored form: gzip-compressed JSON, the same bytes for the same data.

        Edges are lists in the order of :data:`EDGE_FIELDS`; empty node attributes are
        left out. Members that would fold with `fold_at` (None: none) are stored as
        columns (:mod:`~ecosystem.ingest.columns`; format 2). The JSON is written and
        compressed in pieces: memory holds the compressed bytes, not the text. Members
        still listed as columns (:attr:`listed`) are settled first (:meth:`settle`, in place).

        >>> ds = Dataset("t", "test")
        >>> ds.add_edge(ds.add_node("a", kind="company", name="A", cvr=None), "MEMBER_OF", "b", file="f.csv", row=2)
        >>> back = Dataset.decode(ds.encode())
        >>> back.nodes, back.edges[0]["end"], back.edges[0]["year"]
        ({'a': {'kind': 'company', 'name': 'A', 'aliases': [], 'subtype': ''}}, 'b', None)
        >>> back.encode() == Dataset.decode(back.encode()).encode()  # stable once read back
        True
        """
        self.settle(fold_at)
        dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
        nodes, edges = self.nodes, self.edges
        packed = columns.pieces(self.columns, dump) if self.columns is not None else None
        if packed is None and fold_at is not None and (picked := columns.split(self, fold_at)) is not None:
            ids = list(nodes)
            nodes = {ids[i]: nodes[ids[i]] for i in np.flatnonzero(~picked.held).tolist()}  # the others: few
            edges = [edges[i] for i in np.flatnonzero(~picked.kept).tolist()]
            del ids
            packed = picked.pieces(dump)
        return _gzip(
            itertools.chain(
                [dump({"dropped_columns": self.dropped_columns, "edge_fields": EDGE_FIELDS})[:-1], ',"edges":['],
                _batches(edges, lambda batch: dump(batch)[1:-1]),
                [
                    '],"files":',
                    dump(self.files),
                    ',"format":',
                    dump(DATA_FORMAT),
                    ',"links":',
                    dump(self.links),
                    *([',"members":'] if packed is not None else []),
                ],
                packed or [],
                [
                    ',"name":',
                    dump(self.name),
                    ',"nodes":{',
                ],
                _batches(sorted(nodes), lambda batch: dump({n: _kept(nodes[n]) for n in batch})[1:-1]),
                ['},"source":', dump(self.source), "}"],
            )
        )

    @classmethod
    def decode(cls, data: bytes, *, expand: bool = True) -> Dataset:
        """Read a dataset back from :meth:`encode`'s bytes; with ``expand=False`` members
        stored as columns stay in ``columns`` (see :mod:`~ecosystem.ingest.columns`).

        Raises
        ------
        OSError, EOFError, zlib.error, ValueError
            If the bytes are not gzip-compressed JSON (damaged or cut off).
        """
        with bulk():
            payload = json.loads(gzip.decompress(data))
            fields = payload["edge_fields"]
            ds = cls(
                payload["name"],
                payload["source"],
                payload["files"],
                payload["nodes"],
                [],
                payload["dropped_columns"],
                payload["links"],
            )
            if list(fields) != list(EDGE_FIELDS):
                raise ValueError(f"edge fields {fields} are not {list(EDGE_FIELDS)}")
            ds.stored_format = payload.get("format", FORMAT)
            if ds.stored_format > DATA_FORMAT:
                raise ValueError(f"format {payload['format']} is newer than this version of ecosystem reads ({DATA_FORMAT})")
            ds.edges = [Edge(e) for e in payload["edges"]]
            ds.columns = payload.get("members")
            if ds.columns is not None:
                columns.load(ds.columns, len(ds.edges))
            for d in ds.nodes.values():
                d.setdefault("aliases", [])
                d.setdefault("subtype", "")
            if expand:
                columns.expand(ds, Edge)
        return ds
