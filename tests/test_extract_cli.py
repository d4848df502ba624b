"""`regimegraph extract` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from regimegraph.cli import main
from regimegraph.namespaces import RG

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "data" / "papers" / "002_217eff262eb45c50.txt"

# Written for this test (not a real page): a council's own page often never names the
# council, which is in the site's address instead.
NAMELESS = """CABINET \u2013 14 FEBRUARY 2006

ITEM 6: SOCIAL CARE PERFORMANCE RATING

Report by the Director of Social Services

1. The Commission for Social Care Inspection has awarded the council's social services
two stars. Adults are served well in most respects, with promising prospects.
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_turtle_on_stdout_and_the_review_on_stderr() -> None:
    code, out, err = run("extract", str(PAPER))
    assert code == 0, err
    graph = Graph().parse(data=out, format="turtle")
    assert len(list(graph.subjects(RDF.type, RG.Judgment))) == 4  # 2005's and the 2002 ones
    assert any(True for _ in graph.subjects(RG.itemNumber, None))
    assert "002_217eff262eb45c50.txt: found council Oxfordshire County Council" in err
    assert "review: ambiguous date: '13 December'" in err
    assert "consultation until 'February': no year" in err


def test_json_ld_to_a_file_loads_as_records(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonld"
    code, stdout, err = run("extract", str(PAPER), "--format", "json", "--out", str(out), "-q")
    assert code == 0, err
    assert stdout == "" and err == ""
    records = json.loads(out.read_text(encoding="utf-8"))
    assert any(str(RG.itemNumber) in node for node in records)
    # The loader reads it as it reads any record file.
    code, _, err = run("check", str(out), "--today", "2026-01-01")
    assert code == 0, err


def test_the_council_can_be_given_when_the_paper_never_names_it(tmp_path: Path) -> None:
    paper = tmp_path / "paper-b2.txt"
    paper.write_text(NAMELESS, encoding="utf-8")
    code, out, err = run("extract", str(paper))
    assert code == 0
    assert "unknown council: no council name the register knows was found" in err
    assert "inspection:" not in out
    code, out, err = run("extract", str(paper), "--council", "Isle of Wight Council")
    assert code == 0, err
    assert "inspection:E06000046-star-rating" in out
    assert "as given with --council" in err


def test_an_unknown_council_given_is_a_usage_error() -> None:
    code, _, err = run("extract", str(PAPER), "--council", "Barsetshire")
    assert code == 2
    assert err.strip() == (
        "regimegraph: error: --council 'Barsetshire' matches no council in the register"
    )


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = run("extract", str(tmp_path / "nope.txt"))
    assert code == 2
    assert err.strip().endswith("nope.txt: no such file")
    assert "Traceback" not in err


def test_an_unreadable_kind_of_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF")
    code, _, err = run("extract", str(path))
    assert code == 2
    assert "paper.pdf: cannot read .pdf files" in err
    assert len(err.strip().splitlines()) == 1
