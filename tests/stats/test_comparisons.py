"""Tests between groups: Fisher's exact p of the audit, chi-square for more groups, effect intervals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import comb

from research.stats.comparisons import TIDY_COLUMNS, compare_shares


def test_fisher_exact_of_the_two_channel_audit():
    result = compare_shares(["copyright_notice", "ncii_report"], [25, 0], [25, 25], grouping="channel")
    row = result.tidy().iloc[0]
    assert list(result.tidy().columns) == TIDY_COLUMNS
    # Only the observed table and its mirror are as extreme: p = 2 / C(50, 25).
    assert row["p_value"] == pytest.approx(2 / comb(50, 25), rel=1e-9)
    assert row["p_value"] == pytest.approx(1.6e-14, rel=0.02)
    assert row["test"] == "fisher_exact" and row["difference"] == 1.0
    assert 0.8 < row["difference_low"] < 1.0 and row["difference_high"] == pytest.approx(1.0)
    assert np.isinf(row["odds_ratio"]) and row["odds_ratio_low"] > 10


def test_chi_square_for_three_groups_matches_scipy_and_warns_about_small_cells():
    k, n = np.array([5, 9, 2]), np.array([20, 18, 30])
    row = compare_shares(["a", "b", "c"], k, n).tidy().iloc[0]
    expected = stats.chi2_contingency(np.column_stack([k, n - k]), correction=False)
    assert row["test"] == "chi_square" and row["p_value"] == pytest.approx(expected.pvalue)
    assert row["df"] == 2 and 0 < row["cramers_v"] < 1
    assert "approximate" in row["note"]  # one expected count is below 5


def test_one_group_is_no_comparison():
    assert compare_shares(["a", "b"], [3, 0], [10, 0]) is None
