"""Growth of two series is compared with an interaction model; the growth table sorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.errors import InputError
from research.trends.analysis import analyse_counts, trends_table
from research.trends.compare import compare_growth, growth_table
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series


def test_interaction_recovers_the_ratio_of_growth_factors():
    a = prepare_series(make_series(np.round(1000 * 1.1 ** np.arange(6))))
    b = prepare_series(make_series(np.round(200 * 1.5 ** np.arange(6))).assign(series_id="B"))
    result = compare_growth(a, b)
    assert result.ratio == pytest.approx(1.5 / 1.1, rel=0.01)
    assert result.p_value < 0.001
    assert result.ratio_low < 1.5 / 1.1 < result.ratio_high


def test_same_growth_is_not_called_different():
    a = prepare_series(make_series(np.round(1000 * 1.2 ** np.arange(6))))
    b = prepare_series(make_series(np.round(50 * 1.2 ** np.arange(6))).assign(series_id="B"))
    result = compare_growth(a, b)
    assert result.ratio == pytest.approx(1.0, abs=0.02)
    assert result.p_value > 0.5


def test_comparison_uses_common_years_only(small_counts):
    kr = prepare_series(small_counts[small_counts["series_id"] == "KR_KNPA_DEEPFAKE_CASES"])
    ncmec = prepare_series(small_counts[small_counts["series_id"] == "ncmec_online_enticement_reports"])
    result = compare_growth(kr, ncmec)
    assert (result.first_year, result.last_year, result.n_points) == (2021, 2024, 8)
    assert result.model == "quasi_poisson"


def test_comparison_refuses_without_overlap():
    a = prepare_series(make_series([10, 20, 30], first_year=2000))
    b = prepare_series(make_series([10, 20, 30], first_year=2010).assign(series_id="B"))
    with pytest.raises(InputError, match="too few periods in common"):
        compare_growth(a, b)


def test_growth_table_sorts_fitted_rows(small_counts):
    table = growth_table(trends_table(analyse_counts(small_counts)))
    assert table["growth_factor"].is_monotonic_decreasing
    assert set(table["series_id"]) == {"KR_KNPA_DEEPFAKE_CASES", "ncmec_online_enticement_reports", "ncmec_cybertipline_total_reports"}
    with pytest.raises(InputError):
        growth_table(trends_table(analyse_counts(small_counts)), sort_by="summary")


def test_comparisons_table_runs_the_configured_pair_and_same_span_pairs(small_counts):
    from research.trends.compare import comparisons_table, same_span_pairs

    results = analyse_counts(small_counts)
    table = comparisons_table(results, automatic=False)
    assert table[["series_a", "series_b", "chosen_by", "status"]].values.tolist() == [["KR_KNPA_DEEPFAKE_CASES", "ncmec_online_enticement_reports", "configured", "compared"]]
    direct = compare_growth(*(r.series for r in results if r.series_id in ("KR_KNPA_DEEPFAKE_CASES", "ncmec_online_enticement_reports") and r.status == "fitted"))
    assert table["growth_ratio"].iloc[0] == pytest.approx(direct.ratio)
    assert table["p_value_holm"].iloc[0] == pytest.approx(direct.p_value)  # one test: no adjustment
    # Two series of one country counting the same thing over the same years are paired; a pair
    # named in the configuration whose series is not fitted is skipped.
    a = make_series([10, 14, 19, 25])
    b = make_series([30, 33, 35, 41]).assign(series_id="TEST_B")
    c = make_series([30, 33, 35, 41]).assign(series_id="TEST_C", counted="reports")
    pairs_results = analyse_counts(pd.concat([a, b, c], ignore_index=True))
    assert same_span_pairs(pairs_results) == [("TEST", "TEST_B")]
    table = comparisons_table(pairs_results, configured=[("TEST", "MISSING")])
    assert table["chosen_by"].tolist() == ["same_span"]
