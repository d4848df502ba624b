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
from rdflib import OWL, RDF, RDFS, Graph, Literal

from .loader import to_oxigraph

# What OWL RL adds that says nothing about the domain: every resource the same
# as itself, every class a subclass of itself and of owl:Thing, and so on.
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource}


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
    if isinstance(s, Literal):
        return True
    if s == o and p in (
        OWL.sameAs,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        OWL.equivalentClass,
        OWL.equivalentProperty,
    ):
        return True
    if p in (RDF.type, RDFS.subClassOf) and o in _TRIVIAL_OBJECTS:
        return True
    return (
        p == RDF.type
        and o in (OWL.Class, RDFS.Class, RDF.Property)
        and str(s).startswith(("http://www.w3.org/", "http://purl.org/dc/"))
    )


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


_TRIVIAL_OX = {f"{_OWL}Thing", f"{_RDFS}Resource"}
_SELF_LINKS = {f"{_OWL}sameAs", f"{_RDFS}subClassOf", f"{_RDFS}subPropertyOf",
               f"{_OWL}equivalentClass", f"{_OWL}equivalentProperty"}
_DECLARATIONS = {f"{_OWL}Class", f"{_RDFS}Class", f"{_RDF}Property"}


def _trivial_ox(triple: ox.Triple) -> bool:
    """_trivial on Oxigraph terms, without converting a million triples to rdflib."""
    s, p, o = triple.subject, triple.predicate.value, triple.object
    if isinstance(s, ox.Literal):
        return True
    if s == o and p in _SELF_LINKS:
        return True
    if not isinstance(o, ox.NamedNode):
        return False
    if p in (f"{_RDF}type", f"{_RDFS}subClassOf") and o.value in _TRIVIAL_OX:
        return True
    return (
        p == f"{_RDF}type"
        and o.value in _DECLARATIONS
        and isinstance(s, ox.NamedNode)
        and s.value.startswith(("http://www.w3.org/", "http://purl.org/dc/"))
    )
