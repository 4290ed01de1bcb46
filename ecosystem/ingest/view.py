"""The graph the analyses read, with the stored imports merged: cut to what they look at, cached.

The whole merged graph holds every imported organisation and project (about 70,000 nodes
with the H2020 and structural-fund imports), but the analyses only look at the cluster
organisations, their neighbours and, for regions, the neighbours' neighbours. The
*analysis graph* keeps every seed entity and every node within two relations of a cluster
organisation (and the neighbours of seed entities with at most SHOW_DEGREE relations,
and the organisations the map places, with their places), with all relations among
them, in the whole graph's order; the whole graph's counts
(:func:`ecosystem.graph.graph_stats`) travel with it in ``G.graph["stats"]``. Imported
members that are nothing else (a ``MEMBER_OF`` to each of some cluster organisations with
at least ``FOLD_AT``, 1,000, such members, and where they lie) are lists in
``G.graph["folded"]`` rather than nodes (:mod:`ecosystem.graph.folded`), folded as the
imports are merged: the analyses count, intersect and list them.

It is cached in the store (``cache/analysis-<key>.json``) as plain JSON (attributes
packed by shape, :mod:`ecosystem.ingest.packed`), the folded members' ids, names and
relations in files of their own beside it (``PARTS``), read when first asked for; keyed by the
content of the seeds, of the stored imports, of this package's code and by the
arguments. A changed seed, a new or removed import or a new version of the code gives a
new key; a cache file that cannot be read or does not hold what its name says is
rebuilt, never trusted. Files are written atomically, so a crash leaves no half-written
cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import graphlib
import hashlib
import itertools
import json
import math
import operator
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import networkx as nx

from ecosystem import files
from ecosystem.errors import EcosystemError
from ecosystem.evidence import CLUSTER_KINDS, ORGANISATION_KINDS, load_seeds
from ecosystem.graph import FOLD_AT, build_graph, folded_degree, graph_stats, name_index
from ecosystem.graph.folded import LOADERS
from ecosystem.ingest.dataset import bulk
from ecosystem.ingest.packed import fill, pack, unpack
from ecosystem.ingest.store import add_imports, ecosystem_home, list_imports

__all__ = ["analysis_graph", "cut_for_analysis", "find_complete", "names_of_nodes", "CACHE_FORMAT", "RADIUS"]

CACHE_FORMAT = 5  # 2: attributes packed by shape (packed.pack); 3: members of one organisation folded (graph.fold_members); 4: of several too, lists apart; 5: names of G's nodes only
RADIUS = 2  # relations from a cluster organisation that the analyses read
SHOW_DEGREE = 1000  # a seed entity with at most this many relations keeps all its neighbours
KEEP_CACHES = 8  # the most recently used cache files kept; older ones are removed


def cut_for_analysis(G: nx.MultiDiGraph, keep: Iterable = (), stats: dict | None = None) -> nx.MultiDiGraph:
    """Return a copy of G with the nodes in `keep` and those within RADIUS relations of a cluster organisation.

    Nodes and relations keep G's order: each node's successors and predecessors come in
    the same order as in G (see :func:`_insertion_order`), so whatever iterates them sees
    the same sequence. ``G.graph`` is copied, with ``stats`` set to the counts of G (or
    to `stats`, the counts of the graph G was before members were folded out of it).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", kind="cluster_organisation")
    >>> G.add_nodes_from(["p", "firm", "far"], kind="company")
    >>> nx.add_path(G, ["c", "p", "firm", "far"], type="PARTICIPATES_IN")
    >>> H = cut_for_analysis(G)
    >>> list(H), H.graph["stats"]["nodes"]
    (['c', 'p', 'firm'], 4)
    """
    near = {n for n, k in G.nodes(data="kind") if k in CLUSTER_KINDS}
    frontier = set(near)
    for _ in range(RADIUS):
        frontier = {m for n in frontier for m in (*G.successors(n), *G.predecessors(n))} - near
        near |= frontier
    near |= set(keep)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph, stats=graph_stats(G) if stats is None else stats)
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if n in near)
    H.add_edges_from((u, v, k, d) for u, v in _insertion_order(G, H) for k, d in G.succ[u][v].items())
    return H


def _placed(G: nx.MultiDiGraph) -> set:
    """The organisations the map can place (:func:`ecosystem.output.plots.locate`), and the
    places it reads for them: those far from every cluster organisation are on the map too."""
    out = set()
    for n, d in G.nodes(data=True):
        if d.get("kind") not in ORGANISATION_KINDS:
            continue
        places = [v for _, v, t in G.out_edges(n, data="type") if t in ("LOCATED_IN", "SERVES")]
        if places or d.get("subtype") in ("municipality", "area"):
            out.add(n)
            out.update(places)
            out.update(w for v in places for _, w, t in G.out_edges(v, data="type") if t in ("PART_OF", "LOCATED_IN"))
    return out


def _insertion_order(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> list[tuple]:
    """The linked pairs of G among H's nodes, in an order that, added one by one, gives every
    node of H its successors and its predecessors in G's order.

    A node's successors are in the order their first relation was added, and so are its
    predecessors: both are orders of one history, so a topological sort of the pairs
    under the two orders always exists. Iterating ``G.edges`` instead would keep the
    successors' order but not the predecessors'.
    """
    order = graphlib.TopologicalSorter()
    for adjacency in (G.succ, G.pred):
        for n in H:
            previous = None
            for m in adjacency[n]:
                if m in H:
                    pair = (n, m) if adjacency is G.succ else (m, n)
                    order.add(pair, *([previous] if previous else []))
                    previous = pair
    return list(order.static_order())


def analysis_graph(
    seeds=None,
    *,
    as_of: int | None = None,
    home=None,
    countries: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> nx.MultiDiGraph:
    """Return the analysis graph with every stored import merged: from the cache, else built and cached.

    Every analysis of :mod:`ecosystem.analysis` gives the same answer on it as on
    :func:`~ecosystem.ingest.graph_with_imports` with the same arguments, in a fraction
    of the time; ``G.graph["stats"]`` holds the whole graph's counts. Members that are
    nothing else, of organisations with thousands, are in ``G.graph["folded"]``
    rather than nodes (read them with :func:`ecosystem.graph.folded_members`; use
    ``graph_with_imports`` for a graph with every node). With no import stored it is the
    seed graph (and ``stats`` its counts).

    Parameters
    ----------
    seeds, as_of, home, countries
        As for :func:`~ecosystem.ingest.graph_with_imports`.
    progress : callable, optional
        Called with a short line at each step of a build (not on a cache hit).
    """
    seeds = load_seeds(seeds) if seeds is None or isinstance(seeds, (str, Path)) else seeds  # read once: key and build
    entries = list_imports(home)
    if not entries:
        G = build_graph(seeds, as_of=as_of)
        G.graph["stats"] = graph_stats(G)
        return G
    folder = ecosystem_home(home) / "cache"
    key = _key(seeds, entries, as_of, countries)
    path = folder / f"analysis-{key[:24]}.json"
    G = _read(path, key)
    if G is None:
        with bulk():
            G, _ = _build(seeds, as_of, home, countries, folder, key, progress or (lambda line: None))
    elif "folded" in G.graph:  # their ids, names and relations, read when first asked for; rebuilt if lost
        _attach(G, path)
        for part in PARTS:
            where = _part_path(path, part)
            LOADERS[str(where)] = lambda part=part, where=where: _read_part(where, part, key) or _rebuilt(seeds, as_of, home, countries, folder, key)
    return G


def _rebuilt(seeds, as_of, home, countries, folder: Path, key: str) -> dict:
    """The folded lists of the graph `key` names, built again (their file is lost or damaged), if the store still holds what it did."""
    if _key(seeds, list_imports(home), as_of, countries) != key:
        raise EcosystemError(f"{folder}: the stored imports changed while this command ran, and the cached lists it needed are gone; run it again")
    return _build(seeds, as_of, home, countries, folder, key, lambda line: None)[1]


def _build(seeds, as_of, home, countries, folder: Path, key: str, say) -> tuple[nx.MultiDiGraph, dict]:
    """Build the analysis graph and cache it; return it (as read back from the cache) and
    the folded members' names and relations (kept in a file of their own)."""
    entries = list_imports(home)
    say(f"building the graph with {len(entries)} import(s); done once, then cached")
    current = _key(seeds, entries, as_of, countries) == key  # else an import changed since the key was made: build, do not cache
    G = build_graph(seeds, as_of=as_of)
    seed_nodes = list(G)
    # Members of cluster organisations and nothing else never become nodes: they are
    # folded as the imports are merged (the graph is the one fold_members would leave of
    # the whole merged graph), which spares most of the time and memory of a large list.
    merged = add_imports(G, home, as_of=as_of, countries=countries, fold_at=FOLD_AT)
    if merged.get("folded"):
        G.graph["folded"] = G.graph.pop("folded")  # after "imports", as fold_members would have set it
        say(f"kept {merged['folded']:,} members (with no other relation) as lists, not nodes")
    for name, n in merged.get("as_nodes", {}).items():
        say(f"import {name!r} was stored by an earlier version, its {n:,} members as nodes: folding them is most of this build; "
            f"import its file again (`ecosystem import --list` names it) to store them as columns, and a build takes seconds")
    # What `find_complete` needs to answer for the whole graph (its names, below its
    # degrees) and the whole graph's counts.
    stats, index = _whole_stats(graph_stats(G), merged), names_of_nodes(G, merged.get("folded_names", ()))
    del merged
    # Seed entities keep their neighbours too (unless they have thousands, as a region
    # does), so that `show` answers for them from the cache.
    near = {m for n in seed_nodes if folded_degree(G, n) <= SHOW_DEGREE for m in (*G.successors(n), *G.predecessors(n))}
    say(f"cutting {G.number_of_nodes():,} nodes to what the analyses read")
    H = cut_for_analysis(G, keep=[*seed_nodes, *near, *_placed(G)], stats=stats)
    names = folder / f"names-{key[:24]}.json"
    H.graph.update(degree={n: folded_degree(G, n) for n in H}, names_file=str(names))
    del G  # the whole graph is not needed any more: the cache is written with less memory held
    current = current and _key(seeds, list_imports(home), as_of, countries) == key
    if not current:
        del H.graph["names_file"]
        return H, {k: H.graph["folded"][k] for what in PARTS.values() for k in what} if "folded" in H.graph else {}
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        files.write_atomically(names, json.dumps({"key": key, "names": index}, ensure_ascii=False).encode("utf-8"))
    del index
    side = {k: H.graph["folded"].pop(k) for what in PARTS.values() for k in what} if "folded" in H.graph else {}
    path = folder / f"analysis-{key[:24]}.json"
    cached = _write(folder, path, key, H, side)
    if cached is None:
        H.graph.get("folded", {}).update(side)
        return H, side
    say(f"cached {H.number_of_nodes():,} nodes in {path}")
    cached.graph.get("folded", {}).update(side)
    return cached, side


def _whole_stats(stats: dict, merged: dict) -> dict:
    """:func:`ecosystem.graph.graph_stats` of the whole graph, from that of G and what was folded out of it (companies all)."""
    if not merged.get("folded"):
        return stats
    kinds, by_type = dict(stats["nodes_by_kind"]), dict(stats["relationships_by_type"])
    kinds["company"] = kinds.get("company", 0) + merged["folded"]
    for t, n in merged["folded_types"].items():
        by_type[t] = by_type.get(t, 0) + n
    return {
        **stats,
        "nodes": stats["nodes"] + merged["folded"],
        "relationships": stats["relationships"] + sum(merged["folded_types"].values()),
        "nodes_by_kind": dict(sorted(kinds.items())),
        "relationships_by_type": dict(sorted(by_type.items())),
    }


def names_of_nodes(G: nx.MultiDiGraph, folded: Iterable[tuple]) -> dict:
    """The whole graph's :func:`~ecosystem.graph.name_index` for the names a node of G has:
    ``{name: node}``, where the node may be a member folded away (`folded`: ``(id, name,
    aliases)``) whose id comes first. Names only folded members have are left out:
    :func:`find_complete` finds no node of G for them either way.
    """
    index = name_index(G)
    folded = folded if isinstance(folded, list) else list(folded)
    ids = list(map(operator.itemgetter(0), folded))
    aliases = [(u, a) for u, _, mine in itertools.compress(folded, map(operator.itemgetter(2), folded)) for a in mine]  # few have any
    for owners, texts in (
        (ids, ids),
        (ids, list(map(operator.itemgetter(1), folded))),
        (list(map(operator.itemgetter(0), aliases)), list(map(operator.itemgetter(1), aliases))),
    ):
        keys = map(str.casefold, map(" ".join, map(str.split, map(str, texts))))  # name_index's keys, made in C: a million names
        for i in itertools.compress(itertools.count(), map(index.__contains__, keys)):  # the few names a node of G has
            key = " ".join(str(texts[i]).split()).casefold()
            index[key] = min(index[key], owners[i])
    return index


PARTS = {"members": ("members",), "folded": ("names", "relations")}
"""The files beside a cache file that hold the folded members' lists, and which lists each holds."""


def _part_path(path: Path, part: str) -> Path:
    return path.with_name(path.name.replace("analysis-", f"{part}-", 1))


def _attach(G: nx.MultiDiGraph, path: Path) -> None:
    """Say in G where its folded lists are (``G.graph["folded"]["files"]``)."""
    G.graph["folded"]["files"] = {k: str(_part_path(path, part)) for part, what in PARTS.items() for k in what}


def _part_data(side: dict, part: str, key: str) -> dict:
    data = {"format": CACHE_FORMAT, "key": key}
    if part == "members":
        return {**data, "members": side["members"]}
    rows = [(u, v, k, d) for u, (_, relations) in side["relations"].items() for v, k, d in relations]
    shared = {u: name for u, (name, _) in side["relations"].items()}
    return {**data, "names": side["names"], "shared": shared, "relations": pack(rows, 3)}


def _exact(side: dict) -> bool:
    """Whether the folded lists come back from their files as they are (checked, not read
    back: a million ids and names, a hundred thousand relations): ids and names are texts,
    and a shared member's relations are lists of a text, a key and attributes of the types
    JSON keeps (a tuple would come back a list)."""
    lists = itertools.chain.from_iterable(itertools.chain(side["members"].values(), side["names"].values()))
    if not set(map(type, lists)) <= {str}:
        return False
    relations = list(itertools.chain.from_iterable(map(operator.itemgetter(1), side["relations"].values())))
    if set(map(type, relations)) - {list} or set(map(len, relations)) - {3}:
        return False
    if set(map(type, map(operator.itemgetter(0), relations))) - {str} or set(map(type, map(operator.itemgetter(2), relations))) - {dict}:
        return False
    attrs = list(map(operator.itemgetter(2), relations))
    keys = set(map(type, map(operator.itemgetter(1), relations)))
    names = set(map(type, itertools.chain.from_iterable(map(dict.keys, attrs))))
    values = set(map(type, itertools.chain.from_iterable(map(dict.values, attrs))))
    finite = float not in values or all(math.isfinite(v) for d in attrs for v in d.values() if type(v) is float)
    return keys <= {str, int} and names <= {str} and values <= {str, int, float, bool, type(None)} and finite


def _read_part(path: Path, part: str, key: str) -> dict | None:
    """The folded lists a file beside the cache holds, or None if it is not exactly what `key` names."""
    try:
        return _part_from_json(path.read_bytes(), part, key)
    except OSError:
        return None


def _part_from_json(text: bytes | str, part: str, key: str) -> dict | None:
    try:
        with bulk():
            data = json.loads(text)
            if data["format"] != CACHE_FORMAT or data["key"] != key:
                return None
            if part == "members":
                return {"members": dict(data["members"])}
            relations: dict = {u: [name, []] for u, name in data["shared"].items()}
            for u, v, k, d in unpack(data["relations"], 3):
                relations[u][1].append([v, k, d])
            return {"names": dict(data["names"]), "relations": relations}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def find_complete(G: nx.MultiDiGraph, name: str):
    """Return the node `name` names in the whole merged graph if G holds every relation of it, else None.

    For a graph from :func:`analysis_graph`: a command that shows one entity answers from
    it when this finds the entity, and builds the whole graph only when it does not (an
    entity far from every cluster organisation, a misspelt name). ``name`` is matched as
    :func:`ecosystem.graph.find_entity` matches it in the whole graph: id, name or alias,
    case-insensitive.
    """
    if "names_file" not in G.graph:
        return None
    try:
        data = json.loads(Path(G.graph["names_file"]).read_bytes())
        n = data["names"].get(" ".join(name.split()).casefold())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if n in G and G.degree(n) == G.graph["degree"].get(n):
        return n
    return None


@cache
def _code_digest() -> str:
    """The package's own code: a new version, or an edited module, gives new cache keys."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(seeds, entries: list[dict], as_of, countries) -> str:
    what = {
        "format": CACHE_FORMAT,
        "code": _code_digest(),
        "seeds": dataclasses.asdict(seeds),
        "imports": sorted((e["name"], e["data_file"]) for e in entries),
        "as_of": as_of,
        "countries": sorted(countries) if countries is not None else None,
    }
    text = json.dumps(what, sort_keys=True, ensure_ascii=False, default=lambda o: sorted(o) if isinstance(o, set) else str(o))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_json(text: bytes | str, key: str) -> nx.MultiDiGraph | None:
    """The graph a cache file holds, or None if it is not exactly what `key` names."""
    try:
        with bulk():  # hundreds of thousands of dicts, no cycles: the collector would walk them again and again
            data = json.loads(text)
            if data["format"] != CACHE_FORMAT or data["key"] != key:
                return None
            G = nx.MultiDiGraph()
            G.graph.update(data["graph"])
            fill(G, unpack(data["nodes"], 1), unpack(data["edges"], 3))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
    return G


def _read(path: Path, key: str) -> nx.MultiDiGraph | None:
    """The cached graph, or None if there is none or it cannot be trusted."""
    try:
        G = _from_json(path.read_bytes(), key)
        if G is not None:
            path.touch()  # recently used: kept when older caches are removed
    except OSError:
        return None
    return G


def _write(folder: Path, path: Path, key: str, G: nx.MultiDiGraph, side: dict) -> nx.MultiDiGraph | None:
    """Cache G, and `side` (the folded members' names and relations) in a file of its own;
    return the graph read back from what was cached, so a cold run and a warm one see the same.

    None if G holds a value JSON cannot keep exactly (then nothing is cached). A store
    that cannot be written to only costs the next command the time to build.
    """
    data = {
        "format": CACHE_FORMAT,
        "key": key,
        "graph": G.graph,
        "nodes": pack(list(G.nodes(data=True)), 1),
        "edges": pack([(u, v, k, d) for u, v in _insertion_order(G, G) for k, d in G.succ[u][v].items()], 3),
    }
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        parts = {part: json.dumps(_part_data(side, part, key), ensure_ascii=False, separators=(",", ":"), allow_nan=False) for part in PARTS if side}
    except (TypeError, ValueError):
        return None
    back = _from_json(text, key)
    same = back is not None and back.graph == G.graph and all(back.nodes[n] == d for n, d in G.nodes(data=True))
    same = same and all(back.edges[u, v, k] == d for u, v, k, d in G.edges(keys=True, data=True))
    same = same and (not side or _exact(side))
    if not same or any(list(back.pred[n]) != list(G.pred[n]) or list(back.succ[n]) != list(G.succ[n]) for n in G):
        return None  # a tuple would come back a list, or an order would change: build each time rather than cache it changed
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for part, t in parts.items():  # first: a graph file is never there without its lists
            files.write_atomically(_part_path(path, part), t.encode("utf-8"))
        files.write_atomically(path, text.encode("utf-8"))
        stale = sorted(folder.glob("analysis-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP_CACHES:]
        for old in stale:
            old.unlink(missing_ok=True)
            for kind in ("names", *PARTS):
                (folder / old.name.replace("analysis-", f"{kind}-", 1)).unlink(missing_ok=True)
    except OSError:
        pass
    if "folded" in back.graph:
        _attach(back, path)
    return back

