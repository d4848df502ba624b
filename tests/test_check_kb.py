"""The bundled knowledge base under `check`: the seed papers' obligations.

Where the papers show compliance the check is clean; what they cannot show is
information, never a pass and never a violation.
"""

from __future__ import annotations

from datetime import date

import pytest

from regimegraph.checker import CheckResult, check
from regimegraph.kb import KnowledgeBase
from regimegraph.namespaces import DUTY, RGSH

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def result(kb: KnowledgeBase) -> CheckResult:
    return check(None, TODAY)


def duty(result: CheckResult, iri: str) -> tuple[str, object, object, object]:
    [found] = [d for d in result.duties if d.iri == iri]
    return found.status, found.basis_date, found.due, found.fulfilled_on


def test_bathnes_2003_letter_was_presented_in_time(result: CheckResult) -> None:
    letter = "o1-E06000022-ssi-annual-review-2002-03-letter"
    assert duty(result, str(DUTY[letter])) == (
        "duty-met", date(2003, 8, 5), date(2003, 10, 5), date(2003, 9, 3))
    assert not [f for f in result.findings
                if f.rule == str(RGSH.O1) and "Bath" in f.message]


def test_oxfordshire_2003_letter_has_no_date_or_receipt_so_it_is_information(
    result: CheckResult,
) -> None:
    letter = "o1-E10000025-ssi-annual-review-2002-03-letter"
    status, basis, due, presented = duty(result, str(DUTY[letter]))
    assert (status, basis, due, presented) == ("duty-no-due-date", None, None, date(2003, 11, 11))
    [finding] = [f for f in result.findings if f.shape == str(RGSH["O1-due-date-known"])
                 and "Oxfordshire" in f.message]
    assert finding.severity == "info"
    assert finding.file == "records/papers/oxfordshire-executive-2003-11-11-annual-review.ttl"


def test_no_obligation_is_violated_by_the_seed_papers(result: CheckResult) -> None:
    obligation_rules = {str(RGSH[k]) for k in ("O1", "O2", "O3", "O4", "O5", "O6a", "O6b", "S42")}
    assert [f for f in result.findings
            if f.rule in obligation_rules and f.severity != "info"] == []


def test_every_obligation_finding_is_located(result: CheckResult) -> None:
    unlocated = [f.message for f in result.findings if f.file is None]
    assert unlocated == []


def test_findings_are_sorted_and_stable(result: CheckResult) -> None:
    again = check(None, TODAY)
    assert again.findings == result.findings
    assert result.findings == sorted(result.findings, key=lambda f: f.sort_key())
