"""The two SHACL engines give the same findings on everything we check.

`regimegraph check` runs pyshacl-turbo by default and pySHACL with `--engine
pyshacl`. The default is admitted only because, on every rule fixture, the
examples and the bundled knowledge base, the two give identical findings:
severity, rule, focus, message, path, value, citations, file and line. (The
W3C suite is compared in tests/test_w3c_shacl.py.) A new rule or an upgraded
engine that makes them disagree fails here, before a user sees it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from regimegraph.checker import check
from regimegraph.errors import ShapesError
from regimegraph.validator import ENGINES, run_shacl

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TODAY = date(2026, 11, 23)
FIXTURES = sorted([*TESTS.glob("obligations/*/*.ttl"), *TESTS.glob("rules/*/*.ttl")])


def test_there_are_fixtures_to_compare() -> None:
    assert len(FIXTURES) >= 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.parent.name}/"
                         f"{p.parent.name}/{p.stem}")
def test_engines_agree_on_fixture(path: Path) -> None:
    turbo = check([path], TODAY, engine="turbo")
    reference = check([path], TODAY, engine="pyshacl")
    assert turbo.findings == reference.findings


def test_engines_agree_on_the_examples() -> None:
    turbo = check([ROOT / "examples"], TODAY, engine="turbo")
    assert turbo.findings, "the examples are meant to break rules"
    assert turbo.findings == check([ROOT / "examples"], TODAY, engine="pyshacl").findings


def test_engines_agree_on_the_knowledge_base() -> None:
    turbo = check(None, TODAY, engine="turbo")
    assert turbo.findings
    assert turbo.findings == check(None, TODAY, engine="pyshacl").findings


def test_an_unknown_engine_is_a_clear_error() -> None:
    from rdflib import Graph

    with pytest.raises(ShapesError, match="unknown SHACL engine 'jena'"):
        run_shacl(Graph(), Graph(), engine="jena")
    assert ENGINES == ("turbo", "pyshacl")


def test_the_command_takes_either_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from regimegraph.cli import main

    args = ["check", "--today", "2026-11-23", "--format", "json", str(ROOT / "examples")]
    default = CliRunner().invoke(main, args)
    reference = CliRunner().invoke(main, [*args, "--engine", "pyshacl"])
    assert default.exit_code == reference.exit_code == 1
    assert default.stdout == reference.stdout
    monkeypatch.setenv("REGIMEGRAPH_ENGINE", "nonesuch")
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "nonesuch" in refused.output
