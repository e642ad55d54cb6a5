"""The report's own figures: the lead figure per day with its seed counts labelled and its breaks dated."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from research.errors import ResearchError
from research.plots.per_day import garwood_interval, per_day_table
from research.report.breaks import BreakNote
from research.report import drawn

COUNTS = pd.DataFrame({
    "series_id": ["KR_KNPA_DEEPFAKE_CASES"] * 4,
    "value": [156.0, 297.0, 1202.0, 148.0],
    "value_qualifier": ["exact"] * 4,
    "period_start": ["2021-01-01", "2024-01-01", "2024-01-01", "2024-08-01"],
    "period_end": ["2021-12-31", "2024-07-31", "2024-12-31", "2024-08-27"],
    "publishers": ["KNPA"] * 4,
})
NOTES = [BreakNote("2024-08-28", "B09", "intervention", "crackdown", "", ""), BreakNote("2024-10-16", "B07", "legal", "law", "", "")]


def test_per_day_table_divides_by_days_and_gives_exact_intervals():
    table = per_day_table(COUNTS.iloc[:2])
    assert table["days"].tolist() == [365, 213]
    assert table["rate"].round(4).tolist() == [round(156 / 365, 4), round(297 / 213, 4)]
    low, high = garwood_interval([0, 10])
    assert low[0] == 0 and round(float(high[0]), 3) == 3.689 and round(float(low[1]), 3) == 4.795


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lead_figure_labels_the_seed_counts_and_marks_the_breaks(lang):
    found = drawn.lead_figure(COUNTS, NOTES, lang)
    ax = found.figure.axes[0]
    texts = [t.get_text() for t in ax.texts]
    # The year total 1202 holds the other 2024 pieces, so only the finest periods are drawn.
    assert found.table["value"].tolist() == [156.0, 297.0, 148.0]
    assert any("156" in t and "2021" in t for t in texts) and any("297" in t and "2024" in t for t in texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("2024-08-28" in t for t in legend) and any("2024-10-16" in t for t in legend)
    top = ax.get_ylim()[1]
    assert top < found.table["cases_per_day_high"].max() * 2  # the axis follows the data, not a band
    if lang == "ko":
        assert "하루당" in ax.get_title(loc="left")
    plt.close(found.figure)


def test_cjk_figure_refused_without_the_font(monkeypatch):
    monkeypatch.setattr(drawn, "has_cjk_font", lambda: False)
    with pytest.raises(ResearchError, match="fonts"):
        drawn.lead_figure(COUNTS, NOTES, "ja")
    drawn.require_font("en")  # Latin text needs no CJK font
