"""Known breaks enter as level/slope changes; the unknown-break search reports what it tried."""

from __future__ import annotations

import numpy as np
import pytest

from research.trends.breaks import fit_known_break, search_break
from research.trends.models import fit_count_model
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series


def test_known_level_change_is_recovered():
    # Flat 200 a year, then tripled from 2018 (leap-year exposures move the fit by < 1%).
    series = prepare_series(make_series([200, 200, 200, 600, 600, 600]))
    result = fit_known_break(series, "2018-01-01", "crackdown")
    assert result.status == "fitted"
    assert result.level_factor == pytest.approx(3.0, rel=0.01)
    assert result.level_low < 3.0 < result.level_high
    assert result.slope_change_factor == pytest.approx(1.0, abs=0.01)


def test_known_break_inside_an_observed_period_is_not_estimable():
    series = prepare_series(make_series([156, 160, 180, 1202], first_year=2021))
    result = fit_known_break(series, "2024-08-28", "KNPA special crackdown")
    assert result.fit is None
    assert result.status.startswith("not_estimable: the break falls inside the period 2024-01-01")


def test_search_finds_a_clear_break_and_reports_the_candidates():
    series = prepare_series(make_series([100, 105, 98, 102, 400, 420, 410, 430]))
    base = fit_count_model(series, family="poisson")
    search = search_break(series, base, min_segment=3)
    assert search.candidates == ("2018-01-01", "2019-01-01", "2020-01-01")
    assert search.best_date == "2019-01-01"
    assert search.kept and search.delta < -2
    assert "searched 3 dates 2018-01-01..2020-01-01" in search.describe()


def test_search_keeps_no_break_in_a_smooth_poisson_series():
    rng = np.random.default_rng(5)
    series = prepare_series(make_series(rng.poisson(50 * 1.1 ** np.arange(8))))
    base = fit_count_model(series)
    assert not search_break(series, base).kept


def test_search_is_refused_when_too_short():
    series = prepare_series(make_series([10, 12, 15, 18, 20]))
    search = search_break(series, fit_count_model(series), min_segment=3)
    assert search.candidates == ()
    assert search.describe() == "not_searched (5 points, 6 needed)"
