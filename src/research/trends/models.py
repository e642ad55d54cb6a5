"""Log-linear count models with an exposure offset: Poisson, checked for overdispersion.

The model is ``log E[count] = log(exposure_years) + b0 + b1·(t − centre) [+ break terms]``, so
``exp(b1)`` is the annual growth factor of the *rate per year*, whatever the length of each period
(calendar years, Jan–Jul, half-years and fiscal years are all comparable). A Poisson fit is tried
first; if its Pearson χ²/df is larger than chance allows (p < 0.05), a negative binomial (NB2) with
the dispersion estimated by maximum likelihood replaces it. If that does not converge, a
quasi-Poisson fit (Poisson with the Pearson scale) is used. The choice is always reported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

#: Pearson χ²/df test level above which a Poisson model is judged overdispersed.
OVERDISPERSION_ALPHA = 0.05


@dataclass(frozen=True)
class CountFit:
    """A fitted count model and the facts needed to report it.

    Attributes
    ----------
    family
        ``poisson``, ``negative_binomial`` or ``quasi_poisson``.
    params, cov
        Coefficients (``const``, ``t`` and any break terms) and their covariance; for the negative
        binomial the dispersion is kept apart in ``alpha``.
    alpha, alpha_se
        NB2 dispersion (variance = μ + α μ²) and its standard error; ``nan`` otherwise.
    scale
        Quasi-Poisson scale (Pearson χ²/df); 1 otherwise.
    dispersion_ratio, dispersion_p, dispersion_test
        Pearson χ²/df of the Poisson fit, its p-value, and ``ok``, ``overdispersed`` or
        ``not_testable`` (no residual degrees of freedom).
    centre
        Decimal year subtracted from ``t_mid`` before fitting.
    """

    family: str
    params: pd.Series
    cov: pd.DataFrame
    alpha: float
    alpha_se: float
    scale: float
    dispersion_ratio: float
    dispersion_p: float
    dispersion_test: str
    loglik: float
    n_obs: int
    df_resid: int
    centre: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_params(self) -> int:
        """Estimated parameters, the NB dispersion included."""
        return len(self.params) + (1 if self.family == "negative_binomial" else 0)

    @property
    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.n_params

    @property
    def bic(self) -> float:
        return -2 * self.loglik + np.log(self.n_obs) * self.n_params

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float, float]:
        """Estimate and Wald interval of one coefficient on the log scale."""
        estimate = float(self.params[name])
        se = float(np.sqrt(self.cov.loc[name, name]))
        q = self.critical_value(level)
        return estimate, estimate - q * se, estimate + q * se

    def critical_value(self, level: float = 0.95) -> float:
        """Normal quantile for Poisson; Student t on the residual df when dispersion was estimated.

        Estimating the dispersion from a handful of points makes Wald intervals too narrow with
        normal quantiles (coverage near 90% with ten points in our simulations); the t quantile
        is the usual small-sample correction for quasi-likelihood and brings it back to ~95%.
        """
        df = self.n_obs - self.n_params
        if self.family == "poisson" or df <= 0:
            return float(stats.norm.ppf(0.5 + level / 2))
        return float(stats.t.ppf(0.5 + level / 2, df))

    def p_value(self, name: str) -> float:
        """Two-sided Wald p-value of one coefficient being zero."""
        se = float(np.sqrt(self.cov.loc[name, name]))
        if not se > 0:
            return float("nan")
        statistic = abs(float(self.params[name])) / se
        df = self.n_obs - self.n_params
        if self.family == "poisson" or df <= 0:
            return float(2 * stats.norm.sf(statistic))
        return float(2 * stats.t.sf(statistic, df))


def design_matrix(series: pd.DataFrame, centre: float, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Intercept, centred time in years, and optional extra columns (break terms)."""
    design = pd.DataFrame({"const": 1.0, "t": series["t_mid"].to_numpy() - centre}, index=series.index)
    if extra is not None:
        design = pd.concat([design, extra.set_axis(series.index)], axis=1)
    return design


def fit_count_model(
    series: pd.DataFrame,
    extra: pd.DataFrame | None = None,
    centre: float | None = None,
    family: str = "auto",
) -> CountFit:
    """Fit the log-linear model to one prepared series (see :func:`research.trends.series.prepare_series`).

    Parameters
    ----------
    series
        Rows with ``count``, ``exposure_years`` and ``t_mid``.
    extra
        Extra design columns (level or slope changes at a break).
    centre
        Decimal year to centre time on (default: the mean of ``t_mid``).
    family
        ``auto`` (Poisson, or negative binomial when overdispersed), or force ``poisson``,
        ``negative_binomial`` or ``quasi_poisson``.

    Returns
    -------
    CountFit
    """
    centre = float(series["t_mid"].mean()) if centre is None else centre
    X = design_matrix(series, centre, extra)
    y = series["count"].to_numpy(dtype=float)
    offset = np.log(series["exposure_years"].to_numpy(dtype=float))
    poisson = _fit_poisson(y, X, offset)
    df_resid = int(len(y) - X.shape[1])
    chi2 = float(poisson.pearson_chi2)
    if df_resid > 0:
        ratio = chi2 / df_resid
        p = float(stats.chi2.sf(chi2, df_resid))
        test = "overdispersed" if p < OVERDISPERSION_ALPHA else "ok"
    else:
        ratio, p, test = float("nan"), float("nan"), "not_testable"
    common = dict(dispersion_ratio=ratio, dispersion_p=p, dispersion_test=test, n_obs=len(y), df_resid=df_resid, centre=centre)
    wanted = family if family != "auto" else ("negative_binomial" if test == "overdispersed" else "poisson")
    notes: list[str] = []
    if wanted == "negative_binomial":
        nb = _fit_negative_binomial(y, X, offset, poisson.params)
        if nb is not None:
            names = list(X.columns)
            cov = pd.DataFrame(nb.cov_params(), index=names + ["alpha"], columns=names + ["alpha"])
            return CountFit(
                family="negative_binomial",
                params=pd.Series(nb.params[: len(names)], index=names),
                cov=cov.loc[names, names],
                alpha=float(nb.params[-1]),
                alpha_se=float(np.sqrt(cov.loc["alpha", "alpha"])),
                scale=1.0,
                loglik=float(nb.llf),
                notes=tuple(notes),
                **common,
            )
        notes.append("negative binomial did not converge; quasi-Poisson used")
        wanted = "quasi_poisson"
    params = pd.Series(np.asarray(poisson.params), index=X.columns)
    cov = pd.DataFrame(np.asarray(poisson.cov_params()), index=X.columns, columns=X.columns)
    scale = 1.0
    if wanted == "quasi_poisson" and df_resid > 0:
        scale = max(chi2 / df_resid, 1.0)
        cov = cov * scale
    return CountFit(
        family=wanted,
        params=params,
        cov=cov,
        alpha=float("nan"),
        alpha_se=float("nan"),
        scale=scale,
        loglik=float(poisson.llf),
        notes=tuple(notes),
        **common,
    )


def _fit_poisson(y: np.ndarray, X: pd.DataFrame, offset: np.ndarray):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(y, X.to_numpy(), family=sm.families.Poisson(), offset=offset).fit()


def _fit_negative_binomial(y: np.ndarray, X: pd.DataFrame, offset: np.ndarray, start: np.ndarray):
    """NB2 by maximum likelihood, or ``None`` when the optimiser fails (too few points, α → 0)."""
    model = sm.NegativeBinomial(y, X.to_numpy(), loglike_method="nb2", offset=offset)
    # Start from the Poisson slope and a moment estimate of α: saves iterations and failures.
    mu = np.exp(X.to_numpy() @ np.asarray(start) + offset)
    alpha0 = max(float(np.mean(((y - mu) ** 2 - y) / mu**2)), 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = model.fit(start_params=np.append(np.asarray(start), alpha0), disp=0, maxiter=300, method="bfgs")
            result = model.fit(start_params=result.params, disp=0, maxiter=100, method="newton")
        except (np.linalg.LinAlgError, ValueError, OverflowError):
            return None
    cov = np.asarray(result.cov_params())
    if not result.mle_retvals.get("converged", False) or not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
        return None
    if not np.isfinite(result.params[-1]) or result.params[-1] <= 0:
        return None
    return result
