"""How the remote store turns a build into N-Triples lines, digests and a server's spelling.

These run without a server: the remote store holds a build as lines (not
pyoxigraph objects, to fit ten million triples in memory), so the lines must be
exactly the triples, chunk boundaries or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from regimegraph.stores import remote
from regimegraph.stores.remote import (
    MERGED,
    _digest,
    _graph_lines,
    _lines,
    _stored_lines,
    _virtuoso_lines,
)

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _quads() -> list[ox.Quad]:
    quads = []
    for i in range(10):
        for graph in ("a", "b"):
            quads.append(ox.Quad(ox.NamedNode(f"{EX}s{i % 7}"), ox.NamedNode(f"{EX}p"),
                                 ox.Literal(str(i % 7)), ox.NamedNode(f"{EX}g/{graph}")))
    quads.append(ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("in c"),
                         ox.NamedNode(f"{EX}g/c")))
    quads.append(ox.Quad(ox.NamedNode(f"{EX}default"), ox.NamedNode(f"{EX}p"),
                         ox.Literal("the default graph is not the build's"), ox.DefaultGraph()))
    return quads


@pytest.mark.parametrize("chunk", [1, 3, 100_000])
def test_each_graph_is_its_triples_as_lines_whatever_the_chunk(
        monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(remote, "LINES_CHUNK", chunk)
    quads = _quads()

    def once() -> Iterator[ox.Quad]:  # a one-pass iterator, as a parse of the dump is
        yield from quads

    lines = _graph_lines(once())
    assert list(lines) == [f"{EX}g/a", f"{EX}g/b", f"{EX}g/c", MERGED]
    for name in (f"{EX}g/a", f"{EX}g/b", f"{EX}g/c"):
        expected = [q.triple for q in quads if q.graph_name == ox.NamedNode(name)]
        assert lines[name] == _lines(expected)
    merged = [q.triple for q in quads if isinstance(q.graph_name, ox.NamedNode)]
    assert lines[MERGED] == _lines(list(dict.fromkeys(merged)))
    assert len(lines[MERGED]) == 8  # seven subjects' values in a and b, once; c's one


def test_the_dump_cut_line_by_line_gives_the_lines_of_its_parse(tmp_path: Path) -> None:
    """Lines that only look like a quad, blank nodes, the default graph: each as parsed."""
    g = ox.NamedNode(f"{EX}g/a")
    s, p = ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p")
    tricky = [ox.Literal('ends like a quad <http://x/g> .'), ox.Literal("a _:b in a literal"),
              ox.Literal("line\nbreak \u00e9\U0001f600"), ox.Literal("chat", language="fr"),
              ox.Literal("01", datatype=ox.NamedNode(f"{XSD}integer")), ox.NamedNode(f"{EX}o")]
    quads = [ox.Quad(s, p, o, g) for o in tricky]
    quads += [ox.Quad(ox.BlankNode("b1"), p, ox.Literal("blank subject"), g),
              ox.Quad(s, p, ox.BlankNode("b2"), ox.NamedNode(f"{EX}g/b")),
              ox.Quad(s, p, ox.NamedNode(f"{EX}g/a"), ox.DefaultGraph()),  # "S P <O> ."
              ox.Quad(s, p, ox.Literal("a <b>", datatype=ox.NamedNode(f"{EX}t")),
                      ox.DefaultGraph()),  # "S P "a <b>"^^<T> .": its end is no graph
              *_quads()]
    dump = tmp_path / "kb.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    cut = remote._dump_lines(dump)
    parsed = _graph_lines(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    assert list(cut) == list(parsed)
    assert {name: sorted(lines) for name, lines in cut.items()} == \
        {name: sorted(lines) for name, lines in parsed.items()}
    assert f"<{remote.GENID}b1> <{EX}p> \"blank subject\" .".encode() in cut[f"{EX}g/a"]
    assert len(cut[f"{EX}g/a"]) == len(tricky) + 1 + 10


@pytest.mark.parametrize("count", [0, 1, 4, 5, 9])
def test_the_digest_is_the_hash_of_the_sorted_lines_joined(
        monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(remote, "LINES_CHUNK", 4)
    lines = [f"<{EX}s{i}> <{EX}p> \"{i}\" .".encode() for i in reversed(range(count))]
    assert _digest(lines) == hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()
    assert _digest(lines) != _digest([*lines, b"<x:a> <x:b> <x:c> ."])


def _as_a_store_writes_them(lines: list[bytes]) -> set[bytes]:
    store = ox.Store()
    store.load(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    return set(_lines([q.triple for q in store]))


def test_a_line_is_spelt_as_an_oxigraph_store_writes_it_back() -> None:
    lines = _lines([
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}n"),
                  ox.Literal("01", datatype=ox.NamedNode(f"{XSD}integer"))),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}n"),
                  ox.Literal("1", datatype=ox.NamedNode(f"{XSD}integer"))),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}b"),
                  ox.Literal("1", datatype=ox.NamedNode(f"{XSD}boolean"))),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}d"),
                  ox.Literal("2024-01-31", datatype=ox.NamedNode(f"{XSD}date"))),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}l"),
                  ox.Literal("colour", language="en-gb")),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}t"),
                  ox.Literal('a quote "^^<not a datatype> and "@ too')),
        ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}t"), ox.Literal("plain")),
    ])
    stored = _stored_lines(lines)
    assert set(stored) == _as_a_store_writes_them(lines)
    assert len(stored) == len(set(stored)) == len(lines) - 1  # 01 and 1 are one integer
    assert stored[-2:] == lines[-2:], "strings are kept as they are, in order"


def test_lines_no_store_rewrites_are_returned_as_they_are() -> None:
    lines = _lines([ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}d"),
                              ox.Literal("2024-01-31", datatype=ox.NamedNode(f"{XSD}date"))),
                    ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}t"),
                              ox.Literal("plain"))])
    assert _stored_lines(lines) == lines
    assert _stored_lines([]) == []


def test_virtuoso_keeps_the_datatype_and_writes_numbers_and_booleans_by_value() -> None:
    """As Debian's Virtuoso 7.2.5 wrote these back through its Graph Store endpoint."""
    def line(value: str, datatype: str) -> bytes:
        return _lines([ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"),
                                 ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))])[0]

    sent = [("01", "integer"), ("+1", "int"), ("007", "nonNegativeInteger"),
            ("1.50", "decimal"), ("1", "boolean"), ("2024-01", "gYearMonth"),
            ("2024-01-31", "date"), ("3", "positiveInteger")]
    back = [("1", "integer"), ("1", "int"), ("7", "nonNegativeInteger"), ("1.5", "decimal"),
            ("true", "boolean"), ("2024-01", "gYearMonth"), ("2024-01-31", "date"),
            ("3", "positiveInteger")]
    assert _virtuoso_lines([line(*x) for x in sent]) == [line(*x) for x in back]
