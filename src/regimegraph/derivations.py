"""Derived facts the rules check, computed once per check and kept apart from the data.

Two kinds: due dates and duty statuses, which need calendar arithmetic and
live in duties.py; and everything else (CQC percentages and bands, the scale a
judgment's value should be on, date bounds), written as SPARQL CONSTRUCT files
in rules/derivations/ and run here on Oxigraph. Running a derivation once over
the whole graph costs milliseconds, where a SHACL-AF rule in pySHACL runs per
focus node (about 10 ms each); and keeping derived triples in their own named
graph lets a user see what was asserted and what was computed.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import ShapesError
from .namespaces import prefix_iris
from .resources import kb_path


def derivation_files(folder: Path | None = None) -> list[Path]:
    base = folder or kb_path("rules", "derivations")
    return sorted(base.glob("*.rq")) if base.is_dir() else []


def run_derivations(
    store: ox.Store, graph_name: str | None, files: list[Path] | None = None
) -> int:
    """Run every CONSTRUCT over the store's default graph; add results to `graph_name`.

    The results always go into the default graph too (so later derivations and
    the shapes see them); `graph_name` None adds them there only.

    Files run in name order and each sees what the earlier ones derived, so a
    derivation can build on another (number the files). Returns the number of
    triples added. The store's default graph must already be the merge of the
    data (store.merge_into_default_graph).
    """
    target = ox.NamedNode(graph_name) if graph_name else None
    prefixes = prefix_iris()
    total = 0
    for path in files if files is not None else derivation_files():
        try:
            result = store.query(path.read_text(encoding="utf-8"), prefixes=prefixes)
        except SyntaxError as error:
            raise ShapesError(f"{path}: SPARQL syntax error: {error}") from None
        if not isinstance(result, ox.QueryTriples):
            raise ShapesError(f"{path}: a derivation must be a CONSTRUCT query")
        # Handed over as N-Triples, so no triple becomes a Python object on the
        # way: at a million records that halved the time derivations take.
        # Blank nodes keep their labels, so every copy names the same node.
        triples = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        for graph in (target, ox.DefaultGraph()):
            if graph is not None:
                store.load(input=triples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        total += triples.count(b"\n")
    return total
