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

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph
from rdflib.namespace import TIME, XSD

from . import __version__
from .errors import UsageError
from .importers import import_all
from .loader import graph_to_quads, load_file, nquads_lines, quads_to_dataset, quads_to_graph
from .namespaces import GOVYEAR, GRAPH
from .reasoner import close_in_store
from .resources import cache_dir, kb_path
from .sources import SCHEMA_FOLDERS, Source, input_digest, sources
from .store import memory_store, named_quads, select
from .stores import MEMORY, Backend, OxigraphStore, StoreSpec, configured, open_store

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
    opened: Backend | None = field(default=None, repr=False)
    spec: StoreSpec = MEMORY
    _store: ox.Store | None = field(default=None, repr=False)

    @property
    def backend(self) -> Backend:
        """The store, opened on first use: `build` of a million triples never reads it back."""
        if self.opened is None:
            self.opened = open_store(self.spec, self.dump)
        return self.opened

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


@dataclass
class Built:
    """A build in a store, with what the dump is written from.

    The store holds every graph, for the closure and the counts. The dump is
    written from the sources as parsed and from `generated` (imported tables,
    derived periods, inferences): Oxigraph's store keeps a literal's value but
    not every declared datatype ("5"^^xsd:nonNegativeInteger comes back as
    xsd:integer), and the published file must say what the sources said.
    """

    store: ox.Store
    info: BuildInfo
    sources: list[Source]
    generated: list[ox.Quad] = field(default_factory=list)


def assemble(info: BuildInfo | None = None, found: list[Source] | None = None) -> Built:
    """Every asserted quad in a store, each source in its named graph.

    The source files, the imported tables and the derived periods; `info`, if
    given, records each graph's size and the importers' problems. Files are
    parsed and indexed by Oxigraph natively: a generated England of millions
    of triples never becomes Python objects.
    """
    record = info or BuildInfo(version=__version__, digest="")
    found = sources() if found is None else found
    built = Built(ox.Store(), record, found)
    store = built.store
    for source in found:
        load_file(store, source.path, source.graph)

    for slug, result in import_all(kb_path("data", "sources")).items():
        built.generated.extend(graph_to_quads(result.graph, str(GRAPH[f"import/{slug}"])))
        record.import_problems.extend(result.problems)
    store.extend(built.generated)

    used = select(
        store, "SELECT DISTINCT ?year WHERE { GRAPH ?g { ?s ?p ?year } "
        f"FILTER(isIRI(?year) && STRSTARTS(STR(?year), \"{GOVYEAR}\")) }}")
    periods = government_year_periods({row["year"].value for row in used})
    store.extend(periods)
    built.generated.extend(periods)
    record.graphs.update(graph_sizes(store))
    return built


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Quads in each named graph, counted by the store."""
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return dict(sorted((row["g"].value, int(row["n"].value)) for row in rows))


def schema_of(store: ox.Store) -> Graph:
    """The schema among a build's graphs: the graphs of the SCHEMA_FOLDERS files."""
    schema_graphs = tuple(str(GRAPH[f"{folder}/"]) for folder in SCHEMA_FOLDERS)
    return quads_to_graph(
        q for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(schema_graphs)
        for q in store.quads_for_pattern(None, None, None, g)
    )


def build(progress: Progress | None = None) -> Built:
    """Assemble every graph and the closure; the store, and what happened."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    found = sources()
    info = BuildInfo(version=__version__, digest=input_digest(found))
    built = assemble(info, found)

    say(f"computing the OWL RL closure of {info.triples:,} quads (once per change)")
    closure = close_in_store(built.store, schema_of(built.store))
    inferred = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH))
                for t in closure.inferred]
    built.store.extend(inferred)
    built.generated.extend(inferred)
    info.graphs[INFERRED_GRAPH] = len(closure.inferred)
    info.closure_input_triples = closure.input_triples
    info.closure_inferred_triples = len(closure.inferred)
    info.closure_seconds = round(closure.seconds, 2)
    info.build_seconds = round(time.perf_counter() - started, 2)
    return built


def government_year_periods(used: set[str]) -> list[ox.Quad]:
    """Give every reference.data.gov.uk government year used its start and end.

    Records cite a financial year by IRI (`government-year/2006-2007`); the
    interval's days are derived here, so queries can compare dates without
    every record repeating them.
    """
    graph = ox.NamedNode(PERIODS_GRAPH)
    quads: list[ox.Quad] = []
    for iri in sorted(used):
        slug = iri[len(str(GOVYEAR)) :]
        try:
            first, second = (int(part) for part in slug.split("-"))
        except ValueError:
            continue
        if second != first + 1:
            continue
        year = ox.NamedNode(iri)
        begin, end = ox.NamedNode(f"{DAY}{first}-04-01"), ox.NamedNode(f"{DAY}{second}-03-31")
        triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (year, _TYPE, _PROPER_INTERVAL),
            (year, _LABEL, ox.Literal(f"{first}/{str(second)[-2:]}")),
            (year, _BEGINNING, begin),
            (year, _END, end),
        ]
        for instant, day in ((begin, f"{first}-04-01"), (end, f"{second}-03-31")):
            triples.append((instant, _TYPE, _INSTANT))
            triples.append((instant, _IN_DATE, ox.Literal(day, datatype=_DATE)))
        quads.extend(ox.Quad(s, p, o, graph) for s, p, o in triples)
    return quads


_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
_PROPER_INTERVAL = ox.NamedNode(str(TIME.ProperInterval))
_INSTANT = ox.NamedNode(str(TIME.Instant))
_BEGINNING = ox.NamedNode(str(TIME.hasBeginning))
_END = ox.NamedNode(str(TIME.hasEnd))
_IN_DATE = ox.NamedNode(str(TIME.inXSDDate))
_DATE = ox.NamedNode(str(XSD.date))


def write_dump(built: Built, dump: Path) -> None:
    """Write the named graphs and the build record atomically: a reader never sees half a file.

    Each source's lines, then the generated ones, are sorted and each is
    there once, so the same sources give the same file byte for byte (the
    dump can be cited and compared by digest). One source is held at a time:
    at ten million triples, sorting the whole dump in memory would cost
    gigabytes.
    """
    dump.parent.mkdir(parents=True, exist_ok=True)
    parts: list[Callable[[], list[bytes]]] = [
        partial(nquads_lines, source.path, source.graph) for source in built.sources]
    parts.append(lambda: (ox.serialize(built.generated, format=ox.RdfFormat.N_QUADS)
                          or b"").splitlines(keepends=True))
    handle, temporary = tempfile.mkstemp(dir=dump.parent, prefix=".building-")
    with os.fdopen(handle, "wb") as out:
        for part in parts:
            lines = sorted(set(part()))
            out.writelines(lines)
    os.replace(temporary, dump)
    handle, temporary = tempfile.mkstemp(dir=dump.parent, prefix=".building-")
    with os.fdopen(handle, "wb") as out:
        out.write(json.dumps(asdict(built.info), indent=2).encode())
    os.replace(temporary, dump.with_suffix(".json"))


def cached_build(rebuild: bool = False, progress: Progress | None = None,
                 digest: str | None = None) -> tuple[Path, BuildInfo]:
    """The cached N-Quads dump of the current sources and its BuildInfo, built if needed."""
    digest = digest or input_digest()
    dump = cache_dir() / f"kb-{__version__}-{digest[:16]}.nq"
    if rebuild or not dump.exists() or not dump.with_suffix(".json").exists():
        if progress:
            progress("building the knowledge base from its sources")
        write_dump(build(progress), dump)
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
    return KnowledgeBase(dump=dump, info=info, spec=spec)


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
    return KnowledgeBase(dump=None, info=info, opened=remote, spec=spec)


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
            # the dump's lines, not a list of every quad (remote._dump_lines)
            remote.load(dump, asdict(info), progress)
        return KnowledgeBase(dump=dump, info=info, opened=remote, spec=spec), written
    if spec.kind == "oxigraph":
        from .stores.ondisk import read_info, write_generation

        assert spec.path is not None
        held_disk = read_info(spec.path)
        written = reload or held_disk is None or held_disk.get("digest") != info.digest
        if written:
            if progress:
                progress(f"loading the build into {spec.describe()}")
            write_generation(spec.path, dump, asdict(info))
        return KnowledgeBase(dump=dump, info=info, spec=spec), written
    return KnowledgeBase(dump=dump, info=info, spec=spec), False


def stderr_progress(message: str) -> None:
    print(f"regimegraph: {message}", file=sys.stderr)
