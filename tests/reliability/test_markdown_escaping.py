"""Issue 15 item 11: ``report.md`` and the bundle READMEs show values from data as text, never as Markdown or HTML.

A hostile publisher name and source title (a link to ``javascript:``, a ``<script>`` element, a
``|`` that would open a table cell, a line break that would start a heading) are put into the
stand-in project's figures; the Markdown written is parsed with a CommonMark parser
(markdown-it-py) and must hold no link or HTML that came from them.
"""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from research.report.build import build_reports
from research.report.markdown import code_span, escape_markdown
from research.report.tables import as_markdown
from tests.report import conftest as stand_in

HOSTILE = "[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)> a | b"


def _tokens(text: str):
    parser = MarkdownIt("commonmark").enable("table")
    for token in parser.parse(text):
        yield token
        yield from token.children or ()


def assert_inert(text: str) -> None:
    """No link to a script, no raw HTML, and the hostile text is still there to read."""
    for token in _tokens(text):
        assert token.type not in ("html_inline", "html_block"), token.content
        if token.type in ("link_open", "image"):
            assert not str(token.attrs.get("href", token.attrs.get("src", ""))).lower().startswith(("javascript:", "vbscript:", "data:")), token.attrs
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script>" not in rendered and "<img src=x" not in rendered


@pytest.mark.parametrize("value", [HOSTILE, "x\n# heading\n<script>", "1. item", "- item", "`code` *em* _em_ ~~gone~~", "vbscript:msgbox(1)"])
def test_escaped_values_render_as_the_same_text(value):
    shown = escape_markdown(value)
    assert_inert(shown)
    paragraph = [t for t in _tokens(shown) if t.type == "text"]
    assert "".join(t.content for t in paragraph) == " ".join(value.split("\n")).strip()  # literal, on one line


def test_a_table_cell_with_a_pipe_stays_one_cell():
    import pandas as pd

    table = as_markdown(pd.DataFrame({"provider": [HOSTILE, "plain"], "n": [12, 30]}))
    assert_inert(table)
    rows = [t for t in _tokens(table) if t.type == "tr_open"]
    cells = [t for t in _tokens(table) if t.type in ("td_open", "th_open")]
    assert len(rows) == 3 and len(cells) == 3 * 2


def test_a_code_span_cannot_be_closed():
    assert [t.type for t in _tokens(code_span("a` <script>"))].count("code_inline") == 1


@pytest.fixture()
def hostile_project(tmp_path, monkeypatch):
    monkeypatch.setattr(stand_in, "FIGURES_CSV", stand_in.FIGURES_CSV.replace("Korean National Police Agency", f'"Police {HOSTILE}"'))
    project = stand_in.make_project(tmp_path)
    counts = project.processed / "counts.csv"
    counts.write_text(counts.read_text().replace("Korean National Police Agency", f'"Police {HOSTILE}"'))
    return project


def test_report_md_and_bundle_readmes_are_escaped(hostile_project):
    build_reports(hostile_project, languages=("en",))
    report = (hostile_project.reports / "report.md").read_text(encoding="utf-8")
    readmes = []
    for bundle in sorted((hostile_project.reports / "bundles").glob("*.zip")):
        with zipfile.ZipFile(bundle) as archive:
            readmes += [archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith("README.md")]
    assert readmes
    shown = [text for text in (report, *readmes) if escape_markdown(HOSTILE) in text]
    assert shown, "the hostile publisher is shown somewhere (escaped)"
    for text in (report, *readmes):
        assert HOSTILE not in text
        assert_inert(text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=40))
def test_any_text_renders_as_itself(value):
    """Whatever a data value holds, the escaped Markdown renders to that text (spaces trimmed) and nothing else."""
    shown = escape_markdown(value)
    assert_inert(shown)
    blocks = [t.type for t in MarkdownIt("commonmark").parse(shown) if t.level == 0]
    assert blocks in ([], ["paragraph_open", "paragraph_close"])
    rendered = "".join(t.content for t in _tokens(shown) if t.type in ("text", "code_inline"))
    assert rendered == value.strip()


def test_cited_source_urls_stay_exact_so_the_export_audit_allows_them(tmp_path, monkeypatch):
    """A URL with ``&`` and ``_`` is written as an autolink, unescaped: the audit matches it to the cited source."""
    from research.audit.exports import audit_exports

    url = "https://news.example/view.do?news_id=N1&tab_type=1"
    monkeypatch.setattr(stand_in, "FIGURES_CSV", stand_in.FIGURES_CSV.replace("https://police.example/news/1", url))
    project = stand_in.make_project(tmp_path)
    build_reports(project, languages=("en",))
    texts = [(project.reports / "report.md").read_text(encoding="utf-8")]
    for bundle in sorted((project.reports / "bundles").glob("*/README.md")):
        texts.append(bundle.read_text(encoding="utf-8"))
    assert any(f"<{url}>" in text for text in texts)
    audit = audit_exports(project)
    assert not audit.findings["file"].str.endswith(".md").any(), audit.findings.to_string()
