"""Growth of two series is compared with an interaction model; the growth table sorts."""

from __future__ import annotations

import numpy as np
import pytest

from research.errors import InputError
from research.trends.analysis import analyse_counts, trends_table
from research.trends.compare import compare_growth, growth_table
from research.trends.series import prepare_series

from trend_helpers import make_series


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
    assert result.model == "negative_binomial"


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
