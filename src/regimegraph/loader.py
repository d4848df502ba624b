"""Read RDF files with errors that name the file, line and column.

Parsing goes through pyoxigraph: it is an order of magnitude faster than
rdflib's parsers and reports where a syntax error starts and ends, which a user
fixing a record needs. Nothing is ever fetched: JSON-LD remote contexts and
owl:imports are not followed. rdflib terms are produced where the rest of the
stack (owlrl, pySHACL, importers) needs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .errors import InputError, UsageError

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

_QUAD_FORMATS = {ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD}
_LOCATION = re.compile(r"line (\d+) column (\d+)")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its suffix."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(
            f"{path}: unknown RDF file type {path.suffix or '(no suffix)'!r}; "
            f"expected one of {known}"
        ) from None


def is_rdf_file(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def read_quads(path: Path, graph_name: str | None = None) -> list[ox.Quad]:
    """Parse one file; triples land in `graph_name` (or the default graph).

    Quads a TriG or N-Quads file puts in its own named graphs keep them.
    """
    fmt = rdf_format(path)
    target: ox.NamedNode | ox.DefaultGraph = (
        ox.NamedNode(graph_name) if graph_name else ox.DefaultGraph()
    )
    try:
        parsed = list(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot be read: {error}") from None
    if fmt in _QUAD_FORMATS:
        return [
            q
            if not isinstance(q.graph_name, ox.DefaultGraph)
            else ox.Quad(q.subject, q.predicate, q.object, target)
            for q in parsed
        ]
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]


def nquads_lines(path: Path, graph_name: str) -> list[bytes]:
    """One file's statements as N-Quads lines in `graph_name`, literals as written.

    For the build's dump: a triples file goes from Oxigraph's parser to its
    N-Triples writer and gets the graph name appended to each line, with no
    store in between (a store rewrites some datatypes, see kb.Built).
    """
    fmt = rdf_format(path)
    if fmt in _QUAD_FORMATS:
        written = ox.serialize(read_quads(path, graph_name), format=ox.RdfFormat.N_QUADS)
        return (written or b"").splitlines(keepends=True)
    try:
        written = ox.serialize(
            ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()),
            format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot be read: {error}") from None
    suffix = f" {ox.NamedNode(graph_name)} .\n".encode()
    return [line.removesuffix(b" .\n") + suffix for line in (written or b"").splitlines(True)]


def load_into(store: ox.Store, path: Path) -> None:
    """Parse one file straight into the store's default graph (named graphs kept)."""
    load_file(store, path, None)


def load_file(store: ox.Store, path: Path, graph_name: str | None) -> None:
    """Parse one file straight into `graph_name` or the default graph (named graphs kept).

    Oxigraph parses and indexes natively, with no Python object per triple:
    for a million-triple record set this is several times faster than
    read_quads, with the same file:line:column errors. It bulk-loads, which is
    not transactional: a file that fails to parse may leave part of itself in
    the store, so a store that saw an error must be thrown away (a check
    stops at the first unreadable file).
    """
    fmt = rdf_format(path)
    try:
        store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                        to_graph=ox.NamedNode(graph_name) if graph_name else None)
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot be read: {error}") from None


def _syntax_error(path: Path, error: SyntaxError) -> InputError:
    message = str(error)
    match = _LOCATION.search(message)
    line = error.lineno or (int(match.group(1)) if match else None)
    column = error.offset or (int(match.group(2)) if match else None)
    reason = message.split(": ", 1)[1] if message.startswith("Parser error") else message
    # The location is already in front; drop the parser's own "(file, line N)".
    reason = re.sub(r"\s*\([^()]*, line \d+\)$", "", reason)
    return InputError(path, f"syntax error: {reason}", line=line, column=column)


def read_graph(path: Path) -> Graph:
    """Parse one triples file into an rdflib Graph (for tools that need rdflib)."""
    graph = Graph()
    for quad in read_quads(path):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


# --- term conversion -------------------------------------------------------


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph


def to_rdflib(term: OxTerm) -> Node:
    """An Oxigraph term as rdflib's; RDF-star quoted triples are not supported."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    raise TypeError(f"cannot convert {term!r} to rdflib")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def graph_to_quads(graph: Graph, graph_name: str | None) -> Iterator[ox.Quad]:
    """An rdflib graph's triples as quads in one named graph (None: the default graph)."""
    name = ox.NamedNode(graph_name) if graph_name is not None else ox.DefaultGraph()
    for s, p, o in graph:
        subject, predicate = to_oxigraph(s), to_oxigraph(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise TypeError(f"not an RDF triple: {s!r} {p!r} {o!r}")
        yield ox.Quad(subject, predicate, to_oxigraph(o), name)


def quads_to_dataset(quads: Iterable[ox.Quad]) -> Dataset:
    """Quads as an rdflib Dataset, keeping their named graphs."""
    dataset = Dataset()
    for q in quads:
        graph = dataset.graph(to_rdflib(q.graph_name))  # type: ignore[arg-type]
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return dataset


def quads_to_graph(quads: Iterable[ox.Quad]) -> Graph:
    """Quads merged into one rdflib Graph (their graph names dropped)."""
    graph = Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph
