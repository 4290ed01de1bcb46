"""One call from a file to a stored import, as ``ecosystem import`` does it, with the summary it prints."""

from __future__ import annotations

from pathlib import Path

from ecosystem.evidence import load_seeds
from ecosystem.graph import build_graph
from ecosystem.ingest.cordis import import_cordis
from ecosystem.ingest.members import import_members
from ecosystem.ingest.store import save_import
from ecosystem.ingest.structural_funds import import_structural_funds
from ecosystem.ingest.tables import import_limits

__all__ = ["SOURCES", "import_file", "summary_lines"]

SOURCES = ("cordis", "structural-funds", "members")


def import_file(
    source: str,
    path,
    *,
    home=None,
    name: str | None = None,
    seeds=None,
    review=None,
    allow_fewer: bool = False,
    encoding: str = "utf-8-sig",
    max_mb: int | None = None,
    max_rows: int | None = None,
    organisations=None,
    programmes=None,
) -> dict:
    """Read a dataset, link its organisations to the seed entities and store it: ``ecosystem import SOURCE PATH``.

    Parameters
    ----------
    source : {"cordis", "structural-funds", "members"}
        What the file is (:data:`SOURCES`).
    path : path
        The file (CSV, or gzip-compressed CSV).
    home : path, optional
        The store (default ``$ECOSYSTEM_HOME`` or the per-user data folder).
    name : str, optional
        The import's name (a slug); an import of that name is replaced.
    seeds : path or Seeds, optional
        The seeds to link to (default: the shipped ones).
    review, allow_fewer
        As for :func:`~ecosystem.ingest.save_import`.
    encoding, max_mb, max_rows
        How the file is read, and its size limits (:func:`~ecosystem.ingest.import_limits`).
    organisations, programmes : path, optional
        CORDIS only: the organisations file and the programme parts file.

    Returns
    -------
    dict
        The stored import's entry (see :func:`~ecosystem.ingest.save_import`), with
        ``summary``: the lines the CLI prints (:func:`summary_lines`).

    Raises
    ------
    ImportFailed
        If the file is malformed or would replace an import with far fewer organisations;
        the store is left as it was.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; use one of: {', '.join(SOURCES)}")
    if not (source == "cordis" or organisations is None and programmes is None):
        raise ValueError("organisations= and programmes= are for cordis only")
    G = build_graph(seeds if seeds is None or not isinstance(seeds, (str, Path)) else load_seeds(seeds))
    with import_limits(max_mb, max_rows):
        if source == "cordis":
            dataset = import_cordis(path, organisations, programmes_path=programmes, name=name or "cordis-h2020", encoding=encoding)
        elif source == "structural-funds":
            dataset = import_structural_funds(path, name=name, encoding=encoding)
        else:
            dataset = import_members(path, G=G, name=name, encoding=encoding, columns=True)  # a million rows: not a node each
    entry = save_import(dataset, home=home, G=G, review=review, allow_fewer=allow_fewer)
    return {**entry, "summary": summary_lines(entry)}


def summary_lines(entry: dict) -> list[str]:
    """What ``ecosystem import`` prints about a stored import: counts, links, what to review, what it replaced."""
    lines = []
    if entry.get("replaced") is not None:
        lines.append(f"replaced the earlier import {entry['name']!r} ({entry['replaced']} organisations; now {entry['organisations']})")
    for twin in entry.get("same_files_as", ()):
        lines.append(f"note: the same file(s) are stored as the import {twin!r} too; `ecosystem import --remove {twin}` if one is enough")
    links = entry["links"]
    lines.append(
        f"imported {entry['name']}: {entry['organisations']} organisations, {entry['nodes']} nodes, {entry['edges']} relationships; "
        f"linked to seed entities: {links['cvr']} by CVR, {links['pic']} by PIC, {links['name']} by name, {links['review']} by review"
    )
    if entry["dropped_columns"]:
        lines.append("left out (personal data): " + ", ".join(entry["dropped_columns"]))
    if entry["review_rows"]:
        lines.append(f"{entry['review_rows']} possible link(s) to review: {entry['review_file']}")
        lines.append("  fill in the decision column (accept, reject or a seed id), then import again with --review FILE")
    if entry["unused_decisions"]:
        lines.append(f"{entry['unused_decisions']} decision(s) in the review file name organisations not in this import")
    return lines
