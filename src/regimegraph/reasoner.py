"""The OWL RL closure, computed once when the knowledge base is built.

owlrl is slow (tens of seconds for a few thousand triples), so the closure is
never run on a query or a check: `kb.build` runs it once over the ontology,
reference data and records and keeps only what it adds, in its own named graph
(`graph:inferred`). Users can then query asserted facts alone, or with the
inferences, and see which is which.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from .loader import to_oxigraph


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
_ABOX_RULES = (
    # cax-sco (with scm-sco and cax-eqc folded into the closed subClassOf)
    f"INSERT {{ ?x a ?d }} WHERE {{ ?c <{_RDFS}subClassOf> ?d . ?x a ?c }}",
    # prp-spo1 (prp-eqp folded in)
    f"INSERT {{ ?x ?q ?y }} WHERE {{ ?p <{_RDFS}subPropertyOf> ?q . ?x ?p ?y }}",
    # prp-inv1 and prp-inv2 (the inverse pairs are closed both ways first)
    f"INSERT {{ ?y ?q ?x }} WHERE {{ ?p <{_OWL}inverseOf> ?q . ?x ?p ?y }}",
    # prp-dom
    f"INSERT {{ ?x a ?c }} WHERE {{ ?p <{_RDFS}domain> ?c . ?x ?p ?y }}",
    # prp-rng (a literal is never a subject)
    f"INSERT {{ ?y a ?c }} WHERE {{ ?p <{_RDFS}range> ?c . ?x ?p ?y FILTER(!isLiteral(?y)) }}",
)


@dataclass(frozen=True)
class StoreClosure:
    """What the closure added (as triples in no graph), and how long it took."""

    inferred: list[ox.Triple]
    seconds: float
    input_triples: int


def schema_and_rules_closure(schema: Graph, asserted: list[ox.Quad]) -> StoreClosure:
    """The OWL RL closure of `asserted` (which includes `schema`), as owlrl computes it.

    `schema` is the ontology and reference data: owlrl closes it; the records
    are closed by the RDFS-Plus rules on Oxigraph, in time linear in their
    size. Returns only what is new and not trivial, like owl_rl_closure.
    """
    started = time.perf_counter()
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, _DEFAULT) for q in asserted)
    given = {q.triple for q in store}
    schema_closure = [ox.Triple(*(to_oxigraph(t) for t in triple))  # type: ignore[arg-type]
                      for triple in owl_rl_closure(schema).inferred]
    store.extend(ox.Quad(t.subject, t.predicate, t.object, _DEFAULT) for t in schema_closure)
    # Links owlrl's schema closure did not state are only there to drive the rules.
    stated = given | set(schema_closure)
    _close_schema_links(store)
    while True:
        size = len(store)
        for rule in _ABOX_RULES:
            store.update(rule)
        if len(store) == size:
            break
    inferred = []
    for quad in store:
        triple = quad.triple
        if triple in given:
            continue
        if triple.predicate.value in _SCHEMA_LINKS and triple not in stated:
            continue
        if _trivial_ox(triple):
            continue
        inferred.append(triple)
    return StoreClosure(inferred=inferred, seconds=time.perf_counter() - started,
                        input_triples=len(given))


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
