"""The pure-Python store: an rdflib Dataset in memory, the reference engine for differential tests.

It is loaded from the same cached N-Quads build as the memory store, and the
merge of the named graphs is materialised into its default graph for the same
reason (store.py): each triple once, named graphs left for `GRAPH ?g`. rdflib
would fetch a graph named in FROM over HTTP; that is turned off here, as
SERVICE is refused everywhere: queries run on local data only. Results are
converted to pyoxigraph's result objects through the SPARQL JSON results
format (and N-Triples for graphs), so rendering is the same for every store.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Dataset

from ..errors import QueryError
from ..loader import quads_to_dataset, to_oxigraph
from .base import GraphName, Result, triples_result


class RdflibStore:
    """A QueryStore over an rdflib Dataset loaded from an N-Quads dump."""

    def __init__(self, dump: Path) -> None:
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <http://...>
        # Parsed by pyoxigraph: rdflib's own N-Quads parser warns (deprecations) as it reads.
        self.dataset: Dataset = quads_to_dataset(
            ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
        default = self.dataset.default_graph
        for s, p, o, _g in list(self.dataset.quads((None, None, None, None))):
            default.add((s, p, o))

    def query(self, query: str, *, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None,
              default_graph: list[GraphName] | None = None,
              named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None) -> Result:
        if default_graph is not None or named_graphs is not None:
            raise QueryError("the rdflib store does not take a protocol dataset "
                             "(default-graph-uri, named-graph-uri)")
        try:
            with warnings.catch_warnings():
                # rdflib 7.x's own query engine still calls its deprecated Dataset API.
                warnings.simplefilter("ignore", DeprecationWarning)
                result = self.dataset.query(query, initNs=prefixes or {}, base=base_iri)
                if result.type in ("CONSTRUCT", "DESCRIBE"):
                    assert result.graph is not None
                    return triples_result(
                        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                        for s, p, o in result.graph)
                payload = result.serialize(format="json")
        except Exception as error:  # rdflib raises pyparsing and plain exceptions alike
            raise QueryError(f"the query could not run on rdflib: {error}") from None
        assert payload is not None
        return ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)

    def quads(self) -> list[ox.Quad]:
        """The quads of the named graphs (the default graph is their merge)."""
        out = []
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            if name is None or str(name) == "urn:x-rdflib:default":
                continue
            out.append(ox.Quad(to_oxigraph(s), to_oxigraph(p),  # type: ignore[arg-type]
                               to_oxigraph(o), to_oxigraph(name)))  # type: ignore[arg-type]
        return out
