"""Read-only SPARQL: results render in every format, bad queries fail clearly."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from regimegraph.errors import QueryError, UsageError
from regimegraph.query import compact, execute, render
from regimegraph.store import merge_into_default_graph

RG = "https://w3id.org/regimegraph/def#"


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    council = ox.NamedNode("https://w3id.org/regimegraph/id/council/E10000025")
    for graph in ("https://w3id.org/regimegraph/graph/a", "https://w3id.org/regimegraph/graph/b"):
        store.add(
            ox.Quad(
                council, ox.NamedNode(RG + "gssCode"), ox.Literal("E10000025"), ox.NamedNode(graph)
            )
        )
    store.add(
        ox.Quad(
            council,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("Oxfordshire County Council", language="en"),
            ox.NamedNode("https://w3id.org/regimegraph/graph/a"),
        )
    )
    merge_into_default_graph(store)
    return store


def test_default_graph_is_the_union_and_prefixes_are_predeclared(store: ox.Store) -> None:
    out = render(
        execute(store, "SELECT ?c WHERE { ?c rg:gssCode ?code ; rdfs:label ?l }"), "table"
    ).decode()
    assert out.splitlines() == ["c", "-" * len("council:E10000025"), "council:E10000025", "(1 row)"]


def test_csv_tsv_and_json_results(store: ox.Store) -> None:
    q = "SELECT ?code WHERE { ?c rg:gssCode ?code }"
    rows = list(csv.reader(io.StringIO(render(execute(store, q), "csv").decode())))
    assert rows == [["code"], ["E10000025"]]
    assert render(execute(store, q), "tsv").decode().splitlines()[1] == '"E10000025"'
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c rg:gssCode ?code }"
    assert render(execute(store, count), "csv").decode().splitlines()[1] == "1"
    graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c rg:gssCode ?code } }"
    assert render(execute(store, graphs), "csv").decode().splitlines()[1] == "2"
    data = json.loads(render(execute(store, q), "json"))
    assert data["results"]["bindings"] == [{"code": {"type": "literal", "value": "E10000025"}}]


def test_ask_in_every_tabular_format(store: ox.Store) -> None:
    assert render(execute(store, "ASK { ?c rg:gssCode 'E10000025' }"), "table") == b"true\n"
    assert json.loads(render(execute(store, "ASK { ?c rg:gssCode 'x' }"), "json")) == {
        "head": {},
        "boolean": False,
    }
    assert b"<boolean>true</boolean>" in render(execute(store, "ASK {}"), "xml")


def test_construct_renders_turtle_with_project_prefixes(store: ox.Store) -> None:
    out = render(
        execute(store, "CONSTRUCT { ?c rg:gssCode ?g } WHERE { ?c rg:gssCode ?g }"), "turtle"
    ).decode()
    assert "council:E10000025 rg:gssCode" in out
    nt = render(execute(store, "CONSTRUCT WHERE { ?c rg:gssCode ?g }"), "nt").decode()
    assert nt.strip().endswith('"E10000025" .')


def test_wrong_format_for_the_query_form(store: ox.Store) -> None:
    with pytest.raises(UsageError, match="--format turtle is for CONSTRUCT"):
        render(execute(store, "SELECT * WHERE { ?s ?p ?o }"), "turtle")
    with pytest.raises(UsageError, match="--format csv is for SELECT"):
        render(execute(store, "CONSTRUCT WHERE { ?s ?p ?o }"), "csv")


def test_syntax_error_gives_line_and_column(store: ox.Store) -> None:
    with pytest.raises(QueryError, match=r"SPARQL syntax error at line 2, column \d+"):
        execute(store, "SELECT *\nWHERE { ?s ?p }")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }",
        "PREFIX ex: <http://ex/>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <file:///etc/passwd>",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused(store: ox.Store, text: str) -> None:
    with pytest.raises(QueryError, match="only read-only queries"):
        execute(store, text)
    assert len(store) == 5


def test_service_is_refused_but_the_word_in_a_string_is_not(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        execute(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }")
    # Not kept in a local: pytest.raises keeps this frame alive in a cycle, and
    # a pyoxigraph result it held would be dropped by whichever thread next
    # collects garbage (a RuntimeError: results belong to their thread).
    assert list(execute(store, 'SELECT * WHERE { ?s ?p "SERVICE" }')) == []


def test_compact_prefers_the_longest_namespace() -> None:
    assert compact(ox.NamedNode(RG + "Council")) == "rg:Council"
    assert compact(ox.NamedNode("https://w3id.org/regimegraph/id/value/stars-2")) == "value:stars-2"
    assert compact(ox.NamedNode("http://example.org/x")) == "<http://example.org/x>"
    assert compact(ox.Literal("Good", language="en")) == "Good"
