"""Dates and financial years as papers write them (regimegraph.extract.dates)."""

from __future__ import annotations

import pytest

from regimegraph.extract.dates import find_dates, find_financial_years, parse_date


@pytest.mark.parametrize(
    ("written", "value", "precision"),
    [
        ("3rd September, 2003", "2003-09-03", "day"),
        ("3rd September 2003", "2003-09-03", "day"),
        ("Wednesday, 3rd September, 2003", "2003-09-03", "day"),
        ("Tuesday, 19 February 2008", "2008-02-19", "day"),
        ("17 JANUARY 2006", "2006-01-17", "day"),
        ("27th Oct 2008", "2008-10-27", "day"),
        ("1st of December 2005", "2005-12-01", "day"),
        ("September 3, 2003", "2003-09-03", "day"),
        ("26-Aug-03", "2003-08-26", "day"),
        ("03/09/2003", "2003-09-03", "day"),
        ("22/12/09", "2009-12-22", "day"),
        ("2003-09-03", "2003-09-03", "day"),
        ("November 2003", "2003-11", "month"),
        ("Sept. 2004", "2004-09", "month"),
    ],
)
def test_a_date_is_read_at_the_precision_written(written: str, value: str, precision: str) -> None:
    mention = parse_date(written)
    assert mention is not None, written
    assert (mention.value, mention.precision) == (value, precision)


def test_a_letter_dated_7_october_2004_gives_the_day_and_its_span() -> None:
    text = "The letter dated 7 October 2004 was received on 12 October 2004."
    found = find_dates(text)
    assert [m.value for m in found] == ["2004-10-07", "2004-10-12"]
    assert text[found[0].start : found[0].end] == "7 October 2004"


@pytest.mark.parametrize("written", ["13 December", "1st December", "13 DECEMBER"])
def test_a_day_without_a_year_is_ambiguous_not_completed(written: str) -> None:
    (mention,) = find_dates(f"presented on {written} to the panel")
    assert mention.value is None
    assert mention.precision == "ambiguous"
    assert "no year" in mention.problem


def test_an_impossible_day_is_reported_not_recorded() -> None:
    (mention,) = find_dates("met on 31 February 2004")
    assert mention.value is None
    assert "not a date" in mention.problem


def test_a_date_never_spans_lines() -> None:
    # A telephone number ending a line must not become the day of the next line's month.
    found = find_dates("Tel: 01865 815833\n\nJanuary 2006")
    assert [m.value for m in found] == ["2006-01"]


def test_a_range_of_days_gives_its_first_and_last_day() -> None:
    found = find_dates("the fieldwork ran between 9th - 20th May 2005, with interviews")
    assert [m.value for m in found] == ["2005-05-09", "2005-05-20"]


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("The 2006/7 report", "2006-2007"),
        ("for 2002/03", "2002-2003"),
        ("Annual Review of Performance 2002 \u2013 2003", "2002-2003"),
        ("the year 2008-09", "2008-2009"),
        ("performance in April 2006 to March 2007 was", "2006-2007"),
        ("1999/2000", "1999-2000"),
    ],
)
def test_financial_years(written: str, slug: str) -> None:
    assert [m.slug for m in find_financial_years(written)] == [slug]


@pytest.mark.parametrize("written", ["2004/06", "2003-2005", "between 2001 and 2002"])
def test_pairs_that_are_not_one_financial_year_are_skipped(written: str) -> None:
    assert find_financial_years(written) == []
