"""Kaplan–Meier time to removal against a hand-computed example; censoring rules; log-rank."""

from __future__ import annotations

import numpy as np
import pytest

from research.takedowns.survival import km_curves, km_on_grid, logrank_test, median_times, removal_times

from tests.takedowns.takedown_logs import cleaned

# Six URLs: removed after 1, 2, 3 and 5 days; still online at checks on days 2 and 4.
ROWS = [
    ("F1", "u1", "a.com", "removed", 0, 9, 1, "police"),
    ("F1", "u2", "a.com", "removed", 0, 9, 2, "police"),
    ("F2", "u3", "b.com", "online", 0, 2, None, "police"),
    ("F2", "u4", "b.com", "removed", 0, 9, 3, "police"),
    ("F3", "u5", "c.com", "pending", 0, 4, None, "police"),
    ("F3", "u6", "c.com", "removed", 0, 5, None, "police"),  # removal date not recorded: event at check
    ("F4", "u7", "d.com", "unknown", 0, 5, None, "police"),  # nothing observed: left out
]


def test_times_events_and_censoring():
    times = removal_times(cleaned(ROWS)).set_index("url_id")
    assert "u7" not in times.index
    assert times["days"].to_dict() == pytest.approx({"u1": 1, "u2": 2, "u3": 2, "u4": 3, "u5": 4, "u6": 5})
    assert times["removed"].to_dict() == {"u1": 1, "u2": 1, "u3": 0, "u4": 1, "u5": 0, "u6": 1}
    assert times["event_at_check"].to_dict()["u6"]


def test_kaplan_meier_by_hand():
    # S(1) = 5/6; S(2) = 5/6 · 4/5 = 2/3 (the URL censored at 2 is still at risk at 2);
    # S(3) = 2/3 · 2/3 = 4/9; S(5) = 4/9 · 0/1 = 0.
    curve = km_curves(removal_times(cleaned(ROWS)), by=None)
    assert curve["days"].tolist() == pytest.approx([1, 2, 3, 5])
    assert curve["at_risk"].tolist() == [6, 5, 3, 1]
    assert curve["survival"].tolist() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0.0])
    inside = curve["survival"].between(0, 1, inclusive="neither")
    assert (curve.loc[inside, "survival_low"] < curve.loc[inside, "survival"]).all()
    assert (curve.loc[inside, "survival"] < curve.loc[inside, "survival_high"]).all()
    grid = km_on_grid(curve, (0.5, 2.5, 10))
    assert grid["survival"].tolist() == pytest.approx([1.0, 2 / 3, 0.0])


def test_median_with_interval():
    medians = median_times(removal_times(cleaned(ROWS)), by=None).iloc[0]
    assert medians["median_days"] == pytest.approx(3.0)  # first time S(t) ≤ 0.5
    assert (medians["urls"], medians["removed"], medians["censored"]) == (6, 4, 2)


def test_logrank_separates_fast_and_slow_channels():
    rng = np.random.default_rng(1)
    rows = [(f"F{i}", f"u{i}", "a.com", "removed", 0, 400, float(d), ch) for i, (d, ch) in enumerate(
        [(x, "platform_report") for x in rng.exponential(3, 60)] + [(x, "legal_notice") for x in rng.exponential(30, 60)]
    )]
    test = logrank_test(removal_times(cleaned(rows)), "channel").iloc[0]
    assert test["df"] == 1 and test["p_value"] < 0.001
