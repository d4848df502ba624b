"""Reading a build back from a SPARQL server: every triple of a graph larger than a page.

`check` with no path and `serve`'s pages read the whole build from the
server. Virtuoso refuses a sorted page past its 10,000th row (SR353) and may
cut an unsorted answer at its result limit without saying so; so a graph
larger than a page is read through the Graph Store endpoint, or in parts by
hash without one, and every graph is checked against its count.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import store_servers
from regimegraph import sources
from regimegraph.kb import KnowledgeBase, load_into
from regimegraph.namespaces import GRAPH
from regimegraph.stores import parse_spec, remote
from regimegraph.stores.remote import PAGE, RemoteStore
from store_servers import Server, numbered_records

server = store_servers.server  # each test runs against both servers

SIZE = PAGE + 2_345


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return numbered_records(tmp_path_factory.mktemp("big") / "big", SIZE, file="many.nt",
                            subject="https://example.org/s/", value="value")


def _loaded(server: Server, big: Path) -> None:
    sources.use_option((big,))
    try:
        load_into(parse_spec(server.store))
    finally:
        sources.use_option(None)


def _big_graph(quads: list[ox.Quad]) -> set[ox.Triple]:
    name = ox.NamedNode(str(GRAPH["local/big/many"]))
    return {q.triple for q in quads if q.graph_name == name}


def test_a_graph_larger_than_a_page_is_read_whole(kb: KnowledgeBase, server: Server,
                                                  big: Path) -> None:
    _loaded(server, big)
    read = _big_graph(RemoteStore(parse_spec(server.store)).quads())
    assert len(read) == SIZE
    assert ox.Triple(ox.NamedNode("https://example.org/s/10999"),
                     ox.NamedNode("https://example.org/p"), ox.Literal("value 10999")) in read


def test_without_a_graph_store_endpoint_it_reads_in_parts_pages_or_says_why_not(
        kb: KnowledgeBase, server: Server, big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _loaded(server, big)
    store = RemoteStore(parse_spec(server.store + "#gsp=none"))
    assert len(_big_graph(store.quads())) == SIZE  # in parts, by hash
    monkeypatch.setattr(remote, "MAX_PARTS", 1)  # no parts: sorted pages
    if "oxigraph" in server.name.lower():
        assert len(_big_graph(store.quads())) == SIZE
    else:  # Virtuoso refuses the page past 10,000 sorted rows: an error, never fewer triples
        from regimegraph.stores import StoreRefused

        with pytest.raises(StoreRefused):
            store.quads()
