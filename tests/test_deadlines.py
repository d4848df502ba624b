"""Deadline arithmetic: worked examples checked by hand, properties, and errors."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regimegraph.deadlines import (
    FIRST_YEAR,
    LAST_YEAR,
    Deadline,
    NoFixedPeriodError,
    OutsideHolidayCalendarError,
    add_calendar_months,
    add_working_days,
    bank_holiday_name,
    days_late,
    due_date,
    is_working_day,
    working_days_between,
)
from regimegraph.namespaces import VALUE

FAST = settings(max_examples=150, deadline=None)

# Dates whose working-day counts stay inside the calendar for n <= 400.
calendar_dates = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR - 2, 12, 31))
any_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31))
month_counts = st.integers(min_value=0, max_value=600)
working_counts = st.integers(min_value=0, max_value=400)


# --- calendar months: examples ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # B&NES SSI letter of 5 Aug 2003: "within two months of the date of this letter".
        (date(2003, 8, 5), 2, date(2003, 10, 5)),
        # Month-end clipping: 2004 is a leap year, 2003 is not.
        (date(2003, 12, 31), 2, date(2004, 2, 29)),
        (date(2002, 12, 31), 2, date(2003, 2, 28)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 1, 31), 3, date(2023, 4, 30)),
        (date(2003, 8, 5), 0, date(2003, 8, 5)),
        (date(2003, 11, 30), 14, date(2005, 1, 30)),
    ],
)
def test_add_calendar_months_examples(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


def test_calendar_months_work_outside_the_holiday_calendar() -> None:
    # Month arithmetic needs no bank holidays, so it is not limited to 1990-2035.
    assert add_calendar_months(date(1948, 7, 5), 2) == date(1948, 9, 5)


# --- calendar months: properties -------------------------------------------------------


@FAST
@given(any_dates, month_counts)
def test_add_calendar_months_lands_in_the_target_month_on_the_clipped_day(
    start: date, months: int
) -> None:
    result = add_calendar_months(start, months)
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    assert result.day == min(start.day, calendar.monthrange(year, month0 + 1)[1])


@FAST
@given(any_dates, any_dates, month_counts)
def test_add_calendar_months_is_monotonic(a: date, b: date, months: int) -> None:
    a, b = min(a, b), max(a, b)
    assert add_calendar_months(a, months) <= add_calendar_months(b, months)


# --- working days: the calendar --------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2002, 6, 3),  # Golden Jubilee
        date(2002, 6, 4),  # spring bank holiday, moved
        date(2011, 4, 29),  # royal wedding
        date(2012, 6, 4),
        date(2012, 6, 5),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),  # state funeral of Queen Elizabeth II
        date(2023, 5, 8),  # coronation of King Charles III
        date(1999, 12, 31),  # Millennium
        date(2008, 3, 21),  # Good Friday
        date(2007, 12, 25),  # Christmas Day
        date(2023, 1, 2),  # New Year's Day falls on a Sunday: substitute Monday
        date(2022, 12, 27),  # Christmas Day falls on a Sunday: substitute Tuesday
        date(2020, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
    ],
)
def test_bank_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day)
    assert bank_holiday_name(day)


@pytest.mark.parametrize("day", [date(2002, 5, 27), date(2022, 5, 30), date(2023, 1, 3)])
def test_moved_and_ordinary_weekdays_are_working_days(day: date) -> None:
    # The spring bank holiday's usual last Monday in May was a working day when it moved.
    assert is_working_day(day)
    assert bank_holiday_name(day) is None


def test_england_and_wales_share_one_calendar() -> None:
    # The module promises "England and Wales"; it builds the English calendar.
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    england = set(holidays.country_holidays("GB", subdiv="ENG", years=years))
    wales = set(holidays.country_holidays("GB", subdiv="WLS", years=years))
    assert england == wales


# --- working days: examples counted by hand --------------------------------------------


def test_thirty_working_days_across_easter_2008() -> None:
    # Receipt Monday 10 Mar 2008 is day 0. Good Friday 21 Mar, Easter Monday 24 Mar.
    # Mar: Tue 11-Fri 14 = 4 (4); Mon 17-Thu 20 = 4 (8); [21, 24 holidays];
    #      Tue 25-Fri 28 = 4 (12); Mon 31 (13).
    # Apr: Tue 1-Fri 4 = 4 (17); 7-11 = 5 (22); 14-18 = 5 (27); Mon 21 (28),
    #      Tue 22 (29), Wed 23 (30). Without Easter it would have been Mon 21 Apr.
    assert add_working_days(date(2008, 3, 10), 30) == date(2008, 4, 23)


def test_thirty_working_days_across_christmas_2007() -> None:
    # Receipt Monday 17 Dec 2007 is day 0. Christmas Tue 25, Boxing Day Wed 26 Dec,
    # New Year's Day Tue 1 Jan 2008.
    # Dec: Tue 18-Fri 21 = 4 (4); Mon 24 (5); [25, 26]; Thu 27, Fri 28 (7); Mon 31 (8).
    # Jan: [1]; Wed 2-Fri 4 = 3 (11); 7-11 (16); 14-18 (21); 21-25 (26);
    #      Mon 28 (27), Tue 29 (28), Wed 30 (29), Thu 31 (30).
    assert add_working_days(date(2007, 12, 17), 30) == date(2008, 1, 31)


def test_the_trigger_day_is_day_zero_even_on_a_bank_holiday() -> None:
    # The module docstring's example. Receipt Monday 2 Jan 2023 (substitute New Year).
    # Jan: Tue 3-Fri 6 = 4 (4); 9-13 (9); 16-20 (14); 23-27 (19); Mon 30, Tue 31 (21).
    # Feb: Wed 1-Fri 3 (24); 6-10 (29); Mon 13 (30).
    assert add_working_days(date(2023, 1, 2), 30) == date(2023, 2, 13)
    # A Sunday receipt the day before counts from the same place.
    assert add_working_days(date(2023, 1, 1), 30) == date(2023, 2, 13)
    assert add_working_days(date(2023, 1, 2), 0) == date(2023, 1, 2)
    assert add_working_days(date(2023, 1, 2), 1) == date(2023, 1, 3)


def test_working_days_between_examples() -> None:
    assert working_days_between(date(2008, 3, 10), date(2008, 4, 23)) == 30
    assert working_days_between(date(2008, 4, 23), date(2008, 3, 10)) == -30
    assert working_days_between(date(2008, 3, 10), date(2008, 3, 10)) == 0
    # Fri 21 Mar (Good Friday) to Mon 24 Mar (Easter Monday): none.
    assert working_days_between(date(2008, 3, 20), date(2008, 3, 24)) == 0


# --- working days: properties ----------------------------------------------------------


@FAST
@given(calendar_dates, st.integers(min_value=1, max_value=400))
def test_add_working_days_lands_on_a_working_day_and_inverts(start: date, n: int) -> None:
    result = add_working_days(start, n)
    assert is_working_day(result)
    assert working_days_between(start, result) == n


@FAST
@given(calendar_dates, working_counts)
def test_add_working_days_is_strictly_increasing_in_n(start: date, n: int) -> None:
    assert add_working_days(start, n + 1) > add_working_days(start, n)


@FAST
@given(calendar_dates, calendar_dates, st.integers(min_value=0, max_value=100))
def test_add_working_days_is_monotonic_in_the_start(a: date, b: date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert add_working_days(a, n) <= add_working_days(b, n)


@FAST
@given(calendar_dates, st.sampled_from([5, 6]))
def test_weekends_are_never_working_days(day: date, weekday: int) -> None:
    saturday_or_sunday = day + timedelta(days=(weekday - day.weekday()) % 7)
    if saturday_or_sunday.year <= LAST_YEAR:
        assert not is_working_day(saturday_or_sunday)


@FAST
@given(
    st.dates(min_value=date(FIRST_YEAR, 3, 1), max_value=date(LAST_YEAR, 10, 31)),
    st.integers(min_value=-60, max_value=60),
)
def test_working_days_between_agrees_with_counting_day_by_day(a: date, offset: int) -> None:
    b = a + timedelta(days=offset)
    lo, hi = min(a, b), max(a, b)
    count = sum(is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert working_days_between(a, b) == (count if b >= a else -count)


# --- due dates -------------------------------------------------------------------------


def test_due_date_per_unit() -> None:
    letter = date(2003, 8, 5)
    assert due_date(letter, 2, "calendar-month") == date(2003, 10, 5)
    assert due_date(letter, 2, VALUE["unit-calendar-month"]) == date(2003, 10, 5)
    assert due_date(letter, 2, str(VALUE) + "unit-calendar-month") == date(2003, 10, 5)
    assert due_date(date(2008, 3, 10), 30, "working-day") == date(2008, 4, 23)
    assert due_date(letter, 10, "calendar-day") == date(2003, 8, 15)


def test_weekend_due_dates_stay_unless_rolled_forward() -> None:
    # 25 Oct 2003 + 2 months = Thursday 25 Dec 2003, Christmas Day: it stays there.
    basis = date(2003, 10, 25)
    assert due_date(basis, 2, "calendar-month") == date(2003, 12, 25)
    # Christmas Thu 25, Boxing Day Fri 26, weekend 27-28: next working day Mon 29 Dec.
    assert due_date(basis, 2, "calendar-month", roll_forward_to_working_day=True) == date(
        2003, 12, 29
    )
    saturday = date(2003, 10, 4)
    assert saturday.weekday() == 5
    assert due_date(saturday, 0, "calendar-day") == saturday
    assert due_date(saturday, 0, "calendar-day", roll_forward_to_working_day=True) == date(
        2003, 10, 6
    )


def test_deadline_is_frozen_and_stores_the_unit_word() -> None:
    deadline = Deadline(30, VALUE["unit-working-day"])
    assert deadline.unit == "working-day"
    assert deadline.due(date(2007, 12, 17)) == date(2008, 1, 31)
    with pytest.raises(AttributeError):
        deadline.amount = 31  # type: ignore[misc]


def test_days_late_is_signed() -> None:
    due = date(2003, 10, 5)
    assert days_late(due, date(2003, 10, 8)) == 3
    assert days_late(due, due) == 0
    assert days_late(due, date(2003, 9, 23)) == -12


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["same-time", "as-soon-as-practicable"])
def test_units_without_a_fixed_period_raise_a_distinct_value_error(unit: str) -> None:
    for given_unit in (unit, VALUE["unit-" + unit]):
        with pytest.raises(NoFixedPeriodError, match=unit) as info:
            due_date(date(2005, 12, 1), 0, given_unit)
        assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("unit", ["fortnight", "calendar-months", "value:unit-calendar-month"])
def test_unknown_unit_is_named(unit: str) -> None:
    with pytest.raises(ValueError, match=f"unknown deadline unit '{unit}'"):
        due_date(date(2005, 12, 1), 2, unit)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day(date(1989, 12, 29)),
        lambda: is_working_day(date(2036, 1, 2)),
        lambda: working_days_between(date(2035, 12, 1), date(2036, 1, 2)),
        lambda: due_date(date(1988, 3, 1), 30, "working-day"),
    ],
)
def test_out_of_range_dates_raise_naming_the_date(call: Callable[[], object]) -> None:
    with pytest.raises(OutsideHolidayCalendarError, match=r"(1989-12-29|2036-01-02|1988-03-01)"):
        call()


def test_counting_past_the_calendar_end_raises() -> None:
    with pytest.raises(OutsideHolidayCalendarError, match=r"2035-12-20.*2036-01-01"):
        add_working_days(date(2035, 12, 20), 30)


def test_negative_and_non_integer_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="-2"):
        add_calendar_months(date(2004, 2, 29), -2)
    with pytest.raises(ValueError, match="-1"):
        add_working_days(date(2004, 2, 27), -1)
    with pytest.raises(ValueError, match="-3"):
        due_date(date(2004, 2, 27), -3, "calendar-day")
    with pytest.raises(TypeError):
        add_calendar_months(date(2004, 2, 29), 1.5)  # type: ignore[arg-type]


def test_datetimes_are_refused() -> None:
    with pytest.raises(TypeError, match=r"datetime\.date"):
        is_working_day(datetime(2023, 1, 3, 9, 0))  # type: ignore[arg-type]
