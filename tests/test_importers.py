"""The importers turn the real tables into the records docs/records.md describes.

Counts are exact, every row cited is quoted exactly, every judgment's value lies
on its dimension's scale, names resolve to the council that existed at the time,
and a malformed file fails with an error naming the file and line.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from regimegraph.errors import InputError
from regimegraph.importers import (
    CouncilResolver,
    ImportResult,
    councils_with_social_services_duties,
    import_all,
    import_cqc_assessments,
    import_register,
    import_star_ratings,
    normalise_name,
)
from regimegraph.namespaces import (
    COUNCIL,
    DIMENSION,
    DOCUMENT,
    GOVYEAR,
    INSPECTION,
    INSPECTORATE,
    JUDGMENT,
    KNOWN_VOCABULARIES,
    LOCALGOV,
    REGIME,
    RG,
    SOURCE,
    VALUE,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
CQC_CSV = SOURCES / "cqc_la_assessments_72_councils_oct2025.csv"
STARS_CSV = SOURCES / "historic_social_services_star_ratings_PARTIAL.csv"
REGISTER_CSV = SOURCES / "local-authority.csv"

DURHAM_NOT_RATED = (
    "cqc_la_assessments_72_councils_oct2025.csv:row 72 (line 73): overall_rating 'Not Rated' "
    "is not a CQC rating but a failure of the scrape (per the table's SOURCE.md): "
    "quality statement scores imported, no overall judgment"
)


@pytest.fixture(scope="module")
def results() -> dict[str, ImportResult]:
    return import_all(SOURCES)


@pytest.fixture(scope="module")
def register(results: dict[str, ImportResult]) -> Graph:
    return results["council-register"].graph


@pytest.fixture(scope="module")
def cqc(results: dict[str, ImportResult]) -> Graph:
    return results["cqc-la-assessments"].graph


@pytest.fixture(scope="module")
def stars(results: dict[str, ImportResult]) -> Graph:
    return results["star-ratings"].graph


@pytest.fixture(scope="module")
def resolver(register: Graph) -> CouncilResolver:
    return CouncilResolver.from_graph(register)


@pytest.fixture(scope="module")
def reference() -> Graph:
    graph = Graph()
    for path in (ROOT / "reference" / "regimes.ttl", ROOT / "ontology" / "scales.ttl"):
        graph.parse(path, format="turtle")
    return graph


def subjects_of_type(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def real_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


#################################################################
# Register
#################################################################


def test_register_imports_every_upper_tier_council_and_the_historic_ones(
    results: dict[str, ImportResult], register: Graph
) -> None:
    councils = subjects_of_type(register, RG.Council)
    assert len(councils) == 161 + 2
    assert results["council-register"].problems == []
    historic = {c for c in councils if "/historic-" in str(c)}
    assert historic == {
        COUNCIL["historic-bedfordshire-county-council"],
        COUNCIL["historic-cheshire-county-council"],
    }
    for council in historic:
        assert register.value(council, RG.gssCode) is None
        assert register.value(council, RG.endDate) == Literal("2009-03-31", datatype=XSD.date)


def test_153_councils_had_social_services_duties_on_1_october_2024(register: Graph) -> None:
    on_the_day = councils_with_social_services_duties(register, date(2024, 10, 1))
    assert len(on_the_day) == 153
    assert COUNCIL["E10000006"] not in on_the_day  # Cumbria, abolished 2023
    assert COUNCIL["E06000053"] in on_the_day  # Isles of Scilly (UA)
    assert COUNCIL["E09000001"] in on_the_day  # City of London (CC)
    assert COUNCIL["E10000006"] in councils_with_social_services_duties(register, date(2023, 3, 31))


def test_the_cumbria_correction_is_what_makes_153(tmp_path: Path) -> None:
    header = real_rows(SOURCES / "register-corrections.csv")[:1]
    empty = write_csv(tmp_path / "register-corrections.csv", header)
    uncorrected = import_register(REGISTER_CSV, corrections=empty).graph
    assert len(councils_with_social_services_duties(uncorrected, date(2024, 10, 1))) == 154


def test_a_council_carries_the_register_facts(register: Graph) -> None:
    oxfordshire = COUNCIL["E10000025"]
    area = URIRef("http://statistics.data.gov.uk/id/statistical-geography/E10000025")
    assert str(register.value(oxfordshire, RG.registerReference)) == "OXF"
    assert register.value(oxfordshire, LOCALGOV.governsGSS) == area
    assert (area, RDF.type, RG.AdministrativeArea) in register
    assert register.value(oxfordshire, RG.councilType) == VALUE["council-type-CTY"]
    assert set(register.objects(oxfordshire, SKOS.exactMatch)) == {
        URIRef("http://opendatacommunities.org/id/county-council/oxfordshire"),
        URIRef("http://www.wikidata.org/entity/Q6386253"),
    }
    cumbria = COUNCIL["E10000006"]
    assert register.value(cumbria, RG.endDate) == Literal("2023-03-31", datatype=XSD.date)
    assert SOURCE["register-corrections-row-1"] in set(
        register.objects(cumbria, PROV.wasDerivedFrom)
    )


def test_a_stale_correction_fails_loudly(tmp_path: Path) -> None:
    rows = real_rows(SOURCES / "register-corrections.csv")
    rows[1][rows[0].index("old_value")] = "2020-01-01"
    stale = write_csv(tmp_path / "register-corrections.csv", rows)
    with pytest.raises(InputError) as caught:
        import_register(REGISTER_CSV, corrections=stale)
    assert f"{stale}:2:" in str(caught.value)
    assert "old_value" in str(caught.value)


#################################################################
# Name resolution
#################################################################


def test_normalisation() -> None:
    assert normalise_name("London Borough of Hammersmith & Fulham") == "hammersmith and fulham"
    assert normalise_name("Hammersmith and Fulham") == "hammersmith and fulham"
    assert normalise_name("Council of the Isles of Scilly") == "isles of scilly"
    assert normalise_name("City of Bradford Metropolitan District Council") == "bradford"
    assert normalise_name("Westminster City Council") == normalise_name("City of Westminster")
    assert normalise_name("Metropolitan Borough of Wirral") == "wirral"
    assert normalise_name("Council") == "council"


def test_resolution_is_date_aware(resolver: CouncilResolver) -> None:
    somerset_2003 = resolver.resolve("Somerset", on=date(2003, 11, 1))
    assert somerset_2003.council == COUNCIL["E10000027"]
    assert somerset_2003.label == "Somerset County Council"
    assert resolver.resolve("Somerset", on=date(2024, 10, 1)).council == COUNCIL["E06000066"]
    undated = resolver.resolve("Somerset")
    assert undated.council is None and undated.problem.startswith("is ambiguous")
    assert resolver.resolve("Cumbria", on=date(2003, 11, 1)).council == COUNCIL["E10000006"]
    assert resolver.resolve("Cumbria", on=date(2024, 10, 1)).council is None
    assert resolver.resolve("Durham", on=date(2003, 1, 1)).council == COUNCIL["E06000047"]
    assert resolver.resolve("Cornwall", on=date(2002, 5, 30)).council == COUNCIL["E06000052"]
    assert (
        resolver.resolve("Bedfordshire", on=date(2003, 11, 1)).council
        == COUNCIL["historic-bedfordshire-county-council"]
    )
    assert resolver.resolve("Bedfordshire", on=date(2010, 1, 1)).council is None


@pytest.mark.parametrize(
    ("name", "gss"),
    [
        ("Southend", "E06000033"),
        ("Stoke", "E06000021"),
        ("County Durham", "E06000047"),
        ("Kingston upon Hull", "E06000010"),
        ("Newcastle upon Tyne", "E08000021"),
    ],
)
def test_aliases(resolver: CouncilResolver, name: str, gss: str) -> None:
    assert resolver.resolve(name, on=date(2024, 10, 1)).council == COUNCIL[gss]


def test_an_unknown_name_is_a_problem_not_an_exception(
    tmp_path: Path, resolver: CouncilResolver
) -> None:
    assert resolver.resolve("Atlantis", on=date(2024, 1, 1)).problem == (
        "matches no council in the register"
    )
    rows = real_rows(CQC_CSV)
    rows[46][rows[0].index("authority_name")] = "Atlantis"
    path = write_csv(tmp_path / "cqc.csv", [rows[0], rows[46]])
    result = import_cqc_assessments(path, resolver)
    assert result.problems == [
        "cqc.csv:row 1 (line 2): authority_name 'Atlantis' matches no council in the register: "
        "row not imported"
    ]
    assert not subjects_of_type(result.graph, RG.Inspection)


#################################################################
# CQC
#################################################################


def test_cqc_counts(results: dict[str, ImportResult], cqc: Graph) -> None:
    assert len(subjects_of_type(cqc, RG.Inspection)) == 72
    assert len(subjects_of_type(cqc, RG.InspectionReport)) == 72
    judgments = subjects_of_type(cqc, RG.Judgment)
    overall = {
        j for j in judgments if cqc.value(j, RG.dimension) == DIMENSION["cqc-overall-rating"]
    }
    assert len(overall) == 71
    assert len(judgments - overall) == 648
    # Every name resolves: the only problem is County Durham's failed scrape.
    assert results["cqc-la-assessments"].problems == [DURHAM_NOT_RATED]


def test_oxfordshire(cqc: Graph) -> None:
    inspection = INSPECTION["E10000025-cqc-la-2025-09"]
    assert cqc.value(inspection, RG.council) == COUNCIL["E10000025"]
    assert cqc.value(inspection, RG.regime) == REGIME["cqc-la-assessment"]
    assert cqc.value(inspection, RG.inspectorate) == INSPECTORATE["cqc"]
    report = DOCUMENT["E10000025-cqc-la-2025-09-report"]
    assert cqc.value(report, DCTERMS.issued) == Literal("2025-09", datatype=XSD.gYearMonth)
    assert cqc.value(report, PROV.wasGeneratedBy) == inspection
    scores = []
    for n in range(1, 10):
        judgment = JUDGMENT[f"E10000025-cqc-la-2025-09-qs{n}"]
        assert cqc.value(judgment, RG.inspection) == inspection
        assert cqc.value(judgment, RG.statedIn) == report
        scores.append(int(str(cqc.value(judgment, RG.value)).rsplit("-", 1)[1]))
    assert scores == [2, 2, 2, 2, 3, 3, 3, 3, 3]
    overall = JUDGMENT["E10000025-cqc-la-2025-09-overall"]
    assert cqc.value(overall, RG.value) == VALUE["cqc-rating-good"]


def test_county_durham_has_scores_and_no_overall_rating(cqc: Graph) -> None:
    slug = "E06000047-cqc-la-2024-08"
    assert (INSPECTION[slug], RDF.type, RG.Inspection) in cqc
    assert (JUDGMENT[f"{slug}-qs9"], RDF.type, RG.Judgment) in cqc
    assert (JUDGMENT[f"{slug}-overall"], None, None) not in cqc


def test_cqc_does_not_import_the_scrapers_own_columns(cqc: Graph) -> None:
    rows = real_rows(CQC_CSV)
    header = rows[0]
    scraped = {
        row[header.index(column)]
        for row in rows[1:]
        for column in ("rank", "authority_type", "avg_score")
    }
    literals = {str(o) for o in cqc.objects() if isinstance(o, Literal)}
    literals -= {str(o) for o in cqc.objects(None, PROV.value)}  # the quoted rows
    literals -= {str(o) for o in cqc.objects(None, RG.charStart)}
    literals -= {str(o) for o in cqc.objects(None, RG.charEnd)}
    assert not literals & scraped


#################################################################
# Star ratings
#################################################################


def test_star_rating_counts_and_problems(results: dict[str, ImportResult], stars: Graph) -> None:
    assert len(subjects_of_type(stars, RG.Inspection)) == 75
    assert len(subjects_of_type(stars, RG.Judgment)) == 75
    assert len(subjects_of_type(stars, RG.InspectionReport)) == 65
    assert results["star-ratings"].problems == []


def test_star_ratings_regimes_inspectorates_and_dates(stars: Graph) -> None:
    first = INSPECTION["E09000004-star-rating-2001-02"]  # Bexley, May 2002
    assert stars.value(first, RG.regime) == REGIME["star-ratings-2002-2005"]
    assert stars.value(first, RG.inspectorate) == INSPECTORATE["ssi"]
    assert stars.value(first, RG.periodAssessed) == GOVYEAR["2001-2002"]
    issued = stars.value(DOCUMENT["E09000004-star-rating-2001-02-report"], DCTERMS.issued)
    assert issued == Literal("2002-05-30", datatype=XSD.date)
    november_2003 = DOCUMENT["E09000004-star-rating-2002-03-report"]
    assert stars.value(november_2003, DCTERMS.issued) == Literal("2003-11", datatype=XSD.gYearMonth)
    csci = INSPECTION["E09000030-star-rating-2003-04"]  # Tower Hamlets, 18 Nov 2004
    assert stars.value(csci, RG.inspectorate) == INSPECTORATE["csci"]
    adult = INSPECTION["E06000046-csci-adult-2007-08"]  # Isle of Wight
    assert stars.value(adult, RG.regime) == REGIME["csci-adult-performance-2006-2008"]
    assert stars.value(adult, RG.inspectorate) == INSPECTORATE["csci"]
    assert stars.value(adult, RG.periodAssessed) == GOVYEAR["2007-2008"]
    walsall = JUDGMENT["E08000030-star-rating-2001-02-star-rating"]
    assert stars.value(walsall, RG.value) == VALUE["stars-0"]
    assert "not serving people well" in str(stars.value(walsall, SKOS.note))


def test_star_ratings_resolve_historic_and_continuing_councils(stars: Graph) -> None:
    expected = {
        "E06000052-star-rating-2001-02": "E06000052",  # Cornwall County Council, continuing
        "E06000054-csci-adult-2006-07": "E06000054",  # Wiltshire County Council, continuing
        "E06000010-star-rating-2001-02": "E06000010",  # Kingston upon Hull
        "E08000021-star-rating-2001-02": "E08000021",  # Newcastle upon Tyne
        "E10000006-star-rating-2003-04": "E10000006",  # Cumbria County Council
        "E10000021-csci-adult-2006-07": "E10000021",  # Northamptonshire County Council
        "historic-bedfordshire-county-council-star-rating-2002-03": (
            "historic-bedfordshire-county-council"
        ),
    }
    for slug, council in expected.items():
        assert stars.value(INSPECTION[slug], RG.council) == COUNCIL[council], slug


def test_community_care_year_labels_are_kept_unconfirmed_without_a_period(stars: Graph) -> None:
    labelled = {i for i in subjects_of_type(stars, RG.Inspection) if "-cc-label-" in str(i)}
    assert len(labelled) == 10
    for inspection in labelled:
        assert stars.value(inspection, RG.periodAssessed) is None
        assert stars.value(inspection, RG.inspectorate) is None
        assert stars.value(inspection, RG.confidence) == VALUE["unconfirmed"]
        assert "year label" in str(stars.value(inspection, SKOS.note))
    somerset = INSPECTION["E10000027-star-rating-cc-label-2004"]
    assert stars.value(somerset, RG.council) == COUNCIL["E10000027"]  # not the 2023 unitary
    assert (
        stars.value(JUDGMENT["E10000027-star-rating-cc-label-2004-star-rating"], RG.value)
        == VALUE["stars-3"]
    )


def test_two_rows_for_one_rating_merge_and_keep_both_citations(
    tmp_path: Path, resolver: CouncilResolver
) -> None:
    rows = real_rows(STARS_CSV)
    isle_of_wight = next(r for r in rows if r[2] == "Isle of Wight" and r[1] == "2001/02")
    again = list(isle_of_wight)
    again[4] = "the same rating, reported again"
    conflicting = list(isle_of_wight)
    conflicting[3] = "1"
    path = write_csv(tmp_path / "stars.csv", [rows[0], isle_of_wight, again, conflicting])
    result = import_star_ratings(path, resolver)
    assert result.problems == [
        "stars.csv:row 3 (line 4): council 'Isle of Wight' is rated again for "
        "E06000046-star-rating-2001-02, but this row says 1 star published 2002-05-30 "
        "and row 1 says 2 stars published 2002-05-30: row not imported"
    ]
    graph = result.graph
    assert len(subjects_of_type(graph, RG.Inspection)) == 1
    judgment = JUDGMENT["E06000046-star-rating-2001-02-star-rating"]
    assert set(graph.objects(judgment, RG.value)) == {VALUE["stars-2"]}
    assert set(graph.objects(judgment, PROV.wasDerivedFrom)) == {
        SOURCE["stars-row-1"],
        SOURCE["stars-row-2"],
    }
    assert len(set(graph.objects(judgment, SKOS.note))) == 2
    assert (SOURCE["stars-row-3"], None, None) not in graph


@pytest.mark.parametrize(
    ("published", "year", "council", "expected"),
    [
        (
            "2009-12",
            "2008/09",
            "Bexley",
            "assessment_year '2008/09' is outside the 2002-2005 star ratings "
            "(2001/02 to 2004/05): row not imported",
        ),
        (
            "2010-11",
            "2009/10 (adult social care only)",
            "Bexley",
            "assessment_year '2009/10 (adult social care only)' is outside CSCI's adult ratings "
            "(2005/06 to 2007/08): row not imported",
        ),
        (
            "2004",
            "2003/04",
            "Bexley",
            "published '2004' does not say which inspectorate published the rating "
            "(SSI before 1 April 2004, CSCI from then to March 2009): row not imported",
        ),
        (
            "2012-11",
            "2003/04",
            "Bedfordshire",
            "council 'Bedfordshire' matches no council in existence from 2012-11-01 to "
            "2012-11-30 (only Bedfordshire County Council (historic-bedfordshire-county-council))"
            ": row not imported",
        ),
    ],
)
def test_star_rating_rows_outside_the_regimes_are_reported(
    tmp_path: Path,
    resolver: CouncilResolver,
    published: str,
    year: str,
    council: str,
    expected: str,
) -> None:
    rows = real_rows(STARS_CSV)
    path = write_csv(
        tmp_path / "stars.csv", [rows[0], [published, year, council, "1", "", "https://x.test/"]]
    )
    result = import_star_ratings(path, resolver)
    assert result.problems == [f"stars.csv:row 1 (line 2): {expected}"]
    assert not subjects_of_type(result.graph, RG.Judgment)


#################################################################
# Provenance, vocabulary and scales
#################################################################


@pytest.mark.parametrize("key", ["council-register", "cqc-la-assessments", "star-ratings"])
def test_every_row_excerpt_quotes_its_row_exactly(
    results: dict[str, ImportResult], key: str
) -> None:
    graph = results[key].graph
    excerpts = subjects_of_type(graph, RG.Excerpt)
    assert excerpts
    for excerpt in excerpts:
        table = graph.value(excerpt, DCTERMS.isPartOf)
        assert (table, RDF.type, RG.DataTable) in graph
        local = ROOT / str(graph.value(table, RG.localFile))
        data = local.read_bytes()
        assert str(graph.value(table, RG.sha256)) == hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8")
        number = int(str(graph.value(excerpt, RG.paragraph)).removeprefix("row "))
        assert str(excerpt) == f"{table}-row-{number}"
        value = str(graph.value(excerpt, PROV.value))
        # The files have one record per line (CRLF or LF), so data row n is line n + 1.
        assert value == text.splitlines()[number]
        start = int(graph.value(excerpt, RG.charStart))
        end = int(graph.value(excerpt, RG.charEnd))
        assert text[start:end] == value


def test_every_record_cites_a_row(results: dict[str, ImportResult]) -> None:
    for result in results.values():
        graph = result.graph
        for kind in (
            RG.Council,
            RG.Inspection,
            RG.InspectionDocument,
            RG.InspectionReport,
            RG.Judgment,
        ):
            for record in subjects_of_type(graph, kind):
                cited = set(graph.objects(record, PROV.wasDerivedFrom))
                assert cited, record
                assert all((c, RDF.type, RG.Excerpt) in graph for c in cited), record


def test_every_judgment_has_one_value_on_its_dimensions_scale(
    results: dict[str, ImportResult], reference: Graph
) -> None:
    checked = 0
    for result in results.values():
        graph = result.graph
        for judgment in subjects_of_type(graph, RG.Judgment):
            values = list(graph.objects(judgment, RG.value))
            assert len(values) == 1, judgment
            dimension = graph.value(judgment, RG.dimension)
            scale = reference.value(dimension, RG.usesScale)
            assert scale is not None, dimension
            assert (values[0], SKOS.inScheme, scale) in reference, judgment
            checked += 1
    assert checked == 71 + 648 + 75


def test_only_declared_terms_are_used(results: dict[str, ImportResult]) -> None:
    declared = Graph()
    for name in ("core.ttl", "scales.ttl", "w3c-terms.ttl"):
        declared.parse(ROOT / "ontology" / name, format="turtle")
    reference = Graph().parse(ROOT / "reference" / "regimes.ttl", format="turtle")
    reference.parse(ROOT / "reference" / "organisations.ttl", format="turtle")
    for result in results.values():
        for s, p, o in result.graph:
            terms = [p, o] if p == RDF.type else [p]
            for term in terms:
                if str(term).startswith(str(RG)):
                    assert (term, RDF.type, None) in declared, term
                elif term != LOCALGOV.governsGSS:
                    assert str(term).startswith(KNOWN_VOCABULARIES), term
            # Values, dimensions, regimes and inspectorates must exist in the reference data.
            for node in (s, o):
                text = str(node)
                if text.startswith(str(VALUE)):
                    assert (node, RDF.type, None) in declared, node
                elif text.startswith((str(DIMENSION), str(REGIME), str(INSPECTORATE))):
                    assert (node, RDF.type, None) in reference, node


#################################################################
# Malformed input
#################################################################


def cqc_with(tmp_path: Path, column: str, value: str) -> Path:
    rows = real_rows(CQC_CSV)
    header, oxfordshire = rows[0], list(rows[46])
    oxfordshire[header.index(column)] = value
    return write_csv(tmp_path / "cqc.csv", [header, rows[1], oxfordshire])


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("qs1_assessing_needs", "5", "not on CQC's scale"),
        ("qs3_equity_experience_outcomes", "x", "not an integer"),
        ("qs9_learning_improvement_innovation", "2.5", "not an integer"),
        ("overall_rating", "Brilliant", "not a CQC rating"),
        ("date_as_given", "Spring 2025", "not a month"),
    ],
)
def test_malformed_cqc_values_name_file_line_and_column(
    tmp_path: Path, resolver: CouncilResolver, column: str, value: str, reason: str
) -> None:
    path = cqc_with(tmp_path, column, value)
    with pytest.raises(InputError) as caught:
        import_cqc_assessments(path, resolver)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: row 2, column {column!r}")
    assert reason in message


def test_a_missing_column_is_an_input_error(tmp_path: Path, resolver: CouncilResolver) -> None:
    rows = real_rows(CQC_CSV)
    drop = rows[0].index("qs7_safeguarding")
    path = write_csv(
        tmp_path / "cqc.csv", [[v for i, v in enumerate(r) if i != drop] for r in rows[:3]]
    )
    with pytest.raises(InputError) as caught:
        import_cqc_assessments(path, resolver)
    assert str(caught.value).startswith(f"{path}:1: missing column 'qs7_safeguarding'")


def test_a_row_of_the_wrong_width_is_an_input_error(
    tmp_path: Path, resolver: CouncilResolver
) -> None:
    rows = real_rows(CQC_CSV)
    path = write_csv(tmp_path / "cqc.csv", [rows[0], rows[1], [*rows[2], "extra"]])
    with pytest.raises(InputError) as caught:
        import_cqc_assessments(path, resolver)
    assert str(caught.value) == f"{path}:3: row 2 has 17 fields, the header has 16"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("stars_0_to_3", "4", "not a star rating"),
        ("stars_0_to_3", "three", "not an integer"),
        ("published", "spring 2002", "not a date"),
        ("assessment_year", "2001/03", "not a financial year"),
    ],
)
def test_malformed_star_ratings_name_file_line_and_column(
    tmp_path: Path, resolver: CouncilResolver, column: str, value: str, reason: str
) -> None:
    rows = real_rows(STARS_CSV)
    bad = list(rows[1])
    bad[rows[0].index(column)] = value
    path = write_csv(tmp_path / "stars.csv", [rows[0], rows[2], bad])
    with pytest.raises(InputError) as caught:
        import_star_ratings(path, resolver)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: row 2, column {column!r}")
    assert reason in message


def test_an_alias_to_an_unknown_council_is_an_input_error(tmp_path: Path, register: Graph) -> None:
    rows = real_rows(SOURCES / "council-aliases.csv")
    rows[1][1] = "E06999999"
    path = write_csv(tmp_path / "council-aliases.csv", rows)
    with pytest.raises(InputError) as caught:
        CouncilResolver.from_graph(register, path)
    assert str(caught.value).startswith(f"{path}:2: row 1, column 'gss'")


#################################################################
# Determinism
#################################################################


def test_importing_twice_gives_isomorphic_graphs(results: dict[str, ImportResult]) -> None:
    again = import_all(SOURCES)
    assert again.keys() == results.keys()
    for key, result in results.items():
        assert isomorphic(result.graph, again[key].graph), key
        assert result.problems == again[key].problems
