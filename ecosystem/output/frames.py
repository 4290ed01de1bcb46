"""Results as pandas DataFrames, for researchers: the graph, overlaps, proposals, communities.

pandas is an extra (``pip install 'cluster-ecosystem[notebook]'``), imported on first use.
"""

from __future__ import annotations

import networkx as nx

from ecosystem.analysis import SIGNALS
from ecosystem.errors import EcosystemError
from ecosystem.output.tables import PROPOSAL_COLUMNS, proposal_rows

__all__ = ["to_frames", "overlaps_frame", "proposals_frame", "communities_frame"]

NODE_FIRST = ["id", "kind", "subtype", "name", "aliases", "doc", "doc_year", "quote", "dataset", "file", "row"]
EDGE_FIRST = ["source", "target", "key", "type", "role", "year", "doc", "doc_year", "quote", "dataset", "file", "row"]
OVERLAP_COLUMNS = ["a", "b", "a_name", "b_name", "signal", "shared", "jaccard", "containment_ab", "containment_ba", "score"]


def _pandas():
    try:
        import pandas
    except ImportError:
        raise EcosystemError("tables need pandas: pip install 'cluster-ecosystem[notebook]'") from None
    return pandas


def _frame(rows: list[dict], first: list[str]):
    """A DataFrame with the `first` columns in that order (those present), then the rest sorted."""
    pd = _pandas()
    seen = dict.fromkeys(k for r in rows for k in r)
    columns = [c for c in first if c in seen] + sorted(c for c in seen if c not in first)
    return pd.DataFrame(rows, columns=columns or first)


def to_frames(G: nx.MultiDiGraph):
    """Return the graph as two DataFrames, ``(nodes, edges)``, with their provenance.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The ecosystem graph (:func:`ecosystem.build_graph` or with imports).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``nodes``: one row per node: ``id``, ``kind``, ``subtype``, ``name``, ``aliases``
        (a list), the source ``doc``, ``doc_year`` and ``quote`` (imported nodes:
        ``dataset``, ``file``, ``row``), then every other attribute (missing is NaN).
        ``edges``: one row per fact: ``source``, ``target``, ``key`` (the fact id),
        ``type``, ``role``, ``year``, the same provenance columns, then the rest.
        Rows keep the graph's order.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="company", name="A", doc="004", quote="A is a firm")
    >>> G.add_node("c", kind="cluster_organisation", name="C")
    >>> _ = G.add_edge("a", "c", key="f-1", type="MEMBER_OF", doc="004", quote="A is a member of C")
    >>> nodes, edges = to_frames(G)
    >>> list(nodes["id"]), edges.loc[0, ["source", "type", "target", "doc"]].tolist()
    (['a', 'c'], ['a', 'MEMBER_OF', 'c', '004'])
    """
    nodes = _frame([{"id": n, **d} for n, d in G.nodes(data=True)], NODE_FIRST)
    edges = _frame([{"source": u, "target": v, "key": k, **d} for u, v, k, d in G.edges(keys=True, data=True)], EDGE_FIRST)
    return nodes, edges


def overlaps_frame(pairs: list[dict], G: nx.Graph | None = None):
    """Return :func:`ecosystem.pairwise_overlaps` as a long table: one row per pair and signal.

    Columns ``a``, ``b`` (ids), ``a_name``, ``b_name`` (with `G`), ``signal``, ``shared``,
    ``jaccard``, ``containment_ab`` (``|A & B| / |A|``), ``containment_ba`` and the pair's
    combined ``score``; the pairs in their order (best first), the signals in the order
    of ``SIGNALS``. A pair appears once per signal it shares something on.

    >>> pairs = [{"a": "x", "b": "y", "score": 0.25, "signals": {"themes": {"shared": 1, "jaccard": 0.5, "containment_ab": 1.0, "containment_ba": 0.5}}}]
    >>> overlaps_frame(pairs)[["signal", "jaccard", "score"]].to_dict("records")
    [{'signal': 'themes', 'jaccard': 0.5, 'score': 0.25}]
    """
    rows = []
    for p in pairs:
        names = {"a_name": G.nodes[p["a"]].get("name"), "b_name": G.nodes[p["b"]].get("name")} if G is not None else {}
        for signal in SIGNALS:
            if signal in p["signals"]:
                rows.append({"a": p["a"], "b": p["b"], **names, "signal": signal, **p["signals"][signal], "score": p["score"]})
    columns = [c for c in OVERLAP_COLUMNS if G is not None or not c.endswith("_name")]
    return _pandas().DataFrame(rows, columns=columns)


def proposals_frame(result: dict):
    """Return :func:`ecosystem.propose`'s result as the table ``ecosystem propose --format csv`` writes.

    One row per member of each proposal (``role``: anchor, hub or member), then one per
    organisation kept separate (``role`` kept_separate, the reason in ``gaps``); columns
    ``proposal, rank, score, member, name, kind, role, hub_serves, themes, critical_mass,
    gaps, caution``. Values are as computed (no spreadsheet escaping).
    """
    return _pandas().DataFrame(proposal_rows(result), columns=PROPOSAL_COLUMNS)


def communities_frame(communities: dict, method: str | None = None):
    """Return communities as a membership table: ``community``, ``entity`` (and ``method`` if given).

    Takes ``{community: members}`` from :func:`ecosystem.partition_communities` or
    :func:`ecosystem.k_clique_communities`; an organisation in several k-clique
    communities has a row in each.

    >>> communities_frame({"c0": ["b", "a"], "c1": ["c"]}, "louvain").values.tolist()
    [['c0', 'a', 'louvain'], ['c0', 'b', 'louvain'], ['c1', 'c', 'louvain']]
    """
    rows = [{"community": c, "entity": n} | ({"method": method} if method else {}) for c, members in communities.items() for n in sorted(members, key=str)]
    return _pandas().DataFrame(rows, columns=["community", "entity", *(["method"] if method else [])])
