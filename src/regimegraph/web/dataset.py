"""The dataset `regimegraph serve` answers from: the knowledge base and/or given files.

It is written once as one N-Quads file (keyed by a digest of its inputs, in
the cache folder) because each serving process loads it (a successor too,
supervisor.py): a file is the one thing separate processes can share without
copying a store between them.
Triples from N-Triples, Turtle or JSON-LD files go into a named graph named
after the file; N-Quads and TriG keep their own graphs.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import UsageError
from ..kb import open_kb
from ..loader import read_quads
from ..namespaces import GRAPH
from ..resources import cache_dir
from ..store import named_quads
from ..stores import MEMORY, StoreSpec


def served_dump(settings: Settings, spec: StoreSpec = MEMORY) -> Path:
    """The N-Quads file to serve, built if its inputs changed.

    With the knowledge base alone, that is the build's own dump (no copy: at
    a million triples a copy costs seconds and a gigabyte). With a SPARQL
    server as the store, it is what the server holds, read once at start-up,
    so the pages and downloads show the build /sparql answers from, not the
    local sources (which may be newer or older).
    """
    if spec.kind == "remote":
        return _server_dump(spec)
    digest = hashlib.sha256()
    kb_dump: Path | None = None
    if settings.include_kb:
        kb_dump = open_kb(store=MEMORY).dump
        assert kb_dump is not None
        if not settings.data_files:
            return kb_dump
        digest.update(kb_dump.name.encode())
    for path in settings.data_files:
        if not path.is_file():
            raise UsageError(f"--data {path}: no such file")
        digest.update(str(path.resolve()).encode())
        digest.update(path.read_bytes())
    target = cache_dir() / f"served-{digest.hexdigest()[:16]}.nq"
    if target.exists():
        return target
    quads: list[ox.Quad] = []
    if kb_dump is not None:
        store = ox.Store()
        store.bulk_load(path=str(kb_dump), format=ox.RdfFormat.N_QUADS)
        quads.extend(named_quads(store))
    for path in settings.data_files:
        quads.extend(read_quads(path, str(GRAPH[f"data/{path.name}"])))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".serving-")
    with os.fdopen(handle, "wb") as out:
        ox.serialize(quads, output=out, format=ox.RdfFormat.N_QUADS)
    os.replace(temporary, target)
    return target


def _server_dump(spec: StoreSpec) -> Path:
    kb = open_kb(store=spec)  # StoreUnavailable (exit 4) when the server does not answer
    target = cache_dir() / f"served-server-{kb.info.digest[:16]}.nq"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".serving-")
    with os.fdopen(handle, "wb") as out:
        ox.serialize(kb.backend.quads(), output=out, format=ox.RdfFormat.N_QUADS)
    os.replace(temporary, target)
    return target
