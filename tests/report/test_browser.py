"""Every page of the stand-in report opened in headless Chromium at a desktop and a phone width.

Checked for each language (:mod:`tests.report.chromium`): no horizontal scroll, every image loads,
no request leaves the page, the language switcher links every language, Japanese and Korean figure
titles carry their script — in the page's heading and in the figure's own drawing, read back from
its SVG — and the key numbers show. The report that ``make reproduce`` writes gets the same checks,
and its screenshots go to ``reports/screenshots/`` (``tests/test_privacy.py``, on the offline build).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from research.config import paths
from research.report.build import LANGUAGES, build_reports
from tests.report.chromium import WIDTHS, check_page, chromium, open_page, recorder, svg_title

NUMBERS = {"en": ["99,266", "30,625", "30.9%"], "id": ["99.266", "30.625", "30,9%"], "ja": ["99,266", "30,625", "30.9%"], "ko": ["99,266", "30,625", "30.9%"]}


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The stand-in project of conftest, built once, with what the bulletin draws in every language.

    Added: the published funnel's parts, the lead series (156 cases in 2021, 297 in Jan–Jul 2024)
    and a main point's series (KCSC's yearly counts), whose trend figures the trends stage draws
    in every language.
    """
    from research.pipeline.s20_trends import build_trends
    from tests.report.conftest import make_project

    root = make_project(tmp_path_factory.mktemp("browser"))
    shutil.copy(paths().raw / "series.csv", root.raw / "series.csv")
    kcsc = pd.DataFrame({"series_id": "KR_KCSC_DEEPFAKE_CORRECTIVE", "country": "KR", "indicator": "Corrective requests", "unit": "count", "counted": "items",
                         "value_qualifier": "exact", "value": [1913.0, 3574.0, 7187.0, 23107.0], "period_start": ["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01"],
                         "period_end": ["2021-12-31", "2022-12-31", "2023-12-31", "2024-12-31"], "source_ids": "F1", "publishers": "Korea Communications Standards Commission (KCSC)", "segment": 0})
    kcsc.to_csv(root.processed / "kcsc.csv", index=False)
    build_trends(root.processed / "kcsc.csv", root.processed / "kcsc_trends.csv", root.figures / "trends", series_path=root.raw / "series.csv")
    counts = pd.read_csv(root.processed / "counts.csv")
    parts = pd.DataFrame({"series_id": ["JP_PAPS_FILES_FULLY_REMOVED", "JP_PAPS_FILES_PARTLY_REMOVED"], "country": ["JP", "JP"], "unit": ["count"] * 2,
                          "value": [59653.0, 7577.0], "period_start": ["2019-04-01"] * 2, "period_end": ["2025-03-31"] * 2, "source_ids": ["F3", "F4"],
                          "publishers": ["PAPS", "PAPS"]})
    lead = pd.DataFrame({"series_id": "KR_KNPA_DEEPFAKE_CASES", "country": "KR", "unit": "count", "value": [156.0, 297.0],
                         "period_start": ["2021-01-01", "2024-01-01"], "period_end": ["2021-12-31", "2024-07-31"], "source_ids": "F1", "publishers": "Korean National Police Agency"})
    pd.concat([counts, parts, lead, kcsc.drop(columns=["indicator", "counted", "value_qualifier", "segment"])]).to_csv(root.processed / "counts.csv", index=False)
    build_reports(root)
    return root


@pytest.mark.slow
def test_the_request_recorder_catches_an_outside_request(tmp_path, browser):
    page_path = tmp_path / "leaky.html"
    page_path.write_text('<html><body><img src="https://tracker.invalid/pixel.png"><p>x</p></body></html>')
    outside: list[str] = []
    page = browser.new_page()
    page.route("**/*", recorder(page_path.as_uri(), outside))
    page.goto(page_path.as_uri(), wait_until="load")
    page.close()
    assert outside == ["https://tracker.invalid/pixel.png"]


@pytest.mark.slow
def test_the_scroll_check_catches_a_wide_page(tmp_path, browser):
    page_path = tmp_path / "wide.html"
    page_path.write_text('<html><body><table><tr><td style="white-space:nowrap">' + "wide " * 400 + "</td></tr></table></body></html>")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(page_path.as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") > 390
    page.close()


@pytest.mark.slow
def test_the_title_check_reads_the_drawn_text_not_the_caption(tmp_path):
    from research.plots.style import new_figure, save_figure

    for name, title in (("ja", "韓国の事件"), ("latin", "Cases")):
        fig, ax = new_figure()
        ax.set_title(title).set_gid("figure-title")
        save_figure(fig, tmp_path / name, formats=("svg",))
    text, fonts = svg_title(tmp_path / "ja.svg")
    assert text == "韓国の事件" and any(f.startswith("NotoSansCJK") for f in fonts)
    text, fonts = svg_title(tmp_path / "latin.svg")
    assert text == "Cases" and not any(f.startswith("NotoSansCJK") for f in fonts)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_page_in_chromium(built, browser, lang, tmp_path):
    report = built.reports / ("report.html" if lang == "en" else f"report.{lang}.html")
    for width in WIDTHS:
        shot = tmp_path / f"report.{lang}.{width}.png"
        facts = open_page(browser, report, width, screenshot=shot)
        check_page(facts, report, lang, width, LANGUAGES)
        assert dict(facts.switcher)["en"] == "report.html" and dict(facts.switcher)["ja"] == "report.ja.html"
        assert len(facts.images) == 3, facts.headings  # the lead figure, KCSC's trend figure, the published funnel
        for number in NUMBERS[lang]:
            assert number in facts.text, (lang, number)
        assert shot.stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_demo_page_in_chromium(built, browser, lang):
    """The demonstration page's synthetic figure is its drawing in the page's language, read back from its SVG.

    (The stand-in figure has no title in the report's catalogue, so its heading stays English; the
    real build's demonstration pages get the whole :func:`check_page`, headings included, in
    ``tests/test_privacy.py``.)
    """
    from research.report.build import page_name
    from tests.report.chromium import SCRIPT
    from tests.report.conftest import DOMAINS_TITLES

    demo = built.reports / page_name("demo", lang)
    for width in WIDTHS:
        facts = open_page(browser, demo, width)
        assert facts.scroll_width <= width and facts.outside == [] and facts.html_lang == lang
        assert {code for code, _ in facts.switcher} == set(LANGUAGES)
        assert len(facts.svgs) == 1 and (lang == "en" or f"/{lang}/" in facts.svgs[0]), facts.svgs
        title, fonts = svg_title(demo.parent / facts.svgs[0])
        assert title == DOMAINS_TITLES[lang]
        if lang in SCRIPT:
            assert SCRIPT[lang].search(title) and any(font.startswith("NotoSansCJK") for font in fonts), (title, fonts)
