"""Known breaks enter as level/slope changes."""

from __future__ import annotations

import numpy as np
import pytest

from research.trends.breaks import fit_known_break
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
