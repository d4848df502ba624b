"""What every store offers: SPARQL queries answered as pyoxigraph result objects, and quads.

Rendering (query.py), the endpoint's workers (web/answers.py) and the pages read
results through pyoxigraph's QuerySolutions / QueryBoolean / QueryTriples
whatever the store, so a store that is not Oxigraph converts its answers into
them (`triples_result` and `pyoxigraph.parse_query_results`). pyoxigraph's own
Store already has this `query` signature, so it is a QueryStore as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pyoxigraph as ox

from ..errors import QueryError, RegimegraphError

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

EXIT_UNAVAILABLE = 4


class QueryStore(Protocol):
    """Anything `regimegraph query`, the endpoint and the competency tests can query."""

    def query(self, query: str, *, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None,
              default_graph: list[GraphName] | None = None,
              named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None) -> Result: ...


class Backend(QueryStore, Protocol):
    """A opened store: queries, and the quads of its named graphs (what a build wrote)."""

    def quads(self) -> list[ox.Quad]: ...


class StoreUnavailable(RegimegraphError):
    """The store cannot be reached (a server down or not answering): try again later.

    The endpoint answers 503 with this message; the command line exits 4.
    """

    exit_code = EXIT_UNAVAILABLE


class StoreRefused(QueryError):
    """The store answered but refused the query (a remote server's 4xx)."""


def triples_result(triples: Iterable[ox.Triple]) -> ox.QueryTriples:
    """A pyoxigraph QueryTriples holding these triples (for stores that are not Oxigraph)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result
