"""Interventions come from the break registry and are estimated on disjoint pieces as an ITS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.trends.analysis import analyse_counts, trends_table
from research.trends.breaks import Intervention, intervention_label, interventions_for
from research.trends.growth import rate_ratio
from research.trends.interventions import INTERVENTION_COLUMNS, intervention_effect, interventions_table
from research.trends.series import prepare_series

from tests.trends.trend_helpers import make_series

REGISTRY = pd.DataFrame(
    {
        "break_id": ["B01", "B09"],
        "series_pattern": ["OTHER*", "TEST*"],
        "date": ["2020-01-01", "2024-08-28"],
        "kind": ["definition", "intervention"],
        "marker": ["", ""],
        "what_changed": ["a definition change", "Special crackdown on test crimes from 28 August 2024 (to 31 March 2025): more attention"],
        "source_url": ["https://example.org/a", "https://example.org/b"],
    }
)


def crackdown_counts() -> pd.DataFrame:
    """100 a year in 2019–2023 and until 27 Aug 2024, then 300 a year: a level change of 3.

    The 2024 total (169) straddles the date; its pieces are 66 (240 days), 53 (65 days) and 50
    (61 days), i.e. 100, 298.7 and 299.5 a year.
    """
    years = make_series([100, 100, 100, 100, 100, 169], first_year=2019)
    pieces = make_series([66, 53, 50], first_year=2024).assign(
        period_start=["2024-01-01", "2024-08-28", "2024-11-01"], period_end=["2024-08-27", "2024-10-31", "2024-12-31"], period_kind="ytd_increment"
    )
    table = pd.concat([years, pieces], ignore_index=True)
    table["break_ids"] = ["", "", "", "", "", "B09", "", "B09", "B09"]
    return table


def surge_pieces() -> pd.DataFrame:
    """KNPA-like pieces: three years at ~0.45 a day, a January–July piece at 1.4, a surge in August
    before the date (5.5 a day), then ~10 a day after it."""
    starts = ["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01", "2024-08-01", "2024-08-28", "2024-09-11", "2024-09-26"]
    ends = ["2021-12-31", "2022-12-31", "2023-12-31", "2024-07-31", "2024-08-27", "2024-09-10", "2024-09-25", "2024-10-14"]
    rows = make_series([156, 160, 180, 297, 148, 68, 299, 109], first_year=2021).assign(period_start=starts, period_end=ends)
    return prepare_series(rows)


EVENT = Intervention("B09", "2024-08-28", "Special crackdown on test crimes")


def test_label_is_the_registry_text_before_its_explanation_and_date():
    assert intervention_label(REGISTRY["what_changed"].iloc[1]) == "Special crackdown on test crimes"


def test_only_interventions_marked_on_the_rows_are_used():
    marked = interventions_for(REGISTRY, crackdown_counts())
    assert [(i.break_id, i.date) for i in marked] == [("B09", "2024-08-28")]
    assert interventions_for(REGISTRY, crackdown_counts().assign(break_ids="")) == []
    assert interventions_for(None, crackdown_counts()) == []


def test_year_total_tiled_by_pieces_is_replaced_by_them():
    result = analyse_counts(crackdown_counts(), interventions=REGISTRY)[0]
    assert result.status == "fitted" and len(result.series) == 8
    assert "169" not in result.series["count"].astype(str).tolist()
    assert "tile them" in result.notes


def test_crude_ratio_is_the_exact_rate_ratio_of_the_pieces():
    effect = intervention_effect(surge_pieces(), EVENT)
    expected = rate_ratio(297 + 148, 240, 68 + 299 + 109, 48)
    assert (effect.crude.ratio, effect.crude.low, effect.crude.high) == pytest.approx((expected.ratio, expected.low, expected.high))
    assert effect.crude.low > 1  # a several-fold rise with a tight interval
    assert effect.straddling.empty


def test_pre_surge_check_finds_the_rise_before_the_date():
    effect = intervention_effect(surge_pieces(), EVENT)
    assert effect.pre_surge.ratio == pytest.approx((148 / 27) / (297 / 213))
    assert effect.pre_surge.low > 1
    assert "began before 2024-08-28" in effect.summary and "cannot be separated" in effect.summary


def test_trend_adjusted_ratio_uses_the_pre_period_only():
    pieces = surge_pieces()
    effect = intervention_effect(pieces, EVENT)
    changed = pieces.copy()
    changed.loc[changed["period_start"] >= "2024-08-28", "count"] *= 2  # post counts move the ratio, not the trend
    doubled = intervention_effect(changed, EVENT)
    assert doubled.trend_adjusted[0] == pytest.approx(2 * effect.trend_adjusted[0], rel=1e-9)
    ratio, low, high = effect.trend_adjusted
    assert low < ratio < high


def test_a_piece_containing_the_date_is_straddling_and_not_split():
    series = prepare_series(make_series([100, 100, 100, 120, 330], first_year=2020).assign(
        period_start=["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01", "2024-06-01"],
        period_end=["2020-12-31", "2021-12-31", "2022-12-31", "2024-05-31", "2025-05-31"]))
    event = Intervention("B09", "2024-01-15", "x")
    effect = intervention_effect(series, event)
    assert effect.straddling["period_start"].dt.date.astype(str).tolist() == ["2023-01-01"]
    assert effect.pre["period_end"].max() < pd.Timestamp("2024-01-15") <= effect.post["period_start"].min()
    assert "straddling the date (2023-01-01..2024-05-31)" in effect.summary


def test_no_rise_gives_an_interval_that_includes_one():
    rng = np.random.default_rng(7)
    days = np.array([365, 365, 365, 240, 60, 60])
    rows = make_series(rng.poisson(days * 2.0), first_year=2021).assign(
        period_start=["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01", "2024-08-28", "2024-10-27"],
        period_end=["2021-12-31", "2022-12-31", "2023-12-31", "2024-08-27", "2024-10-26", "2024-12-25"])
    effect = intervention_effect(prepare_series(rows), EVENT)
    assert effect.crude.low <= 1 <= effect.crude.high


def test_interventions_table_has_the_issue_columns_and_trends_row_links_it():
    results = analyse_counts(crackdown_counts(), interventions=REGISTRY)
    table = interventions_table([e for r in results for e in r.effects])
    assert list(table.columns) == INTERVENTION_COLUMNS
    row = table.iloc[0]
    assert (row["intervention_id"], row["pre_start"], row["pre_end"], row["post_start"]) == ("B09", "2024-01-01", "2024-08-27", "2024-08-28")
    assert row["rate_ratio"] == pytest.approx((103 / 126) / (66 / 240))
    trend = trends_table(results).iloc[0]
    assert trend["known_break"].startswith("B09 2024-08-28 Special crackdown on test crimes: estimated")
    assert trend["break_level_factor"] == pytest.approx(row["rate_ratio"])


def test_the_registry_date_is_the_one_used():
    moved = REGISTRY.assign(date=["2020-01-01", "2024-11-01"])
    effect = analyse_counts(crackdown_counts(), interventions=moved)[0].effects[0]
    assert effect.event.date == "2024-11-01" and len(effect.post) == 1


def test_without_a_registry_no_intervention_is_estimated():
    assert analyse_counts(crackdown_counts())[0].effects == []
