"""Main points: the stated rule, the published funnel's unknown-status range, breaks and page split."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import ResearchError
from research.report.build import build_reports, main_points, read_inputs
from research.report.mainpoints import (
    HeadlineSeries, MainPoint, latest_change, published_funnel, select_main_points,
)

REGISTRY = """break_id,series_pattern,date,kind,marker,what_changed,source_title,source_url,source_publisher,source_date
B01,ncmec_*report*,2024-01-01,definition,,"From 2024 NCMEC counts a bundled report once",Page,https://example.org/b01,Publisher,2025
"""


def point(key, topic, tier, end, synthetic=False):
    return MainPoint(key=key, topic=topic, text=key, counted="c", counted_by="b", tier=tier, period="p", period_end=end, synthetic=synthetic)


def test_rule_orders_by_importance_then_tier_then_recency():
    candidates = [
        point("global-recent-tier1", "global", 1, "2025-12-31"),
        point("japan-old-tier3", "japan", 3, "2020-12-31"),
        point("japan-new-tier3", "japan", 3, "2023-12-31"),
        point("japan-tier1", "japan", 1, "2019-12-31"),
        point("korea", "korea_deepfake", 4, "2024-07-31"),
    ]
    chosen = select_main_points(candidates)
    assert [p.key for p in chosen] == ["korea", "japan-tier1", "japan-new-tier3", "japan-old-tier3", "global-recent-tier1"]


def test_rule_keeps_at_most_eight_and_refuses_synthetic():
    many = [point(f"p{i}", "global", 1, f"20{10 + i}-12-31") for i in range(12)]
    assert len(select_main_points(many)) == 8
    with pytest.raises(ResearchError, match="synthetic"):
        select_main_points(many[:2] + [point("demo", "takedowns", 1, "2024-12-31", synthetic=True)])


def _counts(rows):
    frame = pd.DataFrame(rows, columns=["series_id", "value", "period_start", "period_end", "best_source_tier", "publishers", "break_ids", "source_ids"])
    return frame.assign(value_qualifier="exact", country="JP")


def test_published_funnel_states_the_unknown_status_range():
    counts = _counts([
        ("JP_PAPS_REMOVAL_REQUESTS_TOTAL", 99266, "2019-04-01", "2025-03-31", 3, "PAPS", None, "F1"),
        ("JP_PAPS_FILES_FULLY_REMOVED", 59653, "2019-04-01", "2025-03-31", 3, "PAPS", None, "F2"),
        ("JP_PAPS_FILES_PARTLY_REMOVED", 7577, "2019-04-01", "2025-03-31", 3, "PAPS", None, "F3"),
        ("JP_PAPS_FILES_STILL_ONLINE", 30625, "2019-04-01", "2025-03-31", 3, "PAPS", None, "F4"),
    ])
    found = published_funnel(counts, "en")
    assert "30,625 (30.9%)" in found.text and "1,411" in found.text and "between 30.9% and 32.3%" in found.text
    assert found.tier == 3 and found.period == "Apr 2019–Mar 2025"
    assert "1.411" in published_funnel(counts, "id").text and "32,3%" in published_funnel(counts, "id").text


def test_latest_change_compares_the_same_period_a_year_earlier_and_never_across_a_break():
    registry = pd.read_csv(pd.io.common.StringIO(REGISTRY))
    counts = _counts([
        ("ncmec_cybertipline_total_reports", 100, "2022-01-01", "2022-12-31", 2, "NCMEC", None, "F1"),
        ("ncmec_cybertipline_total_reports", 120, "2023-01-01", "2023-12-31", 2, "NCMEC", None, "F2"),
        ("ncmec_cybertipline_total_reports", 60, "2024-01-01", "2024-12-31", 2, "NCMEC", "B01", "F3"),
        ("ncmec_cybertipline_total_reports", 30, "2024-10-01", "2024-12-31", 2, "NCMEC", "B01", "F4"),
    ])
    spec = HeadlineSeries("ncmec_cybertipline_total_reports", "global", "ncmec_cybertipline_reports")
    found = latest_change(counts, spec, registry, "en")
    # 2024 straddles B01 against 2023, so the latest comparable pair is 2023 against 2022.
    assert "120 in 2023 against 100 in 2022" in found.text and found.break_ids == ("B01",)
    assert latest_change(counts, spec, None, "en").text.startswith("Reports to NCMEC")


def test_main_page_holds_no_synthetic_number_and_links_the_demo_once(project):
    build_reports(project)
    for lang in ("en", "id", "ja", "ko"):
        name = "report.html" if lang == "en" else f"report.{lang}.html"
        html = (project.reports / name).read_text(encoding="utf-8")
        assert 'class="synthetic"' not in html
        demo = "demo.html" if lang == "en" else f"demo.{lang}.html"
        assert html.count(f'href="{demo}"') == 1
        assert f'<html lang="{lang}">' in html
        assert all(f'href="report{"" if code == "en" else "." + code}.html"' in html for code in ("en", "id", "ja", "ko"))
    points = main_points(read_inputs(project), "en")
    assert points and not any(p.synthetic for p in points)


def test_break_text_travels_with_the_bundle(project):
    counts = pd.read_csv(project.processed / "counts.csv")
    counts["break_ids"] = ["B07", "B07", "", ""]
    counts.to_csv(project.processed / "counts.csv", index=False)
    (project.raw / "definition_breaks.csv").write_text(
        "break_id,series_pattern,date,kind,marker,what_changed,source_title,source_url,source_publisher,source_date\n"
        "B07,KR_TEST_*,2024-10-16,legal,,\"Korea made possessing sexual deepfakes a crime\",t,https://example.org,p,2024\n"
    )
    project.datapackage.write_text('{"resources": [{"name": "figures", "sources": [{"date_accessed": "2026-11-22"}]}]}')
    build_reports(project)
    bundle = (project.reports / "bundles" / "trends-KR_TEST_CASES" / "metadata.json").read_text(encoding="utf-8")
    assert '"accessed": "2026-11-22"' in bundle
    assert "Korea made possessing sexual deepfakes a crime" in bundle and '"break_id": "B07"' in bundle
    readme = (project.reports / "bundles" / "trends-KR_TEST_CASES" / "README.md").read_text(encoding="utf-8")
    assert "B07" in readme and "Columns" in readme and "CC BY 4.0" in readme
    assert "source tier 1" in readme and "accessed 2026-11-22" in readme


def test_every_headline_series_and_the_lead_series_have_a_catalogue_title():
    """A main point's figure is titled from the series catalogue in every language, never by its id."""
    from research.clean.series_catalogue import read_series_catalogue
    from research.config import paths
    from research.report.featured import FEATURED
    from research.report.mainpoints import HEADLINES

    listed = set(read_series_catalogue(paths().raw / "series.csv")["series_id"])
    wanted = {spec.series_id for spec in HEADLINES} | {FEATURED[0].series_id}
    assert wanted <= listed, sorted(wanted - listed)


def test_a_break_a_main_point_explains_is_referred_to_under_its_figure(project):
    series = "JP_NPA_REVENGE_PORN_CONSULTATIONS"  # a headline series: its latest change is a main point
    counts = pd.read_csv(project.processed / "counts.csv")
    extra = pd.DataFrame({"series_id": series, "country": "JP", "unit": "count", "value": [1728.0, 1812.0], "period_start": ["2022-01-01", "2023-01-01"],
                          "period_end": ["2022-12-31", "2023-12-31"], "source_ids": "F1", "publishers": "NPA", "break_ids": "B01"})
    pd.concat([counts, extra], ignore_index=True).to_csv(project.processed / "counts.csv", index=False)
    (project.raw / "definition_breaks.csv").write_text(REGISTRY.replace("ncmec_*report*", series).replace("2024-01-01,definition", "2015-01-01,coverage"))
    figure = project.figures / "trends" / "KR_TEST_CASES.png"
    (project.figures / "trends" / f"{series}.png").write_bytes(figure.read_bytes())
    build_reports(project, ("en",))
    html = (project.reports / "report.html").read_text()
    main, rest = html.split('<section id="need-to-know">', 1)
    assert "From 2024 NCMEC counts a bundled report once" in main
    assert f'id="figure-trends-{series}"' in rest
    assert "explained under main point" in rest and "From 2024 NCMEC counts a bundled report once" not in rest
