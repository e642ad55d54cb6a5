"""Log-linear count models with an exposure offset, overdispersion by the quasi-Poisson scale.

The model is ``log E[count] = log(exposure_years) + b0 + b1·(t − centre) [+ break terms]``, so
``exp(b1)`` is the annual growth factor of the *rate per year*, whatever the length of each period
(calendar years, Jan–Jul, 11-day pieces and fiscal years are all comparable).

Overdispersion is handled by quasi-likelihood (McCullagh & Nelder 1989, §4.5 and ch. 9): the
variance is ``φ·μ`` with ``φ`` estimated from the Pearson χ² on the residual degrees of freedom,
and every interval uses Student-t quantiles on those degrees of freedom. A variance proportional
to the mean is what a count summed over days has when the days are overdispersed, so it holds
alike for annual totals and 11-day pieces; a negative binomial (``μ + αμ²``) with one ``α`` does
not (it makes a year's total far noisier, relative to its mean, than an 11-day piece). With no
residual degree of freedom there is no estimate of ``φ`` and no interval at all — never a normal
fallback. The fit itself is a statsmodels GLM; :class:`CountFit` keeps its result object.

:func:`quasi_poisson_batch` fits the same model to many series or designs at once (numpy IRLS); the
joinpoint search and the coverage simulations use it, and a test checks it against statsmodels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

#: Pearson χ²/df test level above which a series is reported as overdispersed (informative only:
#: the quasi-Poisson scale is used whatever the test says, so no pre-test biases the intervals).
OVERDISPERSION_ALPHA = 0.05
FAMILIES = ("quasi_poisson", "poisson")


@dataclass(frozen=True)
class CountFit:
    """A fitted count model: the statsmodels GLM result and the facts needed to report it.

    Attributes
    ----------
    result
        The statsmodels ``GLMResults`` (Poisson family; for ``quasi_poisson`` fitted with
        ``scale="X2"`` and ``use_t=True``, so ``conf_int``, ``bse`` and ``pvalues`` are the
        quasi-likelihood ones).
    family
        ``quasi_poisson`` (default) or ``poisson``.
    names
        Design column names (``const``, ``t`` and any break terms).
    dispersion_ratio, dispersion_p, dispersion_test
        Pearson χ²/df, its p-value under Poisson, and ``ok``, ``overdispersed`` or ``not_testable``
        (no residual degrees of freedom).
    centre
        Decimal year subtracted from ``t_mid`` before fitting.
    """

    result: object
    family: str
    names: tuple[str, ...]
    dispersion_ratio: float
    dispersion_p: float
    dispersion_test: str
    centre: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def params(self) -> pd.Series:
        return pd.Series(np.asarray(self.result.params), index=list(self.names))

    @property
    def cov(self) -> pd.DataFrame:
        """Covariance of the coefficients (scaled by ``φ`` for quasi-Poisson; ``nan`` at 0 df)."""
        cov = np.asarray(self.result.cov_params()) if self.estimable else np.full((len(self.names),) * 2, np.nan)
        return pd.DataFrame(cov, index=list(self.names), columns=list(self.names))

    @property
    def n_obs(self) -> int:
        return int(self.result.nobs)

    @property
    def df_resid(self) -> int:
        return int(round(self.result.df_resid))

    @property
    def n_params(self) -> int:
        return len(self.names)

    @property
    def scale(self) -> float:
        return float(self.result.scale) if self.estimable else float("nan")

    @property
    def estimable(self) -> bool:
        """Whether intervals exist: Poisson always; quasi-Poisson needs ≥ 1 residual df for ``φ``."""
        return self.family == "poisson" or self.df_resid > 0

    @property
    def alpha(self) -> float:
        """No negative binomial dispersion is estimated (kept for the ``nb_alpha`` column)."""
        return float("nan")

    @property
    def loglik(self) -> float:
        """Poisson log-likelihood at the estimates (a quasi-likelihood has none of its own)."""
        return float(self.result.llf)

    @property
    def deviance(self) -> float:
        return float(self.result.deviance)

    @property
    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.n_params

    @property
    def bic(self) -> float:
        return -2 * self.loglik + np.log(self.n_obs) * self.n_params

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float, float]:
        """Estimate and interval of one coefficient on the log scale (``nan`` bounds at 0 df)."""
        i = self.names.index(name)
        estimate = float(self.params.iloc[i])
        if not self.estimable:
            return estimate, float("nan"), float("nan")
        low, high = np.asarray(self.result.conf_int(alpha=1 - level))[i]
        return estimate, float(low), float(high)

    def critical_value(self, level: float = 0.95) -> float:
        """The quantile the intervals use: t on the residual df (quasi-Poisson) or normal (Poisson)."""
        if self.family == "poisson":
            return float(stats.norm.ppf(0.5 + level / 2))
        return float(stats.t.ppf(0.5 + level / 2, self.df_resid)) if self.df_resid > 0 else float("nan")

    def p_value(self, name: str) -> float:
        """Two-sided Wald p-value of one coefficient being zero (t on the residual df when quasi)."""
        if not self.estimable:
            return float("nan")
        return float(np.asarray(self.result.pvalues)[self.names.index(name)])

    def contrast(self, weights: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
        """Estimate and interval of ``weights · params`` (e.g. the slope of a later joinpoint segment)."""
        weights = np.asarray(weights, dtype=float)
        estimate = float(weights @ self.params.to_numpy())
        if not self.estimable:
            return estimate, float("nan"), float("nan")
        low, high = np.asarray(self.result.t_test(weights[None, :]).conf_int(alpha=1 - level))[0]
        return estimate, float(low), float(high)


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
    family: str = "quasi_poisson",
    df_resid: int | None = None,
) -> CountFit:
    """Fit the log-linear model to one prepared series (see :func:`research.trends.series.prepare_series`).

    Parameters
    ----------
    series
        Rows with ``count``, ``exposure_years`` and ``t_mid``.
    extra
        Extra design columns (level or slope changes, joinpoint hinges).
    centre
        Decimal year to centre time on (default: the mean of ``t_mid``).
    family
        ``quasi_poisson`` (default) or ``poisson`` (variance = mean, normal quantiles).
    df_resid
        Residual degrees of freedom to use instead of ``n − columns`` (a joinpoint model also
        spends one per estimated joinpoint location).

    Returns
    -------
    CountFit
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, not {family!r}")
    centre = float(series["t_mid"].mean()) if centre is None else centre
    X = design_matrix(series, centre, extra)
    y = series["count"].to_numpy(dtype=float)
    offset = np.log(series["exposure_years"].to_numpy(dtype=float))
    model = GLM(y, X.to_numpy(dtype=float), family=families.Poisson(), offset=offset)
    if df_resid is not None:
        model.df_resid = float(df_resid)
    df = int(round(model.df_resid))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit()
        chi2 = float(result.pearson_chi2)
        if family == "quasi_poisson" and df > 0:
            # φ = Pearson χ² / df (statsmodels' scale="X2"), fixed after the Poisson fit so that a
            # series fitted exactly (χ² = 0) does not stop the optimiser.
            result = model.fit(start_params=result.params, scale=max(chi2 / df, 1e-12), use_t=True)
    if df > 0:
        ratio, p = chi2 / df, float(stats.chi2.sf(chi2, df))
        test = "overdispersed" if p < OVERDISPERSION_ALPHA else "ok"
    else:
        ratio, p, test = float("nan"), float("nan"), "not_testable"
    return CountFit(result, family, tuple(X.columns), ratio, p, test, centre)


@dataclass(frozen=True)
class BatchFit:
    """Quasi-Poisson fits of many series at once: arrays with a leading batch axis."""

    params: np.ndarray  # (B, p)
    cov: np.ndarray  # (B, p, p), scaled by φ
    scale: np.ndarray  # (B,)
    deviance: np.ndarray  # (B,)
    df_resid: int

    def interval(self, column: int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Estimate and t interval (on ``df_resid``) of one coefficient in every fit."""
        estimate = self.params[:, column]
        if self.df_resid <= 0:
            nan = np.full_like(estimate, np.nan)
            return estimate, nan, nan
        half = stats.t.ppf(0.5 + level / 2, self.df_resid) * np.sqrt(self.cov[:, column, column])
        return estimate, estimate - half, estimate + half


def quasi_poisson_batch(y: np.ndarray, X: np.ndarray, offset: np.ndarray, df_resid: int | None = None, iterations: int = 30) -> BatchFit:
    """Fit ``log μ = offset + X·b`` with variance ``φμ`` to a batch of series by IRLS.

    Parameters
    ----------
    y, offset
        ``(B, n)`` counts and log exposures.
    X
        ``(n, p)`` one design for all, or ``(B, n, p)`` one design per fit.
    df_resid
        Residual degrees of freedom for ``φ`` (default ``n − p``).
    iterations
        Newton steps (the log link is canonical, so IRLS is Newton's method; 30 is ample).

    Returns
    -------
    BatchFit
        The same estimates as ``statsmodels`` ``GLM(..., Poisson).fit(scale="X2")``.
    """
    y = np.asarray(y, dtype=float)
    offset = np.broadcast_to(np.asarray(offset, dtype=float), y.shape)
    X = np.asarray(X, dtype=float)
    if X.ndim == 2:
        X = np.broadcast_to(X, (y.shape[0],) + X.shape)
    n, p = X.shape[1], X.shape[2]
    beta = np.zeros((y.shape[0], p))
    beta[:, 0] = np.log(np.maximum(y.sum(axis=1), 0.5) / np.exp(offset).sum(axis=1))
    for _ in range(iterations):
        eta = np.einsum("bnp,bp->bn", X, beta) + offset
        mu = np.exp(np.clip(eta, -700, 700))
        information = np.einsum("bnp,bn,bnq->bpq", X, mu, X)
        score = np.einsum("bnp,bn->bp", X, y - mu)
        step = np.linalg.solve(information + 1e-12 * np.eye(p), score[..., None])[..., 0]
        beta = beta + step
        if np.all(np.abs(step) < 1e-10):
            break
    eta = np.einsum("bnp,bp->bn", X, beta) + offset
    mu = np.exp(np.clip(eta, -700, 700))
    information = np.einsum("bnp,bn,bnq->bpq", X, mu, X)
    df = n - p if df_resid is None else df_resid
    pearson = ((y - mu) ** 2 / mu).sum(axis=1)
    scale = pearson / df if df > 0 else np.full(y.shape[0], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    deviance = 2 * unit.sum(axis=1)
    cov = np.linalg.inv(information) * scale[:, None, None]
    return BatchFit(beta, cov, scale, deviance, df)
