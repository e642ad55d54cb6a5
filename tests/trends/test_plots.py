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
    assert ax.get_ylabel() == "reports recorded per day"  # issue 11: a per-day axis, never annualised


def test_cjk_titles_draw_no_missing_glyph_warning(small_counts, tmp_path, monkeypatch):
    import warnings

    from matplotlib.font_manager import FontProperties, findfont, get_font

    import research.plots.trends as plots
    from research.plots.style import has_cjk_font
    from research.plots.trends import figure_title

    korean = small_counts.assign(indicator=small_counts["indicator"].where(small_counts["series_id"] != "KR_KNPA_DEEPFAKE_CASES", "허위영상물 발생건수 (deepfake crime occurrences)"))
    results = [r for r in analyse_counts(korean) if r.series_id == "KR_KNPA_DEEPFAKE_CASES"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would raise here
        written = save_trend_figures(results, tmp_path)
    assert len(written) == 3
    # Changed by issue 13: with the CJK font installed (make fonts) no glyph is stripped.
    assert has_cjk_font()
    assert figure_title("허위영상물 발생건수 (deepfake crime occurrences)", "KR_X") == "허위영상물 발생건수 (deepfake crime occurrences)"
    # Without it, the characters it cannot draw are dropped rather than drawn as empty boxes.
    latin = frozenset(get_font(findfont(FontProperties(family="DejaVu Sans"))).get_charmap())
    monkeypatch.setattr(plots, "_font_charmap", lambda weight="normal": latin)
    assert figure_title("허위영상물 발생건수 (deepfake crime occurrences)", "KR_X") == "deepfake crime occurrences"
    assert figure_title("Voyeuristic filming (盗撮; prefectural ordinances) cases", "JP_X") == "Voyeuristic filming (prefectural ordinances) cases"
    assert figure_title("사이버성폭력 검거인원 total", "KR_CYBERSV_ARRESTED") == "KR_CYBERSV_ARRESTED"
    assert figure_title("Reports received", "X") == "Reports received"


def test_figure_cache_reuses_unchanged_figures_and_redraws_changed_ones(small_counts, tmp_path, monkeypatch):
    import research.plots.trends as plots

    drawn = []
    original = plots.trend_figure
    monkeypatch.setattr(plots, "available_cpus", lambda: 1)  # drawn here, so that this process sees the calls
    monkeypatch.setattr(plots, "trend_figure", lambda group, lang="en": drawn.append(group[0].series_id) or original(group, lang))
    cache = tmp_path / "cache.json"
    first = save_trend_figures(analyse_counts(small_counts), tmp_path, cache_file=cache)
    assert len(drawn) == 3
    again = save_trend_figures(analyse_counts(small_counts), tmp_path, cache_file=cache)
    assert len(drawn) == 3 and sorted(again) == sorted(first)
    changed = small_counts.copy()
    changed.loc[changed["series_id"] == "ncmec_online_enticement_reports", "value"] += 1
    save_trend_figures(analyse_counts(changed), tmp_path, cache_file=cache)
    assert drawn[3:] == ["ncmec_online_enticement_reports"]
    # A figure file edited by hand is drawn again.
    (tmp_path / "KR_KNPA_DEEPFAKE_CASES.svg").write_text("edited")
    save_trend_figures(analyse_counts(changed), tmp_path, cache_file=cache)
    assert drawn[4:] == ["KR_KNPA_DEEPFAKE_CASES"]


def test_figures_drawn_at_the_same_time_are_the_files_drawn_one_after_another(small_counts, tmp_path, monkeypatch):
    import research.plots.trends as plots

    results = analyse_counts(small_counts)
    monkeypatch.setattr(plots, "available_cpus", lambda: 1)
    alone = save_trend_figures(results, tmp_path / "one", cache_file=tmp_path / "one.json")
    monkeypatch.setattr(plots, "available_cpus", lambda: 2)
    together = save_trend_figures(results, tmp_path / "two", cache_file=tmp_path / "two.json")
    assert [p.relative_to(tmp_path / "one") for p in alone] == [p.relative_to(tmp_path / "two") for p in together] and len(alone) == 9
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(alone, together))
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()  # names and sha256 of the files


def test_an_intervention_shared_by_segments_is_marked_once():
    from tests.trends.test_interventions import REGISTRY, crackdown_counts

    from research.plots.trends import trend_figure

    counts = crackdown_counts()
    later = counts.iloc[[7, 8, 7, 8]].assign(segment=1, period_start=[f"{y}-01-01" for y in range(2025, 2029)], period_end=[f"{y}-12-31" for y in range(2025, 2029)], value=[300, 310, 330, 320])
    results = analyse_counts(pd.concat([counts, later], ignore_index=True), interventions=REGISTRY)
    assert all(r.effects for r in results)
    labels = [t.get_text() for t in trend_figure(results).axes[0].get_legend().get_texts()]
    assert labels.count("Special crackdown on test crimes") == 1


def test_y_axis_is_set_by_the_data_not_the_interval_band():
    import pytest

    from research.plots.trends import DATA_MARGIN
    from tests.trends.trend_helpers import make_series

    results = analyse_counts(make_series([100, 130, 90, 400]))
    ax = trend_figure(results).axes[0]
    assert ax.get_ylim()[1] == pytest.approx(400 / 365 * DATA_MARGIN, rel=0.01)  # counts per day of a 365-day year


def test_the_reports_series_are_drawn_in_every_language_with_catalogue_titles(small_counts, tmp_path):
    from research.clean.series_catalogue import read_series_catalogue
    from research.config import paths
    from research.pipeline.s20_trends import translated_figures
    from research.plots.trends import in_language
    from tests.report.chromium import svg_title

    catalogue = read_series_catalogue(paths().raw / "series.csv")
    results = analyse_counts(small_counts)
    written = translated_figures(results, tmp_path, catalogue, ("ja", "ko"), ("KR_KNPA_DEEPFAKE_CASES",))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "ja/KR_KNPA_DEEPFAKE_CASES.png", "ja/KR_KNPA_DEEPFAKE_CASES.svg", "ko/KR_KNPA_DEEPFAKE_CASES.png", "ko/KR_KNPA_DEEPFAKE_CASES.svg"]
    title, fonts = svg_title(tmp_path / "ja" / "KR_KNPA_DEEPFAKE_CASES.svg")
    assert title == catalogue.set_index("series_id").loc["KR_KNPA_DEEPFAKE_CASES", "title_ja"]
    assert any(font.startswith("NotoSansCJK") for font in fonts)
    # Only the words change: the numbers drawn are the same fit's.
    [korean] = [r for r in in_language(results, catalogue, "ko") if r.series_id == "KR_KNPA_DEEPFAKE_CASES"]
    [english] = [r for r in results if r.series_id == "KR_KNPA_DEEPFAKE_CASES"]
    assert korean.fit is english.fit and korean.meta["counted"] == "사건" and english.meta["counted"] == "cases"


def test_short_pieces_are_per_day_provisional_points_marked_and_breaks_at_their_dates():
    import pytest

    from research.plots.trends import SET_ASIDE_COLOUR, contiguous_runs
    from tests.trends.trend_helpers import make_series

    counts = make_series([400, 420, 460, 500, 30], exposure_days=[366, 365, 365, 365, 11], first_year=2020)
    counts.loc[4, "flags"] = "provisional"
    counts.loc[4, ["period_start", "period_end"]] = ["2024-01-01", "2024-01-11"]
    counts["break_ids"] = ["", "", "", "B1", "B1"]
    registry = pd.DataFrame([{"break_id": "B1", "series_pattern": "TEST", "date": "2023-03-01", "kind": "definition", "what_changed": "law change: wider"}])
    ax = trend_figure(analyse_counts(counts, interventions=registry)).axes[0]
    markers = {line.get_marker(): line for line in ax.get_lines() if line.get_marker() not in ("None", "", None)}
    # The 11-day piece sits at 30/11 a day, not annualised to about 1,000 a year.
    assert markers["D"].get_ydata()[0] == pytest.approx(30 / 11)
    assert "provisional figure" in [t.get_text() for t in ax.get_legend().get_texts()]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert [pd.Timestamp(line.get_xdata()[0]).date().isoformat() for line in dotted] == ["2023-03-01"]
    # A gap (2024-01-12 onwards is missing between pieces) splits the joining line.
    rows = pd.DataFrame({"start": pd.to_datetime(["2020-01-01", "2021-01-01", "2023-01-01"]), "end": pd.to_datetime(["2020-12-31", "2021-12-31", "2023-12-31"])})
    assert [len(r) for r in contiguous_runs(rows)] == [2, 1]
    assert SET_ASIDE_COLOUR


def test_the_joinpoint_segments_are_drawn_when_there_are_several():
    import numpy as np
    import pytest

    from research.plots.trends import joinpoint_line
    from tests.trends.test_joinpoint import two_phase
    from tests.trends.trend_helpers import make_series

    results = analyse_counts(make_series(two_phase(), first_year=2000))
    assert results[0].joinpoints.k >= 1
    line = joinpoint_line(results[0])
    # Fast growth then slow: the drawn rate per day rises about ×1.5 a year early and ×1.05 late.
    early, late = line.iloc[:10]["rate"].to_numpy(), line.iloc[-10:]["rate"].to_numpy()
    span_early = (line["date"].iloc[9] - line["date"].iloc[0]).days / 365.25
    span_late = (line["date"].iloc[-1] - line["date"].iloc[-10]).days / 365.25
    assert (early[-1] / early[0]) ** (1 / span_early) == pytest.approx(1.5, abs=0.02)
    assert (late[-1] / late[0]) ** (1 / span_late) == pytest.approx(1.05, abs=0.02)
    labels = [t.get_text() for t in trend_figure(results).axes[0].get_legend().get_texts()]
    assert any(label.startswith("joinpoint model (") for label in labels)
    assert joinpoint_line(analyse_counts(make_series(np.round(200 * 1.1 ** np.arange(5))))[0]) is None
