"""The featured finding (daily rate ratio of two named periods) and one title per series."""

from __future__ import annotations

import pandas as pd
import pytest

from research.report.featured import FeaturedRatio, featured_findings, period_label
from research.report.findings import retitle

SPEC = (FeaturedRatio("KR_CASES", ("2021-01-01", "2021-12-31"), ("2024-01-01", "2024-07-31")),)


def counts_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["KR_CASES", "KR_CASES", "KR_CASES", "OTHER"],
            "indicator": ["cases", "cases", "cases ytd", "x"],
            "value_qualifier": ["exact"] * 4,
            "value": [156.0, 160.0, 297.0, 297.0],
            "period_start": ["2021-01-01", "2022-01-01", "2024-01-01", "2024-01-01"],
            "period_end": ["2021-12-31", "2022-12-31", "2024-07-31", "2024-07-31"],
        }
    )


def trends_row(low: float, break_low: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["KR_CASES"], "segment": [0], "status": ["fitted"], "n_points": [3],
            "first_period_start": ["2021-01-01"], "last_period_end": ["2024-07-31"],
            "growth_factor": [1.5], "growth_factor_low": [low], "growth_factor_high": [2.5],
            "known_break": ["B09 2024-08-28 special crackdown: fitted"],
            "break_level_factor": [3.0], "break_level_low": [break_low], "break_level_high": [9.0],
        }
    )


def test_ratio_is_per_day_and_sentence_carries_the_interval():
    (finding,) = featured_findings(counts_table(), None, "en", SPEC)
    expected = (297 / 213) / (156 / 365)
    assert finding.numbers[0] == f"{expected:.2f}" == "3.26"
    low, high = finding.numbers[1], finding.numbers[2]
    assert float(low) < expected < float(high)
    assert f"3.26 times as many" in finding.text and "in Jan–Jul 2024 as in 2021" in finding.text
    assert f"(95% interval {low} to {high})" in finding.text
    assert finding.key == "featured-KR_CASES"


def test_growth_hedged_when_interval_includes_one_and_break_mentioned():
    (hedged,) = featured_findings(counts_table(), trends_row(0.8, 0.5), "en", SPEC)
    assert "includes no change, so these counts do not show a steady trend" in hedged.text
    assert "“special crackdown” began on 2024-08-28" in hedged.text and "but the 95% interval (0.50 to 9.00) includes no change" in hedged.text
    (clear,) = featured_findings(counts_table(), trends_row(1.2, 1.5), "en", SPEC)
    assert "a factor of 1.50 per year (95% interval 1.20 to 2.50)" in clear.text
    assert "3.00 times the earlier trend (95% interval 1.50 to 9.00)." in clear.text


def test_missing_or_conflicting_period_gives_no_finding():
    counts = counts_table()
    assert featured_findings(counts[counts["value"] != 156.0], None, "en", SPEC) == []
    twice = pd.concat([counts, counts.iloc[[0]].assign(value=150.0)])
    assert featured_findings(twice, None, "en", SPEC) == []


def test_indonesian_sentence_and_period_labels():
    (finding,) = featured_findings(counts_table(), None, "id", SPEC)
    assert "3,26 kali lipat" in finding.text and "interval 95%" in finding.text
    assert period_label(("2024-08-01", "2024-12-31"), "id") == "Agu–Des 2024"
    assert period_label(("2024-08-28", "2024-09-10")) == "2024-08-28–2024-09-10"


def test_titles_come_from_the_series_catalogue_not_the_indicator_wording():
    catalogue = pd.DataFrame({"series_id": ["A"], "title_en": ["Cases reported"], "title_id": ["Kasus dilaporkan"], "title_ja": ["届出件数"], "title_ko": ["신고 건수"]})
    trends = pd.DataFrame({"series_id": ["A", "Z"], "indicator": ["one-off first month; deepfake = 3.8%", "kept"]})
    assert retitle(trends, catalogue)["indicator"].tolist() == ["Cases reported", "Z"]
    assert retitle(trends, catalogue, "ja")["indicator"].tolist() == ["届出件数", "Z"]
    assert retitle(trends, None) is trends


@pytest.mark.parametrize("lang", ["en", "id"])
def test_build_puts_featured_first(project, lang):
    from research.report.build import gather_findings, read_inputs

    counts = pd.read_csv(project.processed / "counts.csv")
    extra = pd.DataFrame({"series_id": ["KR_TEST_CASES"], "country": ["KR"], "unit": ["count"], "value": [297.0],
                          "period_start": ["2024-01-01"], "period_end": ["2024-07-31"], "source_ids": ["F2"], "publishers": ["KNPA"]})
    pd.concat([counts, extra]).to_csv(project.processed / "counts.csv", index=False)
    spec = (FeaturedRatio("KR_TEST_CASES", ("2021-01-01", "2021-12-31"), ("2024-01-01", "2024-07-31")),)
    findings = gather_findings(read_inputs(project), lang, spec)
    assert findings[0].key == "featured-KR_TEST_CASES" and findings[0].numbers[0] in ("3.26", "3,26")
    assert any(f.key == "trend-KR_TEST_CASES" for f in findings)


def test_figure_title_uses_the_series_title_not_the_first_row():
    from research.report.figures import _title_from

    data = pd.DataFrame({"series_id": ["A", "A", "A"], "country": ["JP"] * 3, "indicator": ["first month only", "yearly", "yearly"]})
    catalogue = pd.DataFrame({"series_id": ["A"], "title_en": ["Cases per year, Japan"], "title_id": ["x"], "title_ja": ["x"], "title_ko": ["x"]})
    assert _title_from(data, catalogue) == "Cases per year, Japan"
    assert _title_from(data, None) == ""
