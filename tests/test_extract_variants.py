"""Tricky wordings, as synthetic fixtures with hand-written facts (tests/extract/variants/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from regimegraph.extract import Extraction, default_resolver, extract_paths
from regimegraph.extract.facts import Fact, facts_of_graph
from regimegraph.importers.common import CouncilResolver

sys.path.insert(0, str(Path(__file__).resolve().parent / "extract"))
from variant_docx import build_kent_docx

VARIANTS = Path(__file__).resolve().parent / "extract" / "variants"
EXPECTED = json.loads((VARIANTS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolver() -> CouncilResolver:
    return default_resolver()


def _extract(path: Path, resolver: CouncilResolver) -> tuple[Extraction, set[Fact]]:
    result = extract_paths([path], resolver)
    return result, facts_of_graph(result.graph)


@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.startswith("_")])
def test_every_fact_written_by_hand_and_nothing_else(name: str, resolver: CouncilResolver) -> None:
    _, found = _extract(VARIANTS / name, resolver)
    expected = {tuple(fact) for fact in EXPECTED[name]}
    assert sorted(expected - found) == [], "missed"
    assert sorted(found - expected) == [], "extracted but not stated"


def test_an_unknown_council_and_dates_without_a_year_are_reported(
    resolver: CouncilResolver,
) -> None:
    result, found = _extract(VARIANTS / "unknown-council.txt", resolver)
    review = "\n".join(result.review)
    assert "'Barsetshire County Council' names no council in the register" in review
    assert "'13 DECEMBER': '13 DECEMBER' gives no year" in review
    assert "'September' gives no year" in review
    assert found == set()  # nothing guessed: no council, so no records


def test_a_pre_2009_council_name_resolves_through_the_alias_list(
    resolver: CouncilResolver,
) -> None:
    _, found = _extract(VARIANTS / "wiltshire-executive-2004-annual-review.txt", resolver)
    assert ("council", "E06000054") in found


def test_a_word_paper_with_a_table_of_outcome_grades(
    tmp_path: Path, resolver: CouncilResolver
) -> None:
    result, found = _extract(build_kent_docx(tmp_path), resolver)
    regime = "csci-adult-performance-2006-2008"
    expected = {
        ("council", "E10000016"),
        ("meeting", "cabinet", "2008-03-10"),
        ("author", "managing director, kent adult social services"),
        ("inspection", regime, ""),
        ("inspectorate", regime, "", "csci"),
        ("period", regime, "", "2006-2007"),
        ("judgment", regime, "", "star-rating", "stars-3"),
        ("judgment", regime, "", "delivering-outcomes", "outcome-excellent"),
        ("judgment", regime, "", "capacity-to-improve", "prospects-excellent"),
        ("judgment", regime, "", "outcome-1-health-wellbeing", "outcome-excellent"),
        ("judgment", regime, "", "outcome-2-quality-of-life", "outcome-excellent"),
        ("judgment", regime, "", "outcome-3-positive-contribution", "outcome-good"),
        ("judgment", regime, "", "outcome-4-choice-control", "outcome-good"),
        ("judgment", regime, "", "outcome-5-freedom-from-discrimination", "outcome-good"),
        ("judgment", regime, "", "outcome-6-economic-wellbeing", "outcome-adequate"),
        ("judgment", regime, "", "outcome-7-dignity-respect", "outcome-excellent"),
        ("development-areas", regime, "", "9"),
        ("action-plan", regime, ""),
    }
    assert sorted(expected - found) == []
    assert sorted(found - expected) == []
    notes = [s for s in result.graph.objects(None, None) if "python-docx" in str(s)]
    assert notes, "the source must say what a .docx paper's offsets refer to"
