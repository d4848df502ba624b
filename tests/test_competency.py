"""The researchers' competency questions in queries/, with their exact answers.

Answers were checked by hand against the seed papers, reference/DOMAIN.md and
the CQC table before being written down here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from regimegraph.kb import KnowledgeBase
from regimegraph.query import compact, execute

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def answer(kb: KnowledgeBase, name: str, replace: tuple[str, str] | None = None) -> list[tuple]:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    result = execute(kb.store, text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(compact(row[n]) for n in names) for row in result]


def test_every_query_file_has_a_test() -> None:
    tested = {"oxfordshire-judgments-across-regimes", "cqc-low-rated-councils-lowest-statements",
              "cqc-rating-distribution", "regimes-in-force-on-date",
              "oxfordshire-childrens-prospects-2002-2005", "documents-presented-late"}
    assert {p.stem for p in QUERIES.glob("*.rq")} == tested


def test_oxfordshire_judgments_across_regimes_in_date_order(kb: KnowledgeBase) -> None:
    rows = answer(kb, "oxfordshire-judgments-across-regimes")
    whens = [r[0] for r in rows]
    assert whens == sorted(whens)
    by_inspection: dict[str, list[tuple[str, str]]] = {}
    for _when, _regime, inspectorate, dimension, value, inspection in rows:
        by_inspection.setdefault(inspection, []).append((dimension, value))
        assert inspectorate in {"SSI", "CSCI", "CQC"}
    assert list(by_inspection) == [
        "inspection:E10000025-ssi-children-2002",
        "inspection:E10000025-star-rating-2002-03",
        "inspection:E10000025-csci-children-2005",
        "inspection:E10000025-csci-adult-2006-07",
        "inspection:E10000025-csci-adult-2007-08",
        "inspection:E10000025-cqc-apa-2008-09",
        "inspection:E10000025-cqc-la-2025-09",
    ]
    first = {(r[0], r[3], r[4]) for r in rows if r[5].endswith("ssi-children-2002")}
    assert first == {("2002-09", "children's services: prospects for improvement", "uncertain"),
                     ("2002-09", "children's services: serving people well", "Some")}
    assert dict(by_inspection["inspection:E10000025-star-rating-2002-03"]) == {
        "star rating": "2 stars"}
    apa = dict(by_inspection["inspection:E10000025-csci-adult-2006-07"])
    assert len(apa) == 12
    assert apa["star rating"] == "2 stars"
    assert apa["leadership"] == "excellent"
    assert apa["commissioning and use of resources"] == "promising"
    assert [v for d, v in apa.items() if d not in {
        "star rating", "leadership", "commissioning and use of resources",
        "capacity to improve"}] == ["good"] * 8
    cqc_apa = dict(by_inspection["inspection:E10000025-cqc-apa-2008-09"])
    assert cqc_apa.pop("maintaining personal dignity and respect (CQC APA)") == \
        "performing adequately"
    assert set(cqc_apa.values()) == {"performing well"} and len(cqc_apa) == 7
    cqc = by_inspection["inspection:E10000025-cqc-la-2025-09"]
    assert sorted(v for _d, v in cqc) == ["2", "2", "2", "2", "3", "3", "3", "3", "3", "Good"]
    assert {r[0] for r in rows if r[5].endswith("cqc-la-2025-09")} == {"2025-09"}
    assert len(rows) == 38


def test_low_rated_councils_with_lowest_statements(kb: KnowledgeBase) -> None:
    rows = answer(kb, "cqc-low-rated-councils-lowest-statements")
    assert len(rows) == 22
    table = {name: (rating, score, set(statements.split("; ")))
             for _c, name, rating, score, statements in rows}
    assert table["Blackpool Borough Council"] == ("Inadequate", "1", {
        "Assessing needs", "Supporting people to lead healthier lives",
        "Equity in experience and outcomes", "Safeguarding",
        "Governance, management and sustainability", "Learning, improvement and innovation"})
    assert table["Warrington Borough Council"] == ("Requires improvement", "1", {"Safeguarding"})
    bathnes = table["Bath and North East Somerset Council"]
    assert bathnes[:2] == ("Requires improvement", "2")
    assert "Partnerships and communities" not in bathnes[2] and len(bathnes[2]) == 8
    assert sum(1 for r in table.values() if r[0] == "Requires improvement") == 21
    assert "Oxfordshire County Council" not in table


def test_distribution_of_cqc_overall_ratings(kb: KnowledgeBase) -> None:
    assert answer(kb, "cqc-rating-distribution") == [
        ("Outstanding", "2"), ("Good", "47"), ("Requires improvement", "21"),
        ("Inadequate", "1"), ("(no overall rating)", "1")]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2005-06-01", {
            ("Annual Review of Performance", "Commission for Social Care Inspection"),
            ("Annual performance assessment of children's services",
             "Commission for Social Care Inspection"),
            ("Annual performance assessment of children's services", "Ofsted"),
            ("Inspection of children's social care services",
             "Commission for Social Care Inspection"),
            ("Social services performance ratings (star ratings) 2002-2005",
             "Commission for Social Care Inspection")}),
        ("2003-09-03", {
            ("Annual Review of Performance", "Social Services Inspectorate"),
            ("Inspection of children's social care services", "Social Services Inspectorate"),
            ("Social services performance ratings (star ratings) 2002-2005",
             "Social Services Inspectorate")}),
        ("2009-06-01", {
            ("CQC annual performance assessment of adult social care 2008/09-2009/10",
             "Care Quality Commission")}),
        ("2025-09-05", {("CQC local authority assessment (Care Act Part 1)",
                         "Care Quality Commission")}),
    ],
)
def test_regimes_and_inspectorates_in_force_on_a_date(
    kb: KnowledgeBase, date: str, expected: set[tuple[str, str]]
) -> None:
    rows = answer(kb, "regimes-in-force-on-date", ('"2005-06-01"', f'"{date}"'))
    assert {(r[0], r[1]) for r in rows} == expected


def test_oxfordshire_childrens_prospects_2002_to_2005(kb: KnowledgeBase) -> None:
    assert answer(kb, "oxfordshire-childrens-prospects-2002-2005") == [
        ("children's services: prospects for improvement", "2002-09", "uncertain", "2005-07",
         "promising"),
        ("children's services: serving people well", "2002-09", "Some", "2005-07", "Some"),
    ]


def test_documents_presented_more_than_two_months_after_their_date(kb: KnowledgeBase) -> None:
    assert answer(kb, "documents-presented-late") == [
        ("Oxfordshire County Council", "document:E10000025-csci-adult-2006-07-report",
         "2007-11-27", "2008-02-19", "Cabinet", "3"),
    ]


def test_the_bathnes_letter_was_presented_in_time(kb: KnowledgeBase) -> None:
    rows = answer(kb, "documents-presented-late")
    assert not any("E06000022" in r[1] for r in rows)
    presented = execute(kb.store, """
        SELECT ?date ?meeting WHERE {
          ?letter a rg:InspectionLetter ; rg:council council:E06000022 ;
                  dcterms:date "2003-08-05"^^xsd:date .
          ?item rg:presents ?letter ; rg:meeting/dcterms:date ?meeting }""")
    assert [(r["meeting"].value,) for r in presented] == [("2003-09-03",)]
