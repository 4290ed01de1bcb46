"""The Danish cluster ecosystem as an evidence graph: overlaps and consolidation proposals."""

from .communities import k_clique_communities, overlap_projection, partition_communities
from .errors import EcosystemError, ImportFailed, QueryError, SeedError, StoreUnavailable, UnknownEntity
from .graph import build_graph, document_years, find_entity, graph_stats
from .model import ATTRIBUTES, CLUSTER_KINDS, KINDS, REL_TYPES
from .overlap import DEFAULT_WEIGHTS, SIGNALS, cluster_organisations, overlap_evidence, pairwise_overlaps, signal_sets
from .proposals import (
    apply_proposals,
    compare_with_recommendations,
    landscape_metrics,
    leagues,
    propose,
    recommendations_of,
    requirement_gaps,
)
from .seeds import load_seeds, read_seeds, verify_quotes

__all__ = [
    "ATTRIBUTES",
    "CLUSTER_KINDS",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "REL_TYPES",
    "SIGNALS",
    "EcosystemError",
    "ImportFailed",
    "SeedError",
    "StoreUnavailable",
    "QueryError",
    "UnknownEntity",
    "apply_proposals",
    "build_graph",
    "cluster_organisations",
    "compare_with_recommendations",
    "document_years",
    "find_entity",
    "graph_stats",
    "k_clique_communities",
    "landscape_metrics",
    "leagues",
    "load_seeds",
    "overlap_evidence",
    "overlap_projection",
    "pairwise_overlaps",
    "partition_communities",
    "propose",
    "read_seeds",
    "recommendations_of",
    "requirement_gaps",
    "signal_sets",
    "verify_quotes",
]

__version__ = "0.1.0"
