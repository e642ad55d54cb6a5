"""Non-removal rates per domain, hosting provider or country — always with denominator and interval.

Two estimates sit side by side:

- the raw rate ``non_removed / decided`` with a Wilson score interval (statsmodels);
- an **empirical-Bayes shrunken rate**. Each node's rate is drawn from a common
  ``Beta(α, β)``; α and β are fitted by maximising the beta-binomial marginal likelihood of all
  nodes' counts (scipy), and each node gets the posterior ``Beta(α + k, β + n − k)``. A site with 3
  decided URLs is pulled strongly toward the pooled rate, a site with 3,000 hardly at all, so small
  sites cannot top a ranking by chance. The credible interval is the posterior's equal-tailed one.

Rankings order nodes by a conservative quantity — the lower bound of the Wilson interval of the
non-removal rate — among nodes with at least ten reported URLs, and keep every column a reader
needs to judge it, including ``p_above_overall``, the posterior probability that the node's rate
exceeds the overall rate. Generic estimators live in :mod:`research.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.reducers import Reducer, declare
from research.stats.proportions import wilson_interval
from research.stats.ranking import MIN_REQUESTS, conservative_ranking
from research.stats.shrinkage import BetaPrior, fit_beta_prior, rate_summary, shrunken_rates

LEVELS: tuple[str, ...] = ("domain", "hosting_provider", "country")
#: The counts of :func:`node_counts`, per node.
NODE_COUNT_COLUMNS = ["urls", "decided", "non_removed"]
__all__ = ["LEVELS", "BetaPrior", "fit_beta_prior", "node_counts", "node_rates", "ranking", "rates_from_counts", "shrunken_rates", "wilson_interval"]


def node_counts(status: pd.DataFrame, level: str) -> pd.DataFrame:
    """URLs, decided URLs and non-removed URLs per node of ``level`` (one row per URL in ``status``)."""
    grouped = status.groupby(level, sort=True)
    counts = pd.DataFrame({"urls": grouped.size(), "decided": grouped["decided"].sum(), "non_removed": grouped["non_removed"].sum()})[NODE_COUNT_COLUMNS].astype("int64")
    counts.index.name = "node"
    return counts.reset_index()


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
    rates, prior = rate_summary(counts["non_removed"].to_numpy(), counts["decided"].to_numpy(), "non_removal_rate")
    table = pd.concat([counts, rates], axis=1)
    table.insert(0, "level", level)
    return table, prior


def combine_node_counts(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame | None:
    """:func:`node_counts` of the union of status partitions disjoint in ``url_id``: the counts add up per node."""
    found = [p for p in parts if p is not None and len(p)]
    if not found:
        return None
    return pd.concat(found, ignore_index=True).groupby("node", sort=True)[NODE_COUNT_COLUMNS].sum().astype("int64").reset_index()


def _rates_of(counts: pd.DataFrame | None, level: str) -> tuple[pd.DataFrame, BetaPrior]:
    empty = pd.DataFrame({"node": pd.Series(dtype=object), **{c: pd.Series(dtype="int64") for c in NODE_COUNT_COLUMNS}})
    return rates_from_counts(empty if counts is None else counts, level)


#: :func:`node_rates` over partitions of the URL status disjoint in ``url_id`` (``level=`` as context): the
#: rates, intervals and prior depend on the status only through the per-node counts, which add up.
NODE_RATES = declare(Reducer("node_rates", "url_id", node_counts, combine_node_counts, _rates_of))


RANKING_COLUMNS = [
    "level", "rank", "node", "urls", "decided", "non_removed", "non_removal_rate", "non_removal_rate_low", "non_removal_rate_high",
    "eb_rate", "eb_rate_low", "eb_rate_high", "p_above_overall", "prior_mean", "prior_strength", "rank_by", "min_requests",
]


def ranking(rates: pd.DataFrame, top: int | None = None, min_requests: int = MIN_REQUESTS) -> pd.DataFrame:
    """Order nodes by the lower bound of the non-removal rate's Wilson interval, conservatively.

    Only nodes with at least ``min_requests`` reported URLs and a decided URL get a rank (then
    more decided URLs, then the name break ties); the others stay at the bottom, rank empty. The
    table says what it was ranked by (``rank_by``) and the minimum (``min_requests``); see
    docs/networks.md.
    """
    ordered = conservative_ranking(rates, "non_removal_rate_low", size="urls", trials="decided", name="node", min_size=min_requests)
    if "p_above_overall" not in ordered.columns:
        ordered["p_above_overall"] = np.nan
    ordered = ordered[RANKING_COLUMNS]
    return ordered.head(top) if top is not None else ordered
