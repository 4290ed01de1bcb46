"""The local import store: save, list, remove and load imports, and merge them into a graph.

Imports live in ``$ECOSYSTEM_HOME`` (else ``$XDG_DATA_HOME/ecosystem`` or
``~/.local/share/ecosystem``), one compressed file each plus a manifest written last, so
a failed write leaves the store as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx

from .errors import EcosystemError, ImportFailed
from .files import write_atomically as _write_atomically
from .graph import successors
from .imports import _EDGE_FIELDS, _FORMAT, Dataset, UnknownImport, _bulk
from .model import ATTRIBUTES, SLUG_RE, kind_labels
from .resolve import normalise_name, read_review, resolve, review_csv

__all__ = ["save_import", "load_import", "list_imports", "remove_import", "add_imports", "ecosystem_home"]


# -- the store -------------------------------------------------------------------------------


def ecosystem_home(home=None) -> Path:
    """Return the local store: `home`, else ``$ECOSYSTEM_HOME``, else ``$XDG_DATA_HOME/ecosystem``
    (``~/.local/share/ecosystem``)."""
    if home is not None:
        return Path(home)
    if os.environ.get("ECOSYSTEM_HOME"):
        return Path(os.environ["ECOSYSTEM_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ecosystem"


def _imports_dir(home) -> Path:
    return ecosystem_home(home) / "imports"


def _read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.exists():
        return {"format": _FORMAT, "imports": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest.get("imports"), dict):
            raise ValueError("no 'imports' object")
    except (ValueError, UnicodeDecodeError) as err:
        raise EcosystemError(
            f"{path}: the store's manifest is damaged ({err}); restore it from a backup or remove the folder {folder} and import again"
        ) from None
    return manifest


@contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on the store while changing it (POSIX; elsewhere none)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(folder / ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _encode(ds: Dataset) -> bytes:
    payload = {
        "format": _FORMAT,
        "name": ds.name,
        "source": ds.source,
        "files": ds.files,
        "dropped_columns": ds.dropped_columns,
        "nodes": ds.nodes,
        "edge_fields": _EDGE_FIELDS,
        "edges": [list(map(e.get, _EDGE_FIELDS)) for e in ds.edges],
        "links": ds.links,
    }
    payload["nodes"] = {n: {k: v for k, v in d.items() if v not in (None, "")} for n, d in ds.nodes.items()}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0)


def save_import(dataset: Dataset, *, home=None, G: nx.Graph | None = None, review=None) -> dict:
    """Link the dataset's organisations to seed entities and store it as one import.

    Parameters
    ----------
    dataset : Dataset
        From one of the importers; ``dataset.name`` names the import (a slug). An
        import of the same name is replaced.
    home : path, optional
        The store (see :func:`ecosystem_home`).
    G : networkx graph, optional
        The seed graph to link to (default: the shipped seeds).
    review : path, optional
        A review report filled in by an analyst (:func:`ecosystem.resolve.read_review`).

    Returns
    -------
    dict
        The import's manifest entry: ``name``, ``source``, ``files``, ``organisations``,
        ``nodes``, ``edges``, ``links`` (count by method), ``review_rows`` and
        ``review_file`` (the report of names to review, in the store).

    Notes
    -----
    The data file is written under a new name, then the manifest is replaced, both by
    write-fsync-rename; only then is the replaced import's file deleted. An error at any
    point leaves the store as it was.
    """
    from .graph import build_graph

    if not SLUG_RE.match(dataset.name):
        raise ImportFailed(f"import name {dataset.name!r} is not a slug (lowercase letters and digits joined by '-'; e.g. --name cordis-h2020)")
    if not dataset.nodes:
        files = ", ".join(f["file"] for f in dataset.files) or "the file"
        raise ImportFailed(f"{files}: no data rows, nothing imported (a stored import {dataset.name!r}, if any, is kept as it was)")
    G = build_graph() if G is None else G
    decisions = read_review(review, G) if review is not None else None
    with _bulk():
        return _save(dataset, home, G, decisions)


def _save(dataset: Dataset, home, G: nx.Graph, decisions) -> dict:
    resolution = resolve(dataset.organisations(), G, decisions=decisions)
    dataset.links = {k: {"entity": v.entity, "method": v.method, "score": v.score} for k, v in sorted(resolution.links.items())}

    folder = _imports_dir(home)
    data = _encode(dataset)
    digest = hashlib.sha256(data).hexdigest()[:12]
    data_file = f"{dataset.name}-{digest}.json.gz"
    review_file = f"{dataset.name}-{digest}.review.csv"
    counts = resolution.counts()
    entry = {
        "name": dataset.name,
        "source": dataset.source,
        "files": dataset.files,
        "dropped_columns": dataset.dropped_columns,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "data_file": data_file,
        "review_file": review_file,
        "nodes": len(dataset.nodes),
        "edges": len(dataset.edges),
        "organisations": len(dataset.organisations(places=False)),
        "links": {k: counts[k] for k in ("cvr", "pic", "name", "review")},
        "review_rows": counts["review_rows"],
        "unused_decisions": resolution.unused_decisions,
    }
    with _locked(folder):
        manifest = _read_manifest(folder)
        old = manifest["imports"].get(dataset.name)
        written = []
        try:
            _write_atomically(folder / data_file, data)
            written.append(folder / data_file)
            _write_atomically(folder / review_file, review_csv(resolution.review).encode("utf-8"))
            written.append(folder / review_file)
            manifest["imports"][dataset.name] = entry
            manifest["imports"] = dict(sorted(manifest["imports"].items()))
            _write_atomically(folder / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        except BaseException:
            for p in written:
                if old is None or p.name not in (old["data_file"], old["review_file"]):
                    p.unlink(missing_ok=True)
            raise
        if old is not None:
            for f in (old["data_file"], old["review_file"]):
                if f not in (data_file, review_file):
                    (folder / f).unlink(missing_ok=True)
    return {**entry, "review_file": str(folder / review_file)}


def list_imports(home=None) -> list[dict]:
    """Return the stored imports' manifest entries, sorted by name."""
    return list(_read_manifest(_imports_dir(home))["imports"].values())


def remove_import(name: str, home=None) -> dict:
    """Remove a stored import (manifest first, then its files); return its entry.

    Raises
    ------
    UnknownImport
        If no import has this name.
    """
    folder = _imports_dir(home)
    with _locked(folder):
        manifest = _read_manifest(folder)
        entry = manifest["imports"].pop(name, None)
        if entry is None:
            known = ", ".join(manifest["imports"]) or "none"
            raise UnknownImport(f"no import named {name!r} (stored imports: {known}; see `ecosystem import --list`)")
        _write_atomically(folder / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        for f in (entry["data_file"], entry["review_file"]):
            (folder / f).unlink(missing_ok=True)
    return entry


def load_import(name: str, home=None) -> Dataset:
    """Read one stored import back into a :class:`Dataset`."""
    folder = _imports_dir(home)
    entry = _read_manifest(folder)["imports"].get(name)
    if entry is None:
        raise UnknownImport(f"no import named {name!r} (see `ecosystem import --list`)")
    path = folder / entry["data_file"]
    try:
        with _bulk():
            payload = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError, zlib.error) as err:
        raise EcosystemError(f"{path}: the stored import {name!r} cannot be read ({err}); import the file again") from None
    fields = payload["edge_fields"]
    ds = Dataset(payload["name"], payload["source"], payload["files"], payload["nodes"], [], payload["dropped_columns"], payload["links"])
    with _bulk():
        ds.edges = [dict(zip(fields, e)) for e in payload["edges"]]
    for d in ds.nodes.values():
        d.setdefault("aliases", [])
        d.setdefault("subtype", "")
    return ds


# -- into the graph --------------------------------------------------------------------------

_AUXILIARY = ("LOCATED_IN", "PART_OF", "SERVES")
# What a node keeps from where it was first defined (a seed entity keeps its own).
_KEEP = frozenset(
    {"kind", "subtype", "name", "aliases", "labels", "doc", "quote", "doc_year", "first_year", "dataset", "file", "row", "imported", "ref"}
)


def _node_attrs(ds: Dataset, node: dict, first_year) -> dict:
    attrs = {k: v for k, v in node.items() if v is not None and k not in ("file", "row", "ref")}
    attrs["labels"] = list(kind_labels(node["kind"]))
    attrs.update(
        doc=ds.name, quote="", doc_year=first_year, first_year=first_year, dataset=ds.name, file=node.get("file"), row=node.get("row"), imported=True
    )
    for a in ATTRIBUTES:
        if a in attrs:
            attrs[a + "_doc"], attrs[a + "_quote"] = ds.name, ""
    return attrs


def add_imports(
    G: nx.MultiDiGraph, home=None, *, names: Iterable[str] | None = None, as_of: int | None = None, countries: Iterable[str] | None = None
) -> dict:
    """Merge the stored imports into a graph built from the seeds, in place.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        From :func:`ecosystem.graph.build_graph`.
    home : path, optional
        The store (see :func:`ecosystem_home`).
    names : iterable of str, optional
        Only these imports (default: all).
    as_of : int, optional
        Leave out projects started after this year and facts dated later (default:
        ``G.graph["as_of"]``).
    countries : iterable of str, optional
        Keep only projects with a participant from these countries (e.g. ``["DK"]``),
        with all their participants; by default every project.

    Returns
    -------
    dict
        ``imports`` (names), ``nodes_added``, ``edges_added``, ``linked`` (imported
        organisations and municipalities merged into seed entities), ``merged`` (name-only
        organisations merged into an imported organisation with a CVR or PIC).

    Notes
    -----
    An imported organisation linked to a seed entity (by CVR, PIC, name or review;
    see :func:`save_import`) becomes that entity: its edges attach to the seed node,
    which gains the attributes it lacked and ``imported_ids``. Imported organisations
    known only by name (``org-...``) merge into the one imported organisation with a
    CVR or PIC of the same normalised name, if there is exactly one. Nodes of several
    imports with the same id (``cvr-...``, municipalities, regions) are one node.
    """
    with _bulk():
        return _add_imports(G, home, names, as_of, countries)


def _add_imports(G, home, names, as_of, countries) -> dict:
    entries = list_imports(home)
    if names is not None:
        wanted = list(names)
        missing = sorted(set(wanted) - {e["name"] for e in entries})
        if missing:
            raise UnknownImport(f"no import named {', '.join(map(repr, missing))} (see `ecosystem import --list`)")
        entries = [e for e in entries if e["name"] in wanted]
    as_of = G.graph.get("as_of") if as_of is None else as_of
    datasets = [load_import(e["name"], home) for e in entries]
    countries = _check_countries(countries, datasets) if countries is not None else None

    former = successors(G)
    mapping: dict[str, str] = {}
    for ds in datasets:
        for imp, link in ds.links.items():
            target = link["entity"] if link["entity"] in G else former.get(link["entity"])
            if target is not None:
                mapping.setdefault(imp, target)
    keyed: dict[str, set[str]] = {}
    for ds in datasets:
        for n, d in ds.nodes.items():
            if n.startswith(("cvr-", "pic-")) and d.get("named", True):
                keyed.setdefault(normalise_name(d["name"]), set()).add(n)
    for ds in datasets:
        for n, d in ds.nodes.items():
            if n.startswith("org-") and n not in mapping:
                same = keyed.get(normalise_name(d["name"]), set())
                if len(same) == 1:
                    (other,) = same
                    mapping[n] = mapping.get(other, other)

    summary = {"imports": [ds.name for ds in datasets], "nodes_added": 0, "edges_added": 0, "linked": 0, "merged": 0}
    selected = [(ds, _select(ds, as_of, countries)) for ds in datasets]
    todo = []
    for ds, edges in selected:
        first: dict[str, int] = {}
        for e in edges:
            for n in (e["start"], e["end"]):
                first.setdefault(n, e["year"])
                if e["year"] is not None:
                    first[n] = min(first[n] or e["year"], e["year"])
        todo += [(mapping.get(n, n) != n, ds, n, first[n]) for n in sorted(first)]
    linked: set[str] = set()
    merged_ids: set[str] = set()
    # Nodes under their own id first, so a merged-in node never stands in for its target.
    for merged, ds, n, first_year in sorted(todo, key=lambda x: x[0]):
        d = ds.nodes[n]
        target = mapping.get(n, n)
        if target in G:
            node = G.nodes[target]
            if merged and n not in node.setdefault("imported_ids", []):
                node["imported_ids"].append(n)
                (merged_ids if node.get("imported") else linked).add(n)
            for k, v in _node_attrs(ds, d, first_year).items():
                if k not in node and k not in _KEEP and v is not None:
                    node[k] = v
        elif not d.get("ref"):
            G.add_node(target, **_node_attrs(ds, d, first_year))
            summary["nodes_added"] += 1
    added: set[tuple] = set()
    for ds, edges in selected:
        for e in edges:
            u, v = mapping.get(e["start"], e["start"]), mapping.get(e["end"], e["end"])
            if u == v or u not in G or v not in G:
                continue
            # Readable and unique per pair: where the fact is; structure (row None) once.
            key = f"{ds.name}:{e['file']}:{e['row']}:{e['type']}" if e["row"] is not None else f"import:{e['type']}"
            attrs = {
                "type": e["type"],
                "role": e["role"] or "",
                "year": e["year"],
                "doc": ds.name,
                "doc_year": e["year"],
                "quote": "",
                "dataset": ds.name,
                "file": e["file"],
                "row": e["row"],
                "imported": True,
            }
            for k in ("amount", "amount_unit", "method"):
                if e.get(k) is not None:
                    attrs[k] = e[k]
            G.add_edge(u, v, key=key, **attrs)
            added.add((u, v, key))
    summary["edges_added"] = len(added)
    summary["linked"] = len(linked)
    summary["merged"] = len(merged_ids)
    return summary


# Where the EU's codes differ from ISO 3166, CORDIS uses the EU's.
_EU_CODES = {"GB": "UK", "GR": "EL"}


def _check_countries(countries: Iterable[str], datasets: list[Dataset]) -> set[str]:
    """Upper-case the codes; refuse codes no imported participant has, naming the known ones."""
    wanted = {c.strip().upper() for c in countries}
    known = {d["country"] for ds in datasets for d in ds.nodes.values() if d.get("country")}
    unknown = sorted(wanted - known)
    if unknown and datasets:
        hints = [f"CORDIS writes {c} as {_EU_CODES[c]}" for c in unknown if _EU_CODES.get(c) in known]
        raise EcosystemError(
            f"no imported participant has the country code {', '.join(unknown)}"
            + (f" ({'; '.join(hints)})" if hints else "")
            + f"; the imports have {len(known)} codes: {', '.join(sorted(known))}"
        )
    return wanted


def _select(ds: Dataset, as_of: int | None, countries: set | None) -> list[dict]:
    """The dataset's edges that survive `as_of` and `countries`, with what hangs off them."""
    projects = {n for n, d in ds.nodes.items() if d.get("kind") == "project"}
    late = {n for n in projects if as_of is not None and (ds.nodes[n].get("year") or 0) > as_of}
    if countries is not None:
        keep = {e["end"] for e in ds.edges if e["type"] == "PARTICIPATES_IN" and ds.nodes[e["start"]].get("country") in countries}
        late |= projects - keep
    core, aux = [], []
    for e in ds.edges:
        if e["start"] in late or e["end"] in late or (as_of is not None and e["year"] is not None and e["year"] > as_of):
            continue
        (aux if e["type"] in _AUXILIARY else core).append(e)
    used = {e["start"] for e in core} | {e["end"] for e in core}
    chosen = list(core)
    pending = aux
    # An organisation's municipality, then the municipality's region: follow the chain.
    while pending:
        take = [e for e in pending if e["start"] in used]
        if not take:
            break
        chosen += take
        used |= {e["end"] for e in take}
        taken = set(map(id, take))
        pending = [e for e in pending if id(e) not in taken]
    return chosen
