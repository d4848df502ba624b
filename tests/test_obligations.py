"""Every obligation rule against its passing and failing fixtures.

Fixtures live in tests/obligations/<rule>/. Their first lines say what they
are and what must happen:

    # Invalid: <why>              (or  # Valid: <why>)
    # Expect: rgsh:O1-not-late violation      (or  # Expect: none)
    # Message: <text the finding's message must contain>   (optional)

An invalid fixture passes only if *that* property shape fired with *that*
severity; a valid one only if its rule's shape stayed silent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import URIRef

from fixture_files import assert_expected_finding, header
from regimegraph.checker import check, shapes_graph
from regimegraph.namespaces import RG, RGSH, SH

FIXTURES = Path(__file__).resolve().parent / "obligations"
RULES = Path(__file__).resolve().parents[1] / "rules" / "obligations"
TODAY = date(2026, 11, 23)
FILES = sorted(FIXTURES.glob("*/*.ttl"))


def test_fixtures_were_found_and_every_obligation_has_both_kinds() -> None:
    assert len(FILES) >= 30
    rules = sorted(p.stem for p in RULES.glob("*.ttl"))
    assert rules == ["O1", "O2", "O3", "O4", "O5", "O6a", "O6b", "S42"]
    for rule in rules:
        names = [p.name for p in (FIXTURES / rule).glob("*.ttl")]
        assert any(n.startswith("valid-") for n in names), rule
        assert any(n.startswith("invalid-") for n in names), rule


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_obligation_fixture(path: Path) -> None:
    fields = header(path)
    rule = str(RGSH[path.parent.name])
    assert ("Valid" in fields) == path.name.startswith("valid-"), "say Valid or Invalid"
    result = check([path], TODAY)
    fired = [f for f in result.findings if f.rule == rule]
    if fields["Expect"] == "none":
        assert fired == [], [f.message for f in fired]
        return
    finding = assert_expected_finding(fired, fields)
    assert finding.file is not None and finding.file.endswith(path.name)
    assert finding.line is not None and finding.line > 1


def test_every_obligation_shape_cites_its_source_and_legal_force() -> None:
    shapes = shapes_graph()
    for path in sorted(RULES.glob("*.ttl")):
        node = RGSH[path.stem]
        assert shapes.value(node, URIRef("http://purl.org/dc/terms/source")) is not None, path
        assert shapes.value(node, RG.legalForce) is not None, path
        for prop in shapes.objects(node, SH.property):
            assert shapes.value(prop, SH.message) is not None, prop
            assert shapes.value(prop, SH.severity) is not None, prop


def test_findings_cite_the_legal_source() -> None:
    result = check([FIXTURES / "O5" / "invalid-no-statement.ttl"], TODAY)
    [finding] = [f for f in result.findings if f.rule == str(RGSH.O5)]
    assert finding.sources == ("http://www.legislation.gov.uk/id/uksi/2015/1792/regulation/4",)
    assert finding.legal_force == "https://w3id.org/regimegraph/id/value/force-statute"


def test_a_later_check_date_turns_open_into_overdue() -> None:
    fixture = FIXTURES / "O1" / "invalid-not-yet-due.ttl"
    statuses = {}
    for day in (date(2026, 11, 23), date(2027, 1, 1), date(2027, 1, 2)):
        [duty] = [d for d in check([fixture], day).duties if d.obligation.notation == "O1"]
        statuses[day] = (duty.status, duty.due, duty.days_late)
    assert statuses == {
        date(2026, 11, 23): ("duty-open", date(2027, 1, 1), None),
        date(2027, 1, 1): ("duty-open", date(2027, 1, 1), None),
        date(2027, 1, 2): ("duty-overdue", date(2027, 1, 1), 1),
    }
