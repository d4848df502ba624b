"""The SHACL engines give the same findings on everything we check.

`regimegraph check` runs the sparql engine (SHACL Core compiled to SPARQL, in
the check's store) by default, pyshacl-turbo where that cannot run the rules,
and pySHACL with `--engine pyshacl`. The faster engines are admitted only
because, on every rule fixture, the examples and the bundled knowledge base,
they give the findings pySHACL gives: severity, rule, focus, message, path,
value, citations, file and line. (The W3C suite is compared in
tests/test_w3c_shacl.py.) A new rule or an upgraded engine that makes them
disagree fails here, before a user sees it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from regimegraph.checker import check, shapes_graph
from regimegraph.engines import DEFAULT_ENGINE, ENGINES
from regimegraph.errors import ShapesError
from regimegraph.shacl_sparql import compile_shapes
from regimegraph.validator import run_shacl

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TODAY = date(2026, 11, 23)
FIXTURES = sorted([*TESTS.glob("obligations/*/*.ttl"), *TESTS.glob("rules/*/*.ttl")])


def test_there_are_fixtures_to_compare() -> None:
    assert len(FIXTURES) >= 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.parent.name}/"
                         f"{p.parent.name}/{p.stem}")
def test_engines_agree_on_fixture(path: Path) -> None:
    reference = check([path], TODAY, engine="pyshacl")
    assert check([path], TODAY, engine="sparql").findings == reference.findings
    assert check([path], TODAY, engine="turbo").findings == reference.findings


def test_engines_agree_on_the_examples() -> None:
    reference = check([ROOT / "examples"], TODAY, engine="pyshacl")
    assert reference.findings, "the examples are meant to break rules"
    for engine in ("sparql", "turbo"):
        assert check([ROOT / "examples"], TODAY, engine=engine).findings == reference.findings


def test_engines_agree_on_the_knowledge_base() -> None:
    reference = check(None, TODAY, engine="pyshacl")
    assert reference.findings
    for engine in ("sparql", "turbo"):
        assert check(None, TODAY, engine=engine).findings == reference.findings


def test_the_default_runs_the_bundled_rules_in_sparql() -> None:
    """auto falls back to turbo only for rules it cannot translate; ours it can."""
    assert DEFAULT_ENGINE == "auto"
    assert len(compile_shapes(shapes_graph())) > 50


def test_auto_falls_back_where_sparql_cannot_go(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "sparql.ttl").write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:Untyped a sh:NodeShape ;
            sh:targetClass <https://w3id.org/regimegraph/def#Council> ;
            sh:sparql [ sh:message "has a type" ;
                sh:select "SELECT $this WHERE { $this a ?type }" ] .
    """, encoding="utf-8")
    record = ROOT / "examples"
    fallback = check([record], TODAY, rules=rules, engine="auto")
    assert fallback.findings, "every council in the examples has a type"
    assert fallback.findings == check([record], TODAY, rules=rules, engine="turbo").findings
    with pytest.raises(ShapesError, match=r"the sparql engine cannot run these rules: .*sh:sparql"):
        check([record], TODAY, rules=rules, engine="sparql")
    from rdflib import Graph

    with pytest.raises(ShapesError, match=r"cannot run these rules: inference \('rdfs'\)"):
        run_shacl(Graph(), shapes_graph(), inference="rdfs", engine="sparql")


def test_an_unknown_engine_is_a_clear_error() -> None:
    from rdflib import Graph

    with pytest.raises(ShapesError, match="unknown SHACL engine 'jena'"):
        run_shacl(Graph(), Graph(), engine="jena")
    assert ENGINES == ("auto", "sparql", "turbo", "pyshacl")


def test_the_command_takes_either_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from regimegraph.cli import main

    args = ["check", "--today", "2026-11-23", "--format", "json", str(ROOT / "examples")]
    default = CliRunner().invoke(main, args)
    assert default.exit_code == 1
    for engine in ENGINES:
        chosen = CliRunner().invoke(main, [*args, "--engine", engine])
        assert chosen.exit_code == 1
        assert chosen.stdout == default.stdout
    monkeypatch.setenv("REGIMEGRAPH_ENGINE", "nonesuch")
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "nonesuch" in refused.output
