"""Answering one query: the read-only check, the engine, content negotiation, the bytes.

`answer(store, job)` does all the work that depends on the query: it checks
the query is read-only, runs it, picks the result format by content
negotiation (the query form is known only after parsing), cuts the result at
`max_rows` and serialises it; every failure is a `Reply` too. inline.py runs
it on the request's thread with the time limit. Results are written by
pyoxigraph's own result writers (`native_table`), several times faster than
building the documents in Python; the Python writers (`python_table`) remain
for a result that is not a pyoxigraph object, and as the reference the tests
compare with.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..errors import QueryError
from ..namespaces import prefix_iris
from ..readonly import refusal
from ..stores.base import QueryStore, StoreUnavailable

log = logging.getLogger(__name__)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# (media type, short name for ?format=), in the order offered when the client accepts anything.
TABULAR_TYPES = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
]
BOOLEAN_TYPES = TABULAR_TYPES[:2]
GRAPH_TYPES = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
]
# Other names clients use for the same formats: accepted, answered with the main type.
ALIASES = {
    "application/json": {"json", "jsonld"},
    "application/xml": {"xml", "rdfxml"},
    "text/xml": {"xml", "rdfxml"},
    "application/x-turtle": {"turtle"},
    "text/plain": {"nt"},
}
FORMAT_NAMES = {
    "ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "rdf": "rdfxml",
    "rdf+xml": "rdfxml", "json-ld": "jsonld",
}
_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


# The project's prefixes, predeclared in every query /sparql and the query page run.
PROJECT_PREFIXES = tuple(prefix_iris().items())


@dataclass(frozen=True)
class Job:
    """One query to answer, as the HTTP layer parsed it."""

    query: str
    base_iri: str
    default_graphs: tuple[str, ...] | None = None  # None: the store's (merged) default graph
    named_graphs: tuple[str, ...] | None = None  # None: every named graph in the store
    accept: str = ""
    format: str = ""
    max_rows: int = 10_000
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reply:
    """An answer: an HTTP status, a body and its type, and whether it was cut."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


class Busy(Exception):
    """No query slot became free within the wait: the client should retry."""


class QueryTimeout(Exception):
    """The query ran past the time limit (inline.py says what becomes of it)."""


# --- read-only checks ----------------------------------------------------------------------

# One left-to-right pass over the query, so a comment inside a string, a quote
# inside a comment or a `#` inside an IRI is each read as the parser reads it.
# --- content negotiation ---------------------------------------------------------------------

def offered(kind: str) -> list[tuple[str, str]]:
    """The (media type, format name) pairs for a result kind: 'tabular', 'boolean' or 'graph'."""
    return {"tabular": TABULAR_TYPES, "boolean": BOOLEAN_TYPES, "graph": GRAPH_TYPES}[kind]


@functools.lru_cache(maxsize=1024)
def choose(kind: str, accept: str, fmt: str = "") -> tuple[str, str] | None:
    """The (media type, format name) to answer with, or None when nothing is acceptable.

    `fmt` (the ?format= parameter, a name like 'csv' or a media type) overrides
    Accept, so a browser link can ask for a format. Remembered: a client sends
    the same Accept with every request, and parsing it cost 0.06 ms, twice a
    request (here and in the front's `acceptable_at_all`).
    """
    choices = offered(kind)
    if fmt:
        wanted = FORMAT_NAMES.get(fmt.lower(), fmt.lower())
        if kind == "graph":  # ?format=xml / json on a CONSTRUCT (as SPARQLWrapper sends)
            wanted = {"xml": "rdfxml", "json": "jsonld"}.get(wanted, wanted)
        for media, name in choices:
            if wanted in (name, media) or name in ALIASES.get(wanted, ()):
                return media, name
        return None
    if not accept.strip():
        return choices[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    candidates = [media for media, _ in choices]
    candidates += [alias for alias, names in ALIASES.items()
                   if any(name in names for _, name in choices)]
    best = parsed.best_match(candidates)
    if best is None:
        return None
    for media, name in choices:
        if best == media or name in ALIASES.get(best, ()):
            return media, name
    return None  # pragma: no cover - best is always one of the candidates


@functools.lru_cache(maxsize=1024)
def acceptable_at_all(accept: str, fmt: str = "") -> bool:
    """Whether any result kind could satisfy the request (checked before running a query)."""
    return any(choose(kind, accept, fmt) for kind in ("tabular", "boolean", "graph"))


# --- answering -----------------------------------------------------------------------------

def answer(store: QueryStore, job: Job) -> Reply:
    """Run one job on a store and serialise its result; every failure is a Reply too.

    No frame keeps the result once it is written: pyoxigraph's results may
    only be dropped on the thread that made them, and rdflib's SPARQL parser
    (the read-only check's, for a query that says "service"; the stores')
    leaves reference cycles that reach the frames below it through their
    tracebacks, so the garbage collector, on whatever thread it next runs,
    would drop a result such a frame still held (a RuntimeError, and the
    result leaked). So the result never enters this frame, and `_run` lets
    go of it before returning.
    """
    reason = refusal(job.query)
    if reason:
        return Reply.error(400, reason)
    return _run(store, job)


def _run(store: QueryStore, job: Job) -> Reply:
    options: dict[str, Any] = {"base_iri": job.base_iri, "prefixes": dict(job.prefixes)}
    try:
        if job.default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as error:
        return Reply.error(400, f"a graph IRI is not valid: {error}")
    try:
        result = store.query(job.query, **options)
    except StoreUnavailable as error:
        return Reply.error(503, f"{error}; try again shortly")
    except QueryError as error:
        return Reply.error(400, str(error))
    except SyntaxError as error:
        return Reply.error(400, describe_syntax_error(str(error)))
    except (OSError, ValueError) as error:
        return Reply.error(400, f"the query could not run: {error}")
    try:
        return _written(result, job)
    finally:
        del result  # this frame may outlive the call (answer() says why)


def _written(result: Any, job: Job) -> Reply:
    if isinstance(result, ox.QueryBoolean):
        kind = "boolean"
    elif isinstance(result, ox.QueryTriples):
        kind = "graph"
    else:
        kind = "tabular"
    chosen = choose(kind, job.accept, job.format)
    if chosen is None:
        names = ", ".join(f"{media} (format={name})" for media, name in offered(kind))
        return Reply.error(406, f"no acceptable format for this {kind} result; offered: {names}")
    media, name = chosen
    try:
        if isinstance(result, ox.QueryBoolean):
            return Reply(200, media, result.serialize(format=_RESULTS_FORMATS[name]) or b"")
        if isinstance(result, ox.QueryTriples):
            triples = list(islice(result, job.max_rows + 1))
            cut = len(triples) > job.max_rows
            return Reply(200, _with_charset(media),
                         _graph(triples[: job.max_rows], name, cut, job), cut)
        if isinstance(result, ox.QuerySolutions):
            body, cut = native_table(result, name, job.max_rows)
        else:
            body, cut = python_table(result, name, job.max_rows)
        return Reply(200, _with_charset(media), body, cut)
    except (OSError, ValueError, SyntaxError) as error:
        return Reply.error(400, f"the query failed while running: {error}")


_LOCATION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def describe_syntax_error(message: str) -> str:
    """pyoxigraph's message, with its line and column, in one short line."""
    match = _LOCATION.match(message)
    if not match:
        return f"SPARQL syntax error: {message.splitlines()[0] if message else ''}"
    line, column, reason = match.groups()
    reason = " ".join(reason.split())
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return f"SPARQL syntax error at line {line}, column {column}: {reason}"


def _with_charset(media: str) -> str:
    if media.startswith("text/") or media.endswith("json"):
        return f"{media}; charset=utf-8"
    return media


class _RowLimit(Exception):
    """Raised from `_FirstRows.write` to stop pyoxigraph's writer, and the query, early."""


class _FirstRows(io.BytesIO):
    """A file for pyoxigraph's TSV writer that stops it one row past `limit` rows.

    In pyoxigraph's TSV every solution is exactly one line (a line break inside
    a literal is written as an escape, and IRIs and blank node labels cannot
    hold one), so counting newlines counts rows. Stopping the writer (by
    raising) as soon as a row past the limit arrives keeps a query with a huge
    result as cheap as it is with the Python writers, which stop iterating
    there: the engine evaluates lazily, as the writer pulls solutions.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lines = 0
        self.cut = False

    def write(self, data: Any) -> int:
        if self.cut:  # pyoxigraph flushes its buffer once more as it unwinds
            return len(data)
        self.lines += data.count(b"\n")
        written = super().write(data)
        if self.lines > self.limit + 1:  # the header line, `limit` rows, and one more
            self.cut = True
            raise _RowLimit
        return written

    def rows(self) -> bytes:
        """The TSV document: the header and at most `limit` rows."""
        data = self.getvalue()
        if not self.cut:
            return data
        kept = data.split(b"\n", self.limit + 1)  # the last part: everything past the limit
        return data[: len(data) - len(kept[-1])]


def native_table(result: ox.QuerySolutions, name: str, max_rows: int) -> tuple[bytes, bool]:
    """The solutions (at most `max_rows` of them) in a results format, by pyoxigraph's writers.

    pyoxigraph writes all the solutions a QuerySolutions has left and cannot be
    handed a list, so the first `max_rows` are taken as TSV (lossless: terms in
    Turtle syntax), read back into a QuerySolutions, and written in the format
    asked for; both steps run in Rust. A cut JSON result says so at its top
    level, as `python_table`'s does.
    """
    sink = _FirstRows(max_rows)
    with contextlib.suppress(_RowLimit):
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    tsv = sink.rows()
    if name == "tsv":
        return tsv, sink.cut
    solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    body = solutions.serialize(format=_RESULTS_FORMATS[name]) or b""
    if sink.cut and name == "json":
        document, brace, _ = body.rpartition(b"}")
        if not brace:
            raise ValueError("pyoxigraph wrote a JSON result that is not an object")
        body = document + f',"truncated":true,"maxRows":{max_rows}}}'.encode()
    return body, sink.cut


def python_table(result: Any, name: str, max_rows: int) -> tuple[bytes, bool]:
    """The solutions (at most `max_rows`) in a results format, written in Python.

    For a store whose query gives something other than a pyoxigraph
    QuerySolutions (any iterable of solutions indexable by variable name, with
    `variables`); and the reference the tests compare `native_table` with.
    """
    variables = [v.value if isinstance(v, ox.Variable) else str(v) for v in result.variables]
    rows = [[solution[v] for v in variables] for solution in islice(result, max_rows + 1)]
    cut = len(rows) > max_rows
    return _table(variables, rows[:max_rows], name, cut, max_rows), cut


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
            "object": _json_term(term.object)}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
                f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
                "</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Triple):  # str() leaves out the outer triple term's <<( )>>
        parts = (term.subject, term.predicate, term.object)
        return "<<( " + " ".join(_tsv_term(part) for part in parts) + " )>>"
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _table(variables: list[str], rows: list[list[Any]], name: str, cut: bool,
           max_rows: int) -> bytes:
    if name == "json":
        document: dict[str, Any] = {
            "head": {"vars": variables},
            "results": {"bindings": [
                {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]},
        }
        if cut:
            document["truncated"] = True
            document["maxRows"] = max_rows
        return json.dumps(document, ensure_ascii=False).encode()
    if name == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables),
               "</head><results>"]
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(variables, row, strict=True) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "\n".join(out).encode()
    if name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _graph(triples: list[ox.Triple], name: str, cut: bool, job: Job) -> bytes:
    fmt = _RDF_FORMATS[name]
    if fmt is ox.RdfFormat.TURTLE:
        body = ox.serialize(triples, format=fmt, prefixes=dict(job.prefixes)) or b""
    else:
        body = ox.serialize(triples, format=fmt) or b""
    if cut and name in ("turtle", "nt"):
        body = f"# truncated: only the first {job.max_rows} triples\n".encode() + body
    return body


def all_types() -> Iterable[str]:
    """Every media type the endpoint can answer with (for the service description)."""
    return [media for media, _ in TABULAR_TYPES + GRAPH_TYPES]
