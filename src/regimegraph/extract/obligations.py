"""Obligations a paper states, matched to the obligations in reference/obligations.ttl.

"The Director of Social Services is required to present the report to a
public meeting of the Council's Executive within 2 months of its receipt" is
O1 counted from receipt; "... to report the Annual Review of Performance to the
Executive and simultaneously to make a copy ... available to the Council's
Auditor" states O1 (no period) and O2 (at the same time); "required to publish
the outcome of the CSCI performance rating in an open session ... as soon as
practically possible" is O3. A stated period that fits no known obligation
("within 20 working days of allocation") is reported for review: the
extractor does not mint obligations.
"""

from __future__ import annotations

import re

from .model import Evidence, ObligationFact, PaperFacts
from .text import NUMBER, number, sentence_bounds

_DUTY = re.compile(
    r"\b(?:required|requirement|must|obliged|duty|statutory|asked\s+to\s+present)\b", re.I
)
_WITHIN = re.compile(
    r"\bwithin\s+(?P<n>" + NUMBER + r")\s+(?P<unit>(?:calendar\s+)?months?|working\s+days?|"
    r"(?:calendar\s+)?days?|weeks?)(?:\s+(?:of|from|after)\s+(?P<basis>(?:its|the)\s+receipt|"
    r"receipt|the\s+date\s+of\s+(?:this|the)\s+letter|(?:its|the)\s+date|publication|"
    r"allocation))?",
    re.I,
)
_UNITS = {
    "month": "unit-calendar-month",
    "working day": "unit-working-day",
    "day": "unit-calendar-day",
}


def _unit(text: str) -> str | None:
    text = text.lower().replace("calendar ", "").rstrip("s")
    return _UNITS.get(text)


def _basis(text: str | None) -> str | None:
    if not text:
        return None
    text = text.lower()
    if "receipt" in text:
        return "basis-receipt"
    if "date" in text:
        return "basis-document-date"
    if "publication" in text:
        return "basis-publication"
    if "allocation" in text:
        return "basis-allocation"
    return None


# O1 and O2 are the annual review letter's requirements; the adult performance
# assessment letters that followed it carried the same wording.
_LETTER_REGIMES = (
    "ssi-annual-review",
    "star-ratings-2002-2005",
    "csci-adult-performance-2006-2008",
    "cqc-adult-apa-2008-2010",
)
_STATEMENT_OF_ACTION = re.compile(
    r"(?:written\s+)?statement\s+of\s+(?:the\s+|proposed\s+)?action", re.I
)


def find_obligations(facts: PaperFacts) -> None:
    """Statements of O1-O6b; other stated periods go to the review."""
    text = facts.document.text
    main = facts.main()
    letters = main is None or main.regime in _LETTER_REGIMES
    jar = main is not None and main.regime == "joint-area-review"
    ofsted = bool(re.search(r"\bOfsted\b", text, re.I))
    seen: set[tuple[int, int]] = set()
    for duty in _DUTY.finditer(text):
        start, end = sentence_bounds(text, duty.start())
        if (start, end) in seen:
            continue
        seen.add((start, end))
        passage = text[start:end]
        evidence = Evidence(start, end, "obligation-sentence")
        to_meeting = re.search(
            r"\b(?:present(?:ed)?|report(?:ed)?|take|takes|taken)\b[^.]{0,120}?\b(?:to\s+"
            r"(?:a|an|the)\s+(?:public|open)?\s*(?:meeting|session)|Executive|"
            r"executive committee|Cabinet)",
            passage,
            re.I,
        )
        publish_rating = re.search(r"publish[^.]{0,80}rating[^.]{0,80}open session", passage, re.I)
        same_time = re.search(r"simultaneously|at the same time", passage, re.I)
        copy_auditor = re.search(r"auditor", passage, re.I) and (
            same_time or re.search(r"\bcop(?:y|ying|ies|ied)\b", passage, re.I)
        )
        within = _WITHIN.search(passage)
        if publish_rating:
            unit = (
                "unit-as-soon-as-practicable"
                if re.search(r"as\s+soon\s+as\s+(?:practicabl[ey]|practically)", passage, re.I)
                else None
            )
            facts.obligations.append(
                ObligationFact(
                    "O3",
                    Evidence(start, end, "obligation-O3"),
                    unit=unit,
                    basis="basis-publication"
                    if re.search(r"release|publication", passage, re.I)
                    else None,
                )
            )
            continue
        if within is not None and "working" in within["unit"].lower() and (jar or ofsted):
            statement = _STATEMENT_OF_ACTION.search(passage)
            publish = re.search(r"\b(?:publish|circulate)", passage, re.I)
            code = None
            if statement and number(within["n"]) == 70:
                code = "O5" if jar else "O6b"
            elif publish and number(within["n"]) == 30:
                code = "O4" if jar else "O6a"
            if code is not None:
                basis = _basis(within["basis"]) or (
                    "basis-receipt" if re.search(r"of\s+receiving", passage, re.I) else None
                )
                facts.obligations.append(
                    ObligationFact(
                        code,
                        Evidence(start, end, f"obligation-{code}"),
                        unit="unit-working-day",
                        basis=basis,
                        amount=number(within["n"]),
                    )
                )
                continue
        if not letters:
            if within is not None:
                facts.note(
                    "unknown obligation",
                    f"a period is stated ({within.group(0)!r}) that "
                    "matches no obligation in reference/obligations.ttl",
                    evidence,
                )
            continue
        if to_meeting and (within is None or "month" in within["unit"].lower()):
            fact = ObligationFact("O1", Evidence(start, end, "obligation-O1"))
            if within is not None:
                fact.amount = number(within["n"])
                fact.unit = _unit(within["unit"])
                fact.basis = _basis(within["basis"])
            if copy_auditor:
                # "report ... to the Executive and simultaneously ...": O1's wording ends there.
                cut = re.search(
                    r"\s+and\s+simultaneously|\s+and\s+at the same time|\s+as well as "
                    r"copying",
                    passage,
                )
                if cut:
                    fact.wording = Evidence(start, start + cut.start(), "obligation-O1")
            facts.obligations.append(fact)
        if copy_auditor:
            facts.obligations.append(
                ObligationFact(
                    "O2",
                    Evidence(start, end, "obligation-O2"),
                    unit="unit-same-time" if same_time else None,
                )
            )
            continue
        if within is not None and not to_meeting:
            facts.note(
                "unknown obligation",
                f"a period is stated ({within.group(0)!r}) that "
                "matches no obligation in reference/obligations.ttl",
                evidence,
            )
    # Periods stated without a word of duty ("would be completed within 20 working days").
    for within in _WITHIN.finditer(text):
        start, end = sentence_bounds(text, within.start())
        if (start, end) in seen:
            continue
        seen.add((start, end))
        facts.note(
            "unknown obligation",
            f"a period is stated ({within.group(0)!r}) that matches "
            "no obligation in reference/obligations.ttl",
            Evidence(within.start(), within.end(), "period-stated"),
        )
