"""SELECT and ASK documents from answer(): pyoxigraph's writers against the Python ones.

`answer()` writes a pyoxigraph result with pyoxigraph's own writers
(`native_table`) and anything else with the Python writers (`python_table`).
Every query here runs through `answer()` twice, once as pyoxigraph returns it
and once wrapped so the Python writers answer, in every format; the two
documents must parse as their format and carry the same variables and
bindings, cut at the same row with the same flags. The queries: every file in
queries/ on the knowledge base, and small ones over blank nodes, language
tags, typed literals, awkward strings, unbound variables, triple terms and
empty results, on pyoxigraph and on the rdflib store (whose results are
pyoxigraph objects read from rdflib's JSON).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from regimegraph.kb import KnowledgeBase
from regimegraph.namespaces import PREFIXES
from regimegraph.store import memory_store
from regimegraph.stores.base import QueryStore, Result
from regimegraph.stores.rdflib_store import RdflibStore
from regimegraph.web.answers import Job, Reply, answer

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
FORMATS = ["json", "xml", "csv", "tsv"]
RESULTS = "{http://www.w3.org/2005/sparql-results#}"

# Every kind of term a result can hold, and strings that need escaping in each format.
DATA = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p 1, 2.50, 1.0e3, true, "2024-02-29"^^xsd:date, "x"^^ex:custom, "plain" .
ex:a ex:label "colour"@en-GB, "couleur"@fr, "colour" .
ex:b ex:p "comma, \\"quote\\"\\ttab\\nnew line\\r\\nreturn", "<&> ]]> é 日本" .
_:blank ex:p ex:a ; ex:label "a blank node" .
ex:c ex:label "no p" .
"""
STAR = """\
@prefix ex: <http://example.org/> .
ex:claim ex:says <<( ex:a ex:p "x"@en )>> .
ex:claim ex:says <<( _:n ex:p <<( ex:b ex:p 2 )>> )>> .
"""
SELECTS = {
    "everything": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p != <http://example.org/says>) }"
                  " ORDER BY ?s ?p ?o",
    "blank nodes": "SELECT ?s ?o WHERE { ?s ?p ?o FILTER isBlank(?s) }",
    "language tags": "SELECT ?s ?l WHERE { ?s <http://example.org/label> ?l } ORDER BY ?l",
    "typed literals": "SELECT ?o (DATATYPE(?o) AS ?t) WHERE { <http://example.org/a> "
                      "<http://example.org/p> ?o } ORDER BY ?o",
    "unbound": "SELECT ?s ?l ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/label> ?l }"
               " OPTIONAL { ?s <http://example.org/none> ?none } } ORDER BY ?s ?l",
    "undef rows": "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) (1 UNDEF) (UNDEF 2) } }",
    "strings": "SELECT ?o WHERE { <http://example.org/b> ?p ?o } ORDER BY ?o",
    "values made in the query": 'SELECT ?x WHERE { VALUES ?x { "01"^^<http://www.w3.org/2001/'
                                'XMLSchema#integer> " 1"^^<http://www.w3.org/2001/XMLSchema#'
                                'integer> "TRUE"^^<http://www.w3.org/2001/XMLSchema#boolean> '
                                '"a"@EN -0.0 "NaN"^^<http://www.w3.org/2001/XMLSchema#double> } }',
    "empty": "SELECT ?s WHERE { ?s <http://example.org/nothing> ?o }",
    "empty, no variables": "SELECT * WHERE { FILTER(false) }",
    "one row, no variables": "SELECT * WHERE { }",
}
TRIPLE_TERMS = {
    "triple terms": "SELECT ?t WHERE { ?s <http://example.org/says> ?t } ORDER BY ?t",
    "triple term made in the query": 'SELECT ?t WHERE { BIND(<<( <http://example.org/a> '
                                     '<http://example.org/p> "x\\ty" )>> AS ?t) }',
}

# rdflib answers SELECT * {} with no row at all, and cannot read -0.0 in VALUES.
RDFLIB_DIFFERS = {"one row, no variables", "values made in the query"}


class _Detached:
    """A SELECT result that is not a pyoxigraph object, so `answer()` writes it in Python."""

    def __init__(self, result: ox.QuerySolutions) -> None:
        self.variables = result.variables
        self._rows = iter(list(result))

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return self._rows


class _PythonWritten:
    """A store whose SELECT results reach `answer()` as `_Detached`: the reference side."""

    def __init__(self, store: QueryStore) -> None:
        self.store = store

    def query(self, query: str, **options: Any) -> Result:
        result = self.store.query(query, **options)
        if isinstance(result, ox.QuerySolutions):
            return _Detached(result)  # type: ignore[return-value]
        return result


@pytest.fixture(scope="module")
def kb_store(kb: KnowledgeBase) -> ox.Store:
    assert kb.dump is not None
    return memory_store(kb.dump)  # as the server holds it: the default graph is the merge


@pytest.fixture(scope="module")
def small_store() -> ox.Store:
    store = ox.Store()
    store.load(DATA + STAR, format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def rdflib_store(tmp_path_factory: pytest.TempPathFactory) -> RdflibStore:
    graph = ox.NamedNode("https://w3id.org/regimegraph/graph/test")
    dump = tmp_path_factory.mktemp("rdflib") / "data.nq"
    ox.serialize((ox.Quad(t.subject, t.predicate, t.object, graph)
                  for t in ox.parse(DATA, format=ox.RdfFormat.TURTLE)),
                 str(dump), format=ox.RdfFormat.N_QUADS)
    return RdflibStore(dump)


def _job(text: str, fmt: str, max_rows: int = 10_000) -> Job:
    return Job(query=text, base_iri="http://example.org/", format=fmt, max_rows=max_rows,
               prefixes=tuple((p, str(ns)) for p, ns in PREFIXES.items()))


def _both(store: QueryStore, job: Job) -> tuple[Reply, Reply]:
    """The reply from pyoxigraph's writers, and the reply from the Python ones."""
    native, python = answer(store, job), answer(_PythonWritten(store), job)
    assert native.status == python.status == 200, (native.body[:300], python.body[:300])
    assert native.content_type == python.content_type
    assert native.truncated == python.truncated
    return native, python


# --- reading each format back -----------------------------------------------------------------

def _xml_term(element: ET.Element) -> tuple[Any, ...]:
    return (element.tag.removeprefix(RESULTS), sorted(element.attrib.items()),
            element.text if len(element) == 0 else None,
            [_xml_term(child) for child in element])


def _read(fmt: str, body: bytes) -> tuple[list[str], list[Any], dict[str, Any]]:
    """(variables, rows, extra top-level keys) of a document; fails if it does not parse."""
    if fmt == "json":
        document = json.loads(body)
        extra = {k: v for k, v in document.items() if k not in ("head", "results")}
        return document["head"]["vars"], document["results"]["bindings"], extra
    if fmt == "xml":
        root = ET.fromstring(body)
        assert root.tag == f"{RESULTS}sparql"
        head, results = root.find(f"{RESULTS}head"), root.find(f"{RESULTS}results")
        assert head is not None and results is not None
        variables = [v.attrib["name"] for v in head.iter(f"{RESULTS}variable")]
        rows = [{b.attrib["name"]: _xml_term(b[0]) for b in result}
                for result in results.iter(f"{RESULTS}result")]
        return variables, rows, {}
    text = body.decode("utf-8")
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(text, newline="")))
        return table[0] if table and table[0] != [""] else [], table[1:], {}
    lines = text.split("\n")
    assert lines[-1] == "", "a TSV document ends with a newline"
    header = lines[0].split("\t") if lines[0] else []
    assert all(name.startswith("?") for name in header)
    for line in lines[1:-1]:
        assert len(line.split("\t")) == max(len(header), 1), line
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return ([name[1:] for name in header],
            [[solution[v] for v in solutions.variables] for solution in solutions], {})


def _same(store: QueryStore, text: str, fmt: str, max_rows: int = 10_000,
          triple_terms: bool = False) -> tuple[list[str], list[Any], dict[str, Any]]:
    native, python = _both(store, _job(text, fmt, max_rows))
    ours, reference = _read(fmt, native.body), _read(fmt, python.body)
    if fmt == "csv" and triple_terms:
        # CSV is lossy and SPARQL 1.1 has no triple terms: pyoxigraph writes the
        # three values with spaces, the Python writer N-Triples; the table is the same size.
        assert ours[0] == reference[0] and len(ours[1]) == len(reference[1])
    else:
        assert ours == reference
    return ours


# --- the tests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_every_bundled_query_is_written_the_same(kb_store: ox.Store, path: Path,
                                                 fmt: str) -> None:
    _variables, rows, _extra = _same(kb_store, path.read_text(encoding="utf-8"), fmt)
    assert rows, f"{path.name} found nothing, so compares nothing"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(SELECTS))
def test_every_kind_of_term_is_written_the_same(small_store: ox.Store, name: str,
                                                fmt: str) -> None:
    _same(small_store, SELECTS[name], fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(TRIPLE_TERMS))
def test_triple_terms_are_written_the_same(small_store: ox.Store, name: str, fmt: str) -> None:
    _same(small_store, TRIPLE_TERMS[name], fmt, triple_terms=True)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", [n for n in SELECTS if n not in RDFLIB_DIFFERS])
def test_rdflib_results_are_written_the_same(rdflib_store: RdflibStore, name: str,
                                             fmt: str) -> None:
    _same(rdflib_store, SELECTS[name], fmt)


def test_the_documents_hold_what_the_data_says(small_store: ox.Store) -> None:
    """Not only alike: both sides right, checked against the data itself."""
    _vars, rows, _ = _same(small_store, SELECTS["language tags"], "json")
    assert {"type": "literal", "value": "colour", "xml:lang": "en-gb"} in [r["l"] for r in rows]
    _vars, rows, _ = _same(small_store, SELECTS["blank nodes"], "json")
    assert {r["s"]["type"] for r in rows} == {"bnode"}
    _vars, rows, _ = _same(small_store, SELECTS["unbound"], "json")
    assert all("none" not in r for r in rows) and any("l" not in r for r in rows)
    _vars, rows, _ = _same(small_store, SELECTS["strings"], "csv")
    assert ['comma, "quote"\ttab\nnew line\r\nreturn'] in rows
    variables, rows, _ = _same(small_store, SELECTS["empty, no variables"], "json")
    assert variables == [] and rows == []
    variables, rows, _ = _same(small_store, SELECTS["one row, no variables"], "xml")
    assert variables == [] and rows == [{}]
    _vars, rows, _ = _same(small_store, TRIPLE_TERMS["triple terms"], "json")
    assert rows[0]["t"]["type"] == "triple"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("max_rows", [1, 5, 6, 7])
def test_a_cut_result_is_cut_at_the_same_row_and_says_so(small_store: ox.Store, fmt: str,
                                                         max_rows: int) -> None:
    text = SELECTS["typed literals"]  # 7 rows
    native, _python = _both(small_store, _job(text, fmt, max_rows))
    assert native.truncated is (max_rows < 7)
    _variables, rows, extra = _same(small_store, text, fmt, max_rows)
    assert len(rows) == min(max_rows, 7)
    if fmt == "json":
        assert extra == ({"truncated": True, "maxRows": max_rows} if max_rows < 7 else {})


def test_a_cut_result_stops_the_query(small_store: ox.Store) -> None:
    """Cutting at max_rows stops evaluating too: the writer pulls only the rows it needs."""
    calls = 0

    def counted(term: ox.Literal) -> ox.Literal:
        nonlocal calls
        calls += 1
        return term

    class Counting:
        def query(self, query: str, **options: Any) -> Result:
            return small_store.query(query, custom_functions={
                ox.NamedNode("http://example.org/counted"): counted}, **options)

    digits = "VALUES ?{} {{ 0 1 2 3 4 5 6 7 8 9 }}"
    text = ("SELECT (<http://example.org/counted>(?a) AS ?x) WHERE { "
            + " ".join(digits.format(v) for v in "abcdef") + " }")  # a million rows
    reply = answer(Counting(), _job(text, "json", max_rows=3))
    assert reply.truncated and len(json.loads(reply.body)["results"]["bindings"]) == 3
    assert calls < 10_000, f"{calls} rows were evaluated to answer 3"


def test_directional_literals_keep_their_direction(small_store: ox.Store) -> None:
    """pyoxigraph's writers keep an RDF 1.2 base direction (the Python ones drop it)."""
    text = 'SELECT ?o WHERE { BIND("مرحبا"@ar--rtl AS ?o) }'
    replies = {fmt: answer(small_store, _job(text, fmt)) for fmt in FORMATS}
    binding = json.loads(replies["json"].body)["results"]["bindings"][0]["o"]
    assert binding == {"type": "literal", "value": "مرحبا", "xml:lang": "ar", "its:dir": "rtl"}
    assert b'its:dir="rtl"' in replies["xml"].body
    assert replies["tsv"].body.decode().splitlines()[1] == '"مرحبا"@ar--rtl'


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("value", [True, False])
def test_ask_answers(small_store: ox.Store, fmt: str, value: bool) -> None:
    text = "ASK { ?s ?p ?o }" if value else "ASK { ?s <http://example.org/nothing> ?o }"
    reply = answer(small_store, _job(text, fmt))
    assert reply.status == 200 and not reply.truncated
    if fmt == "json":
        assert reply.content_type == "application/sparql-results+json"
        assert json.loads(reply.body) == {"head": {}, "boolean": value}
    else:
        assert reply.content_type == "application/sparql-results+xml"
        root = ET.fromstring(reply.body)
        assert root.tag == f"{RESULTS}sparql"
        assert root.findtext(f"{RESULTS}boolean") == str(value).lower()


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("json", "application/sparql-results+json; charset=utf-8"),
    ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv; charset=utf-8"),
    ("tsv", "text/tab-separated-values; charset=utf-8"),
])
def test_content_types_are_unchanged(small_store: ox.Store, fmt: str, content_type: str) -> None:
    reply = answer(small_store, _job(SELECTS["everything"], fmt))
    assert reply.content_type == content_type


def test_errors_are_unchanged(small_store: ox.Store) -> None:
    reply = answer(small_store, _job(SELECTS["everything"], "turtle"))
    assert reply.status == 406 and reply.content_type.startswith("text/plain")
    reply = answer(small_store, _job("SELECT ?s WHERE { ?s ?p }", "json"))
    assert reply.status == 400 and reply.body.startswith(b"SPARQL syntax error")
