"""The shareable HTML report (``ecosystem report``): one self-contained page, opened offline.

``data`` reshapes the graph and the analyses' results for the page, ``render`` fills the
Jinja2 template (``templates/``) and inlines Cytoscape.js (``vendor/``) and the figures.
"""

from ecosystem.output.report.render import CYTOSCAPE_VERSION, png_data_uri, render_report

__all__ = ["CYTOSCAPE_VERSION", "png_data_uri", "render_report"]
