"""Social services star ratings 2002-2008 from the partial table compiled from news reports.

Why: no official machine-readable list of the star ratings survives; this table
(`historic_social_services_star_ratings_PARTIAL.csv`) collects ratings as news
reports and council papers state them, one row per council and release, each
with its source. Each row becomes an inspection, a published rating and its
star judgment, on the IRIs a hand-written record of the same rating would use
(docs/records.md), so the two merge:

- Rows assessing 2001/02 to 2004/05: regime:star-ratings-2002-2005,
  `inspection:{council}-star-rating-{2002-03}`. The inspectorate is the SSI for
  ratings published before 1 April 2004 and CSCI after (by publication date).
- Rows marked "(adult social care only)": regime:csci-adult-performance-2006-2008,
  inspectorate CSCI, `inspection:{council}-csci-adult-{2006-07}` - the regime's
  short name from docs/records.md (`plan:E10000025-csci-adult-2006-07`), because
  that star rating is the headline of the CSCI annual performance assessment
  and must merge with a hand-written record of the same assessment.
- `{council}` is the GSS code, or `historic-{slug}` for a council abolished
  before GSS codes (Bedfordshire County Council).
- `judgment:{inspection}-star-rating` (dimension:star-rating, value:stars-{n};
  the suffix is the dimension's short name, as docs/records.md and the
  hand-written records use it), with the notes column as skos:note, stated in
  `document:{inspection}-report`, the published rating, dcterms:issued at the
  precision given (xsd:date "2002-05-30", xsd:gYearMonth "2003-11"). The
  document has no dcterms:creator: the table does not say who published the
  rating (the Department of Health confirmed the 2002-03 ratings, not the SSI
  alone). The period assessed is the government year (`government-year/2002-2003`).

Community Care's "year label" rows (Bedfordshire and Somerset, labels 2001-2005)
are imported, not reported: the stars are stated, but which release or year a
label means is not (the table's own note says '2001'/'2002' are "probably" the
May and November 2002 releases). Guessing a period would mint the IRI of a real
rating and could silently contradict it, so these rows get their own IRIs
(`inspection:{council}-star-rating-cc-label-2001`), no period, publication date
or inspectorate, the label and the table's note as skos:note, and
rg:confidence value:unconfirmed. Their council is resolved for the whole span
any reading allows (2001-2005), so "Somerset" is Somerset County Council.

Two rows for the same council and period describe one inspection: they merge
onto the same IRIs and both rows' excerpts are kept as prov:wasDerivedFrom. If
they disagree on the stars or the publication date, the later row is reported as
a problem and not imported (a judgment has exactly one value).

A malformed table (missing column, a star count that is not an integer 0-3, an
unreadable publication date or assessment year) raises InputError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from ..namespaces import (
    DIMENSION,
    DOCUMENT,
    GOVYEAR,
    INSPECTION,
    INSPECTORATE,
    JUDGMENT,
    REGIME,
    RG,
    VALUE,
)
from .common import (
    STAR_RATINGS_FILE,
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
    urls_in,
)

COLUMNS = ("published", "assessment_year", "council", "stars_0_to_3", "notes", "source")
TITLE = "Historic social services star ratings, partial (compiled from news reports and papers)"

STAR_RATINGS = REGIME["star-ratings-2002-2005"]
CSCI_ADULT = REGIME["csci-adult-performance-2006-2008"]
# First years of the periods each regime assessed: 2001/02-2004/05, and 2005/06-2007/08.
COMBINED_YEARS = range(2001, 2005)
ADULT_YEARS = range(2005, 2008)
CSCI_FROM = date(2004, 4, 1)  # SSI's inspection functions passed to CSCI on 1 April 2004.
CSCI_UNTIL = date(2009, 3, 31)

LABEL = re.compile(r"year label '(\d{4})' \(Community Care\)")
# Every reading of a Community Care year label falls between these days.
LABEL_SPAN = (date(2001, 1, 1), date(2005, 12, 31))
PERIOD = re.compile(r"(\d{4})/(\d{2})( \(adult social care only\))?")


@dataclass(frozen=True)
class _Rating:
    """What one row says, checked."""

    stars: int
    published: When | None
    label_year: str | None
    period_start: int | None
    adult_only: bool


def import_star_ratings(
    path: Path | str | None = None, resolver: CouncilResolver | None = None
) -> ImportResult:
    """Import the star ratings table; councils are resolved with `resolver`.

    With no resolver, one is built from the default register and alias list.
    """
    table = read_table(Path(path) if path else sources_dir() / STAR_RATINGS_FILE, COLUMNS)
    if resolver is None:
        from .register import import_register

        resolver = CouncilResolver.from_graph(import_register().graph)
    ratings = [(row, _check(table, row)) for row in table.rows]
    graph = new_graph()
    problems: list[str] = []
    cited: list[str] = []
    for row in table.rows:
        cited.extend(url for url in urls_in(row["source"]) if url not in cited)
    add_table(graph, table, TITLE, sources=cited)
    seen: dict[str, tuple[CsvRow, _Rating]] = {}
    for row, rating in ratings:
        _import_row(graph, table, row, rating, resolver, seen, problems)
    return ImportResult(graph, problems)


def _check(table: CsvTable, row: CsvRow) -> _Rating:
    text = row["stars_0_to_3"].strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise field_error(table, row, "stars_0_to_3", f"{text!r} is not an integer")
    stars = int(text)
    if stars > 3:
        raise field_error(table, row, "stars_0_to_3", f"{stars} is not a star rating (0 to 3)")
    published_text = row["published"].strip()
    label = LABEL.fullmatch(published_text)
    if label:
        return _Rating(stars, None, label.group(1), None, False)
    published = parse_when(published_text)
    if published is None:
        raise field_error(
            table, row, "published", f"{published_text!r} is not a date, a month or a year label"
        )
    period_text = row["assessment_year"].strip()
    period = PERIOD.fullmatch(period_text)
    if period is None or (int(period.group(1)) + 1) % 100 != int(period.group(2)):
        raise field_error(
            table, row, "assessment_year", f"{period_text!r} is not a financial year ('2002/03')"
        )
    return _Rating(stars, published, None, int(period.group(1)), period.group(3) is not None)


def _import_row(
    graph: Graph,
    table: CsvTable,
    row: CsvRow,
    rating: _Rating,
    resolver: CouncilResolver,
    seen: dict[str, tuple[CsvRow, _Rating]],
    problems: list[str],
) -> None:
    if rating.published is not None:
        on, until = rating.published.first, rating.published.last
    else:
        on, until = LABEL_SPAN
    resolution = resolver.resolve(row["council"], on=on, until=until)
    if resolution.council is None:
        problems.append(problem(table, row, "council", f"{resolution.problem}: row not imported"))
        return
    council = resolution.council
    council_id = str(council).rsplit("/", 1)[-1]
    name = " ".join(row["council"].split())

    regime, inspectorate, period = STAR_RATINGS, None, None
    if rating.label_year is not None:
        slug = f"{council_id}-star-rating-cc-label-{rating.label_year}"
        title = (
            f"Social services star rating of {name}, Community Care year label "
            f"'{rating.label_year}' (period not stated)"
        )
    else:
        assert rating.published is not None and rating.period_start is not None
        first = rating.period_start
        years = f"{first}-{str(first + 1)[-2:]}"
        period = GOVYEAR[f"{first}-{first + 1}"]
        if rating.adult_only:
            if first not in ADULT_YEARS:
                problems.append(
                    problem(
                        table,
                        row,
                        "assessment_year",
                        "is outside CSCI's adult ratings (2005/06 to 2007/08): row not imported",
                    )
                )
                return
            regime, inspectorate = CSCI_ADULT, INSPECTORATE["csci"]
            slug = f"{council_id}-csci-adult-{years}"
            title = f"CSCI adult social care performance assessment of {name}, {first}/{years[-2:]}"
        else:
            if first not in COMBINED_YEARS:
                problems.append(
                    problem(
                        table,
                        row,
                        "assessment_year",
                        "is outside the 2002-2005 star "
                        "ratings (2001/02 to 2004/05): row not imported",
                    )
                )
                return
            inspectorate = _combined_inspectorate(rating.published)
            slug = f"{council_id}-star-rating-{years}"
            title = f"Social services star rating of {name}, {first}/{years[-2:]}"
        if inspectorate is None or rating.published.last > CSCI_UNTIL:
            problems.append(
                problem(
                    table,
                    row,
                    "published",
                    "does not say which inspectorate published "
                    "the rating (SSI before 1 April 2004, CSCI from then to March 2009): "
                    "row not imported",
                )
            )
            return

    earlier = seen.get(slug)
    if earlier is not None and (earlier[1].stars, _published(earlier[1])) != (
        rating.stars,
        _published(rating),
    ):
        problems.append(
            problem(
                table,
                row,
                "council",
                f"is rated again for {slug}, but this row says {_stars(rating.stars)} "
                f"published {_published(rating) or 'undated'} and row {earlier[0].number} says "
                f"{_stars(earlier[1].stars)} published {_published(earlier[1]) or 'undated'}: "
                "row not imported",
            )
        )
        return
    seen.setdefault(slug, (row, rating))

    excerpt = add_row_excerpt(graph, table, row)
    for url in urls_in(row["source"]):
        graph.add((excerpt, DCTERMS.source, URIRef(url)))

    inspection = INSPECTION[slug]
    graph.add((inspection, RDF.type, RG.Inspection))
    graph.add((inspection, RDFS.label, Literal(title, lang="en")))
    graph.add((inspection, RG.council, council))
    graph.add((inspection, RG.regime, regime))
    graph.add((inspection, PROV.wasDerivedFrom, excerpt))
    if inspectorate is not None:
        graph.add((inspection, RG.inspectorate, inspectorate))
    if period is not None:
        graph.add((inspection, RG.periodAssessed, period))

    judgment = JUDGMENT[f"{slug}-star-rating"]
    graph.add((judgment, RDF.type, RG.Judgment))
    graph.add((judgment, RDFS.label, Literal(f"{title}: {_stars(rating.stars)}", lang="en")))
    graph.add((judgment, RG.inspection, inspection))
    graph.add((judgment, RG.dimension, DIMENSION["star-rating"]))
    graph.add((judgment, RG.value, VALUE[f"stars-{rating.stars}"]))
    graph.add((judgment, PROV.wasDerivedFrom, excerpt))
    if row["notes"].strip():
        graph.add((judgment, SKOS.note, Literal(row["notes"].strip(), lang="en")))

    if rating.published is None:
        note = (
            f"Community Care's year label '{rating.label_year}': the release or period it "
            f"means is not stated. The table's note: {row['assessment_year'].strip()}"
        )
        graph.add((inspection, SKOS.note, Literal(note, lang="en")))
        graph.add((inspection, RG.confidence, VALUE["unconfirmed"]))
        graph.add((judgment, RG.confidence, VALUE["unconfirmed"]))
        return

    document = DOCUMENT[f"{slug}-report"]
    graph.add((document, RDF.type, RG.InspectionReport))
    graph.add(
        (document, RDFS.label, Literal(f"{title}, as published {rating.published.text}", lang="en"))
    )
    graph.add((document, PROV.wasGeneratedBy, inspection))
    graph.add((document, RG.council, council))
    graph.add((document, DCTERMS.issued, rating.published.literal))
    graph.add((document, PROV.wasDerivedFrom, excerpt))
    graph.add((judgment, RG.statedIn, document))


def _combined_inspectorate(published: When) -> URIRef | None:
    if published.last < CSCI_FROM:
        return INSPECTORATE["ssi"]
    if published.first >= CSCI_FROM:
        return INSPECTORATE["csci"]
    return None


def _published(rating: _Rating) -> str | None:
    return rating.published.text if rating.published else None


def _stars(stars: int) -> str:
    return "1 star" if stars == 1 else f"{stars} stars"
