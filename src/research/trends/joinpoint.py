"""Joinpoint (segmented log-linear) trends: APC per segment and AAPC over fixed windows.

The method of NCI's Joinpoint Regression Program (Kim, Fay, Feuer & Midthune 2000): the log of
the expected count is continuous and piecewise linear in time,
``log μ = log exposure + b0 + b1·t + Σ δ_j (t − τ_j)+``, so segments meet at the joinpoints
``τ_j``. Joinpoints sit at observed mid-periods, at least :data:`MIN_FROM_END` observations from
either end and :data:`MIN_BETWEEN` between two (excluding the joinpoints, Joinpoint's defaults).
For each number of joinpoints every allowed placement is fitted (all at once, by
:func:`research.trends.models.quasi_poisson_batch`) and the one of least deviance kept; the number
is chosen either by the BIC of Kim et al. (2004) with the Poisson deviance in place of the residual
sum of squares, ``ln(D_k / n) + 2(k + 1)·ln(n) / n`` (scale-free, so it suits counts of millions as
well as dozens; the default), or by Kim et al.'s (2000) sequential permutation tests
(:func:`permutation_selection`, Joinpoint's own default). The chosen model is refitted by statsmodels as a quasi-Poisson GLM whose residual df
also pays for the ``k`` estimated locations; intervals use t quantiles on them, conditional on the
joinpoints (as Joinpoint's are).

APC of a segment: ``100·(exp(slope) − 1)``. AAPC over a window (Clegg, Hankey, Tiwari, Feuer &
Edwards 2009): ``100·(exp(Σ w_s·slope_s) − 1)`` with ``w_s`` the share of the window in segment
``s``; its interval is that of the same linear combination of the coefficients.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.config import SEED
from research.trends.models import CountFit, fit_count_model, quasi_poisson_batch

MIN_FROM_END = 2
MIN_BETWEEN = 2
#: Joinpoint's default maximum grows with the number of points (n ≤ 6: 0; 7–11: 1; 12–16: 2;
#: 17–21: 3; …); it is capped here.
MAX_JOINPOINTS = 3
#: AAPC windows: name → years before the last mid-period (``None``: the whole span).
WINDOWS = {"last_5_years": 5.0, "last_10_years": 10.0, "whole_span": None}

#: How the number of joinpoints is chosen: ``bic`` (the default) or ``permutation``.
SELECTIONS = ("bic", "permutation")
#: Overall significance level of the sequence of permutation tests (Joinpoint's default).
PERMUTATION_ALPHA = 0.05
#: Permuted data sets per test. Joinpoint's default is 4499; fewer keep the stage quick, at the
#: price of a Monte Carlo error of about ``sqrt(p(1 − p)/N)`` on each p-value.
N_PERMUTATIONS = 199
#: Fits per IRLS batch in the permutation tests (bounds the memory of one batch).
BATCH_FITS = 20_000

SEGMENT_COLUMNS = ["series_id", "segment", "joinpoint_segment", "period_start", "period_end", "n_points", "apc_percent", "apc_percent_low", "apc_percent_high", "selection"]
AVERAGE_COLUMNS = ["series_id", "segment", "window", "window_start", "window_end", "aapc_percent", "aapc_percent_low", "aapc_percent_high", "selection"]


def default_max_joinpoints(n: int) -> int:
    """Joinpoint's default maximum number of joinpoints for ``n`` points, capped at :data:`MAX_JOINPOINTS`."""
    return int(min(MAX_JOINPOINTS, max(0, (n - 2) // 5)))


def placements(n: int, k: int) -> list[tuple[int, ...]]:
    """Allowed joinpoint positions (indices of observations) for ``k`` joinpoints among ``n`` points."""
    allowed = range(MIN_FROM_END, n - MIN_FROM_END)
    return [c for c in itertools.combinations(allowed, k) if all(b - a - 1 >= MIN_BETWEEN for a, b in zip(c, c[1:]))]


def hinges(t: np.ndarray, taus: tuple[float, ...]) -> np.ndarray:
    """The ``(t − τ)+`` columns of a continuous segmented line."""
    return np.column_stack([np.clip(t - tau, 0, None) for tau in taus]) if taus else np.empty((len(t), 0))


@dataclass(frozen=True)
class Joinpoints:
    """The chosen joinpoint model of one series × segment."""

    series_id: str
    segment: int
    series: pd.DataFrame
    taus: tuple[float, ...]
    positions: tuple[int, ...]
    fit: CountFit
    bic: dict[int, float]
    max_joinpoints: int
    selection: str = "bic"
    #: The permutation tests run, in order: ``(k_a, k_b, p, alpha)`` (empty for BIC).
    tests: tuple[tuple[int, int, float, float], ...] = field(default=())
    n_permutations: int = 0

    @property
    def k(self) -> int:
        return len(self.taus)

    def slope_weights(self, s: int) -> np.ndarray:
        """Contrast giving the log-slope of joinpoint segment ``s``."""
        w = np.zeros(self.fit.n_params)
        w[1] = 1.0
        w[2 : 2 + s] = 1.0
        return w

    def bounds(self) -> list[float]:
        t = self.series["t_mid"].to_numpy()
        return [float(t[0]), *self.taus, float(t[-1])]

    def describe(self) -> str:
        """How the number of joinpoints was chosen, for ``trends.csv``'s ``break_search``."""
        dates = ", ".join(_date(tau) for tau in self.taus) or "none"
        scores = "; ".join(f"{k}: {v:.3f}" for k, v in sorted(self.bic.items()))
        if self.selection == "permutation":
            tests = "; ".join(f"{a} vs {b}: p = {p:.3f} (level {alpha:.4f})" for a, b, p, alpha in self.tests) or "none needed"
            return (f"joinpoints: {self.k} ({dates}), chosen by sequential permutation tests among 0–{self.max_joinpoints} "
                    f"({self.n_permutations} permutations each; {tests}; BIC {scores})")
        return f"joinpoints: {self.k} ({dates}), chosen by BIC among 0–{self.max_joinpoints} (BIC {scores})"


def _date(decimal: float) -> str:
    year = int(np.floor(decimal))
    start = pd.Timestamp(year=year, month=1, day=1)
    end = pd.Timestamp(year=year + 1, month=1, day=1)
    return (start + (end - start) * (decimal - year)).date().isoformat()


def _designs(t: np.ndarray, centre: float, sets: list[tuple[int, ...]]) -> np.ndarray:
    """``(S, n, p)`` design matrices of every placement in ``sets``."""
    base = np.column_stack([np.ones(len(t)), t - centre])
    return np.stack([np.column_stack([base, hinges(t, tuple(t[list(c)]))]) for c in sets])


def _best_deviances(y: np.ndarray, X: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row of ``y`` (``(B, n)``), the least deviance over the placements ``X`` (``(S, n, p)``).

    Returns the deviances ``(B,)``, the index of the best placement ``(B,)`` and its fitted means ``(B, n)``.
    """
    n_sets = X.shape[0]
    per_batch = max(1, BATCH_FITS // n_sets)
    deviance, index, means = [], [], []
    for start in range(0, y.shape[0], per_batch):
        block = y[start : start + per_batch]
        b = block.shape[0]
        fits = quasi_poisson_batch(np.repeat(block, n_sets, axis=0), np.tile(X, (b, 1, 1)), np.tile(offset, (b * n_sets, 1)))
        dev = fits.deviance.reshape(b, n_sets)
        best = np.argmin(dev, axis=1)
        chosen = np.arange(b) * n_sets + best
        eta = np.einsum("bnp,bp->bn", np.tile(X, (b, 1, 1))[chosen], fits.params[chosen]) + offset
        deviance.append(dev[np.arange(b), best])
        index.append(best)
        means.append(np.exp(eta))
    return np.concatenate(deviance), np.concatenate(index), np.concatenate(means)


def _placement_sets(n: int, limit: int) -> dict[int, list[tuple[int, ...]]]:
    """Allowed placements for every number of joinpoints up to ``limit`` that leaves residual df."""
    out: dict[int, list[tuple[int, ...]]] = {}
    for k in range(limit + 1):
        sets = placements(n, k)
        if not sets or n - (2 * k + 2) < 1:
            break
        out[k] = sets
    return out


def permutation_selection(
    series: pd.DataFrame, max_joinpoints: int | None = None, n_permutations: int = N_PERMUTATIONS, alpha: float = PERMUTATION_ALPHA, seed: int = SEED
) -> tuple[int, tuple[tuple[int, int, float, float], ...]]:
    """Number of joinpoints by Kim et al.'s (2000) sequential permutation tests.

    Each test is of ``H0: k = k_a`` against ``H1: k = k_b``, starting with ``k_a = 0`` and
    ``k_b = max``; a rejection raises ``k_a`` by one, otherwise ``k_b`` falls by one, until they
    meet. The statistic is the relative drop in Poisson deviance, ``(D_a − D_b) / D_b`` (Kim et
    al.'s ``(SSE_0 − SSE_1)/SSE_1`` with the deviance in place of the squared errors). Under
    ``H0`` the data are rebuilt from the ``k_a`` fit as ``μ̂_i·exp(r_π(i))``, with ``r_i = log(y_i /
    μ̂_i)`` its residuals on the log scale in a random order ``π`` (Kim et al. permute the errors of
    the log-linear model; on the log scale a relative error is exchangeable between a count of
    dozens and one of millions, which Pearson residuals of overdispersed counts are not, and the
    rebuilt counts stay positive; a 0 count is read as 0.5); the p-value is
    ``(1 + #{T* ≥ T}) / (1 + N)``. Each test is at level
    ``α / (max − k_a)`` (Joinpoint 3.0 and later: the over-fitting probability stays below ``α``).
    Seeded by ``seed`` and the series id, so the same inputs give the same choice.

    Returns
    -------
    k, tests
        The number chosen and the tests run as ``(k_a, k_b, p, level)``.
    """
    t = series["t_mid"].to_numpy(dtype=float)
    y = series["count"].to_numpy(dtype=float)
    offset = np.log(series["exposure_years"].to_numpy(dtype=float))
    n, centre = len(t), float(t.mean())
    limit = default_max_joinpoints(n) if max_joinpoints is None else max_joinpoints
    sets = _placement_sets(n, limit)
    top = max(sets)
    designs = {k: _designs(t, centre, s) for k, s in sets.items()}
    observed = {k: _best_deviances(y[None, :], X, offset) for k, X in designs.items()}
    key = f"{series['series_id'].iloc[0]}|{series['segment'].iloc[0]}".encode()
    rng = np.random.default_rng([seed, zlib.crc32(key)])
    tests = []
    k_a, k_b = 0, top
    while k_a < k_b:
        level = alpha / (top - k_a)
        dev_a, dev_b = float(observed[k_a][0][0]), float(observed[k_b][0][0])
        statistic = (dev_a - dev_b) / max(dev_b, 1e-300)
        mu = observed[k_a][2][0]
        residual = np.log(np.maximum(y, 0.5) / mu)
        order = np.argsort(rng.random((n_permutations, n)), axis=1)
        permuted = mu * np.exp(residual[order])
        null_dev = _best_deviances(permuted, designs[k_a], offset)[0]
        alt_dev = _best_deviances(permuted, designs[k_b], offset)[0]
        null_statistic = (null_dev - alt_dev) / np.maximum(alt_dev, 1e-300)
        # A tolerance keeps ties (identical fits) counted as "as extreme" despite rounding.
        p = float((1 + np.sum(null_statistic >= statistic * (1 - 1e-9))) / (1 + n_permutations))
        tests.append((k_a, k_b, p, level))
        if p < level:
            k_a += 1
        else:
            k_b -= 1
    return k_a, tuple(tests)


def fit_joinpoints(
    series: pd.DataFrame,
    max_joinpoints: int | None = None,
    selection: str = "bic",
    n_permutations: int = N_PERMUTATIONS,
    seed: int = SEED,
) -> Joinpoints:
    """Choose and fit the joinpoint model of one prepared series (sorted by period).

    ``selection`` is ``bic`` (the default) or ``permutation`` (:func:`permutation_selection`,
    with ``n_permutations`` permuted data sets per test and ``seed``).
    """
    if selection not in SELECTIONS:
        raise ValueError(f"joinpoint selection must be one of {', '.join(SELECTIONS)}, not {selection!r}")
    t = series["t_mid"].to_numpy(dtype=float)
    y = series["count"].to_numpy(dtype=float)
    offset = np.log(series["exposure_years"].to_numpy(dtype=float))
    n = len(t)
    centre = float(t.mean())
    limit = default_max_joinpoints(n) if max_joinpoints is None else max_joinpoints
    best: dict[int, tuple[float, tuple[int, ...]]] = {}
    for k, sets in _placement_sets(n, limit).items():
        deviance, index, _ = _best_deviances(y[None, :], _designs(t, centre, sets), offset)
        best[k] = (float(deviance[0]), sets[int(index[0])])
    bic = {k: float(np.log(max(dev, 1e-300) / n) + 2 * (k + 1) * np.log(n) / n) for k, (dev, _) in best.items()}
    tests: tuple[tuple[int, int, float, float], ...] = ()
    if selection == "permutation":
        k, tests = permutation_selection(series, max_joinpoints=limit, n_permutations=n_permutations, seed=seed)
    else:
        k = min(bic, key=lambda j: (bic[j], j))
    positions = best[k][1]
    taus = tuple(float(t[p]) for p in positions)
    extra = pd.DataFrame(hinges(t, taus), columns=[f"hinge_{j + 1}" for j in range(k)], index=series.index)
    fit = fit_count_model(series, extra=extra if k else None, centre=centre, df_resid=n - (2 * k + 2))
    return Joinpoints(
        str(series["series_id"].iloc[0]), int(series["segment"].iloc[0]), series, taus, positions, fit, bic, limit,
        selection=selection, tests=tests, n_permutations=n_permutations if selection == "permutation" else 0,
    )


def _percent(values: tuple[float, float, float]) -> tuple[float, float, float]:
    a, b, c = (float(100 * (np.exp(v) - 1)) for v in values)
    return a, b, c


def segment_rows(model: Joinpoints) -> list[dict]:
    """Rows of ``trend_segments.csv``: one per joinpoint segment, with its APC and 95% interval."""
    series, bounds = model.series, model.bounds()
    t = series["t_mid"].to_numpy()
    rows = []
    for s in range(model.k + 1):
        apc = _percent(model.fit.contrast(model.slope_weights(s)))
        start = series["period_start"].min().date().isoformat() if s == 0 else _date(bounds[s])
        end = series["period_end"].max().date().isoformat() if s == model.k else _date(bounds[s + 1])
        inside = int(((t >= bounds[s] - 1e-9) & (t <= bounds[s + 1] + 1e-9)).sum())
        rows.append(dict(series_id=model.series_id, segment=model.segment, joinpoint_segment=s, period_start=start, period_end=end,
                         n_points=inside, apc_percent=apc[0], apc_percent_low=apc[1], apc_percent_high=apc[2], selection=model.selection))
    return rows


def aapc(model: Joinpoints, start: float, end: float) -> tuple[float, float, float]:
    """AAPC (percent) over ``[start, end]`` in decimal years, with its 95% interval."""
    bounds = model.bounds()
    weights = np.zeros(model.fit.n_params)
    for s in range(model.k + 1):
        overlap = max(0.0, min(end, bounds[s + 1]) - max(start, bounds[s]))
        weights += overlap / (end - start) * model.slope_weights(s)
    return _percent(model.fit.contrast(weights))


def average_rows(model: Joinpoints) -> list[dict]:
    """Rows of ``trend_averages.csv``: AAPC over the last 5 and 10 years (when covered) and the whole span."""
    first, last = model.bounds()[0], model.bounds()[-1]
    rows = []
    for name, years in WINDOWS.items():
        if years is not None and last - years < first - 1e-9:
            continue
        start = first if years is None else last - years
        value = aapc(model, start, last)
        rows.append(dict(series_id=model.series_id, segment=model.segment, window=name, window_start=_date(start), window_end=_date(last),
                         aapc_percent=value[0], aapc_percent_low=value[1], aapc_percent_high=value[2], selection=model.selection))
    return rows


def segments_table(models: list[Joinpoints]) -> pd.DataFrame:
    """``trend_segments.csv`` for every fitted series."""
    return pd.DataFrame([r for m in models for r in segment_rows(m)], columns=SEGMENT_COLUMNS)


def averages_table(models: list[Joinpoints]) -> pd.DataFrame:
    """``trend_averages.csv`` for every fitted series."""
    return pd.DataFrame([r for m in models for r in average_rows(m)], columns=AVERAGE_COLUMNS)
