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
from rdflib import OWL, RDF, RDFS, Graph, Literal

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
