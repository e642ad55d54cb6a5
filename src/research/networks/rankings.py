"""Non-removal rates per domain, hosting provider or country — always with denominator and interval.

Two estimates sit side by side:

- the raw rate ``non_removed / decided`` with a Wilson score interval (statsmodels);
- an **empirical-Bayes shrunken rate**. Each node's rate is drawn from a common
  ``Beta(α, β)``; α and β are fitted by maximising the beta-binomial marginal likelihood of all
  nodes' counts (scipy), and each node gets the posterior ``Beta(α + k, β + n − k)``. A site with 3
  decided URLs is pulled strongly toward the pooled rate, a site with 3,000 hardly at all, so small
  sites cannot top a ranking by chance. The credible interval is the posterior's equal-tailed one.

Rankings order nodes by the shrunken rate and keep every column a reader needs to judge it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

LEVELS: tuple[str, ...] = ("domain", "hosting_provider", "country")
#: Bounds of log(α + β) in the fit: beyond e^12 the prior is a point mass for any real log.
_LOG_STRENGTH_BOUNDS = (-6.0, 12.0)


@dataclass(frozen=True)
class BetaPrior:
    """The fitted common prior of node rates."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        """Prior "pseudo-count": a node with this many decided URLs is shrunk halfway."""
        return self.alpha + self.beta


def node_counts(status: pd.DataFrame, level: str) -> pd.DataFrame:
    """URLs, decided URLs and non-removed URLs per node of ``level`` (one row per URL in ``status``)."""
    grouped = status.groupby(level, sort=True)
    counts = pd.DataFrame(
        {
            "urls": grouped.size(),
            "decided": grouped["decided"].sum(),
            "non_removed": grouped["non_removed"].sum(),
        }
    ).astype("int64")
    counts.index.name = "node"
    return counts.reset_index()


def wilson_interval(successes: np.ndarray, trials: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval, vectorised; ``NaN`` where there are no trials."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    low = np.full(trials.shape, np.nan)
    high = np.full(trials.shape, np.nan)
    has = trials > 0
    if has.any():
        low[has], high[has] = proportion_confint(successes[has], trials[has], alpha=alpha, method="wilson")
    return low, high


def fit_beta_prior(successes: np.ndarray, trials: np.ndarray) -> BetaPrior:
    """Fit ``Beta(α, β)`` by maximum beta-binomial marginal likelihood over nodes with trials.

    The search runs over the prior mean (logit scale) and strength ``α + β`` (log scale), started
    at the pooled rate. With one node, or no spread beyond binomial noise, the strength goes to its
    upper bound and every node is shrunk to the pooled rate — the honest answer when the data
    cannot tell nodes apart.
    """
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    keep = trials > 0
    k, n = successes[keep], trials[keep]
    if n.sum() == 0:
        return BetaPrior(1.0, 1.0)
    pooled = float(np.clip(k.sum() / n.sum(), 1e-4, 1 - 1e-4))

    def negative_log_likelihood(theta: np.ndarray) -> float:
        mean = 1.0 / (1.0 + np.exp(-theta[0]))
        strength = np.exp(theta[1])
        return -float(stats.betabinom.logpmf(k, n, mean * strength, (1 - mean) * strength).sum())

    start = np.array([np.log(pooled / (1 - pooled)), 1.0])
    result = optimize.minimize(
        negative_log_likelihood,
        start,
        method="L-BFGS-B",
        bounds=[(-12.0, 12.0), _LOG_STRENGTH_BOUNDS],
    )
    mean = 1.0 / (1.0 + np.exp(-result.x[0]))
    strength = float(np.exp(result.x[1]))
    return BetaPrior(float(mean * strength), float((1 - mean) * strength))


def shrunken_rates(
    successes: np.ndarray, trials: np.ndarray, prior: BetaPrior, level: float = 0.95
) -> pd.DataFrame:
    """Posterior mean and equal-tailed credible interval of each node's rate under ``prior``."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    a = prior.alpha + successes
    b = prior.beta + trials - successes
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "eb_rate": a / (a + b),
            "eb_rate_low": stats.beta.ppf(tail, a, b),
            "eb_rate_high": stats.beta.ppf(1 - tail, a, b),
        }
    )


def node_rates(status: pd.DataFrame, level: str) -> tuple[pd.DataFrame, BetaPrior]:
    """Counts, raw rate with Wilson interval, and shrunken rate with credible interval per node.

    Returns
    -------
    (DataFrame, BetaPrior)
        Columns ``level, node, urls, decided, non_removed, non_removal_rate, non_removal_rate_low,
        non_removal_rate_high, eb_rate, eb_rate_low, eb_rate_high, prior_mean, prior_strength``, sorted by node; and
        the fitted prior.
    """
    return rates_from_counts(node_counts(status, level), level)


def rates_from_counts(counts: pd.DataFrame, level: str) -> tuple[pd.DataFrame, BetaPrior]:
    """:func:`node_rates` from the per-node counts alone (``node, urls, decided, non_removed``).

    The Dask engine sums these counts over partitions and calls this, so both engines share one
    computation of the rates, intervals and prior.
    """
    counts = counts.reset_index(drop=True)
    k = counts["non_removed"].to_numpy()
    n = counts["decided"].to_numpy()
    prior = fit_beta_prior(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    low, high = wilson_interval(k, n)
    table = counts.assign(non_removal_rate=rate, non_removal_rate_low=low, non_removal_rate_high=high)
    table = pd.concat([table, shrunken_rates(k, n, prior)], axis=1)
    table.insert(0, "level", level)
    table["prior_mean"] = prior.mean
    table["prior_strength"] = prior.strength
    return table, prior


def ranking(rates: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Order nodes by shrunken non-removal rate (then by more decided URLs, then by name).

    Nodes without a decided URL have no rate and no rank; they stay at the bottom with rank empty.
    """
    ordered = rates.assign(_has=rates["decided"] > 0).sort_values(
        ["_has", "eb_rate", "decided", "node"], ascending=[False, False, False, True], kind="mergesort"
    )
    ranks = np.arange(1, len(ordered) + 1)
    ordered["rank"] = pd.array(np.where(ordered["_has"], ranks, -1), dtype="Int64")
    ordered.loc[~ordered["_has"], "rank"] = pd.NA
    ordered = ordered.drop(columns="_has").reset_index(drop=True)
    columns = ["level", "rank", "node", "urls", "decided", "non_removed", "non_removal_rate", "non_removal_rate_low", "non_removal_rate_high", "eb_rate", "eb_rate_low", "eb_rate_high", "prior_mean", "prior_strength"]
    ordered = ordered[columns]
    return ordered.head(top) if top is not None else ordered
