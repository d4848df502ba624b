"""CQC local authority assessments (Care Act Part 1) from the October 2025 scrape.

Why: the table (`cqc_la_assessments_72_councils_oct2025.csv`, see its SOURCE.md)
is the only machine-readable copy of the 72 assessments published by October
2025; each row becomes the records a hand-written record of the same assessment
would produce, so the two merge on their IRIs (docs/records.md):

- `inspection:{GSS}-cqc-la-{YYYY-MM}`, an rg:Inspection under
  regime:cqc-la-assessment by inspectorate:cqc. `{YYYY-MM}` is the month of
  `date_as_given`, the report's publication month; the period assessed is not
  stated, so none is recorded.
- `document:{inspection}-report`, the rg:InspectionReport at `report_url`,
  issued in that month (xsd:gYearMonth: the day is not given).
- `judgment:{inspection}-qs1` ... `-qs9`, the quality statement scores 1-4, and
  `judgment:{inspection}-overall`, the overall rating.

Not imported: `rank` and `avg_score` (derivable from the scores), and
`authority_type` (the scraper's own classification, which contradicts the
register - it calls Knowsley and Islington unitary authorities; the council's
type comes from the register). County Durham's "Not Rated" is a failure of the
scrape, not a CQC outcome: its scores are imported, its overall rating is not,
and the row is reported as a problem. A name that matches no council, or more
than one, is reported and its row skipped.

A malformed table (a missing column, a row of the wrong width, a score that is
not an integer from 1 to 4, a rating word CQC does not use, a month that is not
"Month YYYY") raises InputError: it means the file is not the table this
importer was written for.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS

from ..namespaces import DIMENSION, DOCUMENT, INSPECTION, INSPECTORATE, JUDGMENT, REGIME, RG, VALUE
from .common import (
    CQC_FILE,
    CouncilResolver,
    CsvRow,
    CsvTable,
    ImportResult,
    When,
    add_row_excerpt,
    add_table,
    field_error,
    new_graph,
    parse_when,
    problem,
    read_table,
    sources_dir,
)

# The nine quality statements, in the table's column order.
QUALITY_STATEMENTS: tuple[tuple[str, URIRef], ...] = (
    ("qs1_assessing_needs", DIMENSION["cqc-qs1-assessing-needs"]),
    ("qs2_supporting_healthier_lives", DIMENSION["cqc-qs2-supporting-healthier-lives"]),
    ("qs3_equity_experience_outcomes", DIMENSION["cqc-qs3-equity-experience-outcomes"]),
    (
        "qs4_care_provision_integration_continuity",
        DIMENSION["cqc-qs4-care-provision-integration-continuity"],
    ),
    ("qs5_partnerships_communities", DIMENSION["cqc-qs5-partnerships-communities"]),
    (
        "qs6_safe_systems_pathways_transitions",
        DIMENSION["cqc-qs6-safe-pathways-systems-transitions"],
    ),
    ("qs7_safeguarding", DIMENSION["cqc-qs7-safeguarding"]),
    (
        "qs8_governance_management_sustainability",
        DIMENSION["cqc-qs8-governance-management-sustainability"],
    ),
    ("qs9_learning_improvement_innovation", DIMENSION["cqc-qs9-learning-improvement-innovation"]),
)
OVERALL = DIMENSION["cqc-overall-rating"]
RATINGS: dict[str, URIRef] = {
    "outstanding": VALUE["cqc-rating-outstanding"],
    "good": VALUE["cqc-rating-good"],
    "requires improvement": VALUE["cqc-rating-requires-improvement"],
    "inadequate": VALUE["cqc-rating-inadequate"],
}
NOT_RATED = "not rated"
COLUMNS = (
    "authority_name",
    "overall_rating",
    *(column for column, _ in QUALITY_STATEMENTS),
    "date_as_given",
    "report_url",
)
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}

# From the table's SOURCE.md: the public repository the scrape was taken from.
UPSTREAM = "https://github.com/alxtrnr/bongo-twisty"
TITLE = "CQC local authority assessments of 72 councils (third-party scrape, 3 October 2025)"


def import_cqc_assessments(
    path: Path | str | None = None, resolver: CouncilResolver | None = None
) -> ImportResult:
    """Import the CQC assessments table; councils are resolved with `resolver`.

    With no resolver, one is built from the default register and alias list.
    """
    table = read_table(Path(path) if path else sources_dir() / CQC_FILE, COLUMNS)
    if resolver is None:
        from .register import import_register

        resolver = CouncilResolver.from_graph(import_register().graph)
    graph = new_graph()
    problems: list[str] = []
    add_table(graph, table, TITLE, sources=[UPSTREAM])
    for row in table.rows:
        _import_row(graph, table, row, resolver, problems)
    return ImportResult(graph, problems)


def _month(table: CsvTable, row: CsvRow) -> When:
    text = row["date_as_given"].strip()
    match = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", text)
    month = MONTHS.get(match.group(1).lower()) if match else None
    when = parse_when(f"{match.group(2)}-{month:02d}") if match and month else None
    if when is None:
        raise field_error(table, row, "date_as_given", f"{text!r} is not a month ('May 2024')")
    return when


def _score(table: CsvTable, row: CsvRow, column: str) -> int:
    text = row[column].strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise field_error(table, row, column, f"score {text!r} is not an integer")
    score = int(text)
    if not 1 <= score <= 4:
        raise field_error(table, row, column, f"score {score} is not on CQC's scale of 1 to 4")
    return score


def _import_row(
    graph: Graph,
    table: CsvTable,
    row: CsvRow,
    resolver: CouncilResolver,
    problems: list[str],
) -> None:
    # Check the whole row first, so a malformed file fails before anything is added.
    when = _month(table, row)
    scores = [_score(table, row, column) for column, _ in QUALITY_STATEMENTS]
    rating_text = " ".join(row["overall_rating"].split())
    rating = RATINGS.get(rating_text.lower())
    if rating is None and rating_text.lower() != NOT_RATED:
        raise field_error(table, row, "overall_rating", f"{rating_text!r} is not a CQC rating")
    url = row["report_url"].strip()
    if not re.fullmatch(r"https?://\S+", url):
        raise field_error(table, row, "report_url", f"{url!r} is not an http(s) URL")

    resolution = resolver.resolve(row["authority_name"], on=when.first, until=when.last)
    if resolution.council is None:
        problems.append(
            problem(table, row, "authority_name", f"{resolution.problem}: row not imported")
        )
        return
    council = resolution.council
    gss = str(council).rsplit("/", 1)[-1]
    slug = f"{gss}-cqc-la-{when.text}"
    month_name = f"{MONTH_NAMES[when.first.month - 1]} {when.first.year}"
    name = resolution.label or row["authority_name"].strip()
    excerpt = add_row_excerpt(graph, table, row)

    inspection = INSPECTION[slug]
    graph.add((inspection, RDF.type, RG.Inspection))
    graph.add(
        (
            inspection,
            RDFS.label,
            Literal(f"CQC local authority assessment of {name} ({month_name})", lang="en"),
        )
    )
    graph.add((inspection, RG.council, council))
    graph.add((inspection, RG.regime, REGIME["cqc-la-assessment"]))
    graph.add((inspection, RG.inspectorate, INSPECTORATE["cqc"]))
    graph.add((inspection, PROV.wasDerivedFrom, excerpt))

    report = DOCUMENT[f"{slug}-report"]
    graph.add((report, RDF.type, RG.InspectionReport))
    graph.add(
        (
            report,
            RDFS.label,
            Literal(f"CQC local authority assessment report: {name} ({month_name})", lang="en"),
        )
    )
    graph.add((report, PROV.wasGeneratedBy, inspection))
    graph.add((report, RG.council, council))
    graph.add((report, DCTERMS.creator, INSPECTORATE["cqc"]))
    graph.add((report, DCTERMS.issued, when.literal))
    graph.add((report, FOAF.page, URIRef(url)))
    graph.add((report, PROV.wasDerivedFrom, excerpt))

    for number, ((_, dimension), score) in enumerate(
        zip(QUALITY_STATEMENTS, scores, strict=True), start=1
    ):
        _judgment(
            graph,
            JUDGMENT[f"{slug}-qs{number}"],
            f"{name}, CQC {when.text}: quality statement {number} scored {score}",
            inspection,
            dimension,
            VALUE[f"cqc-score-{score}"],
            report,
            excerpt,
        )
    if rating is None:
        problems.append(
            problem(
                table,
                row,
                "overall_rating",
                "is not a CQC rating but a failure of the scrape (per the table's SOURCE.md): "
                "quality statement scores imported, no overall judgment",
            )
        )
        return
    _judgment(
        graph,
        JUDGMENT[f"{slug}-overall"],
        f"{name}, CQC {when.text}: overall rating {rating_text}",
        inspection,
        OVERALL,
        rating,
        report,
        excerpt,
    )


def _judgment(
    graph: Graph,
    iri: URIRef,
    label: str,
    inspection: URIRef,
    dimension: URIRef,
    value: URIRef,
    report: URIRef,
    excerpt: URIRef,
) -> None:
    graph.add((iri, RDF.type, RG.Judgment))
    graph.add((iri, RDFS.label, Literal(label, lang="en")))
    graph.add((iri, RG.inspection, inspection))
    graph.add((iri, RG.dimension, dimension))
    graph.add((iri, RG.value, value))
    graph.add((iri, RG.statedIn, report))
    graph.add((iri, PROV.wasDerivedFrom, excerpt))


__all__ = ["QUALITY_STATEMENTS", "import_cqc_assessments"]
