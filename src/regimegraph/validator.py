"""Run SHACL shapes and turn the report into findings a person can act on.

Three engines run the same shapes. pySHACL is the reference, in Python over
rdflib. pyshacl-turbo is a Rust engine with pySHACL's API that reads a
pyoxigraph store without converting it to rdflib. `sparql` compiles SHACL
Core to SPARQL and answers it in the very store it is given
(shacl_sparql.py), which is what makes a check of a million triples take
seconds: turbo first copies the store into a dataset of its own. The default,
`auto`, runs `sparql` where it can (Core shapes, no inference, no SHACL-AF)
and turbo elsewhere. Each faster engine is admitted only because the W3C
suite, every rule fixture and the bundled knowledge base give the same
findings in it as in pySHACL (tests/test_engines.py, tests/test_w3c_shacl.py);
`--engine pyshacl` keeps the reference a flag away.

The layer adds what a CI user needs and a raw validation report lacks: each
finding carries the rule's legal source and legal force (read from the shape,
or from the node shape that owns a property shape), findings are sorted so
two runs print the same thing, and severities are plain words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from pyshacl_turbo.rdf import Input
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from . import shacl_sparql
from .engines import DEFAULT_ENGINE, ENGINES
from .errors import ShapesError
from .namespaces import RG, SH

SEVERITIES: dict[URIRef, str] = {
    URIRef(SH.Violation): "violation",
    URIRef(SH.Warning): "warning",
    URIRef(SH.Info): "info",
}
SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One result of a validation, with the authority behind the rule."""

    severity: str
    rule: str
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    sources: tuple[str, ...] = ()
    legal_force: str | None = None
    constraint: str | None = None
    file: str | None = None
    line: int | None = None
    shape: str | None = None

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (SEVERITY_ORDER.get(self.severity, 9), self.rule, self.focus,
                self.path or "", self.message)


@dataclass
class Validation:
    """A validation's verdict, its findings (sorted) and the raw SHACL report."""

    conforms: bool
    report: Graph
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def run_shacl(
    data: Graph | ox.Store,
    shapes: Graph,
    *,
    ont_graph: Graph | None = None,
    inference: str = "none",
    advanced: bool = True,
    engine: str = DEFAULT_ENGINE,
    project: bool = True,
) -> Validation:
    """Validate `data` against `shapes` and collect typed findings.

    `advanced` enables SHACL-AF (rules, SPARQL targets); `inference` is passed
    to the engine ("none", "rdfs", "owlrl", "both"). pySHACL needs rdflib
    data, so a store given to it is converted first; turbo reads either, and
    from a store it is given only the predicates the shapes can observe
    (observed_predicates; `project=False` gives it everything). `sparql`
    validates Core shapes without inference, in the store itself; `auto`
    picks it when it can, else turbo.
    """
    if engine not in ENGINES:
        raise ShapesError(f"unknown SHACL engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine in ("auto", "sparql"):
        try:
            queries = _sparql_queries(shapes, inference=inference, advanced=advanced,
                                      ont_graph=ont_graph)
        except shacl_sparql.Unsupported as why:
            if engine == "sparql":
                raise ShapesError(f"the sparql engine cannot run these rules: {why}; "
                                  f"use --engine turbo or pyshacl") from None
            engine = "turbo"
        else:
            store = data if isinstance(data, ox.Store) else _graph_store(data)
            conforms, report = shacl_sparql.validate(store, shapes, queries)
            return Validation(conforms=conforms, report=report,
                              findings=findings_from(report, shapes))
    options: dict[str, Any] = {
        "shacl_graph": shapes,
        "ont_graph": ont_graph,
        "inference": inference,
        "advanced": advanced,
        "allow_infos": False,
        "allow_warnings": False,
    }
    if engine == "pyshacl":
        if isinstance(data, ox.Store):
            from .loader import quads_to_graph

            # Core validation reads the union of the graphs, as turbo does.
            data = quads_to_graph(data.quads_for_pattern(None, None, None, None))
        conforms, report, text = pyshacl.validate(data, **options)
    else:
        observed = (observed_predicates(shapes)
                    if project and not advanced and inference == "none" else None)
        source: Graph | Input = data if isinstance(data, Graph) else _turbo_input(data, observed)
        try:
            conforms, report, text = pyshacl_turbo.validate(source, **options)
        except pyshacl_turbo.ReportableRuntimeError as error:
            raise ShapesError(f"the rules cannot be used: {error}", failure=error) from None
    if not isinstance(report, Graph):
        # pySHACL reports an unusable shapes graph by returning its exception.
        detail = str(report) if report is not None else text
        raise ShapesError(f"the rules cannot be used: {detail}", failure=report)
    return Validation(
        conforms=bool(conforms), report=report, findings=findings_from(report, shapes)
    )


def _sparql_queries(shapes: Graph, *, inference: str, advanced: bool,
                    ont_graph: Graph | None) -> list[shacl_sparql.Query]:
    """The sparql engine's queries for these shapes and settings, or why there are none."""
    if ont_graph is not None:
        raise shacl_sparql.Unsupported("an ontology graph given apart from the data")
    if inference != "none":
        raise shacl_sparql.Unsupported(f"inference ({inference!r})")
    if advanced:
        raise shacl_sparql.Unsupported("SHACL-AF (advanced)")
    return shacl_sparql.compile_shapes(shapes)


def _graph_store(graph: Graph) -> ox.Store:
    from .loader import graph_to_quads

    store = ox.Store()
    store.extend(graph_to_quads(graph, None))
    return store


def _turbo_input(store: ox.Store, predicates: set[str] | None = None) -> Input:
    """The store's quads as pyshacl-turbo's native N-Quads input.

    Not the store itself: pyshacl-turbo 0.6.5's Store input reads a simple
    literal "A" as a different term from the shapes' "A", so sh:in and
    sh:hasValue misfire (W3C core/property/in-001, hasValue-001). Nor N-Quads
    as a string: that is parsed by rdflib, in Python, which at a million
    triples takes longer than the whole validation. Its `Input` record of
    N-Quads text is parsed natively and correctly (it is what its own Store
    path builds, with the other format tag).

    With `predicates` (observed_predicates), only the quads of those
    predicates go in: turbo builds its own dataset from what it is given, and
    at a million triples that copy was most of a check's validation time.
    """
    if predicates is None:
        text = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    else:
        # By predicate from the store's index: at a million triples this costs
        # less than dumping everything, where a SPARQL CONSTRUCT costs twice that.
        text = ox.serialize(chain.from_iterable(
            store.quads_for_pattern(None, ox.NamedNode(p), None, None)
            for p in sorted(predicates)), format=ox.RdfFormat.N_QUADS) or b""
    return Input(text.decode("utf-8"), "nquads", None, {}, preserve_ids=True)


# What a SHACL Core shape can read besides the IRIs it names: class membership.
_ALWAYS_OBSERVED = {str(RDF.type), "http://www.w3.org/2000/01/rdf-schema#subClassOf"}
# Whatever reads more than the predicates a shapes graph names: closed shapes
# read every property of a focus node; SPARQL-based constraints, targets and
# rules (SHACL-SPARQL, SHACL-AF) read whatever their queries say.
_READS_ANYTHING = {str(SH[name]) for name in (
    "closed", "sparql", "select", "ask", "rule", "target", "SPARQLConstraint",
    "SPARQLTarget", "SPARQLTargetType", "SPARQLRule", "JSConstraint", "JSTarget")}


def observed_predicates(shapes: Graph) -> set[str] | None:
    """Every predicate validation by `shapes` can look at, or None if it may be any.

    A SHACL Core shape reaches data only through paths, targets and
    property-pair constraints, all of which name their predicates as IRIs in
    the shapes graph, and through rdf:type and rdfs:subClassOf for classes.
    So every IRI in the shapes graph, with those two, over-approximates what
    it reads; the triples of other predicates cannot change a result.
    tests/test_engines.py holds turbo on this input to pySHACL on everything.
    """
    named: set[str] = set(_ALWAYS_OBSERVED)
    for triple in shapes:
        for term in triple:
            if isinstance(term, URIRef):
                named.add(str(term))
    if named & _READS_ANYTHING:
        return None
    return named


def findings_from(report: Graph, shapes: Graph) -> list[Finding]:
    """Read every sh:ValidationResult of a report, with its rule's citations."""
    found: set[Finding] = set()
    # What a finding says about its rule depends only on the shape: read once per shape.
    rules: dict[Node | None, tuple[str, tuple[str, ...], str | None]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        if shape not in rules:
            owner = _owning_shape(shapes, shape)
            rules[shape] = (_name(owner if owner is not None else shape),
                            tuple(sorted(_citations(shapes, shape, owner))),
                            _optional(_first(shapes, (shape, owner), RG.legalForce)))
        rule, sources, legal_force = rules[shape]
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        found.add(
            Finding(
                severity=SEVERITIES.get(URIRef(str(severity)), str(severity)),
                rule=rule,
                focus=_name(report.value(result, SH.focusNode)),
                message=messages[0] if messages else "",
                path=_optional(report.value(result, SH.resultPath)),
                value=_optional(report.value(result, SH.value)),
                sources=sources,
                legal_force=legal_force,
                constraint=_optional(report.value(result, SH.sourceConstraintComponent)),
                shape=_optional(shape),
            )
        )
    return _merge_pairs(found)


def _merge_pairs(found: set[Finding]) -> list[Finding]:
    """One finding per problem: sh:equals reports a mismatch from both sides.

    A derived CQC rating of Good against a published Requires improvement gives
    two results with the same message and the two values; a person needs one
    finding naming both.
    """
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for finding in found:
        key = (finding.severity, finding.rule, finding.shape, finding.focus, finding.path,
               finding.message, finding.constraint)
        groups.setdefault(key, []).append(finding)
    merged = []
    for members in groups.values():
        first = min(members, key=lambda f: f.value or "")
        values = sorted({f.value for f in members if f.value is not None})
        merged.append(replace(first, value="; ".join(values) if values else None))
    return sorted(merged, key=Finding.sort_key)


def _owning_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a (possibly blank) property shape belongs to."""
    if shape is None:
        return None
    if isinstance(shape, URIRef) and (shape, RDF.type, SH.NodeShape) in shapes:
        return shape
    owner = shapes.value(predicate=SH.property, object=shape)
    if owner is not None:
        return owner
    return shape


def _citations(shapes: Graph, *candidates: Node | None) -> Iterable[str]:
    for node in candidates:
        if node is not None:
            yield from (str(s) for s in shapes.objects(node, DCTERMS.source))


def _first(shapes: Graph, nodes: Iterable[Node | None], predicate: URIRef) -> Node | None:
    for node in nodes:
        if node is not None:
            value = shapes.value(node, predicate)
            if value is not None:
                return value
    return None


def _name(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _optional(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    return _name(node)
