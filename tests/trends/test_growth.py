"""Closed-form cross-checks on the real KNPA figures, Mann–Kendall, Sen's slope and doubling time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.errors import InputError
from research.trends.growth import annual_growth, evidence_note, mann_kendall, rate_ratio
from research.trends.models import fit_count_model
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series

# KNPA deepfake sex crime cases: 156 in 2021 (F0143) and 297 in January–July 2024 (F0157).
CASES_2021, DAYS_2021 = 156, 365
CASES_2024_JAN_JUL, DAYS_2024_JAN_JUL = 297, 213


def knpa_two_periods() -> pd.DataFrame:
    rows = make_series([CASES_2021, CASES_2024_JAN_JUL])
    rows["period_start"] = ["2021-01-01", "2024-01-01"]
    rows["period_end"] = ["2021-12-31", "2024-07-31"]
    return prepare_series(rows)


def test_rate_ratio_is_ratio_of_counts_per_day():
    result = rate_ratio(CASES_2021, DAYS_2021, CASES_2024_JAN_JUL, DAYS_2024_JAN_JUL)
    assert result.ratio == pytest.approx((297 / 213) / (156 / 365))
    assert result.ratio == pytest.approx(3.2625, abs=1e-4)
    assert result.low < result.ratio < result.high
    assert result.low > 1  # the daily rate rose, more than "297 vs 156" suggests


def test_rate_ratio_interval_matches_log_normal_approximation_for_large_counts():
    result = rate_ratio(10_000, 365, 12_000, 365)
    half_width = 1.96 * np.sqrt(1 / 10_000 + 1 / 12_000)
    assert np.log(result.low) == pytest.approx(np.log(1.2) - half_width, abs=2e-3)
    assert np.log(result.high) == pytest.approx(np.log(1.2) + half_width, abs=2e-3)


def test_two_point_poisson_slope_is_log_rate_ratio_over_time_between_midpoints():
    series = knpa_two_periods()
    fit = fit_count_model(series, family="poisson")
    ratio = rate_ratio(CASES_2021, DAYS_2021, CASES_2024_JAN_JUL, DAYS_2024_JAN_JUL).ratio
    years_between = series["t_mid"].iloc[1] - series["t_mid"].iloc[0]
    # Rates per year use 365.25-day years, rates per day use days: the ratio is the same.
    assert fit.params["t"] * years_between == pytest.approx(np.log(ratio), rel=1e-6)
    assert fit.family == "poisson"


def test_two_point_poisson_standard_error_is_the_closed_form():
    fit = fit_count_model(knpa_two_periods(), family="poisson")
    series = knpa_two_periods()
    years_between = series["t_mid"].iloc[1] - series["t_mid"].iloc[0]
    expected = np.sqrt(1 / CASES_2021 + 1 / CASES_2024_JAN_JUL) / years_between
    assert np.sqrt(fit.cov.loc["t", "t"]) == pytest.approx(expected, rel=1e-4)


def test_rate_ratio_refuses_bad_input():
    with pytest.raises(InputError, match="exposure must be positive"):
        rate_ratio(10, 0, 12, 365)
    with pytest.raises(InputError, match="whole number"):
        rate_ratio(-1, 365, 12, 365)
    with pytest.raises(InputError, match="no counts"):
        rate_ratio(0, 365, 12, 365)


def test_annual_growth_and_doubling_time_from_a_known_slope():
    # Exactly doubling each year: growth factor 2, doubling time 1 year.
    series = prepare_series(make_series([100, 200, 400, 800]))
    growth = annual_growth(fit_count_model(series, family="poisson"))
    assert growth.factor == pytest.approx(2.0, rel=0.01)
    assert growth.percent == pytest.approx(100, rel=0.02)
    assert growth.doubling_time_years == pytest.approx(1.0, rel=0.02)
    assert growth.doubling_low < growth.doubling_time_years < growth.doubling_high
    assert not growth.includes_no_change


def test_doubling_time_interval_is_open_when_no_change_is_possible():
    series = prepare_series(make_series([20, 19, 24]))
    growth = annual_growth(fit_count_model(series))
    assert growth.includes_no_change
    assert growth.doubling_high == float("inf")


def test_mann_kendall_and_sen_slope_by_hand():
    # Rates 10, 20, 15, 40: pairs up 5, down 1 → S = 4; slopes 10, 2.5, 10, -5, 10, 25 → median 10.
    series = prepare_series(make_series([10, 20, 15, 40], exposure_days=[365.25] * 4))
    series["exposure_years"] = 1.0
    result = mann_kendall(series)
    assert result.s == 4
    assert result.sen_slope == pytest.approx(10.0, rel=0.01)
    assert result.p == pytest.approx(1 / 3)  # exact: 4 of 24 orderings have S >= 4, two-sided 8/24


def test_three_points_are_flagged_as_weak_evidence():
    series = prepare_series(make_series([10, 30, 90]))
    result = mann_kendall(series)
    assert result.p == pytest.approx(1 / 3)
    assert result.smallest_possible_p == pytest.approx(1 / 3)
    assert evidence_note(3) == "few_points"
    assert evidence_note(4) == ""
