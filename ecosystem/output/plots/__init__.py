"""Figures of the ecosystem: the network, maps of Denmark, overlaps, proposals, the timeline.

Every function draws on ``ax`` (a new figure when it is None) and returns the axes, like
NetworkX's drawing functions; it takes the analysis results it draws and never computes
them. Only matplotlib draws; the boundaries come from :func:`ecosystem.geo.outlines`.
Layouts and jitter are seeded or derived from ids, so the same input gives the same
picture.
"""

from ecosystem.output.plots.locate import locate
from ecosystem.output.plots.map import map
from ecosystem.output.plots.network import MAX_NODES, SubgraphDrawn, network
from ecosystem.output.plots.overlaps import overlaps
from ecosystem.output.plots.proposal import proposal
from ecosystem.output.plots.style import KIND_STYLE, REGION_COLOURS
from ecosystem.output.plots.timeline import timeline

__all__ = [
    "KIND_STYLE",
    "MAX_NODES",
    "REGION_COLOURS",
    "SubgraphDrawn",
    "locate",
    "map",
    "network",
    "overlaps",
    "proposal",
    "timeline",
]
