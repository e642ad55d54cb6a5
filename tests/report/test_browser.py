"""The report opened in headless Chromium: images load, nothing leaves the page, key numbers show."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

from research.config import paths
from research.report.build import build_reports

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = paths().reports / "screenshots"


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM) or shutil.which("chromium"), "chromium is missing: run `make browser`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


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
@pytest.mark.parametrize(("lang", "numbers"), [("en", ["99,266", "30,625", "30.9%", "0.82 to 1.28"]), ("id", ["99.266", "30.625", "30,9%", "0,82 sampai 1,28"])])
def test_report_in_chromium(project, browser, lang, numbers):
    build_reports(project)
    report = project.reports / ("report.html" if lang == "en" else f"report.{lang}.html")
    own_url = report.as_uri()
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 900})

    page.route("**/*", _recorder(own_url, outside))
    page.goto(own_url, wait_until="load")
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.src.slice(0, 22)])")
    text = page.inner_text("body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"report.{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()

    assert len(images) == 2
    assert all(complete and width > 0 and src == "data:image/png;base64," for complete, width, src in images), images
    assert outside == []
    for number in numbers:
        assert number in text, number
    assert shot.stat().st_size > 10_000
