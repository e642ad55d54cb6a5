"""Same-tier conflicts: the fits are run with each value, side by side in trend_sensitivity.csv."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.counts import clean_counts
from research.trends.analysis import analyse_counts, trends_table
from research.trends.sensitivity import SENSITIVITY_COLUMNS, alternative_rows, parse_unresolved, sensitivity_table

from tests.clean.test_counts_rules import figures


def yearly(values: dict[int, str], tier: str = "1") -> list[dict]:
    return [{"series_id": "S", "value": v, "period_start": f"{y}-01-01", "period_end": f"{y}-12-31", "source_tier": tier} for y, v in values.items()]


def test_parse_unresolved_reads_values_and_figure_ids():
    assert parse_unresolved("153600=F0679;150000=F0700,F0701") == [(153600.0, "F0679"), (150000.0, "F0700,F0701")]
    assert parse_unresolved("") == [] and parse_unresolved(float("nan")) == []


def test_a_same_tier_conflict_is_fitted_both_ways():
    rows = yearly({2018: "100", 2019: "120", 2020: "150", 2021: "170", 2022: "200"})
    rows.append({"series_id": "S", "value": "400", "period_start": "2022-01-01", "period_end": "2022-12-31", "source_tier": "1"})
    counts = clean_counts(figures(*rows)).counts
    results = analyse_counts(counts)
    table = sensitivity_table(counts, results)
    assert list(table.columns) == SENSITIVITY_COLUMNS
    assert table["variant"].tolist() == ["kept", "alternative_1"]
    kept, other = table.iloc[0], table.iloc[1]
    assert kept["growth_factor"] == pytest.approx(trends_table(results).iloc[0]["growth_factor"])
    assert "2022-01-01..2022-12-31" in kept["values"] and "2022-01-01..2022-12-31" in other["values"]
    # 200 against 400 in the last year: the growth differs, and the table shows by how much.
    assert abs(other["growth_factor"] - kept["growth_factor"]) > 0.1
    assert "trend_sensitivity.csv" in trends_table(results).iloc[0]["notes"]


def test_a_lower_tier_conflict_needs_no_sensitivity_row():
    rows = yearly({2018: "100", 2019: "120", 2020: "150", 2021: "170", 2022: "200"})
    rows.append({"series_id": "S", "value": "400", "period_start": "2022-01-01", "period_end": "2022-12-31", "source_tier": "3"})
    counts = clean_counts(figures(*rows)).counts
    assert sensitivity_table(counts, analyse_counts(counts)).empty


def test_a_running_total_fixes_the_piece_after_it():
    rows = pd.DataFrame({
        "series_id": "S", "period_start": ["2024-01-01", "2024-01-01", "2024-08-01"], "period_end": ["2024-07-31", "2024-07-31", "2024-09-10"],
        "value": [131.0, 131.0, 120.0], "derivation": ["reported", "ytd_difference", "ytd_difference"], "unresolved_values": ["113=F2", "", ""],
    })
    changed, used = alternative_rows(rows, 1)
    assert changed["value"].tolist() == [113.0, 113.0, 138.0]
    assert used == "2024-01-01..2024-07-31: 113 (F2)"
