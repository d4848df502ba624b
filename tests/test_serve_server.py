"""Served from a SPARQL server: the pages show the build the server holds, as /sparql does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from regimegraph import sources
from regimegraph.config import Settings
from regimegraph.kb import KnowledgeBase, load_into
from regimegraph.namespaces import GRAPH
from regimegraph.stores import StoreUnavailable, parse_spec
from regimegraph.web import create_app, service
from store_servers import Server, oxigraph_server, running

RECORD = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/only-on-the-server> rdfs:label "only on the server" .
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    found = oxigraph_server(tmp_path_factory.mktemp("server"))
    with running(found, "the Oxigraph server (pip install oxigraph)") as started:
        yield started


def test_pages_read_the_servers_build_not_the_local_sources(
        kb: KnowledgeBase, server: Server, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "one.ttl").write_text(RECORD, encoding="utf-8")
    spec = parse_spec(server.store)
    sources.use_option((extra,))
    try:  # the server gets a build the local sources (without --records) do not make
        load_into(spec)
    finally:
        sources.use_option(None)
    app = create_app(Settings(store=server.store, workers=1))
    dump = service(app).dump
    graph = ox.NamedNode(str(GRAPH["local/extra/one"]))
    served = list(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    assert any(q.graph_name == graph for q in served)
    assert not any(q.graph_name == graph
                   for q in ox.parse(path=str(kb.dump), format=ox.RdfFormat.N_QUADS))
    subject = ox.NamedNode("https://example.org/only-on-the-server")
    assert any(True for _ in service(app).store.quads_for_pattern(subject, None, None, graph))
    downloads = app.test_client().get("/downloads")
    assert downloads.status_code == 200
    assert f"({round(dump.stat().st_size / 1024)} KiB)".encode() in downloads.data


def test_a_server_that_is_down_at_start_is_a_clear_error(tmp_path: Path) -> None:
    from store_servers import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreUnavailable, match=re.escape(url.removesuffix("/query"))):
        create_app(Settings(store=url, workers=1))
