"""Count models recover known growth, and their 95% intervals cover the truth about 95% of the time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.trends.models import fit_count_model

N_SIMULATIONS = 300
TRUE_GROWTH = 1.25


def simulated(rng: np.random.Generator, n: int, base: float, alpha: float | None) -> pd.DataFrame:
    t = 2015.5 + np.arange(n)
    mu = base * TRUE_GROWTH ** np.arange(n)
    counts = rng.poisson(mu) if alpha is None else rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return pd.DataFrame({"count": counts, "exposure_years": 1.0, "t_mid": t})


def coverage(alpha: float | None, n: int, base: float, seed: int) -> tuple[float, float, dict]:
    rng = np.random.default_rng(seed)
    covered, slopes, families = 0, [], {}
    for _ in range(N_SIMULATIONS):
        fit = fit_count_model(simulated(rng, n, base, alpha))
        estimate, low, high = fit.interval("t")
        covered += low <= np.log(TRUE_GROWTH) <= high
        slopes.append(estimate)
        families[fit.family] = families.get(fit.family, 0) + 1
    return covered / N_SIMULATIONS, float(np.exp(np.mean(slopes))), families


def test_poisson_series_growth_recovered_and_intervals_cover():
    share, growth, families = coverage(alpha=None, n=8, base=40, seed=1)
    assert 0.90 <= share <= 0.99
    assert growth == pytest.approx(TRUE_GROWTH, rel=0.02)
    assert families == {"quasi_poisson": N_SIMULATIONS}  # one rule for every series: no pre-test


def test_overdispersed_series_growth_recovered_and_intervals_cover():
    share, growth, _ = coverage(alpha=0.1, n=10, base=40, seed=2)
    assert 0.90 <= share <= 0.99
    assert growth == pytest.approx(TRUE_GROWTH, rel=0.03)


def test_fit_keeps_the_statsmodels_result():
    series = simulated(np.random.default_rng(4), 6, 40, 0.1)
    fit = fit_count_model(series)
    assert fit.result.use_t and fit.result.df_resid == 4
    assert fit.scale == pytest.approx(fit.result.pearson_chi2 / 4)
    assert fit.interval("t")[1:] == pytest.approx(tuple(fit.result.conf_int()[1]))


def test_poisson_intervals_alone_would_be_too_narrow_for_overdispersed_data():
    # Why the overdispersion check matters: forcing Poisson on the same data undercovers badly.
    rng = np.random.default_rng(2)
    covered = 0
    for _ in range(100):
        _, low, high = fit_count_model(simulated(rng, 10, 40, 0.1), family="poisson").interval("t")
        covered += low <= np.log(TRUE_GROWTH) <= high
    assert covered < 80


def test_exposure_offset_makes_partial_periods_comparable():
    # 100 a year throughout, with the last period a 7-month year-to-date: no growth.
    series = pd.DataFrame({"count": [100, 100, 100, 58], "exposure_years": [1, 1, 1, 212 / 365.25], "t_mid": [2020.5, 2021.5, 2022.5, 2023.29]})
    fit = fit_count_model(series)
    assert np.exp(fit.params["t"]) == pytest.approx(1.0, abs=0.01)


def test_dispersion_test_reports_not_testable_with_two_points():
    fit = fit_count_model(pd.DataFrame({"count": [10, 30], "exposure_years": 1.0, "t_mid": [2020.5, 2021.5]}))
    assert fit.dispersion_test == "not_testable"
    assert not fit.estimable and np.isnan(fit.critical_value())  # no normal fallback at 0 df
