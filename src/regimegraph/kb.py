"""Build the bundled knowledge base once, and reopen it instantly afterwards.

A build reads the ontology, reference data and records, runs the importers over
the tables in `data/sources/`, adds the derived periods, computes the OWL RL
closure and writes everything as N-Quads, each source in its own named graph.
The result is cached under a digest of every input, so editing any source file
rebuilds it and nothing else does; queries and checks read the cache into an
in-memory Oxigraph store, which loads it in well under a second, or use the
store the `--store` setting names (stores/: rdflib, Oxigraph on disk, a SPARQL
server), into which `build` loads the same quads.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import TIME, XSD

from . import __version__
from .errors import UsageError
from .importers import import_all
from .loader import graph_to_quads, is_rdf_file, quads_to_dataset, quads_to_graph, read_quads
from .namespaces import GOVYEAR, GRAPH
from .reasoner import schema_and_rules_closure
from .resources import cache_dir, kb_path, kb_root
from .store import memory_store, named_quads
from .stores import MEMORY, Backend, OxigraphStore, StoreSpec, configured, open_store

SOURCE_FOLDERS = ("ontology", "reference", "records")
# The schema: closed by owlrl; records are closed by rules (reasoner.py).
SCHEMA_FOLDERS = ("ontology", "reference")
INFERRED_GRAPH = str(GRAPH["inferred"])
PERIODS_GRAPH = str(GRAPH["derived/periods"])
DAY = "http://reference.data.gov.uk/id/day/"

Progress = Callable[[str], None]


@dataclass
class BuildInfo:
    """What a build did, kept beside the cached dump and shown by `regimegraph build`."""

    version: str
    digest: str
    graphs: dict[str, int] = field(default_factory=dict)
    import_problems: list[str] = field(default_factory=list)
    closure_input_triples: int = 0
    closure_inferred_triples: int = 0
    closure_seconds: float = 0.0
    build_seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


@dataclass
class KnowledgeBase:
    """The built knowledge base in the configured store.

    `backend` answers queries in whichever store holds it; `store` is a
    pyoxigraph Store with the same quads for code that needs one (the checker's
    derivations, exports): the store itself for memory and Oxigraph on disk, a
    copy in memory read from the others on first use. `dump` is the cached
    N-Quads build, None for a SPARQL server (which holds the only copy).
    """

    dump: Path | None
    info: BuildInfo
    backend: Backend
    spec: StoreSpec = MEMORY
    _store: ox.Store | None = field(default=None, repr=False)

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            if isinstance(self.backend, OxigraphStore):
                self._store = self.backend.store
            else:
                self._store = memory_store(quads=self.backend.quads())
        return self._store

    def dataset(self) -> Dataset:
        """The same quads as an rdflib Dataset, for pySHACL and owlrl."""
        return quads_to_dataset(named_quads(self.store))

    def union_graph(self, include_inferred: bool = True) -> Graph:
        """All graphs merged into one rdflib Graph."""
        quads = iter(named_quads(self.store))
        if not include_inferred:
            inferred = ox.NamedNode(INFERRED_GRAPH)
            quads = (q for q in quads if q.graph_name != inferred)
        return quads_to_graph(quads)


def source_files() -> list[Path]:
    """Every RDF source file of the knowledge base, in a stable order."""
    root = kb_root()
    files: list[Path] = []
    for folder in SOURCE_FOLDERS:
        base = root / folder
        if base.is_dir():
            files.extend(p for p in sorted(base.rglob("*")) if p.is_file() and is_rdf_file(p))
    return files


def graph_name_for(path: Path) -> str:
    """`records/papers/x.ttl` -> graph:records/papers/x."""
    relative = path.relative_to(kb_root()).with_suffix("")
    return str(GRAPH[relative.as_posix()])


def input_digest() -> str:
    """A digest of everything a build reads, and of the code version."""
    digest = hashlib.sha256(__version__.encode())
    inputs = [*source_files(), *sorted((kb_path("data", "sources")).glob("*.csv"))]
    for path in inputs:
        digest.update(path.relative_to(kb_root()).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_sources(info: BuildInfo | None = None) -> list[ox.Quad]:
    """Every asserted quad: the source files, the imported tables and the derived periods.

    `info`, if given, records each graph's size and the importers' problems.
    """
    record = info or BuildInfo(version=__version__, digest="")
    quads: list[ox.Quad] = []
    for path in source_files():
        name = graph_name_for(path)
        loaded = read_quads(path, name)
        quads.extend(loaded)
        record.graphs[name] = len(loaded)

    for slug, result in import_all(kb_path("data", "sources")).items():
        name = str(GRAPH[f"import/{slug}"])
        imported = list(graph_to_quads(result.graph, name))
        quads.extend(imported)
        record.graphs[name] = len(imported)
        record.import_problems.extend(result.problems)

    prefix = str(GOVYEAR)
    periods = government_year_periods({
        URIRef(q.object.value) for q in quads
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(prefix)
    })
    quads.extend(graph_to_quads(periods, PERIODS_GRAPH))
    record.graphs[PERIODS_GRAPH] = len(periods)
    return quads


def schema_of(quads: list[ox.Quad]) -> Graph:
    """The schema among a build's quads: the graphs of the SCHEMA_FOLDERS files."""
    schema_graphs = tuple(str(GRAPH[f"{folder}/"]) for folder in SCHEMA_FOLDERS)
    return quads_to_graph(
        q for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(schema_graphs)
    )


def build(progress: Progress | None = None) -> tuple[list[ox.Quad], BuildInfo]:
    """Assemble every graph and the closure; returns the quads and what happened."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    info = BuildInfo(version=__version__, digest=input_digest())
    quads = build_sources(info)

    schema = schema_of(quads)
    say(f"computing the OWL RL closure of {len(quads):,} quads (once per change)")
    closure = schema_and_rules_closure(schema, quads)
    quads.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH))
                 for t in closure.inferred)
    info.graphs[INFERRED_GRAPH] = len(closure.inferred)
    info.closure_input_triples = closure.input_triples
    info.closure_inferred_triples = len(closure.inferred)
    info.closure_seconds = round(closure.seconds, 2)
    info.build_seconds = round(time.perf_counter() - started, 2)
    return quads, info


def government_year_periods(used: set[URIRef]) -> Graph:
    """Give every reference.data.gov.uk government year used its start and end.

    Records cite a financial year by IRI (`government-year/2006-2007`); the
    interval's days are derived here, so queries can compare dates without
    every record repeating them. The caller finds the years cited by a scan
    of the quads: converting a million of them to rdflib to look would take
    a minute.
    """
    periods = Graph()
    for iri in sorted(used):
        slug = str(iri)[len(str(GOVYEAR)) :]
        try:
            first, second = (int(part) for part in slug.split("-"))
        except ValueError:
            continue
        if second != first + 1:
            continue
        begin, end = URIRef(f"{DAY}{first}-04-01"), URIRef(f"{DAY}{second}-03-31")
        periods.add((iri, RDF.type, TIME.ProperInterval))
        periods.add((iri, RDFS.label, Literal(f"{first}/{str(second)[-2:]}")))
        periods.add((iri, TIME.hasBeginning, begin))
        periods.add((iri, TIME.hasEnd, end))
        for instant, day in ((begin, f"{first}-04-01"), (end, f"{second}-03-31")):
            periods.add((instant, RDF.type, TIME.Instant))
            periods.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
    return periods


def write_dump(quads: list[ox.Quad], info: BuildInfo, dump: Path) -> None:
    """Write the dump and its build record atomically: a reader never sees half a file."""
    dump.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(
        quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )
    for target, payload in (
        (dump, ox.serialize(ordered, format=ox.RdfFormat.N_QUADS)),
        (dump.with_suffix(".json"), json.dumps(asdict(info), indent=2).encode()),
    ):
        handle, temporary = tempfile.mkstemp(dir=dump.parent, prefix=".building-")
        with os.fdopen(handle, "wb") as out:
            out.write(payload or b"")
        os.replace(temporary, target)


def cached_build(rebuild: bool = False, progress: Progress | None = None,
                 digest: str | None = None) -> tuple[Path, BuildInfo]:
    """The cached N-Quads dump of the current sources and its BuildInfo, built if needed."""
    digest = digest or input_digest()
    dump = cache_dir() / f"kb-{__version__}-{digest[:16]}.nq"
    if rebuild or not dump.exists() or not dump.with_suffix(".json").exists():
        if progress:
            progress("building the knowledge base from its sources")
        quads, info = build(progress)
        write_dump(quads, info, dump)
    return dump, BuildInfo(**json.loads(dump.with_suffix(".json").read_text()))


def open_kb(rebuild: bool = False, progress: Progress | None = None,
            store: StoreSpec | None = None) -> KnowledgeBase:
    """The knowledge base in `store` (default: the configured one), rebuilt if sources changed.

    The stores in this process and on disk follow the sources by themselves; a
    SPARQL server is only written by `regimegraph build --store URL`, so one
    holding an older build is used as it is, with a warning.
    """
    spec = store or configured()
    digest = input_digest()
    if spec.kind == "remote":
        return _open_remote(spec, digest, progress)
    dump, info = cached_build(rebuild, progress, digest)
    if spec.kind == "oxigraph":
        from .stores.ondisk import read_info, write_generation

        assert spec.path is not None
        held = read_info(spec.path)
        if rebuild or held is None or held.get("digest") != info.digest:
            if progress:
                progress(f"loading the build into {spec.describe()}")
            write_generation(spec.path, dump, asdict(info))
    return KnowledgeBase(dump=dump, info=info, backend=open_store(spec, dump), spec=spec)


def _open_remote(spec: StoreSpec, digest: str, progress: Progress | None) -> KnowledgeBase:
    from .stores.remote import RemoteStore

    remote = RemoteStore(spec)
    held = remote.build_info()
    if held is None:
        raise UsageError(f"{spec.describe()} holds no regimegraph build: "
                         f"run regimegraph build --store {spec.text}")
    info = BuildInfo(**{k: v for k, v in held.items() if k in BuildInfo.__dataclass_fields__})
    if info.digest != digest and progress:
        progress(f"{spec.describe()} holds build {info.digest[:16]}, not the sources' "
                 f"{digest[:16]}: run regimegraph build --store {spec.text} to update it")
    return KnowledgeBase(dump=None, info=info, backend=remote, spec=spec)


def load_into(spec: StoreSpec, rebuild: bool = False, progress: Progress | None = None,
              reload: bool = False) -> tuple[KnowledgeBase, bool]:
    """`regimegraph build --store`: put the current build into the store; True if it was written.

    Memory and rdflib stores are the cache itself. The others are written
    atomically (ondisk.py, remote.py) when they hold another build or none, or
    when `rebuild` or `reload` says so.
    """
    reload = reload or rebuild
    digest = input_digest()
    dump, info = cached_build(rebuild, progress, digest)
    if spec.kind == "remote":
        from .stores.remote import RemoteStore

        remote = RemoteStore(spec, timeout=600.0)
        held = remote.build_info()
        written = reload or held is None or held.get("digest") != info.digest
        if written:
            quads = list(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
            remote.load(quads, asdict(info), progress)
        return KnowledgeBase(dump=dump, info=info, backend=remote, spec=spec), written
    if spec.kind == "oxigraph":
        from .stores.ondisk import read_info, write_generation

        assert spec.path is not None
        held_disk = read_info(spec.path)
        written = reload or held_disk is None or held_disk.get("digest") != info.digest
        if written:
            if progress:
                progress(f"loading the build into {spec.describe()}")
            write_generation(spec.path, dump, asdict(info))
        return KnowledgeBase(dump=dump, info=info, backend=open_store(spec, dump),
                             spec=spec), written
    return KnowledgeBase(dump=dump, info=info, backend=open_store(spec, dump), spec=spec), False


def stderr_progress(message: str) -> None:
    print(f"regimegraph: {message}", file=sys.stderr)
