"""Cluster bootstrap: covers a pooled share of correlated sites where a binomial interval does not."""

from __future__ import annotations

import numpy as np

from research.stats.bootstrap import cluster_bootstrap
from research.stats.proportions import proportion_intervals


def _sites(rng, sites=40, urls=50, mean=0.3, strength=4.0):
    """Sites with their own removal rate (beta-distributed around ``mean``): URLs cluster."""
    rates = rng.beta(mean * strength, (1 - mean) * strength, sites)
    k = rng.binomial(urls, rates)
    return np.arange(sites), k, np.full(sites, urls)


def test_cluster_bootstrap_covers_where_the_binomial_interval_is_too_narrow():
    rng = np.random.default_rng(5)
    covered_boot = covered_binomial = 0
    reps = 150
    for _ in range(reps):
        site, k, n = _sites(rng)
        boot = cluster_bootstrap(np.zeros(len(site)), site, k, n, replicates=400, seed=1)
        covered_boot += boot.low[0] <= 0.3 <= boot.high[0]
        binomial = proportion_intervals([k.sum()], [n.sum()])
        covered_binomial += binomial.low[0] <= 0.3 <= binomial.high[0]
    assert covered_boot / reps >= 0.88
    assert covered_binomial / reps < 0.75  # independence is badly wrong here


def test_same_seed_same_interval_and_few_clusters_none():
    site, k, n = _sites(np.random.default_rng(2))
    a = cluster_bootstrap(np.zeros(len(site)), site, k, n, seed=3)
    b = cluster_bootstrap(np.zeros(len(site)), site, k, n, seed=3)
    assert a.low[0] == b.low[0] and a.high[0] == b.high[0]
    few = cluster_bootstrap(["g"] * 3, [1, 2, 3], [1, 2, 3], [5, 5, 5])
    assert np.isnan(few.low[0]) and few.clusters[0] == 3 and few.share[0] == 6 / 15
