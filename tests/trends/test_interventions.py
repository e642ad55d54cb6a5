"""Interventions come from the break registry; a straddled date is estimated on the finer pieces."""

from __future__ import annotations

import pandas as pd
import pytest

from research.trends.analysis import analyse_counts, trends_table
from research.trends.breaks import intervention_label, interventions_for
from research.trends.series import finest_periods

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


def test_label_is_the_registry_text_before_its_explanation_and_date():
    assert intervention_label(REGISTRY["what_changed"].iloc[1]) == "Special crackdown on test crimes"


def test_only_interventions_marked_on_the_rows_are_used():
    marked = interventions_for(REGISTRY, crackdown_counts())
    assert [(i.break_id, i.date) for i in marked] == [("B09", "2024-08-28")]
    assert interventions_for(REGISTRY, crackdown_counts().assign(break_ids="")) == []
    assert interventions_for(None, crackdown_counts()) == []


def test_finest_periods_replace_the_year_total_by_its_pieces():
    atoms = finest_periods(crackdown_counts())
    assert atoms["period_start"].tolist()[-3:] == ["2024-01-01", "2024-08-28", "2024-11-01"]
    assert "169" not in atoms["value"].astype(str).tolist()
    assert len(atoms) == 8


def test_straddled_crackdown_is_estimated_on_the_pieces():
    result = analyse_counts(crackdown_counts(), interventions=REGISTRY)[0]
    assert result.status == "fitted" and len(result.series) == 6  # the growth fit keeps the year total
    brk = result.known_breaks[0]
    assert (brk.break_id, brk.basis, brk.n_points, brk.n_after) == ("B09", "sub_periods", 8, 2)
    assert brk.level_factor == pytest.approx(3.0, rel=0.03)
    assert brk.level_low < 3.0 < brk.level_high
    row = trends_table([result]).iloc[0]
    assert row["known_break"].startswith("B09 2024-08-28 Special crackdown on test crimes: fitted")
    assert row["break_basis"] == "sub_periods"
    assert "estimated from 8 shorter periods that do not overlap (2 of them after the date)" in result.summary
    assert "weak evidence" in result.summary


def test_the_registry_date_is_the_one_used():
    moved = REGISTRY.assign(date=["2020-01-01", "2024-11-01"])
    brk = analyse_counts(crackdown_counts(), interventions=moved)[0].known_breaks[0]
    assert brk.date == "2024-11-01" and brk.n_after == 1


def test_without_a_registry_no_break_is_fitted():
    assert analyse_counts(crackdown_counts())[0].known_breaks == []
