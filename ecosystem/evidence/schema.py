"""The domain model: node kinds, relationship types, attributes and seed-file layouts.

Everything else (validation, the graph, the Neo4j schema, the Cypher lint schema, the docs
table) is derived from the definitions here, so there is one place to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecosystem.text import transliterate

__all__ = [
    "Kind",
    "RelType",
    "Attribute",
    "KINDS",
    "REL_TYPES",
    "ATTRIBUTES",
    "SEED_FILES",
    "CLUSTER_KINDS",
    "kind_labels",
    "slugify",
    "SLUG_RE",
    "schema_markdown",
]


@dataclass(frozen=True)
class Kind:
    """A node kind: its slug, its Neo4j label(s) and the subtypes it allows."""

    name: str
    label: str
    description: str
    subtypes: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class RelType:
    """A relationship type: start kinds may be anything unless restricted."""

    name: str
    description: str
    end_kinds: tuple[str, ...] = ()
    symmetric: bool = False


@dataclass(frozen=True)
class Attribute:
    """A stated attribute of an entity, with how its value is parsed."""

    name: str
    type: str  # "year", "int", "float", "bool", "cvr", "str"
    description: str


_ORGS = (
    "cluster_organisation",
    "innovation_network",
    "company",
    "knowledge_institution",
    "trade_association",
    "public_authority",
    "growth_forum",
    "support_organisation",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "cluster_organisation",
            "ClusterOrganisation",
            "An organisation that runs a cluster: secretariat, members, services.",
        ),
        Kind(
            "innovation_network",
            "InnovationNetwork",
            "A cluster organisation funded as a national innovation network "
            "(Innovationsnetværk Danmark); it is a cluster organisation.",
            parent="cluster_organisation",
        ),
        Kind("company", "Company", "A private firm."),
        Kind(
            "knowledge_institution",
            "KnowledgeInstitution",
            "A research, education or technology institution.",
            ("university", "gts_institute", "science_park", "research_centre", "education_institution"),
        ),
        Kind("trade_association", "TradeAssociation", "An industry, employer or trade body."),
        Kind(
            "public_authority",
            "PublicAuthority",
            "A ministry, agency, municipality or other public body.",
            ("ministry", "agency", "municipality", "other"),
        ),
        Kind("region", "Region", "A Danish region, Bornholm, or a wider area.", ("region", "area")),
        Kind(
            "growth_forum",
            "GrowthForum",
            "A regional growth forum, a national board or forum, a steering group.",
            ("regional_growth_forum", "board", "national_forum"),
        ),
        Kind("programme", "Programme", "A funding programme or fund.", ("programme", "fund")),
        Kind("facility", "Facility", "A test, demonstration or research facility."),
        Kind("project", "Project", "A project, initiative or agreement."),
        Kind(
            "support_organisation",
            "SupportOrganisation",
            "A business-support operator that is not a cluster (Væksthus, Reg X, ...).",
        ),
        Kind("theme", "Theme", "A business area or theme."),
        Kind("label", "Label", "A quality label (ECEI Gold/Silver/Bronze)."),
    ]
}

# Kinds that analyses treat as cluster organisations (an innovation network is one).
CLUSTER_KINDS = frozenset(n for n, k in KINDS.items() if n == "cluster_organisation" or k.parent == "cluster_organisation")

REL_TYPES: dict[str, RelType] = {
    r.name: r
    for r in [
        RelType("MEMBER_OF", "start is a member of end."),
        RelType("PARTNER_OF", "start is a named partner of end.", symmetric=True),
        RelType("COLLABORATES_WITH", "start is stated to collaborate with end.", symmetric=True),
        RelType("HOSTED_BY", "start has its secretariat at, is hosted by or is run by end."),
        RelType("OPERATES", "start runs, operates or administers end.", ("facility", "programme", "project", "growth_forum")),
        RelType("LOCATED_IN", "start is located in end.", ("region", "public_authority")),
        RelType("SERVES", "start serves or covers the region end.", ("region", "public_authority")),
        RelType("FUNDED_BY", "start receives funding from end."),
        RelType("WORKS_IN", "start works in the business theme end.", ("theme",)),
        RelType("HOLDS", "start holds the quality label end.", ("label",)),
        RelType("PART_OF", "start is part of end."),
        RelType("RENAMED_TO", "start was renamed end."),
        RelType("MERGED_INTO", "start merged into end."),
        RelType("PARTICIPATES_IN", "start takes part in the project or initiative end.", ("project",)),
    ]
}

ATTRIBUTES: dict[str, Attribute] = {
    a.name: a
    for a in [
        Attribute("founded", "year", "Year founded or started."),
        Attribute("ended", "year", "Year ended, closed or merged away."),
        Attribute("members", "int", "Number of members or firms, as stated."),
        Attribute("cvr", "cvr", "Danish CVR number (8 digits)."),
        Attribute("pic", "str", "EU participant identification code (CORDIS PIC)."),
        Attribute("national", "bool", "Stated to have national reach."),
        Attribute("website", "str", "Website as written."),
        Attribute("budget_mdkk", "float", "Budget in million DKK, as stated."),
    ]
}

# Seed file name -> its exact header. Order matters: it is the file's column order.
SEED_FILES: dict[str, tuple[str, ...]] = {
    "documents.csv": ("id", "title", "year", "date"),
    "entities.csv": ("id", "kind", "subtype", "name", "aliases", "doc", "quote"),
    "attributes.csv": ("entity", "attribute", "value", "doc", "quote"),
    "relations.csv": ("start", "type", "end", "role", "year", "doc", "quote"),
    "recommendations.csv": ("id", "action", "members", "anchor", "hubs", "status", "year", "doc", "quote"),
    "requirements.csv": ("id", "requirement", "doc", "quote"),
    "criteria.csv": ("id", "criterion", "weight", "doc", "quote"),
    "targets.csv": ("id", "target", "metric", "threshold", "year", "doc", "quote"),
}

# What a target in targets.csv measures; ecosystem.analysis.targets computes each one,
# or says that the evidence cannot.
TARGET_METRICS = (
    "gold-label-organisations",
    "silver-label-organisations",
    "firms-in-cluster-activities",
    "firms-starting-knowledge-projects",
    "firms-with-new-innovations",
    "growth-and-employment-effects",
    "local-cluster-undergrowth",
)

RECOMMENDATION_ACTIONS = ("merge", "alliance", "dialogue", "hub_model")
RECOMMENDATION_STATUSES = ("considered", "recommended", "decided", "done")

MAX_QUOTE = 300

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

def slugify(name: str) -> str:
    """Return the id slug for a name.

    >>> slugify("Vækstforum for Region Midtjylland")
    'vaekstforum-for-region-midtjylland'
    >>> slugify("Landbrug & Fødevarer")
    'landbrug-foedevarer'
    """
    return re.sub(r"[^a-z0-9]+", "-", transliterate(name)).strip("-")


def kind_labels(kind: str) -> tuple[str, ...]:
    """Return the Neo4j labels of a node kind, parent kinds first.

    >>> kind_labels("innovation_network")
    ('ClusterOrganisation', 'InnovationNetwork')
    """
    k = KINDS[kind]
    return (kind_labels(k.parent) if k.parent else ()) + (k.label,)


def schema_markdown() -> str:
    """Return the model as Markdown tables (kinds, relationship types, attributes)."""
    lines = ["| kind | Neo4j labels | subtypes | what |", "|---|---|---|---|"]
    for k in KINDS.values():
        lines.append(f"| `{k.name}` | {':'.join(kind_labels(k.name))} | {', '.join(k.subtypes)} | {k.description} |")
    lines += ["", "| relationship | end kinds | what |", "|---|---|---|"]
    for r in REL_TYPES.values():
        lines.append(f"| `{r.name}` | {', '.join(r.end_kinds) or 'any'} | {r.description} |")
    lines += ["", "| attribute | type | what |", "|---|---|---|"]
    for a in ATTRIBUTES.values():
        lines.append(f"| `{a.name}` | {a.type} | {a.description} |")
    return "\n".join(lines) + "\n"


ORGANISATION_KINDS = frozenset(_ORGS)
