"""Plain-language sentences: hedged when the interval spans no change, honest about what was counted."""

from __future__ import annotations

import numpy as np

from research.i18n import catalogue
from research.trends.growth import AnnualGrowth
from research.trends.analysis import analyse_counts, trends_table
from research.trends.series import prepare_series
from research.trends.summary import format_percent, growth_sentence, series_summary

from tests.trends.trend_helpers import make_series


def growth(factor, low, high) -> AnnualGrowth:
    return AnnualGrowth(factor, low, high, float("nan"), float("nan"), float("nan"))


def test_interval_spanning_one_is_hedged():
    text = growth_sentence(growth(1.3, 0.9, 1.8), "Cases reported to police", "South Korea", "2020", "2023")
    assert "do not show a clear change" in text
    assert "+30%" in text and "−10%" in text and "+80%" in text
    assert "rose" not in text


def test_clear_rise_and_fall_are_stated_with_interval():
    up = growth_sentence(growth(1.5, 1.2, 1.9), "Reports received", "worldwide", "2020", "2024")
    assert "rose by about 50% a year between 2020 and 2024 (95% interval +20% to +90%)" in up
    down = growth_sentence(growth(0.8, 0.7, 0.95), "Reports received", "worldwide", "2020", "2024")
    assert "fell by about 20% a year" in down


def test_summary_mentions_partial_periods_few_points_break_and_not_prevalence():
    series = prepare_series(make_series([100, 140, 120], exposure_days=[365, 365, 213], first_year=2022))
    text = series_summary(
        series,
        growth(1.2, 0.8, 1.7),
        indicator="Deepfake cases reported to police",
        place="South Korea",
        counted="cases",
        publisher="KNPA",
        family="poisson",
        segment=1,
        n_segments=2,
    )
    assert "1 of the 3 periods cover only part of a year (Jan 2024–Jul 2024)" in text
    assert "Only 3 periods are available" in text
    assert "counted changed before 2022-01-01" in text
    assert "These are cases recorded by KNPA" in text and "not a measure of prevalence" in text
    assert "prevalence" not in text.replace("not a measure of prevalence", "")


def test_every_fitted_row_has_a_sentence_naming_what_was_counted(small_counts):
    table = trends_table(analyse_counts(small_counts))
    for row in table.itertuples():
        assert row.summary, row.series_id
        if row.status == "fitted":
            assert f"These are {row.counted} recorded by" in row.summary


def test_percent_format():
    assert format_percent(93.2) == "93%"
    assert format_percent(4.56) == "4.6%"
    assert format_percent(-12.4, signed=True) == "−12%"


def test_catalogue_has_no_empty_messages():
    messages = catalogue("trends", "en")
    assert messages and all(isinstance(v, str) and v.strip() for v in messages.values())


def test_two_periods_give_a_rate_ratio_not_a_growth_rate():
    rows = make_series([20_500_000, 21_350_000], first_year=2024)
    row = trends_table(analyse_counts(rows)).iloc[0]
    assert row["status"] == "rate_ratio" and np.isnan(row["growth_factor"])
    assert "too few periods for a growth rate" in row["summary"]
    assert "times as many as 2024-01-01..2024-12-31" in row["summary"]
    assert row["rate_ratio_low"] < row["rate_ratio"] < row["rate_ratio_high"]
