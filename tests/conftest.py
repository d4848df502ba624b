"""Shared fixtures: the knowledge base is built once per test session."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from regimegraph.kb import KnowledgeBase, open_kb

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def kb_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private cache, so tests never reuse or disturb a user's build."""
    cache = tmp_path_factory.mktemp("regimegraph-cache")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("REGIMEGRAPH_CACHE", str(cache))
    yield cache
    patcher.undo()


@pytest.fixture(scope="session")
def kb(kb_cache: Path) -> KnowledgeBase:
    return open_kb()


@pytest.fixture(scope="module", autouse=True)
def garbage_of_earlier_modules_dropped_here() -> None:
    """Collect the garbage earlier modules left, on the main thread, before this one starts.

    pyoxigraph's results may only be dropped on the thread that made them (a
    RuntimeError, which pytest reports, otherwise). Tests make them on the
    main thread, and some leave them in reference cycles (pytest.raises,
    CliRunner, rdflib's parser keep frames alive); a module that starts
    threads (servers, the pages' builder) would otherwise let the first
    collection one of them sets off drop those results there.
    """
    gc.collect()
