"""Growth statistics: annual growth factor, rate ratios, doubling time, Mann–Kendall and Sen's slope."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from research.errors import InputError
from research.trends.models import CountFit

#: With this many points or fewer, the evidence about a trend is weak whatever the p-value says.
FEW_POINTS = 3


@dataclass(frozen=True)
class AnnualGrowth:
    """Annual growth of the rate per year, with a 95% interval.

    ``doubling_time_years`` is defined only for growth (factor > 1); its interval runs to
    ``inf`` when the growth factor's interval reaches 1 (no change is compatible with the data).
    """

    factor: float
    factor_low: float
    factor_high: float
    doubling_time_years: float
    doubling_low: float
    doubling_high: float

    @property
    def percent(self) -> float:
        return 100 * (self.factor - 1)

    @property
    def percent_low(self) -> float:
        return 100 * (self.factor_low - 1)

    @property
    def percent_high(self) -> float:
        return 100 * (self.factor_high - 1)

    @property
    def includes_no_change(self) -> bool:
        return self.factor_low <= 1 <= self.factor_high


def annual_growth(fit: CountFit, term: str = "t", level: float = 0.95) -> AnnualGrowth:
    """Annual growth factor ``exp(b1)`` and doubling time ``ln 2 / b1`` with intervals."""
    slope, low, high = fit.interval(term, level)
    doubling = np.log(2) / slope if slope > 0 else float("nan")
    doubling_low = np.log(2) / high if high > 0 else float("nan")
    doubling_high = np.log(2) / low if low > 0 else (float("inf") if slope > 0 else float("nan"))
    return AnnualGrowth(float(np.exp(slope)), float(np.exp(low)), float(np.exp(high)), float(doubling), float(doubling_low), float(doubling_high))


@dataclass(frozen=True)
class RateRatio:
    """Ratio of two periods' counts per day of exposure, with a 95% interval."""

    ratio: float
    low: float
    high: float
    count_a: int
    days_a: float
    count_b: int
    days_b: float


def rate_ratio(count_a: int, days_a: float, count_b: int, days_b: float, level: float = 0.95) -> RateRatio:
    """Rate ratio of period *b* to period *a*: ``(count_b / days_b) / (count_a / days_a)``.

    The interval is the exact one conditional on the total (Clopper–Pearson on the binomial share of
    period *b*), which is valid for small counts where the log-normal approximation is not.

    Examples
    --------
    KNPA deepfake cases: 156 in 2021 (365 days) and 297 in Jan–Jul 2024 (213 days) give
    ``rate_ratio(156, 365, 297, 213).ratio`` ≈ 3.26 — more than three times the daily rate, which
    is not what "297 vs 156, nearly doubled" suggests.
    """
    for name, value in (("count_a", count_a), ("count_b", count_b)):
        if value < 0 or value != round(value):
            raise InputError("a count must be a whole number ≥ 0", column=name, value=value)
    for name, value in (("days_a", days_a), ("days_b", days_b)):
        if not value > 0:
            raise InputError("exposure must be positive", column=name, value=value)
    if count_a == 0:
        raise InputError("the reference period has no counts: the ratio is not finite", column="count_a", value=count_a)
    total = count_a + count_b
    tail = (1 - level) / 2
    share_low = stats.beta.ppf(tail, count_b, count_a + 1) if count_b > 0 else 0.0
    share_high = stats.beta.ppf(1 - tail, count_b + 1, count_a) if count_b < total else 1.0
    exposure_ratio = days_a / days_b

    def to_ratio(share: float) -> float:
        return share / (1 - share) * exposure_ratio if share < 1 else float("inf")

    ratio = (count_b / days_b) / (count_a / days_a)
    return RateRatio(float(ratio), float(to_ratio(share_low)), float(to_ratio(share_high)), int(count_a), float(days_a), int(count_b), float(days_b))


@dataclass(frozen=True)
class MannKendall:
    """Mann–Kendall trend test and Sen's slope of the rate per year.

    ``s`` is the Mann–Kendall statistic; ``p`` its two-sided p-value (exact for ≤ 50 untied points,
    via Kendall's tau). ``sen_slope`` is in counts per year per year, ``sen_percent`` the Sen slope
    of the log rate as percent per year (``nan`` when a rate is zero).
    """

    s: int
    p: float
    sen_slope: float
    sen_low: float
    sen_high: float
    sen_percent: float
    n: int

    @property
    def smallest_possible_p(self) -> float:
        """The smallest two-sided exact p-value ``n`` untied points can give (2 / n!)."""
        return min(1.0, 2 / float(np.prod(np.arange(1, self.n + 1))))


def mann_kendall(series: pd.DataFrame) -> MannKendall:
    """Mann–Kendall test and Sen's slope on the rate per year of a prepared series."""
    t = series["t_mid"].to_numpy(dtype=float)
    rate = series["count"].to_numpy(dtype=float) / series["exposure_years"].to_numpy(dtype=float)
    n = len(rate)
    if n < 3:
        return MannKendall(0, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), n)
    order = np.argsort(t, kind="mergesort")
    t, rate = t[order], rate[order]
    i, j = np.triu_indices(n, k=1)
    s = int(np.sign(rate[j] - rate[i]).sum())
    p = float(stats.kendalltau(t, rate, method="auto").pvalue) if np.ptp(rate) > 0 else 1.0
    slope, _, low, high = stats.theilslopes(rate, t, alpha=0.95)
    percent = float("nan")
    if np.all(rate > 0):
        log_slope = stats.theilslopes(np.log(rate), t).slope
        percent = float(100 * (np.exp(log_slope) - 1))
    return MannKendall(s, p, float(slope), float(low), float(high), percent, n)


def evidence_note(n_points: int) -> str:
    """A code for how much a series of ``n_points`` can show: ``few_points`` or ``''``."""
    return "few_points" if n_points <= FEW_POINTS else ""
