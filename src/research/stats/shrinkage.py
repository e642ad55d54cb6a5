"""Beta-binomial empirical Bayes: a common prior for many groups' rates, and each group's posterior.

Each group's rate is drawn from a common ``Beta(α, β)``; α and β are fitted by maximising the
beta-binomial marginal likelihood of all groups' counts (``scipy.stats.betabinom``), and each
group gets the posterior ``Beta(α + k, β + n − k)``. A group with 3 trials is pulled strongly
toward the pooled rate, a group with 3,000 hardly at all. Posterior summaries come from
``scipy.stats.beta``: mean, equal-tailed credible interval and the probability that the group's
rate exceeds a reference rate (the conservative ranking quantity of :mod:`research.networks.rankings`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from research.stats.proportions import rate, wilson_interval

#: Bounds of log(α + β) in the fit: beyond e^12 the prior is a point mass for any real log.
LOG_STRENGTH_BOUNDS = (-6.0, 12.0)


@dataclass(frozen=True)
class BetaPrior:
    """The fitted common prior of group rates."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        """Prior "pseudo-count": a group with this many trials is shrunk halfway."""
        return self.alpha + self.beta

    def tidy(self) -> pd.DataFrame:
        """One row: ``alpha, beta, prior_mean, prior_strength``."""
        return pd.DataFrame({"alpha": [self.alpha], "beta": [self.beta], "prior_mean": [self.mean], "prior_strength": [self.strength]})


def fit_beta_prior(successes, trials) -> BetaPrior:
    """Fit ``Beta(α, β)`` by maximum beta-binomial marginal likelihood over groups with trials.

    The search runs over the prior mean (logit scale) and strength ``α + β`` (log scale), started
    at the pooled rate. With one group, or no spread beyond binomial noise, the strength goes to
    its upper bound and every group is shrunk to the pooled rate — the honest answer when the data
    cannot tell groups apart.
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
    result = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=[(-12.0, 12.0), LOG_STRENGTH_BOUNDS])
    mean = 1.0 / (1.0 + np.exp(-result.x[0]))
    strength = float(np.exp(result.x[1]))
    return BetaPrior(float(mean * strength), float((1 - mean) * strength))


def shrunken_rates(successes, trials, prior: BetaPrior, level: float = 0.95) -> pd.DataFrame:
    """Posterior mean and equal-tailed credible interval of each group's rate under ``prior``."""
    a, b = posterior_parameters(successes, trials, prior)
    tail = (1 - level) / 2
    return pd.DataFrame({"eb_rate": a / (a + b), "eb_rate_low": stats.beta.ppf(tail, a, b), "eb_rate_high": stats.beta.ppf(1 - tail, a, b)})


def posterior_parameters(successes, trials, prior: BetaPrior) -> tuple[np.ndarray, np.ndarray]:
    """``(α + k, β + n − k)`` of each group's posterior."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    return prior.alpha + k, prior.beta + n - k


def probability_above(successes, trials, prior: BetaPrior, reference: float) -> np.ndarray:
    """Posterior probability that each group's rate exceeds ``reference`` (``beta.sf``)."""
    a, b = posterior_parameters(successes, trials, prior)
    return stats.beta.sf(reference, a, b)


def rate_summary(successes, trials, name: str = "rate", level: float = 0.95) -> tuple[pd.DataFrame, BetaPrior]:
    """Raw rate with Wilson interval, shrunken rate with credible interval, and P(rate > overall).

    Returns
    -------
    (DataFrame, BetaPrior)
        Columns ``name, name_low, name_high, eb_rate, eb_rate_low, eb_rate_high,
        p_above_overall, prior_mean, prior_strength`` (one row per group, in input order) and
        the fitted prior. ``p_above_overall`` is the posterior probability that the group's rate
        exceeds the pooled rate of all groups.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    prior = fit_beta_prior(k, n)
    low, high = wilson_interval(k, n, alpha=1 - level)
    table = pd.DataFrame({name: rate(k, n), f"{name}_low": low, f"{name}_high": high})
    table = pd.concat([table, shrunken_rates(k, n, prior, level)], axis=1)
    table["p_above_overall"] = probability_above(k, n, prior, float(rate(k.sum(), n.sum())))
    table["prior_mean"] = prior.mean
    table["prior_strength"] = prior.strength
    return table, prior
