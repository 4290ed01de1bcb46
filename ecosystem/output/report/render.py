"""Render the report: one self-contained HTML file from a Jinja2 template, figures and data inlined.

Jinja2 is an extra (``pip install 'cluster-ecosystem[report]'``), imported on first use.
Autoescaping is on: every value from the data is escaped where it enters the HTML; the
data the page's script reads is JSON in a ``<script type="application/json">`` block with
``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no value can end
the block. Cytoscape.js is inlined from ``vendor/`` (see ``vendor/README.md``); the
figures are PNG data URIs. Nothing is fetched when the page is viewed, and the same input
gives the same bytes (no dates; PNGs without the Software field).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.output.report import data

__all__ = ["CYTOSCAPE_VERSION", "render_report", "png_data_uri"]

HERE = Path(__file__).parent
CYTOSCAPE_VERSION = "3.30.4"


def _jinja():
    try:
        import jinja2
    except ImportError:
        raise EcosystemError("the report needs Jinja2: pip install 'cluster-ecosystem[report]'") from None
    return jinja2


def png_data_uri(fig, dpi: int = 110) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (closes the figure); the same figure, the same text."""
    import matplotlib.pyplot as plt

    out = io.BytesIO()
    try:
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _json_for_script(value) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left as such."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script(text: str, name: str) -> str:
    """Script text to inline as it is; refuses text that would end the ``<script>`` element early."""
    if "</script" in text.lower():
        raise EcosystemError(f"{name} contains '</script' and cannot be inlined")
    return text


def render_report(
    G: nx.MultiDiGraph,
    *,
    documents: Mapping,
    pairs: Sequence[Mapping],
    communities: Iterable[Collection],
    result: Mapping,
    as_of: int | None = None,
    targets: Iterable[Mapping] = (),
    top: int = 20,
    max_nodes: int = data.MAX_NODES,
) -> str:
    """Render the report for a built graph and its analyses' results, as HTML text.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph the analyses ran on (the CLI's analysis graph).
    documents : mapping
        ``Seeds.documents``: the source documents (id -> row with title and year).
    pairs : list of dict
        :func:`ecosystem.analysis.pairwise_overlaps` of ``G``.
    communities : iterable of collections
        The communities that order the heatmap (as ``ecosystem plot overlaps`` uses them).
    result : dict
        :func:`ecosystem.analysis.propose` of ``G``.
    as_of : int, optional
        The year the landscape is as of (shown in the overview).
    targets : list of dict, optional
        The rows of :func:`ecosystem.analysis.track_targets` (the targets table; empty by default).
    top : int
        How many overlapping pairs to list.
    max_nodes : int
        The network shows a graph of more nodes in part (see :func:`data.network`).
    """
    jinja2 = _jinja()
    import matplotlib
    from markupsafe import Markup  # Jinja2's own dependency

    matplotlib.use("Agg")  # figures go to bytes: never open a window
    from ecosystem.output import plots

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    payload = {
        "overview": data.overview(G, documents, as_of),
        "network": data.network(G, max_nodes),
        "documents": {d: row["title"] for d, row in documents.items()},
    }
    figures = {
        "map": png_data_uri(plots.map(G, result).figure),
        "overlaps": png_data_uri(plots.overlaps(G, pairs, communities).figure),
    }
    return env.get_template("report.html.j2").render(
        overview=payload["overview"],
        network_note=payload["network"]["note"],
        kinds=payload["network"]["kinds"],
        themes=payload["network"]["themes"],
        overlaps=data.overlap_rows(G, pairs, top),
        proposals=data.proposals(G, result),
        targets=data.targets_table(targets),
        figures=figures,
        data_json=Markup(_json_for_script(payload)),
        cytoscape_js=Markup(_script((HERE / "vendor" / "cytoscape.min.js").read_text(encoding="utf-8"), "cytoscape.min.js")),
        report_js=Markup(_script((HERE / "templates" / "report.js").read_text(encoding="utf-8"), "report.js")),
        report_css=Markup((HERE / "templates" / "report.css").read_text(encoding="utf-8")),
        cytoscape_version=CYTOSCAPE_VERSION,
    )
