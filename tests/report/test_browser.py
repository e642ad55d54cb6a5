"""Every page of the report opened in headless Chromium at a desktop and a phone width.

Checked for each language: no horizontal scroll, every image loads, no request leaves the page,
the language switcher links every language, Japanese and Korean figure titles carry their script,
and the key numbers show. Screenshots of each page at both widths go to ``reports/screenshots/``.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from research.config import paths
from research.report.build import LANGUAGES, build_reports

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = paths().reports / "screenshots"
WIDTHS = (1280, 390)
NUMBERS = {"en": ["99,266", "30,625", "30.9%"], "id": ["99.266", "30.625", "30,9%"], "ja": ["99,266", "30,625", "30.9%"], "ko": ["99,266", "30,625", "30.9%"]}
SCRIPT = {"ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"), "ko": re.compile(r"[\uac00-\ud7af]")}


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM) or shutil.which("chromium"), "chromium is missing: run `make browser`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The stand-in project of conftest, with the published funnel's parts, built once."""
    from tests.report.conftest import make_project

    root = make_project(tmp_path_factory.mktemp("browser"))
    counts = pd.read_csv(root.processed / "counts.csv")
    parts = pd.DataFrame({"series_id": ["JP_PAPS_FILES_FULLY_REMOVED", "JP_PAPS_FILES_PARTLY_REMOVED"], "country": ["JP", "JP"], "unit": ["count"] * 2,
                          "value": [59653.0, 7577.0], "period_start": ["2019-04-01"] * 2, "period_end": ["2025-03-31"] * 2, "source_ids": ["F3", "F4"],
                          "publishers": ["PAPS", "PAPS"]})
    pd.concat([counts, parts]).to_csv(root.processed / "counts.csv", index=False)
    build_reports(root)
    return root


def _recorder(own_url: str, outside: list[str]):
    def record(route):
        # Anything but the page itself and data: URIs would be a request leaving the page.
        if route.request.url.startswith("data:") or route.request.url == own_url:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    return record


@pytest.mark.slow
def test_the_request_recorder_catches_an_outside_request(tmp_path, browser):
    page_path = tmp_path / "leaky.html"
    page_path.write_text('<html><body><img src="https://tracker.invalid/pixel.png"><p>x</p></body></html>')
    outside: list[str] = []
    page = browser.new_page()
    page.route("**/*", _recorder(page_path.as_uri(), outside))
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
@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_page_in_chromium(built, browser, lang):
    report = built.reports / ("report.html" if lang == "en" else f"report.{lang}.html")
    own_url = report.as_uri()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        outside: list[str] = []
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.route("**/*", _recorder(own_url, outside))
        page.goto(own_url, wait_until="load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.src.slice(0, 22)])")
        titles = page.eval_on_selector_all("figure h3", "hs => hs.map(h => h.innerText)")
        switcher = page.eval_on_selector_all("nav.languages a", "as => as.map(a => [a.getAttribute('hreflang'), a.getAttribute('href')])")
        html_lang = page.evaluate("document.documentElement.lang")
        text = page.inner_text("body")
        shot = SCREENSHOTS / f"report.{lang}.{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        page.close()

        assert scroll_width <= width, f"{lang} at {width}px scrolls sideways ({scroll_width}px)"
        assert images and all(complete and natural > 0 and src == "data:image/png;base64," for complete, natural, src in images), images
        assert outside == []
        assert html_lang == lang
        assert {code for code, _ in switcher} == set(LANGUAGES)
        assert dict(switcher)["en"] == "report.html" and dict(switcher)["ja"] == "report.ja.html"
        if lang in SCRIPT:
            assert titles and all(SCRIPT[lang].search(t) for t in titles), titles
            # Not only the "図1." label: the report's own figures are titled in the language.
            assert any(SCRIPT[lang].search(t.split(". ", 1)[-1]) for t in titles), titles
        for number in NUMBERS[lang]:
            assert number in text, (lang, number)
        assert shot.stat().st_size > 10_000
