"""Dates as papers write them, at the precision they give, and what cannot be settled.

Papers write dates many ways: "3rd September, 2003", "Tuesday, 19 February
2008", "17 JANUARY 2006", "26-Aug-03", "03/09/2003", "27th Oct 2008",
"November 2003", "2003". Each is read at the precision given (docs/records.md,
"Dates"): a day as xsd:date, a month as xsd:gYearMonth, a year as xsd:gYear.
A day and month without a year ("13 December", "September") is *ambiguous*: it
is returned with a reason and no value, for the review summary; it is never
completed from the paper's own date.

Periods assessed are financial years written as "2006/7", "2006/07", "2002-03",
"2002 - 2003" or "April 2007 to March 2008"; they become government-year slugs
("2006-2007").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?[ \t]+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Most specific first: the finder keeps the first match at each place.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "7th - 18th March 2005": a range of days in one month, read as its two ends.
    ("day-range", re.compile(
        r"\b(?P<day0>[0-3]?\d)(?:st|nd|rd|th)?[ \t]*(?:-|\u2013|\u2014|to)[ \t]*"
        + _DAY
        + r"[ \t]+"
        + _MONTH
        + r",?[ \t]+" + _YEAR + r"\b", re.I)),
    ("iso-date", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day-month-year", re.compile(
        _WEEKDAY + _DAY + r"(?:[ \t]+of)?[ \t,]+" + _MONTH + r",?[ \t]+" + _YEAR + r"\b", re.I)),
    ("month-day-year", re.compile(
        _WEEKDAY + _MONTH + r"[ \t]+" + _DAY + r",[ \t]*" + _YEAR + r"\b", re.I)),
    ("numeric-date", re.compile(
        r"\b(?P<day>[0-3]?\d)/(?P<mnum>[01]?\d)/(?P<year>(?:19|20)?\d\d)\b")),
    ("dash-date", re.compile(
        r"\b(?P<day>[0-3]?\d)-" + _MONTH + r"-(?P<year>(?:19|20)?\d\d)\b", re.I)),
    ("month-year", re.compile(r"\b" + _MONTH + r",?[ \t]+" + _YEAR + r"\b", re.I)),
    (
        "day-month",
        re.compile(_WEEKDAY + r"\b" + _DAY + r"[ \t]+(?:of[ \t]+)?" + _MONTH + r"\b", re.I),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    """A date written in the text: where, its value (ISO, at its precision), or why none."""

    start: int
    end: int
    value: str | None
    precision: str  # "day", "month", "year", or "ambiguous"
    rule: str
    problem: str = ""

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


def _year(text: str) -> int:
    year = int(text)
    if year < 100:  # "26-Aug-03": two-digit years are 19xx/20xx by the 50 pivot
        year += 2000 if year < 50 else 1900
    return year


def _from_match(rule: str, match: re.Match[str]) -> DateMention:
    groups = match.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else None
    if month is None and groups.get("month"):
        month = MONTHS[groups["month"].lower().rstrip(".")]
    year = _year(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    start, end = match.span()
    if year is None:
        return DateMention(start, end, None, "ambiguous", rule, f"{match.group(0)!r} gives no year")
    if day is None:
        return DateMention(start, end, f"{year:04d}-{month:02d}", "month", rule)
    try:
        value = date(year, month or 0, day)
    except ValueError:
        return DateMention(
            start, end, None, "ambiguous", rule, f"{match.group(0)!r} is not a date in the calendar"
        )
    return DateMention(start, end, value.isoformat(), "day", rule)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date in text[start:end], left to right, the most specific reading at each place.

    A range of days in one month ("7th - 18th March 2005") gives two mentions,
    its first and last day, both spanning the whole range.
    """
    stop = len(text) if end is None else end
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for rule, pattern in _PATTERNS:
        for match in pattern.finditer(text, start, stop):
            a, b = match.span()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            last = _from_match(rule, match)
            if rule == "day-range" and last.value is not None:
                try:
                    first_day = date(int(last.value[:4]), int(last.value[5:7]), int(match["day0"]))
                except ValueError:
                    first_day = None
                if first_day is None or first_day.isoformat() > last.value:
                    found.append(
                        DateMention(
                            a,
                            b,
                            None,
                            "ambiguous",
                            rule,
                            f"{match.group(0)!r} is not a range of days",
                        )
                    )
                    continue
                found.append(DateMention(a, b, first_day.isoformat(), "day", rule))
            found.append(last)
    return sorted(found, key=lambda m: m.start)


def parse_date(text: str) -> DateMention | None:
    """The one date that `text` is, whole (for tests and table cells)."""
    mentions = find_dates(text)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(text.strip()):
        return mentions[0]
    return None


#################################################################
# Financial years
#################################################################

_FY = re.compile(
    r"\b(?P<y1>(?:19|20)\d\d)\s*(?:/|-|\u2013|\u2014|to)\s*(?P<y2>(?:19|20)?\d{1,2})\b(?!\s*%)"
)
_FY_MONTHS = re.compile(
    r"\bApril\s+(?P<y1>(?:19|20)\d\d)\s*(?:to|-|\u2013|\u2014)\s*March\s+(?P<y2>(?:19|20)\d\d)\b",
    re.I,
)


@dataclass(frozen=True)
class YearMention:
    """A financial year: its government-year slug ("2006-2007") and where it is written."""

    start: int
    end: int
    slug: str
    rule: str


def find_financial_years(text: str, start: int = 0, end: int | None = None) -> list[YearMention]:
    """Financial years in text[start:end].

    Written "2006/7", "2002-03", "2002 - 2003" or "April 2007 to March 2008".

    A pair whose second year is not the first plus one ("2004/06") is not a
    financial year and is skipped.
    """
    stop = len(text) if end is None else end
    found: list[YearMention] = []
    for match in _FY_MONTHS.finditer(text, start, stop):
        y1, y2 = int(match["y1"]), int(match["y2"])
        if y2 == y1 + 1:
            found.append(YearMention(*match.span(), f"{y1}-{y2}", "fy-april-to-march"))
    for match in _FY.finditer(text, start, stop):
        if any(m.start <= match.start() < m.end for m in found):
            continue
        y1 = int(match["y1"])
        tail = match["y2"]
        y2 = (
            int(tail)
            if len(tail) == 4
            else (y1 // 100) * 100 + int(tail)
            if len(tail) == 2
            else ((y1 // 10) * 10 + int(tail))
        )
        if y2 != y1 + 1:
            continue
        found.append(YearMention(*match.span(), f"{y1}-{y2}", "fy-pair"))
    return sorted(found, key=lambda m: m.start)
