"""What the knowledge base is built from: the bundled folders and the user's record folders.

The bundled sources are `ontology/`, `reference/` and `records/` beside the
package (resources.py). A researcher who wants their own records in the same
knowledge base (a council's papers, or a generated England for benchmarks)
names record folders with the `records` setting, read like the store setting
(stores/spec.py), the first that is set winning:

    --records PATH (repeatable)       on build, query, check and serve
    REGIMEGRAPH_RECORDS=PATH[:PATH]   folders separated by the OS path separator
    records = ["PATH", ...]           in regimegraph.toml, relative to that file

Every command then sees the same knowledge base: the setting is part of the
build's digest, so adding or editing a file rebuilds it, and `query` or
`serve` never answer from a build that lacks records `build` was given.
A folder's files go into named graphs `graph:local/<folder name>/<path>`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import UsageError
from .loader import FORMATS, is_rdf_file
from .namespaces import GRAPH
from .resources import kb_path, kb_root
from .stores.spec import read_config

BUNDLED_FOLDERS = ("ontology", "reference", "records")
# The schema: closed by owlrl; records are closed by rules (reasoner.py).
SCHEMA_FOLDERS = ("ontology", "reference")
ENV = "REGIMEGRAPH_RECORDS"


@dataclass(frozen=True)
class Source:
    """One RDF file of the knowledge base and the named graph it is loaded into."""

    path: Path
    graph: str
    folder: str  # ontology, reference, records (bundled) or local (the records setting)

    @property
    def is_schema(self) -> bool:
        return self.folder in SCHEMA_FOLDERS

    @property
    def is_record(self) -> bool:
        return self.folder in ("records", "local")


_option: tuple[Path, ...] | None = None


def use_option(paths: tuple[Path, ...] | None) -> None:
    """Record the running command's `--records` folders (they outrank every other source)."""
    global _option
    _option = paths or None


def record_folders_option() -> tuple[Path, ...]:
    """The `--records` folders given to the running command, if any."""
    return _option or ()


def record_folders(environ: dict[str, str] | None = None,
                   cwd: Path | None = None) -> tuple[Path, ...]:
    """The user's record folders in force: --records, then REGIMEGRAPH_RECORDS, then the file."""
    if _option is not None:
        return _checked(_option, "--records")
    env = os.environ if environ is None else environ
    raw = env.get(ENV, "").strip()
    if raw:
        return _checked(tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p), ENV)
    found = read_config(cwd)
    if found is None:
        return ()
    config, data = found
    value = data.get("records")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f'{config}: records: expected a list of folders such as ["my-records"]')
    return _checked(tuple(config.parent / Path(v).expanduser() for v in value),
                    f"{config}: records")


def _checked(folders: tuple[Path, ...], where: str) -> tuple[Path, ...]:
    names: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"{where}: {folder}: no such folder")
        name = folder.resolve().name
        if name in names and names[name].resolve() != folder.resolve():
            raise UsageError(f"{where}: {names[name]} and {folder} are both named {name!r}; "
                             "their graphs would collide: rename one")
        names[name] = folder
    return tuple(dict.fromkeys(names.values()))


def sources(folders: tuple[Path, ...] | None = None) -> list[Source]:
    """Every RDF source file of the knowledge base, in a stable order.

    `folders` are the user's record folders (default: the records setting).
    """
    root = kb_root()
    found: list[Source] = []
    for folder in BUNDLED_FOLDERS:
        for path in _rdf_files(root / folder):
            relative = path.relative_to(root).with_suffix("").as_posix()
            found.append(Source(path, str(GRAPH[relative]), folder))
    for base in record_folders() if folders is None else folders:
        for path in record_files_in(base):
            relative = path.relative_to(base).with_suffix("").as_posix()
            found.append(Source(path, str(GRAPH[f"local/{base.resolve().name}/{relative}"]),
                                "local"))
    return found


def _rdf_files(base: Path) -> list[Path]:
    """The RDF files under a folder, hidden ones left out, in a stable order."""
    if not base.is_dir():
        return []
    return [p for p in sorted(base.rglob("*"))
            if p.is_file() and is_rdf_file(p)
            and not any(part.startswith(".") for part in p.relative_to(base).parts)]


def record_files_in(folder: Path) -> list[Path]:
    """A record folder's RDF files; a folder without any is a usage error."""
    files = _rdf_files(folder)
    if not files:
        raise UsageError(f"{folder}: no record files ({', '.join(sorted(FORMATS))}) "
                         "in this folder")
    return files


def input_digest(found: list[Source] | None = None) -> str:
    """A digest of everything a build reads, and of the code version.

    The bundled files are hashed by content. The user's record files are
    hashed by name, size and modification time, as make and ninja judge a
    file changed: reading a generated England's gigabyte on every `query`
    would cost seconds, and any edit changes the time.
    """
    digest = hashlib.sha256(__version__.encode())
    for source in sources() if found is None else found:
        digest.update(source.graph.encode())
        if source.folder == "local":
            stat = source.path.stat()
            digest.update(f"{source.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
        else:
            digest.update(source.path.read_bytes())
    for table in sorted(kb_path("data", "sources").glob("*.csv")):
        digest.update(table.relative_to(kb_root()).as_posix().encode())
        digest.update(table.read_bytes())
    return digest.hexdigest()
