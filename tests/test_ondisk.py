"""An on-disk store's generations: a reader keeps its own however many builds follow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from regimegraph.kb import KnowledgeBase, load_into
from regimegraph.stores import ondisk, parse_spec

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _count(store: object) -> int:
    rows = list(store.query(COUNT))  # type: ignore[attr-defined]
    return int(rows[0]["n"].value)


def test_a_reader_keeps_its_generation_through_two_builds(kb: KnowledgeBase,
                                                          tmp_path: Path) -> None:
    spec = parse_spec(f"oxigraph:{tmp_path / 'store'}")
    assert spec.path is not None
    load_into(spec)
    first = ondisk.current_generation(spec.path)
    assert first is not None
    reader = ondisk.open_read_only(spec.path)
    held = ondisk._leases[-1]
    before = _count(reader)
    for _ in range(2):
        _kb, written = load_into(spec, reload=True)
        assert written
    assert ondisk.current_generation(spec.path) != first
    assert first.is_dir(), "a generation a reader holds is not deleted"
    assert _count(reader) == before
    # Once the reader lets go, the next build removes it.
    del reader
    ondisk._leases.remove(held)
    os.close(held)
    load_into(spec, reload=True)
    assert not first.exists()
    assert not first.with_name(first.name + ".lease").exists()
    assert len([p for p in spec.path.glob("gen-*") if p.is_dir()]) == 2


def test_opening_an_empty_store_is_a_usage_error(tmp_path: Path) -> None:
    from regimegraph.errors import UsageError

    with pytest.raises(UsageError, match="holds no knowledge base"):
        ondisk.open_read_only(tmp_path)
