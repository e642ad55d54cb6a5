"""Forecasts with *prediction* intervals for future counts, by seeded simulation.

A confidence interval for the mean rate understates how far a future count may fall: the count
also varies around its mean (Poisson or negative binomial noise). Each simulation draws the
coefficients from their estimated normal distribution (parameter uncertainty), then a count from
the fitted distribution around the implied mean (process noise: Poisson, or a gamma–Poisson
mixture with variance φ·μ for quasi-Poisson).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.config import SEED
from research.trends.models import CountFit, design_matrix
from research.trends.series import DAYS_PER_YEAR, decimal_years

N_SIMULATIONS = 4000
#: Log of the largest mean count simulated (about 10^15).
MAX_LOG_MEAN = 34.5
#: Residual degrees of freedom a forecast needs: with fewer, the interval is not informative.
MIN_RESIDUAL_DF = 2


def can_forecast(fit: CountFit) -> bool:
    """Whether ``fit`` leaves enough residual degrees of freedom for a forecast to mean anything."""
    return fit.n_obs - fit.n_params >= MIN_RESIDUAL_DF


def future_periods(series: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """``horizon`` year-long periods, the first starting the day after the last observed period.

    After calendar years these are calendar years; after a fiscal year, fiscal years; after a
    year-to-date figure (January–July), August–July years.
    """
    start = series["period_end"].max() + pd.Timedelta(days=1)
    starts = [start + pd.DateOffset(years=k) for k in range(horizon)]
    ends = [s + pd.DateOffset(years=1) - pd.Timedelta(days=1) for s in starts]
    frame = pd.DataFrame({"period_start": starts, "period_end": ends})
    frame["exposure_days"] = (frame["period_end"] - frame["period_start"]).dt.days + 1
    frame["exposure_years"] = frame["exposure_days"] / DAYS_PER_YEAR
    frame["t_mid"] = decimal_years(frame["period_start"] + (frame["period_end"] - frame["period_start"]) / 2)
    return frame


def forecast(
    fit: CountFit,
    periods: pd.DataFrame,
    extra: pd.DataFrame | None = None,
    level: float = 0.95,
    n_simulations: int = N_SIMULATIONS,
    seed: int = SEED,
) -> pd.DataFrame:
    """Mean, confidence interval of the mean, and prediction interval of the count for each period.

    Parameters
    ----------
    fit
        A fitted model (:func:`research.trends.models.fit_count_model`).
    periods
        Rows with ``t_mid`` and ``exposure_years`` (see :func:`future_periods`).
    extra
        Values of the fit's break terms in those periods (e.g. 1 for a level change in force).
    level, n_simulations, seed
        Interval level; number of simulations; seed (same inputs → same numbers).

    Returns
    -------
    pandas.DataFrame
        ``periods`` with ``mean``, ``mean_low``, ``mean_high``, ``predict_low``, ``predict_high``.
    """
    rng = np.random.default_rng(seed)
    X = design_matrix(periods, fit.centre, extra)[list(fit.params.index)].to_numpy()
    offset = np.log(periods["exposure_years"].to_numpy(dtype=float))
    draws = _draw_coefficients(fit, n_simulations, rng)
    # A heavy-tailed draw can imply an absurd mean; capping it keeps the simulation finite and only
    # touches draws far beyond any reported quantile.
    mu = np.exp(np.clip(draws @ X.T + offset, None, MAX_LOG_MEAN))  # simulations × periods
    counts = _draw_counts(fit, mu, rng)
    tail = (1 - level) / 2
    result = periods.copy()
    result["mean"] = np.exp(X @ fit.params.to_numpy() + offset)
    result["mean_low"], result["mean_high"] = np.quantile(mu, [tail, 1 - tail], axis=0)
    result["predict_low"], result["predict_high"] = np.quantile(counts, [tail, 1 - tail], axis=0, method="inverted_cdf")
    return result


def _draw_coefficients(fit: CountFit, n_simulations: int, rng: np.random.Generator) -> np.ndarray:
    """Coefficient draws: normal for Poisson, multivariate t when the dispersion was estimated.

    The t matches the intervals of :meth:`CountFit.interval`, so that the forecast band is never
    narrower than the trend's own uncertainty.
    """
    shift = rng.multivariate_normal(np.zeros(len(fit.params)), fit.cov.to_numpy(), size=n_simulations, method="eigh")
    df = fit.n_obs - fit.n_params
    if fit.family != "poisson" and df > 0:
        shift = shift / np.sqrt(rng.chisquare(df, size=(n_simulations, 1)) / df)
    return fit.params.to_numpy() + shift


def _draw_counts(fit: CountFit, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if fit.family == "quasi_poisson" and fit.scale > 1:
        # A quasi-Poisson count has variance scale·μ: a gamma–Poisson mixture with that variance.
        shape = mu / (fit.scale - 1)
        return rng.poisson(rng.gamma(shape, fit.scale - 1)).astype(float)
    return rng.poisson(mu).astype(float)
