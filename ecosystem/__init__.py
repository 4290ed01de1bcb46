"""The Danish cluster ecosystem as an evidence graph: overlaps and consolidation proposals."""

from .errors import EcosystemError, ImportFailed, SeedError, StoreUnavailable, UnknownEntity
from .graph import build_graph, document_years, find_entity, graph_stats
from .model import ATTRIBUTES, CLUSTER_KINDS, KINDS, REL_TYPES
from .seeds import load_seeds, read_seeds, verify_quotes

__all__ = [
    "ATTRIBUTES",
    "CLUSTER_KINDS",
    "KINDS",
    "REL_TYPES",
    "EcosystemError",
    "ImportFailed",
    "SeedError",
    "StoreUnavailable",
    "UnknownEntity",
    "build_graph",
    "document_years",
    "find_entity",
    "graph_stats",
    "load_seeds",
    "read_seeds",
    "verify_quotes",
]

__version__ = "0.1.0"
