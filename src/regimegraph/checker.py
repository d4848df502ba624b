"""`regimegraph check`: records, with the ontology and reference data, against the rules.

The pipeline: read the record files (or the bundled knowledge base) together
with the ontology and reference data into an Oxigraph store; run the
derivations (rules/derivations/*.rq) and derive the duties for the check date;
validate everything with the SHACL shapes in rules/ (SHACL Core, on the
store itself: see validator.py for the engines); then fill each finding's
message from the facts of its focus node and point it at the file and line of
the record concerned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from .derivations import run_derivations
from .duties import Duty, derive_duties, duty_quads
from .errors import UsageError
from .kb import open_kb
from .loader import FORMATS, is_rdf_file, load_into, read_graph, read_quads
from .locations import RecordIndex
from .namespaces import GRAPH, RG
from .query import compact
from .resources import kb_path, kb_root
from .sources import record_files_in, sources
from .store import DEFAULT, named_quads
from .validator import DEFAULT_ENGINE, Finding, run_shacl

DERIVED_GRAPH = str(GRAPH["derived/rules"])
_INFERRED = ox.NamedNode(str(GRAPH["inferred"]))
Term = ox.NamedNode | ox.BlankNode | ox.Literal
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class CheckResult:
    """What a check found, and what it looked at."""

    check_date: date
    findings: list[Finding]
    files: list[Path] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    triples: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def record_files(paths: list[Path]) -> list[Path]:
    """The RDF files named, or found under the folders named; bad paths are usage errors."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_dir():
            files.extend(record_files_in(path))
        elif is_rdf_file(path):
            files.append(path)
        else:
            raise UsageError(
                f"{path}: not a record file; expected one of {', '.join(sorted(FORMATS))}"
            )
    return list(dict.fromkeys(files))


@cache
def context_quads() -> tuple[ox.Quad, ...]:
    """The ontology and reference data every check runs with, in the default graph.

    Read once per process: a check needs the merge of its sources, not which
    file said what (see `check`).
    """
    return tuple(
        ox.Quad(q.subject, q.predicate, q.object, DEFAULT)
        for source in sources(folders=())
        if source.is_schema
        for q in read_quads(source.path)
    )


def shapes_graph(folder: Path | None = None) -> Graph:
    """Every shapes file under rules/ (derivation queries are not shapes).

    The bundled rules are parsed once per process; a copy is returned, since
    pySHACL may add to the graph it is given.
    """
    if folder is None:
        copy = Graph()
        copy += _bundled_shapes()
        return copy
    return _read_shapes(folder)


@cache
def _bundled_shapes() -> Graph:
    return _read_shapes(kb_path("rules"))


def _read_shapes(base: Path) -> Graph:
    graph = Graph()
    for path in sorted(base.rglob("*.ttl")):
        graph += read_graph(path)
    return graph


def check(
    paths: list[Path] | None,
    today: date,
    rules: Path | None = None,
    engine: str = DEFAULT_ENGINE,
) -> CheckResult:
    """Check record files (or, with no paths, the bundled knowledge base).

    Everything is read into the store's default graph: a check needs the
    merge of its sources, not which file said what (findings are located by
    scanning the files as text), and a graph is a set, so a fact stated twice
    is there once.
    """
    store = ox.Store()
    files: list[Path] = []
    if paths:
        files = record_files(paths)
        store.extend(context_quads())
        for path in files:
            load_into(store, path)
    else:
        kb = open_kb()
        if kb.dump is not None:
            # The build's own file, merged inside Oxigraph: at a million triples a
            # pass in Python over the quads would cost more than the rest of the load.
            store.bulk_load(path=str(kb.dump), format=ox.RdfFormat.N_QUADS)
            store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                         f"FILTER(?g != <{_INFERRED.value}>) }}; DROP NAMED")
        else:
            store.extend([ox.Quad(q.subject, q.predicate, q.object, DEFAULT)
                          for q in named_quads(kb.store) if q.graph_name != _INFERRED])
        files = [source.path for source in sources() if source.is_record]

    run_derivations(store, None, _derivation_files(rules))
    duties = derive_duties(store, today)
    store.extend(duty_quads(duties, today))

    validation = run_shacl(store, shapes_graph(rules), inference="none", advanced=False,
                           engine=engine)
    facts = Facts(store)
    # The bundled records are shown as the repository names them (records/...),
    # wherever the package is installed; a user's files relative to where they ran it.
    index = RecordIndex(files, root=Path.cwd() if paths else kb_root())
    findings = sorted(
        {_locate(_fill(f, facts), facts, index) for f in validation.findings},
        key=Finding.sort_key,
    )
    return CheckResult(
        check_date=today, findings=findings, files=files, duties=duties, triples=len(store),
    )


class Facts:
    """The few lookups messages and locations need, straight from the store.

    Reading values from Oxigraph by pattern avoids converting a whole
    knowledge base to rdflib just to label a few thousand findings.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def objects(self, subject: str, predicate: str) -> list[Term]:
        node = _node(subject)
        if node is None:
            return []
        found = self._store.quads_for_pattern(node, ox.NamedNode(predicate), None, DEFAULT)
        return [q.object for q in found if not isinstance(q.object, ox.Triple)]

    def value(self, subject: str, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return min(found, key=str) if found else None


def _node(name: str) -> ox.NamedNode | ox.BlankNode | None:
    if name.startswith("_:"):
        return ox.BlankNode(name[2:])
    try:
        return ox.NamedNode(name)
    except ValueError:
        return None


def _derivation_files(rules: Path | None) -> list[Path] | None:
    if rules is None:
        return None
    folder = rules / "derivations"
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def _fill(finding: Finding, facts: Facts) -> Finding:
    """Replace {name} in a message with the focus node's rg:name values.

    {focus} names the focus node itself (its label, or its IRI), so a message
    says which record it is about.
    """
    if "{" not in finding.message:
        return finding

    def value(match: re.Match[str]) -> str:
        if match.group(1) == "focus":
            return _show(facts, _node(finding.focus) or ox.Literal(finding.focus))
        found = facts.objects(finding.focus, str(RG[match.group(1)]))
        values = sorted(_show(facts, v) for v in found)
        return "; ".join(values) if values else f"(no {match.group(1)})"

    return replace(finding, message=_PLACEHOLDER.sub(value, finding.message))


def _show(facts: Facts, node: Term) -> str:
    if isinstance(node, ox.Literal):
        return node.value
    if isinstance(node, ox.NamedNode):
        for predicate in (RDFS.label, SKOS.prefLabel):
            label = facts.value(node.value, str(predicate))
            if isinstance(label, ox.Literal):
                return label.value
        return compact(node)
    return str(node)


def _locate(finding: Finding, facts: Facts, index: RecordIndex) -> Finding:
    """Point the finding at the record concerned: for a duty, the record that triggered it.

    A record written in a checked file is located there; one imported from a
    table (or read from a paper) is located at the row or passage its
    provenance quotes, so every finding can be followed to its source.
    """
    target = finding.focus
    trigger = facts.value(target, str(RG.triggeredBy))
    if isinstance(trigger, ox.NamedNode):
        target = trigger.value
    where = index.locate(target) or _provenance_location(facts, target)
    if where is None:
        return finding
    return replace(finding, file=where[0], line=where[1])


def _provenance_location(facts: Facts, record: str) -> tuple[str, int] | None:
    """The file and line of the passage a record was derived from, if it has one."""
    places = []
    for excerpt in facts.objects(record, str(PROV.wasDerivedFrom)):
        if isinstance(excerpt, ox.Literal):
            continue
        name = str(excerpt) if isinstance(excerpt, ox.BlankNode) else excerpt.value
        start = facts.value(name, str(RG.charStart))
        source = facts.value(name, str(DCTERMS.isPartOf))
        if start is None or not isinstance(source, ox.NamedNode):
            continue
        local = facts.value(source.value, str(RG.localFile))
        if local is None:
            continue
        path = kb_root() / local.value
        if path.is_file():
            text = _source_text(path)
            places.append((local.value, text.count("\n", 0, int(start.value)) + 1))
    return min(places) if places else None


@cache
def _source_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()
