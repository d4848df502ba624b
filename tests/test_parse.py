"""Every Turtle file in the repository parses, and the glob finds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
TURTLE = sorted(
    p
    for folder in ("ontology", "reference", "records", "rules", "examples")
    if (ROOT / folder).exists()
    for p in (ROOT / folder).rglob("*.ttl")
)


def test_the_glob_found_the_ontology_and_reference_data() -> None:
    names = {p.name for p in TURTLE}
    assert {"core.ttl", "scales.ttl", "regimes.ttl", "obligations.ttl"} <= names


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_parses(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0
