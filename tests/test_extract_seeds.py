"""The extractor measured fact by fact: the seeds against the records written by hand from
reading them (records/papers/), and the measuring script (tests/extract/measure.py) itself.

The real pages from other councils it is also measured on are third-party text and are not
in the repository, so their figures are not asserted here: `python tests/extract/measure.py
--corpus FOLDER` measures them once the pages are fetched (tests/extract/<set>/SOURCES.md),
and docs/extract.md quotes the figures measured. The seed thresholds are the measured figures
less a margin: a rule change that loses facts, or invents them, fails here.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from regimegraph.extract import default_resolver
from regimegraph.extract.facts import Fact, Score, render_scores, score
from regimegraph.importers.common import CouncilResolver

sys.path.insert(0, str(Path(__file__).resolve().parent / "extract"))
from measure import (
    CORPUS_ENV,
    SETS,
    main,
    measured_hashes,
    seed_facts,
    unseen_councils,
    unseen_expected,
    unseen_facts,
    unseen_kinds,
)

VARIANTS = Path(__file__).resolve().parent / "extract" / "variants"


@pytest.fixture(scope="module")
def resolver() -> CouncilResolver:
    return default_resolver()


@pytest.fixture(scope="module")
def seeds(resolver: CouncilResolver) -> tuple[set[Fact], set[Fact]]:
    return seed_facts(resolver)


def _row(rows: list[Score], kind: str) -> Score:
    return next(r for r in rows if r.kind == kind)


def test_the_hand_written_records_give_facts_of_every_seed(
    seeds: tuple[set[Fact], set[Fact]],
) -> None:
    expected, _ = seeds
    papers = {fact[1] for fact in expected}
    assert len(papers) == 5
    kinds = {fact[0] for fact in expected}
    assert {"council", "meeting", "judgment", "obligation", "inspection"} <= kinds


def test_seeds_precision_and_recall(seeds: tuple[set[Fact], set[Fact]]) -> None:
    rows = score(*seeds)
    print("\nSeeds\n" + render_scores(rows))
    overall = _row(rows, "all")
    assert overall.precision is not None and overall.precision >= 0.98
    assert overall.recall is not None and overall.recall >= 0.9
    for kind in ("council", "judgment", "inspection", "inspectorate"):
        row = _row(rows, kind)
        assert row.precision == 1.0 and row.recall == 1.0, row


def test_what_the_seeds_miss_is_what_they_leave_unsettled(
    seeds: tuple[set[Fact], set[Fact]],
) -> None:
    """Each fact missed is one the hand-written records settled from outside the words:
    '13 December' and 'the end of February' without a year, 'November' for the star
    ratings, and a council's own target that is not among the reference obligations."""
    expected, extracted = seeds
    missed = {(f[0], f[1]) for f in expected - extracted}
    assert missed <= {
        ("meeting", "002_217eff262eb45c50.txt"),
        ("plan-consultation-ends", "002_217eff262eb45c50.txt"),
        ("obligation", "003_9845c11fa7fbe67d.txt"),
        ("document-issued", "004_70bdc9363fe594bc.txt"),
    }
    assert extracted - expected == set()


def test_a_set_is_measured_from_texts_kept_apart_from_its_facts(
    resolver: CouncilResolver, tmp_path: Path
) -> None:
    """The path the real pages take (facts here, texts in a corpus folder), run on the
    synthetic variants, whose hand-written facts the extractor matches exactly."""
    facts, texts = tmp_path / "facts", tmp_path / "corpus"
    facts.mkdir()
    texts.mkdir()
    shutil.copy(VARIANTS / "expected.json", facts / "expected.json")
    for name in unseen_expected(facts):
        shutil.copy(VARIANTS / name, texts / name)
    expected, extracted = unseen_facts(resolver, False, facts, texts)
    assert len(expected) == sum(len(listed) for listed in unseen_expected(facts).values())
    overall = _row(score(expected, extracted), "all")
    assert overall.matched == overall.expected == overall.extracted > 0
    # Only the texts named are read: the others' facts are neither expected nor found.
    one = "wiltshire-executive-2004-annual-review.txt"
    expected, extracted = unseen_facts(resolver, False, facts, texts, {one})
    assert {fact[1] for fact in expected | extracted} == {one}


def _measure(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_a_corpus_only_the_seeds_are_measured_and_each_set_says_skipped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    code, out, _ = _measure([], capsys)
    assert code == 0
    assert out.startswith("Seeds\n")
    for folder, heading in SETS:
        assert f"{folder.name}: skipped: no corpus folder given" in out
        assert heading not in out


def test_a_corpus_without_a_sets_texts_skips_that_set_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus comes from the environment when --corpus is not given."""
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path))
    code, out, _ = _measure([], capsys)
    assert code == 0
    for folder, _heading in SETS:
        total = len(unseen_expected(folder))
        assert f"{folder.name}: skipped: its {total} texts are absent from {tmp_path}" in out


def test_a_set_with_some_texts_is_measured_on_those_and_a_changed_text_is_flagged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A synthetic text saved under a real page's name stands in for a page re-fetched
    in a different form: it is measured, and said not to be the text measured."""
    unseen, heading = SETS[0]
    names = sorted(unseen_expected(unseen))
    (tmp_path / unseen.name).mkdir()
    shutil.copy(VARIANTS / "unknown-council.txt", tmp_path / unseen.name / names[0])
    code, out, _ = _measure(["--corpus", str(tmp_path)], capsys)
    assert code == 0
    assert f"\n{heading}, text only\n" in out
    summary = next(line for line in out.splitlines() if line.startswith(f"{unseen.name}: "))
    assert f"measured on 1 of {len(names)} texts" in summary
    assert "absent: " + ", ".join(names[1:]) in summary
    assert "not the text measured on 2026-11-23 (figures may differ from " in summary
    assert summary.endswith(names[0])
    for folder, _heading in SETS[1:]:
        assert f"{folder.name}: skipped: its" in out


def test_a_missing_corpus_folder_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _measure(["--corpus", str(tmp_path / "nope")], capsys)
    assert code == 2
    assert out == ""
    assert err == f"measure.py: error: --corpus {tmp_path / 'nope'}: no such folder\n"


ROW = re.compile(r"^\| (\S+\.txt) \| (https?://\S+) \|$", re.MULTILINE)
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@pytest.mark.parametrize("folder", [folder for folder, _ in SETS], ids=lambda f: f.name)
def test_each_real_set_lists_the_address_hash_and_facts_of_every_text(
    folder: Path, resolver: CouncilResolver
) -> None:
    """What stays in the repository must be enough to fetch, check and measure the pages."""
    assert sorted(folder.iterdir()) == [folder / "SOURCES.md", folder / "expected.json"]
    facts = unseen_expected(folder)
    addresses = dict(ROW.findall((folder / "SOURCES.md").read_text(encoding="utf-8")))
    assert set(addresses) == set(facts)
    hashes = measured_hashes(folder)
    assert set(hashes) == set(facts)
    assert all(SHA256.match(value) for value in hashes.values())
    kinds = unseen_kinds(folder)
    assert kinds is not None
    for name, listed in facts.items():
        assert listed, name
        assert {fact[0] for fact in listed} <= kinds, name
    councils = unseen_councils(folder)
    assert set(councils) <= set(facts)
    for name, council in councils.items():
        assert resolver.resolve(council).resolved, (name, council)
