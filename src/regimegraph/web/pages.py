"""Pages for people, resource dereferencing and dumps.

Routes (all server-rendered, usable without JavaScript):

- `/` what the knowledge base holds; `/councils`, `/regimes`, `/inspectorates`,
  `/obligations` lists; `/query` the query editor and HTML results;
- `/downloads`, `/dumps/regimegraph.nq`, `/dumps/regimegraph.ttl`, `/void` and
  `/.well-known/void` (VoID);
- `/id/{kind}/{slug}` and `/def`: every IRI of ours dereferences (resources.py).

Errors have one shape: `{"ok": false, "error": "...", "status": N}` for a client
that prefers JSON or RDF, the same message in an HTML page for a browser.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
)

from ..errors import QueryError
from ..namespaces import PREFIXES, prefix_iris, sparql_prologue
from ..query import compact
from ..readonly import refusal
from ..resources import kb_path
from . import service
from .pagedata import PageData, Term, is_web_iri, local_path

bp = Blueprint("pages", __name__, template_folder="templates")

SAMPLE_QUERY = """SELECT ?council ?name ?rating
WHERE {
  ?inspection a rg:Inspection ; rg:regime regime:cqc-la-assessment ; rg:council ?council .
  ?council rdfs:label ?name .
  ?judgment rg:inspection ?inspection ;
            rg:dimension dimension:cqc-la-overall ; rg:value/skos:prefLabel ?rating .
}
ORDER BY ?name
LIMIT 20
"""


def init_app(app: Flask) -> None:
    from . import resources

    # Built on a thread: /sparql answers while the labels and duties are read
    # (1.6 s at 1M generated triples, ~4 s at 10M); a page asked for meanwhile
    # waits for them.
    # Garbage from the build first, on this thread: a pyoxigraph result left in
    # a reference cycle may only be dropped on the thread that made it, and a
    # collection set off on the builder's thread would drop it there.
    gc.collect()
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regimegraph-page-data")
    app.extensions["regimegraph.pages"] = builder.submit(PageData.build, service(app).store)
    builder.shutdown(wait=False)
    app.register_blueprint(bp)
    app.register_blueprint(resources.bp)
    # Unmatched URLs get the one error shape too (the blueprints' own handlers
    # take precedence for their routes; /sparql, in front of Flask, answers its own).
    app.register_error_handler(404, lambda _e: error_response(404, "no page at this address"))
    app.jinja_env.globals.update(term_href=term_href, term_text=term_text,
                                 term_kind=term_kind, compact=compact_text)


def data() -> PageData:
    building = current_app.extensions["regimegraph.pages"]
    assert isinstance(building, Future)
    found = building.result()
    assert isinstance(found, PageData)
    return found


# Helpers the templates use -------------------------------------------------------


def term_href(term: Term | str | None) -> str | None:
    """Where a link to this term goes: our page for our IRIs, the IRI for other web IRIs.

    Anything that is not an http(s) IRI (blank nodes, literals, urn:, javascript:)
    gets no link at all.
    """
    if term is None or isinstance(term, (ox.BlankNode, ox.Literal)):
        return None
    iri = term if isinstance(term, str) else term.value
    path = local_path(iri)
    if path is not None:
        return request.script_root + path
    return iri if is_web_iri(iri) else None


def term_text(term: Term | str | None) -> str:
    """A term as text: labels for IRIs, the lexical value for literals."""
    if isinstance(term, ox.Literal):
        return term.value
    return data().label(term)


def term_kind(term: Term | str | None) -> str:
    """iri, bnode, literal or none: what the term macro needs to know."""
    if term is None:
        return "none"
    if isinstance(term, ox.Literal):
        return "literal"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    return "iri"


def compact_text(term: Term | str | None) -> str:
    return compact(ox.NamedNode(term) if isinstance(term, str) else term)


def wants_html() -> bool:
    """Whether the client would rather read HTML than data (a browser, or no Accept)."""
    accept = request.accept_mimetypes
    if not accept:
        return True
    best = accept.best_match(["text/html", "application/json", "text/turtle",
                              "application/ld+json", "application/n-triples"])
    return best in ("text/html", None)


def error_response(status: int, message: str) -> Response:
    """The one error shape, as HTML for a browser and JSON for anything else."""
    if wants_html():
        response = Response(render_template("pages/error.html", status=status, message=message),
                            status=status, mimetype="text/html")
    else:
        response = jsonify({"ok": False, "error": message, "status": status})
        response.status_code = status
    return response


# Home and lists ----------------------------------------------------------------------


@bp.get("/")
def home() -> str:
    d = data()
    return render_template("pages/home.html", counts=d.counts(), regimes=d.by_regime(),
                           inspectorates=d.by_inspectorate())


@bp.get("/councils")
def councils() -> str:
    return render_template("pages/councils.html", councils=data().councils())


LISTS = {
    "regimes": ("Inspection regimes", "rg:InspectionRegime"),
    "inspectorates": ("Inspectorates", "rg:Inspectorate"),
    "obligations": ("Obligations", "rg:Obligation"),
}


@bp.get("/regimes", endpoint="regimes")
@bp.get("/inspectorates", endpoint="inspectorates")
@bp.get("/obligations", endpoint="obligations")
def listing() -> str:
    kind = request.path.strip("/")
    title, cls = LISTS[kind]
    return render_template("pages/list.html", title=title, kind=kind,
                           items=data().instances(cls))


# Query page ---------------------------------------------------------------------------


def examples() -> list[dict[str, str]]:
    """The competency questions in queries/*.rq, with their title and description headers."""
    found = []
    for path in sorted(kb_path("queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {"title": path.stem, "description": ""}
        for line in text.splitlines():
            for key in ("title", "description"):
                if line.startswith(f"# {key}:"):
                    meta[key] = line.split(":", 1)[1].strip()
        found.append({"name": path.stem, "query": text, **meta})
    return found


@bp.get("/query")
def query_page() -> tuple[str, int]:
    """The query editor; a query in the URL is run as /sparql runs it (inline.py).

    Running it there, not on the page's own store, gives the page the same time
    limit as /sparql: a query that runs too long gets 503.
    """
    text = request.args.get("query")
    limit = service(current_app).settings.max_rows
    context: dict[str, Any] = {
        "query": text if text is not None else sparql_prologue() + "\n" + SAMPLE_QUERY,
        "ran": text is not None and text.strip() != "",
        "examples": examples(),
        "prefixes": PREFIXES,
        "limit": limit,
        "error": None,
        "table": None,
        "boolean": None,
        "truncated": False,
    }
    status = 200
    if context["ran"]:
        assert text is not None
        try:
            context.update(_run_query(text, limit))
        except QueryError as error:
            context["error"] = str(error)
            status = getattr(error, "status", 400)
    return render_template("pages/query.html", **context), status


def _run_query(text: str, limit: int) -> dict[str, Any]:
    from .answers import PROJECT_PREFIXES, Busy, Job, QueryTimeout
    from .inline import ANSWER_NOW, AlreadyAnswered
    from .sparql import runner

    reason = refusal(text)
    if reason is not None:
        raise QueryError(reason)
    job = Job(query=text, base_iri=request.url_root, max_rows=limit,
              accept="application/sparql-results+json, application/n-triples",
              prefixes=PROJECT_PREFIXES)
    try:
        reply = runner(current_app).run(job, request.environ.get(ANSWER_NOW))
    except Busy:
        raise _PageError(503, "every query slot is busy; try again in a moment") from None
    except AlreadyAnswered:  # the watchdog sent the 503; this goes to a closed connection
        raise _PageError(503, "the query ran past its time limit") from None
    except QueryTimeout:
        seconds = service(current_app).settings.query_timeout
        raise _PageError(503, f"the query ran past the time limit of {seconds:g} s "
                              "and was stopped") from None
    if reply.status != 200:
        raise _PageError(reply.status, reply.body.decode("utf-8", "replace").strip())
    if reply.content_type.startswith("application/n-triples"):
        triples = list(ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES))
        rows: list[list[Term | None]] = [[q.subject, q.predicate, q.object] for q in triples]
        return {"table": {"variables": ["subject", "predicate", "object"], "rows": rows},
                "truncated": reply.truncated}
    data = json.loads(reply.body)
    if "boolean" in data:
        return {"boolean": bool(data["boolean"])}
    variables = data["head"]["vars"]
    rows = [[_term(binding.get(v)) for v in variables] for binding in data["results"]["bindings"]]
    return {"table": {"variables": variables, "rows": rows}, "truncated": reply.truncated}


class _PageError(QueryError):
    """A query the page could not run, with the HTTP status to show it with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def _term(value: dict[str, Any] | None) -> Term | None:
    """A SPARQL JSON results term as a pyoxigraph term, for the results table."""
    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


# Downloads, dumps and VoID -----------------------------------------------------------


@bp.get("/downloads")
def downloads() -> str:
    dump = service(current_app).dump
    return render_template("pages/downloads.html", nq_bytes=dump.stat().st_size,
                           graphs=graph_counts())


@bp.get("/dumps/regimegraph.nq")
def dump_nquads() -> Response:
    return send_file(service(current_app).dump, mimetype="application/n-quads",
                     as_attachment=True, download_name="regimegraph.nq", conditional=True)


@bp.get("/dumps/regimegraph.ttl")
def dump_turtle() -> Response:
    return send_file(turtle_dump(), mimetype="text/turtle", as_attachment=True,
                     download_name="regimegraph.ttl", conditional=True)


def turtle_dump() -> Path:
    """The merged default graph as Turtle, written once beside the served N-Quads dump."""
    dump = service(current_app).dump
    target = dump.with_name(dump.stem + "-merged.ttl")
    if target.exists():
        return target
    triples = [q.triple for q in
               service(current_app).store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".turtle-")
    with os.fdopen(handle, "wb") as out:
        ox.serialize(triples, output=out, format=ox.RdfFormat.TURTLE,
                     prefixes=prefix_iris())
    os.replace(temporary, target)
    return target


def graph_counts() -> list[tuple[str, int]]:
    store = service(current_app).store
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                       "GROUP BY ?g ORDER BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    out = []
    for row in rows:
        graph, count = row["g"], row["n"]
        if graph is not None and count is not None:
            out.append((graph.value, int(count.value)))
    return out


@bp.get("/void")
@bp.get("/.well-known/void")
def void() -> Response:
    from .resources import negotiate, rdf_response

    fmt = negotiate(default="ttl")
    if fmt is None:
        return error_response(406, "VoID is available as Turtle, JSON-LD or N-Triples")
    return rdf_response(void_triples(), "ttl" if fmt == "html" else fmt)


def void_triples() -> list[ox.Triple]:
    settings = service(current_app).settings
    base = (settings.base_url or request.host_url).rstrip("/") + "/"
    void_ns = "http://rdfs.org/ns/void#"
    dct = "http://purl.org/dc/terms/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def v(local: str) -> ox.NamedNode:
        return ox.NamedNode(void_ns + local)

    def d(local: str) -> ox.NamedNode:
        return ox.NamedNode(dct + local)

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))

    dataset = ox.NamedNode(base + "void#regimegraph")
    triples = [
        ox.Triple(dataset, rdf_type, v("Dataset")),
        ox.Triple(dataset, d("title"), ox.Literal("regimegraph knowledge base", language="en")),
        ox.Triple(dataset, d("description"), ox.Literal(
            "Inspections of English councils' social services across regimes and inspectorates, "
            "with the obligations that follow them.", language="en")),
        ox.Triple(dataset, v("triples"), integer(data().triple_count())),
        ox.Triple(dataset, v("sparqlEndpoint"), ox.NamedNode(base + "sparql")),
        ox.Triple(dataset, v("dataDump"), ox.NamedNode(base + "dumps/regimegraph.nq")),
        ox.Triple(dataset, v("dataDump"), ox.NamedNode(base + "dumps/regimegraph.ttl")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal("https://w3id.org/regimegraph/id/")),
        ox.Triple(dataset, v("vocabulary"), ox.NamedNode("https://w3id.org/regimegraph/def#")),
    ]
    for row in license_and_sources():
        triples.append(ox.Triple(dataset, d(row[0]), row[1]))
    for graph, count in graph_counts():
        subset = ox.NamedNode(graph)
        triples += [
            ox.Triple(dataset, v("subset"), subset),
            ox.Triple(subset, rdf_type, v("Dataset")),
            ox.Triple(subset, v("triples"), integer(count)),
        ]
    return triples


def license_and_sources() -> list[tuple[str, ox.NamedNode]]:
    """dcterms:license of the ontology and dcterms:source for every table and paper."""
    store = service(current_app).store
    rows = store.query("""
        SELECT DISTINCT ?p ?o WHERE {
          { ?ontology a owl:Ontology ; dcterms:license ?o . BIND("license" AS ?p) }
          UNION { ?o a rg:DataTable . BIND("source" AS ?p) }
          UNION { ?o a rg:CommitteePaper . BIND("source" AS ?p) }
          FILTER(isIRI(?o))
        } ORDER BY ?p ?o""", prefixes=prefix_iris())
    assert isinstance(rows, ox.QuerySolutions)
    out = []
    for row in rows:
        p, o = row["p"], row["o"]
        if isinstance(o, ox.NamedNode) and p is not None:
            out.append((p.value, o))
    return out
