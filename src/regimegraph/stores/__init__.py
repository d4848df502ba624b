"""Where the knowledge base is kept and queried: one setting for every command.

`StoreSpec` (spec.py) says which store; `open_store` opens it as a `Backend`
(base.py): SPARQL answered as pyoxigraph result objects, and the quads of its
named graphs. Four kinds:

- memory: pyoxigraph in this process, loaded from the cached build (the default:
  35 to 3,000 times faster than rdflib on our queries);
- rdflib: an rdflib Dataset in this process (rdflib_store.py);
- oxigraph:PATH: pyoxigraph on disk, written by `build`, reopened read-only (ondisk.py);
- a SPARQL 1.1 server by URL (remote.py).

docs/stores.md describes them, the setting's precedence and each server's quirks.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..store import memory_store, named_quads
from .base import (
    EXIT_UNAVAILABLE,
    Backend,
    GraphName,
    QueryStore,
    Result,
    StoreRefused,
    StoreUnavailable,
)
from .spec import MEMORY, StoreSpec, configured, parse_spec, use_option


class OxigraphStore:
    """A Backend over a pyoxigraph Store (in memory, or on disk read-only)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def query(self, query: str, *, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None,
              default_graph: list[GraphName] | None = None,
              named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None) -> Result:
        return self.store.query(query, base_iri=base_iri, prefixes=prefixes,
                                default_graph=default_graph, named_graphs=named_graphs)

    def quads(self) -> list[ox.Quad]:
        return named_quads(self.store)


def open_store(spec: StoreSpec, dump: Path | None = None) -> Backend:
    """Open a store for reading; memory and rdflib load the N-Quads `dump`."""
    if spec.kind == "memory":
        assert dump is not None
        return OxigraphStore(memory_store(dump))
    if spec.kind == "rdflib":
        from .rdflib_store import RdflibStore

        assert dump is not None
        return RdflibStore(dump)
    if spec.kind == "oxigraph":
        from .ondisk import open_read_only

        assert spec.path is not None
        return OxigraphStore(open_read_only(spec.path))
    from .remote import RemoteStore

    return RemoteStore(spec)


__all__ = [
    "EXIT_UNAVAILABLE",
    "MEMORY",
    "Backend",
    "OxigraphStore",
    "QueryStore",
    "Result",
    "StoreRefused",
    "StoreSpec",
    "StoreUnavailable",
    "configured",
    "open_store",
    "parse_spec",
    "use_option",
]
