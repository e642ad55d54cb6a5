"""Rates per node: Wilson and empirical-Bayes intervals, shrinkage, and the ranking's order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.networks.rankings import (
    BetaPrior,
    fit_beta_prior,
    node_rates,
    ranking,
    shrunken_rates,
    wilson_interval,
)


def test_posterior_mean_by_hand():
    # Prior Beta(2, 8) has mean 0.2 and strength 10.
    # 3 of 3 online: (2 + 3) / (10 + 3) = 5/13; 200 of 1000: (2 + 200) / (10 + 1000) = 0.2.
    out = shrunken_rates(np.array([3, 200]), np.array([3, 1000]), BetaPrior(2.0, 8.0))
    assert out["eb_rate"].tolist() == pytest.approx([5 / 13, 202 / 1010])
    assert (out["eb_rate_low"] < out["eb_rate"]).all() and (out["eb_rate"] < out["eb_rate_high"]).all()


def _status(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """A URL-level table: for each domain (non_removed, decided)."""
    rows = []
    for domain, (k, n) in counts.items():
        for i in range(n):
            rows.append({"domain": domain, "decided": True, "non_removed": i < k})
    return pd.DataFrame(rows)


def test_small_sites_are_pulled_toward_the_pooled_rate_more_than_large_ones():
    # Sites around 30 % non-removal, plus one site with 3 of 3 URLs still online.
    status = _status(
        {"tiny.com": (3, 3), "big.com": (300, 1000), "mid.com": (38, 100), "other.com": (25, 100), "some.com": (60, 200), "more.com": (45, 150)}
    )
    rates, prior = node_rates(status, "domain")
    rates = rates.set_index("node")
    pull = (rates["non_removal_rate"] - rates["eb_rate"]).abs()
    assert pull["tiny.com"] > 0.5  # raw 1.0, shrunk far toward ~0.3
    assert pull["big.com"] < 0.01
    assert pull["tiny.com"] > pull["mid.com"] > pull["big.com"]
    # The 3-of-3 site does not top the ranking by shrunken rate, although its raw rate is 100 %.
    top = ranking(rates.reset_index())
    assert top.iloc[0]["node"] != "tiny.com"
    assert 0.2 < prior.mean < 0.5


def test_wilson_interval_coverage_by_simulation():
    rng = np.random.default_rng(7)
    p, n, reps = 0.3, 40, 4000
    k = rng.binomial(n, p, reps)
    low, high = wilson_interval(k, np.full(reps, n))
    coverage = np.mean((low <= p) & (p <= high))
    assert 0.93 <= coverage <= 0.97


def test_eb_interval_coverage_by_simulation():
    rng = np.random.default_rng(11)
    nodes = 600
    true_rate = rng.beta(4.0, 12.0, nodes)
    trials = rng.integers(3, 60, nodes)
    hits = rng.binomial(trials, true_rate)
    prior = fit_beta_prior(hits, trials)
    assert prior.mean == pytest.approx(0.25, abs=0.03)
    out = shrunken_rates(hits, trials, prior)
    coverage = np.mean((out["eb_rate_low"] <= true_rate) & (true_rate <= out["eb_rate_high"]))
    assert 0.92 <= coverage <= 0.98


def test_no_spread_shrinks_everything_to_the_pooled_rate():
    prior = fit_beta_prior(np.array([10, 20, 30]), np.array([100, 200, 300]))
    assert prior.mean == pytest.approx(0.1, abs=1e-3)
    assert prior.strength > 1e4


def test_nodes_without_decided_urls_have_no_rate_and_no_rank():
    status = pd.concat([_status({"a.com": (5, 20), "b.com": (15, 20)}), pd.DataFrame({"domain": ["c.com"], "decided": [False], "non_removed": [False]})])
    table = ranking(node_rates(status, "domain")[0])
    assert table["node"].tolist() == ["b.com", "a.com", "c.com"]
    assert table["rank"].tolist()[:2] == [1, 2] and pd.isna(table["rank"].iloc[2])
    assert np.isnan(table.loc[2, "non_removal_rate_low"]) and table.loc[2, "urls"] == 1
