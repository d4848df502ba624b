"""Atomic builds into a SPARQL server that write only what changed (issue #5).

A build is staged, then switched in one update request, then its staging
graphs are dropped. These tests stop a build at each point in between (by
making the next step raise, as a client killed there would leave the server)
and check what readers get, and that the next build cleans up: no staging
graph and no graph outside the build is left behind. On the Oxigraph server
only the difference of a changed graph is staged, and the switch's figures say
so; a manifest written by the previous version (no digests) is still read and
replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

import store_servers
from regimegraph import sources
from regimegraph.kb import load_into
from regimegraph.stores import parse_spec
from regimegraph.stores import remote as remote_module
from regimegraph.stores.base import StoreRefused, StoreUnavailable
from regimegraph.stores.remote import (
    DIGEST,
    MANIFEST,
    MARKS_START,
    MERGED,
    PENDING,
    STAGING,
    RemoteStore,
)
from store_servers import Server, numbered_records

server = store_servers.server  # each test runs against both servers

EXAMPLE = "https://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Stop(Exception):
    """Raised where the client is "killed"."""


def _records(folder: Path, numbers: range, extra: bool = False) -> Path:
    """A record folder: one graph of `numbers`' triples, and an extra graph if asked."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.nt"):
        old.unlink()
    (folder / "items.nt").write_text(
        "".join(f'<{EXAMPLE}s/{i}> <{EXAMPLE}p> "item {i}" .\n' for i in numbers),
        encoding="utf-8")
    if extra:
        (folder / "extra.nt").write_text(f'<{EXAMPLE}x> <{EXAMPLE}p> "extra" .\n',
                                         encoding="utf-8")
    return folder


def _build(server: Server, folder: Path, said: list[str] | None = None,
           options: str = "") -> set[str]:
    """Load the build with this record folder into the server: its quads, as the cache has them."""
    sources.use_option((folder,))
    try:
        kb, _written = load_into(parse_spec(server.store + options), reload=True,
                                 progress=said.append if said is not None else None)
    finally:
        sources.use_option(None)
    assert kb.dump is not None
    return _canonical(ox.parse(path=str(kb.dump), format=ox.RdfFormat.N_QUADS))


def _switching(said: list[str]) -> str:
    """A build's one "switching: N triples deleted and M added; ..." progress line."""
    switching = [line for line in said if line.startswith("switching: ")]
    assert len(switching) == 1, said
    return switching[0]


def _canonical(quads: Iterable[ox.Quad]) -> set[str]:
    """Named-graph quads as strings, each literal as a store writes it ("01" is "1")."""
    store = ox.Store()
    store.extend(q for q in quads if isinstance(q.graph_name, ox.NamedNode))
    return {str(q) for q in store}


def _held(server: Server) -> set[str]:
    """The quads of the build's named graphs, as the server answers them."""
    return _canonical(RemoteStore(parse_spec(server.store)).quads())


def _merged_is_the_merge(server: Server, quads: set[str]) -> None:
    remote = RemoteStore(parse_spec(server.store))
    triples = {str(q.triple) for q in ox.parse("\n".join(f"{q} ." for q in quads),
                                               format=ox.RdfFormat.N_QUADS)}
    rows = remote._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{MERGED}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"].value) == len(triples)
    answer = remote.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EXAMPLE}p> ?o }}")
    assert isinstance(answer, ox.QuerySolutions)
    count = next(iter(answer))["n"]
    assert count is not None
    assert int(count.value) == sum(f"<{EXAMPLE}p>" in t for t in triples)


def _graphs_on_server(server: Server) -> set[str]:
    """Every graph on the server in the build's namespace (the builds' own and any leftover)."""
    remote = RemoteStore(parse_spec(server.store))
    prefix = MERGED.rsplit("/", 2)[0] + "/"
    rows = remote._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
    return {row["g"].value for row in rows}


def _expected_graphs(server: Server) -> set[str]:
    remote = RemoteStore(parse_spec(server.store))
    return {*(remote.graphs(fresh=True) or []), MERGED, MANIFEST}


def _staging(server: Server) -> set[str]:
    return {g for g in _graphs_on_server(server) if g.startswith(STAGING)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "records"


def test_a_build_stopped_before_the_switch_leaves_the_old_answers(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _build(server, _records(folder, range(2_000)))
    assert _held(server) == old

    def killed(self: RemoteStore, *args: object) -> None:
        raise Stop

    monkeypatch.setattr(RemoteStore, "_switch", killed)
    with pytest.raises(Stop):
        _build(server, _records(folder, range(1_000, 3_000), extra=True))
    monkeypatch.undo()
    assert _staging(server), "the build was stopped after staging"
    assert _held(server) == old
    _merged_is_the_merge(server, old)
    # The new build's extra graph was written in place, and no reader sees it before the switch.
    extra = [g for g in _graphs_on_server(server) if g.endswith("/extra")]
    assert extra
    seen = RemoteStore(parse_spec(server.store)).query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(seen, ox.QuerySolutions)
    names = {row["g"].value for row in seen if row["g"] is not None}
    assert names and not names & set(extra)
    new = _build(server, folder)
    assert _held(server) == new != old
    _merged_is_the_merge(server, new)
    assert _graphs_on_server(server) == _expected_graphs(server), "the next build cleans up"


def test_staging_graphs_are_looked_for_only_where_a_build_may_have_left_some(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking for them reads every quad on Virtuoso (33 s at 10M): only after a build stopped.

    The Oxigraph server lists its graphs without reading them, so it is
    always asked. Elsewhere: a build marks its start in PENDING and drops
    PENDING as it ends; a manifest of an earlier version, which did not mark
    it, is looked through once.
    """
    everywhere = server.name == "the Oxigraph server"
    _build(server, _records(folder, range(100)))
    looked: list[bool] = []
    drop_staging = RemoteStore._drop_staging

    def spy(self: RemoteStore) -> None:
        looked.append(True)
        drop_staging(self)

    monkeypatch.setattr(RemoteStore, "_drop_staging", spy)
    _build(server, _records(folder, range(5, 105)))
    assert looked == ([True] if everywhere else []), "the last build finished"
    remote = RemoteStore(parse_spec(server.store))
    remote.update(f"DELETE WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{MARKS_START}> ?o }} }}")
    looked.clear()
    _build(server, _records(folder, range(10, 110)))
    assert looked == [True], "a manifest of an earlier version"
    looked.clear()
    _build(server, _records(folder, range(15, 115)))
    assert looked == ([True] if everywhere else []), "the manifest says so again"

    def killed(self: RemoteStore, *args: object) -> None:
        raise Stop

    with monkeypatch.context() as stopped:
        stopped.setattr(RemoteStore, "_switch", killed)
        with pytest.raises(Stop):
            _build(server, _records(folder, range(20, 120)))
    assert _staging(server), "the build was stopped after staging"
    looked.clear()
    new = _build(server, folder)
    assert looked == [True]
    assert _held(server) == new
    assert _graphs_on_server(server) == _expected_graphs(server), "the next build cleans up"


def test_a_build_stopped_after_the_switch_leaves_the_new_answers(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after the switch, before the staging graphs and the graph gone are dropped."""
    _build(server, _records(folder, range(2_000), extra=True))
    switch = RemoteStore._switch

    def switch_then_stop(self: RemoteStore, *args: object) -> None:
        switch(self, *args)  # type: ignore[arg-type]
        raise Stop

    monkeypatch.setattr(RemoteStore, "_switch", switch_then_stop)
    with pytest.raises(Stop):
        _build(server, _records(folder, range(500, 2_500)))  # the extra graph is gone
    monkeypatch.undo()
    new = _build_quads(server, folder)
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    left = _graphs_on_server(server) - _expected_graphs(server)
    assert any(g.endswith("/extra") for g in left), left
    assert _build(server, folder) == new
    assert _held(server) == new
    assert _graphs_on_server(server) == _expected_graphs(server), "the next build cleans up"


def test_a_failure_after_the_switch_is_told_and_the_next_build_drops_what_is_left(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new build is live once switched: a server timing out on the drops after is no error."""
    _build(server, _records(folder, range(2_000), extra=True))
    update = RemoteStore.update

    def times_out_on_the_graph_gone(self: RemoteStore, text: str) -> None:
        first = text.split("\n", 1)[0]  # DROP, or DELETE DATA of its triples (Oxigraph)
        if first.startswith(("DROP SILENT GRAPH <", "DELETE DATA { GRAPH <")) and \
                first.rstrip(" {").endswith("/extra>"):
            raise StoreUnavailable("the server is not answering: timed out (a test)")
        update(self, text)

    monkeypatch.setattr(RemoteStore, "update", times_out_on_the_graph_gone)
    said: list[str] = []
    new = _build(server, _records(folder, range(500, 2_500)), said)  # the extra graph is gone
    monkeypatch.undo()
    told = "the new build is live, but dropping the previous one's graphs did not finish"
    assert any(line.startswith(f"{told} (the server is not answering") for line in said), said
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    left = _graphs_on_server(server) - _expected_graphs(server)
    assert any(g.endswith("/extra") for g in left) and PENDING in left, left
    said.clear()
    assert _build(server, folder, said) == new
    assert any(line.endswith("/extra, left by a build that did not finish") for line in said), said
    assert _graphs_on_server(server) == _expected_graphs(server), "the next build cleans up"


def _build_quads(server: Server, folder: Path) -> set[str]:
    """The quads of the build of this folder, from the cache, without writing the server."""
    from regimegraph.kb import cached_build

    sources.use_option((folder,))
    try:
        dump, _info = cached_build()
    finally:
        sources.use_option(None)
    return _canonical(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("options", ["", "#gsp=none"])
def test_rebuilds_leave_no_orphan_graph_and_write_only_what_changed(
        kb_cache: Path, server: Server, folder: Path, options: str) -> None:
    """Without a Graph Store endpoint, Oxigraph's graphs are read by CONSTRUCT instead."""
    first = _build(server, _records(folder, range(2_000), extra=True), options=options)
    said: list[str] = []
    second = _build(server, _records(folder, range(10, 2_010)), said, options)  # 10 out, 10 in
    assert _held(server) == second != first
    _merged_is_the_merge(server, second)
    assert _graphs_on_server(server) == _expected_graphs(server)
    extra = [g for g in RemoteStore(parse_spec(server.store)).graphs(fresh=True) or []
             if g.endswith("/extra")]
    assert not extra
    # items: 10 triples out and 10 in; merged: the same and the extra triple out;
    # the extra graph is dropped after the switch. The rest of the build is not written.
    assert _switching(said) == ("switching: 21 triples deleted and 20 added; graphs replaced "
                                "whole: 0, new: 0, dropped after: 1"), said
    said.clear()
    assert _build(server, folder, said, options) == second
    assert any(line.startswith("0 graphs changed (0 new, 0 gone)") for line in said), said
    assert _held(server) == second
    assert _graphs_on_server(server) == _expected_graphs(server)


def test_a_first_load_stopped_midway_is_cleaned_up_by_the_next(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remote = RemoteStore(parse_spec(server.store))
    names = [*(remote.graphs(fresh=True) or []), MERGED, MANIFEST]
    remote.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names))
    stage = RemoteStore._stage

    def stage_then_stop(self: RemoteStore, graph: str, *args: object) -> None:
        stage(self, graph, *args)  # type: ignore[arg-type]
        if graph.endswith("/extra"):
            raise Stop

    monkeypatch.setattr(RemoteStore, "_stage", stage_then_stop)
    with pytest.raises(Stop):
        _build(server, _records(folder, range(2_000), extra=True))
    monkeypatch.undo()
    assert remote.graphs(fresh=True) is None, "no manifest: the store holds no build"
    left = _graphs_on_server(server)
    assert PENDING in left
    assert any(g.endswith("/extra") for g in left), "the build was stopped after writing it"
    new = _build(server, _records(folder, range(2_000)))  # without the extra graph
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    assert _graphs_on_server(server) == _expected_graphs(server)


def test_a_build_of_the_previous_version_is_read_and_replaced(
        kb_cache: Path, server: Server, folder: Path) -> None:
    """A manifest without digests (as the previous version wrote) is read, then rewritten."""
    old = _build(server, _records(folder, range(2_000)))
    remote = RemoteStore(parse_spec(server.store))
    remote.update(f"DELETE WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{DIGEST}> ?o }} }}")
    assert not remote._digests()
    assert _held(server) == old
    new = _build(server, _records(folder, range(5, 2_005)))
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    assert remote._digests(), "the new manifest has its digests"
    assert _graphs_on_server(server) == _expected_graphs(server)


def test_the_merged_graph_keeps_what_another_graph_holds_whatever_the_spelling(
        kb_cache: Path, server: Server, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The merged graph's difference is derived from the other graphs', never read.

    Here no line the server writes back is spelt as the build's (a space is
    added to each), the worst a server's literals can do: every triple left
    the changed graph and the graph gone, by their lines, so the switch must
    put back those that the unchanged graph still holds.
    """
    shared = [f'<{EXAMPLE}shared/{i}> <{EXAMPLE}p> "shared {i}" .\n' for i in range(30)]
    folder.mkdir()
    (folder / "kept.nt").write_text("".join(shared), encoding="utf-8")
    (folder / "gone.nt").write_text("".join(shared[:10]), encoding="utf-8")
    (folder / "items.nt").write_text("".join(shared[10:]) + "".join(
        f'<{EXAMPLE}s/{i}> <{EXAMPLE}p> "item {i}" .\n' for i in range(100)), encoding="utf-8")
    _build(server, folder)
    read = RemoteStore._current
    read_back: list[str] = []

    def current(self: RemoteStore, graph: str) -> set[bytes] | None:
        read_back.append(graph)
        return read(self, graph)

    monkeypatch.setattr(RemoteStore, "_current", current)
    for product in remote_module._SPELLING:
        monkeypatch.setitem(remote_module._SPELLING, product,
                            lambda lines: [line + b" " for line in lines])
    (folder / "gone.nt").unlink()
    (folder / "items.nt").write_text("".join(
        f'<{EXAMPLE}s/{i}> <{EXAMPLE}p> "item {i}" .\n' for i in range(50, 150)),
        encoding="utf-8")
    said: list[str] = []
    new = _build(server, folder, said)
    assert MERGED not in read_back, read_back
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    assert _graphs_on_server(server) == _expected_graphs(server)


def test_a_renamed_folder_adds_to_the_merged_graph_only_what_is_new(
        kb_cache: Path, server: Server, tmp_path: Path) -> None:
    """New graph names, the same triples and one more: the merged graph gains that one.

    Among them literals each server writes back otherwise ("01"^^xsd:integer
    as "1"): the new graph's lines are compared as the server will spell
    them, not as the build does.
    """
    text = "".join(f'<{EXAMPLE}s/{i}> <{EXAMPLE}p> {value} .\n' for i, value in enumerate([
        f'"01"^^<{XSD}integer>', f'"007"^^<{XSD}nonNegativeInteger>', f'"1.50"^^<{XSD}decimal>',
        f'"1"^^<{XSD}boolean>', f'"+3"^^<{XSD}int>', f'"2024-01"^^<{XSD}gYearMonth>']))
    before = tmp_path / "before"
    before.mkdir()
    (before / "items.nt").write_text(text, encoding="utf-8")
    _build(server, before)
    after = tmp_path / "after"
    after.mkdir()
    (after / "items.nt").write_text(text + f'<{EXAMPLE}s/new> <{EXAMPLE}p> "new" .\n',
                                    encoding="utf-8")
    said: list[str] = []
    new = _build(server, after, said)
    assert _switching(said).startswith("switching: 0 triples deleted and 1 added; graphs "
                                       "replaced whole: 0, new: 1, dropped after: 1"), said
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    assert _graphs_on_server(server) == _expected_graphs(server)


def test_a_triple_another_graph_holds_stays_in_the_merged_graph_as_the_server_spells_it(
        kb_cache: Path, server: Server, tmp_path: Path) -> None:
    """Deleted from one graph as the server spells it ("1"), still in another as written ("01").

    The merged graph keeps it without deleting and restoring it: the
    merged lines of the same subject and predicate are compared as the
    server spells them.
    """
    shared = f'<{EXAMPLE}s/shared> <{EXAMPLE}p> "01"^^<{XSD}integer> .\n'
    items = "".join(f'<{EXAMPLE}s/{i}> <{EXAMPLE}p> "item {i}" .\n' for i in range(10))
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.nt").write_text(shared + items, encoding="utf-8")
    (folder / "b.nt").write_text(shared, encoding="utf-8")
    _build(server, folder)
    (folder / "a.nt").write_text(items + f'<{EXAMPLE}s/new> <{EXAMPLE}p> "new" .\n',
                                 encoding="utf-8")  # so that the merged graph changes too
    said: list[str] = []
    new = _build(server, folder, said)
    # a.nt: the shared triple out, the new one in; the merged graph: the new one in
    assert _switching(said).startswith("switching: 1 triples deleted and 2 added; graphs "
                                       "replaced whole: 0, new: 0, dropped after: 0"), said
    assert _held(server) == new
    _merged_is_the_merge(server, new)


def test_blank_nodes_leave_the_graphs_they_left(
        kb_cache: Path, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed graph and a graph gone, with blank nodes: the server holds the new build.

    No request can name a blank node, so the build writes each as a Skolem
    IRI, compared and deleted like any IRI, and read back as a blank node.
    Anonymous blank nodes get new labels at each parse: the edit replaces
    them all. A graph gone is emptied on the Oxigraph server (whose DROP GRAPH
    is half as fast) by DELETE DATA of the triples read from it, in parts,
    then dropped; never with a line that looks like a blank node.
    """
    monkeypatch.setattr(remote_module, "DELETE_CHUNK", 7)
    ex = EXAMPLE

    def turtle(first: int) -> str:
        items = "".join(f'<{ex}s/{i}> <{ex}p> "item {i}" .\n' for i in range(first, first + 20))
        return (f'{items}<{ex}t> <{ex}p> "01"^^<http://www.w3.org/2001/XMLSchema#integer>, '
                f'"chat"@fr, "not a _:node", [ <{ex}q> "nested" ; <{ex}r> [ <{ex}q> "deep" ] ] .\n'
                f'_:named <{ex}q> "labelled" .\n')

    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "items.ttl").write_text(turtle(0), encoding="utf-8")
    _build(server, folder)
    (folder / "items.ttl").write_text(turtle(5), encoding="utf-8")
    (folder / "other.nt").write_text(f'<{ex}o> <{ex}p> "other" .\n', encoding="utf-8")
    edited = _build(server, folder)
    assert _held(server) == edited
    _merged_is_the_merge(server, edited)
    assert _graphs_on_server(server) == _expected_graphs(server)
    remote = RemoteStore(parse_spec(server.store))
    answer = remote.query(f"SELECT ?b ?v WHERE {{ ?b <{ex}q> ?v }} ORDER BY ?v")
    assert isinstance(answer, ox.QuerySolutions)
    rows = [(row["b"], row["v"]) for row in answer]
    assert [v.value for _b, v in rows] == ["deep", "labelled", "nested"]  # type: ignore[union-attr]
    assert all(isinstance(b, ox.BlankNode) for b, _v in rows), rows
    (folder / "items.ttl").unlink()
    sent: list[str] = []
    update = RemoteStore.update

    def spy(self: RemoteStore, text: str) -> None:
        sent.append(text)
        update(self, text)

    monkeypatch.setattr(RemoteStore, "update", spy)
    new = _build(server, folder)
    assert _held(server) == new
    _merged_is_the_merge(server, new)
    assert _graphs_on_server(server) == _expected_graphs(server)
    parts = [text for text in sent if text.startswith("DELETE DATA")]
    if server.name == "the Oxigraph server":
        assert len(parts) == 4, parts  # 26 triples, of which 25 without "_:", 7 a part
        assert not any("_:" in text for text in parts), parts
    else:  # Virtuoso drops a graph of a million triples in 2.5 s
        assert not parts


def test_virtuoso_with_its_default_limits(kb_cache: Path, tmp_path: Path) -> None:
    """Virtuoso as installed: answers cut at 10,000 rows, and a small transaction log.

    A rebuild reads only the graphs that changed; one past the result limit
    is read in parts, by hash, so only its difference is written. A switch
    that still writes more than TransactionAfterImageLimit is refused: the
    error says which setting to raise, and the previous build stays live.
    """
    found = store_servers.virtuoso_server(tmp_path, {
        "ResultSetMaxRows": "10000", "TransactionAfterImageLimit": "2000000"})
    with store_servers.running(found, "Virtuoso") as virtuoso:
        folder = tmp_path / "records"
        numbered_records(folder, 25_000, file="large.nt", subject=f"{EXAMPLE}large/",
                         value="large")
        (folder / "small.nt").write_text(f'<{EXAMPLE}small> <{EXAMPLE}p> "1" .\n')
        _build(virtuoso, folder)
        (folder / "small.nt").write_text(f'<{EXAMPLE}small> <{EXAMPLE}p> "2" .\n')
        said: list[str] = []
        _build(virtuoso, folder, said)
        assert _switching(said).startswith("switching: 2 triples deleted and 2 added; graphs "
                                           "replaced whole: 0"), said
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "2"') == 1
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "1"') == 0

        large = folder / "large.nt"
        large.write_text(large.read_text().replace('"large 7"', '"large seven"'))
        said.clear()
        _build(virtuoso, folder, said)  # 25,000 triples: read in parts, not replaced whole
        assert _switching(said).startswith("switching: 2 triples deleted and 2 added; graphs "
                                           "replaced whole: 0"), said
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "large seven"') == 1
        assert _count(virtuoso, f"?s <{EXAMPLE}p> ?o") == 25_001

        numbered_records(tmp_path / "edited", 25_000, file="large.nt",
                         subject=f"{EXAMPLE}large/", value="edited")
        large.write_bytes((tmp_path / "edited" / "large.nt").read_bytes())
        with pytest.raises(StoreRefused) as refused:  # 100,000 triples through the switch
            _build(virtuoso, folder)
        message = str(refused.value)
        assert "TransactionAfterImageLimit" in message and "previous build is still live" in message
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "2"') == 1
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "large seven"') == 1
        assert _count(virtuoso, f"?s <{EXAMPLE}p> ?o") == 25_001


def test_a_graph_the_graph_store_will_not_give_is_read_in_parts(
        kb_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso refuses a Graph Store GET of more than a million triples (FRVEC): read by hash."""
    found = store_servers.virtuoso_server(tmp_path)
    with store_servers.running(found, "Virtuoso") as virtuoso:
        folder = tmp_path / "records"
        numbered_records(folder, 25_000, file="large.nt", subject=f"{EXAMPLE}large/",
                         value="large")
        _build(virtuoso, folder)
        monkeypatch.setattr(RemoteStore, "_whole_graph", lambda self, name: None)
        hashed = RemoteStore._hashed
        parts: list[int] = []

        def counted(self: RemoteStore, name: str, count: int, limit: int) -> object:
            parts.append(limit)
            return hashed(self, name, count, limit)

        monkeypatch.setattr(RemoteStore, "_hashed", counted)
        large = folder / "large.nt"
        large.write_text(large.read_text().replace('"large 7"', '"large seven"'))
        said: list[str] = []
        _build(virtuoso, folder, said)
        assert parts == [remote_module.ANSWER_ROWS], parts
        assert _switching(said).startswith("switching: 2 triples deleted and 2 added; graphs "
                                           "replaced whole: 0"), said
        assert _count(virtuoso, f'?s <{EXAMPLE}p> "large seven"') == 1
        assert _count(virtuoso, f"?s <{EXAMPLE}p> ?o") == 25_000


def _count(server: Server, pattern: str) -> int:
    """How many solutions a pattern has in the build's default graph (the merged graph)."""
    answer = RemoteStore(parse_spec(server.store)).query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    assert isinstance(answer, ox.QuerySolutions)
    value = next(iter(answer))["n"]
    assert value is not None
    return int(value.value)
