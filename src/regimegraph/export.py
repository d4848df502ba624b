"""Write the built knowledge base as a dump a researcher can download and cite."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .kb import KnowledgeBase
from .namespaces import prefix_iris
from .store import named_quads

DUMP_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}


def export_dump(kb: KnowledgeBase, path: Path) -> None:
    """All named graphs, sorted so two dumps of the same build are byte-identical."""
    try:
        fmt = DUMP_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UsageError(
            f"{path}: dumps are written as {' or '.join(DUMP_FORMATS)} (named graphs need quads)"
        ) from None
    quads = sorted(named_quads(kb.store), key=str)
    prefixes = prefix_iris() if fmt == ox.RdfFormat.TRIG else None
    try:
        if prefixes:
            ox.serialize(quads, output=str(path), format=fmt, prefixes=prefixes)
        else:
            ox.serialize(quads, output=str(path), format=fmt)
    except OSError as error:
        raise UsageError(f"{path}: cannot be written: {error}") from None
