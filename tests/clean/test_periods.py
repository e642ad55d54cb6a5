"""Periods, fiscal years, eras, year-to-date releases and exposure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from research.clean.periods import Period, classify_period, exposure_days, parse_loose_date, parse_period
from research.errors import ParseError


def test_japanese_fiscal_years_and_eras():
    assert parse_period("FY2023") == Period(date(2023, 4, 1), date(2024, 3, 31))
    assert parse_period("令和3年度") == Period(date(2021, 4, 1), date(2022, 3, 31))
    assert parse_period("令和元年") == Period(date(2019, 1, 1), date(2019, 12, 31))
    assert parse_period("平成26年") == Period(date(2014, 1, 1), date(2014, 12, 31))
    assert classify_period(date(2023, 4, 1), date(2024, 3, 31), "JP") == "fiscal_year_jp"
    assert classify_period(date(2023, 4, 1), date(2024, 3, 31), "GB") == "other"


def test_half_years_quarters_months_ytd():
    assert parse_period("2024H2") == Period(date(2024, 7, 1), date(2024, 12, 31))
    assert parse_period("2024Q1") == Period(date(2024, 1, 1), date(2024, 3, 31))
    assert parse_period("YTD 2024-07-31") == Period(date(2024, 1, 1), date(2024, 7, 31))
    assert classify_period(date(2024, 1, 1), date(2024, 6, 30)) == "half_year"
    assert classify_period(date(2024, 8, 1), date(2024, 8, 31)) == "month"
    assert classify_period(date(2024, 1, 1), date(2024, 7, 31)) == "year_to_date"
    assert classify_period(date(2019, 4, 1), date(2025, 3, 31)) == "multi_year"


def test_exposure_counts_both_ends():
    assert exposure_days(date(2024, 1, 1), date(2024, 12, 31)) == 366
    assert Period(date(2024, 8, 28), date(2024, 8, 28)).exposure_days == 1


def test_reversed_and_bad_periods_raise():
    with pytest.raises(ParseError, match="before it starts"):
        Period(date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(ParseError):
        parse_period("sometime")
    with pytest.raises(ParseError):
        parse_loose_date("2024-13")


def test_loose_source_dates():
    assert parse_loose_date("2025 (repo snapshot)") == (date(2025, 1, 1), date(2025, 12, 31))
    assert parse_loose_date("2024-08") == (date(2024, 8, 1), date(2024, 8, 31))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=0, max_value=4000))
def test_interval_round_trip_and_exposure(start, length):
    end = start + timedelta(days=length)
    period = parse_period(f"{start.isoformat()}/{end.isoformat()}")
    assert period == Period(start, end)
    assert period.exposure_days == length + 1
    assert classify_period(start, end) in {
        "calendar_year", "half_year", "quarter", "month", "year_to_date", "multi_year", "other"}


@given(st.integers(min_value=1990, max_value=2040))
def test_fiscal_year_is_365_or_366_days(year):
    period = parse_period(f"FY{year}")
    assert period.exposure_days in (365, 366)
    assert classify_period(period.start, period.end, "JP") == "fiscal_year_jp"
