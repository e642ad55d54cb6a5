"""95% intervals of the annual growth cover the truth in 93–97% of seeded simulated series.

Three kinds of series, 4–12 points each: Poisson annual counts, negative binomial annual counts
(NB2, α = 0.05), and mixed-length pieces (three annual totals, then short pieces of 8–60 days in
the fourth year) whose days are overdispersed (variance 3 × mean). Each kind has
:data:`N_SERIES` series; all of one length are fitted at once by
:func:`research.trends.models.quasi_poisson_batch`, which :func:`test_batch_fit_equals_statsmodels`
checks against the statsmodels fit that the trends stage publishes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.trends.models import fit_count_model, quasi_poisson_batch

N_SERIES = 1800  # per kind: coverage's standard error is then 0.5 points
LENGTHS = np.arange(4, 13)
GROWTH = 1.15
DAYS_PER_YEAR = 365.25


def annual_design(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mid-year times (decimal years from the first) and exposures of ``n`` calendar years."""
    return np.arange(n) + 0.5, np.ones(n)


def mixed_design(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three annual totals, then ``n − 3`` consecutive pieces of 8–60 days in the fourth year."""
    days = rng.integers(8, 61, size=n - 3)
    starts = 3 + np.r_[0, np.cumsum(days)[:-1]] / DAYS_PER_YEAR
    t = np.r_[np.arange(3) + 0.5, starts + days / DAYS_PER_YEAR / 2]
    return t, np.r_[np.ones(3), days / DAYS_PER_YEAR]


def draw(kind: str, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if kind == "poisson":
        return rng.poisson(mu)
    if kind == "negative_binomial":
        alpha = 0.05
        return rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    phi = 3.0  # day-level overdispersion: a sum over days has variance φ·μ (an NB1 count)
    return rng.negative_binomial(mu / (phi - 1), 1 / phi)


def coverage(kind: str, seed: int, base: float) -> tuple[float, int]:
    """Share of 95% intervals covering log(GROWTH), and how many series had one."""
    rng = np.random.default_rng(seed)
    covered = total = 0
    for n in LENGTHS:
        k = N_SERIES // len(LENGTHS)
        if kind == "mixed":
            designs = [mixed_design(n, rng) for _ in range(k)]
            t = np.stack([d[0] for d in designs])
            exposure = np.stack([d[1] for d in designs])
        else:
            t0, e0 = annual_design(n)
            t, exposure = np.tile(t0, (k, 1)), np.tile(e0, (k, 1))
        mu = base * exposure * GROWTH**t
        y = draw(kind, mu, rng)
        X = np.stack([np.ones_like(t), t - t.mean(axis=1, keepdims=True)], axis=-1)
        fit = quasi_poisson_batch(y, X, np.log(exposure))
        _, low, high = fit.interval(1)
        covered += int(((low <= np.log(GROWTH)) & (np.log(GROWTH) <= high)).sum())
        total += k
    return covered / total, total


@pytest.mark.parametrize(("kind", "seed", "base"), [("poisson", 11, 30.0), ("negative_binomial", 12, 60.0), ("mixed", 13, 200.0)])
def test_intervals_cover_in_93_to_97_percent(kind, seed, base):
    share, total = coverage(kind, seed, base)
    assert total >= 300
    assert 0.93 <= share <= 0.97, f"{kind}: coverage {share:.3f}"


def test_normal_quantiles_would_undercover_short_series():
    # Why t quantiles on the residual df: with 4 points (2 df) normal quantiles cover far too rarely.
    rng = np.random.default_rng(5)
    t0, _ = annual_design(4)
    y = rng.poisson(30 * GROWTH**np.tile(t0, (2000, 1)))
    X = np.c_[np.ones(4), t0 - t0.mean()]
    fit = quasi_poisson_batch(y, X, np.zeros_like(y, dtype=float))
    se = np.sqrt(fit.cov[:, 1, 1])
    normal = np.abs(fit.params[:, 1] - np.log(GROWTH)) <= 1.96 * se
    assert normal.mean() < 0.90


def test_batch_fit_equals_statsmodels():
    rng = np.random.default_rng(3)
    t, exposure = mixed_design(8, rng)
    y = draw("mixed", 200 * exposure * GROWTH**t, rng)
    series = pd.DataFrame({"count": y, "exposure_years": exposure, "t_mid": 2020 + t})
    fit = fit_count_model(series)
    X = np.c_[np.ones(8), t - t.mean()]
    batch = quasi_poisson_batch(y[None, :], X, np.log(exposure)[None, :])
    assert batch.params[0] == pytest.approx(fit.params.to_numpy(), rel=1e-8)
    assert batch.scale[0] == pytest.approx(fit.scale, rel=1e-8)
    _, low, high = batch.interval(1)
    assert (low[0], high[0]) == pytest.approx(fit.interval("t")[1:], rel=1e-8)


def test_no_interval_without_residual_degrees_of_freedom():
    fit = fit_count_model(pd.DataFrame({"count": [10, 30], "exposure_years": 1.0, "t_mid": [2020.5, 2021.5]}))
    estimate, low, high = fit.interval("t")
    assert estimate == pytest.approx(np.log(3))
    assert np.isnan(low) and np.isnan(high)
