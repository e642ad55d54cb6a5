"""Time to removal: observed vs undated removals, Kaplan–Meier by hand, the method rule, log-rank."""

from __future__ import annotations

import numpy as np
import pytest

from research.takedowns.survival import estimation_method, km_curves, km_on_grid, logrank_test, median_times, removal_times, time_to_removal

from tests.takedowns.takedown_logs import cleaned

# Six URLs: removed after 1, 2, 3 and 5 days; still online at checks on days 2 and 4.
ROWS = [
    ("F1", "u1", "a.com", "removed", 0, 9, 1, "police"),
    ("F1", "u2", "a.com", "removed", 0, 9, 2, "police"),
    ("F2", "u3", "b.com", "online", 0, 2, None, "police"),
    ("F2", "u4", "b.com", "removed", 0, 9, 3, "police"),
    ("F3", "u5", "c.com", "pending", 0, 4, None, "police"),
    ("F3", "u6", "c.com", "removed", 0, 5, None, "police"),  # removal date not recorded: gone by day 5
    ("F4", "u7", "d.com", "unknown", 0, 5, None, "police"),  # nothing observed: left out
]
# The same log with u6's removal dated on day 5.
DATED = [r if r[1] != "u6" else (*r[:6], 5, r[7]) for r in ROWS]


def test_times_events_and_censoring():
    times = removal_times(cleaned(ROWS)).set_index("url_id")
    assert "u7" not in times.index
    assert times["days"].to_dict() == pytest.approx({"u1": 1, "u2": 2, "u3": 2, "u4": 3, "u5": 4, "u6": 5})
    assert times["removed"].to_dict() == {"u1": 1, "u2": 1, "u3": 0, "u4": 1, "u5": 0, "u6": 1}
    assert times["event_at_check"].to_dict()["u6"] and not times["removal_dated"]["u6"]
    # u6 lies in (0, 5]; u3 is still online after 2 days; u1 was removed at exactly 1 day.
    assert (times.loc["u6", "lower_days"], times.loc["u6", "upper_days"]) == (0, 5)
    assert times.loc["u3", "lower_days"] == 2 and np.isinf(times.loc["u3", "upper_days"])
    assert times.loc["u1", "lower_days"] == times.loc["u1", "upper_days"] == 1


def test_kaplan_meier_by_hand():
    # S(1) = 5/6; S(2) = 5/6 · 4/5 = 2/3 (the URL censored at 2 is still at risk at 2);
    # S(3) = 2/3 · 2/3 = 4/9; S(5) = 4/9 · 0/1 = 0.
    curve = km_curves(removal_times(cleaned(DATED)), by=None)
    assert set(curve["method"]) == {"kaplan_meier"}
    assert curve["days"].tolist() == pytest.approx([0, 1, 2, 3, 5])
    assert curve["at_risk"].tolist() == [6, 6, 5, 3, 1]
    assert curve["censored"].tolist() == [0, 0, 1, 1, 0]
    assert curve["survival"].tolist() == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 0.0])
    inside = curve["survival"].between(0, 1, inclusive="neither")
    assert (curve.loc[inside, "survival_low"] < curve.loc[inside, "survival"]).all()
    assert (curve.loc[inside, "survival"] < curve.loc[inside, "survival_high"]).all()
    grid = km_on_grid(curve, (0.5, 2.5, 10))
    assert grid["survival"].tolist() == pytest.approx([1.0, 2 / 3])  # day 10 is past the last look: not read


def test_median_with_interval():
    medians = median_times(removal_times(cleaned(DATED)), by=None).iloc[0]
    assert medians["median_days"] == pytest.approx(3.0)  # first time S(t) ≤ 0.5
    assert (medians["urls"], medians["removed"], medians["censored"]) == (6, 4, 2)
    assert medians["method"] == "kaplan_meier" and medians["share_removal_dated"] == 1.0


def test_an_undated_removal_is_never_timed_at_its_check():
    times = removal_times(cleaned(ROWS))
    assert estimation_method(times) == "interval_censored"
    assert km_curves(times, by=None)["at_risk"].isna().iloc[1:].all()  # no Kaplan–Meier numbers at risk
    row = median_times(times, by=None).iloc[0]
    assert row["method"] == "interval_censored" and row["share_removal_dated"] == pytest.approx(3 / 4)


def test_no_removal_dates_no_kaplan_meier_median():
    # Twenty URLs checked on days 1..20, removed by the check on the even days: current status.
    rows = [(f"F{i}", f"u{i}", "a.com", "removed" if i % 2 == 0 else "online", 0, i, None, "police") for i in range(1, 21)]
    table = time_to_removal(removal_times(cleaned(rows)), by=None)
    assert set(table["method"]) == {"current_status"} and table["share_removal_dated"].eq(0).all()
    nonparametric = table[table["model"] == "nonparametric"].iloc[0]
    assert np.isnan(nonparametric["median_low"])  # the NPMLE's median has no simple interval
    assert set(table["model"]) == {"nonparametric", "lognormal", "weibull", "loglogistic"}
    assert km_curves(removal_times(cleaned(rows)), by=None)["method"].eq("current_status").all()


def test_checks_on_the_request_day_tell_nothing():
    rows = [(f"F{i}", f"u{i}", "a.com", "removed", 0, 0, None, "copyright_notice") for i in range(12)]
    table = time_to_removal(removal_times(cleaned(rows)), by="channel")
    assert table["method"].tolist() == ["not_estimable"] and table["median_days"].isna().all()
    assert km_curves(removal_times(cleaned(rows)), by="channel").empty


def test_logrank_separates_fast_and_slow_channels():
    rng = np.random.default_rng(1)
    rows = [(f"F{i}", f"u{i}", "a.com", "removed", 0, 400, float(d), ch) for i, (d, ch) in enumerate(
        [(x, "platform_report") for x in rng.exponential(3, 60)] + [(x, "legal_notice") for x in rng.exponential(30, 60)]
    )]
    test = logrank_test(removal_times(cleaned(rows)), "channel").iloc[0]
    assert test["df"] == 1 and test["p_value"] < 0.001
    undated = [(*r[:6], None if i == 0 else r[6], r[7]) for i, r in enumerate(rows)]
    assert logrank_test(removal_times(cleaned(undated)), "channel").empty  # not on undated removals
