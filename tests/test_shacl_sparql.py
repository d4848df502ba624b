"""The sparql engine where the W3C suite and our fixtures say little.

The suite (tests/test_w3c_shacl.py) and every rule fixture (tests/test_engines.py)
hold it to pySHACL's results; these tests pin what a store adds (named graphs,
literals written oddly) and what the engine must refuse rather than get wrong.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from regimegraph.namespaces import SH
from regimegraph.shacl_sparql import Unsupported, compile_shapes, validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""


def _shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _store(text: str, graph: str | None = None) -> ox.Store:
    store = ox.Store()
    store.load(input=(PREFIXES + text).encode(), format=ox.RdfFormat.TRIG if graph else
               ox.RdfFormat.TURTLE, base_iri="https://example.org/")
    return store


def _results(store: ox.Store, shapes: Graph) -> list[tuple[str, str]]:
    """(focus node, constraint component) of each result, sorted."""
    conforms, report = validate(store, shapes)
    found = sorted((str(report.value(r, SH.focusNode)),
                    str(report.value(r, SH.sourceConstraintComponent)).removeprefix(str(SH)))
                   for r in report.objects(None, SH.result))
    assert conforms == (not found)
    return found


ONE_NAME = """
ex:Shape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:maxCount 1 ; sh:minCount 1 ] .
"""


def test_a_triple_in_two_graphs_is_one_value() -> None:
    """The union of the graphs is validated; a triple stated twice is still one value."""
    store = _store("""
        ex:g1 { ex:ann a ex:Person ; ex:name "Ann" . }
        ex:g2 { ex:ann ex:name "Ann" . }
    """, graph="yes")
    assert _results(store, _shapes(ONE_NAME)) == []
    store.add(ox.Quad(ox.NamedNode("https://example.org/ann"),
                      ox.NamedNode("https://example.org/name"), ox.Literal("Anne"),
                      ox.NamedNode("https://example.org/g3")))
    assert _results(store, _shapes(ONE_NAME)) == [
        ("https://example.org/ann", "MaxCountConstraintComponent")]


def test_an_ill_formed_date_is_not_a_date() -> None:
    """Oxigraph keeps "2003-02-30"^^xsd:date as written; sh:datatype must still refuse it."""
    shapes = _shapes("""
        ex:Shape a sh:NodeShape ; sh:targetSubjectsOf ex:on ;
            sh:property [ sh:path ex:on ; sh:datatype xsd:date ] .
    """)
    store = _store("""
        ex:good ex:on "2003-02-28"^^xsd:date .
        ex:bad ex:on "2003-02-30"^^xsd:date .
        ex:text ex:on "2003-02-28" .
    """)
    assert _results(store, shapes) == [
        ("https://example.org/bad", "DatatypeConstraintComponent"),
        ("https://example.org/text", "DatatypeConstraintComponent"),
    ]


def test_a_comparison_that_cannot_be_made_is_a_violation() -> None:
    shapes = _shapes("""
        ex:Shape a sh:NodeShape ; sh:targetSubjectsOf ex:start ;
            sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ] .
    """)
    store = _store("""
        ex:ok ex:start "2003-01-01"^^xsd:date ; ex:end "2003-02-01"^^xsd:date .
        ex:late ex:start "2003-03-01"^^xsd:date ; ex:end "2003-02-01"^^xsd:date .
        ex:odd ex:start "2003-01-01"^^xsd:date ; ex:end "soon" .
    """)
    assert _results(store, shapes) == [
        ("https://example.org/late", "LessThanOrEqualsConstraintComponent"),
        ("https://example.org/odd", "LessThanOrEqualsConstraintComponent"),
    ]


def test_quotes_and_backslashes_in_the_shapes_stay_text() -> None:
    """A pattern is a SPARQL string literal: what it holds must not end it early."""
    shapes = _shapes(r"""
        ex:Shape a sh:NodeShape ; sh:targetSubjectsOf ex:code ;
            sh:property [ sh:path ex:code ; sh:pattern "^\\d+\"?$" ] .
    """)
    store = _store("""
        ex:a ex:code "123" .
        ex:b ex:code "12\\"" .
        ex:c ex:code "x) } ; DROP ALL ; {" .
    """)
    assert _results(store, shapes) == [("https://example.org/c", "PatternConstraintComponent")]


@pytest.mark.parametrize("shapes, refused", [
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:S .""", "recursive shape"),
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property ex:P .
        ex:P sh:path ex:p ; sh:property ex:Q . ex:Q sh:path ex:q ; sh:property ex:P .""",
     "recursive shape https://example.org/P"),
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:maxCount 4 ] .""", "sh:maxCount of 4"),
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ;
                      sh:qualifiedMinCount 1 ] .""", "sh:qualifiedValueShape"),
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:nodeKind ex:Nothing .""", "sh:nodeKind"),
    ("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:minCount "many" ] .""", "the count"),
])
def test_what_it_cannot_translate_it_refuses(shapes: str, refused: str) -> None:
    with pytest.raises(Unsupported, match=refused):
        compile_shapes(_shapes(shapes))
