"""The local import store: save, list, remove and load imports, and merge them into a graph.

Imports live in ``$ECOSYSTEM_HOME`` (else ``$XDG_DATA_HOME/ecosystem`` or
``~/.local/share/ecosystem``), one compressed file each plus a manifest written last, so
a failed write leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx

# Through the module, not the name: a test makes one write fail to check that the
# store is left as it was.
from ecosystem import files
from ecosystem.errors import EcosystemError, ImportFailed, UnknownImport
from ecosystem.evidence import SLUG_RE
from ecosystem.graph import FOLD_AT, build_graph
from ecosystem.ingest.dataset import FORMAT, Dataset, bulk
from ecosystem.ingest.merge import merge_datasets
from ecosystem.ingest.resolution import resolve
from ecosystem.ingest.review import read_review, review_csv

__all__ = [
    "UnknownImport",
    "add_imports",
    "ecosystem_home",
    "graph_with_imports",
    "list_imports",
    "load_import",
    "remove_import",
    "save_import",
]


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
        return {"format": FORMAT, "imports": {}}
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


def save_import(dataset: Dataset, *, home=None, G: nx.Graph | None = None, review=None, allow_fewer: bool = False, fold_at: int | None = FOLD_AT) -> dict:
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
        A review report filled in by an analyst (:func:`~ecosystem.ingest.review.read_review`).
    allow_fewer : bool
        Replace a stored import of the same name even with fewer than half its
        organisations (refused by default: a cut-off or wrong file would wipe good data).
    fold_at : int or None
        Store as columns the members that would fold with this threshold were the import
        the only one (:meth:`Dataset.encode`); None: none.

    Returns
    -------
    dict
        The import's manifest entry: ``name``, ``source``, ``files``, ``organisations``,
        ``nodes``, ``edges``, ``links`` (count by method), ``review_rows`` and
        ``review_file`` (the report of names to review, in the store); also
        ``replaced`` (the organisations of the import it replaced, or None) and
        ``same_files_as`` (other imports made from the very same files).

    Notes
    -----
    The data file is written under a new name, then the manifest is replaced, both by
    write-fsync-rename; only then is the replaced import's file deleted. An error at any
    point leaves the store as it was.
    """
    if not SLUG_RE.match(dataset.name):
        raise ImportFailed(f"import name {dataset.name!r} is not a slug (lowercase letters and digits joined by '-'; e.g. --name cordis-h2020)")
    if not dataset.size()[0]:
        files = ", ".join(f["file"] for f in dataset.files) or "the file"
        raise ImportFailed(f"{files}: no data rows, nothing imported (a stored import {dataset.name!r}, if any, is kept as it was)")
    G = build_graph() if G is None else G
    decisions = read_review(review, G) if review is not None else None
    with bulk():
        return _save(dataset, home, G, decisions, allow_fewer, fold_at)


def _clean_leftovers(folder: Path, manifest: dict) -> None:
    """Remove what a killed import left behind: temporary files and data files no import names.

    Called with the store locked, so no other writer is midway.
    """
    named = {f for e in manifest["imports"].values() for f in (e["data_file"], e["review_file"])}
    for path in folder.iterdir():
        stray = path.name.endswith(".tmp") or (path.name.endswith((".json.gz", ".review.csv")) and path.name not in named)
        if stray and path.is_file():
            path.unlink(missing_ok=True)


def _save(dataset: Dataset, home, G: nx.Graph, decisions, allow_fewer: bool, fold_at: int | None) -> dict:
    resolution = resolve(dataset.records(), G, ids=dataset.organisation_ids(), decisions=decisions, normalise=dataset.normalised)
    dataset.links = {k: {"entity": v.entity, "method": v.method, "score": v.score} for k, v in sorted(resolution.links.items())}
    (nodes, edges), organisations = dataset.size(), len(dataset.organisation_ids(places=False))

    folder = _imports_dir(home)
    data = dataset.encode(fold_at=fold_at)  # members listed as columns (import_members(columns=True)) settled: those that fold stay columns
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
        "nodes": nodes,
        "edges": edges,
        "organisations": organisations,
        "links": {k: counts[k] for k in ("cvr", "pic", "name", "review")},
        "review_rows": counts["review_rows"],
        "unused_decisions": resolution.unused_decisions,
    }
    with _locked(folder):
        manifest = _read_manifest(folder)
        _clean_leftovers(folder, manifest)
        old = manifest["imports"].get(dataset.name)
        if old is not None and not allow_fewer and 2 * entry["organisations"] < old["organisations"]:
            raise ImportFailed(
                f"import {dataset.name!r} would replace {old['organisations']:,} organisations with {entry['organisations']:,}, "
                "fewer than half: nothing changed. If that is meant, import again with --allow-fewer "
                f"(or first `ecosystem import --remove {dataset.name}`)"
            )
        mine = {f["sha256"] for f in dataset.files}
        twins = [e["name"] for e in manifest["imports"].values() if e["name"] != dataset.name and mine & {f["sha256"] for f in e["files"]}]
        written = []
        try:
            files.write_atomically(folder / data_file, data)
            written.append(folder / data_file)
            files.write_atomically(folder / review_file, review_csv(resolution.review).encode("utf-8"))
            written.append(folder / review_file)
            manifest["imports"][dataset.name] = entry
            manifest["imports"] = dict(sorted(manifest["imports"].items()))
            _write_manifest(folder, manifest)
        except BaseException:
            for p in written:
                if old is None or p.name not in (old["data_file"], old["review_file"]):
                    p.unlink(missing_ok=True)
            raise
        if old is not None:
            for f in (old["data_file"], old["review_file"]):
                if f not in (data_file, review_file):
                    (folder / f).unlink(missing_ok=True)
    replaced = old["organisations"] if old is not None else None
    return {**entry, "review_file": str(folder / review_file), "replaced": replaced, "same_files_as": twins}


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
        _write_manifest(folder, manifest)
        for f in (entry["data_file"], entry["review_file"]):
            (folder / f).unlink(missing_ok=True)
    return entry


def load_import(name: str, home=None, *, expand: bool = True) -> Dataset:
    """Read one stored import back into a :class:`Dataset` (see :meth:`Dataset.decode` for `expand`)."""
    folder = _imports_dir(home)
    entry = _read_manifest(folder)["imports"].get(name)
    if entry is None:
        raise UnknownImport(f"no import named {name!r} (see `ecosystem import --list`)")
    path = folder / entry["data_file"]
    try:
        return Dataset.decode(path.read_bytes(), expand=expand)
    except (OSError, EOFError, ValueError, zlib.error) as err:
        raise EcosystemError(f"{path}: the stored import {name!r} cannot be read ({err}); import the file again") from None


def _write_manifest(folder: Path, manifest: dict) -> None:
    files.write_atomically(folder / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


# -- into the graph --------------------------------------------------------------------------


def add_imports(
    G: nx.MultiDiGraph,
    home=None,
    *,
    names: Iterable[str] | None = None,
    as_of: int | None = None,
    countries: Iterable[str] | None = None,
    fold_at: int | None = None,
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
    fold_at : int, optional
        Keep the members :func:`ecosystem.graph.fold_members` would fold (``at_least=fold_at``)
        as lists from the start, never as nodes (see :func:`merge_datasets`).

    Returns
    -------
    dict
        ``imports`` (names), ``nodes_added``, ``edges_added``, ``linked`` (imported
        organisations and municipalities merged into seed entities), ``merged`` (name-only
        organisations merged into an imported organisation with a CVR or PIC); with
        members folded, ``folded`` and ``folded_types`` (:func:`merge_datasets`), and
        ``as_nodes``: the imports stored before members were stored as columns (data
        format 1) with the members folded from their nodes (import the file again to
        store them as columns).
        ``G.graph["imports"]`` gets each merged import's name and organisation count.

    Notes
    -----
    An imported organisation linked to a seed entity (by CVR, PIC, name or review;
    see :func:`save_import`) becomes that entity: its edges attach to the seed node,
    which gains the attributes it lacked and ``imported_ids``. Imported organisations
    known only by name (``org-...``) merge into the one imported organisation with a
    CVR or PIC of the same normalised name, if there is exactly one. Nodes of several
    imports with the same id (``cvr-...``, municipalities, regions) are one node.
    """
    entries = list_imports(home)
    if names is not None:
        wanted = list(names)
        missing = sorted(set(wanted) - {e["name"] for e in entries})
        if missing:
            raise UnknownImport(f"no import named {', '.join(map(repr, missing))} (see `ecosystem import --list`)")
        entries = [e for e in entries if e["name"] in wanted]
    with bulk():
        datasets = [load_import(e["name"], home, expand=fold_at is None) for e in entries]  # members as columns, folded from them
        summary = merge_datasets(G, datasets, as_of=as_of, countries=countries, fold_at=fold_at)
        older = [ds for ds in datasets if ds.stored_format < 2]  # members always nodes: folded the slow way
        if summary.get("folded") and older:
            folded = {u for u, *_ in summary["folded_names"]}
            summary["as_nodes"] = {ds.name: n for ds in older if (n := sum(1 for u in ds.nodes if u in folded)) >= fold_at}
    G.graph["imports"] = {e["name"]: e["organisations"] for e in entries}
    return summary


def graph_with_imports(seeds=None, *, as_of: int | None = None, home=None, countries: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """Build the graph from the seeds and merge every stored import into it.

    The same graph the CLI works on by default (``--imports``): see
    :func:`ecosystem.graph.build_graph` for ``seeds`` and ``as_of``, :func:`add_imports`
    for ``home`` and ``countries``. With no import stored it is the seed graph.
    """
    G = build_graph(seeds, as_of=as_of)
    add_imports(G, home, countries=countries)
    return G
