"""A generated England: deterministic, the size asked for, parseable, and with a known answer.

The important test: `regimegraph check` on a generated England finds every rule
break the manifest lists, and nothing else at warning or violation level.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from regimegraph.checker import check
from regimegraph.cli import main
from regimegraph.errors import UsageError
from regimegraph.generate import floor_and_detail, generate, parse_size
from regimegraph.loader import read_graph

# A small England: Oxfordshire (the only Section 42 target), a council created in
# 2009, one abolished in 2009, the City of London and a metropolitan district.
SMALL = ("E10000025", "E06000055", "historic-bedfordshire-county-council", "E09000001",
         "E08000025")  # fmt: skip
CHECK_DATE = date(2026, 11, 23)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small England with a high break rate, so every kind of break is likely planted."""
    folder = tmp_path_factory.mktemp("england")
    generate(folder, 20_000, seed=7, break_rate=0.3, only=SMALL)
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_and_size_give_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 15_000, seed=11, only=SMALL)
    generate(tmp_path / "b", 15_000, seed=11, only=SMALL)
    generate(tmp_path / "c", 15_000, seed=12, only=SMALL)
    first = _files(tmp_path / "a")
    assert first == _files(tmp_path / "b")
    assert first["manifest.json"] and len(first) >= 4
    # Another seed gives another England (the councils, from the register, are the same).
    other = _files(tmp_path / "c")
    assert other["councils.nt"] == first["councils.nt"]
    assert other["regimes-001.ttl"] != first["regimes-001.ttl"]


@pytest.mark.parametrize("asked", [8_000, 30_000])
def test_size_lands_near_the_target(tmp_path: Path, asked: int) -> None:
    result = generate(tmp_path, asked, only=SMALL)
    assert abs(result.triples - asked) / asked < 0.05
    manifest = _manifest(tmp_path)
    assert manifest["triples"] == result.triples
    assert sum(manifest["triples_by_file_kind"].values()) == result.triples


def test_below_the_floor_is_a_usage_error(tmp_path: Path) -> None:
    floor, _detail = floor_and_detail(2026, SMALL)
    with pytest.raises(UsageError, match="smallest generated England"):
        generate(tmp_path, floor - 1, only=SMALL)


def test_every_file_parses_and_holds_the_triples_counted(small: Path) -> None:
    manifest = _manifest(small)
    files = [small / name for name in manifest["files"]]
    total = sum(len(read_graph(path)) for path in files)
    # No triple is written twice, so the count is the graph's size.
    assert total == manifest["triples"]


def test_check_finds_exactly_the_planted_breaks(small: Path) -> None:
    manifest = _manifest(small)
    breaks = manifest["breaks"]
    assert isinstance(breaks, list)
    planted = Counter((b["focus"], b["shape"]) for b in breaks)
    assert all(n == 1 for n in planted.values())
    # The seed plants most kinds of break; the comparison below is then meaningful.
    assert len({b["shape"] for b in breaks}) >= 10

    result = check([small], CHECK_DATE)
    found = {(f.focus, f.shape) for f in result.findings if f.severity != "info"}
    assert set(planted) - found == set(), "planted but not found"
    assert found - set(planted) == set(), "found but not planted"
    severities = {(f.focus, f.shape): f.severity for f in result.findings}
    assert all(severities[(b["focus"], b["shape"])] == b["severity"] for b in breaks)
    # What is left is the information the rules give whatever the records say.
    information = Counter(f.shape for f in result.findings if f.severity == "info")
    assert information == Counter(manifest["information_expected"])


def test_records_follow_the_councils_lifetimes(small: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(small.glob("regimes-*.ttl")))
    # Bedfordshire County Council (abolished 2009) has no CQC assessment; Bedford
    # Borough Council (from 2009) has no star rating.
    assert "inspection:historic-bedfordshire-county-council-star-rating-2002-03 a" in text
    assert "inspection:historic-bedfordshire-county-council-cqc-la-" not in text
    assert "inspection:E06000055-cqc-la-" in text
    assert "inspection:E06000055-star-rating-" not in text


@pytest.mark.parametrize(("text", "value"), [("1000000", 1_000_000), ("100k", 100_000),
                                             ("1M", 1_000_000), ("2.5m", 2_500_000),
                                             ("10_000", 10_000)])
def test_sizes(text: str, value: int) -> None:
    assert parse_size(text) == value


def test_command(tmp_path: Path) -> None:
    args = ["generate", "--triples", "10k", "--seed", "3", "--out", str(tmp_path)]
    for council in SMALL:
        args += ["--council", council]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "councils" in result.output and (tmp_path / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--triples", "lots"], "--triples 'lots'"),
     (["--triples", "10", "--council", "E10000025"], "smallest generated England"),
     (["--council", "E07000223"], "--council E07000223")],
)
def test_command_errors_are_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "x"), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.output
