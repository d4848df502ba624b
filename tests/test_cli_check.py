"""`regimegraph check` as CI uses it: exit codes, formats, one-line errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from regimegraph.cli import main

FIXTURES = Path(__file__).resolve().parent / "obligations"
LATE = FIXTURES / "O1" / "invalid-presented-late.ttl"
IN_TIME = FIXTURES / "O1" / "valid-presented-in-time.ttl"
TODAY = ("--today", "2026-11-23")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_violation_fails_the_build_and_names_the_rule_and_source() -> None:
    code, out, err = run(str(LATE), *TODAY)
    assert code == 1, err
    assert "O1" in out and "10 days late" in out
    assert "invalid-presented-late.ttl:" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_a_clean_record_passes() -> None:
    code, out, err = run(str(IN_TIME), *TODAY)
    assert code == 0, (out, err)


def test_fail_on_info_fails_on_information() -> None:
    info_only = FIXTURES / "O1" / "invalid-no-date.ttl"
    assert run(str(info_only), *TODAY)[0] == 0
    assert run(str(info_only), *TODAY, "--fail-on", "info")[0] == 1


def test_json_report_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(str(LATE), *TODAY, "--format", "json", "--output", str(target))
    assert code == 1
    assert out == ""
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["checkDate"] == "2026-11-23"
    assert report["summary"]["violation"] >= 1
    [o1] = [f for f in report["findings"] if f["rule"] == "rgsh:O1"]
    assert o1["location"]["file"].endswith("invalid-presented-late.ttl")


def test_junit_and_sarif_render() -> None:
    _, junit, _ = run(str(LATE), *TODAY, "--format", "junit")
    assert ET.fromstring(junit).tag in {"testsuites", "testsuite"}
    _, sarif, _ = run(str(LATE), *TODAY, "--format", "sarif")
    assert json.loads(sarif)["version"] == "2.1.0"


def test_output_is_identical_between_runs() -> None:
    first = run(str(FIXTURES), *TODAY, "--format", "json")
    second = run(str(FIXTURES), *TODAY, "--format", "json")
    assert first == second
    assert first[0] == 1


def test_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nowhere"), *TODAY)
    assert code == 2
    assert err == f"regimegraph: error: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_empty_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not records", encoding="utf-8")
    code, _, err = run(str(tmp_path), *TODAY)
    assert code == 2
    assert err.startswith(f"regimegraph: error: {tmp_path}: no record files (")
    assert err.count("\n") == 1


def test_unparsable_file_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix rg: <https://w3id.org/regimegraph/def#> .\n\n"
                   "rg:a rg:b <not an iri> .\nrg:c rg:d rg:e .\n", encoding="utf-8")
    code, _, err = run(str(bad), *TODAY)
    assert code == 2
    assert err.startswith(f"regimegraph: error: {bad}:3:11: syntax error")
    assert "syntax error" in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_unknown_file_type_and_bad_options() -> None:
    code, _, err = run(str(Path(__file__)), *TODAY)
    assert code == 2 and "not a record file" in err
    code, _, err = run(str(LATE), "--today", "23/11/2026")
    assert code == 2 and "--today '23/11/2026': expected a date as YYYY-MM-DD" in err
    code, _, err = run(str(LATE), "--format", "html")
    assert code == 2 and "Invalid value for '--format'" in err


def test_records_in_json_ld_and_n_triples_are_checked_and_located(tmp_path: Path) -> None:
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(LATE), format=ox.RdfFormat.TURTLE))
    for suffix, fmt in ((".jsonld", ox.RdfFormat.JSON_LD), (".nt", ox.RdfFormat.N_TRIPLES)):
        target = tmp_path / f"late{suffix}"
        target.write_bytes(ox.serialize(quads, format=fmt) or b"")
        code, out, err = run(str(target), *TODAY, "--format", "json")
        assert code == 1, err
        [o1] = [f for f in json.loads(out)["findings"] if f["rule"] == "rgsh:O1"]
        assert o1["severity"] == "violation"
        assert o1["location"]["file"].endswith(f"late{suffix}")
        assert o1["location"]["line"] >= 1
