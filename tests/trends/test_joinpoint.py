"""Joinpoint segments: continuous log-linear pieces, the number chosen by BIC, APC and AAPC."""

from __future__ import annotations

import numpy as np
import pytest

from research.trends.analysis import analyse_counts, trends_table
from research.trends.joinpoint import AVERAGE_COLUMNS, SEGMENT_COLUMNS, aapc, averages_table, default_max_joinpoints, fit_joinpoints, placements, segments_table
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series


def two_phase(n_fast: int = 10, n_slow: int = 10) -> np.ndarray:
    """Fast growth (×1.5 a year) then slow growth (×1.05), meeting at one year: no noise."""
    fast = 1000 * 1.5 ** np.arange(n_fast)
    slow = fast[-1] * 1.05 ** np.arange(1, n_slow + 1)
    return np.round(np.r_[fast, slow])


def test_placements_keep_two_points_from_the_ends_and_between():
    assert placements(7, 1) == [(2,), (3,), (4,)]
    assert placements(9, 2) == [(2, 5), (2, 6), (3, 6)]
    assert (default_max_joinpoints(6), default_max_joinpoints(7), default_max_joinpoints(12), default_max_joinpoints(26)) == (0, 1, 2, 3)


def test_a_change_of_pace_is_found_where_it_is():
    series = prepare_series(make_series(two_phase(), first_year=2000))
    model = fit_joinpoints(series)
    assert model.k >= 1
    assert any(abs(tau - 2009.5) < 0.01 for tau in model.taus)
    rows = segments_table([model])
    assert list(rows.columns) == SEGMENT_COLUMNS
    assert rows["apc_percent"].iloc[0] == pytest.approx(50, abs=0.5)
    assert rows["apc_percent"].iloc[-1] == pytest.approx(5, abs=0.5)


def test_aapc_of_a_window_inside_one_segment_is_its_apc_and_whole_span_is_the_weighted_mean():
    series = prepare_series(make_series(two_phase(), first_year=2000))
    model = fit_joinpoints(series, max_joinpoints=1)
    rows = averages_table([model]).set_index("window")
    assert list(averages_table([model]).columns) == AVERAGE_COLUMNS
    last = segments_table([model]).iloc[-1]
    assert rows.loc["last_5_years", "aapc_percent"] == pytest.approx(last["apc_percent"])
    slopes = np.log1p(segments_table([model])["apc_percent"].to_numpy() / 100)
    first, tau, end = model.bounds()
    weighted = (slopes[0] * (tau - first) + slopes[1] * (end - tau)) / (end - first)
    assert rows.loc["whole_span", "aapc_percent"] == pytest.approx(100 * np.expm1(weighted))
    low, high = rows.loc["whole_span", ["aapc_percent_low", "aapc_percent_high"]]
    assert low < rows.loc["whole_span", "aapc_percent"] < high
    assert aapc(model, first, end)[0] == pytest.approx(rows.loc["whole_span", "aapc_percent"])


def test_a_smooth_poisson_series_keeps_one_segment_mostly():
    # BIC is not a 5% test: at 12 points it adds a joinpoint to about one smooth series in five
    # (docs/trends.md); a permutation test would hold that at 5%.
    rng = np.random.default_rng(8)
    kept = [fit_joinpoints(prepare_series(make_series(rng.poisson(200 * 1.1 ** np.arange(12))))).k for _ in range(40)]
    assert np.mean(np.array(kept) == 0) >= 0.7


def test_the_degrees_of_freedom_pay_for_the_joinpoint_locations():
    series = prepare_series(make_series(two_phase(), first_year=2000))
    model = fit_joinpoints(series, max_joinpoints=1)
    assert model.fit.df_resid == len(series) - 4


def test_trends_row_reports_the_choice_and_the_recent_window():
    counts = make_series(two_phase(13, 13) * np.r_[np.ones(13), np.ones(13)], first_year=1998)
    row = trends_table(analyse_counts(counts)).iloc[0]
    assert row["break_search"].startswith("joinpoints: ") and "chosen by BIC among 0–3" in row["break_search"]
    assert "over the last 5 years" in row["summary"]


def test_permutation_tests_hold_the_false_joinpoint_rate_near_five_percent():
    # Kim et al.'s (2000) sequential tests control the over-fitting probability at α = 0.05,
    # where BIC adds a joinpoint to about one smooth 12-point series in five (test above).
    rng = np.random.default_rng(8)
    kept = [fit_joinpoints(prepare_series(make_series(rng.poisson(200 * 1.1 ** np.arange(12)))), selection="permutation", n_permutations=99, seed=i).k
            for i in range(40)]
    assert np.mean(np.array(kept) > 0) <= 0.1


def test_permutation_tests_find_a_real_change_of_pace_and_report_it():
    rng = np.random.default_rng(3)
    series = prepare_series(make_series(rng.poisson(two_phase(8, 8)), first_year=2000))
    model = fit_joinpoints(series, selection="permutation", n_permutations=99)
    assert model.k >= 1
    assert any(abs(tau - 2007.5) < 1.01 for tau in model.taus)
    first = model.tests[0]
    assert first[:2] == (0, model.max_joinpoints) and first[2] < first[3]
    assert first[3] == pytest.approx(0.05 / model.max_joinpoints)
    assert "sequential permutation tests" in model.describe() and "99 permutations" in model.describe()
    assert set(segments_table([model])["selection"]) == {"permutation"}
    assert set(averages_table([model])["selection"]) == {"permutation"}


def test_permutation_choice_is_seeded():
    rng = np.random.default_rng(5)
    series = prepare_series(make_series(rng.poisson(300 * 1.08 ** np.arange(12)), first_year=2000))
    one = fit_joinpoints(series, selection="permutation", n_permutations=49)
    two = fit_joinpoints(series, selection="permutation", n_permutations=49)
    assert one.tests == two.tests
    assert fit_joinpoints(series).selection == "bic" and set(segments_table([fit_joinpoints(series)])["selection"]) == {"bic"}


def test_an_unknown_selection_is_refused():
    series = prepare_series(make_series(two_phase(), first_year=2000))
    with pytest.raises(ValueError, match="bic, permutation"):
        fit_joinpoints(series, selection="aic")
