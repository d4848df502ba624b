"""Letters and reports (their dates, date of receipt), earlier reports cited, action plans.

"CSCI Letter and Report dated 27th Oct 2008", "the letter dated 7 October
2004", "received on 12 October 2004", "the report of an SSI Inspection of
Children's Services published in September 2002", "an action plan ... agreed
... on 19 December 2007", "out for consultation ... until the end of
February". A date without a year is reported, not completed.
"""

from __future__ import annotations

import re

from .dates import DateMention, find_dates
from .model import Evidence, PaperFacts, Plan
from .regimes import INSPECTORATES
from .text import sentence_bounds

_LETTER_DATED = re.compile(r"\bletter\b[^.\n]{0,60}?\b(?:dated|of)\s+", re.I)
_RECEIVED = re.compile(r"\b(?:received|receipt)\b[^.\n]{0,40}?\b(?:on|dated)\s+", re.I)
_CITED_REPORT = re.compile(
    r"(?P<insp>SSI|CSCI|Social Services Inspectorate|Commission for Social Care Inspection)?\s*"
    r"Inspection of Children['\u2019]s (?:Social Care )?Services\s+(?:was\s+)?published\s+"
    r"(?:in|on)\s+",
    re.I,
)
_PLAN = re.compile(
    r"\b(?:action plan|improvement plan|improvement action plan|statement of "
    r"(?:proposed )?action)s?\b",
    re.I,
)
_AGREED_ON = re.compile(r"\bagreed\b[^.]{0,120}?\bon\s+", re.I)
_CONSULTATION = re.compile(r"\bconsultation\b[^.]{0,80}?\buntil\s+(?:the\s+end\s+of\s+)?", re.I)


def _date_at(text: str, at: int) -> DateMention | None:
    mentions = find_dates(text, at, min(len(text), at + 40))
    if mentions and mentions[0].start == at:
        return mentions[0]
    return None


def find_documents(facts: PaperFacts) -> None:
    """Letter dates, receipt, cited reports and action plans, attached to the inspections."""
    text = facts.document.text
    main = facts.main()
    if main is not None:
        for match in _LETTER_DATED.finditer(text):
            when = _date_at(text, match.end())
            if when is None:
                continue
            evidence = Evidence(match.start(), when.end, "letter-dated")
            value = facts.dated(when, "letter dated", evidence)
            if value is not None and main.letter_date is None:
                main.letter_date = (value, evidence)
        for match in _RECEIVED.finditer(text):
            when = _date_at(text, match.end())
            if when is None:
                continue
            start, end = sentence_bounds(text, match.start())
            if not re.search(r"letter|report|assessment|review", text[start:end], re.I):
                continue
            evidence = Evidence(match.start(), when.end, "letter-received")
            value = facts.dated(when, "received", evidence)
            if value is not None and main.letter_received is None:
                main.letter_received = (value, evidence)
        published = re.search(
            r"\bpublished\s+(?:its|the)\s+(?:assessment|report|letter)\s+on\s+|"
            r"\b(?:assessment|report|letter)\s+(?:was|were)\s+published\s+on\s+",
            text,
            re.I,
        )
        if published is not None and main.report_issued is None:
            when = _date_at(text, published.end())
            if when is not None and when.value is not None:
                main.report_issued = (
                    when.value,
                    Evidence(published.start(), when.end, "report-published-on"),
                )
        if main.letter_date is None:
            _own_letter_date(facts)
        _plans(facts)
    for match in _CITED_REPORT.finditer(text):
        when = _date_at(text, match.end())
        evidence = Evidence(
            match.start("insp") if match["insp"] else match.start(),
            when.end if when else match.end(),
            "cited-report",
        )
        if main is not None and main.regime == "childrens-social-care-inspection":
            continue
        cited = facts.add("childrens-social-care-inspection", "earlier", evidence)
        if match["insp"]:
            for code, pattern in INSPECTORATES:
                if pattern.fullmatch(match["insp"]):
                    cited.inspectorate = code
        value = facts.dated(when, "report published", evidence) if when is not None else None
        if value is not None:
            cited.report_issued = (value, evidence)
            cited.year = value[:4]


def _plans(facts: PaperFacts) -> None:
    text = facts.document.text
    main = facts.main()
    assert main is not None
    for match in _PLAN.finditer(text):
        start, end = sentence_bounds(text, match.start())
        if main.plan is None:
            main.plan = Plan()
        plan = main.plan
        plan.evidence.append(Evidence(match.start(), match.end(), "action-plan"))
        passage = text[start:end]
        if plan.agreed_with is None and re.search(r"agreed with|shared with", passage, re.I):
            for code, pattern in INSPECTORATES:
                if pattern.search(passage) or (
                    re.search(r"\bthe Commission\b", passage) and code == main.inspectorate
                ):
                    plan.agreed_with = code
                    break
        for agreed in _AGREED_ON.finditer(text, start, end):
            when = _date_at(text, agreed.end())
            if when is None:
                continue
            evidence = Evidence(agreed.start(), when.end, "plan-agreed-on")
            value = facts.dated(when, "plan agreed", evidence)
            if value is not None and plan.agreed_on is None:
                plan.agreed_on = (value, evidence)
        # The consultation may be in the next sentence ("The document is now out for consultation").
        _, after = sentence_bounds(text, min(len(text) - 1, end + 2))
        for consult in _CONSULTATION.finditer(text, start, after):
            month = re.match(
                r"(January|February|March|April|May|June|July|August|September|"
                r"October|November|December)\b(?:\s+((?:19|20)\d\d))?",
                text[consult.end() :],
            )
            if month is None:
                continue
            evidence = Evidence(consult.start(), consult.end() + month.end(), "plan-consultation")
            if month.group(2):
                ends = find_dates(text, consult.end(), consult.end() + month.end())
                if ends and ends[0].value and plan.consultation_ends is None:
                    plan.consultation_ends = (ends[0].value, evidence)
            else:
                facts.note(
                    "ambiguous date", f"consultation until {month.group(0)!r}: no year", evidence
                )


def _own_letter_date(facts: PaperFacts) -> None:
    """A letter reproduced whole ("Dear Ms Ashman") is dated on a line of its own above it.

    The meeting's own date (a portal header) is not the letter's.
    """
    text = facts.document.text
    main = facts.main()
    greeting = re.search(r"^[ \t]*Dear\s+\S", text, re.M)
    if main is None or greeting is None:
        return
    chosen: DateMention | None = None
    for mention in find_dates(text, 0, greeting.start()):
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        standalone = line.strip() == text[mention.start : mention.end].strip()
        if (
            standalone
            and mention.value
            and mention.precision == "day"
            and (mention.value != facts.meeting_date)
        ):
            chosen = mention
    if chosen is not None and chosen.value is not None:
        main.letter_date = (chosen.value, Evidence(chosen.start, chosen.end, "letter-own-date"))
