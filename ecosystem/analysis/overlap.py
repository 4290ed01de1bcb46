"""Overlap between cluster organisations, signal by signal and combined.

Each *signal* gives every cluster organisation a set (its members, its partners, its
funders, ...). Two organisations overlap on a signal when their sets share elements; the
pairwise numbers come from the sparse path in :mod:`ecosystem.analysis.pairwise`.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from ecosystem.analysis.pairwise import incidence_matrix, pairwise_overlap
from ecosystem.evidence.schema import CLUSTER_KINDS
from ecosystem.geo import REGIONS, municipality_by_name, region_by_name
from ecosystem.graph import folded_members, folded_relations, folded_size, folded_together

__all__ = [
    "SIGNALS",
    "DEFAULT_WEIGHTS",
    "check_weights",
    "cluster_organisations",
    "signal_sets",
    "SignalSets",
    "pairwise_overlaps",
    "overlap_evidence",
    "combined_score",
]


@dataclass(frozen=True)
class Signal:
    """How a signal collects an organisation's set from the graph."""

    name: str
    description: str
    incoming: tuple[str, ...] = ()  # relation types pointing at the organisation
    outgoing: tuple[str, ...] = ()  # relation types leaving the organisation
    exclude_clusters: bool = False  # leave other cluster organisations out of the set
    imported: bool | None = None  # only imported neighbours (True), only the documents' (False), or both (None)


SIGNALS: dict[str, Signal] = {
    s.name: s
    for s in [
        Signal("members", "shared members (MEMBER_OF the organisation)", incoming=("MEMBER_OF",)),
        Signal(
            "partners",
            "shared knowledge institutions and other partners, hosts and collaborators",
            incoming=("PARTNER_OF", "COLLABORATES_WITH", "HOSTED_BY"),
            outgoing=("PARTNER_OF", "COLLABORATES_WITH", "HOSTED_BY", "MEMBER_OF"),
            exclude_clusters=True,
        ),
        Signal("funders", "shared funders and programmes", outgoing=("FUNDED_BY",)),
        Signal("themes", "shared business themes", outgoing=("WORKS_IN",)),
        Signal("regions", "shared regions served or located in", outgoing=("SERVES", "LOCATED_IN")),
        Signal(
            "collaboration",
            "stated links among cluster organisations: a direct link between the two, or links to the same third one (each set holds the organisation itself and the cluster organisations it is linked to)",
            incoming=("PARTNER_OF", "COLLABORATES_WITH", "MEMBER_OF", "HOSTED_BY", "PART_OF"),
            outgoing=("PARTNER_OF", "COLLABORATES_WITH", "MEMBER_OF", "HOSTED_BY", "PART_OF"),
        ),
        Signal("projects", "co-participation in the same projects and initiatives the documents name", incoming=("OPERATES",), outgoing=("PARTICIPATES_IN", "OPERATES"), imported=False),
        Signal(
            "coparticipation",
            "co-participation in the same imported projects (H2020, structural funds), each a dataset row",
            outgoing=("PARTICIPATES_IN",),
            imported=True,
        ),
    ]
}

# Why these weights: shared members and co-participation are what organisations actually
# share; partners and stated collaboration are strong but looser; themes and regions are
# broad (many organisations share "food" or "Region Midtjylland") and funders are few.
# Co-participation in imported projects weighs like the documents' projects; it counts for
# a pair only where both organisations take part in imported projects (``pairwise_overlaps``).
DEFAULT_WEIGHTS: dict[str, float] = {
    "members": 3.0,
    "projects": 2.0,
    "coparticipation": 2.0,
    "partners": 2.0,
    "collaboration": 1.5,
    "themes": 1.5,
    "regions": 1.0,
    "funders": 1.0,
}


def cluster_organisations(G: nx.Graph) -> list:
    """Return the cluster organisations of G (innovation networks included), sorted by id.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("b", kind="innovation_network"); G.add_node("a", kind="cluster_organisation")
    >>> G.add_node("u", kind="knowledge_institution")
    >>> cluster_organisations(G)
    ['a', 'b']
    """
    return sorted(n for n, k in G.nodes(data="kind") if k in CLUSTER_KINDS)


def regions_of(G: nx.Graph, n) -> list:
    """A municipality or area counts as the regions it lies in, itself if it is a region.

    The regions it lies in are those it is ``PART_OF`` or ``LOCATED_IN``, else the one its
    name places it in: a municipality, or a town of the place table (``Hobro`` lies in
    Region Nordjylland; :func:`ecosystem.geo.municipality_by_name`). An area that names
    no single region ("Vestdanmark") counts as itself.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("region-nordjylland", kind="region", subtype="region")
    >>> G.add_node("hobro", kind="region", subtype="area", name="Hobro")
    >>> G.add_node("vestdanmark", kind="region", subtype="area", name="Vestdanmark")
    >>> regions_of(G, "hobro"), regions_of(G, "vestdanmark")
    (['region-nordjylland'], ['vestdanmark'])
    """
    d = G.nodes[n]
    if d.get("kind") == "region" and d.get("subtype") == "region":
        return [n]
    up = [v for _, v, t in G.out_edges(n, data="type") if t in ("PART_OF", "LOCATED_IN") and G.nodes[v].get("subtype") == "region"]
    if not up and d.get("kind") in ("region", "public_authority"):
        up = [r for r in (_named_region(x) for x in (d.get("name", ""), *d.get("aliases", ()))) if r in G]
    return sorted(set(up)) or [n]


def _named_region(name: str) -> str | None:
    """The id of the region a place name lies in, by the place table; None if it names none."""
    m = municipality_by_name(str(name))
    if m is not None and m.region in REGIONS:
        return REGIONS[m.region].id
    r = region_by_name(str(name))
    return r.id if r is not None else None


def signal_sets(G: nx.MultiDiGraph, signal: str, nodes=None) -> dict:
    """Return ``{organisation: set}`` for one signal.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph (edges carry ``type``).
    signal : str
        A key of ``SIGNALS``.
    nodes : iterable, optional
        The organisations; by default every cluster organisation.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    >>> G.add_node("firm", kind="company")
    >>> _ = G.add_edges_from([("firm", "a"), ("firm", "b")], type="MEMBER_OF")
    >>> signal_sets(G, "members")
    {'a': {'firm'}, 'b': {'firm'}}
    """
    nodes = cluster_organisations(G) if nodes is None else list(nodes)
    return {n: _signal_set(G, SIGNALS[signal], n) for n in nodes}


def _neighbours_by_type(G: nx.MultiDiGraph, n) -> tuple[dict, dict]:
    """n's neighbours per relation type: ``({type: {source}}, {type: {target}})``."""
    into: dict[str, set] = {}
    out: dict[str, set] = {}
    for u, _, t in G.in_edges(n, data="type"):
        into.setdefault(t, set()).add(u)
    for _, v, t in G.out_edges(n, data="type"):
        out.setdefault(t, set()).add(v)
    return into, out


def _signal_set(G: nx.MultiDiGraph, s: Signal, n, by_type: tuple[dict, dict] | None = None, folded: bool = True) -> set:
    """n's set for signal s; with `folded`, the members folded into n (:mod:`ecosystem.graph.folded`) too."""
    into, out = _neighbours_by_type(G, n) if by_type is None else by_type
    found = set().union(*(into.get(t, ()) for t in s.incoming), *(out.get(t, ()) for t in s.outgoing))
    if s.imported is not None:
        found = {m for m in found if bool(G.nodes[m].get("imported")) is s.imported}
    if s.name == "collaboration":
        found = {m for m in found if G.nodes[m].get("kind") in CLUSTER_KINDS} | {n}
    elif s.exclude_clusters:
        found = {m for m in found if G.nodes[m].get("kind") not in CLUSTER_KINDS}
    if s.name == "regions":
        found = {r for m in found for r in regions_of(G, m)}
    if s.name != "collaboration":
        found.discard(n)
    if s.name == "members" and folded:
        found.update(folded_members(G, n))
    return found


class SignalSets:
    """Each organisation's set per signal, computed once for one graph and shared by a run's analyses.

    :func:`signal_sets` recomputes on every call; an analysis that needs the same sets
    again (``propose`` needs them for the overlaps, the hubs, the evidence, the themes)
    takes one ``SignalSets`` and passes it on. Valid while G is unchanged.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    >>> G.add_node("firm", kind="company")
    >>> _ = G.add_edges_from([("firm", "a"), ("firm", "b")], type="MEMBER_OF")
    >>> sets = SignalSets(G)
    >>> sets.get("members", ["a", "b"]) == signal_sets(G, "members"), sets.of("members", "a") is sets.of("members", "a")
    (True, True)
    >>> sets.overlaps("members", ["a", "b"])
    {('a', 'b'): {'shared': 1, 'jaccard': 1.0, 'containment_ab': 1.0, 'containment_ba': 1.0}}
    """

    def __init__(self, G: nx.MultiDiGraph):
        self.G = G
        self._sets: dict[tuple, frozenset] = {}
        self._regions: dict = {}
        self._by_type: dict = {}
        self._relations: dict = {}
        self._overlaps: dict = {}

    def of(self, signal: str, n) -> frozenset:
        """Return n's set for one signal (a key of ``SIGNALS``)."""
        key = (signal, n)
        if key not in self._sets:
            if n not in self._by_type:  # one pass over n's relations serves every signal
                self._by_type[n] = _neighbours_by_type(self.G, n)
            self._sets[key] = frozenset(_signal_set(self.G, SIGNALS[signal], n, self._by_type[n]))
        return self._sets[key]

    def unfolded(self, signal: str, n) -> frozenset:
        """n's set for one signal without the members folded into it (the same as :meth:`of`
        on a graph that is not folded), remembered."""
        key = (signal, n, False)
        if key not in self._sets:
            if n not in self._by_type:
                self._by_type[n] = _neighbours_by_type(self.G, n)
            self._sets[key] = frozenset(_signal_set(self.G, SIGNALS[signal], n, self._by_type[n], folded=False))
        return self._sets[key]

    def relations(self, n) -> list:
        """n's relations ``(u, v, data)``, outgoing then incoming, remembered."""
        if n not in self._relations:
            self._relations[n] = list(itertools.chain(self.G.out_edges(n, data=True), self.G.in_edges(n, data=True)))
        return self._relations[n]

    def regions_of(self, n) -> list:
        """:func:`regions_of`, remembered."""
        if n not in self._regions:
            self._regions[n] = regions_of(self.G, n)
        return self._regions[n]

    def overlaps(self, signal: str, nodes: list) -> dict:
        """``{(a, b): {shared, jaccard, containment_ab, containment_ba}}`` for the pairs of `nodes`
        (sorted) sharing something on one signal (the sparse path), remembered: the
        proposals and the comparison with the documents ask for the same."""
        key = (signal, tuple(nodes))
        if key not in self._overlaps:
            if signal == "members":  # folded members: a column each, never sorted or named
                X, rows, _ = incidence_matrix(self.G, nodes, neighbors=lambda n: self.unfolded(signal, n))
                X = _with_folded_columns(self.G, X, rows)
            else:
                X, rows, _ = incidence_matrix(self.G, nodes, neighbors=lambda n: self.of(signal, n))
            r = pairwise_overlap(X)
            self._overlaps[key] = {
                (rows[i], rows[j]): {"shared": int(sh), "jaccard": float(jac), "containment_ab": float(cij), "containment_ba": float(cji)}
                for i, j, sh, jac, cij, cji in zip(r.row_i, r.row_j, r.shared, r.jaccard, r.containment_ij, r.containment_ji)
            }
        return self._overlaps[key]

    def get(self, signal: str, nodes) -> dict:
        """Return ``{n: set}`` for one signal and the given nodes."""
        return {n: self.of(signal, n) for n in nodes}

    def check(self, G) -> SignalSets:
        """Return self, or raise ``ValueError`` if it was computed for another graph."""
        if G is not self.G:
            raise ValueError("these SignalSets were computed for another graph")
        return self


def _with_folded_columns(G: nx.MultiDiGraph, X: sparse.csr_matrix, rows: list) -> sparse.csr_matrix:
    """X, the members' incidence of the organisations `rows` in G, with a column for each
    member folded into them (:mod:`ecosystem.graph.folded`): a member of several in each
    of their rows, a member of one in its row alone.
    """
    index = {n: i for i, n in enumerate(rows)}
    own = np.array([folded_size(G, n) for n in rows], dtype=np.int64)
    at, of, width = [], [], 0
    for orgs, n in folded_together(G).items():  # the members of several: a column each, made by combination
        hit = np.array(sorted({index[o] for o in orgs if o in index}), dtype=np.int64)  # one organisation twice after a what-if merge
        own[hit] -= n
        at.append(np.repeat(hit, n))
        of.append(np.tile(np.arange(width, width + n, dtype=np.int64), len(hit)))
        width += n
    at, of = (np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in (at, of))
    if not own.any() and not len(at):
        return X
    indptr = np.zeros(len(own) + 1, dtype=np.int64)
    np.cumsum(own, out=indptr[1:])
    alone = sparse.csr_matrix((np.ones(indptr[-1], dtype=X.dtype), np.arange(indptr[-1]), indptr), shape=(len(own), int(indptr[-1])))
    shared = sparse.csr_matrix((np.ones(len(at), dtype=X.dtype), (at, of)), shape=(len(own), width))
    return sparse.hstack([X, shared, alone], format="csr")


def check_weights(weights: dict) -> dict:
    """Return a copy of ``weights`` or raise ``ValueError``: known signals, finite, >= 0, some > 0.

    >>> check_weights({"members": -1})
    Traceback (most recent call last):
    ValueError: weight members=-1: a weight must be a finite number >= 0
    """
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown signal(s) {', '.join(sorted(unknown))}; use: {', '.join(SIGNALS)}")
    for name, w in weights.items():
        if not (isinstance(w, numbers.Real) and math.isfinite(w) and w >= 0):
            raise ValueError(f"weight {name}={w}: a weight must be a finite number >= 0")
    if sum(weights.values()) <= 0:
        raise ValueError("the weights add up to 0: give at least one signal a weight above 0")
    return dict(weights)


def combined_score(signals: dict, weights: dict | None = None, measure: str = "jaccard") -> float:
    """Combine per-signal overlaps into one score in [0, 1]: the weighted mean.

    Every signal in ``weights`` counts, a missing signal as 0, so a pair that shares only
    a theme scores low even if its theme Jaccard is 1.

    >>> combined_score({"themes": {"jaccard": 1.0}}, {"themes": 1.0, "members": 3.0})
    0.25
    """
    weights = check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    total = sum(weights.values())
    return sum(w * signals.get(s, {}).get(measure, 0.0) for s, w in weights.items()) / total


def pairwise_overlaps(G: nx.MultiDiGraph, *, weights: dict | None = None, nodes=None, signals=None, sets: SignalSets | None = None) -> list[dict]:
    """Compute the overlap of every pair of cluster organisations that share anything.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph.
    weights : dict, optional
        Signal -> weight for the combined score (default ``DEFAULT_WEIGHTS``). A signal
        left out weighs 0: to change one weight, start from ``dict(DEFAULT_WEIGHTS)`` (the
        CLI's ``--weight`` does). Unknown signals and negative weights raise ``ValueError``.
    nodes : iterable, optional
        The organisations (default: every cluster organisation).
    signals : iterable of str, optional
        The signals to compute (default: all). The score is then the weighted mean over
        these signals only: the weights of the others do not dilute it. A signal drawn
        from imported data (``coparticipation``) counts for a pair only where both take
        part in imported projects; for other pairs it is left out of the mean (absence
        from a dataset is no evidence either way), so the seeds alone score as before.
    sets : SignalSets, optional
        The organisations' sets, when the caller has them already (see :class:`SignalSets`).

    Returns
    -------
    list of dict
        One dict per pair ``a < b`` with ``a``, ``b``, ``score`` and ``signals``:
        ``{signal: {"shared", "jaccard", "containment_ab", "containment_ba"}}`` for each
        signal on which they share something. Sorted by score (descending), then ids.

    Notes
    -----
    Containment ``containment_ab`` is ``|A & B| / |A|``: how much of a's set lies in b's.
    Each signal is computed on the sparse path (one sparse product per signal).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation")
    >>> G.add_nodes_from(["f1", "f2"], kind="company")
    >>> _ = G.add_edges_from([("f1", "a"), ("f1", "b"), ("f2", "a")], type="MEMBER_OF")
    >>> p = pairwise_overlaps(G, weights={"members": 1.0})
    >>> p[0]["a"], p[0]["b"], p[0]["score"], p[0]["signals"]["members"]["containment_ba"]
    ('a', 'b', 0.5, 1.0)

    With ``signals``, the score is over those signals alone (here: the members' Jaccard):

    >>> pairwise_overlaps(G, signals=["members"])[0]["score"]
    0.5
    """
    if signals is not None:
        signals = list(dict.fromkeys(signals))
        unknown = sorted(set(signals) - set(SIGNALS))
        if unknown:
            raise ValueError(f"unknown signal(s) {', '.join(unknown)}; use: {', '.join(SIGNALS)}")
        weights = {s: w for s, w in (DEFAULT_WEIGHTS if weights is None else check_weights(weights)).items() if s in signals}
    weights = check_weights(DEFAULT_WEIGHTS if weights is None else weights)
    nodes = cluster_organisations(G) if nodes is None else sorted(nodes)
    sets = SignalSets(G) if sets is None else sets.check(G)
    pairs: dict[tuple, dict] = {}
    for signal in signals or SIGNALS:
        for pair, stats in sets.overlaps(signal, nodes).items():
            pairs.setdefault(pair, {})[signal] = dict(stats)
    # A signal drawn from imported data counts for a pair only where both organisations
    # appear in it: absence from a dataset is no evidence of sharing nothing.
    imported = [s for s, w in weights.items() if w and SIGNALS[s].imported]
    covered = {s: {n for n in nodes if sets.of(s, n)} for s in imported}
    weights_for: dict[tuple, dict] = {}

    def score(a, b, shared) -> float:
        key = tuple(s for s in imported if a in covered[s] and b in covered[s])
        if key not in weights_for:
            weights_for[key] = {s: w for s, w in weights.items() if not SIGNALS[s].imported or s in key}
        w = weights_for[key]
        return combined_score(shared, w) if sum(w.values()) > 0 else 0.0

    out = [{"a": a, "b": b, "score": score(a, b, s), "signals": s} for (a, b), s in pairs.items()]
    out.sort(key=lambda p: (-p["score"], p["a"], p["b"]))
    return out


def dataset_row(d: dict) -> str | None:
    """Where an imported node or relation comes from (``"dataset: file row N"``); None for the documents' facts."""
    return f"{d['dataset']}: {d.get('file')} row {d.get('row')}" if d.get("dataset") else None


def overlap_evidence(G: nx.MultiDiGraph, a, b, signal: str, *, limit: int = 5, sets: SignalSets | None = None) -> list[dict]:
    """Return what a and b share on a signal, each shared item with the quotes linking it.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["a", "b"], kind="cluster_organisation", name="x")
    >>> G.add_node("f", kind="company", name="Firm")
    >>> _ = G.add_edges_from([("f", c, {"quote": f"Firm er medlem af {c}"}) for c in "ab"], type="MEMBER_OF", doc="d1")
    >>> [(e["item"], len(e["quotes"])) for e in overlap_evidence(G, "a", "b", "members")]
    [('f', 2)]
    """
    sets = SignalSets(G) if sets is None else sets.check(G)
    shared = sorted(sets.of(signal, a) & sets.of(signal, b))[:limit]
    quotes: dict = {item: [] for item in shared}
    # Regions are reached through the places an organisation's neighbours lie in: one pass
    # over all its relations (it may have thousands of members). Any other shared item is
    # a neighbour itself: only the relations with it, in the same order as in that pass.
    for org in (a, b):
        if signal == "regions" or not G.is_multigraph():
            relations = sets.relations(org)
        else:
            relations = [(org, item, d) for item in quotes for d in G.succ[org].get(item, {}).values()]
            for item in quotes:  # a member folded away (ecosystem.graph.folded) is a member of several: its relations are kept
                held = G.pred[org].get(item, {}).values() if item in G else (d for v, _, d in folded_relations(G, item)[1] if v == org)
                relations += [(item, org, d) for d in held]
        for u, v, d in relations:
            other = v if u == org else u
            hits = [other] if other in quotes else []
            if signal == "regions":
                hits += [r for r in sets.regions_of(other) if r in quotes and r != other]
            for item in hits:
                q = {"start": u, "type": d.get("type"), "end": v, "doc": d.get("doc"), "quote": d.get("quote")}
                if d.get("dataset"):  # an imported fact: its row, and what it is about, stand for the quote
                    q.update(source=dataset_row(d), title=_name(G, item))
                if q not in quotes[item]:
                    quotes[item].append(q)
    return [{"item": item, "name": _name(G, item), "quotes": quotes[item]} for item in shared]


def _name(G: nx.MultiDiGraph, n) -> str:
    return G.nodes[n].get("name", str(n)) if n in G else folded_relations(G, n)[0]
