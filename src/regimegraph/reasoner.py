"""The OWL RL closure, computed once when the knowledge base is built.

owlrl is slow (tens of seconds for a few thousand triples), so the closure is
never run on a query or a check: `kb.build` runs it once over the ontology,
reference data and records and keeps only what it adds, in its own named graph
(`graph:inferred`). Users can then query asserted facts alone, or with the
inferences, and see which is which.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from .loader import to_oxigraph
from .store import select


@dataclass(frozen=True)
class Closure:
    """The triples the closure added, and how long it took."""

    inferred: Graph
    seconds: float
    input_triples: int


def owl_rl_closure(asserted: Graph) -> Closure:
    """Run OWL RL over a copy of `asserted` and return only the new triples."""
    work = Graph()
    for triple in asserted:
        work.add(triple)
    started = time.perf_counter()
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    seconds = time.perf_counter() - started
    inferred = Graph()
    for s, p, o in work:
        if (s, p, o) in asserted or _trivial(s, p, o):
            continue
        inferred.add((s, p, o))
    return Closure(inferred=inferred, seconds=seconds, input_triples=len(asserted))


def _trivial(s: object, p: object, o: object) -> bool:
    """Whether owlrl's triple says nothing about the domain (see _trivial_link)."""
    if isinstance(s, Literal):
        return True
    return _trivial_link(
        str(s) if isinstance(s, URIRef) else "",
        str(p),
        str(o) if isinstance(o, URIRef) else None,
        s == o,
    )


def _trivial_ox(triple: ox.Triple) -> bool:
    """The same rule on Oxigraph terms, without converting a million triples to rdflib."""
    s, o = triple.subject, triple.object
    return _trivial_link(
        s.value if isinstance(s, ox.NamedNode) else "",
        triple.predicate.value,
        o.value if isinstance(o, ox.NamedNode) else None,
        s == o,
    )


def _trivial_link(subject: str, predicate: str, obj: str | None, same: bool) -> bool:
    """What OWL RL adds that says nothing about the domain.

    Every resource the same as itself, every class a subclass of itself and
    of owl:Thing, the W3C vocabularies' own terms declared again. `subject` is
    the subject's IRI ("" for a blank node), `obj` the object's IRI (None when
    it is not an IRI), `same` whether subject and object are one term.
    """
    if same and predicate in _SELF_LINKS:
        return True
    if obj is None:
        return False
    if predicate in (_TYPE, _SUBCLASS) and obj in _TRIVIAL_OBJECTS:
        return True
    return (
        predicate == _TYPE
        and obj in _DECLARATIONS
        and subject.startswith(("http://www.w3.org/", "http://purl.org/dc/"))
    )


_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)
_TRIVIAL_OBJECTS = {str(OWL.Thing), str(RDFS.Resource)}
_SELF_LINKS = {str(OWL.sameAs), str(RDFS.subClassOf), str(RDFS.subPropertyOf),
               str(OWL.equivalentClass), str(OWL.equivalentProperty)}
_DECLARATIONS = {str(OWL.Class), str(RDFS.Class), str(RDF.Property)}


# --- The same closure at the speed of the store ------------------------------
#
# owlrl is Python and applies every OWL RL rule to every triple: 10 s for the
# bundled 15k triples, hours for a million. What it infers from our records is
# RDFS-Plus: types from subclasses, domains and ranges, sub-properties and
# inverses; everything else it adds (datatype and annotation declarations,
# owl:Nothing under every class) depends on the schema alone. So the schema
# (ontology and reference data, a few thousand triples) still goes through
# owlrl, and the records get those five rules as SPARQL updates run by
# Oxigraph to a fixpoint. tests/test_reasoner.py requires the result to equal
# owlrl's full closure on the bundled knowledge base, triple for triple.

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_DEFAULT = ox.DefaultGraph()
_NEW = ox.NamedNode("urn:regimegraph:closure:new")
_SCHEMA_CLOSURE = ox.NamedNode("urn:regimegraph:closure:schema")


def _rule(head: str, link: str, data: str, condition: str = "") -> str:
    """An update adding `head` to the NEW graph where a schema `link` and `data` match.

    The schema side is read from the default graph, which holds only the
    closed schema links (small); the data side from every named graph,
    NEW included, so nothing is copied to a work area first. A triple some
    graph already holds is not added, so NEW ends as exactly what is new.
    For types (a fixed predicate) that test is a MINUS, which Oxigraph 0.5
    runs as one hash anti-join, 2.5 times faster than FILTER NOT EXISTS at a
    million triples; for a variable predicate MINUS would hash every triple
    in the store, and the per-solution lookup of NOT EXISTS is cheaper.
    """
    variables = " ".join(sorted(set(re.findall(r"\?\w+", head))))
    exclude = (f"MINUS {{ GRAPH ?h {{ {head} }} }}" if " a " in f" {head} "
               else f"FILTER NOT EXISTS {{ GRAPH ?h {{ {head} }} }}")
    return (f"INSERT {{ GRAPH <{_NEW.value}> {{ {head} }} }} WHERE {{ "
            f"{{ SELECT DISTINCT {variables} WHERE {{ {link} GRAPH ?g {{ {data} }} {condition} "
            f"}} }} {exclude} }}")


# Property rules first, to a fixpoint (an inverse of a sub-property of an
# inverse...); then the rules that only add types: domains and ranges, then
# subclasses, once each, since subClassOf is closed transitively beforehand.
# That order is complete unless rdf:type itself has a sub-property, an
# inverse, a domain or a range (_TYPE_FEEDS_BACK); then all five run to a
# fixpoint together.
_PROPERTY_RULES = (
    # prp-spo1 (prp-eqp folded in)
    _rule("?x ?q ?y .", f"?p <{_RDFS}subPropertyOf> ?q .", "?x ?p ?y ."),
    # prp-inv1 and prp-inv2 (the inverse pairs are closed both ways first)
    _rule("?y ?q ?x .", f"?p <{_OWL}inverseOf> ?q .", "?x ?p ?y ."),
)
_TYPE_RULES = (
    # prp-dom
    _rule("?x a ?c .", f"?p <{_RDFS}domain> ?c .", "?x ?p ?y ."),
    # prp-rng (a literal is never a subject)
    _rule("?y a ?c .", f"?p <{_RDFS}range> ?c .", "?x ?p ?y .", "FILTER(!isLiteral(?y))"),
    # cax-sco (with scm-sco and cax-eqc folded into the closed subClassOf)
    _rule("?x a ?d .", f"?c <{_RDFS}subClassOf> ?d .", "?x a ?c ."),
)
_TYPE_FEEDS_BACK = (
    f"ASK {{ <{_RDF}type> ?link ?any "
    f"VALUES ?link {{ <{_RDFS}subPropertyOf> <{_OWL}inverseOf> <{_RDFS}domain> <{_RDFS}range> }} }}"
)
_SCHEMA_PREDICATES = " ".join(f"<{p}>" for p in (
    f"{_RDFS}subClassOf", f"{_RDFS}subPropertyOf", f"{_OWL}inverseOf", f"{_OWL}equivalentClass",
    f"{_OWL}equivalentProperty", f"{_RDFS}domain", f"{_RDFS}range"))


@dataclass(frozen=True)
class StoreClosure:
    """What the closure added (as triples in no graph), and how long it took.

    `input_triples` counts the asserted quads read (a triple stated in two
    graphs counts twice: counting distinct triples cost 3 s at a million).
    """

    inferred: list[ox.Triple]
    seconds: float
    input_triples: int


def schema_and_rules_closure(schema: Graph, asserted: list[ox.Quad]) -> StoreClosure:
    """The OWL RL closure of `asserted` (which includes `schema`), as owlrl computes it.

    For callers holding quads rather than a store (tests): see close_in_store.
    """
    store = ox.Store()
    store.extend(q if not isinstance(q.graph_name, ox.DefaultGraph)
                 else ox.Quad(q.subject, q.predicate, q.object, _ASSERTED) for q in asserted)
    return close_in_store(store, schema)


def close_in_store(store: ox.Store, schema: Graph) -> StoreClosure:
    """The OWL RL closure of the named graphs of `store`, as owlrl would compute it.

    `schema` is the ontology and reference data (also among the named
    graphs): owlrl closes it; the records are closed by the RDFS-Plus rules
    on Oxigraph, in time linear in their size. Returns only what is new and
    not trivial, like owl_rl_closure. The default graph is the work area for
    the schema links: it must be empty, and is left empty. Every step runs
    inside Oxigraph, with no Python object per asserted triple and no copy
    of them: that is what lets a million-triple build finish in seconds.
    """
    started = time.perf_counter()
    given = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    schema_closure = [ox.Triple(*(to_oxigraph(t) for t in triple))  # type: ignore[arg-type]
                      for triple in owl_rl_closure(schema).inferred]
    stated = {t for t in schema_closure
              if not any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object))}
    store.extend(ox.Quad(t.subject, t.predicate, t.object, _SCHEMA_CLOSURE)
                 for t in schema_closure)
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                 f"VALUES ?p {{ {_SCHEMA_PREDICATES} }} }}")
    _close_schema_links(store)
    if bool(store.query(_TYPE_FEEDS_BACK)):
        _fixpoint(store, _PROPERTY_RULES + _TYPE_RULES)
    else:
        _fixpoint(store, _PROPERTY_RULES)
        for rule in _TYPE_RULES:
            store.update(rule)
    inferred = []
    for quad in store.quads_for_pattern(None, None, None, _NEW):
        triple = quad.triple
        # Links owlrl's schema closure did not state are only there to drive the rules.
        if triple.predicate.value in _SCHEMA_LINKS and triple not in stated:
            continue
        if not _trivial_ox(triple):
            inferred.append(triple)
    inferred.extend(t for t in stated if not _trivial_ox(t))
    store.update(f"CLEAR DEFAULT; DROP SILENT GRAPH <{_SCHEMA_CLOSURE.value}>; "
                 f"DROP SILENT GRAPH <{_NEW.value}>")
    return StoreClosure(inferred=inferred, seconds=time.perf_counter() - started,
                        input_triples=given)


def _fixpoint(store: ox.Store, rules: tuple[str, ...]) -> None:
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{_NEW.value}> {{ ?s ?p ?o }} }}"
    while True:
        size = _count(store, count)
        for rule in rules:
            store.update(rule)
        if _count(store, count) == size:
            return


def _count(store: ox.Store, query: str) -> int:
    for row in select(store, query):
        return int(row["n"].value)
    return 0


_ASSERTED = ox.NamedNode("urn:regimegraph:closure:asserted")
_SCHEMA_LINKS = {f"{_OWL}inverseOf", f"{_RDFS}subClassOf", f"{_RDFS}subPropertyOf"}


def _close_schema_links(store: ox.Store) -> None:
    """Make subClassOf/subPropertyOf transitive, equivalences two sub-links, inverses symmetric.

    Then each ABox rule needs one step per round, however deep the hierarchy.
    """
    for update in (
        f"INSERT {{ ?a <{_RDFS}subClassOf> ?b . ?b <{_RDFS}subClassOf> ?a }} "
        f"WHERE {{ ?a <{_OWL}equivalentClass> ?b }}",
        f"INSERT {{ ?a <{_RDFS}subPropertyOf> ?b . ?b <{_RDFS}subPropertyOf> ?a }} "
        f"WHERE {{ ?a <{_OWL}equivalentProperty> ?b }}",
        f"INSERT {{ ?a <{_RDFS}subClassOf> ?c }} WHERE {{ ?a <{_RDFS}subClassOf>+ ?c }}",
        f"INSERT {{ ?a <{_RDFS}subPropertyOf> ?c }} WHERE {{ ?a <{_RDFS}subPropertyOf>+ ?c }}",
        f"INSERT {{ ?b <{_OWL}inverseOf> ?a }} WHERE {{ ?a <{_OWL}inverseOf> ?b }}",
    ):
        store.update(update)
