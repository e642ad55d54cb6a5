"""Trend figures: one per series with enough data, byte-identical across saves."""

from __future__ import annotations

import hashlib

import pandas as pd

from research.plots.trends import save_trend_figures, trend_figure
from research.trends.analysis import analyse_counts


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_figures_are_byte_identical_across_two_saves(small_counts, tmp_path):
    results = analyse_counts(small_counts)
    first = save_trend_figures(results, tmp_path / "a")
    second = save_trend_figures(results, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert {p.suffix for p in first} == {".png", ".svg", ".pdf"}
    for a, b in zip(first, second):
        assert digest(a) == digest(b), a.name


def test_only_series_with_a_fitted_segment_of_three_points_get_figures(small_counts, tmp_path):
    written = save_trend_figures(analyse_counts(small_counts), tmp_path)
    stems = sorted({p.stem for p in written})
    assert stems == ["KR_KNPA_DEEPFAKE_CASES", "ncmec_cybertipline_total_reports", "ncmec_online_enticement_reports"]


def test_segments_are_drawn_apart_with_break_marker_and_source_caption(small_counts):
    results = [r for r in analyse_counts(small_counts) if r.series_id == "ncmec_cybertipline_total_reports"]
    fig = trend_figure(results)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "definition changed" in labels
    # The connecting line of each segment stays inside it: no line reaches from 2023 into 2024.
    connectors = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) > 1 and line.get_marker() in ("None", "", None)]
    spans = sorted((pd.Timestamp(min(line.get_xdata())), pd.Timestamp(max(line.get_xdata()))) for line in connectors if line.get_color() != "#000000")
    assert spans
    assert all(not (low.year <= 2023 and high.year >= 2024) for low, high in spans)
    caption = " ".join(t.get_text() for t in fig.texts)
    assert "Source: NCMEC" in caption and "not a measure of prevalence" in caption
    assert ax.get_ylabel() == "reports recorded per year"
