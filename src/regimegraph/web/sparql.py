"""The SPARQL 1.1 Protocol endpoint (/sparql): read-only, with limits, safe to expose.

Queries arrive by GET (?query=), POST form (application/x-www-form-urlencoded)
or POST direct (application/sparql-query); default-graph-uri and
named-graph-uri name the dataset (the protocol's dataset replaces the query's
FROM / FROM NAMED, as the specification says; graphs are only ever looked up in
the store, never fetched). With no dataset the default graph is the merge of
all graphs (store.py). Every malformed request gets a 4xx with a one-line
text/plain reason. GET with no query returns the service description (RDF), or
sends a browser to the query page (/query).

Queries run on the request's own thread with a time limit (inline.py); results are
negotiated (Accept with q-values, or ?format=) and cut at Settings.max_rows
(`X-Regimegraph-Truncated: true`). See docs/sparql.md.

/sparql is a plain WSGI application (werkzeug's Request and Response) put in
front of Flask, not a Flask view: Flask's request context, routing, session
and signals cost 0.3 ms of a request hot and 0.6 ms after a heavy query has
cooled the caches (benchmarks/RESULTS.md, session 8), as much as the engine
takes for a small query. The pages stay Flask views.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox
from flask import Flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import service
from .answers import (
    GRAPH_TYPES,
    PROJECT_PREFIXES,
    TABULAR_TYPES,
    Busy,
    Job,
    QueryTimeout,
    acceptable_at_all,
)
from .form import NotUtf8, form_pairs
from .inline import ANSWER_NOW, AlreadyAnswered, InlineRunner, overrun_message, retry_after

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

ENDPOINT = "/sparql"
QUERY_PAGE = "/query"
ALLOWED = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
TRUNCATED_HEADER = "X-Regimegraph-Truncated"
_RUNNER_KEY = "regimegraph.sparql.runner"
_runner_lock = threading.Lock()

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


class Refused(Exception):
    """A request the endpoint answers with a 4xx/5xx and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def init_app(app: Flask) -> None:
    """Answer /sparql ahead of Flask; every other path goes on to the Flask app."""
    app.wsgi_app = Endpoint(app, app.wsgi_app)  # type: ignore[method-assign]


class Endpoint:
    """The /sparql WSGI application, falling through to `inner` for any other path."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") != ENDPOINT:
            return self.inner(environ, start_response)
        request = Request(environ)
        request.max_content_length = service(self.app).settings.max_request_bytes
        try:
            response = endpoint(self.app, request)
        except Refused as error:
            response = _text(error.status, error.message, error.headers)
        except AlreadyAnswered:  # the watchdog sent the 503; this goes to a closed connection
            response = _text(503, "the query ran past its time limit")
        except RequestEntityTooLarge:
            response = _text(413, "request too large: this endpoint accepts at most "
                             f"{request.max_content_length} bytes")
        except Exception:  # a bug: logged with its traceback, never shown to the client
            log.exception("the SPARQL endpoint failed on %s %s", request.method, request.path)
            response = _text(500, "the endpoint failed on this request (logged); try again")
        _cors(self.app, request, response)
        return response(environ, start_response)


def runner(app: Flask) -> InlineRunner:
    """The app's query runner, made on first use (with no one told of overruns)."""
    with _runner_lock:
        found = app.extensions.get(_RUNNER_KEY)
        if found is None:
            found = app.extensions[_RUNNER_KEY] = _new_runner(app, None)
    assert isinstance(found, InlineRunner)
    return found


def start_runner(app: Flask, on_overrun: Callable[[], None] | None = None) -> InlineRunner:
    """Make the runner now; `on_overrun` is called when a query runs past its limit."""
    with _runner_lock:
        previous = app.extensions.pop(_RUNNER_KEY, None)
        if isinstance(previous, InlineRunner):
            previous.close()
        made = app.extensions[_RUNNER_KEY] = _new_runner(app, on_overrun)
    return made


def stop_runner(app: Flask) -> None:
    with _runner_lock:
        found = app.extensions.pop(_RUNNER_KEY, None)
    if isinstance(found, InlineRunner):
        found.close()


def _new_runner(app: Flask, on_overrun: Callable[[], None] | None) -> InlineRunner:
    from ..stores import OxigraphStore, QueryStore, open_store

    served = service(app)
    settings = served.settings
    store: QueryStore
    if served.spec.kind in ("memory", "oxigraph"):  # the store the pages read: one copy
        store = OxigraphStore(served.store)
    else:
        store = open_store(served.spec, served.dump)
    return InlineRunner(store, slots=settings.workers, timeout=settings.query_timeout,
                        on_overrun=on_overrun, serial=served.spec.kind == "rdflib")


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip() + "\n", status=status,
                        content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _cors(app: Flask, request: Request, response: Response) -> None:
    origins = service(app).settings.cors_origins.strip()
    if not origins:
        return
    if origins == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        allowed = [o.strip() for o in origins.split(",") if o.strip()]
        origin = request.headers.get("Origin", "")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    response.headers["Access-Control-Expose-Headers"] = f"{TRUNCATED_HEADER}, Retry-After"


def _pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return form_pairs(raw)
    except NotUtf8 as error:
        raise Refused(400, f"the {where} is not UTF-8 (percent-encode UTF-8 bytes): "
                      f"{error}") from None


def _endpoint_url(app: Flask, request: Request) -> str:
    base = service(app).settings.base_url.rstrip("/")
    if base:
        return base + ENDPOINT
    return request.host_url.rstrip("/") + request.script_root + request.path


def endpoint(app: Flask, request: Request) -> Response:
    """One protocol request, answered; a malformed one raises Refused."""
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Allow"] = ALLOWED
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    if request.method not in ("GET", "HEAD", "POST"):
        raise Refused(405, f"method {request.method} is not allowed here: use GET or POST",
                      {"Allow": ALLOWED})
    params = _pairs(request.query_string, "query string")
    queries: list[str] = []
    if request.method == "POST":
        limit = service(app).settings.max_request_bytes
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge()
        media = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if not media:
            raise Refused(400, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        if media == UPDATE:
            raise Refused(400, "this endpoint is read-only: SPARQL Update is not accepted")
        if media not in (FORM, DIRECT):
            raise Refused(415, f"Content-Type {media} is not accepted: send {FORM} or {DIRECT}")
        if charset not in ("utf-8", "utf8"):
            raise Refused(400, f"charset {charset} is not accepted: SPARQL requests are UTF-8")
        body = request.get_data(cache=False)
        if media == FORM:
            params += _pairs(body, "form body")
        else:
            try:
                queries.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8 text") from None
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise Refused(400, "this endpoint is read-only: SPARQL Update is not accepted")
    queries = [value for name, value in params if name == "query"] + queries
    fmt = next((value for name, value in reversed(params) if name == "format"), "")
    if len(queries) > 1:
        raise Refused(400, "more than one query in the request: send exactly one")
    if not queries:
        if request.method == "POST":
            raise Refused(400, "no query: send one as the query parameter or the POST body")
        return service_description(app, request, fmt)
    accept = request.headers.get("Accept", "")
    if not acceptable_at_all(accept, fmt):
        raise Refused(406, "no acceptable result format; this endpoint offers "
                      + ", ".join(m for m, _ in TABULAR_TYPES + GRAPH_TYPES))
    default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
    named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
    protocol_dataset = bool(default_graphs or named_graphs)
    settings = service(app).settings
    job = Job(
        query=queries[0],
        base_iri=_endpoint_url(app, request),
        default_graphs=default_graphs if protocol_dataset else None,
        named_graphs=named_graphs if protocol_dataset else None,
        accept=accept,
        format=fmt,
        max_rows=settings.max_rows,
        prefixes=PROJECT_PREFIXES,
    )
    retry = retry_after(settings.query_timeout)
    try:
        reply = runner(app).run(job, request.environ.get(ANSWER_NOW))
    except Busy:
        raise Refused(503, "every query slot is busy; try again shortly",
                      {"Retry-After": retry}) from None
    except QueryTimeout:
        raise Refused(503, overrun_message(settings.query_timeout),
                      {"Retry-After": retry}) from None
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    response.vary.add("Accept")
    if reply.status == 503:  # the store is down (stores/): worth retrying
        response.headers["Retry-After"] = retry
    if reply.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers["X-Regimegraph-Max-Rows"] = str(settings.max_rows)
    return response


def service_description(app: Flask, request: Request, fmt: str = "") -> Response:
    """The SPARQL service description of this endpoint, or a redirect for browsers."""
    from .answers import choose

    accept = request.headers.get("Accept", "")
    if not fmt and accept:
        from werkzeug.datastructures import MIMEAccept
        from werkzeug.http import parse_accept_header

        parsed = parse_accept_header(accept, MIMEAccept)
        best = parsed.best_match([m for m, _ in GRAPH_TYPES] + ["text/html"])
        if best == "text/html":
            return redirect(request.script_root + QUERY_PAGE, code=303)
    chosen = choose("graph", accept, fmt)
    if chosen is None:
        raise Refused(406, "the service description is offered as "
                      + ", ".join(m for m, _ in GRAPH_TYPES))
    media, name = chosen
    body = _describe(_endpoint_url(app, request), name, _named_graphs(service(app).store))
    response = Response(body, content_type=media if not media.startswith("text/")
                        else f"{media}; charset=utf-8")
    response.vary.add("Accept")
    return response


_graph_sizes: dict[int, list[tuple[str, int]]] = {}


def _named_graphs(store: ox.Store) -> list[tuple[str, int]]:
    """Each named graph and its triple count (counted once per store)."""
    found = _graph_sizes.get(id(store))
    if found is None:
        counts: dict[str, int] = {}
        for quad in store.quads_for_pattern(None, None, None, None):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode):
                counts[graph.value] = counts.get(graph.value, 0) + 1
        found = sorted(counts.items())
        _graph_sizes[id(store)] = found
    return found


def _site_root(endpoint_url: str) -> str:
    """The application's root URL, from the endpoint's (which ends in /sparql)."""
    return endpoint_url.rsplit("/sparql", 1)[0]


def _describe(endpoint_url: str, name: str, graphs: list[tuple[str, int]]) -> bytes:
    from .answers import _RDF_FORMATS

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    service_node = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service_node, RDF_TYPE, sd("Service")),
        ox.Triple(service_node, sd("endpoint"), ox.NamedNode(endpoint_url)),
        ox.Triple(service_node, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service_node, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service_node, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        # Where to download the whole dataset and read its VoID description (pages.py).
        ox.Triple(dataset, ox.NamedNode(VOID + "dataDump"),
                  ox.NamedNode(_site_root(endpoint_url) + "/dumps/regimegraph.nq")),
        ox.Triple(dataset, ox.NamedNode(RDFS_SEE_ALSO), ox.NamedNode(_site_root(endpoint_url)
                                                                     + "/void")),
    ]
    triples += [ox.Triple(service_node, sd("resultFormat"), ox.NamedNode(FORMATS + local))
                for local in _FORMAT_IRIS.values()]
    for index, (graph, size) in enumerate(graphs):
        node = ox.BlankNode(f"namedGraph{index}")
        described = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
            ox.Triple(node, sd("graph"), described),
            ox.Triple(described, RDF_TYPE, sd("Graph")),
            ox.Triple(described, ox.NamedNode(VOID + "triples"),
                      ox.Literal(str(size), datatype=XSD_INTEGER)),
        ]
    fmt = _RDF_FORMATS[name]
    if fmt is ox.RdfFormat.TURTLE:
        return ox.serialize(triples, format=fmt,
                            prefixes={"sd": SD, "void": VOID, "formats": FORMATS}) or b""
    return ox.serialize(triples, format=fmt) or b""
