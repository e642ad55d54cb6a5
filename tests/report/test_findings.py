"""Findings from hand-made tables: hedged trends, concentration levels, number formats."""

from __future__ import annotations

import pandas as pd

from research.report.findings import concentration_findings, format_number, format_share, funnel_finding, trend_findings


def test_interval_across_one_is_hedged_and_refused_rows_left_out():
    trends = pd.DataFrame(
        {
            "series_id": ["A", "B", "C"], "indicator": ["a", "b", "c"], "n_points": [5, 4, 3],
            "growth_factor": [1.5, 1.1, float("nan")], "growth_factor_low": [1.2, 0.9, float("nan")], "growth_factor_high": [1.9, 1.3, float("nan")],
        }
    )
    found = trend_findings(trends)
    assert [f.key for f in found] == ["trend-A", "trend-B"]
    assert "factor of 1.50 per year (95% interval 1.20 to 1.90)" in found[0].text
    assert "consistent with no change" in found[1].text


def test_concentration_names_each_level_in_words():
    table = pd.DataFrame({"level": ["domain", "hosting_provider"], "k": [5, 5], "share": [0.172, 0.5], "gini": [0.74, 0.9]})
    texts = [f.text for f in concentration_findings(table, "id")]
    assert texts[0].startswith("5 situs (domain) teratas menampung 17,2%")
    assert "penyedia hosting" in texts[1]


def test_funnel_share_and_interval():
    finding = funnel_finding(200, 50, 0.19, 0.31)
    assert finding.numbers == ("200", "50", "25.0%", "19.0%", "31.0%") and finding.synthetic


def test_language_separators():
    assert format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert format_number(1234567.891, "id", 2) == "1.234.567,89"
    assert format_share(0.3085, "id") == "30,9%"
