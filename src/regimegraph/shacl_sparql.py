"""SHACL Core validation compiled to SPARQL and run inside an Oxigraph store.

Why a third engine: `regimegraph check` builds an Oxigraph store of the records,
the ontology, the derived facts and the duties. pyshacl-turbo validates a copy
of it in its own dataset, and at a million triples making that copy took more
time than the rest of the validation. Here each constraint of each shape
becomes one SPARQL SELECT for its violations, answered by the store the check
already holds, so nothing is copied.

Only SHACL Core, and only the part this module can translate faithfully:
targets, every kind of path (SHACL paths are SPARQL property paths), value
type, cardinality, value range, string, property pair, logical and shape-based
constraints, sh:closed, sh:in, sh:hasValue, sh:deactivated, severities and
messages. Anything else (SHACL-SPARQL, SHACL-AF, qualified value shapes,
counts above a handful inside nested shapes) raises `Unsupported`, and the
caller uses another engine. The engine is admitted where the W3C suite and
every rule fixture give what pySHACL gives (tests/test_w3c_shacl.py,
tests/test_engines.py).

Semantics worth knowing, all from the SHACL recommendation:
- a value node conforms to a nested shape when no constraint of that shape
  has a violation for it: NOT EXISTS over the nested shape's own violation
  patterns, correlated on the value node (SPARQL EXISTS substitutes it);
- a comparison that raises a SPARQL error (a date against a string) is a
  violation, so every test is written `!COALESCE(test, false)`;
- sh:datatype also requires a well-formed literal: Oxigraph keeps an
  ill-formed "2003-13-45"^^xsd:date with its datatype, and a cast of its
  lexical form to the datatype fails, which is how it is found;
- sh:in and sh:hasValue compare terms (sameTerm), not values.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .loader import to_rdflib
from .namespaces import SH

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = str(RDF.langString)
# Datatypes whose lexical forms Oxigraph can check by a cast of the string.
_CASTABLE = {f"{XSD}{name}" for name in (
    "string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time",
    "duration", "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth")}
# Above this, "at least n distinct values" as a pattern grows too fast to be worth it.
_MAX_PATTERN_COUNT = 4

_NODE_KINDS: dict[URIRef, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_RANGES = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<",
           SH.maxInclusive: "<="}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
# Every SHACL term a shape may use here: the parameters translated, and those that
# carry no constraint. Any other sh: term on a shape is refused, not guessed at.
_KNOWN = {SH[name] for name in (
    "class", "datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "in",
    "hasValue", "minCount", "maxCount", "equals", "disjoint", "lessThan", "lessThanOrEquals",
    "not", "node", "and", "or", "xone", "closed", "ignoredProperties", "uniqueLang",
    "property", "path", "targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf",
    "message", "severity", "deactivated", "name", "description", "order", "group",
    "defaultValue")}
# Refused wherever they appear in the shapes graph.
_UNSUPPORTED = {SH.sparql, SH.target, SH.rule, SH.qualifiedValueShape, SH.js, SH.parameter,
                SH.validator, SH.nodeValidator, SH.propertyValidator}


# Writes the pattern binding a variable to a shape's value nodes.
_Nodes = Callable[[str], str]


class Unsupported(Exception):
    """The shapes use SHACL this engine does not translate; another engine must run them."""


@dataclass(frozen=True)
class Violations:
    """One constraint's violations as a SPARQL group pattern over the focus variable.

    `value` names the variable holding the offending value node, if the
    constraint reports one; `path` the variable holding a result path that
    varies by row (sh:closed), else the shape's own path is reported; `key`
    a variable that tells results apart that would otherwise be one (the
    language of sh:uniqueLang, the other value of sh:lessThan).
    """

    shape: Node
    component: URIRef
    pattern: str
    value: str | None
    path: str | None = None
    key: str | None = None


@dataclass
class _Compiler:
    shapes: Graph
    counter: itertools.count[int] = field(default_factory=itertools.count)
    nesting: list[Node] = field(default_factory=list)

    def var(self, stem: str) -> str:
        return f"?{stem}{next(self.counter)}"

    # --- shapes ---------------------------------------------------------------------------

    def deactivated(self, shape: Node) -> bool:
        return self.shapes.value(shape, SH.deactivated) == Literal(True)

    def violations(self, shape: Node, focus: str) -> Iterator[Violations]:
        """Every constraint of `shape` (not those of its property shapes) on `focus`."""
        if self.deactivated(shape):
            return
        path = self.shapes.value(shape, SH.path)
        for predicate in set(self.shapes.predicates(shape)):
            unknown = str(predicate).startswith(str(SH)) and predicate not in _KNOWN
            closed_property = predicate == SH.closed and path is not None
            if unknown or predicate in _UNSUPPORTED or closed_property:
                raise Unsupported(f"{_short(predicate)} (on {_show(shape)})")
        if path is None:
            def nodes(v: str) -> str:
                return f"BIND({focus} AS {v})"
        else:
            sparql_path = self.path(path)

            def nodes(v: str) -> str:
                return f"{focus} {sparql_path} {v} ."
        yield from self._value_constraints(shape, focus, nodes, path is not None)

    def conforms(self, shape: Node, node: str) -> str:
        """A SPARQL expression: `node` conforms to `shape` (nested, so targets do not count)."""
        if self.deactivated(shape):
            return "true"
        if shape in self.nesting:
            # The recommendation leaves the validation of recursive shapes undefined.
            raise Unsupported(f"the recursive shape {_show(shape)}")
        self.nesting.append(shape)
        tests = [f"NOT EXISTS {{ {v.pattern} }}" for v in self.violations(shape, node)]
        path = self.shapes.value(shape, SH.path)
        for child in sorted(self.shapes.objects(shape, SH.property), key=str):
            if path is None:
                tests.append(self.conforms(child, node))
            else:
                # Each value node must conform to a property shape of a property shape.
                value = self.var("v")
                tests.append(f"NOT EXISTS {{ {node} {self.path(path)} {value} . "
                             f"FILTER(!{self.conforms(child, value)}) }}")
        self.nesting.pop()
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def _value_constraints(self, shape: Node, focus: str, nodes: _Nodes,
                           is_property: bool) -> Iterator[Violations]:
        g = self.shapes

        def each(component: URIRef, test: str, v: str) -> Violations:
            return Violations(shape, component, f"{nodes(v)} FILTER(!COALESCE({test}, false))", v)

        for cls in g.objects(shape, SH["class"]):
            v = self.var("v")
            yield Violations(shape, SH.ClassConstraintComponent,
                             f"{nodes(v)} FILTER NOT EXISTS {{ {v} "
                             f"<{RDF.type}>/<{RDFS.subClassOf}>* {term(cls)} }}", v)
        for datatype in g.objects(shape, SH.datatype):
            v = self.var("v")
            yield each(SH.DatatypeConstraintComponent, _datatype_test(v, datatype), v)
        for kind in g.objects(shape, SH.nodeKind):
            test = _NODE_KINDS.get(URIRef(str(kind)))
            if test is None:
                raise Unsupported(f"sh:nodeKind {_show(kind)}")
            v = self.var("v")
            yield each(SH.NodeKindConstraintComponent, test.format(v=v), v)
        for parameter, operator in _RANGES.items():
            for bound in g.objects(shape, parameter):
                v = self.var("v")
                yield each(_component(parameter), f"{v} {operator} {term(bound)}", v)
        for name, comparison in (("minLength", ">="), ("maxLength", "<=")):
            for length in g.objects(shape, SH[name]):
                v = self.var("v")
                yield each(_component(SH[name]),
                           f"!isBlank({v}) && STRLEN(STR({v})) {comparison} {_integer(length)}", v)
        for pattern in g.objects(shape, SH.pattern):
            v = self.var("v")
            flags = g.value(shape, SH.flags)
            extra = f", {_string(flags)}" if flags is not None else ""
            yield each(SH.PatternConstraintComponent,
                       f"!isBlank({v}) && REGEX(STR({v}), {_string(pattern)}{extra})", v)
        for languages in g.objects(shape, SH.languageIn):
            v = self.var("v")
            tests = " || ".join(f"langMatches(lang({v}), {_string(tag)})"
                                for tag in self.members(languages))
            yield each(SH.LanguageInConstraintComponent,
                       f"isLiteral({v}) && ({tests or 'false'})", v)
        for listed in g.objects(shape, SH["in"]):
            v = self.var("v")
            tests = " || ".join(f"sameTerm({v}, {term(m)})" for m in self.members(listed))
            yield each(SH.InConstraintComponent, tests or "false", v)
        for value in g.objects(shape, SH.hasValue):
            if isinstance(value, BNode):
                raise Unsupported("sh:hasValue with a blank node")
            if is_property:
                yield Violations(shape, SH.HasValueConstraintComponent,
                                 f"FILTER NOT EXISTS {{ {nodes(term(value))} }}", None)
            else:
                yield Violations(shape, SH.HasValueConstraintComponent,
                                 f"FILTER(!sameTerm({focus}, {term(value)}))", None)
        yield from self._counts(shape, nodes)
        yield from self._pairs(shape, focus, nodes, is_property)
        yield from self._logical(shape, nodes)
        yield from self._closed(shape, focus)
        if is_property:
            yield from self._unique_lang(shape, nodes)

    def _counts(self, shape: Node, nodes: _Nodes) -> Iterator[Violations]:
        for minimum in self.shapes.objects(shape, SH.minCount):
            n = _integer(minimum)
            if n > 0:
                yield Violations(shape, SH.MinCountConstraintComponent,
                                 f"FILTER NOT EXISTS {{ {self._at_least(n, nodes)} }}", None)
        for maximum in self.shapes.objects(shape, SH.maxCount):
            yield Violations(shape, SH.MaxCountConstraintComponent,
                             f"FILTER EXISTS {{ {self._at_least(_integer(maximum) + 1, nodes)} }}",
                             None)

    def _at_least(self, n: int, nodes: _Nodes) -> str:
        """A pattern with a solution when there are at least `n` distinct value nodes."""
        if n > _MAX_PATTERN_COUNT:
            raise Unsupported(f"sh:minCount or sh:maxCount of {n - 1} or more")
        names = [self.var("c") for _ in range(n)]
        parts = [nodes(name) for name in names]
        parts += [f"FILTER(!sameTerm({a}, {b}))" for a, b in itertools.combinations(names, 2)]
        return " ".join(parts)

    def _pairs(self, shape: Node, focus: str, nodes: _Nodes,
               is_property: bool) -> Iterator[Violations]:
        g = self.shapes
        for other in g.objects(shape, SH.equals):
            v = self.var("v")
            # Two patterns, not a UNION: a group inside it would not see the focus bound.
            yield Violations(shape, SH.EqualsConstraintComponent,
                             f"{nodes(v)} FILTER NOT EXISTS {{ {focus} {term(other)} {v} }}", v)
            w = self.var("v")
            same = nodes(w) if is_property else f"FILTER(sameTerm({focus}, {w}))"
            yield Violations(shape, SH.EqualsConstraintComponent,
                             f"{focus} {term(other)} {w} . FILTER NOT EXISTS {{ {same} }}", w)
        for other in g.objects(shape, SH.disjoint):
            v = self.var("v")
            yield Violations(shape, SH.DisjointConstraintComponent,
                             f"{nodes(v)} {focus} {term(other)} {v} .", v)
        for parameter, operator in _PAIRS.items():
            for other in g.objects(shape, parameter):
                v, o = self.var("v"), self.var("o")
                # One result for each pair of values out of order.
                yield Violations(shape, _component(parameter),
                                 f"{nodes(v)} {focus} {term(other)} {o} . "
                                 f"FILTER(!COALESCE({v} {operator} {o}, false))", v, key=o)

    def _logical(self, shape: Node, nodes: _Nodes) -> Iterator[Violations]:
        g = self.shapes
        for inner in g.objects(shape, SH["not"]):
            v = self.var("v")
            yield Violations(shape, SH.NotConstraintComponent,
                             f"{nodes(v)} FILTER({self.conforms(inner, v)})", v)
        for inner in g.objects(shape, SH.node):
            v = self.var("v")
            yield Violations(shape, SH.NodeConstraintComponent,
                             f"{nodes(v)} FILTER(!{self.conforms(inner, v)})", v)
        for parameter, join in ((SH["and"], " && "), (SH["or"], " || ")):
            for listed in g.objects(shape, parameter):
                v = self.var("v")
                members = [self.conforms(m, v) for m in self.members(listed)]
                test = join.join(members) or ("true" if parameter == SH["and"] else "false")
                yield Violations(shape, _component(parameter), f"{nodes(v)} FILTER(!({test}))", v)
        for listed in g.objects(shape, SH.xone):
            v = self.var("v")
            total = " + ".join(f"IF({self.conforms(m, v)}, 1, 0)" for m in self.members(listed))
            yield Violations(shape, SH.XoneConstraintComponent,
                             f"{nodes(v)} FILTER(({total or '0'}) != 1)", v)

    def _closed(self, shape: Node, focus: str) -> Iterator[Violations]:
        g = self.shapes
        if g.value(shape, SH.closed) != Literal(True):
            return
        allowed = {p for prop in g.objects(shape, SH.property)
                   for p in g.objects(prop, SH.path) if isinstance(p, URIRef)}
        for listed in g.objects(shape, SH.ignoredProperties):
            allowed.update(m for m in self.members(listed) if isinstance(m, URIRef))
        p, v = self.var("p"), self.var("v")
        test = f"FILTER({p} NOT IN ({', '.join(term(a) for a in sorted(allowed))}))" \
            if allowed else ""
        yield Violations(shape, SH.ClosedConstraintComponent,
                         f"{focus} {p} {v} . {test}", v, path=p)

    def _unique_lang(self, shape: Node, nodes: _Nodes) -> Iterator[Violations]:
        if self.shapes.value(shape, SH.uniqueLang) != Literal(True):
            return
        a, b, key = self.var("v"), self.var("v"), self.var("k")
        # One result per language tag used twice, as the recommendation says.
        yield Violations(shape, SH.UniqueLangConstraintComponent,
                         f"{nodes(a)} {nodes(b)} FILTER(!sameTerm({a}, {b}) && lang({a}) != \"\" "
                         f"&& LCASE(lang({a})) = LCASE(lang({b}))) BIND(LCASE(lang({a})) AS {key})",
                         None, key=key)

    # --- paths and lists ------------------------------------------------------------------

    def path(self, node: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        g = self.shapes
        if isinstance(node, URIRef):
            return term(node)
        if (node, RDF.first, None) in g:
            return "(" + "/".join(self.path(m) for m in self.members(node)) + ")"
        for predicate, text in ((SH.alternativePath, None), (SH.inversePath, "^{}"),
                                (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                                (SH.zeroOrOnePath, "{}?")):
            inner = g.value(node, predicate)
            if inner is None:
                continue
            if text is None:
                return "(" + "|".join(self.path(m) for m in self.members(inner)) + ")"
            return "(" + text.format(self.path(inner)) + ")"
        raise Unsupported(f"the path {_show(node)}")

    def members(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    # --- targets --------------------------------------------------------------------------

    def targets(self, shape: Node, focus: str) -> list[str]:
        """The patterns binding `focus` to the shape's own targets (one per target)."""
        g = self.shapes
        found = []
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            found.append(f"VALUES {focus} {{ {' '.join(term(n) for n in nodes)} }}")
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g and isinstance(shape, URIRef):
            classes.add(shape)
        found.extend(f"{focus} <{RDF.type}>/<{RDFS.subClassOf}>* {term(c)} ."
                     for c in sorted(classes, key=str))
        found.extend(f"{focus} {term(p)} [] ." for p in g.objects(shape, SH.targetSubjectsOf))
        found.extend(f"[] {term(p)} {focus} ." for p in g.objects(shape, SH.targetObjectsOf))
        return found


def term(node: Node) -> str:
    """An rdflib term of the shapes graph as SPARQL text."""
    if isinstance(node, URIRef):
        return f"<{_escape_iri(str(node))}>"
    if isinstance(node, Literal):
        text = _string(node)
        if node.language:
            return f"{text}@{node.language}"
        datatype = node.datatype or URIRef(f"{XSD}string")
        return f"{text}^^<{_escape_iri(str(datatype))}>"
    raise Unsupported(f"the blank node {_show(node)} as a value")


def _string(node: Node) -> str:
    text = str(node)
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def _escape_iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ '):
        raise Unsupported(f"the IRI {iri!r}")
    return iri


def _integer(node: Node) -> int:
    if not isinstance(node, Literal) or not isinstance(node.toPython(), int):
        raise Unsupported(f"the count {_show(node)}")
    return int(node.toPython())


def _datatype_test(v: str, datatype: Node) -> str:
    if not isinstance(datatype, URIRef):
        raise Unsupported(f"sh:datatype {_show(datatype)}")
    iri = str(datatype)
    if iri == RDF_LANG_STRING:
        return f"isLiteral({v}) && lang({v}) != \"\""
    test = f"isLiteral({v}) && datatype({v}) = <{_escape_iri(iri)}>"
    if iri in _CASTABLE and iri != f"{XSD}string":
        test += f" && datatype(<{iri}>(STR({v}))) = <{iri}>"
    return test


def _component(parameter: URIRef) -> URIRef:
    name = str(parameter).rsplit("#", 1)[1]
    return URIRef(f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent")


def _short(node: Node) -> str:
    return str(node).replace(str(SH), "sh:")


def _show(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Query:
    """One SELECT for the violations of one constraint, and what to report for its rows."""

    text: str
    violations: Violations


def compile_shapes(shapes: Graph) -> list[Query]:
    """Every constraint of every targeted shape as one query; `Unsupported` if any cannot be.

    A node shape's property shapes are checked on the node shape's focus
    nodes, and the property shapes of a property shape on its value nodes,
    so each shape is compiled once with every way a node becomes its focus.
    """
    for predicate in _UNSUPPORTED:
        if (None, predicate, None) in shapes:
            raise Unsupported(_short(predicate))
    compiler = _Compiler(shapes)
    targeted: set[Node] = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    targeted.update(s for s in shapes.subjects(RDF.type, RDFS.Class)
                    if isinstance(s, URIRef) and _is_shape(shapes, s))
    found: dict[Node, list[_Focus]] = {}

    def reach(shape: Node, focus: _Focus, through: tuple[Node, ...] = ()) -> None:
        if compiler.deactivated(shape):
            return
        if shape in through:
            raise Unsupported(f"the recursive shape {_show(shape)}")
        found.setdefault(shape, []).append(focus)
        path = shapes.value(shape, SH.path)
        for child in sorted(shapes.objects(shape, SH.property), key=str):
            if path is None:
                reach(child, focus, (*through, shape))
            else:
                reach(child, _values_of(compiler, focus, compiler.path(path)), (*through, shape))

    for shape in sorted(targeted, key=str):
        reach(shape, partial(_own_targets, compiler, shape))
    queries = []
    for shape, ways in sorted(found.items(), key=lambda item: str(item[0])):
        reached = [way("?this") for way in ways]
        union = " UNION ".join(f"{{ {pattern} }}" for pattern, _parents in reached)
        # A node reached through two parents is validated, and reported, once for each.
        parents = sorted({v for _pattern, names in reached for v in names})
        for violation in compiler.violations(shape, "?this"):
            chosen = " ".join(v for v in (violation.value, violation.path, violation.key, *parents)
                              if v)
            queries.append(Query(f"SELECT DISTINCT ?this {chosen} WHERE {{ {{ {union} }} "
                                 f"{violation.pattern} }}", violation))
    return queries


# Writes a pattern binding the given variable to the focus nodes of a shape, and
# names the variables of the nodes it was reached from.
_Focus = Callable[[str], tuple[str, list[str]]]


def _own_targets(compiler: _Compiler, shape: Node, focus: str) -> tuple[str, list[str]]:
    patterns = compiler.targets(shape, focus)
    return " UNION ".join(f"{{ {p} }}" for p in patterns) or "FILTER(false)", []


def _values_of(compiler: _Compiler, outer: _Focus, path: str) -> _Focus:
    """The value nodes of a property shape, as the focus nodes of its own property shapes."""
    def focus(var: str) -> tuple[str, list[str]]:
        parent = compiler.var("f")
        pattern, parents = outer(parent)
        return f"{{ {pattern} }} {parent} {path} {var} .", [*parents, parent]
    return focus


def _is_shape(shapes: Graph, node: Node) -> bool:
    return ((node, RDF.type, SH.NodeShape) in shapes or (node, RDF.type, SH.PropertyShape)
            in shapes)


def validate(store: ox.Store, shapes: Graph,
             queries: list[Query] | None = None) -> tuple[bool, Graph]:
    """Validate the union of the store's graphs; the verdict and a SHACL validation report.

    `queries` are those compile_shapes gave for `shapes`, if the caller has them.
    """
    report = Graph()
    # The shapes' prefixes, so a report is written in the names its rules use.
    for prefix, namespace in shapes.namespaces():
        report.bind(prefix, namespace)
    report.bind("sh", str(SH))
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    described: set[Node] = set()
    originals = _written_targets(store, shapes)
    for query in compile_shapes(shapes) if queries is None else queries:
        violation = query.violations
        rows = store.query(query.text, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        fixed: list[tuple[URIRef, Node]] | None = None
        for row in rows:
            conforms = False
            if fixed is None:
                fixed = _what_every_result_says(report, shapes, violation, described)
            result = BNode()
            facts = [(root, SH.result, result), *((result, p, o) for p, o in fixed)]
            focus = row["this"]
            facts.append((result, SH.focusNode, originals.get(str(focus)) or _rdflib(focus)))
            if violation.value is not None:
                value = row[violation.value[1:]]
                facts.append((result, SH.value, originals.get(str(value)) or _rdflib(value)))
            if violation.path is not None:
                facts.append((result, SH.resultPath, _rdflib(row[violation.path[1:]])))
            report.addN((s, p, o, report) for s, p, o in facts)
            for name in ("this", violation.value):
                if name is not None:
                    _copy_blank(store, report, row[name.lstrip("?")], described)
    report.add((root, SH.conforms, Literal(conforms)))
    return conforms, report


def _written_targets(store: ox.Store, shapes: Graph) -> dict[str, Node]:
    """Literal target nodes as the shapes write them, by the form Oxigraph gives them.

    Oxigraph writes a literal in a query in its canonical form ("4.0"^^xsd:decimal
    comes back as "4"^^xsd:decimal); a report names the node the shapes name.
    """
    written = sorted({o for o in shapes.objects(None, SH.targetNode) if isinstance(o, Literal)},
                     key=str)
    if not written:
        return {}
    values = " ".join(f"({i} {term(node)})" for i, node in enumerate(written))
    rows = store.query(f"SELECT ?i ?node WHERE {{ VALUES (?i ?node) {{ {values} }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    found: dict[str, Node] = {}
    for row in rows:
        index, node = row["i"], row["node"]
        if isinstance(index, ox.Literal) and node is not None:
            found[str(node)] = written[int(index.value)]
    return found


def _what_every_result_says(report: Graph, shapes: Graph, violation: Violations,
                            described: set[Node]) -> list[tuple[URIRef, Node]]:
    """The facts every result of one constraint shares, its shape's path written out."""
    shape = violation.shape
    if isinstance(shape, BNode) and shape not in described:
        # A blank source shape means nothing without its description.
        described.add(shape)
        report += shapes.cbd(shape)
    fixed: list[tuple[URIRef, Node]] = [
        (RDF.type, SH.ValidationResult), (SH.sourceShape, shape),
        (SH.sourceConstraintComponent, violation.component),
        (SH.resultSeverity, shapes.value(shape, SH.severity) or SH.Violation)]
    fixed += [(SH.resultMessage, message) for message in shapes.objects(shape, SH.message)]
    path = shapes.value(shape, SH.path)
    if violation.path is None and path is not None:
        fixed.append((SH.resultPath, path))
        if isinstance(path, BNode):  # written with blank nodes: copied, so it reads on its own
            report += shapes.cbd(path)
    return fixed


def _copy_blank(store: ox.Store, report: Graph, node: object, described: set[Node]) -> None:
    """A blank focus node or value, described as the data describes it, as pySHACL does.

    Without its description a blank node in a report cannot be told from another.
    """
    if not isinstance(node, ox.BlankNode) or BNode(node.value) in described:
        return
    described.add(BNode(node.value))
    for quad in store.quads_for_pattern(node, None, None, None):
        report.add((BNode(node.value), URIRef(quad.predicate.value), _rdflib(quad.object)))
        _copy_blank(store, report, quad.object, described)


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Node:
    if term is None:
        raise ValueError("a validation result without its focus node or value")
    with warnings.catch_warnings():
        # An ill-formed value ("none"^^xsd:boolean) is what a finding reports;
        # rdflib's warning on reading it would only repeat the finding as noise.
        warnings.simplefilter("ignore", UserWarning)
        return to_rdflib(term)
