"""Checks of a report page in headless Chromium, shared by the stand-in and the reproduced report's tests.

:func:`open_page` loads one page at one width with every request but the page itself (and
``data:`` URIs) refused and recorded, and returns what the assertions need. :func:`svg_title`
reads back the title a figure's SVG drawing holds (matplotlib writes each text as a comment before
its glyphs, and the figures name their title group ``figure-title``) and the fonts of its glyphs,
so a test can tell a Japanese title drawn in Noto Sans CJK from one whose glyphs were stripped.
"""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = (1280, 390)
SCRIPT = {"ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"), "ko": re.compile(r"[\uac00-\ud7af]")}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@contextmanager
def chromium():
    """Headless Chromium (Debian's, installed by ``make browser``)."""
    assert shutil.which(CHROMIUM) or shutil.which("chromium"), "chromium is missing: run `make browser`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def recorder(own_url: str, outside: list[str]):
    """A route handler that lets the page itself and ``data:`` URIs through and records anything else."""

    def record(route):
        if route.request.url.startswith("data:") or route.request.url == own_url:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    return record


@dataclass
class PageFacts:
    """What one page showed at one width."""

    scroll_width: int
    images: list
    svgs: list[str]
    headings: list[str]
    switcher: list
    html_lang: str
    text: str
    outside: list[str]


def open_page(browser, page_path: Path, width: int, screenshot: Path | None = None) -> PageFacts:
    """Load ``page_path`` at ``width`` px, refusing outside requests; optionally save a full-page screenshot."""
    own_url = page_path.resolve().as_uri()
    outside: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", recorder(own_url, outside))
    page.goto(own_url, wait_until="load")
    facts = PageFacts(
        scroll_width=page.evaluate("document.documentElement.scrollWidth"),
        images=page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.src.slice(0, 22)])"),
        svgs=page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.dataset.svg || '')"),
        headings=page.eval_on_selector_all("figure h3", "hs => hs.map(h => h.innerText)"),
        switcher=page.eval_on_selector_all("nav.languages a", "as => as.map(a => [a.getAttribute('hreflang'), a.getAttribute('href')])"),
        html_lang=page.evaluate("document.documentElement.lang"),
        text=page.inner_text("body"),
        outside=outside,
    )
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return facts


def svg_title(svg_path: Path) -> tuple[str, set[str]]:
    """The text of the figure's title as drawn in its SVG, and the fonts of the glyphs drawing it."""
    tree = ET.parse(svg_path, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    group = next((g for g in tree.iter(f"{SVG}g") if g.get("id") == "figure-title"), None)
    if group is None:
        return "", set()
    text = " ".join((node.text or "").strip() for node in group.iter() if node.tag is ET.Comment)
    glyphs = [node.get(XLINK, "").lstrip("#") for node in group.iter(f"{SVG}use")] + [node.get("id", "") for node in group.iter(f"{SVG}path")]
    fonts = {glyph.rsplit("-", 1)[0] for glyph in glyphs if "-" in glyph}
    return text, fonts


def check_page(facts: PageFacts, page_path: Path, lang: str, width: int, languages: tuple[str, ...]) -> None:
    """The browser test's assertions for one page at one width."""
    assert facts.scroll_width <= width, f"{page_path.name} at {width}px scrolls sideways ({facts.scroll_width}px)"
    assert facts.images and all(complete and natural > 0 and src == "data:image/png;base64," for complete, natural, src in facts.images), facts.images
    assert facts.outside == [], facts.outside
    assert facts.html_lang == lang
    assert {code for code, _ in facts.switcher} == set(languages)
    assert all(href.endswith(".html") for _, href in facts.switcher), facts.switcher
    if lang in SCRIPT:
        assert facts.headings and all(SCRIPT[lang].search(t.split(". ", 1)[-1]) for t in facts.headings), facts.headings
        # The figure's own drawn title, not only the page's heading: read back from its SVG drawing.
        assert facts.svgs and all(facts.svgs), f"{page_path.name}: a figure has no SVG drawing to read its title from"
        for svg in facts.svgs:
            title, fonts = svg_title(page_path.parent / svg)
            assert SCRIPT[lang].search(title), (svg, title)
            assert any(font.startswith("NotoSansCJK") for font in fonts), (svg, fonts)


def prose_words(page_html: str) -> int:
    """Words of prose in a page's ``<main>``: tables, source lists (``<details>``) and images left out.

    Words are runs of letters; in Japanese, which has no spaces, every two kana or kanji count as
    one word (a common rule of thumb for Japanese–English word counts).
    """
    body = page_html.split("<main>", 1)[1].split("</main>", 1)[0]
    for tag in ("details", "table", "style", "script"):
        body = re.sub(rf"<{tag}[\s>].*?</{tag}>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    japanese = re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text)
    rest = re.sub(r"[\u3040-\u30ff\u4e00-\u9fff]", " ", text)
    return len(re.findall(r"[^\W\d_][\w'’-]*", rest)) + len(japanese) // 2
