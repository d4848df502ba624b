"""/sparql is safe to expose: read-only, no outbound calls, no file reads, time and size limits.

Runs the real app under waitress over the bundled knowledge base with a short
query timeout, and drives it with http.client and with clients no one here
wrote (SPARQLWrapper, rdflib's SPARQLStore).
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from live_server import http_request
from regimegraph.config import Settings
from regimegraph.kb import KnowledgeBase
from regimegraph.web import create_app
from regimegraph.web.server import Background

TIMEOUT = 1.5
OXFORDSHIRE = "https://w3id.org/regimegraph/id/council/E10000025"
GSS = "SELECT ?gss WHERE { council:E10000025 rg:gssCode ?gss }"


@pytest.fixture(scope="module")
def server(kb: KnowledgeBase) -> Iterator[Background]:
    settings = Settings(query_timeout=TIMEOUT, workers=2, max_request_bytes=20_000,
                        cors_origins="*")
    running = Background(create_app(settings))
    yield running
    running.close()


class Listener:
    """A tiny HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        seen: list[str] = []
        self.seen = seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

            do_POST = do_GET

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def request(server: Background, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return http_request(server.port, method, path, body, headers)


def query(server: Background, text: str, accept: str = "application/sparql-results+json",
          **params: str) -> tuple[int, dict[str, str], bytes]:
    return request(server, "GET", "/sparql?" + urlencode({"query": text, **params}),
                   headers={"Accept": accept})


def gss_answers(server: Background) -> bool:
    status, _, body = query(server, GSS)
    return status == 200 and json.loads(body)["results"]["bindings"][0]["gss"]["value"] == \
        "E10000025"


@pytest.mark.parametrize("how", ["direct", "form", "get"])
def test_updates_are_refused(server: Background, how: str) -> None:
    update = "PREFIX rg: <https://w3id.org/regimegraph/def#> DELETE WHERE { ?s rg:gssCode ?o }"
    if how == "direct":
        status, _, body = request(server, "POST", "/sparql", update.encode(),
                                  {"Content-Type": "application/sparql-query"})
    elif how == "form":
        status, _, body = request(server, "POST", "/sparql", urlencode({"update": update}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    else:
        status, _, body = query(server, update)
    assert status == 400
    assert b"read-only" in body
    assert gss_answers(server)


def test_load_is_refused_and_fetches_nothing(server: Background, listener: Listener) -> None:
    for load in (f"LOAD <{listener.url}>", f"# a comment\nLOAD <{listener.url}> INTO GRAPH <x:g>"):
        status, _, body = request(server, "POST", "/sparql", load.encode(),
                                  {"Content-Type": "application/sparql-query"})
        assert status == 400 and b"read-only" in body
    assert listener.seen == []


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    # A comment holding a triple quote: a scanner that strips strings first would hide SERVICE.
    'SELECT * WHERE { ?s ?p ?o # """\n SERVICE <{url}> { ?a ?b ?c } # """\n} LIMIT 1',
    # `<` as less-than before a quote: a scanner reading <'x> as an IRI would hide SERVICE.
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(<http://e/#> != ?a && ?a<'x>') "
    "SERVICE <{url}> { ?s ?p ?o } #'\n}",
    "SELECT * WHERE { BIND(<{url}> AS ?endpoint) SERVICE ?endpoint { ?s ?p ?o } }",
])
def test_service_is_refused_and_calls_nothing(server: Background, listener: Listener,
                                              text: str) -> None:
    status, _, body = query(server, text.replace("{url}", listener.url))
    assert status == 400, body
    assert b"SERVICE" in body
    assert listener.seen == []


def test_service_in_strings_and_comments_is_not_refused(server: Background) -> None:
    text = ('SELECT ?service WHERE { # SERVICE <http://127.0.0.1:9/>\n'
            ' BIND("SERVICE <http://127.0.0.1:9/> {}" AS ?service) }')
    status, _, body = query(server, text)
    assert status == 200, body


def test_from_never_reads_files_or_urls(server: Background, listener: Listener) -> None:
    for source in ("file:///etc/passwd", listener.url):
        for text in (f"SELECT * FROM <{source}> WHERE {{ ?s ?p ?o }}",
                     f"SELECT * FROM NAMED <{source}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
            status, _, body = query(server, text)
            assert status == 200
            assert json.loads(body)["results"]["bindings"] == []
        status, _, body = query(server, "SELECT * WHERE { ?s ?p ?o }",
                                **{"default-graph-uri": source})
        assert status == 200 and json.loads(body)["results"]["bindings"] == []
    assert listener.seen == []


def test_a_request_too_large_is_413(server: Background) -> None:
    text = "ASK { }" + " " * 30_000
    status, headers, body = request(server, "POST", "/sparql", text.encode(),
                                    {"Content-Type": "application/sparql-query"})
    assert status == 413
    assert headers["Content-Type"].startswith("text/plain") and b"too large" in body


def test_a_chunked_request_too_large_is_413(server: Background) -> None:
    # No Content-Length to refuse it by: the body is cut off as it is read.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        chunks = (b"ASK { }", b" " * 15_000, b" " * 15_000)
        connection.request("POST", "/sparql", body=iter(chunks), encode_chunked=True,
                           headers={"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        assert response.status == 413 and b"too large" in response.read()
    finally:
        connection.close()


def test_cors(server: Background) -> None:
    _, headers, _ = query(server, "ASK {}", Origin="https://example.org")
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = request(server, "OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_sparqlwrapper(server: Background) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(GSS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [row["gss"]["value"] for row in rows] == ["E10000025"]
    client.setQuery(f"ASK {{ <{OXFORDSHIRE}> rg:gssCode 'E10000025' }}")
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery(f"CONSTRUCT {{ <{OXFORDSHIRE}> rg:gssCode ?g }} "
                    f"WHERE {{ <{OXFORDSHIRE}> rg:gssCode ?g }}")
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    from rdflib import Graph, Literal, Namespace, URIRef

    graph = Graph().parse(data=turtle, format="turtle")
    rg = Namespace("https://w3id.org/regimegraph/def#")
    assert graph.value(URIRef(OXFORDSHIRE), rg.gssCode) == Literal("E10000025")
    client.setReturnFormat("xml")
    # RDF/XML (read raw: SPARQLWrapper's own conversion uses rdflib's deprecated ConjunctiveGraph)
    graph = Graph().parse(data=client.query().response.read(), format="xml")
    assert graph.value(URIRef(OXFORDSHIRE), rg.gssCode) == Literal("E10000025")


def test_rdflib_sparqlstore(server: Background) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat="xml"))
    rows = list(graph.query(
        "PREFIX rg: <https://w3id.org/regimegraph/def#> "
        f"SELECT ?gss WHERE {{ <{OXFORDSHIRE}> rg:gssCode ?gss }}"))
    assert [str(row[0]) for row in rows] == ["E10000025"]
