"""Forecasts give prediction intervals for counts, wider than the mean's interval, reproducibly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.trends.forecast import can_forecast, forecast, future_periods
from research.trends.models import fit_count_model
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series


def test_future_periods_are_years_from_the_day_after_the_last_period():
    calendar = future_periods(prepare_series(make_series([100, 120, 130], first_year=2022)), 2)
    assert calendar["period_start"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-01", "2026-01-01"]
    assert calendar["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-31", "2026-12-31"]
    # 2022, 2023, then January–July 2024 (213 days): August–July years follow.
    series = prepare_series(make_series([100, 120, 80], exposure_days=[365, 365, 213], first_year=2022))
    periods = future_periods(series, 2)
    assert periods["period_start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-08-01", "2025-08-01"]
    assert periods["exposure_days"].tolist() == [365, 365]


def test_prediction_interval_contains_mean_interval_and_is_reproducible():
    series = prepare_series(make_series([40, 52, 61, 80, 96, 118]))
    fit = fit_count_model(series)
    first = forecast(fit, future_periods(series, 2), n_simulations=2000, seed=7)
    again = forecast(fit, future_periods(series, 2), n_simulations=2000, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert (first["predict_low"] <= first["mean_low"]).all()
    assert (first["predict_high"] >= first["mean_high"]).all()
    assert (first["predict_high"] > first["predict_low"]).all()


def test_one_step_prediction_intervals_cover_new_counts():
    rng = np.random.default_rng(11)
    covered, trials = 0, 150
    for _ in range(trials):
        counts = rng.poisson(30 * 1.2 ** np.arange(7))
        series = prepare_series(make_series(counts[:6]))
        result = forecast(fit_count_model(series), future_periods(series, 1), n_simulations=1000, seed=1)
        covered += result["predict_low"].iloc[0] <= counts[6] <= result["predict_high"].iloc[0]
    assert 0.88 <= covered / trials <= 1.0


def test_no_forecast_without_residual_degrees_of_freedom():
    fit = fit_count_model(prepare_series(make_series([156, 160, 180])))
    assert fit.df_resid == 1
    assert not can_forecast(fit)
