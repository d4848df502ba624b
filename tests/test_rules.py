"""Integrity and consistency rules against their fixtures and the bundled knowledge base.

Fixtures live in tests/rules/<NodeShape>/, named valid-*.ttl or invalid-*.ttl,
and are checked one by one with the ontology and reference data (about 0.15 s
each). Their first lines say what they are and what must happen:

    # Invalid: <why>                                 (or  # Valid: <why>)
    # Expect: rgsh:<PropertyShape> <severity>        (or  # Expect: none)
    # Message: <text the finding's message must contain>   (optional)

An invalid fixture passes only if that property shape of the folder's node
shape fired with that severity; a valid one only if the folder's node shape
stayed silent. Neither kind may break another integrity or consistency rule
at Violation level, so each fixture tests one thing.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph

from fixture_files import assert_expected_finding, header
from regimegraph.checker import DERIVED_GRAPH, CheckResult, check
from regimegraph.derivations import run_derivations
from regimegraph.kb import KnowledgeBase
from regimegraph.loader import read_graph
from regimegraph.namespaces import GRAPH, RGSH, SH, sparql_prologue
from regimegraph.store import merge_into_default_graph, named_quads

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "rules"
RULE_FILES = (ROOT / "rules" / "integrity.ttl", ROOT / "rules" / "consistency.ttl")
TODAY = date(2026, 11, 23)
FILES = sorted(FIXTURES.glob("*/*.ttl"))


@cache
def own_shapes() -> Graph:
    graph = Graph()
    for path in RULE_FILES:
        graph += read_graph(path)
    return graph


@cache
def node_shapes() -> frozenset[str]:
    return frozenset(str(s) for s in own_shapes().subjects(RDF.type, SH.NodeShape))


def test_fixtures_were_found() -> None:
    assert len(FILES) >= 60
    assert all(p.name.startswith(("valid-", "invalid-")) for p in FILES), "valid-* or invalid-*"


def test_every_node_shape_has_a_valid_and_an_invalid_fixture() -> None:
    names = {str(RGSH[p.parent.name]) for p in FILES}
    assert node_shapes() <= names, sorted(node_shapes() - names)
    for shape in node_shapes():
        folder = FIXTURES / shape.removeprefix(str(RGSH))
        kinds = {p.name.split("-", 1)[0] for p in folder.glob("*.ttl")}
        assert kinds == {"valid", "invalid"}, folder


def test_every_property_shape_has_a_severity_and_a_message() -> None:
    shapes = own_shapes()
    for node in node_shapes():
        properties = list(shapes.objects(RGSH[node.removeprefix(str(RGSH))], SH.property))
        assert properties, node
        for prop in properties:
            assert shapes.value(prop, SH.severity) is not None, prop
            assert shapes.value(prop, SH.message) is not None, prop


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rule_fixture(path: Path) -> None:
    fields = header(path)
    assert path.read_text(encoding="utf-8").startswith(
        "# Valid: " if path.name.startswith("valid-") else "# Invalid: "
    ), "the first line says Valid or Invalid, and why"
    rule = str(RGSH[path.parent.name])
    assert rule in node_shapes(), f"no node shape {rule}"
    result = check([path], TODAY)
    fired = [f for f in result.findings if f.rule == rule]
    others = [
        (f.shape, f.message)
        for f in result.findings
        if f.rule in node_shapes() and f.rule != rule and f.severity == "violation"
    ]
    assert others == [], "a fixture tests one rule"
    if fields["Expect"] == "none":
        assert path.name.startswith("valid-")
        assert fired == [], [(f.shape, f.message) for f in fired]
        return
    assert path.name.startswith("invalid-")
    finding = assert_expected_finding(fired, fields)
    assert finding.file is not None and finding.file.endswith(path.name)


# The bundled knowledge base -----------------------------------------------------


@pytest.fixture(scope="module")
def kb_result(kb: KnowledgeBase) -> CheckResult:
    return check(None, TODAY)


def test_the_knowledge_base_breaks_no_integrity_or_consistency_rule(kb_result: CheckResult) -> None:
    violations = [
        (f.shape, f.focus, f.message)
        for f in kb_result.findings
        if f.rule in node_shapes() and f.severity == "violation"
    ]
    assert violations == []


def test_the_knowledge_base_findings_are_the_known_gaps(kb_result: CheckResult) -> None:
    """What the records cannot show: who published the Community Care 'year label'
    star ratings (ten of them), and County Durham's overall rating (the scrape says
    'Not Rated'). Any other finding of these rules on the bundled records is new."""
    mine = [
        (f.severity, (f.shape or "").removeprefix(str(RGSH)), f.focus.rsplit("/", 1)[-1])
        for f in kb_result.findings
        if f.rule in node_shapes()
    ]
    unnamed = [m for m in mine if m[:2] == ("warning", "InspectionRecord-inspectorate-named")]
    assert unnamed and all("-star-rating-cc-label-" in m[2] for m in unnamed)
    unrated = [m for m in mine if m[:2] == ("info", "CqcRatingRecorded-overall")]
    assert unrated == [("info", "CqcRatingRecorded-overall", "E06000047-cqc-la-2024-08")]
    assert sorted(unnamed + unrated) == sorted(mine)


RATINGS = (
    sparql_prologue()
    + f"""
SELECT ?inspection ?published ?derived WHERE {{
  ?inspection rg:regime regime:cqc-la-assessment .
  ?overall rg:inspection ?inspection ; rg:dimension dimension:cqc-overall-rating ;
           rg:value ?published .
  OPTIONAL {{ GRAPH <{DERIVED_GRAPH}> {{ ?inspection rg:derivedRating ?derived }} }}
}}
"""
)


def test_every_rated_cqc_assessment_derives_its_published_rating(kb: KnowledgeBase) -> None:
    """All 71 rated CQC assessments in the knowledge base: the scores give the rating."""
    store = ox.Store()
    inferred = ox.NamedNode(str(GRAPH["inferred"]))
    store.extend([q for q in named_quads(kb.store) if q.graph_name != inferred])
    merge_into_default_graph(store)
    run_derivations(store, DERIVED_GRAPH)
    rows = list(store.query(RATINGS))
    assert len({row["inspection"] for row in rows}) == len(rows) == 71
    disagreements = [
        (row["inspection"].value, row["published"].value, row["derived"])
        for row in rows
        if row["derived"] != row["published"]
    ]
    assert disagreements == []
