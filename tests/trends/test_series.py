"""Bad input is refused with a reason naming the row; good input gets exposure and time columns."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import InputError
from research.trends.analysis import analyse_counts, trends_table
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series


def test_prepared_series_has_exposure_in_years_and_mid_period_time():
    rows = make_series([10, 20], exposure_days=[365, 181])
    series = prepare_series(rows)
    assert series["exposure_days"].tolist() == [365, 181]
    assert series["exposure_years"].iloc[1] == pytest.approx(181 / 365.25)
    assert series["t_mid"].iloc[0] == pytest.approx(2015.5, abs=0.01)
    assert series["partial"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("values", "words", "row"),
    [
        ([10, -3, 12], "negative", 2),
        ([10, 2.5, 12], "whole number", 2),
        ([7], "only one period", 1),
        ([0, 0, 9], "at least two periods with counts above zero", None),
        ([0, 0, 0], "at least two periods with counts above zero", None),
    ],
)
def test_bad_values_raise_input_error_naming_the_problem(values, words, row):
    with pytest.raises(InputError) as caught:
        prepare_series(make_series(values), file="counts.csv")
    assert words in str(caught.value)
    assert caught.value.file == "counts.csv"
    assert caught.value.row == row


def test_zeros_between_positive_counts_are_fitted():
    series = prepare_series(make_series([0, 4, 0, 9, 12]))
    assert series["count"].tolist() == [0, 4, 0, 9, 12]


def test_overlapping_periods_are_refused():
    rows = make_series([100, 300], exposure_days=[365, 365])
    rows.loc[1, "period_start"] = "2015-07-01"
    with pytest.raises(InputError, match="periods overlap"):
        prepare_series(rows)


def test_mixed_units_are_refused():
    rows = make_series([1, 2, 3])
    rows.loc[2, "unit"] = "percent"
    with pytest.raises(InputError, match="mixes several unit values"):
        prepare_series(rows)


def test_bad_series_become_refusal_rows_and_every_series_gets_a_row():
    good = make_series([10, 14, 19, 25])
    bad = make_series([5, -1, 7]).assign(series_id="NEG")
    single = make_series([5]).assign(series_id="ONE")
    share = make_series([40, 45]).assign(series_id="SHARE", unit="percent")
    table = trends_table(analyse_counts(pd.concat([good, bad, single, share], ignore_index=True), file="counts.csv"))
    status = dict(zip(table["series_id"], table["status"]))
    assert status == {"NEG": "refused", "ONE": "refused", "SHARE": "not_modelled", "TEST": "fitted"}
    reasons = dict(zip(table["series_id"], table["reason"]))
    assert "row 6" in reasons["NEG"] and "negative" in reasons["NEG"]
    assert table.loc[table["series_id"] == "NEG", "summary"].iloc[0].startswith("NEG (South Korea): no trend was estimated because")  # titles come from the catalogue (none here: the id)
    assert table["n_rows"].sum() == 4 + 3 + 1 + 2


def test_segments_are_never_fitted_together(small_counts):
    table = trends_table(analyse_counts(small_counts))
    ncmec = table.loc[table["series_id"] == "ncmec_cybertipline_total_reports"]
    assert ncmec["segment"].tolist() == [0, 1]
    assert ncmec["n_points"].tolist() == [4, 0]
    assert ncmec["last_period_end"].iloc[0] == "2023-12-31"
    assert "only one period" in ncmec["reason"].iloc[1]


def test_inexact_counts_are_excluded_and_counted():
    rows = make_series([10, 12, 15, 21])
    rows.loc[3, "value_qualifier"] = "approximate"
    table = trends_table(analyse_counts(rows))
    assert table["n_points"].iloc[0] == 3
    assert table["n_rows_excluded"].iloc[0] == 1


def test_sub_periods_inside_a_year_total_are_set_aside_and_reported():
    rows = make_series([156, 160, 180, 1202], first_year=2021)
    pieces = make_series([297, 148], first_year=2024).assign(period_start=["2024-01-01", "2024-08-01"], period_end=["2024-07-31", "2024-08-27"])
    table = trends_table(analyse_counts(pd.concat([rows, pieces], ignore_index=True)))
    assert table["status"].iloc[0] == "fitted"
    assert table["n_points"].iloc[0] == 4
    assert table["n_rows_excluded"].iloc[0] == 2
    assert table["notes"].iloc[0] == "2 sub-period row(s) set aside inside longer periods: 2024-01-01..2024-07-31, 2024-08-01..2024-08-27"


def test_provisional_periods_are_named_in_the_trends_table():
    from research.trends.analysis import analyse_counts, trends_table
    from tests.trends.trend_helpers import make_series

    counts = make_series([100, 120, 150, 170, 200])
    counts.loc[4, "flags"] = "provisional"
    row = trends_table(analyse_counts(counts)).iloc[0]
    assert row["provisional_periods"] == "2019-01-01..2019-12-31"
