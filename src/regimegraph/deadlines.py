"""Deadline arithmetic: calendar months, calendar days and England and Wales working days.

Due dates are computed here, once, in Python, and only then checked by SHACL: SPARQL
1.1 has no date arithmetic and engines disagree on it (rdflib evaluates
``?d + "P2M"^^xsd:yearMonthDuration``, Oxigraph returns unbound, so a naive check
passes everything silently). See DESIGN.md, "Deadlines".

Conventions, chosen so that every due date can be explained in one sentence:

Calendar months (`add_calendar_months`)
    The same day of the month, ``months`` months later; when the target month has no
    such day, that month's last day. So 5 Aug 2003 + 2 months = 5 Oct 2003, and
    31 Dec + 2 months = 28 Feb, or 29 Feb in a leap year. This is what XPath's
    ``xs:date + xs:yearMonthDuration`` and Catala's date addition do. Negative month
    counts are rejected: clipping to the month end makes the operation impossible to
    undo (31 Dec + 2 months = 29 Feb, but 29 Feb - 2 months = 29 Dec), so a check
    must always count forward from the basis date, never backwards from the outcome.

Working days (`is_working_day`, `add_working_days`, `working_days_between`)
    A working day is a day that is not a Saturday, a Sunday or a bank holiday in
    England and Wales: Christmas Day, Good Friday, the statutory and proclaimed bank
    holidays, the substitute days when Christmas, Boxing Day or New Year's Day falls
    at a weekend, and one-off days such as the 2022 state funeral. The calendar is the
    maintained one in the ``holidays`` library, not a hand-typed list.

    The trigger day is day 0, whether or not it is itself a working day; the deadline
    is the n-th working day after it. "Within 30 working days of receipt", receipt on
    Monday 2 Jan 2023 (the substitute New Year bank holiday): the first working day is
    Tuesday 3 Jan, and the 30th is Monday 13 Feb 2023, which is the last day on time.
    `working_days_between(a, b)` counts the working days ``d`` with ``a < d <= b``, so
    ``working_days_between(d, add_working_days(d, n)) == n``.

    Supported range: 1 Jan 1990 to 31 Dec 2035 (`FIRST_YEAR`, `LAST_YEAR`). Outside it
    the working-day functions raise `OutsideHolidayCalendarError` rather than treat an
    unknown bank holiday as a working day. Years after those the government has
    announced are the library's projection of the regular rules: a future one-off bank
    holiday needs a newer ``holidays`` release.

Calendar days and weekends
    A deadline in calendar months or calendar days stays where the count puts it, even
    on a Saturday, Sunday or bank holiday: the texts this project checks count months
    ("within two months of the date of this letter") and say nothing about moving the
    date. Pass ``roll_forward_to_working_day=True`` to move such a date to the next
    working day (which then needs the working-day calendar and its range).

On time
    Work done on or before the due date is on time. `days_late` is signed: the number
    of calendar days after the due date, 0 on the due date, negative when early (the
    days to spare), so ``days_late(due, done) > 0`` is the test for lateness.
"""

from __future__ import annotations

import calendar
import functools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays

from regimegraph.namespaces import VALUE

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "NO_FIXED_PERIOD_UNITS",
    "UNITS",
    "Deadline",
    "NoFixedPeriodError",
    "OutsideHolidayCalendarError",
    "add_calendar_months",
    "add_working_days",
    "bank_holiday_name",
    "days_late",
    "due_date",
    "is_working_day",
    "normalise_unit",
    "working_days_between",
]

FIRST_YEAR = 1990
"""First year of the supported bank-holiday calendar."""
LAST_YEAR = 2035
"""Last year of the supported bank-holiday calendar."""

CALENDAR_MONTH = "calendar-month"
WORKING_DAY = "working-day"
CALENDAR_DAY = "calendar-day"
UNITS = (CALENDAR_MONTH, WORKING_DAY, CALENDAR_DAY)
"""Units with a fixed period, as the last words of the ontology's ``value:unit-…`` IRIs."""
NO_FIXED_PERIOD_UNITS = ("same-time", "as-soon-as-practicable")
"""Units the ontology knows that give no date to compute: callers report them instead."""

# One-off and moved bank holidays the calendar must contain. A `holidays` release that
# lacked one would silently count it as a working day, so the calendar is checked
# against this list when it is built.
_REQUIRED_BANK_HOLIDAYS = (
    date(1995, 5, 8),  # VE Day 50th anniversary (early May bank holiday moved)
    date(1999, 12, 31),  # Millennium
    date(2002, 6, 3),  # Golden Jubilee
    date(2002, 6, 4),  # spring bank holiday moved
    date(2011, 4, 29),  # royal wedding
    date(2012, 6, 4),  # spring bank holiday moved
    date(2012, 6, 5),  # Diamond Jubilee
    date(2020, 5, 8),  # VE Day 75th anniversary (early May bank holiday moved)
    date(2022, 6, 2),  # spring bank holiday moved
    date(2022, 6, 3),  # Platinum Jubilee
    date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    date(2023, 5, 8),  # coronation of King Charles III
)

# A Monday before the supported range, from which weekdays are counted arithmetically.
_EPOCH_MONDAY = date(1989, 1, 2)


class OutsideHolidayCalendarError(ValueError):
    """A working-day question about a date the bank-holiday calendar does not cover."""


class NoFixedPeriodError(ValueError):
    """A deadline unit with no fixed period ("same-time", "as-soon-as-practicable").

    Callers catch this to report the obligation as information instead of a due date.
    """

    def __init__(self, unit: str) -> None:
        self.unit = unit
        super().__init__(
            f"deadline unit {unit!r} has no fixed period, so no due date can be computed; "
            "report the obligation without one"
        )


# --- calendar months -------------------------------------------------------------------


def add_calendar_months(start: date, months: int) -> date:
    """Return ``start`` plus ``months`` calendar months, clipped to the target month's end.

    The same day of the month, or the target month's last day when it has no such day
    (31 Dec 2003 + 2 = 29 Feb 2004). ``months`` must be 0 or more: see the module
    docstring for why counting backwards is refused.
    """
    _require_date(start, "start")
    _require_count(months, "months")
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if year > date.max.year:
        raise ValueError(f"{start.isoformat()} + {months} months is after year {date.max.year}")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# --- working days ----------------------------------------------------------------------


@dataclass(frozen=True)
class _BankHolidays:
    """England and Wales bank holidays for a range of years, ready for fast lookups."""

    first: date
    last: date
    names: dict[date, str]
    weekday_dates: tuple[date, ...]  # sorted; only Monday-Friday ones change counts


@functools.cache
def _bank_holidays(first_year: int, last_year: int) -> _BankHolidays:
    """Build, check and cache the calendar for ``first_year``..``last_year`` inclusive.

    Building takes about 0.1 s, so it happens once per year range, on first use.
    """
    source = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    names = {day: str(name) for day, name in source.items()}
    missing = [
        day.isoformat()
        for day in _REQUIRED_BANK_HOLIDAYS
        if first_year <= day.year <= last_year and day not in names
    ]
    if missing:
        raise RuntimeError(
            f"the installed holidays {holidays.__version__} lacks England and Wales bank "
            f"holidays {', '.join(missing)}; upgrade it (pyproject.toml lists the minimum)"
        )
    return _BankHolidays(
        first=date(first_year, 1, 1),
        last=date(last_year, 12, 31),
        names=names,
        weekday_dates=tuple(sorted(day for day in names if day.weekday() < 5)),
    )


def _calendar_for(*days: date) -> _BankHolidays:
    """Return the supported calendar, or raise naming the first day outside it."""
    cal = _bank_holidays(FIRST_YEAR, LAST_YEAR)
    for day in days:
        if not cal.first <= day <= cal.last:
            raise OutsideHolidayCalendarError(
                f"{day.isoformat()} is outside the England and Wales bank-holiday calendar "
                f"({cal.first.isoformat()} to {cal.last.isoformat()}), so working days "
                "cannot be counted there"
            )
    return cal


def bank_holiday_name(day: date) -> str | None:
    """Return the bank holiday's name on ``day`` (England and Wales), or None.

    Lets a finding say why a day was skipped ("New Year's Day (observed)").
    """
    _require_date(day, "day")
    return _calendar_for(day).names.get(day)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is neither a weekend day nor an England and Wales bank holiday."""
    _require_date(day, "day")
    cal = _calendar_for(day)
    return day.weekday() < 5 and day not in cal.names


def add_working_days(start: date, n: int) -> date:
    """Return the ``n``-th working day after ``start``; ``start`` itself is day 0.

    ``start`` need not be a working day (a report received on a Sunday still starts the
    count there). ``n == 0`` returns ``start``. ``n`` must not be negative.
    """
    _require_date(start, "start")
    _require_count(n, "n")
    _calendar_for(start)
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        try:
            working = is_working_day(day)
        except OutsideHolidayCalendarError as error:
            raise OutsideHolidayCalendarError(
                f"counting {n} working days from {start.isoformat()}: {error}"
            ) from error
        if working:
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Count the working days ``d`` with ``a < d <= b``; negative when ``b`` is before ``a``.

    The half-open interval matches `add_working_days`, so the two are inverses:
    ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    _require_date(a, "a")
    _require_date(b, "b")
    if b < a:
        return -working_days_between(b, a)
    cal = _calendar_for(a, b)
    weekdays = _weekdays_up_to(b) - _weekdays_up_to(a)
    holidays_on_weekdays = bisect_right(cal.weekday_dates, b) - bisect_right(cal.weekday_dates, a)
    return weekdays - holidays_on_weekdays


def _weekdays_up_to(day: date) -> int:
    """Number of Mondays-Fridays from `_EPOCH_MONDAY` to ``day`` inclusive."""
    weeks, extra = divmod((day - _EPOCH_MONDAY).days + 1, 7)
    return weeks * 5 + min(extra, 5)


def _next_working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


# --- deadlines -------------------------------------------------------------------------


def normalise_unit(unit: str) -> str:
    """Return the unit word for ``unit``, given as the word or as the ontology's IRI.

    ``"calendar-month"`` and ``"https://w3id.org/regimegraph/id/value/unit-calendar-month"``
    both give ``"calendar-month"``. Raises `NoFixedPeriodError` for the units with no
    fixed period and `ValueError`, naming the value, for anything else unknown.
    """
    text = str(unit)
    prefix = str(VALUE) + "unit-"
    word = text.removeprefix(prefix)
    if word in UNITS:
        return word
    if word in NO_FIXED_PERIOD_UNITS:
        raise NoFixedPeriodError(word)
    known = ", ".join(repr(u) for u in UNITS + NO_FIXED_PERIOD_UNITS)
    raise ValueError(f"unknown deadline unit {text!r}: expected one of {known}, or {prefix}<unit>")


@dataclass(frozen=True)
class Deadline:
    """A fixed period, such as "30 working days", from which due dates are computed.

    ``unit`` may be the word or the ontology IRI; it is stored as the word. Building a
    Deadline with a unit that has no fixed period raises `NoFixedPeriodError`.
    """

    amount: int
    unit: str
    roll_forward_to_working_day: bool = False

    def __post_init__(self) -> None:
        _require_count(self.amount, "amount")
        object.__setattr__(self, "unit", normalise_unit(self.unit))

    def due(self, basis_date: date) -> date:
        """Return the last day on time for a period starting at ``basis_date``."""
        _require_date(basis_date, "basis_date")
        if self.unit == CALENDAR_MONTH:
            result = add_calendar_months(basis_date, self.amount)
        elif self.unit == CALENDAR_DAY:
            result = basis_date + timedelta(days=self.amount)
        else:
            result = add_working_days(basis_date, self.amount)
        if self.roll_forward_to_working_day:
            result = _next_working_day_on_or_after(result)
        return result


def due_date(
    basis_date: date,
    amount: int,
    unit: str,
    *,
    roll_forward_to_working_day: bool = False,
) -> date:
    """Return the due date ``amount`` ``unit``s after ``basis_date``.

    ``unit`` is "calendar-month", "working-day" or "calendar-day", or the ontology IRI
    ending in one of them. A date that falls on a weekend or bank holiday stays there
    unless ``roll_forward_to_working_day`` is set (see the module docstring).
    """
    deadline = Deadline(amount, unit, roll_forward_to_working_day)
    return deadline.due(basis_date)


def days_late(due: date, done: date) -> int:
    """Calendar days from ``due`` to ``done``: positive when late, 0 or negative on time.

    Signed so a report can say "3 days late" or "12 days to spare" from one number.
    """
    _require_date(due, "due")
    _require_date(done, "done")
    return (done - due).days


# --- argument checks -------------------------------------------------------------------


def _require_date(value: object, name: str) -> None:
    """Refuse datetimes and non-dates: comparing a datetime with a date raises later."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date, not {value!r}")


def _require_count(value: object, name: str) -> None:
    """Refuse negative, boolean and non-integer counts, naming the value."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
