"""Evidence -> NetworkX graph, and lookups in it. Imports: base, ``evidence``."""

from ecosystem.graph.build import build_graph, document_years
from ecosystem.graph.folded import (
    FOLD_AT,
    fold_members,
    foldable_members,
    folded_count,
    folded_degree,
    folded_distinct,
    folded_members,
    folded_names,
    folded_relations,
    folded_size,
    folded_together,
    hidden_members,
)
from ecosystem.graph.lookup import VIEW_KINDS, find_entity, graph_stats, name_index, organisations_view, successors

__all__ = [
    "FOLD_AT",
    "VIEW_KINDS",
    "build_graph",
    "document_years",
    "find_entity",
    "fold_members",
    "foldable_members",
    "folded_count",
    "folded_degree",
    "folded_distinct",
    "folded_members",
    "folded_names",
    "folded_relations",
    "folded_size",
    "folded_together",
    "graph_stats",
    "hidden_members",
    "name_index",
    "organisations_view",
    "successors",
]
