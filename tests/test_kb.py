"""The built knowledge base: every term declared, every value on its scale."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, SKOS, TIME, XSD, DefinedNamespace

from regimegraph.kb import INFERRED_GRAPH, KnowledgeBase, open_kb
from regimegraph.namespaces import GRAPH, KNOWN_VOCABULARIES, RG, SH
from regimegraph.query import execute

W3C = {ns: vocabulary for vocabulary in (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, DCAT, PROV, ORG,
                                         TIME, FOAF) for ns in [str(vocabulary._NS)]}


def select(kb: KnowledgeBase, sparql: str) -> list[list[str]]:
    result = execute(kb.store, sparql)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [[s[n].value if s[n] is not None else "" for n in names] for s in result]


def declared_terms(kb: KnowledgeBase) -> set[str]:
    rows = select(kb, """
        SELECT DISTINCT ?t WHERE { GRAPH ?g { ?t a ?k }
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/regimegraph/graph/ontology/"))
          VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty } }""")
    return {row[0] for row in rows}


def used_terms(kb: KnowledgeBase) -> tuple[set[str], set[str]]:
    """Classes (objects of rdf:type) and properties used outside the ontology graphs."""
    properties = {row[0] for row in select(kb, """
        SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o }
          FILTER(!STRSTARTS(STR(?g), "https://w3id.org/regimegraph/graph/ontology/")) }""")}
    classes = {row[0] for row in select(kb, """
        SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c }
          FILTER(!STRSTARTS(STR(?g), "https://w3id.org/regimegraph/graph/ontology/")) }""")}
    return classes, properties


def is_known_w3c_term(iri: str) -> bool:
    for namespace, vocabulary in W3C.items():
        if iri.startswith(namespace):
            if not issubclass(vocabulary, DefinedNamespace):
                return True
            return URIRef(iri) in vocabulary
    return False


def test_every_class_and_property_used_is_declared(kb: KnowledgeBase) -> None:
    declared = declared_terms(kb)
    classes, properties = used_terms(kb)
    assert len(properties) > 40
    undeclared = sorted(
        term for term in classes | properties
        if term not in declared
        and not (term.startswith(KNOWN_VOCABULARIES) and not term.startswith(str(RG))
                 and (is_known_w3c_term(term) or term.startswith(str(SH))))
    )
    assert undeclared == []


def test_no_rg_term_is_misspelt(kb: KnowledgeBase) -> None:
    classes, properties = used_terms(kb)
    ours = {t for t in classes | properties if t.startswith(str(RG))}
    assert ours - declared_terms(kb) == set()


def test_every_judgment_value_is_on_its_dimensions_scale(kb: KnowledgeBase) -> None:
    judgments = select(kb, "SELECT (COUNT(DISTINCT ?j) AS ?n) WHERE { ?j a rg:Judgment }")
    assert int(judgments[0][0]) > 700
    off_scale = select(kb, """
        SELECT ?j ?v ?scale WHERE {
          ?j a rg:Judgment ; rg:dimension/rg:usesScale ?scale .
          OPTIONAL { ?j rg:value ?v }
          FILTER NOT EXISTS { ?j rg:value ?value . ?value skos:inScheme ?scale }
        }""")
    assert off_scale == []


def test_every_judgment_has_one_value_dimension_and_inspection(kb: KnowledgeBase) -> None:
    bad = select(kb, """
        SELECT ?j WHERE { ?j a rg:Judgment .
          { SELECT ?j (COUNT(DISTINCT ?v) AS ?nv) (COUNT(DISTINCT ?d) AS ?nd)
                      (COUNT(DISTINCT ?i) AS ?ni)
            WHERE { ?j a rg:Judgment .
                    OPTIONAL { ?j rg:value ?v } OPTIONAL { ?j rg:dimension ?d }
                    OPTIONAL { ?j rg:inspection ?i } } GROUP BY ?j }
          FILTER(?nv != 1 || ?nd != 1 || ?ni != 1) }""")
    assert bad == []


def test_every_record_has_provenance(kb: KnowledgeBase) -> None:
    missing = select(kb, """
        SELECT ?r ?type WHERE {
          VALUES ?type { rg:Inspection rg:InspectionDocument rg:Judgment rg:Meeting
                         rg:AgendaItem rg:ActionPlan rg:ObligationStatement rg:Council }
          ?r a ?type .
          FILTER NOT EXISTS { ?r prov:wasDerivedFrom ?source }
        }""")
    assert missing == []


def test_closure_is_in_its_own_graph_and_adds_the_w3c_hierarchy(kb: KnowledgeBase) -> None:
    inferred = f"<{INFERRED_GRAPH}>"
    in_closure = select(kb, f"""SELECT (1 AS ?x) WHERE {{
        GRAPH {inferred} {{ council:E10000025 a org:Organization, foaf:Agent }} }}""")
    assert in_closure == [["1"]]
    asserted = select(kb, f"""SELECT (1 AS ?x) WHERE {{
        GRAPH ?g {{ council:E10000025 a foaf:Agent }} FILTER(?g != {inferred}) }}""")
    assert asserted == []
    assert kb.info.closure_inferred_triples == kb.info.graphs[INFERRED_GRAPH] > 1000


def test_every_source_file_has_its_own_named_graph(kb: KnowledgeBase) -> None:
    graphs = set(kb.info.graphs)
    for name in ("ontology/core", "reference/regimes", "reference/obligations",
                 "import/council-register", "import/cqc-la-assessments", "import/star-ratings",
                 "derived/periods", "inferred"):
        assert str(GRAPH[name]) in graphs
    assert sum(1 for g in graphs if "/graph/records/papers/" in g) == 5


def test_government_years_have_their_days(kb: KnowledgeBase) -> None:
    rows = select(kb, """SELECT ?b ?e WHERE {
        <http://reference.data.gov.uk/id/government-year/2006-2007>
            time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e }""")
    assert rows == [["2006-04-01", "2007-03-31"]]


def test_a_second_open_reuses_the_build(kb: KnowledgeBase) -> None:
    again = open_kb()
    assert again.dump == kb.dump
    assert len(again.store) == len(kb.store)


@pytest.mark.parametrize("name", ["council:E10000025", "council:E06000022"])
def test_the_seed_councils_are_in_the_register(kb: KnowledgeBase, name: str) -> None:
    rows = select(kb, f"SELECT ?code WHERE {{ {name} a rg:Council ; rg:gssCode ?code }}")
    assert rows == [[name.split(":")[1]]]
