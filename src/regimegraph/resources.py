"""Where the knowledge base's source files are.

People edit `ontology/`, `reference/`, `records/`, `rules/`, `queries/` and
`data/` at the top of the repository; a wheel carries the same folders inside
the package under `regimegraph/kb/`. Code asks here instead of assuming either
layout, so an installed package and a checkout behave the same.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

KB_FOLDERS = ("ontology", "reference", "records", "rules", "queries", "data")


@cache
def kb_root() -> Path:
    """The folder holding `ontology/`, `reference/` and the rest.

    `REGIMEGRAPH_KB_ROOT` overrides it, for a fork of the knowledge base kept
    elsewhere.
    """
    override = os.environ.get("REGIMEGRAPH_KB_ROOT")
    if override:
        return Path(override).resolve()
    bundled = Path(__file__).resolve().parent / "kb"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "the knowledge base sources (ontology/, reference/, ...) were not found beside the "
        "package; set REGIMEGRAPH_KB_ROOT to the folder that holds them"
    )


def kb_path(*parts: str) -> Path:
    """A path inside the knowledge base sources."""
    return kb_root().joinpath(*parts)


def cache_dir() -> Path:
    """Where built knowledge bases are kept between runs (not in the repository)."""
    override = os.environ.get("REGIMEGRAPH_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "regimegraph"
