"""The query engine's store: an in-memory Oxigraph dataset.

The default graph a query sees is the RDF merge of every named graph. Oxigraph
0.5 has an option for that (`use_default_graph_as_union`) but it counts a
triple once per graph that holds it (oxigraph/oxigraph#1919, fixed only in
0.6), and this knowledge base states many facts in two sources (a seed paper
and a table). So the merge is materialised into the store's default graph when
the store opens: a graph is a set, so each triple is there once, and named
graphs stay available to `GRAPH ?g` for provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

DEFAULT = ox.DefaultGraph()


def merge_into_default_graph(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph (deduplicated).

    One update inside Oxigraph: at two million quads, a Python pass over them
    would take longer than loading the dump.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """A SELECT query's solutions (typed, for the callers that only ask SELECT)."""
    result = store.query(query)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:60]}")
    return result


def memory_store(dump: Path | None = None, quads: Iterable[ox.Quad] = ()) -> ox.Store:
    """A store loaded from an N-Quads dump and/or quads, with the merged default graph."""
    store = ox.Store()
    if dump is not None:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.extend(list(quads))
    merge_into_default_graph(store)
    return store


def named_quads(store: ox.Store) -> list[ox.Quad]:
    """The quads of the named graphs only: what a dump holds."""
    return [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]
