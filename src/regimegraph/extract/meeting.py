"""The council, the meeting (body and date), the item number and the report's author.

Council names are resolved with the project's `CouncilResolver` (register plus
curated aliases, date-aware): a name written as "... County Council" or
"London Borough of ..." is tried first; failing that, place names the paper
repeats ("Oxfordshire is rated ..."). A council name the register does not
know, or two councils named about equally often, go to the review summary.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ..importers.common import CouncilResolver, normalise_name
from .dates import DateMention, find_dates
from .model import Evidence, PaperFacts
from .text import line_bounds

_COUNCIL_NAME = re.compile(
    r"\b((?:(?:London|Royal) Borough of|City of|Borough of|Metropolitan Borough of)[ \t]+"
    r"[A-Z][\w'\u2019.-]*(?:[ \t]+(?:and|&|upon|on|the|[A-Z][\w'\u2019.-]*))*"
    r"|[A-Z][\w'\u2019.-]*(?:[ \t]+(?:and|&|upon|on|of|[A-Z][\w'\u2019.-]*))*[ \t]+"
    r"(?:County[ \t]+|City[ \t]+|Borough[ \t]+|Metropolitan Borough[ \t]+|District[ \t]+)?"
    r"Council)\b"
)
_NOT_A_NAME = {
    "", "the", "county", "city", "borough", "district", "parish", "town", "executive",
    "full", "this", "each", "every", "a", "local", "whole", "our", "that", "member", "members",
    "by the", "of the", "social services", "social care", "cabinet",
}  # fmt: skip
_PLACE = re.compile(r"\b[A-Z][a-z]+(?:(?:\s+(?:and|&|upon|on|of|the)\s+|\s+)[A-Z][a-z]+){0,4}\b")

BODY_WORDS = (
    r"(?:Council Executive|The Executive|Executive|Cabinet|Council|"
    r"[A-Z][\w'\u2019&,]*(?:\s+[A-Z&][\w'\u2019&,]*){0,6}\s+(?:Committee|Panel|Board|Sub-Committee))"
)
_BODY_DASH_DATE = re.compile(
    r"^[ \t]*(?P<body>" + BODY_WORDS + r")[ \t]*[-\u2013\u2014:][ \t]*(?P<rest>.+)$", re.I | re.M
)
_MEETING_FIELD = re.compile(r"^[ \t]*MEETING\s*:\s*\n?\s*(?P<body>[^\n]+?)\s*$", re.M)
_MEETING_DATE_FIELD = re.compile(
    r"^[ \t]*(?:MEETING\s+)?DATE\s*:\s*\n?\s*(?P<rest>[^\n]+)$", re.M | re.I
)
_REPORT_TO = re.compile(
    r"\bREPORT\s+TO\s+(?:THE\s+)?(?P<body>" + BODY_WORDS + r")\s*$", re.M | re.I
)
_RECOMMENDED = re.compile(
    r"\b(?:The|That(?: the)?)\s+(?P<body>Council Executive|Executive|Cabinet|[A-Z][\w'\u2019&]*"
    r"(?:\s+[A-Z][\w'\u2019&]*){0,5}\s+(?:Committee|Panel))\s+(?:is|are)\s+"
    r"(?:RECOMMENDED|recommended|asked)\b"
)
_BODY_ON_DATE = re.compile(
    r"^[ \t]*(?P<body>Cabinet|Executive|Council Executive|Council|[A-Z][\w'\u2019&]*(?:[ \t]+[A-Z&]"
    r"[\w'\u2019&]*){0,6}[ \t]+(?:Committee|Panel|Board))[ \t]*\n\s*On[ \t]+(?P<rest>[^\n]+)$",
    re.M,
)
_HEADER_BODY_LINE = re.compile(
    r"^[ \t]*(?P<body>Cabinet|Executive|Council Executive|Council|"
    r"[A-Z][\w'\u2019&]*(?:\s+[A-Z&][\w'\u2019&]*){0,6}\s+(?:Committee|Panel|Board))[ \t]*\n[ \t]*"
    r"(?P<rest>(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)[^\n]+)$",
    re.M,
)
_DECIDED = re.compile(
    r"^[ \t]*(?:Decided at meeting|Meeting)[ \t]*:[ \t]*(?P<rest>[^\n]*?)[ \t]*"
    r"[-\u2013\u2014][ \t]*"
    r"(?P<body>Cabinet|Executive|Council|[A-Z][\w'\u2019&]*(?:[ \t]+[A-Z&][\w'\u2019&]*){0,6}[ \t]+"
    r"(?:Committee|Panel|Board))[ \t]*$",
    re.M,
)
_MEMBER_MINUTES = re.compile(
    r"^[ \t]*(?P<body>[A-Z][\w'\u2019&]*(?:[ \t]+[A-Z&][\w'\u2019&]*){0,6}[ \t]+"
    r"(?:Cabinet|Executive)[ \t]+Member)[ \t]*[-\u2013\u2014:][ \t]*"
    r"(?:(?:minutes|agenda|decisions)[ \t]*[-\u2013\u2014:][ \t]*)?"
    r"(?P<rest>[^\n]+)$",
    re.M,
)
_ITEM = re.compile(
    r"\b(?:AGENDA\s+)?ITEM\s+(?:NO\.?\s*|NUMBER\s*)?(?P<n>[A-Z]{1,4}\s?\d{1,3}[a-z]?|\d{1,3}[a-z]?)\b",
    re.I,
)
_ITEM_FIELD = re.compile(
    r"AGENDA\s+ITEM\s+NUMBER\s*:?\s*\n\s*\n?\s*(?P<n>\d{1,3}[a-z]?|[A-Z]{1,4}\d{1,3})\s*\n"
)
_PAPER = re.compile(r"^[ \t]*PAPER\s+(?P<n>[A-Z]\d{0,2})\s*$", re.M)
_AUTHOR = re.compile(
    r"^[ \t]*(?:Report\s+(?:by|of)|REPORT\s+(?:BY|OF))\s*:?\s*(?:the\s+|THE\s+)?"
    r"(?P<role>[A-Z][^\n]{3,90}?)\s*$",
    re.M,
)


def find_council(facts: PaperFacts, resolver: CouncilResolver, on: date | None) -> None:
    """Resolve the paper's council; unknown and competing names go to the review."""
    text = facts.document.text
    # Headings in capitals ("WILTSHIRE COUNTY COUNCIL") are read in title case;
    # a line whose length title case would change is left as it is.
    lines = []
    for line in text.split("\n"):
        titled = line.title()
        lines.append(titled if line.isupper() and len(titled) == len(line) else line)
    text = "\n".join(lines)
    resolved: Counter[str] = Counter()
    first: dict[str, tuple[int, int, str]] = {}
    labels: dict[str, str] = {}
    unknown: list[tuple[str, int, int]] = []
    for match in _COUNCIL_NAME.finditer(text):
        name = match.group(1).strip()
        name = re.sub(r"^(?:The|For|To|By|Of|In|And|At|From)\s+", "", name)
        if normalise_name(name) in _NOT_A_NAME or "\n" in name:
            continue
        outcome = resolver.resolve(name, on) if on else resolver.resolve(name)
        if outcome.council is not None:
            key = str(outcome.council)
            resolved[key] += 1
            first.setdefault(key, (match.start(1), match.end(1), "council-name"))
            labels[key] = outcome.label or name
        elif "matches no council in the register" in outcome.problem and name.split()[0] not in (
            "Council",
            "County",
            "City",
            "Borough",
        ):
            unknown.append((name, match.start(1), match.end(1)))
    if not resolved:
        for match in _PLACE.finditer(text):
            name = match.group(0)
            if len(name) < 4 or name.lower() in _NOT_A_NAME:
                continue
            outcome = resolver.resolve(name, on) if on else resolver.resolve(name)
            if outcome.council is not None:
                key = str(outcome.council)
                resolved[key] += 1
                first.setdefault(key, (match.start(), match.end(), "council-place-name"))
                labels[key] = outcome.label or name
    for name, start, end in unknown:
        facts.note(
            "unknown council",
            f"{name!r} names no council in the register",
            Evidence(start, end, "council-name"),
        )
    if not resolved:
        facts.note("unknown council", "no council name the register knows was found")
        return
    ranked = resolved.most_common()
    if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        names = ", ".join(f"{labels[k]} ({n}x)" for k, n in ranked)
        facts.note("ambiguous council", f"several councils are named about as often: {names}")
        return
    key = ranked[0][0]
    from rdflib import URIRef

    start, end, rule = first[key]
    facts.council = URIRef(key)
    facts.council_label = labels[key]
    facts.council_evidence = Evidence(start, end, rule)
    for other, count in ranked[1:]:
        facts.note(
            "other council",
            f"{labels[other]} is also named ({count}x); records are for {labels[key]}",
        )


def given_council(facts: PaperFacts, resolver: CouncilResolver, name: str) -> None:
    """The council named by the user (`--council`), resolved as of the meeting's day."""
    from rdflib import URIRef

    from ..errors import UsageError

    on = meeting_day(facts)
    outcome = resolver.resolve(name, on) if on else resolver.resolve(name)
    if outcome.council is None:
        raise UsageError(f"--council {name!r} {outcome.problem}")
    facts.council = URIRef(str(outcome.council))
    facts.council_label = outcome.label or name
    facts.council_evidence = None
    facts.note(
        "council given",
        f"the council is {facts.council_label}, as given with --council, not read from the paper",
    )


def _day_in(text: str, start: int, end: int) -> DateMention | None:
    for mention in find_dates(text, start, end):
        if mention.precision == "day":
            return mention
    return None


def find_meeting(facts: PaperFacts) -> None:
    """Body, date and item number of the meeting the paper went to, where it says so."""
    text = facts.document.text
    candidates: list[tuple[int, str, int, int, str]] = []  # (priority, body, start, end, rule)
    dates: list[tuple[int, DateMention, str]] = []
    for match in _MEETING_FIELD.finditer(text):
        body = match.group("body").strip()
        if find_dates(body) or len(body) > 60:
            continue
        candidates.append((0, body, match.start("body"), match.end("body"), "meeting-field"))
    for match in _MEETING_DATE_FIELD.finditer(text):
        day = _day_in(text, match.start("rest"), match.end("rest"))
        if day is not None:
            dates.append((0, day, "meeting-date-field"))
    for match in _BODY_DASH_DATE.finditer(text):
        day = _day_in(text, match.start("rest"), match.end("rest"))
        if day is not None and day.start - match.start("rest") < 3:
            candidates.append(
                (
                    1,
                    match.group("body").strip(),
                    match.start("body"),
                    match.end("body"),
                    "body-dash-date",
                )
            )
            dates.append((1, day, "body-dash-date"))
    for pattern, rule in (
        (_DECIDED, "decided-at-meeting"),
        (_MEMBER_MINUTES, "member-minutes"),
        (_BODY_ON_DATE, "body-on-date"),
    ):
        for match in pattern.finditer(text):
            day = _day_in(text, match.start("rest"), match.end("rest"))
            if day is not None:
                candidates.append(
                    (1, match.group("body").strip(), match.start("body"), match.end("body"), rule)
                )
                dates.append((1, day, rule))
    for match in _HEADER_BODY_LINE.finditer(text):
        if match.start() > 400:
            break
        day = _day_in(text, match.start("rest"), match.end("rest"))
        if day is not None:
            candidates.append(
                (2, match.group("body"), match.start("body"), match.end("body"), "header-body-date")
            )
            dates.append((2, day, "header-body-date"))
    for match in _REPORT_TO.finditer(text):
        candidates.append(
            (2, match.group("body").strip(), match.start("body"), match.end("body"), "report-to")
        )
    for match in _RECOMMENDED.finditer(text):
        candidates.append(
            (3, match.group("body"), match.start("body"), match.end("body"), "recommended-body")
        )
    if not dates:
        # A portal header: "Meeting documents" then the day of the meeting.
        head = text[:400]
        if "meeting" in head.lower() or re.search(r"^\s*Date\s*:", head, re.M | re.I):
            day = _day_in(text, 0, min(len(text), 400))
            if day is not None:
                dates.append((3, day, "header-date"))
    if candidates:
        candidates.sort(key=lambda c: (c[0], c[2]))
        _, body, start, end, rule = candidates[0]
        body = re.sub(r"^(?:the)\s+", "", body.strip(), flags=re.I)
        facts.body = body if not body.isupper() else body.title()
        facts.body_evidence = Evidence(start, end, rule)
    if dates:
        dates.sort(key=lambda d: (d[0], d[1].start))
        best = dates[0]
        values = {d[1].value for d in dates}
        facts.meeting_date = best[1].value
        facts.meeting_evidence = Evidence(best[1].start, best[1].end, best[2])
        if len(values) > 1:
            listed = ", ".join(sorted(v for v in values if v))
            facts.note(
                "ambiguous date",
                f"the meeting is dated differently in places ({listed}); "
                f"{best[1].value} is taken from the {best[2].replace('-', ' ')}",
            )
    _find_item(facts)
    _find_author(facts)


_OPEN_ITEM = re.compile(
    r"\bAN\s+OPEN\s+PUBLIC\s+ITEM\b|^[ \t]*PART\s+(?:I|1|ONE)[ \t]*$", re.M | re.I
)


def _find_item(facts: PaperFacts) -> None:
    text = facts.document.text
    opened = _OPEN_ITEM.search(text)
    if opened is not None:
        facts.open_session = Evidence(opened.start(), opened.end(), "open-public-item")
    match = _ITEM_FIELD.search(text) or _ITEM.search(text[:1500]) or _PAPER.search(text[:600])
    if match is None:
        return
    number = match.group("n").replace(" ", "").upper()
    facts.item_number = number
    facts.item_evidence = Evidence(match.start("n"), match.end("n"), "item-number")


def _find_author(facts: PaperFacts) -> None:
    text = facts.document.text
    match = _AUTHOR.search(text)
    if match is None:
        return
    role = match.group("role").strip().rstrip(".")
    start = match.start("role")
    end = start + len(role)
    if re.search(r"\b(?:for|of|and|&)$", role, re.I):
        # "REPORT OF THE PORTFOLIO HOLDER FOR / ADULT AND COMMUNITY SERVICES"
        following = re.match(r"[ \t]*\n[ \t]*([A-Z][^\n]{2,60}?)[ \t]*$", text[match.end() :], re.M)
        if following:
            role = f"{role} {following.group(1).strip()}"
            end = match.end() + following.end(1)
    if role.isupper():
        role = (
            role.title().replace(" And ", " and ").replace(" For ", " for ").replace(" Of ", " of ")
        )
    facts.author_role = role
    facts.author_evidence = Evidence(start, end, "report-by")


def meeting_day(facts: PaperFacts) -> date | None:
    """The meeting's day, to resolve the council's name as of then."""
    if facts.meeting_date and len(facts.meeting_date) == 10:
        return date.fromisoformat(facts.meeting_date)
    return None


__all__ = ["find_council", "find_meeting", "given_council", "line_bounds", "meeting_day"]
