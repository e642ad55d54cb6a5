"""Survival estimates for right-, left- and interval-censored times, as result objects with ``tidy()``.

* :func:`kaplan_meier` — exact event times and right censoring: ``statsmodels``'
  ``SurvfuncRight`` (Greenwood standard errors; pointwise intervals and the median's interval on
  the log(−log) scale, Kalbfleisch & Prentice 2002). The curve starts at 1 on day 0 and stops at
  the last observed time: it is never extrapolated.
* :func:`current_status_npmle` — one check per subject, only "gone by then or not": the
  nonparametric maximum-likelihood estimate of the distribution function is the isotonic
  regression of the event indicators ordered by check time (Groeneboom & Wellner 1992,
  *Information bounds and nonparametric maximum likelihood estimation*, Prop. 1.2), computed
  with ``scipy.optimize.isotonic_regression``. It has no simple interval (it converges at rate
  n^(1/3)), so none is given; the parametric fits give one.
* :func:`interval_censored_npmle` — any mix of exact, interval- and right-censored times:
  Turnbull's self-consistency estimate (Turnbull 1976), no interval (as for current status).
* :func:`parametric_fit` — lognormal, Weibull and log-logistic models for any mix of exact,
  interval-, left- and right-censored times, fitted by maximum likelihood with ``statsmodels``'
  ``GenericLikelihoodModel`` (parameters log scale and log shape; Wald covariance from the
  numerical Hessian). Medians carry a delta-method interval; the mean and the restricted mean
  (area under the fitted curve up to a horizon, ``scipy.integrate.simpson``) are reported with AIC
  so readers can compare the models, as phishing-lifetime studies do (Moore & Clayton 2007).
* :func:`logrank` — log-rank test of equal survival between groups (``statsmodels`` ``survdiff``).

Lifelines would offer the same estimators, but its releases require pandas < 3, which this
project cannot install beside its other dependencies.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import integrate, special, stats
from scipy.optimize import isotonic_regression
from statsmodels.base.model import GenericLikelihoodModel
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.tools.numdiff import approx_fprime

#: scipy distribution of each parametric model (shape parameter first, then scale).
PARAMETRIC_MODELS: dict[str, stats.rv_continuous] = {"lognormal": stats.lognorm, "weibull": stats.weibull_min, "loglogistic": stats.fisk}
#: A parametric model needs at least this many observed (exact or bracketed) events.
MIN_EVENTS_PARAMETRIC = 5
#: Parametric models are fitted to at most this many subjects (a seeded random sample beyond).
MAX_ROWS_PARAMETRIC = 5_000
#: An exact time of 0 cannot be a lognormal, Weibull or log-logistic time: read as "within a minute".
ZERO_TIME_DAYS = 1.0 / 1440.0


# ----------------------------------------------------------------------------------------- KM
@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier fit (statsmodels' ``SurvfuncRight``) of one group."""

    fit: SurvfuncRight | None
    durations: np.ndarray
    events: np.ndarray
    alpha: float

    @property
    def last_time(self) -> float:
        return float(self.durations.max()) if len(self.durations) else np.nan

    def median(self) -> tuple[float, float, float]:
        """Median with its interval; ``NaN`` where the curve does not reach 0.5 (or a bound is open)."""
        if self.fit is None or self.events.sum() == 0:
            return np.nan, np.nan, np.nan
        median = self.fit.quantile(0.5)
        with np.errstate(divide="ignore", invalid="ignore"):
            low, high = self.fit.quantile_ci(0.5, alpha=self.alpha)
        point, lower, upper = (float(v) if v is not None and np.isfinite(v) else np.nan for v in (median, low, high))
        return point, lower, upper

    def tidy(self) -> pd.DataFrame:
        """The step curve: ``days, at_risk, removed, censored, survival, survival_low, survival_high``.

        First row day 0 (all at risk, survival 1); one row per event time; a last row at the last
        observed time when it comes after the last event (the curve is flat until then, and stops).
        """
        n = len(self.durations)
        rows = [{"days": 0.0, "at_risk": n, "removed": 0, "survival": 1.0, "survival_low": 1.0, "survival_high": 1.0}]
        if self.fit is not None and self.events.sum() > 0:
            low, high = _loglog_interval(self.fit.surv_prob, self.fit.surv_prob_se, self.alpha)
            for i, t in enumerate(self.fit.surv_times):
                rows.append(
                    {
                        "days": float(t),
                        "at_risk": int(self.fit.n_risk[i]),
                        "removed": int(self.fit.n_events[i]),
                        "survival": float(self.fit.surv_prob[i]),
                        "survival_low": float(low[i]),
                        "survival_high": float(high[i]),
                    }
                )
        last = self.last_time
        if n and last > rows[-1]["days"]:
            rows.append({**rows[-1], "days": last, "at_risk": int((self.durations >= last).sum()), "removed": 0})
        # Each censored time is counted on the step at or before it (as a life table does).
        times = np.array([r["days"] for r in rows])
        step = np.searchsorted(times, self.durations[self.events == 0], side="right") - 1
        censored = np.bincount(step, minlength=len(rows))
        for row, count in zip(rows, censored, strict=True):
            row["censored"] = int(count)
        columns = ["days", "at_risk", "removed", "censored", "survival", "survival_low", "survival_high"]
        return pd.DataFrame(rows, columns=columns).astype({"at_risk": "int64", "removed": "int64", "censored": "int64"})


def kaplan_meier(durations, events, alpha: float = 0.05) -> KaplanMeier:
    """Kaplan–Meier estimate of one group's survival (``events``: 1 = event, 0 = right-censored)."""
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=np.int64)
    fit = SurvfuncRight(durations, events) if len(durations) and events.sum() > 0 else None
    return KaplanMeier(fit, durations, events, alpha)


def _loglog_interval(surv: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval for S(t) via log(−log S): stays inside (0, 1), unlike S ± z·se."""
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / (surv * np.abs(np.log(surv)))
        low = surv ** np.exp(spread)
        high = surv ** np.exp(-spread)
    inside = (surv > 0) & (surv < 1)
    return np.where(inside, low, surv), np.where(inside, high, surv)


def logrank(durations, events, groups) -> tuple[float, int, float]:
    """Log-rank test of equal survival between groups: ``(chi2, df, p_value)``."""
    groups = np.asarray(groups)
    statistic, p_value = survdiff(np.asarray(durations, dtype=float), np.asarray(events, dtype=np.int64), groups)
    return float(statistic), int(len(np.unique(groups)) - 1), float(p_value)


# ------------------------------------------------------------------------------ current status
@dataclass(frozen=True)
class CurrentStatus:
    """NPMLE of survival from current-status data (one check each: event by then or not)."""

    check_days: np.ndarray  # distinct check times, ascending
    survival: np.ndarray  # 1 − F̂ at those times
    at_check: np.ndarray  # subjects checked at each time
    events_at_check: np.ndarray  # of which the event had happened

    @property
    def last_time(self) -> float:
        return float(self.check_days[-1]) if len(self.check_days) else np.nan

    def median(self) -> float:
        """The first check time by which the estimated share of events reaches one half (``NaN`` if never)."""
        reached = np.flatnonzero(self.survival <= 0.5)
        return float(self.check_days[reached[0]]) if len(reached) else np.nan

    def tidy(self) -> pd.DataFrame:
        """``days, checked, removed, survival`` from day 0 (survival 1) to the last check."""
        head = pd.DataFrame({"days": [0.0], "checked": [0], "removed": [0], "survival": [1.0]})
        body = pd.DataFrame({"days": self.check_days, "checked": self.at_check, "removed": self.events_at_check, "survival": self.survival})
        return pd.concat([head, body[body["days"] > 0]], ignore_index=True).astype({"checked": "int64", "removed": "int64"})


def current_status_npmle(check_days, events) -> CurrentStatus:
    """Groeneboom–Wellner NPMLE: isotonic regression of the event indicators on the check times."""
    check_days = np.asarray(check_days, dtype=float)
    events = np.asarray(events, dtype=float)
    times, inverse = np.unique(check_days, return_inverse=True)
    checked = np.bincount(inverse, minlength=len(times)).astype(np.int64)
    hits = np.bincount(inverse, weights=events, minlength=len(times))
    if not len(times):
        return CurrentStatus(times, times, checked, checked)
    share = isotonic_regression(hits / checked, weights=checked, increasing=True).x
    return CurrentStatus(times, 1.0 - share, checked, hits.astype(np.int64))


# --------------------------------------------------------------------------- interval-censored
@dataclass(frozen=True)
class IntervalCensored:
    """Turnbull's NPMLE of survival from exact, interval- and right-censored times."""

    support: np.ndarray  # candidate times, ascending (finite)
    survival: np.ndarray  # S just after each support time
    last_time: float  # the largest finite bound observed: the curve stops there
    iterations: int
    converged: bool

    def median(self) -> float:
        """The first support time at which the estimated survival is at most one half (``NaN`` if never)."""
        reached = np.flatnonzero((self.survival <= 0.5) & (self.support <= self.last_time))
        return float(self.support[reached[0]]) if len(reached) else np.nan

    def tidy(self) -> pd.DataFrame:
        """``days, survival`` from day 0 (survival 1) to the last observed bound."""
        keep = self.support <= self.last_time
        days = np.r_[0.0, self.support[keep]]
        survival = np.r_[1.0, self.survival[keep]]
        if days[-1] < self.last_time:
            days, survival = np.r_[days, self.last_time], np.r_[survival, survival[-1]]
        return pd.DataFrame({"days": days, "survival": survival}).drop_duplicates("days", keep="last").reset_index(drop=True)


#: Resolution (days) at which :func:`interval_censored_npmle` reads times: one hour.
NPMLE_RESOLUTION_DAYS = 1.0 / 24.0


def interval_censored_npmle(lower, upper, resolution: float = NPMLE_RESOLUTION_DAYS, tol: float = 1e-7, max_iter: int = 2000) -> IntervalCensored:
    """Turnbull's self-consistency (EM) estimate (Turnbull 1976, JRSS B 38) of the time distribution.

    Each time lies in ``(lower, upper]`` (``lower == upper``: exact; ``upper = inf``: right-
    censored). Mass may sit at every exact time and upper bound (a superset of Turnbull's
    innermost intervals; surplus points get no mass) and beyond the last bound. Every
    observation covers a contiguous run of candidate points, so one EM step is two cumulative
    sums over identical (run) groups, not an n × m matrix. Stops when the curve moves by less
    than ``tol`` anywhere in one step (``converged``), or after ``max_iter`` steps.

    Times are read at ``resolution`` (default one hour): a time of 3 h 20 min becomes the
    window (3 h, 4 h], a lower bound is rounded down and an upper bound up, so every window
    still holds its time. This keeps the candidate points few and the EM fast on large logs.
    """
    lower = np.floor(np.asarray(lower, dtype=float) / resolution) * resolution
    upper = np.ceil(np.asarray(upper, dtype=float) / resolution) * resolution
    exact = lower == upper
    finite_upper = upper[np.isfinite(upper)]
    support = np.unique(np.r_[lower[exact], finite_upper])
    points = np.r_[support, np.inf]  # the last point holds the mass beyond every bound
    first = np.where(exact, np.searchsorted(points, lower, side="left"), np.searchsorted(points, lower, side="right"))
    last = np.searchsorted(points, upper, side="right") - 1
    runs, weight = np.unique(np.column_stack([first, last]), axis=0, return_counts=True)
    a, b = runs[:, 0], runs[:, 1]
    m, total = len(points), float(len(lower))
    p = _starting_masses(lower, upper, points)
    converged, iteration = False, 0
    for iteration in range(1, max_iter + 1):
        cumulative = np.r_[0.0, np.cumsum(p)]
        share = weight / np.clip(cumulative[b + 1] - cumulative[a], 1e-300, None)
        spread = np.bincount(a, weights=share, minlength=m + 1) - np.bincount(b + 1, weights=share, minlength=m + 1)
        updated = p * np.cumsum(spread)[:m] / total
        change = float(np.abs(np.cumsum(updated) - cumulative[1:]).max())  # sup-norm change of the curve
        p = updated
        if change < tol:
            converged = True
            break
    survival = 1.0 - np.cumsum(p)[:-1]
    finite = np.r_[lower[np.isfinite(lower)], finite_upper]
    return IntervalCensored(support, np.clip(survival, 0.0, 1.0), float(finite.max()) if len(finite) else np.nan, iteration, converged)


def _starting_masses(lower: np.ndarray, upper: np.ndarray, points: np.ndarray) -> np.ndarray:
    """EM's start: the Kaplan–Meier jumps with each bracketed time read at its upper bound.

    Close to the answer when most times are exact, so few EM steps are needed; mixed with a
    uniform share because EM cannot give mass back to a point that starts at zero.
    """
    closed = np.isfinite(upper)
    fit = kaplan_meier(np.where(closed, upper, lower), closed.astype(np.int64))
    uniform = np.full(len(points), 1.0 / len(points))
    if fit.fit is None:
        return uniform
    position = np.searchsorted(fit.fit.surv_times, points[:-1], side="right") - 1
    survival = np.where(position >= 0, fit.fit.surv_prob[np.maximum(position, 0)], 1.0)
    masses = np.r_[1.0 - survival[0], -np.diff(survival), survival[-1]] if len(survival) else np.array([1.0])
    return 0.999 * np.clip(masses, 0.0, None) / max(masses.sum(), 1e-300) + 0.001 * uniform


# ---------------------------------------------------------------------------------- parametric
class _CensoredLikelihood(GenericLikelihoodModel):
    """Log-likelihood of exact (lower = upper), interval, left (lower = 0) and right (upper = ∞) times."""

    def __init__(self, lower: np.ndarray, upper: np.ndarray, distribution: stats.rv_continuous, **kwargs):
        self.lower, self.upper, self.distribution = lower, upper, distribution
        # exog is the log-scale's constant; the log-shape is the one extra parameter.
        super().__init__(endog=np.column_stack([lower, upper]), exog=np.ones((len(lower), 1)), extra_params_names=["log_shape"], **kwargs)
        self.exact = lower == upper
        self.right = np.isinf(upper)
        self.bracketed = ~self.exact & ~self.right

    def frozen(self, params: np.ndarray):
        return self.distribution(np.exp(params[1]), scale=np.exp(params[0]))

    def loglikeobs(self, params: np.ndarray) -> np.ndarray:
        logpdf, logsf, cdf = _CLOSED_FORMS[self.distribution.name]
        scale, shape = np.exp(params[0]), np.exp(params[1])
        out = np.empty(len(self.lower))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out[self.exact] = logpdf(self.lower[self.exact], shape, scale)
            out[self.right] = logsf(self.lower[self.right], shape, scale)
            lo, hi = self.lower[self.bracketed], self.upper[self.bracketed]
            out[self.bracketed] = np.log(np.clip(cdf(hi, shape, scale) - cdf(lo, shape, scale), 1e-300, None))
        return out


def _lognormal_z(t, s, scale):
    return (np.log(t) - np.log(scale)) / s


def _weibull_h(t, k, scale):
    return (t / scale) ** k


def _loglogistic_u(t, b, scale):
    return (t / scale) ** b


# The three models' log density, log survival and distribution function in closed form, vectorised
# (scipy's frozen distributions give the same values; calling them costs far more per likelihood
# evaluation than the arithmetic itself). Parameters as scipy's: shape first, then scale.
_CLOSED_FORMS = {
    "lognorm": (
        lambda t, s, c: -np.log(t * s * np.sqrt(2 * np.pi)) - 0.5 * _lognormal_z(t, s, c) ** 2,
        lambda t, s, c: special.log_ndtr(-_lognormal_z(t, s, c)),
        lambda t, s, c: np.where(t > 0, special.ndtr(_lognormal_z(t, s, c)), 0.0),
    ),
    "weibull_min": (
        lambda t, k, c: np.log(k / c) + (k - 1) * np.log(t / c) - _weibull_h(t, k, c),
        lambda t, k, c: -_weibull_h(t, k, c),
        lambda t, k, c: np.where(np.isinf(t), 1.0, -np.expm1(-_weibull_h(t, k, c))),
    ),
    "fisk": (
        lambda t, b, c: np.log(b / c) + (b - 1) * np.log(t / c) - 2 * np.log1p(_loglogistic_u(t, b, c)),
        lambda t, b, c: -np.log1p(_loglogistic_u(t, b, c)),
        lambda t, b, c: np.where(np.isinf(t), 1.0, _loglogistic_u(t, b, c) / (1 + _loglogistic_u(t, b, c))),
    ),
}


@dataclass(frozen=True)
class ParametricFit:
    """One parametric survival model fitted by maximum likelihood (statsmodels results inside)."""

    model: str
    result: object  # statsmodels GenericLikelihoodModelResults
    horizon: float
    alpha: float

    @property
    def distribution(self):
        return self.result.model.frozen(self.result.params)

    @property
    def aic(self) -> float:
        return float(2 * len(self.result.params) - 2 * self.result.llf)

    def median_interval(self) -> tuple[float, float, float]:
        """Median and its delta-method interval (computed on the log scale)."""
        params = np.asarray(self.result.params)

        def log_median(theta: np.ndarray) -> float:
            return float(np.log(self.result.model.frozen(theta).median()))

        centre = log_median(params)
        gradient = approx_fprime(params, log_median)
        try:
            se = float(np.sqrt(gradient @ np.asarray(self.result.cov_params()) @ gradient))
        except (np.linalg.LinAlgError, ValueError):
            se = np.nan
        z = stats.norm.ppf(1 - self.alpha / 2)
        if not np.isfinite(se):
            return float(np.exp(centre)), np.nan, np.nan
        return float(np.exp(centre)), float(np.exp(centre - z * se)), float(np.exp(centre + z * se))

    def restricted_mean(self) -> float:
        """Area under the fitted survival curve from 0 to :attr:`horizon` (days)."""
        if not np.isfinite(self.horizon) or self.horizon <= 0:
            return np.nan
        grid = np.linspace(0.0, self.horizon, 4001)  # Simpson's rule on one vectorised call of sf
        return float(integrate.simpson(self.distribution.sf(grid), x=grid))

    def tidy(self) -> pd.DataFrame:
        """One row: ``model, aic, median_days, median_low, median_high, mean_days, restricted_mean_days, horizon_days, converged``."""
        median, low, high = self.median_interval()
        mean = float(self.distribution.mean())
        return pd.DataFrame(
            [
                {
                    "model": self.model,
                    "aic": self.aic,
                    "median_days": median,
                    "median_low": low,
                    "median_high": high,
                    "mean_days": mean if np.isfinite(mean) else np.nan,
                    "restricted_mean_days": self.restricted_mean(),
                    "horizon_days": self.horizon,
                    "converged": bool(self.result.mle_retvals.get("converged", False)),
                }
            ]
        )


def parametric_fit(lower, upper, model: str = "lognormal", horizon: float | None = None, alpha: float = 0.05, seed: int = 0) -> ParametricFit | None:
    """Fit one of :data:`PARAMETRIC_MODELS` to censored times (``None`` with too few events).

    Parameters
    ----------
    lower, upper
        Each subject's time lies in ``[lower, upper]``: equal for an exact time, ``upper = inf``
        when right-censored, ``lower = 0`` when only "by then" is known.
    model
        ``"lognormal"``, ``"weibull"`` or ``"loglogistic"``.
    horizon
        Restricted-mean horizon (default: the largest finite bound).
    seed
        Seed of the sample drawn when there are more than :data:`MAX_ROWS_PARAMETRIC` subjects.
    """
    lower = np.asarray(lower, dtype=float).copy()
    upper = np.asarray(upper, dtype=float).copy()
    zero = (lower <= 0) & (upper <= 0)  # an exact time of 0: "within a minute"
    lower[zero], upper[zero] = 0.0, ZERO_TIME_DAYS
    if int(np.isfinite(upper).sum()) < MIN_EVENTS_PARAMETRIC:
        return None
    if len(lower) > MAX_ROWS_PARAMETRIC:  # the likelihood surface is settled long before: a seeded sample
        keep = np.sort(np.random.default_rng(seed).choice(len(lower), MAX_ROWS_PARAMETRIC, replace=False))
        lower, upper = lower[keep], upper[keep]
    finite = np.concatenate([lower[lower > 0], upper[np.isfinite(upper)]])
    horizon = float(finite.max()) if horizon is None else float(horizon)
    likelihood = _CensoredLikelihood(lower, upper, PARAMETRIC_MODELS[model])
    start = np.array([np.log(np.median(finite[finite > 0])) if (finite > 0).any() else 0.0, 0.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' convergence and Hessian warnings: ``converged`` and NaN intervals say it
        result = likelihood.fit(start_params=start, method="bfgs", maxiter=200, disp=False)
        if not result.mle_retvals.get("converged", False):  # a rough surface: the slower simplex, then BFGS again
            result = likelihood.fit(start_params=likelihood.fit(start_params=start, method="nm", maxiter=2000, disp=False).params, method="bfgs", maxiter=200, disp=False)
    return ParametricFit(model, result, horizon, alpha)


def parametric_fits(lower, upper, horizon: float | None = None, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Every model of :data:`PARAMETRIC_MODELS`, tidied, ordered as listed (empty with too few events)."""
    parts = [fit.tidy() for model in PARAMETRIC_MODELS if (fit := parametric_fit(lower, upper, model, horizon, alpha, seed)) is not None]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["model", "aic", "median_days", "median_low", "median_high", "mean_days", "restricted_mean_days", "horizon_days", "converged"])
    )
