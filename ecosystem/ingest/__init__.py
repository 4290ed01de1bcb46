"""Real data into the graph: importers, entity resolution, the local import store. Imports: base, ``evidence``, ``geo``, ``graph``."""

from ecosystem.ingest.cordis import import_cordis
from ecosystem.ingest.dataset import Dataset
from ecosystem.ingest.members import MEMBER_COLUMNS, import_members
from ecosystem.ingest.organisations import classify_organisation
from ecosystem.ingest.resolution import ACCEPT, REVIEW, Link, Resolution, normalise_name, resolve
from ecosystem.ingest.review import REVIEW_COLUMNS, Candidate, read_review, review_csv, write_review
from ecosystem.ingest.run import SOURCES, import_file, summary_lines
from ecosystem.ingest.store import (
    UnknownImport,
    add_imports,
    ecosystem_home,
    graph_with_imports,
    list_imports,
    load_import,
    remove_import,
    save_import,
)
from ecosystem.ingest.structural_funds import import_structural_funds
from ecosystem.ingest.tables import PERSONAL_COLUMNS, Limits, import_limits
from ecosystem.ingest.view import analysis_graph, cut_for_analysis, find_complete

__all__ = [
    "ACCEPT",
    "MEMBER_COLUMNS",
    "PERSONAL_COLUMNS",
    "REVIEW",
    "REVIEW_COLUMNS",
    "Candidate",
    "Dataset",
    "Limits",
    "Link",
    "Resolution",
    "SOURCES",
    "UnknownImport",
    "add_imports",
    "analysis_graph",
    "classify_organisation",
    "cut_for_analysis",
    "ecosystem_home",
    "find_complete",
    "graph_with_imports",
    "import_cordis",
    "import_file",
    "import_limits",
    "import_members",
    "import_structural_funds",
    "list_imports",
    "load_import",
    "normalise_name",
    "read_review",
    "remove_import",
    "resolve",
    "review_csv",
    "save_import",
    "summary_lines",
    "write_review",
]
