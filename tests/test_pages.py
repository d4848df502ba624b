"""Pages for people, dereferencing, dumps and VoID (web/pages.py, resources.py, charts.py)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from regimegraph.config import Settings
from regimegraph.namespaces import COUNCIL, RG
from regimegraph.web import create_app

OXFORDSHIRE = "/id/council/E10000025"
BATHNES = "/id/council/E06000022"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def app(kb_cache: Path) -> Flask:
    return create_app(Settings.from_env())


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, path: str, status: int = 200, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.data[:500]
    return response.get_data(as_text=True)


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.DOTALL)
    assert match, f"no section {section_id}"
    return match.group(0)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Home and lists ----------------------------------------------------------------------


def test_home_counts_come_from_the_data(client: FlaskClient) -> None:
    html = page(client, "/")
    assert re.search(r'id="count-councils"><a [^>]*>163<', html)
    assert re.search(r'id="count-judgments">828<', html)
    for link in ("/councils", "/regimes", "/inspectorates", "/obligations", "/query",
                 "/downloads"):
        assert f'href="{link}"' in html
    assert "Social services performance ratings (star ratings) 2002-2005" in section(
        html, "by-regime")
    assert "Care Quality Commission" in section(html, "by-inspectorate")


@pytest.mark.parametrize("path, expected", [
    ("/councils", "Oxfordshire County Council"),
    ("/regimes", "CQC local authority assessment"),
    ("/inspectorates", "Commission for Social Care Inspection"),
    ("/obligations", "Present the annual review letter"),
    ("/downloads", "regimegraph.nq"),
])
def test_lists(client: FlaskClient, path: str, expected: str) -> None:
    assert expected in page(client, path)


# Council pages ------------------------------------------------------------------------


def test_oxfordshire_page(client: FlaskClient) -> None:
    html = page(client, OXFORDSHIRE)
    assert "<h1 id=\"resource-label\">Oxfordshire County Council</h1>" in html
    assert "<code>E10000025</code>" in html
    assert "http://statistics.data.gov.uk/id/statistical-geography/E10000025" in html
    assert "http://opendatacommunities.org/id/county-council/oxfordshire" in html
    judgments = words(section(html, "judgments"))
    assert "Good" in judgments  # CQC 2025 overall rating
    assert re.search(r"2003-11 Social services performance ratings .* 2 stars", judgments)
    duties = section(html, "obligations")
    o1 = re.search(r'<tr class="duty [^"]*" id="duty-o1-[^"]*"[^>]*>.*?</tr>', duties, re.DOTALL)
    assert o1, "no O1 duty on Oxfordshire's page"
    assert "status-cannot-tell" in o1.group(0)
    assert "due date unknown" in o1.group(0)
    for heading in ("inspections", "documents", "meetings"):
        section(html, heading)
    assert "2003-11-11" in section(html, "meetings")


def test_bathnes_meets_o1(client: FlaskClient) -> None:
    html = page(client, BATHNES)
    o1 = re.search(r'<tr class="duty status-met" id="duty-o1-[^"]*"', section(html, "obligations"))
    assert o1


def test_timeline_is_well_formed_accessible_svg(client: FlaskClient) -> None:
    html = page(client, OXFORDSHIRE)
    match = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert match
    svg = ET.fromstring(match.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title") is not None and svg.find(f"{ns}desc") is not None
    labels = [t.text for t in svg.iter(f"{ns}text")]
    assert "2 stars" in labels and "Good" in labels
    assert 'id="judgments-table"' in html  # the text fallback


def test_unknown_council_is_404_in_both_shapes(client: FlaskClient) -> None:
    assert "Error 404" in page(client, "/id/council/E99999999", 404, Accept="text/html")
    response = client.get("/id/council/E99999999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False, "status": 404,
        "error": "no resource <https://w3id.org/regimegraph/id/council/E99999999> in the "
                 "knowledge base"}


def test_unknown_address_has_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["ok"] is False
    assert "Error 404" in page(client, "/no/such/page", 404)


# Other resource pages ----------------------------------------------------------------


def test_regime_page(client: FlaskClient) -> None:
    html = page(client, "/id/regime/star-ratings-2002-2005")
    assert "2002-05-30" in html and "2005-12-01" in html
    assert 'href="http://www.legislation.gov.uk/id/ukpga/2003/43/section/79"' in html
    assert "star rating" in section(html, "dimensions")
    assert "3 stars" in section(html, "dimensions")


def test_inspectorate_page_shows_changes(client: FlaskClient) -> None:
    html = page(client, "/id/inspectorate/csci")
    changes = words(section(html, "changes"))
    assert "2004-04-01" in changes and "Social Services Inspectorate" in changes
    assert "Care Quality Commission" in changes


def test_obligation_page(client: FlaskClient) -> None:
    html = page(client, "/id/obligation/O1")
    assert "calendar month" in words(html)
    assert "Bath" in section(html, "obligation-duties")


def test_any_resource_dereferences(client: FlaskClient) -> None:
    html = page(client, "/id/judgment/E10000025-star-rating-2002-03-star-rating")
    assert "2 stars" in html
    page(client, "/id/regime/star-ratings-2002-2005/rule/conversion-matrix")
    page(client, "/def/core")
    page(client, "/id/regime/..%2F..%2Fdef", 404)


# Content negotiation -------------------------------------------------------------------


def test_turtle_by_accept(client: FlaskClient) -> None:
    response = client.get(OXFORDSHIRE, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(str(COUNCIL.E10000025)), URIRef(str(RG.gssCode)),
            Literal("E10000025")) in graph


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_jsonld_by_accept_and_format(client: FlaskClient) -> None:
    for kwargs in ({"headers": {"Accept": "application/ld+json"}},
                   {"query_string": {"format": "jsonld"}}):
        response = client.get(OXFORDSHIRE, **kwargs)
        assert response.mimetype == "application/ld+json"
        graph = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
        assert (URIRef(str(COUNCIL.E10000025)), URIRef(str(RG.gssCode)), None) in graph


def test_q_values_are_honoured(client: FlaskClient) -> None:
    response = client.get(OXFORDSHIRE, headers={
        "Accept": "text/html;q=0.5, application/n-triples;q=0.9, */*;q=0.1"})
    assert response.mimetype == "application/n-triples"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(OXFORDSHIRE, headers={"Accept": browser}).mimetype == "text/html"
    assert client.get(OXFORDSHIRE, headers={"Accept": "application/rdf+xml"}).status_code == 406


def test_description_includes_object_labels(client: FlaskClient) -> None:
    data = page(client, OXFORDSHIRE + "?format=nt")
    assert '<https://w3id.org/regimegraph/id/value/council-type-CTY> ' in data
    assert re.search(r"council-type-CTY> <http://www.w3.org/2004/02/skos/core#prefLabel>|"
                     r"council-type-CTY> <http://www.w3.org/2000/01/rdf-schema#label>", data)


def test_ontology_dereferences(client: FlaskClient) -> None:
    assert "Terms" in page(client, "/def")
    graph = Graph().parse(data=page(client, "/def?format=ttl"), format="turtle")
    assert (URIRef("https://w3id.org/regimegraph/def"), None, None) in graph
    assert (URIRef(str(RG.Council)), None, None) in graph


# Query page -------------------------------------------------------------------------


def test_query_form_is_prefilled_with_examples(client: FlaskClient) -> None:
    html = page(client, "/query")
    assert "PREFIX rg: &lt;https://w3id.org/regimegraph/def#&gt;" in html
    examples = section(html, "examples")
    assert "Oxfordshire&#39;s judgments across all regimes, in date order" in examples
    assert examples.count('class="load-example"') == len(list(
        (Path(__file__).resolve().parents[1] / "queries").glob("*.rq")))
    assert 'id="results"' not in html


def test_query_results_table(client: FlaskClient) -> None:
    text = "SELECT ?council ?code WHERE { ?council rg:gssCode ?code } ORDER BY ?code LIMIT 3"
    html = page(client, "/query?query=" + quote(text))
    table = section(html, "results")
    assert table.count("<tr>") == 4  # header and three rows
    assert 'href="/id/council/' in table
    assert f"/sparql?query={quote(text, safe='')}&amp;format=csv" in html.replace("+", "%20")
    assert "format=json" in table


def test_query_results_are_cut_at_max_rows(kb_cache: Path) -> None:
    client = create_app(Settings.from_env(max_rows=2)).test_client()
    html = page(client, "/query?query=" + quote("SELECT ?s WHERE { ?s a rg:Council }"))
    assert "cut at 2 rows" in html


def test_ask_and_construct(client: FlaskClient) -> None:
    assert 'id="boolean-result" class="boolean">true<' in page(
        client, "/query?query=" + quote("ASK { council:E10000025 a rg:Council }"))
    html = page(client, "/query?query=" + quote(
        "CONSTRUCT { council:E10000025 rg:gssCode ?c } WHERE { council:E10000025 rg:gssCode ?c }"))
    assert "E10000025" in section(html, "results")


@pytest.mark.parametrize("text, message", [
    ("SELECT WHERE {", "SPARQL syntax error"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "SPARQL Update"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
])
def test_bad_queries_are_400(client: FlaskClient, text: str, message: str) -> None:
    html = page(client, "/query?query=" + quote(text), 400)
    assert message in section(html, "query-error")
    assert "<textarea" in html  # the query stays in the editor to be fixed


# Dumps and VoID -------------------------------------------------------------------------


def test_nquads_dump(client: FlaskClient) -> None:
    response = client.get("/dumps/regimegraph.nq")
    assert response.status_code == 200
    assert response.mimetype == "application/n-quads"
    assert 'attachment; filename=regimegraph.nq' in response.headers["Content-Disposition"]
    quads = list(ox.parse(response.data, format=ox.RdfFormat.N_QUADS))
    response.close()
    assert all(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads[:100])


def test_turtle_dump(client: FlaskClient) -> None:
    response = client.get("/dumps/regimegraph.ttl")
    assert response.mimetype == "text/turtle"
    assert "regimegraph.ttl" in response.headers["Content-Disposition"]
    triples = [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.TURTLE)]
    response.close()
    assert ox.Triple(ox.NamedNode(str(COUNCIL.E10000025)), ox.NamedNode(str(RG.gssCode)),
                     ox.Literal("E10000025")) in triples


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void(client: FlaskClient, path: str) -> None:
    graph = Graph().parse(data=page(client, path), format="turtle")
    dataset = next(graph.subjects(URIRef(VOID + "sparqlEndpoint"), None))
    assert graph.value(dataset, URIRef(VOID + "sparqlEndpoint")) == URIRef(
        "http://localhost/sparql")
    assert int(str(graph.value(dataset, URIRef(VOID + "triples")))) > 10_000
    dumps = set(graph.objects(dataset, URIRef(VOID + "dataDump")))
    assert URIRef("http://localhost/dumps/regimegraph.nq") in dumps
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    assert len(set(graph.objects(dataset, URIRef("http://purl.org/dc/terms/source")))) >= 5
    subsets = set(graph.objects(dataset, URIRef(VOID + "subset")))
    assert URIRef("https://w3id.org/regimegraph/graph/import/cqc-la-assessments") in subsets


# Escaping -----------------------------------------------------------------------------


def test_literals_are_escaped_and_bad_links_dropped(kb_cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "evil.ttl"
    data.write_text(
        '@prefix rg: <https://w3id.org/regimegraph/def#> .\n'
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        '<https://w3id.org/regimegraph/id/council/E99999998> a rg:Council ;\n'
        '  rdfs:label "<script>alert(1)</script>" ;\n'
        '  rg:gssCode "\\" onmouseover=\\"alert(2)" ;\n'
        '  rdfs:seeAlso <javascript:alert(3)> .\n', encoding="utf-8")
    client = create_app(Settings(include_kb=False, data_files=(data,))).test_client()
    for path in ("/id/council/E99999998", "/councils",
                 "/query?query=" + quote("SELECT ?l WHERE { ?s rdfs:label ?l }")):
        html = page(client, path)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html
    html = page(client, "/id/council/E99999998")
    assert '" onmouseover="' not in html
    assert "<script>alert" not in page(client, "/")
    assert json.loads(client.get("/id/council/E99999998?format=jsonld").data)
