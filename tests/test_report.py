"""Check reports: every format renders, validates against its schema, and is byte-stable."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regimegraph import __version__
from regimegraph.checker import CheckResult
from regimegraph.errors import UsageError
from regimegraph.report import FORMATS, exit_code, fingerprint, render
from regimegraph.validator import Finding

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT / "tests" / "sarif" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = ROOT / "docs" / "check-report.schema.json"

SHAPES = "https://w3id.org/regimegraph/shapes#"
DUTY = "https://w3id.org/regimegraph/id/duty/"
VALUE = "https://w3id.org/regimegraph/id/value/"
RG = "https://w3id.org/regimegraph/def#"
SH = "http://www.w3.org/ns/shacl#"
CHILDREN_ACT = "http://www.legislation.gov.uk/id/ukpga/1989/41/section/17"
LETTER = "https://democracy.bathnes.gov.uk/celistdocuments.aspx?A=1&MID=522"
ANSI = re.compile("\x1b\\[")


def finding(severity: str, rule: str, focus: str, message: str, **extra: Any) -> Finding:
    return Finding(severity=severity, rule=SHAPES + rule, focus=DUTY + focus, message=message,
                   **extra)


LATE = finding(
    "violation", "O1", "bathnes-2003-annual-review", "O1: the letter was presented 12 days late.",
    path=RG + "dutyStatus", value=VALUE + "duty-late", sources=(LETTER,),
    legal_force=VALUE + "force-regulator-requirement", constraint=SH + "NotConstraintComponent",
    file="records/papers/bathnes-executive-2003-09-03-annual-review.ttl", line=42,
)
OVERDUE = finding(
    "violation", "O5", "oxfordshire-2006-plan", "O5: the action plan is 30 days overdue.",
    sources=(CHILDREN_ACT, LETTER), legal_force=VALUE + "force-statute",
    file="records/papers/oxfordshire cabinet.ttl", line=7,
)
TARGET = finding(
    "warning", "T2", "oxfordshire-2008-target", "T2: the local target was missed.",
    legal_force=VALUE + "force-local-target", file="records/domain/isle-of-wight.ttl",
)
NO_DATE = finding(
    "info", "O1", "oxfordshire-2003-annual-review",
    "O1: the letter has no date, so the deadline cannot be computed.",
    path=RG + "dutyStatus", sources=(LETTER,), legal_force=VALUE + "force-regulator-requirement",
)
UNLOCATED = finding(
    "violation", "O1", "derived-duty", "O1: a duty no record file mentions.",
    sources=(LETTER,), legal_force=VALUE + "force-regulator-requirement",
)
ALL = [LATE, OVERDUE, TARGET, NO_DATE, UNLOCATED]


def result(findings: list[Finding], files: int = 3) -> CheckResult:
    paths = [Path(f"/somewhere/records/file{i}.ttl") for i in range(files)]
    return CheckResult(check_date=date(2024, 5, 1), findings=list(findings), files=paths)


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft7Validator  # what the vendored schema declares
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def report_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# --- every format ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("findings", [ALL, []], ids=["findings", "empty"])
def test_every_format_renders(fmt: str, findings: list[Finding]) -> None:
    text = render(result(findings), fmt)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "/somewhere" not in text  # the files checked are counted, never listed


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_and_independent_of_input_order(fmt: str) -> None:
    first = render(result(ALL), fmt)
    assert render(result(ALL), fmt) == first
    shuffled = list(ALL)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert render(result(shuffled), fmt) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_findings_differing_only_in_location_still_sort_stably(fmt: str) -> None:
    a = finding("warning", "W1", "x", "same", file="b.ttl", line=2)
    b = finding("warning", "W1", "x", "same", file="a.ttl", line=9)
    assert render(result([a, b]), fmt) == render(result([b, a]), fmt)


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"unknown report format 'xml'.*text, json, junit, sarif"):
        render(result(ALL), "xml")


# --- exit codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (ALL, {"violation": 1, "warning": 1, "info": 1}),
        ([TARGET, NO_DATE], {"violation": 0, "warning": 1, "info": 1}),
        ([NO_DATE], {"violation": 0, "warning": 0, "info": 1}),
        ([], {"violation": 0, "warning": 0, "info": 0}),
    ],
    ids=["mixed", "warning-and-info", "info-only", "none"],
)
def test_exit_code_fails_at_or_above_the_level(
    findings: list[Finding], expected: dict[str, int]
) -> None:
    for fail_on, code in expected.items():
        assert exit_code(result(findings), fail_on) == code, fail_on


def test_exit_code_rejects_an_unknown_level() -> None:
    with pytest.raises(UsageError, match="--fail-on"):
        exit_code(result(ALL), "error")


def test_an_unnamed_severity_counts_as_a_violation() -> None:
    odd = finding("http://example.org/severity#Critical", "X1", "x", "custom severity")
    assert exit_code(result([odd]), "violation") == 1
    assert json.loads(render(result([odd]), "json"))["findings"][0]["severity"] == "violation"


# --- text -----------------------------------------------------------------------------------


def test_text_reads_as_a_report() -> None:
    text = render(result(ALL), "text")
    lines = text.splitlines()
    assert lines[0] == (
        "regimegraph check, check date 2024-05-01: 3 files checked; "
        "3 violations, 1 warning, 1 info"
    )
    assert lines[-1] == (
        "Summary: 3 violations, 1 warning, 1 info (3 files checked, check date 2024-05-01).")
    # Violations first, then warnings, then information; rules in order within each.
    order = [text.index(h) for h in ("Violations (3)", "Warnings (1)", "Information (1)")]
    assert order == sorted(order)
    assert text.index("  rgsh:O1 (2)") < text.index("  rgsh:O5 (1)") < text.index("  rgsh:T2 (1)")
    assert (
        "    records/papers/bathnes-executive-2003-09-03-annual-review.ttl:42: "
        "O1: the letter was presented 12 days late." in lines
    )
    assert "      Focus: duty:bathnes-2003-annual-review" in lines
    assert f"      Source: {LETTER} (regulator requirement)" in lines
    assert f"      Source: {CHILDREN_ACT}; {LETTER} (statute)" in lines
    assert "    records/domain/isle-of-wight.ttl: T2: the local target was missed." in lines
    assert "      Source: no citation recorded (local target)" in lines
    # A finding with no location shows its message alone.
    assert "    O1: a duty no record file mentions." in lines


def test_text_has_no_colour_unless_asked() -> None:
    assert not ANSI.search(render(result(ALL), "text"))
    assert not ANSI.search(render(result(ALL), "text", colour=False))
    coloured = render(result(ALL), "text", colour=True)
    assert "\x1b[1;31mViolations (3)\x1b[0m" in coloured
    assert ANSI.sub("", re.sub("\x1b\\[[0-9;]*m", "", coloured)) == render(result(ALL), "text")


def test_text_escapes_control_characters_from_records() -> None:
    sneaky = finding("warning", "W1", "x", "evil \x1b[2J message", file="a.ttl", line=1)
    text = render(result([sneaky]), "text")
    assert not ANSI.search(text)
    assert "evil \\x1b[2J message" in text


def test_text_with_no_findings() -> None:
    text = render(result([], files=1), "text")
    assert text.splitlines() == [
        "regimegraph check, check date 2024-05-01: 1 file checked; "
        "0 violations, 0 warnings, 0 info",
        "",
        "Summary: no findings (1 file checked, check date 2024-05-01).",
    ]


# --- json -----------------------------------------------------------------------------------


@pytest.mark.parametrize("findings", [ALL, []], ids=["findings", "empty"])
def test_json_validates_against_the_documented_schema(
    findings: list[Finding], report_validator: jsonschema.protocols.Validator
) -> None:
    report_validator.validate(json.loads(render(result(findings), "json")))


def test_json_content() -> None:
    data = json.loads(render(result(ALL), "json"))
    assert list(data) == ["reportVersion", "tool", "checkDate", "summary", "findings"]
    assert data["tool"] == {"name": "regimegraph", "version": __version__}
    assert data["checkDate"] == "2024-05-01"
    assert data["summary"] == {"violation": 3, "warning": 1, "info": 1, "files": 3}
    assert [f["severity"] for f in data["findings"]] == [
        "violation", "violation", "violation", "warning", "info"]
    first = data["findings"][0]
    assert first == {
        "severity": "violation",
        "rule": "rgsh:O1",
        "ruleIri": SHAPES + "O1",
        "focus": DUTY + "bathnes-2003-annual-review",
        "message": "O1: the letter was presented 12 days late.",
        "path": RG + "dutyStatus",
        "value": VALUE + "duty-late",
        "constraint": SH + "NotConstraintComponent",
        "sources": [LETTER],
        "legalForce": {"iri": VALUE + "force-regulator-requirement",
                       "label": "regulator requirement"},
        "location": {
            "file": "records/papers/bathnes-executive-2003-09-03-annual-review.ttl", "line": 42},
    }
    unlocated = next(f for f in data["findings"] if f["focus"].endswith("derived-duty"))
    assert unlocated["location"] is None
    target = next(f for f in data["findings"] if f["rule"] == "rgsh:T2")
    assert target["location"] == {"file": "records/domain/isle-of-wight.ttl", "line": None}
    assert target["path"] is None and target["sources"] == []


def test_json_schema_rejects_what_the_docs_forbid(
    report_validator: jsonschema.protocols.Validator,
) -> None:
    data = json.loads(render(result(ALL), "json"))
    data["findings"][0]["severity"] = "error"
    assert not report_validator.is_valid(data)
    data = json.loads(render(result(ALL), "json"))
    data["checkDate"] = "1 May 2024"
    assert not report_validator.is_valid(data)


# --- junit ----------------------------------------------------------------------------------


def test_junit_parses_with_the_right_counts() -> None:
    root = ET.fromstring(render(result(ALL), "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "5", "4", "1", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["rgsh:O1", "rgsh:O5", "rgsh:T2"]
    o1 = suites["rgsh:O1"]
    assert (o1.get("tests"), o1.get("failures"), o1.get("skipped")) == ("3", "2", "1")
    cases = o1.findall("testcase")
    assert {c.get("classname") for c in cases} == {"rgsh:O1"}
    assert [c.get("name") for c in cases] == [
        "duty:bathnes-2003-annual-review",
        "duty:derived-duty",
        "duty:oxfordshire-2003-annual-review",
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "violation"
    assert failure.get("message") == "O1: the letter was presented 12 days late."
    assert "(regulator requirement)" in (failure.text or "")
    assert cases[0].get("file", "").endswith("annual-review.ttl") and cases[0].get("line") == "42"
    skipped = cases[2].find("skipped")
    assert skipped is not None and cases[2].find("failure") is None
    assert skipped.get("message", "").startswith("O1: the letter has no date")
    warning = suites["rgsh:T2"].find("testcase/failure")
    assert warning is not None and warning.get("type") == "warning"
    properties = {(p.get("name"), p.get("value")) for p in o1.iter("property")}
    assert ("ruleIri", SHAPES + "O1") in properties
    assert ("legalForce", "regulator requirement") in properties
    assert ("source", LETTER) in properties


def test_junit_without_findings_has_one_passing_case() -> None:
    root = ET.fromstring(render(result([]), "junit"))
    cases = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["regimegraph check"]
    assert cases[0].find("failure") is None and cases[0].find("skipped") is None
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_junit_keeps_case_names_distinct_and_xml_valid() -> None:
    one = finding("violation", "O1", "x", "first \x00 constraint")
    two = finding("violation", "O1", "x", "second constraint")
    root = ET.fromstring(render(result([one, two]), "junit"))
    assert [c.get("name") for c in root.iter("testcase")] == ["duty:x", "duty:x (2)"]
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "first \ufffd constraint"


# --- sarif ----------------------------------------------------------------------------------


@pytest.mark.parametrize("findings", [ALL, []], ids=["findings", "empty"])
def test_sarif_validates_against_the_oasis_schema(
    findings: list[Finding], sarif_validator: jsonschema.protocols.Validator
) -> None:
    log = json.loads(render(result(findings), "sarif"))
    sarif_validator.validate(log)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    # The schema has teeth: a level SARIF does not define is refused.
    if log["runs"][0]["results"]:
        log["runs"][0]["results"][0]["level"] = "fatal"
        assert not sarif_validator.is_valid(log)


def test_sarif_driver_and_rules() -> None:
    run = json.loads(render(result(ALL), "sarif"))["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "regimegraph", __version__, "https://w3id.org/regimegraph")
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["rgsh:O1", "rgsh:O5", "rgsh:T2"]
    assert rules["rgsh:O1"]["name"] == "O1"
    assert rules["rgsh:O1"]["shortDescription"]["text"]
    # Legislation wins over other citations for helpUri; otherwise the first web citation.
    assert rules["rgsh:O5"]["helpUri"] == CHILDREN_ACT
    assert rules["rgsh:O1"]["helpUri"] == LETTER
    assert "helpUri" not in rules["rgsh:T2"]
    assert rules["rgsh:O5"]["properties"]["legalForce"] == "statute"
    assert rules["rgsh:O5"]["properties"]["sources"] == [CHILDREN_ACT, LETTER]
    for result_ in run["results"]:
        assert driver["rules"][result_["ruleIndex"]]["id"] == result_["ruleId"]


def test_sarif_levels_locations_and_fingerprints() -> None:
    run = json.loads(render(result(ALL), "sarif"))["runs"][0]
    results = run["results"]
    by_focus = {r["properties"]["focus"].rsplit("/", 1)[1]: r for r in results}
    assert {k: r["level"] for k, r in by_focus.items()} == {
        "bathnes-2003-annual-review": "error",
        "oxfordshire-2006-plan": "error",
        "oxfordshire-2008-target": "warning",
    }
    late = by_focus["bathnes-2003-annual-review"]
    assert late["message"]["text"] == LATE.message
    assert late["locations"] == [{"physicalLocation": {
        "artifactLocation": {
            "uri": "records/papers/bathnes-executive-2003-09-03-annual-review.ttl",
            "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42}}}]
    assert late["properties"]["sources"] == [LETTER]
    assert late["properties"]["legalForce"] == "regulator requirement"
    spaced = by_focus["oxfordshire-2006-plan"]["locations"][0]["physicalLocation"]
    assert spaced["artifactLocation"]["uri"] == "records/papers/oxfordshire%20cabinet.ttl"
    # A file without a line has no region.
    assert "region" not in by_focus["oxfordshire-2008-target"]["locations"][0]["physicalLocation"]
    # GitHub rejects a whole upload if one result lacks a location: every result has one.
    assert all(r.get("locations") for r in results)
    # Fingerprints: stable per rule+shape+focus, distinct between findings.
    prints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(prints)) == len(prints)
    assert late["partialFingerprints"] == {"regimegraphFinding/v1": fingerprint(LATE)}
    moved = dataclasses.replace(LATE, line=99, file="elsewhere.ttl")
    assert fingerprint(moved) == fingerprint(LATE)
    # The next day's message (one more day late) is the same problem, the same alert.
    tomorrow = dataclasses.replace(LATE, message=LATE.message + " (one more day)")
    assert fingerprint(tomorrow) == fingerprint(LATE)


def test_sarif_findings_without_a_file_are_notifications_without_locations() -> None:
    run = json.loads(render(result(ALL), "sarif"))["runs"][0]
    assert run["properties"]["findingsWithoutLocation"] == 2
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["associatedRule"]["id"]) for n in notes] == [
        ("error", "rgsh:O1"), ("note", "rgsh:O1")]
    for note in notes:
        assert "locations" not in note
        rule = run["tool"]["driver"]["rules"][note["associatedRule"]["index"]]
        assert rule["id"] == note["associatedRule"]["id"]
    assert notes[0]["message"]["text"] == (
        "rgsh:O1: O1: a duty no record file mentions. "
        "(focus duty:derived-duty; not found in any checked file)")
    assert notes[0]["properties"]["focus"] == DUTY + "derived-duty"
    assert notes[0]["properties"]["fingerprint"] == fingerprint(UNLOCATED)
    # With every finding located there are no notifications.
    clean = json.loads(render(result([LATE]), "sarif"))["runs"][0]
    assert "toolExecutionNotifications" not in clean["invocations"][0]


def test_sarif_paths_are_forward_slashed_and_absolute_paths_are_file_uris(
    sarif_validator: jsonschema.protocols.Validator,
) -> None:
    windows = finding("warning", "W1", "a", "m", file="records\\papers\\x.ttl", line=3)
    absolute = finding("warning", "W1", "b", "m", file="/elsewhere/x y.ttl", line=3)
    log = json.loads(render(result([windows, absolute]), "sarif"))
    sarif_validator.validate(log)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in log["runs"][0]["results"]]
    assert locations == [
        {"uri": "records/papers/x.ttl", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///elsewhere/x%20y.ttl"},
    ]
