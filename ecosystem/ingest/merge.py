"""Merge imported datasets into a graph built from the seeds.

An imported organisation linked to a seed entity becomes that entity; organisations
known only by name merge into the one imported organisation with a CVR or PIC of the
same normalised name; facts keep their provenance (dataset, file, row). The store's
:func:`~ecosystem.ingest.store.add_imports` loads the imports and calls
:func:`merge_datasets`.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.evidence import ATTRIBUTES, kind_labels
from ecosystem.graph import successors
from ecosystem.graph.folded import memberships, tally, with_enough
from ecosystem.ingest import columns
from ecosystem.ingest.dataset import EDGE_FIELDS, Dataset, Edge
from ecosystem.ingest.resolution import normalise_name

__all__ = ["merge_datasets"]

_AUXILIARY = ("LOCATED_IN", "PART_OF", "SERVES")
assert EDGE_FIELDS == ("start", "type", "end", "role", "year", "amount", "amount_unit", "file", "row", "method"), "merge_datasets unpacks edges in this order"
# What a node keeps from where it was first defined (a seed entity keeps its own).
_KEEP = frozenset(
    {"kind", "subtype", "name", "aliases", "labels", "doc", "quote", "doc_year", "first_year", "dataset", "file", "row", "imported", "ref"}
)


def _node_attrs(ds: Dataset, node: dict, first_year) -> dict:
    """An imported node's attributes in the graph, with the import as its provenance."""
    attrs = {k: v for k, v in node.items() if v is not None and k not in ("file", "row", "ref")}
    attrs["labels"] = list(kind_labels(node["kind"]))
    attrs.update(
        doc=ds.name, quote="", doc_year=first_year, first_year=first_year, dataset=ds.name, file=node.get("file"), row=node.get("row"), imported=True
    )
    for a in ATTRIBUTES:
        if a in attrs:
            attrs[a + "_doc"], attrs[a + "_quote"] = ds.name, ""
    return attrs



def merge_datasets(
    G: nx.MultiDiGraph, datasets: list[Dataset], *, as_of: int | None = None, countries: Iterable[str] | None = None, fold_at: int | None = None
) -> dict:
    """Merge stored datasets (with their ``links``) into G, in place; return the counts.

    See :func:`~ecosystem.ingest.store.add_imports` for the parameters, the counts
    returned and how nodes merge; `as_of` defaults to ``G.graph["as_of"]``. With
    `fold_at`, the members :func:`ecosystem.graph.fold_members` would fold out of the
    merged graph (``at_least=fold_at``) never become nodes: G is the graph it would leave,
    and the counts hold ``folded``, the members folded away (``[(id, attrs), ...]``) and
    ``folded_types``, their relations by type (``{type: count}``).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("food", kind="cluster_organisation", name="Food Cluster")
    >>> ds = Dataset("members-x", "members", links={"cvr-1": {"entity": "food", "method": "name", "score": 100.0}})
    >>> _ = ds.add_node("cvr-1", kind="company", name="Food Cluster A/S", file="x.csv", row=2)
    >>> _ = ds.add_node("cvr-2", kind="company", name="Arla", file="x.csv", row=3)
    >>> ds.add_edge("cvr-2", "MEMBER_OF", "cvr-1", file="x.csv", row=3, year=None)
    >>> merge_datasets(G, [ds])
    {'imports': ['members-x'], 'nodes_added': 1, 'edges_added': 1, 'linked': 1, 'merged': 0}
    >>> list(G.edges("cvr-2", keys=True))
    [('cvr-2', 'food', 'members-x:x.csv:3:MEMBER_OF')]
    """
    as_of = G.graph.get("as_of") if as_of is None else as_of
    countries = _check_countries(countries, datasets) if countries is not None else None
    for ds in datasets:
        ds.settle(None)  # members listed as columns as a file was read (never stored): nodes
    packed = [ds for ds in datasets if ds.columns is not None]  # members read as columns (ingest.columns)
    if packed and fold_at is None:
        for ds in packed:
            ds.expand()
        packed = []

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

    if packed and _put_back(G, datasets, packed, mapping):  # members kept as columns that another import names too
        return merge_datasets(G, datasets, as_of=as_of, countries=countries, fold_at=fold_at)
    summary = {"imports": [ds.name for ds in datasets], "nodes_added": 0, "edges_added": 0, "linked": 0, "merged": 0}
    selected = [(ds, _select(ds, as_of, countries, ds.columns)) for ds in datasets]
    todo = []
    for ds, edges in selected:
        first: dict[str, int] = dict.fromkeys(columns.touched(ds)) if ds.columns is not None else {}  # undated
        for start, _, end, _, year, *_ in edges:  # unpacked: Edge's by-name lookup costs a call a field
            for n in (start, end):
                first.setdefault(n, year)
                if year is not None:
                    first[n] = min(first[n] or year, year)
        todo += [(mapping.get(n, n) != n, ds, n, first[n]) for n in sorted(first)]
    linked: set[str] = set()
    merged_ids: set[str] = set()
    saved = {n: {k: list(v) if isinstance(v, list) else v for k, v in d.items()} for n, d in G.nodes(data=True)} if packed else {}
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
    counted = columns.counts(packed) if packed else {}
    held, members, relations, count = _foldable(G, selected, mapping, fold_at, counted) if fold_at is not None else ({}, {}, {}, {})
    if packed:
        why = columns.clash(G, datasets, mapping, keyed, fold_at)
        if why is None and (held or any(count[c] < fold_at for c in counted)):
            why = "other members fold with them"
        if why is not None:  # fold them as nodes: the graph as it was, the members put back
            _restore(G, saved)
            for ds in packed:
                ds.expand()
            return merge_datasets(G, datasets, as_of=as_of, countries=countries, fold_at=fold_at)
    kept = {u: {} for u, orgs in held.items() if len(orgs) > 1}  # a member of several: its MEMBER_OF relations, cited as evidence
    added: set[tuple] = set()
    for ds, edges in selected:
        for start, type_, end, role, year, amount, amount_unit, file, row, method in edges:
            u, v = mapping.get(start, start), mapping.get(end, end)
            if u == v or u not in G or v not in G:
                continue
            key = _edge_key(ds, file, row, type_)
            added.add((u, v, key))
            if u in held:
                if u in kept and type_ == "MEMBER_OF":
                    kept[u].setdefault(v, {}).setdefault(key, {}).update(_edge_attrs(ds, type_, role, year, file, row, amount, amount_unit, method))
                continue
            G.add_edge(u, v, key=key, **_edge_attrs(ds, type_, role, year, file, row, amount, amount_unit, method))
    if packed:
        lists = columns.fold(G, packed, mapping, _edge_key, _edge_attrs)
        summary["nodes_added"] += lists["folded"]
        summary.update(folded=lists["folded"], folded_types=lists["folded_types"], folded_names=lists["folded_names"])
    elif held:
        summary.update(_fold(G, held, members, relations, kept))
    summary["edges_added"] = len(added) + (lists["edges"] if packed else 0)
    summary["linked"] = len(linked)
    summary["merged"] = len(merged_ids)
    return summary



def _edge_key(ds: Dataset, file, row, type_) -> str:
    """Readable and unique per pair: where the fact is; structure (row None) once."""
    return f"{ds.name}:{file}:{row}:{type_}" if row is not None else f"import:{type_}"


def _edge_attrs(ds: Dataset, type_, role, year, file, row, amount, amount_unit, method) -> dict:
    attrs = {
        "type": type_,
        "role": role or "",
        "year": year,
        "doc": ds.name,
        "doc_year": year,
        "quote": "",
        "dataset": ds.name,
        "file": file,
        "row": row,
        "imported": True,
    }
    for k, value in (("amount", amount), ("amount_unit", amount_unit), ("method", method)):
        if value is not None:
            attrs[k] = value
    return attrs


def _foldable(G: nx.MultiDiGraph, selected: list, mapping: dict, at_least: int, counted: dict) -> tuple[dict, dict, dict, dict]:
    """:func:`ecosystem.graph.foldable_members` of the graph the selected edges would make of G
    (whose nodes are all added), found from the edges: ``{member: (organisation, ...)}``; also
    each organisation's such members in the order of its relations, each member's
    relations ``{(v, key): type}`` in the order they would be added, and how many members
    each organisation has that could fold (with `counted`, those kept as columns)."""
    node, succ, pred = G._node, G._succ, G._pred
    out: dict = {}
    into: set = set()
    order: dict = {}
    for ds, edges in selected:
        for start, type_, end, _, _, _, _, file, row, _ in edges:
            u, v = mapping.get(start, start), mapping.get(end, end)
            if u == v or u not in node or v not in node:
                continue
            into.add(v)
            d = node[u]
            if d.get("kind") == "company" and d.get("imported") and not succ[u] and not pred[u]:
                rels = out.setdefault(u, {})
                pair = (v, _edge_key(ds, file, row, type_))
                if pair not in rels:
                    rels[pair] = type_
                    if type_ == "MEMBER_OF":
                        order.setdefault(v, []).append(u)
    found = {u: memberships(((v, t) for (v, _), t in rels.items()), node) for u, rels in out.items() if u not in into}
    count = tally(found, counted)
    held = with_enough(found, at_least, count)  # the rule of ecosystem.graph.foldable_members, on the relations to be added
    members = {c: [u for u in order[c] if u in held] for c in dict.fromkeys(c for orgs in held.values() for c in orgs)}
    return held, members, {u: out[u] for u in held}, count


def _put_back(G: nx.MultiDiGraph, datasets: list, packed: list, mapping: dict) -> bool:
    """Put the members kept as columns that are also a node of G or of another import, or
    linked, back among their import's nodes (as if never kept apart); return whether any were."""
    mine = [set(ds.columns["ids"]) for ds in packed] if len(packed) > 1 else []  # a million ids: a set only to compare imports
    named = set(G).union(*(ds.nodes for ds in datasets), mapping, mapping.values())
    found = False
    for i, ds in enumerate(packed):
        twice = named.intersection(ds.columns["ids"]).union(*(mine[i].intersection(other) for j, other in enumerate(mine) if j != i))
        if twice:
            columns.put_back(ds, twice, Edge)
            found = True
    return found


def _restore(G: nx.MultiDiGraph, saved: dict) -> None:
    """Put G's nodes back as `saved` holds them (no relation was added since)."""
    G.remove_nodes_from([n for n in G if n not in saved])
    for n, d in saved.items():
        G._node[n].clear()
        G._node[n].update(d)


def _fold(G: nx.MultiDiGraph, held: dict, members: dict, relations: dict, kept: dict) -> dict:
    """Set ``G.graph["folded"]`` as :func:`ecosystem.graph.fold_members` would have for the held
    members, and take them out of G (they have no relation in it); return what the counts say of them."""
    node, succ, pred = G._node, G._succ, G._pred
    members = {c: members[c] for c in node if c in members}  # organisations in G's order
    found = dict.fromkeys(u for mine in members.values() for u in mine)  # the order fold_members finds them in
    degree: dict = {}
    types: dict = {}
    for u in found:
        for (v, _), type_ in relations[u].items():
            degree[v] = degree.get(v, 0) + 1
            types[type_] = types.get(type_, 0) + 1
    names = {c: [node[u].get("name", u) for u in mine] for c, mine in members.items()}
    shared = {u: list(held[u]) for u in found if u in kept}
    evidence = {u: [node[u].get("name", u), [[v, k, d] for v, keys in kept[u].items() for k, d in keys.items()]] for u in shared}
    counts = {c: len(mine) for c, mine in members.items()}
    G.graph["folded"] = {"counts": counts, "members": members, "shared": shared, "degree": degree, "names": names, "relations": evidence}
    names = [(u, node[u].get("name", u), node[u].get("aliases") or []) for u in found]
    for u in found:
        del node[u], succ[u], pred[u]
    getattr(G, "__networkx_cache__", {}).clear()
    return {"folded": len(found), "folded_types": types, "folded_names": names}


# Where the EU's codes differ from ISO 3166, CORDIS uses the EU's.
_EU_CODES = {"GB": "UK", "GR": "EL"}


def _check_countries(countries: Iterable[str], datasets: list[Dataset]) -> set[str]:
    """Upper-case the codes; refuse codes no imported participant has, naming the known ones."""
    wanted = {c.strip().upper() for c in countries}
    known = {d["country"] for ds in datasets for d in ds.nodes.values() if d.get("country")}
    known |= {c for ds in datasets if ds.columns is not None for c in columns.countries(ds)}
    unknown = sorted(wanted - known)
    if unknown and datasets:
        hints = [f"CORDIS writes {c} as {_EU_CODES[c]}" for c in unknown if _EU_CODES.get(c) in known]
        raise EcosystemError(
            f"no imported participant has the country code {', '.join(unknown)}"
            + (f" ({'; '.join(hints)})" if hints else "")
            + f"; the imports have {len(known)} codes: {', '.join(sorted(known))}"
        )
    return wanted


def _select(ds: Dataset, as_of: int | None, countries: set | None, packed: dict | None = None) -> list[dict]:
    """The dataset's edges that survive `as_of` and `countries`, with what hangs off them;
    with `packed` (members kept as columns, whose relations are undated and all survive)
    the same edges as with the members among the nodes, less theirs."""
    projects = {n for n, d in ds.nodes.items() if d.get("kind") == "project"}
    late = {n for n in projects if as_of is not None and (ds.nodes[n].get("year") or 0) > as_of}
    if countries is not None:
        keep = {e["end"] for e in ds.edges if e["type"] == "PARTICIPATES_IN" and ds.nodes[e["start"]].get("country") in countries}
        late |= projects - keep
    core, aux = [], []
    for e in ds.edges:
        start, type_, end, _, year, *_ = e
        if start in late or end in late or (as_of is not None and year is not None and year > as_of):
            continue
        (aux if type_ in _AUXILIARY else core).append(e)
    used = {n for start, _, end, *_ in core for n in (start, end)}
    later = []  # the ends of the packed members' own LOCATED_IN relations, taken in the first round
    if packed is not None:
        kinds = packed["kinds"]
        used |= {end for type_, end, *_ in kinds if type_ not in _AUXILIARY}
        later = [{end for type_, end, *_ in kinds if type_ in _AUXILIARY}]
    chosen = list(core)
    pending = aux
    # An organisation's municipality, then the municipality's region: follow the chain.
    while pending:
        take = [e for e in pending if e["start"] in used]
        more = later.pop() if later else set()
        if not take and more <= used:
            break
        chosen += take
        used |= {e["end"] for e in take} | more
        taken = set(map(id, take))
        pending = [e for e in pending if id(e) not in taken]
    return chosen
