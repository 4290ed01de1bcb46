"""Pure algorithms on a built graph: overlap, communities, proposals, eligibility, leagues, the landscape by year. Imports: base, ``evidence``, ``graph``; no I/O."""

from ecosystem.analysis.communities import (
    community_memberships,
    k_clique_communities,
    leiden_available,
    overlap_projection,
    partition_communities,
)
from ecosystem.analysis.coparticipation import coparticipation
from ecosystem.analysis.history import counts_by_year, landscape_diff
from ecosystem.analysis.operators import operators_of
from ecosystem.analysis.organisations import leagues
from ecosystem.analysis.overlap import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    SignalSets,
    check_weights,
    cluster_organisations,
    combined_score,
    overlap_evidence,
    pairwise_overlaps,
    signal_sets,
)
from ecosystem.analysis.pairwise import PairwiseOverlap, incidence_matrix, overlap_graph, pairwise_overlap
from ecosystem.analysis.proposals import PARTNER_KINDS, anchor_ranking, propose
from ecosystem.analysis.recommendations import compare_with_recommendations, recommendations_of
from ecosystem.analysis.requirements import CRITICAL_MASS, requirement_gaps
from ecosystem.analysis.targets import TARGET_STATUSES, track_targets
from ecosystem.analysis.whatif import apply_proposals, landscape_metrics

__all__ = [
    "CRITICAL_MASS",
    "DEFAULT_WEIGHTS",
    "PARTNER_KINDS",
    "SIGNALS",
    "PairwiseOverlap",
    "SignalSets",
    "TARGET_STATUSES",
    "anchor_ranking",
    "apply_proposals",
    "check_weights",
    "cluster_organisations",
    "combined_score",
    "community_memberships",
    "coparticipation",
    "counts_by_year",
    "compare_with_recommendations",
    "incidence_matrix",
    "k_clique_communities",
    "landscape_diff",
    "landscape_metrics",
    "leagues",
    "operators_of",
    "leiden_available",
    "overlap_evidence",
    "overlap_graph",
    "overlap_projection",
    "pairwise_overlap",
    "pairwise_overlaps",
    "partition_communities",
    "propose",
    "recommendations_of",
    "requirement_gaps",
    "signal_sets",
    "track_targets",
]
