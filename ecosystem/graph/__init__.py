"""Evidence -> NetworkX graph, and lookups in it. Imports: base, ``evidence``."""

from ecosystem.graph.build import build_graph, document_years
from ecosystem.graph.lookup import VIEW_KINDS, find_entity, graph_stats, name_index, organisations_view, successors

__all__ = ["VIEW_KINDS", "build_graph", "document_years", "find_entity", "graph_stats", "name_index", "organisations_view", "successors"]
