"""Shared fixtures: the knowledge base is built once per test session."""

from __future__ import annotations

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
