"""Every IRI of ours dereferences: /id/{kind}/{slug} and /def.

The knowledge base's IRIs are https://w3id.org/regimegraph/id/... whatever
host serves them, so a request path maps to an IRI with the fixed base
`namespaces.BASE` (w3id.org redirects to the deployment). A resource's
description is its triples as subject in the merged default graph, the blank
nodes reachable from them, and the labels of the IRIs they point to. HTML for a
browser, Turtle, JSON-LD or N-Triples by content negotiation (q-values honoured)
or by `?format=ttl|jsonld|nt|html`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from ..duties import Duty
from ..namespaces import BASE, GRAPH, PREFIXES, RG, prefix_iris
from . import service
from .charts import Point, timeline
from .pagedata import LABEL, PREF_LABEL, Row, Term, text
from .pages import data, error_response, term_href

bp = Blueprint("resources", __name__, template_folder="templates")

FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}
ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt", "html": "html"}
MEDIA_TYPES = [
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
]
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def negotiate(default: str = "html") -> str | None:
    """html, ttl, jsonld or nt from ?format or the Accept header; None if nothing fits."""
    asked = request.args.get("format")
    if asked:
        fmt = ALIASES.get(asked, asked)
        return fmt if fmt in FORMATS or fmt == "html" else None
    accept = request.accept_mimetypes
    if not accept:
        return default
    offered = sorted(MEDIA_TYPES, key=lambda item: item[1] != default)
    best = accept.best_match([media for media, _ in offered])
    return dict(MEDIA_TYPES)[best] if best else None


def rdf_response(triples: list[ox.Triple], fmt: str) -> Response:
    rdf_format, media_type = FORMATS[fmt]
    prefixes = prefix_iris() if fmt == "ttl" else None
    body = ox.serialize(sorted(triples, key=str), format=rdf_format, prefixes=prefixes) or b""
    response = Response(body, mimetype=media_type)
    response.headers["Vary"] = "Accept"
    return response


def describe(store: ox.Store, subject: ox.NamedNode) -> list[ox.Triple]:
    """The subject's triples, the blank nodes reachable from them, and its objects' labels."""
    out: list[ox.Triple] = []
    seen: set[Any] = {subject}
    todo: list[ox.NamedNode | ox.BlankNode] = [subject]
    objects: set[str] = set()
    while todo:
        node = todo.pop()
        for quad in store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            out.append(quad.triple)
            obj = quad.object
            if isinstance(obj, ox.BlankNode) and obj not in seen:
                seen.add(obj)
                todo.append(obj)
            elif isinstance(obj, ox.NamedNode) and obj != subject:
                objects.add(obj.value)
    for iri in sorted(objects):
        for predicate in (LABEL, PREF_LABEL):
            for quad in store.quads_for_pattern(ox.NamedNode(iri), predicate, None,
                                                ox.DefaultGraph()):
                out.append(quad.triple)
    return out


def ontology_triples(store: ox.Store) -> list[ox.Triple]:
    """Every triple of the ontology's named graphs (graph:ontology/...)."""
    prefix = str(GRAPH["ontology/"])
    triples: set[ox.Triple] = set()
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            triples.update(q.triple for q in store.quads_for_pattern(None, None, None, graph))
    return sorted(triples, key=str)


@bp.get("/def")
def ontology() -> Any:
    fmt = negotiate()
    if fmt is None:
        return error_response(406, "the ontology is available as HTML, Turtle, JSON-LD or "
                                   "N-Triples")
    triples = ontology_triples(service(current_app).store)
    if fmt != "html":
        return rdf_response(triples, fmt)
    terms: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(str(RG)):
            terms[t.subject.value][t.predicate.value].append(t.object)  # type: ignore[arg-type]
    header = describe(service(current_app).store, ox.NamedNode(BASE + "def"))
    return _html("pages/ontology.html", iri=BASE + "def", triples=header,
                 terms=sorted(terms.items()), count=len(triples))


@bp.get("/def/<module>", defaults={"kind": None})
@bp.get("/id/<kind>/<path:slug>")
def resource(kind: str | None, slug: str = "", module: str = "") -> Any:
    fmt = negotiate()
    if fmt is None:
        return error_response(406, "resources are available as HTML (text/html), Turtle "
                                   "(text/turtle), JSON-LD (application/ld+json) or N-Triples "
                                   "(application/n-triples)")
    iri = f"{BASE}def/{module}" if kind is None else f"{BASE}id/{kind}/{slug}"
    segments = [module] if kind is None else [kind, *slug.split("/")]
    store = service(current_app).store
    subject = ox.NamedNode(iri) if all(_SLUG.match(part) for part in segments) else None
    triples = describe(store, subject) if subject is not None else []
    if subject is None or not triples:
        return error_response(404, f"no resource <{iri}> in the knowledge base")
    if fmt != "html":
        return rdf_response(triples, fmt)
    view = VIEWS.get(kind or "")
    context = view(subject) if view else {}
    template = f"pages/{kind}.html" if view else "pages/resource.html"
    return _html(template, iri=iri, kind=kind or "ontology module", subject=subject,
                 triples=triples, today=data().today, **context)


def _html(template: str, **context: Any) -> Response:
    response = Response(render_template(template, properties=properties, **context),
                        mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def properties(triples: list[ox.Triple], subject: str) -> list[tuple[ox.NamedNode, list[Term]]]:
    """The triples about one subject, grouped by predicate, for a table."""
    grouped: dict[str, list[Term]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, (ox.NamedNode, ox.BlankNode)) and t.subject.value == subject:
            grouped[t.predicate.value].append(t.object)  # type: ignore[arg-type]
    return [(ox.NamedNode(p), sorted(objs, key=str)) for p, objs in sorted(grouped.items())]


def values(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> list[Term]:
    iri = predicate if "://" in predicate else _expand(predicate)
    return sorted((t.object for t in triples  # type: ignore[misc]
                   if t.subject == subject and t.predicate.value == iri), key=str)


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return str(PREFIXES[prefix]) + local


# Views per kind --------------------------------------------------------------------


def council_view(council: ox.NamedNode) -> dict[str, Any]:
    d = data()
    judgments = d.judgments(council)
    by_inspection: dict[str, list[Row]] = defaultdict(list)
    for row in judgments:
        by_inspection[text(row, "inspection")].append(row)
    points = []
    for inspection, rows in by_inspection.items():
        first = rows[0]
        headline = [r for r in rows if text(r, "headline") == "true"] or (
            rows if len(rows) == 1 else [])
        if headline:
            label = d.label(headline[0]["value"])
        elif len(rows) <= 3:
            label = " / ".join(d.label(r["value"]) for r in rows)
        else:
            label = f"{len(rows)} judgments"
        detail = "; ".join(f"{d.label(r['dimension'])}: {d.label(r['value'])}" for r in rows)
        points.append(Point(when=text(first, "when"), row=d.label(first["regime"]),
                            label=label, detail=f"{d.label(first['regime'])}: {detail}",
                            href=_href(inspection)))
    duties = sorted(d.duties_by_council.get(council.value, []),
                    key=lambda duty: (duty.obligation.notation, duty.trigger))
    return {
        "name": d.label(council),
        "judgments": judgments,
        "chart": timeline(points, f"Judgments of {d.label(council)} across regimes"),
        "inspections": d.inspections(council),
        "documents": d.documents(council),
        "meetings": d.meetings(council),
        "duties": duties,
        "status_word": d.status_word,
        "values": values,
    }


def regime_view(regime: ox.NamedNode) -> dict[str, Any]:
    return {"dimensions": data().dimensions(regime), "values": values}


def inspectorate_view(inspectorate: ox.NamedNode) -> dict[str, Any]:
    d = data()
    return {"events": d.change_events(inspectorate), "regimes": d.regimes_of(inspectorate),
            "values": values}


def obligation_view(obligation: ox.NamedNode) -> dict[str, Any]:
    d = data()
    duties: list[Duty] = d.duties_for(obligation.value)
    return {"duties": duties, "status_word": d.status_word, "values": values}


def _href(iri: str) -> str | None:
    return term_href(iri)


VIEWS = {
    "council": council_view,
    "regime": regime_view,
    "inspectorate": inspectorate_view,
    "obligation": obligation_view,
}
