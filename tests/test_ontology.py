"""The ontology is documented and its scales are well formed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from regimegraph.loader import read_graph
from regimegraph.namespaces import RG

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    files = sorted((ROOT / "ontology").glob("*.ttl"))
    assert len(files) >= 4
    for path in files:
        graph += read_graph(path)
    return graph


def own_terms(graph: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {
            s
            for kind in kinds
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(str(RG))
        }
    )


def test_ontology_has_an_iri_and_a_version(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/regimegraph/def")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) is not None
    assert ontology.value(header, DCTERMS.license) is not None


def test_every_class_and_property_has_a_label_and_a_definition(ontology: Graph) -> None:
    terms = own_terms(ontology)
    assert len(terms) > 80
    undocumented = [
        t
        for t in terms
        if ontology.value(t, RDFS.label) is None
        or (ontology.value(t, SKOS.definition) is None and ontology.value(t, RDFS.comment) is None)
    ]
    assert undocumented == []


def test_every_module_file_is_an_ontology_with_metadata(ontology: Graph) -> None:
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph = read_graph(path)
        headers = list(graph.subjects(RDF.type, OWL.Ontology))
        assert len(headers) == 1, path
        assert graph.value(headers[0], DCTERMS.title) is not None, path
        assert graph.value(headers[0], OWL.versionIRI) is not None, path


def test_every_judgment_scale_is_ordered_and_labelled(ontology: Graph) -> None:
    scales = sorted(set(ontology.subjects(RDF.type, RG.JudgmentScale)))
    assert len(scales) == 8
    for scale in scales:
        values = list(ontology.subjects(SKOS.inScheme, scale))
        assert len(values) >= 4, scale
        ranks = [ontology.value(v, RG.rank) for v in values]
        assert None not in ranks, scale
        assert len({int(r) for r in ranks}) == len(values), f"{scale}: ranks must be distinct"
        for value in values:
            assert (value, RDF.type, RG.ScaleValue) in ontology
            assert ontology.value(value, SKOS.prefLabel) is not None
            assert ontology.value(value, SKOS.notation) is not None


def test_cqc_rating_bands_are_data_with_the_published_gap(ontology: Graph) -> None:
    bands = {
        str(ontology.value(v, SKOS.prefLabel)): (
            float(ontology.value(v, RG.minPercent)),
            float(ontology.value(v, RG.maxPercent)),
        )
        for v in ontology.subjects(
            SKOS.inScheme, URIRef("https://w3id.org/regimegraph/id/scale/cqc-rating")
        )
    }
    assert bands == {
        "Inadequate": (25.0, 38.0),
        "Requires improvement": (39.0, 62.0),
        "Good": (63.0, 87.0),
        "Outstanding": (88.0, 100.0),
    }


def test_there_is_no_four_star_value(ontology: Graph) -> None:
    stars = URIRef("https://w3id.org/regimegraph/id/scale/stars")
    notations = sorted(
        str(ontology.value(v, SKOS.notation)) for v in ontology.subjects(SKOS.inScheme, stars)
    )
    assert notations == ["0", "1", "2", "3"]
