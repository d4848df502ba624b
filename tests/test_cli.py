"""The command line: exit codes and one-line errors, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from regimegraph import __version__
from regimegraph.cli import main
from regimegraph.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert __version__ in out


def test_query_prints_a_table(kb: KnowledgeBase) -> None:
    code, out, err = run("query", "SELECT ?code WHERE { council:E10000025 rg:gssCode ?code }")
    assert code == 0, err
    assert out.splitlines() == ["code", "---------", "E10000025", "(1 row)"]


def test_query_from_a_file_as_json(kb: KnowledgeBase) -> None:
    code, out, err = run("query", "--file", str(ROOT / "queries" / "cqc-rating-distribution.rq"),
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["head"]["vars"] == ["rating", "councils"]


def test_construct_as_ntriples(kb: KnowledgeBase) -> None:
    code, out, err = run("query", "--format", "nt",
                         "CONSTRUCT WHERE { council:E10000025 rg:gssCode ?c }")
    assert code == 0, err
    assert out == ('<https://w3id.org/regimegraph/id/council/E10000025> '
                   '<https://w3id.org/regimegraph/def#gssCode> "E10000025" .\n')


def test_bad_sparql_exits_2_with_one_line(kb: KnowledgeBase) -> None:
    code, out, err = run("query", "SELECT * WHERE { ?s ?p }")
    assert code == 2
    assert out == ""
    assert err.startswith("regimegraph: error: SPARQL syntax error at line 1, column")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_update_is_refused(kb: KnowledgeBase) -> None:
    code, _, err = run("query", "DELETE WHERE { ?s ?p ?o }")
    assert code == 2
    assert "only read-only queries" in err


def test_missing_query_file(tmp_path: Path) -> None:
    code, _, err = run("query", "--file", str(tmp_path / "nope.rq"))
    assert code == 2
    assert err.strip() == f"regimegraph: error: {tmp_path / 'nope.rq'}: no such file"


def test_query_needs_exactly_one_source() -> None:
    code, _, err = run("query")
    assert code == 2
    assert "give a query as an argument or with --file" in err


def test_wrong_format_for_select(kb: KnowledgeBase) -> None:
    code, _, err = run("query", "--format", "turtle", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert code == 2
    assert "--format turtle is for CONSTRUCT" in err


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = run("query", "--format", "yaml", "ASK {}")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_build_reports_the_closure_and_exports(kb: KnowledgeBase, tmp_path: Path) -> None:
    dump = tmp_path / "kb.nq"
    code, out, err = run("build", "--output", str(dump))
    assert code == 0, err
    assert "OWL RL closure" in out
    assert dump.stat().st_size > 100_000
    code, _, err = run("build", "--quiet", "--output", str(tmp_path / "kb.ttl"))
    assert code == 2
    assert "dumps are written as .nq or .trig" in err
