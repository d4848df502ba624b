"""An Oxigraph store on disk: written once by `build`, reopened instantly by every command.

Layout of `oxigraph:PATH` (a directory this module owns):

    PATH/.regimegraph-store   marker: refuse to write into a directory that is not ours
    PATH/current              symlink to the generation in use
    PATH/gen-<time>-<digest>/ one complete Oxigraph (RocksDB) store, never written again
    PATH/gen-<...>.json       the BuildInfo of that generation
    PATH/gen-<...>.lease      held (shared flock) by each process reading that generation
    PATH/.lock                held (flock) by whoever is writing a generation

A build writes a new generation beside the others and then replaces the
`current` symlink with one rename(2), which is atomic: a build killed at any
moment leaves `current` pointing at the previous, complete generation, and the
half-written directory is removed by the next build. Readers open the resolved
generation directory read-only and hold its lease, so a process that opened an
earlier generation keeps reading it undisturbed however many builds follow;
a build deletes the generations before the previous one that no reader holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError

MARKER = ".regimegraph-store"
CURRENT = "current"


def current_generation(root: Path) -> Path | None:
    """The generation directory `current` points at, resolved, or None if there is none."""
    link = root / CURRENT
    if not link.is_symlink():
        return None
    target = (root / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def read_info(root: Path) -> dict[str, object] | None:
    """The BuildInfo (as JSON data) of the current generation, or None."""
    generation = current_generation(root)
    if generation is None:
        return None
    try:
        data = json.loads(generation.with_name(generation.name + ".json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# Leases held by this process on the generations it has open (see open_read_only).
_leases: list[int] = []


def open_read_only(root: Path) -> ox.Store:
    """The current generation, opened read-only (many processes may do so at once).

    The reader holds a shared lock on the generation's lease file for as long
    as the process lives: RocksDB opens table files lazily, so a generation
    deleted under a long-running reader (a server) would fail its later
    queries. A build deletes only generations no reader holds (_remove_old).
    """
    for _attempt in range(5):
        generation = current_generation(root)
        if generation is None:
            raise UsageError(f"oxigraph:{root}: holds no knowledge base: "
                             f"run regimegraph build --store oxigraph:{root}")
        # A bare descriptor, held until the process exits (the OS then releases the lock).
        lease = os.open(_lease(generation), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(lease, fcntl.LOCK_SH)
        if not generation.is_dir():  # removed by two builds between resolving and locking
            os.close(lease)
            continue
        try:
            store = ox.Store.read_only(str(generation))
        except OSError as error:
            os.close(lease)
            raise UsageError(f"oxigraph:{root}: cannot be opened: {error}") from None
        _leases.append(lease)
        return store
    raise UsageError(f"oxigraph:{root}: the store changed five times while opening it; "
                     "try again when the builds have finished")


def _lease(generation: Path) -> Path:
    return generation.with_name(generation.name + ".lease")


@contextlib.contextmanager
def _writer_lock(root: Path) -> Iterator[None]:
    with open(root / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prepare(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"oxigraph:{root}: is a file, not a directory")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).exists():
        raise UsageError(f"oxigraph:{root}: the directory is not empty and is not a "
                         "regimegraph store; give a new or empty directory")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).touch()


def write_generation(root: Path, dump: Path, info: dict[str, object]) -> Path:
    """Load the N-Quads dump into a new generation and make it current, atomically."""
    _prepare(root)
    with _writer_lock(root):
        for leftover in root.glob("building-*"):  # from a build that was killed
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        digest = str(info.get("digest", ""))[:12]
        name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{digest}"
        building = root / f"building-{name}"
        store = ox.Store(str(building))
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        _bulk_load_default_graph(store, dump, root / f"building-{name}.nt")
        # The bulk loads leave table files every read must visit; one compaction
        # (15 s at 10M triples) made the competency queries 3 to 10 times faster
        # at 10M (benchmarks/RESULTS.md, serve on the on-disk store, session 4).
        store.optimize()
        store.flush()
        del store  # closes RocksDB before the directory is renamed
        generation = root / name
        os.replace(building, generation)
        _write_atomically(generation.with_name(name + ".json"), json.dumps(info, indent=2))
        link = root / f".current-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(name)
        previous = current_generation(root)
        os.replace(link, root / CURRENT)  # the atomic switch
        _remove_old(root, keep={name, previous.name if previous else name})
        return generation


def _bulk_load_default_graph(store: ox.Store, dump: Path, scratch: Path) -> None:
    """Give the store its default graph, the merge of the named graphs (store.py says why).

    Bulk-loaded from the dump's triples, not by a SPARQL update: on RocksDB
    the update took 31 s for a million-triple build, this 13 s.
    """
    try:
        with open(scratch, "wb") as out:
            ox.serialize((q.triple for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)),
                         output=out, format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(scratch), format=ox.RdfFormat.N_TRIPLES)
    finally:
        scratch.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _remove_old(root: Path, keep: set[str]) -> None:
    """Delete generations other than the current and the previous one, unless a reader holds one.

    A generation a reader still holds stays, with its build record, until a
    later build finds it free.
    """
    for generation in root.glob("gen-*"):
        if not generation.is_dir() or generation.name in keep:
            continue
        with open(_lease(generation), "a+b") as lease:
            try:
                fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader has it open
            shutil.rmtree(generation, ignore_errors=True)
            generation.with_name(generation.name + ".json").unlink(missing_ok=True)
            _lease(generation).unlink(missing_ok=True)
