"""Binomial proportions with intervals: Clopper–Pearson or Wilson, chosen by a stated rule.

Wilson's score interval has close to nominal coverage for moderate samples; at a share of 0 or 1,
and for small samples, the exact Clopper–Pearson interval is the one readers of audits expect
(Brown, Cai & DasGupta 2001, *Interval estimation for a binomial proportion*, Statist. Sci. 16;
Clopper & Pearson 1934). The ``"auto"`` rule uses Clopper–Pearson when the group has fewer than
:data:`SMALL_SAMPLE` trials or all or none of them are successes, Wilson otherwise. Both come
from ``statsmodels.stats.proportion.proportion_confint`` (``"beta"`` is Clopper–Pearson).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

#: Below this many trials the ``"auto"`` rule uses the exact Clopper–Pearson interval.
SMALL_SAMPLE = 40
#: Interval methods, by the name written in ``interval_method`` columns.
METHODS: tuple[str, ...] = ("auto", "clopper_pearson", "wilson")
_STATSMODELS = {"clopper_pearson": "beta", "wilson": "wilson"}


@dataclass(frozen=True)
class ProportionIntervals:
    """Shares and intervals of several binomial counts (arrays of one length)."""

    successes: np.ndarray
    trials: np.ndarray
    share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    method: np.ndarray
    alpha: float

    def tidy(self) -> pd.DataFrame:
        """``successes, trials, share, share_low, share_high, interval_method`` (one row per count)."""
        return pd.DataFrame(
            {
                "successes": self.successes,
                "trials": self.trials,
                "share": self.share,
                "share_low": self.low,
                "share_high": self.high,
                "interval_method": self.method,
            }
        )


def interval_methods(successes: np.ndarray, trials: np.ndarray, method: str = "auto", small: int = SMALL_SAMPLE) -> np.ndarray:
    """The interval method each count gets (``"clopper_pearson"`` or ``"wilson"``; ``""`` with no trials)."""
    if method not in METHODS:
        raise ValueError(f"interval method must be one of {', '.join(METHODS)}, not {method!r}")
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    # Codes into a few shared names: one text object per count would cost ~60 bytes a row.
    if method == "auto":
        names = np.array(["", "clopper_pearson", "wilson"], dtype=object)
        chosen = np.where((n < small) | (k == 0) | (k == n), 1, 2)
    else:
        names = np.array(["", method], dtype=object)
        chosen = np.ones(n.shape, dtype=np.intp)
    return names[np.where(n > 0, chosen, 0)]


def proportion_intervals(successes, trials, method: str = "auto", alpha: float = 0.05, small: int = SMALL_SAMPLE) -> ProportionIntervals:
    """Share ``successes / trials`` with a ``1 − alpha`` interval per count (``NaN`` with no trials).

    Parameters
    ----------
    successes, trials
        Counts (array-like of one length).
    method
        ``"auto"`` (Clopper–Pearson for small or extreme counts, Wilson otherwise),
        ``"clopper_pearson"`` or ``"wilson"``.
    alpha
        One minus the confidence level.
    small
        The ``"auto"`` rule's small-sample threshold (trials).
    """
    k = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    chosen = interval_methods(k, n, method, small)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    for name, code in _STATSMODELS.items():
        rows = chosen == name
        if rows.any():
            low[rows], high[rows] = proportion_confint(k[rows], n[rows], alpha=alpha, method=code)
    share = rate(k, n)
    # statsmodels' Clopper–Pearson leaves tiny rounding off 0 and 1 at the extremes; pin them.
    low = np.where((k == 0) & (n > 0), 0.0, low)
    high = np.where((k == n) & (n > 0), 1.0, high)
    return ProportionIntervals(k, n, share, low, high, chosen, alpha)


def wilson_interval(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval, vectorised; ``NaN`` where there are no trials."""
    result = proportion_intervals(successes, trials, method="wilson", alpha=alpha)
    return result.low, result.high


def rate(successes, trials) -> np.ndarray:
    """``successes / trials`` as floats, ``NaN`` where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, k / np.where(n > 0, n, 1.0), np.nan)
