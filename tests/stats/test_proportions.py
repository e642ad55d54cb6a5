"""Binomial intervals: the audit's exact bounds, the choice rule, coverage by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from research.stats.proportions import SMALL_SAMPLE, interval_methods, proportion_intervals


def test_clopper_pearson_bounds_of_the_two_channel_audit():
    # 25 of 25 removed: lower bound (alpha/2)^(1/25); 0 of 25: upper bound 1 − (alpha/2)^(1/25).
    result = proportion_intervals([25, 0], [25, 25])
    assert list(result.method) == ["clopper_pearson", "clopper_pearson"]
    assert result.low[0] == pytest.approx(0.025 ** (1 / 25), rel=1e-9) and result.low[0] >= 0.863 - 5e-4
    assert result.high[1] == pytest.approx(1 - 0.025 ** (1 / 25), rel=1e-9) and result.high[1] <= 0.137 + 5e-4
    assert result.high[0] == 1.0 and result.low[1] == 0.0


def test_auto_rule_wilson_for_large_inner_counts_only():
    methods = interval_methods(np.array([30, 0, 5, 0]), np.array([100, 100, SMALL_SAMPLE - 1, 0]))
    assert list(methods) == ["wilson", "clopper_pearson", "clopper_pearson", ""]
    forced = proportion_intervals([30], [100], method="clopper_pearson")
    wilson = proportion_intervals([30], [100], method="wilson")
    assert forced.high[0] - forced.low[0] > wilson.high[0] - wilson.low[0]  # exact is wider
    with pytest.raises(ValueError, match="interval method"):
        proportion_intervals([1], [2], method="wald")


def test_a_forced_method_names_itself_wherever_there_are_trials():
    methods = interval_methods(np.array([3, 0, 7]), np.array([10, 0, 7]), method="wilson")
    assert list(methods) == ["wilson", "", "wilson"] and methods.dtype == object


def test_no_trials_no_share():
    result = proportion_intervals([0], [0])
    assert np.isnan(result.share[0]) and np.isnan(result.low[0]) and result.tidy()["interval_method"].iloc[0] == ""


@pytest.mark.parametrize(("p", "n"), [(0.1, 12), (0.5, 25), (0.3, 200)])
def test_auto_intervals_cover_by_simulation(p, n):
    rng = np.random.default_rng(int(p * 1000) + n)
    k = rng.binomial(n, p, 4000)
    result = proportion_intervals(k, np.full(len(k), n))
    coverage = np.mean((result.low <= p) & (p <= result.high))
    assert coverage >= 0.93, coverage
