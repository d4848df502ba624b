"""The hand-written records: seed papers and DOMAIN.md facts, with provenance.

Checks the contract of docs/records.md on records/papers/*.ttl and
records/domain/*.ttl: prefixes, checksums, exact excerpts, provenance on every
record, judgment values on their dimension's scale, dates at a stated
precision, and a handful of facts read back by SPARQL.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD

from regimegraph.namespaces import (
    COUNCIL,
    DIMENSION,
    GOVYEAR,
    INSPECTION,
    JUDGMENT,
    PREFIXES,
    RG,
    VALUE,
    sparql_prologue,
)

ROOT = Path(__file__).resolve().parents[1]
PAPER_FILES = sorted((ROOT / "records" / "papers").glob("*.ttl"))
DOMAIN_FILES = sorted((ROOT / "records" / "domain").glob("*.ttl"))
RECORD_FILES = PAPER_FILES + DOMAIN_FILES
SEED_PAPERS = sorted((ROOT / "data" / "papers").glob("00[0-4]_*.txt"))
STAR_RATINGS_CSV = ROOT / "data" / "sources" / "historic_social_services_star_ratings_PARTIAL.csv"
DOMAIN_MD = ROOT / "reference" / "DOMAIN.md"

RECORD_TYPES = (
    RG.Inspection,
    RG.InspectionDocument,
    RG.InspectionLetter,
    RG.InspectionReport,
    RG.Judgment,
    RG.Meeting,
    RG.AgendaItem,
    RG.ActionPlan,
    RG.ObligationStatement,
)
SOURCE_TYPES = (RG.SourceDocument, RG.CommitteePaper, RG.DataTable)
DATE_PROPERTIES = (
    DCTERMS.date,
    DCTERMS.issued,
    RG.dateReceived,
    RG.fieldworkStart,
    RG.fieldworkEnd,
    RG.agreedOn,
    RG.consultationEnds,
)
DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)
DATE_PATTERNS = {
    XSD.date: r"\d{4}-\d{2}-\d{2}",
    XSD.gYearMonth: r"\d{4}-\d{2}",
    XSD.gYear: r"\d{4}",
}
PREFIX_LINE = re.compile(r"^\s*@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.\s*$", re.MULTILINE)


def _parse(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@cache
def records() -> Graph:
    return _parse(RECORD_FILES)


@cache
def file_graph(path: Path) -> Graph:
    return _parse([path])


@cache
def knowledge_base() -> Graph:
    """Ontology, reference data and these records together."""
    folders = ("ontology", "reference")
    paths = [p for folder in folders for p in sorted((ROOT / folder).glob("*.ttl"))]
    return _parse(paths + RECORD_FILES)


def _subjects_of_types(graph: Graph, types: tuple[URIRef, ...]) -> set[URIRef]:
    return {s for t in types for s in graph.subjects(RDF.type, t)}


def _excerpts(graph: Graph, node: URIRef) -> list[URIRef]:
    return [
        e for e in graph.objects(node, PROV.wasDerivedFrom) if (e, RDF.type, RG.Excerpt) in graph
    ]


def _ask(query: str) -> bool:
    return bool(knowledge_base().query(sparql_prologue() + query).askAnswer)


def _rows(query: str) -> list:
    return list(knowledge_base().query(sparql_prologue() + query))


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


# ---------------------------------------------------------------------------
# Files, prefixes and sources
# ---------------------------------------------------------------------------


def test_the_glob_found_the_paper_and_domain_files() -> None:
    assert len(PAPER_FILES) == 5, [p.name for p in PAPER_FILES]
    assert len(SEED_PAPERS) == 5
    assert len(DOMAIN_FILES) >= 3, [p.name for p in DOMAIN_FILES]


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prefixes_are_the_projects(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    declared = PREFIX_LINE.findall(text)
    assert declared, "no @prefix lines"
    assert "PREFIX " not in text, "use @prefix, as the rest of the repository does"
    for prefix, iri in declared:
        assert prefix in PREFIXES, f"prefix {prefix!r} is not in namespaces.PREFIXES"
        assert iri == str(PREFIXES[prefix]), f"{prefix}: <{iri}> != <{PREFIXES[prefix]}>"
    assert len({p for p, _ in declared}) == len(declared), "a prefix is declared twice"
    # rdflib refuses an undeclared prefix, so parsing proves each used one is declared.
    assert len(file_graph(path)) > 0


@pytest.mark.parametrize("path", PAPER_FILES, ids=lambda p: p.name)
def test_each_paper_file_cites_its_local_copy_by_checksum(path: Path) -> None:
    graph = file_graph(path)
    sources = [s for s in graph.subjects(RG.localFile, None)]
    assert len(sources) == 1, sources
    source = sources[0]
    assert _subjects_of_types(graph, SOURCE_TYPES) >= {source}
    local = ROOT / str(graph.value(source, RG.localFile))
    assert local.is_file(), local
    assert str(graph.value(source, RG.sha256)) == hashlib.sha256(local.read_bytes()).hexdigest()
    assert graph.value(source, FOAF.page) is not None
    assert graph.value(source, RG.council) is not None


def test_every_seed_paper_has_a_record_file() -> None:
    cited = {str(o) for o in records().objects(None, RG.localFile)}
    assert cited == {str(p.relative_to(ROOT)) for p in SEED_PAPERS}


def test_committee_papers_have_title_creator_or_contact() -> None:
    graph = records()
    for paper in graph.subjects(RG.localFile, None):
        assert graph.value(paper, DCTERMS.title) is not None, paper
        if (paper, RDF.type, RG.CommitteePaper) in graph:
            assert graph.value(paper, RG.contactOfficer) is not None, paper


# ---------------------------------------------------------------------------
# Excerpts
# ---------------------------------------------------------------------------


def test_excerpts_with_offsets_are_the_exact_text_of_the_local_copy() -> None:
    graph = records()
    checked = 0
    for excerpt in graph.subjects(RG.charStart, None):
        source = graph.value(excerpt, DCTERMS.isPartOf)
        local = graph.value(source, RG.localFile)
        assert local is not None, f"{excerpt}: its source has no rg:localFile"
        with (ROOT / str(local)).open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        start = int(graph.value(excerpt, RG.charStart))
        end = int(graph.value(excerpt, RG.charEnd))
        assert 0 <= start < end <= len(text), excerpt
        assert text[start:end] == str(graph.value(excerpt, PROV.value)), excerpt
        assert graph.value(excerpt, RG.paragraph) is not None, excerpt
        checked += 1
    assert checked >= 90


def test_every_excerpt_belongs_to_a_source_with_an_address() -> None:
    graph = records()
    for excerpt in graph.subjects(RDF.type, RG.Excerpt):
        assert graph.value(excerpt, PROV.value) is not None, excerpt
        source = graph.value(excerpt, DCTERMS.isPartOf)
        assert source is not None, excerpt
        assert _subjects_of_types(graph, SOURCE_TYPES) >= {source}, source
        assert graph.value(source, FOAF.page) is not None, source


def test_domain_excerpts_quote_domain_md_or_the_star_ratings_table() -> None:
    haystacks = (
        _collapse(DOMAIN_MD.read_text(encoding="utf-8")),
        _collapse(STAR_RATINGS_CSV.read_text(encoding="utf-8")),
    )
    graph = _parse(DOMAIN_FILES)
    quoted = [
        e for e in graph.subjects(RDF.type, RG.Excerpt) if graph.value(e, RG.charStart) is None
    ]
    assert quoted
    for excerpt in quoted:
        words = _collapse(str(graph.value(excerpt, PROV.value)))
        assert any(words in text for text in haystacks), excerpt


# ---------------------------------------------------------------------------
# Records: provenance, confidence, dates, judgments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_record_is_derived_from_an_excerpt(path: Path) -> None:
    graph = records()
    local = file_graph(path)
    nodes = _subjects_of_types(local, RECORD_TYPES)
    assert nodes
    for node in nodes:
        assert _excerpts(local, node) or _excerpts(graph, node), node


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_domain_records_carry_a_confidence(path: Path) -> None:
    local = file_graph(path)
    tags = {VALUE.confirmed, VALUE["partly-confirmed"], VALUE.unconfirmed}
    described = {s for s in local.subjects(PROV.wasDerivedFrom, None)}
    for node in described:
        assert local.value(node, RG.confidence) in tags, node


def test_dates_are_at_a_stated_precision() -> None:
    graph = records()
    for prop in DATE_PROPERTIES:
        for node, literal in graph.subject_objects(prop):
            assert isinstance(literal, Literal), (node, prop)
            assert literal.datatype in DATE_TYPES, (node, prop, literal)
            pattern = DATE_PATTERNS[literal.datatype]
            assert re.fullmatch(pattern, str(literal)), (node, prop, literal)
            padded = (str(literal) + "-01-01")[:10]
            assert date.fromisoformat(padded), (node, prop, literal)


def test_periods_are_government_years() -> None:
    for node, period in records().subject_objects(RG.periodAssessed):
        assert str(period).startswith(str(GOVYEAR)), (node, period)
        first, second = str(period).rsplit("/", 1)[1].split("-")
        assert int(second) == int(first) + 1, period


def test_judgment_values_lie_on_their_dimensions_scale() -> None:
    kb = knowledge_base()
    judgments = set(kb.subjects(RDF.type, RG.Judgment))
    assert len(judgments) >= 40
    for judgment in judgments:
        dimensions = list(kb.objects(judgment, RG.dimension))
        values = list(kb.objects(judgment, RG.value))
        inspections = list(kb.objects(judgment, RG.inspection))
        assert len(dimensions) == len(values) == len(inspections) == 1, judgment
        scale = kb.value(dimensions[0], RG.usesScale)
        assert scale is not None, f"{dimensions[0]} has no scale"
        assert (values[0], SKOS.inScheme, scale) in kb, (judgment, values[0], scale)


def test_judgments_are_on_dimensions_their_regime_judges() -> None:
    assert not _rows(
        """
        SELECT ?j WHERE {
          ?j a rg:Judgment ; rg:dimension ?d ; rg:inspection ?i .
          ?i rg:regime ?r .
          FILTER NOT EXISTS { ?r rg:judgesDimension|rg:headlineDimension ?d }
        }"""
    )


def test_linked_resources_are_typed_somewhere() -> None:
    kb = knowledge_base()
    links = (
        RG.inspection,
        RG.respondsTo,
        RG.previousInspection,
        RG.meeting,
        RG.presents,
        RG.statedIn,
        RG.paper,
        RG.regime,
        RG.inspectorate,
        RG.statesObligation,
        RG.body,
        RG.dimension,
        RG.value,
        PROV.wasGeneratedBy,
    )
    for prop in links:
        for node, target in kb.subject_objects(prop):
            assert (target, RDF.type, None) in kb, (node, prop, target)


# ---------------------------------------------------------------------------
# Facts read back
# ---------------------------------------------------------------------------


def test_bathnes_letter_of_5_august_presented_on_3_september_2003() -> None:
    assert _ask(
        """
        ASK {
          ?doc a rg:InspectionLetter ; rg:council council:E06000022 ;
               dcterms:date "2003-08-05"^^xsd:date ;
               dcterms:identifier "BSB/016/121/908" .
          ?item rg:presents ?doc ; rg:meeting ?meeting ; rg:openSession true .
          ?meeting dcterms:date "2003-09-03"^^xsd:date .
        }"""
    )


def test_bathnes_paper_counts_two_months_from_receipt_the_letter_from_its_date() -> None:
    rows = _rows(
        """
        SELECT ?basis WHERE {
          ?s rg:statesObligation obligation:O1 ; rg:council council:E06000022 ;
             rg:deadlineBasis ?basis .
        }"""
    )
    assert {row.basis for row in rows} == {VALUE["basis-receipt"], VALUE["basis-document-date"]}


def test_oxfordshire_2006_07_seven_outcomes_all_good() -> None:
    rows = _rows(
        """
        SELECT ?d ?v WHERE {
          ?i rg:council council:E10000025 ;
             rg:regime regime:csci-adult-performance-2006-2008 ;
             rg:periodAssessed govyear:2006-2007 .
          ?j rg:inspection ?i ; rg:dimension ?d ; rg:value ?v .
          regime:csci-adult-performance-2006-2008 rg:judgesDimension ?d .
          ?d rg:usesScale scale:outcome-grade .
          FILTER (?d != dimension:delivering-outcomes)
        }"""
    )
    assert len({row.d for row in rows}) == 7
    assert {row.v for row in rows} == {VALUE["outcome-good"]}


def test_oxfordshire_2006_07_headline_and_capacity() -> None:
    expected = {
        "star-rating": VALUE["stars-2"],
        "delivering-outcomes": VALUE["outcome-good"],
        "capacity-to-improve": VALUE["prospects-promising"],
        "leadership": VALUE["prospects-excellent"],
        "commissioning-use-of-resources": VALUE["prospects-promising"],
    }
    kb = knowledge_base()
    inspection = INSPECTION["E10000025-csci-adult-2006-07"]
    found = {
        str(kb.value(j, RG.dimension)).rsplit("/", 1)[1]: kb.value(j, RG.value)
        for j in kb.subjects(RG.inspection, inspection)
    }
    assert {k: found.get(k) for k in expected} == expected
    assert kb.value(inspection, RG.strengthCountOver) == Literal(40)
    assert int(kb.value(inspection, RG.developmentAreaCount)) == 10
    plan = kb.value(predicate=RG.respondsTo, object=inspection)
    assert kb.value(plan, RG.agreedOn) == Literal(date(2007, 12, 19))


def test_cqc_oxfordshire_scores() -> None:
    kb = knowledge_base()
    base = "E10000025-cqc-la-2025-09"
    scores = [kb.value(JUDGMENT[f"{base}-qs{n}"], RG.value) for n in range(1, 10)]
    assert scores == [VALUE[f"cqc-score-{s}"] for s in (2, 2, 2, 2, 3, 3, 3, 3, 3)]
    assert kb.value(JUDGMENT[f"{base}-overall"], RG.value) == VALUE["cqc-rating-good"]
    for n in range(1, 10):
        dimension = kb.value(JUDGMENT[f"{base}-qs{n}"], RG.dimension)
        assert int(kb.value(dimension, RG.order)) == n
    report = kb.value(JUDGMENT[f"{base}-overall"], RG.statedIn)
    assert str(report).endswith(f"/document/{base}-report")
    assert kb.value(report, PROV.wasGeneratedBy) == INSPECTION[base]


def test_cqc_oxfordshire_section_42_statement() -> None:
    assert _ask(
        """
        ASK {
          ?s rg:statesObligation obligation:oxfordshire-s42-20-working-days ;
             rg:deadlineBasis value:basis-allocation ;
             rg:deadlineUnit value:unit-working-day ;
             rg:council council:E10000025 ;
             prov:wasDerivedFrom ?e .
          ?e prov:value ?text .
          FILTER (CONTAINS(?text, "20 working days of allocation"))
        }"""
    )


def test_oxfordshire_childrens_prospects_uncertain_2002_then_promising_2005() -> None:
    rows = _rows(
        """
        SELECT ?new ?old WHERE {
          ?new rg:council council:E10000025 ; rg:previousInspection ?old ;
               rg:regime regime:childrens-social-care-inspection .
          ?jn rg:inspection ?new ; rg:dimension dimension:children-prospects ;
              rg:value value:prospects-promising .
          ?jo rg:inspection ?old ; rg:dimension dimension:children-prospects ;
              rg:value value:prospects-uncertain .
          ?sn rg:inspection ?new ; rg:dimension dimension:children-serving-people-well ;
              rg:value value:serving-some .
          ?so rg:inspection ?old ; rg:dimension dimension:children-serving-people-well ;
              rg:value value:serving-some .
        }"""
    )
    assert [(r.new, r.old) for r in rows] == [
        (INSPECTION["E10000025-csci-children-2005"], INSPECTION["E10000025-ssi-children-2002"])
    ]


def test_isle_of_wight_2005_data_point() -> None:
    kb = knowledge_base()
    inspection = INSPECTION["E06000046-star-rating-2004-05"]
    assert kb.value(inspection, RG.council) == COUNCIL.E06000046
    found = {
        kb.value(j, RG.dimension): kb.value(j, RG.value)
        for j in kb.subjects(RG.inspection, inspection)
    }
    assert found == {
        DIMENSION["children-serving-people-well"]: VALUE["serving-some"],
        DIMENSION["children-prospects"]: VALUE["prospects-promising"],
        DIMENSION["adults-serving-people-well"]: VALUE["serving-most"],
        DIMENSION["adults-prospects"]: VALUE["prospects-promising"],
        DIMENSION["star-rating"]: VALUE["stars-2"],
    }


def _more_than_two_months_after(earlier: date, later: date) -> bool:
    """True when `later` is after the same day two calendar months after `earlier`.

    A day the target month lacks falls back to its last day (31 December + 2
    months = 28 or 29 February), as value:unit-calendar-month defines.
    """
    month0 = earlier.month + 1  # zero-based month two months on
    year, month = earlier.year + month0 // 12, month0 % 12 + 1
    day = min(earlier.day, calendar.monthrange(year, month)[1])
    return later > date(year, month, day)


def test_documents_presented_more_than_two_months_after_their_date() -> None:
    rows = _rows(
        """
        SELECT ?doc ?docDate ?meetingDate WHERE {
          ?item rg:presents ?doc ; rg:meeting ?m .
          ?m dcterms:date ?meetingDate .
          { ?doc dcterms:date ?docDate } UNION
          { ?doc dcterms:issued ?docDate FILTER NOT EXISTS { ?doc dcterms:date ?any } }
          FILTER (datatype(?docDate) = xsd:date && datatype(?meetingDate) = xsd:date)
        }"""
    )
    late = {
        row.doc
        for row in rows
        if _more_than_two_months_after(row.docDate.toPython(), row.meetingDate.toPython())
    }
    on_time = {row.doc for row in rows} - late
    doc = "https://w3id.org/regimegraph/id/document/"
    assert URIRef(doc + "E10000025-csci-adult-2006-07-report") in late
    assert URIRef(doc + "E06000022-ssi-annual-review-2002-03-letter") in on_time
    assert URIRef(doc + "E06000046-ssi-annual-review-2003-04-letter") in on_time
