"""Render a check's findings for people (text) and for CI systems (JSON, JUnit, SARIF).

`regimegraph check` runs in CI, so every format is built to be diffed and
tracked: output is sorted, and two runs over the same input give the same
bytes (no clock time, no machine paths beyond the record files the findings
point at, keys in a fixed order). The check date is the only date, because it
is an input: it decides which duties are due.

Each format answers a different reader:

* text: a person at a terminal. Grouped by severity, then by rule, with the
  file and line to open, the message, and the law behind the rule.
* json: scripts. The shape is documented in docs/check.md and pinned by
  docs/check-report.schema.json.
* junit: test-report dashboards (GitLab, Jenkins). One suite per rule, one
  case per finding; violations and warnings fail, information is "skipped" so
  it is counted and shown without failing the build.
* sarif: code-scanning tools (GitHub). One result per finding at its file and
  line, with a fingerprint so the same finding is tracked across runs; a
  finding no checked file mentions becomes a tool notification instead,
  because GitHub rejects a whole upload over one result without a location.

`exit_code` turns the findings into the process exit status for `--fail-on`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from . import __version__
from .checker import CheckResult
from .errors import UsageError
from .namespaces import VALUE
from .query import compact
from .validator import SEVERITY_ORDER, Finding

FORMATS: tuple[str, ...] = ("text", "json", "junit", "sarif")
SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")

TOOL_NAME = "regimegraph"
INFORMATION_URI = "https://w3id.org/regimegraph"
JSON_REPORT_VERSION = 1
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_LEVELS = {"violation": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "regimegraphFinding/v1"

# The labels of the legal-force scheme (ontology/scales.ttl). Kept here rather
# than read from the ontology so that rendering needs nothing but the findings.
LEGAL_FORCE_LABELS = {
    str(VALUE["force-statute"]): "statute",
    str(VALUE["force-regulator-requirement"]): "regulator requirement",
    str(VALUE["force-local-target"]): "local target",
}

_HEADINGS = {"violation": "Violations", "warning": "Warnings", "info": "Information"}
_ANSI = {
    "violation": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "info": "\x1b[1;36m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
_RESET = "\x1b[0m"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: CheckResult, fmt: str, *, colour: bool = False) -> str:
    """The check result in format `fmt` ("text", "json", "junit" or "sarif").

    The string ends with one newline, so it can be written to a file as it
    is (the CLI's echo adds none when one is there). `colour` adds ANSI
    colours to the text format only; the CLI asks for them when stdout is a
    terminal and NO_COLOR is unset, never in a pipe or file, so CI logs and
    saved reports stay plain.
    """
    renderers: dict[str, Callable[[CheckResult], str]] = {
        "text": lambda r: render_text(r, colour=colour),
        "json": render_json,
        "junit": render_junit,
        "sarif": render_sarif,
    }
    renderer = renderers.get(fmt)
    if renderer is None:
        raise UsageError(
            f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}"
        )
    return renderer(result) + "\n"


def exit_code(result: CheckResult, fail_on: str) -> int:
    """1 when any finding is at least as severe as `fail_on`, else 0.

    `fail_on` is "violation" (only violations fail the build), "warning"
    (violations and warnings) or "info" (any finding at all). Anything else is
    a usage error, so a typo in a CI script fails loudly rather than passing.
    """
    if fail_on not in SEVERITIES:
        raise UsageError(
            f"unknown severity {fail_on!r} for --fail-on: expected one of {', '.join(SEVERITIES)}"
        )
    threshold = SEVERITY_ORDER[fail_on]
    failing = any(SEVERITY_ORDER[severity_of(f)] <= threshold for f in result.findings)
    return 1 if failing else 0


def severity_of(finding: Finding) -> str:
    """The finding's severity, with any severity SHACL allows but we do not name as a violation.

    SHACL lets a shape use any IRI as its severity. Such a finding still makes
    the data non-conforming, so CI treats it as the most severe kind rather
    than letting an unfamiliar word pass silently.
    """
    return finding.severity if finding.severity in SEVERITY_ORDER else "violation"


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in report order: severity, rule, focus, then every other field.

    `Finding.sort_key` leaves ties between findings that differ only in value,
    location or sources; the full key breaks them so order never depends on
    the order findings arrived in.
    """

    def key(f: Finding) -> tuple[Any, ...]:
        return (
            SEVERITY_ORDER[severity_of(f)], f.rule, f.focus, f.path or "", f.message,
            f.value or "", f.file or "", f.line or 0, f.constraint or "", f.sources,
            f.legal_force or "", f.severity,
        )

    return sorted(findings, key=key)


def short_name(iri: str) -> str:
    """An IRI as people read it (`rgsh:O1`), or the string itself if it is not an IRI."""
    if not iri or iri.startswith("_:"):
        return iri
    try:
        return compact(ox.NamedNode(iri))
    except ValueError:
        return iri


def legal_force_label(iri: str | None) -> str | None:
    """The legal force as a word ("statute", "regulator requirement", "local target")."""
    if iri is None:
        return None
    if iri in LEGAL_FORCE_LABELS:
        return LEGAL_FORCE_LABELS[iri]
    local = iri[len(str(VALUE)):] if iri.startswith(str(VALUE)) else ""
    if local.startswith("force-"):
        return local[len("force-"):].replace("-", " ")
    return short_name(iri)


def _counts(result: CheckResult) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in result.findings:
        counts[severity_of(finding)] += 1
    return counts


def _tally(counts: dict[str, int]) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"

    return ", ".join(plural(counts[s], s) for s in SEVERITIES)


def _files_phrase(result: CheckResult) -> str:
    n = len(result.files)
    return f"{n} file{'' if n == 1 else 's'} checked"


def _where(finding: Finding) -> str | None:
    if finding.file is None:
        return None
    return f"{finding.file}:{finding.line}" if finding.line is not None else finding.file


def _source_line(finding: Finding) -> str:
    citations = "; ".join(finding.sources) if finding.sources else "no citation recorded"
    force = legal_force_label(finding.legal_force)
    return f"{citations} ({force})" if force else citations


def _printable(text: str) -> str:
    """Text with control characters shown as escapes, so record data cannot drive the terminal."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}"
        for ch in text
    )


# --- text ---------------------------------------------------------------------------------


def render_text(result: CheckResult, *, colour: bool = False) -> str:
    """The report for a person: header, findings by severity then rule, one-line summary."""

    def paint(text: str, style: str) -> str:
        return f"{_ANSI[style]}{text}{_RESET}" if colour else text

    counts = _counts(result)
    date = result.check_date.isoformat()
    lines = [
        paint(f"regimegraph check, check date {date}: {_files_phrase(result)}; "
              f"{_tally(counts)}", "bold")
    ]
    findings = ordered(result.findings)
    for severity in SEVERITIES:
        group = [f for f in findings if severity_of(f) == severity]
        if not group:
            continue
        lines += ["", paint(f"{_HEADINGS[severity]} ({len(group)})", severity)]
        rules: dict[str, list[Finding]] = {}
        for finding in group:
            rules.setdefault(finding.rule, []).append(finding)
        for rule, items in rules.items():
            lines += ["", f"  {paint(_printable(short_name(rule)), 'bold')} ({len(items)})"]
            for finding in items:
                where = _where(finding)
                message = _printable(finding.message).replace("\n", "\n      ")
                head = f"{paint(_printable(where), 'bold')}: {message}" if where else message
                lines.append(f"    {head}")
                lines.append(paint(f"      Focus: {_printable(short_name(finding.focus))}", "dim"))
                lines.append(paint(f"      Source: {_printable(_source_line(finding))}", "dim"))
    summary = _tally(counts) if result.findings else "no findings"
    lines += ["", f"Summary: {summary} ({_files_phrase(result)}, check date {date})."]
    return "\n".join(lines)


# --- json ---------------------------------------------------------------------------------


def report_data(result: CheckResult) -> dict[str, Any]:
    """The JSON report as Python data (docs/check.md; docs/check-report.schema.json)."""
    counts = _counts(result)
    return {
        "reportVersion": JSON_REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "checkDate": result.check_date.isoformat(),
        "summary": {**counts, "files": len(result.files)},
        "findings": [_finding_data(f) for f in ordered(result.findings)],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    force = None
    if finding.legal_force is not None:
        force = {"iri": finding.legal_force, "label": legal_force_label(finding.legal_force)}
    location = None
    if finding.file is not None:
        location = {"file": finding.file, "line": finding.line}
    return {
        "severity": severity_of(finding),
        "rule": short_name(finding.rule),
        "ruleIri": finding.rule,
        "focus": finding.focus,
        "message": finding.message,
        "path": finding.path,
        "value": finding.value,
        "constraint": finding.constraint,
        "sources": list(finding.sources),
        "legalForce": force,
        "location": location,
    }


def render_json(result: CheckResult) -> str:
    """The JSON report: two-space indented, keys in the documented order, UTF-8 text."""
    return json.dumps(report_data(result), indent=2, ensure_ascii=False)


# --- junit --------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(result: CheckResult) -> str:
    """JUnit XML: a <testsuite> per rule, a <testcase> per finding.

    Violations and warnings are <failure type="severity">; information is
    <skipped>, which GitLab and Jenkins count and show but do not fail on.
    With no findings there is one passing case, so the report is never empty
    (an empty report reads as "no tests ran" and some CI systems fail on it).
    """
    findings = ordered(result.findings)
    root = ET.Element("testsuites", {"name": "regimegraph check"})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    suites: dict[str, list[Finding]] = {}
    for finding in findings:
        suites.setdefault(short_name(finding.rule), []).append(finding)
    for name in sorted(suites):
        items = suites[name]
        failures = sum(1 for f in items if severity_of(f) != "info")
        skipped = len(items) - failures
        suite = ET.SubElement(root, "testsuite", {
            "name": _xml_text(name), "tests": str(len(items)), "failures": str(failures),
            "errors": "0", "skipped": str(skipped), "time": "0",
        })
        properties = ET.SubElement(suite, "properties")
        for key, value in _suite_properties(items):
            ET.SubElement(properties, "property", {"name": key, "value": _xml_text(value)})
        seen: dict[str, int] = {}
        for finding in items:
            _junit_case(suite, name, finding, seen)
        totals["tests"] += len(items)
        totals["failures"] += failures
        totals["skipped"] += skipped
    if not findings:
        suite = ET.SubElement(root, "testsuite", {
            "name": "regimegraph check", "tests": "1", "failures": "0", "errors": "0",
            "skipped": "0", "time": "0",
        })
        case = ET.SubElement(suite, "testcase", {
            "classname": "regimegraph", "name": "regimegraph check", "time": "0",
        })
        ET.SubElement(case, "system-out").text = (
            f"No findings ({_files_phrase(result)}, check date {result.check_date.isoformat()})."
        )
        totals["tests"] = 1
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def _suite_properties(findings: list[Finding]) -> list[tuple[str, str]]:
    """The rule's IRI, legal force and citations, as JUnit suite properties."""
    pairs = [("ruleIri", findings[0].rule)]
    forces = sorted({f.legal_force for f in findings if f.legal_force is not None})
    pairs += [("legalForce", legal_force_label(force) or force) for force in forces]
    sources = sorted({s for f in findings for s in f.sources})
    pairs += [("source", source) for source in sources]
    return pairs


def _junit_case(suite: ET.Element, rule: str, finding: Finding, seen: dict[str, int]) -> None:
    name = short_name(finding.focus)
    # Dashboards key cases by class and name; a focus node can break several
    # constraints of one rule, so later cases get a number to stay distinct.
    seen[name] = seen.get(name, 0) + 1
    if seen[name] > 1:
        name = f"{name} ({seen[name]})"
    attributes = {"classname": _xml_text(rule), "name": _xml_text(name), "time": "0"}
    if finding.file is not None:
        attributes["file"] = _xml_text(finding.file)
        if finding.line is not None:
            attributes["line"] = str(finding.line)
    case = ET.SubElement(suite, "testcase", attributes)
    detail = [finding.message]
    where = _where(finding)
    if where:
        detail.append(f"Location: {where}")
    detail += [f"Focus: {finding.focus}", f"Source: {_source_line(finding)}"]
    severity = severity_of(finding)
    if severity == "info":
        ET.SubElement(case, "skipped", {"message": _xml_text(finding.message)})
        ET.SubElement(case, "system-out").text = _xml_text("\n".join(detail))
    else:
        failure = ET.SubElement(case, "failure", {
            "type": severity, "message": _xml_text(finding.message),
        })
        failure.text = _xml_text("\n".join(detail))


# --- sarif --------------------------------------------------------------------------------


def sarif_data(result: CheckResult) -> dict[str, Any]:
    """The SARIF 2.1.0 log as Python data: one run, one result per located finding.

    GitHub code scanning rejects the whole file, not just the result, when
    any result has no location ("locationFromSarifResult: expected at least
    one location"). So a finding that no checked file mentions is not a
    result: it goes, with no location, into the run's invocation as a tool
    execution notification that names its rule. The log stays uploadable,
    the finding stays in it, and the exit code still counts it.
    """
    findings = ordered(result.findings)
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(short_name(finding.rule), []).append(finding)
    rule_ids = sorted(by_rule)
    rules = [_sarif_rule(rule_id, by_rule[rule_id]) for rule_id in rule_ids]
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    located = [f for f in findings if f.file is not None]
    unlocated = [f for f in findings if f.file is None]
    results = [_sarif_result(f, index[short_name(f.rule)]) for f in located]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if unlocated:
        invocation["toolExecutionNotifications"] = [
            _sarif_notification(f, index[short_name(f.rule)]) for f in unlocated
        ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "checkDate": result.check_date.isoformat(),
                    "filesChecked": len(result.files),
                    "findingsWithoutLocation": len(unlocated),
                },
            }
        ],
    }


def _is_legislation(uri: str) -> bool:
    host = urlsplit(uri).hostname or ""
    return host == "legislation.gov.uk" or host.endswith(".legislation.gov.uk")


def _is_web(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in uri


def help_uri(sources: Iterable[str]) -> str | None:
    """Where a person reads the rule's authority: the first legislation.gov.uk
    citation, else the first web citation (a regulator's letter, a council paper)."""
    web = [s for s in sources if _is_web(s)]
    legislation = [s for s in web if _is_legislation(s)]
    if legislation:
        return legislation[0]
    return web[0] if web else None


def _sarif_rule(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    iri = findings[0].rule
    sources = sorted({s for f in findings for s in f.sources})
    forces = sorted({f.legal_force for f in findings if f.legal_force is not None})
    force = forces[0] if forces else None
    label = legal_force_label(force)
    local = rule_id.split(":", 1)[1] if ":" in rule_id and not rule_id.startswith("<") else rule_id
    short = f"regimegraph rule {rule_id}" + (f" ({label})" if label else "")
    full = f"{short}. Sources: {'; '.join(sources)}" if sources else f"{short}. No source recorded."
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": local,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
    }
    uri = help_uri(sources)
    if uri is not None:
        descriptor["helpUri"] = uri
    properties: dict[str, Any] = {"ruleIri": iri, "sources": sources}
    if force is not None and label is not None:
        properties["legalForce"] = label
        properties["legalForceIri"] = force
    # Code scanning filters alerts by tag; the legal force is the useful facet.
    properties["tags"] = ["regimegraph", *([label] if label else [])]
    descriptor["properties"] = properties
    return descriptor


def artifact_uri(file: str) -> tuple[str, str | None]:
    """A finding's file as a SARIF artifact URI and its uriBaseId.

    A relative path (the usual case: the checker makes paths relative to the
    working directory) stays relative to %SRCROOT%, with forward slashes and
    percent-encoding, which is what code scanning resolves against the
    repository. An absolute path becomes a file: URI with no base.
    """
    path = file.replace("\\", "/")
    drive = re.match(r"^[A-Za-z]:/", path)
    if path.startswith("/") or drive:
        return "file://" + ("/" if drive else "") + quote(path, safe="/:"), None
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/"), "%SRCROOT%"


def fingerprint(finding: Finding) -> str:
    """A stable hash of what the finding is about, for tracking a result across runs.

    Rule, property shape, focus, path and value identify the problem; the
    message does not, because it carries the check date and a count of days
    late that change every day, which would turn one overdue duty into a new
    alert each morning.
    """
    text = json.dumps(
        [finding.rule, finding.shape, finding.focus, finding.path, finding.value],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ruleId": short_name(finding.rule),
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[severity_of(finding)],
        "message": {"text": finding.message or short_name(finding.rule)},
    }
    if finding.file is not None:
        uri, base = artifact_uri(finding.file)
        artifact: dict[str, Any] = {"uri": uri}
        if base is not None:
            artifact["uriBaseId"] = base
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if finding.line is not None and finding.line >= 1:
            physical["region"] = {"startLine": finding.line}
        data["locations"] = [{"physicalLocation": physical}]
    data["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(finding)}
    data["properties"] = _sarif_properties(finding)
    return data


def _sarif_notification(finding: Finding, rule_index: int) -> dict[str, Any]:
    """A finding with no file, as a notification that points at its rule."""
    rule = short_name(finding.rule)
    return {
        "level": SARIF_LEVELS[severity_of(finding)],
        "message": {"text": f"{rule}: {finding.message} (focus {short_name(finding.focus)}; "
                            "not found in any checked file)"},
        "associatedRule": {"id": rule, "index": rule_index},
        "properties": {**_sarif_properties(finding), "fingerprint": fingerprint(finding)},
    }


def _sarif_properties(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "severity": severity_of(finding),
        "focus": finding.focus,
        "sources": list(finding.sources),
    }
    if finding.legal_force is not None:
        properties["legalForce"] = legal_force_label(finding.legal_force)
        properties["legalForceIri"] = finding.legal_force
    if finding.path is not None:
        properties["path"] = finding.path
    if finding.value is not None:
        properties["value"] = finding.value
    return properties


def render_sarif(result: CheckResult) -> str:
    """The SARIF log as JSON text, two-space indented."""
    return json.dumps(sarif_data(result), indent=2, ensure_ascii=False)
