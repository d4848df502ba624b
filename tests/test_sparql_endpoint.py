"""/sparql behaviour beyond the W3C suite: formats, limits, errors, service description, serve."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from regimegraph.cli import main
from regimegraph.config import Settings
from regimegraph.readonly import refusal
from regimegraph.web import create_app
from regimegraph.web.sparql import start_runner, stop_runner

DATA = """@prefix ex: <http://example.org/> .
ex:a ex:p 1 . ex:b ex:p 2 . ex:c ex:p 3 . ex:d ex:p "four"@en .
"""
GRAPH = "https://w3id.org/regimegraph/graph/data/small.ttl"


@pytest.fixture(scope="module")
def app(kb_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("endpoint") / "small.ttl"
    path.write_text(DATA)
    built = create_app(Settings(include_kb=False, data_files=(path,), workers=1, max_rows=3,
                                cors_origins="https://a.example, https://b.example"))
    start_runner(built)
    yield built
    stop_runner(built)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


SELECT = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"


@pytest.mark.parametrize(("accept", "media"), [
    ("", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv", "text/csv"),
    ("application/json", "application/sparql-results+json"),
])
def test_select_formats_by_accept(client: FlaskClient, accept: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media


@pytest.mark.parametrize(("fmt", "media"), [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("xml", "application/sparql-results+xml"), ("json", "application/sparql-results+json"),
])
def test_format_parameter(client: FlaskClient, fmt: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": fmt},
                          headers={"Accept": "text/html"})
    assert response.mimetype == media


@pytest.mark.parametrize(("accept", "media"), [
    ("", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"), ("application/ld+json", "application/ld+json"),
])
def test_construct_formats(client: FlaskClient, accept: str, media: str) -> None:
    text = "CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s <http://example.org/p> ?o }"
    response = client.post("/sparql", data=text, content_type="application/sparql-query",
                           headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media


def test_not_acceptable(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.mimetype == "text/plain"
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_results_are_cut_at_max_rows_and_say_so(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT})
    document = json.loads(response.data)
    assert len(document["results"]["bindings"]) == 3
    assert document["truncated"] is True and document["maxRows"] == 3
    assert response.headers["X-Regimegraph-Truncated"] == "true"
    response = client.get("/sparql", query_string={"query": SELECT + " LIMIT 2"})
    assert "X-Regimegraph-Truncated" not in response.headers
    assert "truncated" not in json.loads(response.data)
    text = "CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s <http://example.org/p> ?o }"
    response = client.get("/sparql", query_string={"query": text, "format": "nt"})
    assert response.headers["X-Regimegraph-Truncated"] == "true"
    assert response.data.startswith(b"# truncated") and response.data.count(b" .\n") == 3


def test_terms_in_json(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={
        "query": 'SELECT ?o WHERE { ?s <http://example.org/p> ?o FILTER(isLiteral(?o) && '
                 'lang(?o) = "en") }'})
    binding = json.loads(response.data)["results"]["bindings"][0]["o"]
    assert binding == {"type": "literal", "value": "four", "xml:lang": "en"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_query_may_hold_any_character(client: FlaskClient, method: str) -> None:
    """Percent-encoded UTF-8, by GET and by form POST (a 500 until session 8)."""
    query = 'SELECT ?x WHERE { BIND("Sant\u00e9 \u2014 \U0001f3e5" AS ?x) }'
    if method == "GET":
        response = client.get("/sparql", query_string={"query": query})
    else:
        response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.data
    value = json.loads(response.data)["results"]["bindings"][0]["x"]["value"]
    assert value == "Sant\u00e9 \u2014 \U0001f3e5"


def test_default_graph_is_the_union_and_graphs_are_named(client: FlaskClient) -> None:
    ask = "ASK { <http://example.org/a> <http://example.org/p> 1 }"
    assert json.loads(client.get("/sparql", query_string={"query": ask}).data)["boolean"]
    by_protocol = client.get("/sparql", query_string={"query": ask, "default-graph-uri": GRAPH})
    assert json.loads(by_protocol.data)["boolean"] is True
    elsewhere = client.get("/sparql", query_string={"query": ask,
                                                    "default-graph-uri": "http://nowhere/"})
    assert json.loads(elsewhere.data)["boolean"] is False


@pytest.mark.parametrize(("kwargs", "status", "words"), [
    ({"method": "PUT", "query_string": {"query": "ASK {}"}}, 405, b"not allowed"),
    ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400,
     b"more than one"),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415, b"Content-Type"),
    ({"method": "POST", "data": "ASK {}"}, 400, b"Content-Type"),
    ({"method": "POST", "data": "ASK {}".encode("utf-16"),
      "content_type": "application/sparql-query"}, 400, b"UTF-8"),
    ({"method": "GET", "query_string": {"query": "SELECT * WHERE {\n ?s ?p }"}}, 400,
     b"line 2, column"),
    ({"method": "POST", "data": "", "content_type": "application/x-www-form-urlencoded"}, 400,
     b"no query"),
    ({"method": "GET", "query_string": "query=ASK+%7B+%3Fs+%3Fp+%22caf%E9%22+%7D"}, 400,
     b"query string is not UTF-8 (percent-encode UTF-8 bytes): query: byte 0xe9"),
    ({"method": "POST", "data": b"query=ASK+{}&format=%FF",
      "content_type": "application/x-www-form-urlencoded"}, 400,
     b"form body is not UTF-8 (percent-encode UTF-8 bytes): format: byte 0xff at 0"),
])
def test_malformed_requests(client: FlaskClient, kwargs: dict[str, object], status: int,
                            words: bytes) -> None:
    response = client.open("/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.data
    assert response.mimetype == "text/plain" and words in response.data
    assert len(response.data.splitlines()) == 1
    if status == 405:
        assert response.headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_cors_list_of_origins(client: FlaskClient) -> None:
    allowed = client.get("/sparql", query_string={"query": "ASK {}"},
                         headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    other = client.get("/sparql", query_string={"query": "ASK {}"},
                       headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_service_description(client: FlaskClient) -> None:
    from rdflib import Graph, Namespace, URIRef

    response = client.get("/sparql", base_url="http://endpoint.example")
    assert response.mimetype == "text/turtle"
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = Graph().parse(data=response.data, format="turtle")
    assert (None, sd.endpoint, URIRef("http://endpoint.example/sparql")) in graph
    assert (None, sd.name, URIRef(GRAPH)) in graph
    void = Namespace("http://rdfs.org/ns/void#")
    assert (None, void.dataDump, URIRef("http://endpoint.example/dumps/regimegraph.nq")) in graph
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"


def test_a_browser_is_sent_to_the_query_page(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": browser})
    assert response.status_code == 303 and response.headers["Location"].endswith("/query")


def test_refusal_reads_strings_and_comments_as_the_parser_does() -> None:
    assert refusal("SELECT ?service { ?service ex:service service:x } # SERVICE") is None
    assert refusal('ASK { ?s ?p "SERVICE <x> {}" }') is None
    assert refusal("PREFIX : <http://x/> BASE <http://y/> ASK { :a :b :c }") is None
    assert refusal("PREFIX : <http://x/>\n# c\nclear all") is not None
    assert refusal("SELECT * {?s?p?o.SERVICE<http://x>{}}") is not None


def test_serve_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["serve", "--data", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    nothing = runner.invoke(main, ["serve", "--no-kb"])
    assert nothing.exit_code == 2 and "--no-kb" in nothing.output
    data = tmp_path / "d.ttl"
    data.write_text(DATA)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(main, ["serve", "--no-kb", "--data", str(data), "--port", str(port)])
    assert busy.exit_code == 2 and "in use" in busy.output
    assert len(busy.output.strip().splitlines()) == 1


def test_the_quick_scan_of_the_prologue_agrees_with_the_full_one() -> None:
    # A query without "service" is scanned only up to its first word after
    # the prologue; a trailing comment that says "service" forces the full
    # scan of the same query, and cannot change its verdict.
    from regimegraph.namespaces import sparql_prologue

    prologue = sparql_prologue()
    queries = Path(__file__).resolve().parents[1] / "queries"
    bodies = [text for path in sorted(queries.glob("*.rq"))
              if "service" not in (text := path.read_text(encoding="utf-8")).lower()]
    bodies += ["INSERT DATA { <a> <b> <c> }", "with <g> delete { ?s ?p ?o } where { ?s ?p ?o }",
               "LOAD <http://x/>", "drop graph <g>", "CLEAR ALL", "ASK {}", "{ ?s ?p ?o }",
               "SELECT ?insert { ?insert ?p ?o }", "", "# only a comment\n"]
    heads = [prologue, "", "BASE <http://b/>\nprefix : <http://x/> # c\n",
             "PREFIX a.b-c: <http://x/> PREFIX \u00e9t\u00e9: <http://y/>\n",
             "PREFIX x:<http://x/>PREFIX y:<http://y/>", "PREFIX 1x: <http://x/>\n"]
    for head in heads:
        for body in bodies:
            text = head + body
            assert "service" not in text.lower()
            assert refusal(text) == refusal(text + "\n# service"), text[-200:]
    assert refusal(prologue + "INSERT DATA { <a> <b> <c> }") is not None
    assert refusal("PREFIX a.b-c: <http://x/>\nCLEAR ALL") is not None


def test_a_keyword_hidden_by_a_less_than_is_still_refused() -> None:
    # The scan reads <'x> as an IRI and what follows as a string; the grammar
    # reads a comparison, then SERVICE. Only a full parse can tell.
    assert refusal("SELECT * { ?s ?p ?a FILTER(?a<'x>') SERVICE <http://h/> { } #'\n}") \
        is not None


def test_a_comment_never_costs_a_full_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    import regimegraph.readonly as readonly

    def parse(_text: str) -> bool:
        raise AssertionError("parsed in full")

    monkeypatch.setattr(readonly, "_parsed_service", parse)
    assert refusal("# Oxfordshire's children's services, 2002-05\nASK { ?s ?p ?o }") is None


@pytest.mark.parametrize("text", [
    "PREFIX x: <" + "a" * 50_000,  # an IRI never closed: the prologue skip gives up
    "SELECT * { ?s ?p <" + "a\\u0041" * 20_000 + " }",
    "ASK { FILTER(?a <" + "b" * 50_000 + ") } # service",  # the full scan, same IRI rule
])
def test_a_long_unclosed_iri_is_scanned_once(text: str) -> None:
    # The IRI rule repeats a run of characters inside a repeat: were the runs
    # not possessive, each extra character would double the backtracking and
    # these would not finish.
    assert refusal(text) is None


def test_a_failure_inside_the_endpoint_is_a_500_in_one_line(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # /sparql runs outside Flask, so Flask's own 500 page does not cover it.
    from regimegraph.web import sparql

    def broken(_app: Flask) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sparql, "runner", broken)
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 500 and response.mimetype == "text/plain"
    assert response.data.count(b"\n") == 1 and b"a bug" not in response.data
    assert "RuntimeError: a bug" in caplog.text


def test_head_answers_the_headers_of_get(client: FlaskClient) -> None:
    got = client.get("/sparql", query_string={"query": "ASK {}", "format": "xml"})
    head = client.head("/sparql", query_string={"query": "ASK {}", "format": "xml"})
    assert head.status_code == got.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(got.data))
