"""The extractor's records: exact quotes, the contract's IRIs, the scales' values, the
integrity rules. Run over the seed papers (data/papers/) and the synthetic variants
(tests/extract/variants/, the Word one built by tests/extract/variant_docx.py): the real
pages of the measurements are third-party text and are not in the repository."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from regimegraph.checker import check
from regimegraph.extract import default_resolver, extract_paths
from regimegraph.extract.reader import read_document
from regimegraph.namespaces import RG, SKOS
from regimegraph.resources import kb_root

sys.path.insert(0, str(Path(__file__).resolve().parent / "extract"))
from variant_docx import build_kent_docx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAPERS = sorted((ROOT / "data" / "papers").glob("*.txt"))
VARIANTS = HERE / "extract" / "variants"
FIXTURES = PAPERS + sorted(VARIANTS.glob("*.txt")) + sorted(VARIANTS.glob("*.html"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    docx = build_kent_docx(tmp_path_factory.mktemp("variants"))
    return extract_paths([*FIXTURES, docx], default_resolver()).graph


def test_the_fixtures_are_the_seeds_and_every_kind_of_variant() -> None:
    """A moved or renamed fixture must not silently shrink what the tests below cover."""
    assert len(PAPERS) == 5
    assert {path.suffix for path in FIXTURES} == {".txt", ".html"}
    assert len(FIXTURES) == len(PAPERS) + 3


def test_every_excerpt_is_the_exact_text_of_its_file_between_its_offsets(
    extracted: Graph,
) -> None:
    checked = 0
    for excerpt in extracted.subjects(RDF.type, RG.Excerpt):
        source = extracted.value(excerpt, DCTERMS.isPartOf)
        local = Path(str(extracted.value(source, RG.localFile)))
        path = local if local.is_absolute() else kb_root() / local
        text = read_document(path).file_text
        start = int(extracted.value(excerpt, RG.charStart))
        end = int(extracted.value(excerpt, RG.charEnd))
        assert text[start:end] == str(extracted.value(excerpt, PROV.value)), excerpt
        checked += 1
    assert checked > 100


def test_every_record_cites_an_excerpt_and_the_rule_that_matched(extracted: Graph) -> None:
    kinds = (
        RG.Inspection,
        RG.Judgment,
        RG.Meeting,
        RG.AgendaItem,
        RG.ObligationStatement,
        RG.ActionPlan,
        RG.InspectionDocument,
    )
    for kind in kinds:
        for record in extracted.subjects(RDF.type, kind):
            excerpts = list(extracted.objects(record, PROV.wasDerivedFrom))
            assert excerpts, record
            for excerpt in excerpts:
                comments = [
                    str(c) for c in extracted.objects(excerpt, None) if str(c).startswith("rule: ")
                ]
                assert comments, excerpt


def test_judgments_use_the_value_iris_of_their_dimensions_scale(extracted: Graph) -> None:
    reference = Graph()
    for path in ("ontology/scales.ttl", "reference/regimes.ttl"):
        reference.parse(kb_root() / path)
    judgments = list(extracted.subjects(RDF.type, RG.Judgment))
    assert len(judgments) >= 30
    for judgment in judgments:
        dimension = extracted.value(judgment, RG.dimension)
        value = extracted.value(judgment, RG.value)
        scale = reference.value(dimension, RG.usesScale)
        assert scale is not None, dimension
        assert (value, SKOS.inScheme, scale) in reference, (judgment, value, scale)


def test_judgments_are_on_dimensions_their_regime_judges(extracted: Graph) -> None:
    reference = Graph().parse(kb_root() / "reference/regimes.ttl")
    for judgment in extracted.subjects(RDF.type, RG.Judgment):
        inspection = extracted.value(judgment, RG.inspection)
        regime = extracted.value(inspection, RG.regime)
        dimension = extracted.value(judgment, RG.dimension)
        judged = set(reference.objects(regime, RG.judgesDimension)) | set(
            reference.objects(regime, RG.headlineDimension)
        )
        assert dimension in judged, (judgment, regime)


def test_iris_follow_the_records_contract(extracted: Graph) -> None:
    iris = {str(s) for s in extracted.subjects()}
    base = "https://w3id.org/regimegraph/id/"
    assert base + "inspection/E10000025-csci-adult-2006-07" in iris
    assert base + "judgment/E10000025-csci-adult-2006-07-star-rating" in iris
    assert base + "meeting/E10000025-executive-2003-11-11" in iris
    assert base + "agenda-item/E10000025-executive-2003-11-11-ex8" in iris
    # The CQC page prints no date: its inspection is named after the source, and said so.
    assert base + "inspection/E10000025-cqc-la-in-003-9845c11fa7fbe67d" in iris
    assert base + "action-plan/E10000025-csci-adult-2006-07" in iris


def test_the_extracted_records_pass_the_integrity_rules(extracted: Graph, tmp_path: Path) -> None:
    path = tmp_path / "extracted.ttl"
    extracted.serialize(path, format="turtle")
    result = check([path], date(2026, 1, 1))
    violations = [f for f in result.findings if f.severity == "violation"]
    assert violations == []


def test_the_council_is_declared_with_its_register_label(extracted: Graph) -> None:
    council = URIRef("https://w3id.org/regimegraph/id/council/E06000022")
    assert (council, RDF.type, RG.Council) in extracted
    labels = {str(label) for label in extracted.objects(council, None) if "Somerset" in str(label)}
    assert labels == {"Bath and North East Somerset Council"}
