"""The Danish cluster ecosystem as an evidence graph: overlaps and consolidation proposals.

The public API for notebooks and scripts is the names below (``__all__``); the
subpackages hold the rest, one layer each (see ``docs/architecture.md``). Plots load
matplotlib only when first used (``ecosystem.plot.network(G, ...)``), the Neo4j layer
(``ecosystem.neo4j``) the driver.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for editors and type checkers; loaded on first use
    from ecosystem import neo4j
    from ecosystem.analysis import (
        DEFAULT_WEIGHTS,
        SIGNALS,
        SignalSets,
        apply_proposals,
        cluster_organisations,
        community_memberships,
        compare_with_recommendations,
        coparticipation,
        counts_by_year,
        k_clique_communities,
        landscape_diff,
        landscape_metrics,
        leagues,
        leiden_available,
        overlap_evidence,
        overlap_projection,
        pairwise_overlaps,
        partition_communities,
        propose,
        recommendations_of,
        requirement_gaps,
        signal_sets,
        track_targets,
    )
    from ecosystem.errors import (
        EcosystemError,
        ImportFailed,
        QueryError,
        SeedError,
        StoreUnavailable,
        UnknownEntity,
        UnknownImport,
    )
    from ecosystem.evidence import ATTRIBUTES, CLUSTER_KINDS, KINDS, REL_TYPES, load_seeds, read_seeds, verify_quotes
    from ecosystem.graph import build_graph, document_years, find_entity, graph_stats, organisations_view
    from ecosystem.ingest import analysis_graph, graph_with_imports, import_file, list_imports
    from ecosystem.output import plots as plot
    from ecosystem.output.frames import communities_frame, overlaps_frame, proposals_frame, to_frames

__all__ = [
    "ATTRIBUTES",
    "CLUSTER_KINDS",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "REL_TYPES",
    "SIGNALS",
    "EcosystemError",
    "ImportFailed",
    "QueryError",
    "SeedError",
    "SignalSets",
    "StoreUnavailable",
    "UnknownEntity",
    "UnknownImport",
    "analysis_graph",
    "apply_proposals",
    "build_graph",
    "cluster_organisations",
    "communities_frame",
    "community_memberships",
    "compare_with_recommendations",
    "coparticipation",
    "counts_by_year",
    "document_years",
    "find_entity",
    "graph_stats",
    "graph_with_imports",
    "import_file",
    "k_clique_communities",
    "landscape_diff",
    "landscape_metrics",
    "leagues",
    "leiden_available",
    "list_imports",
    "load_seeds",
    "neo4j",
    "organisations_view",
    "overlap_evidence",
    "overlap_projection",
    "overlaps_frame",
    "pairwise_overlaps",
    "partition_communities",
    "plot",
    "propose",
    "proposals_frame",
    "read_seeds",
    "recommendations_of",
    "requirement_gaps",
    "signal_sets",
    "to_frames",
    "track_targets",
    "verify_quotes",
]

__version__ = "0.1.0"


_NAMES = {
    "ecosystem.analysis": (
        "DEFAULT_WEIGHTS",
        "SIGNALS",
        "SignalSets",
        "apply_proposals",
        "cluster_organisations",
        "community_memberships",
        "compare_with_recommendations",
        "coparticipation",
        "counts_by_year",
        "k_clique_communities",
        "landscape_diff",
        "landscape_metrics",
        "leagues",
        "leiden_available",
        "overlap_evidence",
        "overlap_projection",
        "pairwise_overlaps",
        "partition_communities",
        "propose",
        "recommendations_of",
        "requirement_gaps",
        "signal_sets",
        "track_targets",
    ),
    "ecosystem.errors": (
        "EcosystemError",
        "ImportFailed",
        "QueryError",
        "SeedError",
        "StoreUnavailable",
        "UnknownEntity",
        "UnknownImport",
    ),
    "ecosystem.evidence": (
        "ATTRIBUTES",
        "CLUSTER_KINDS",
        "KINDS",
        "REL_TYPES",
        "load_seeds",
        "read_seeds",
        "verify_quotes",
    ),
    "ecosystem.graph": ("build_graph", "document_years", "find_entity", "graph_stats", "organisations_view"),
    "ecosystem.ingest": ("analysis_graph", "graph_with_imports", "import_file", "list_imports"),
    "ecosystem.output.frames": ("communities_frame", "overlaps_frame", "proposals_frame", "to_frames"),
}

# Nothing is imported until it is used: `ecosystem --help` and `import ecosystem` stay quick,
# and matplotlib, scipy and the Neo4j driver load only with what needs them.
_MODULES = {"plot": "ecosystem.output.plots", "neo4j": "ecosystem.neo4j"}
_WHERE = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str):
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'ecosystem' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
