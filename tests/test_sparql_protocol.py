"""The W3C SPARQL 1.1 Protocol and Service Description tests, run against `/sparql`.

Each mf:ProtocolTest's graphs (ut:graphData, named by their rdfs:label) are
written as N-Quads files and served like `regimegraph serve --no-kb --data
FILE...`, by the real app under waitress on 127.0.0.1; each ht:Request is
replayed with http.client, which sends exactly the manifest's headers (the
negative tests depend on a missing or wrong Content-Type). The endpoint is
read-only, so the seven update tests are not applicable and are skipped by
name; the seven malformed-update tests apply (each must be refused with 4xx).
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from regimegraph.config import Settings
from regimegraph.web import create_app
from regimegraph.web.server import Background

SUITE = Path(__file__).parent / "w3c" / "sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

NOT_APPLICABLE = {
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri",
}
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml",
            "application/ld+json"},
}


def _manifest(folder: str) -> tuple[Graph, list[URIRef]]:
    path = SUITE / folder / "manifest.ttl"
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return graph, [URIRef(str(e)) for e in entries]


PROTOCOL, PROTOCOL_TESTS = _manifest("protocol")
SD_GRAPH, SD_TESTS = _manifest("service-description")


def _name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[1]


def test_the_suites_are_complete() -> None:
    assert len(PROTOCOL_TESTS) == 34
    assert all((t, RDF.type, MF.ProtocolTest) in PROTOCOL for t in PROTOCOL_TESTS)
    assert {_name(t) for t in PROTOCOL_TESTS} >= NOT_APPLICABLE
    assert len(PROTOCOL_TESTS) - len(NOT_APPLICABLE) == 27
    assert len(SD_TESTS) == 3


def _graph_data(test: URIRef) -> frozenset[tuple[str, str]]:
    """(file name, graph IRI) for each graph the test loads first."""
    found = set()
    for node in PROTOCOL.objects(test, UT.graphData):
        path = Path(str(PROTOCOL.value(node, UT.graph)).removeprefix("file://"))
        found.add((path.name, str(PROTOCOL.value(node, RDFS.label))))
    return frozenset(found)


class Servers:
    """One server per distinct set of preloaded graphs (three in this suite)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[frozenset[tuple[str, str]], Background] = {}

    def get(self, data: frozenset[tuple[str, str]]) -> Background:
        if data not in self.running:
            target = self.folder / f"dataset-{len(self.running)}.nq"
            lines = []
            for file_name, graph in sorted(data):
                for line in (SUITE / "protocol" / file_name).read_text().splitlines():
                    if line.strip():
                        lines.append(line.rstrip().removesuffix(".").rstrip() + f" <{graph}> .")
            target.write_text("\n".join(lines) + "\n")
            settings = Settings(include_kb=False, data_files=(target,), workers=1,
                                query_timeout=10)
            self.running[data] = Background(create_app(settings))
        return self.running[data]

    def close(self) -> None:
        for server in self.running.values():
            server.close()


@pytest.fixture(scope="module")
def servers(kb_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("sparql-protocol"))
    yield running
    running.close()


def _send(port: int, method: str, path: str, headers: list[tuple[str, str]],
          body: bytes | None) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def _boolean(content_type: str, body: bytes) -> bool:
    if "json" in content_type:
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None and element.text is not None
    return element.text.strip() == "true"


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=_name)
def test_protocol(test: URIRef, servers: Servers) -> None:
    name = _name(test)
    if name in NOT_APPLICABLE:
        pytest.skip(f"{name}: SPARQL Update test, not applicable to a read-only endpoint")
    server = servers.get(_graph_data(test))
    action = PROTOCOL.value(test, MF.action)
    for request in Collection(PROTOCOL, PROTOCOL.value(action, HT.requests)):
        path = str(PROTOCOL.value(request, HT.absolutePath))
        assert path.startswith("/sparql/")
        path = "/sparql" + path.removeprefix("/sparql/")
        if not path.startswith("/sparql?"):
            path = "/sparql"
        headers_node = PROTOCOL.value(request, HT.headers)
        headers = [(str(PROTOCOL.value(h, HT.fieldName)), str(PROTOCOL.value(h, HT.fieldValue)))
                   for h in (Collection(PROTOCOL, headers_node) if headers_node else [])]
        body_node = PROTOCOL.value(request, HT.body)
        body = None
        if body_node is not None:
            encoding = str(PROTOCOL.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(PROTOCOL.value(body_node, CNT.chars)).encode(encoding)
        method = str(PROTOCOL.value(request, HT.methodName))
        status, content_type, payload = _send(server.port, method, path, headers, body)
        response = PROTOCOL.value(request, HT.resp)
        classes = {int(str(s).removeprefix(HTS)[0])
                   for s in PROTOCOL.objects(response, MF.expectedStatus)}
        assert status // 100 in classes, (status, payload[:300])
        if status // 100 == 4:
            assert content_type.startswith("text/plain") and payload.strip()
        expected_format = PROTOCOL.value(response, MF.expectedFormat)
        if expected_format is not None:
            media = content_type.split(";")[0].strip()
            assert media in FORMATS[str(expected_format)], content_type
        expected_boolean = PROTOCOL.value(response, MF.expectedBoolean)
        if expected_boolean is not None:
            assert isinstance(expected_boolean, Literal)
            assert _boolean(content_type, payload) is expected_boolean.toPython()


@pytest.mark.parametrize("test", SD_TESTS, ids=_name)
def test_service_description(test: URIRef, servers: Servers) -> None:
    server = servers.get(_graph_data(PROTOCOL_TESTS[5]))  # three named graphs
    status, content_type, payload = _send(server.port, "GET", "/sparql", [], None)
    assert status == 200
    media = content_type.split(";")[0]
    assert media in FORMATS["RDF"]
    endpoint = f"http://127.0.0.1:{server.port}/sparql"
    graph = Graph().parse(data=payload, format=media, publicID=endpoint)
    name = _name(test)
    if name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(endpoint)) in graph
    elif name == "conforms-to-schema":
        service = next(graph.subjects(SD.endpoint, URIRef(endpoint)))
        assert (service, RDF.type, SD.Service) in graph
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
        named = list(graph.subjects(RDF.type, SD.NamedGraph))
        assert len(named) == 3
        assert all(graph.value(n, SD.name) is not None for n in named)
    else:
        assert name == "returns-rdf"
        assert len(graph) > 0
