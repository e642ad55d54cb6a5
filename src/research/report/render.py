"""Render the report's pages (main, demonstration, appendix) as self-contained HTML, and Markdown.

The HTML embeds every figure as a PNG data URI and its CSS inline, and declares a Content
Security Policy that forbids any request other than ``data:`` images, so that opening the file
never contacts a server (the browser test checks this).
"""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2

from research.config import SUPPRESSION_THRESHOLD, UNSTABLE_DENOMINATOR
from research.i18n import catalogue, message
from research.report.breaks import BreakNote
from research.report.figures import FigureEntry
from research.report.markdown import MarkdownText, escape_markdown
from research.report.sources import Source

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class RenderedFigure:
    """A figure as the templates need it: data URI, size, relative paths, sources, breaks."""

    key: str
    title: str
    data_uri: str
    width: int
    height: int
    relative_image: str
    bundle: str
    definitions: str
    sources: tuple[Source, ...] = ()
    breaks: tuple[BreakNote, ...] = ()
    synthetic: bool = False
    number: int = 0
    #: The SVG drawn with the PNG (same figure), relative to the page: its text can be read back.
    svg: str = ""


@dataclass(frozen=True)
class RenderedTable:
    """A table as the templates need it.

    Attributes
    ----------
    title
        Caption, in the page's language.
    synthetic
        From the synthetic log: shown only on the demonstration page, stamped.
    html, markdown
        The table rendered for the page and for the Markdown report.
    name
        Catalogue name of the table.
    rows
        Rows of the whole table (the page may show fewer columns).
    csv, tex
        Paths of the downloadable CSV and LaTeX files, relative to the page.
    note
        What the page leaves out (e.g. columns only in the CSV).
    """

    title: str
    synthetic: bool
    html: str
    markdown: str
    name: str = ""
    rows: int = 0
    csv: str = ""
    tex: str = ""
    note: str = ""


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher.

    Attributes
    ----------
    code
        Language code (``en``, ``ja``, ``ko``, ``id``).
    name
        The language's name in itself (日本語, 한국어 …).
    href
        The page in that language, relative to this one.
    """

    code: str
    name: str
    href: str


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def data_uri(path: Path) -> tuple[str, int, int]:
    """A ``data:image/png;base64,…`` URI for a PNG, with its size in pixels."""
    data = path.read_bytes()
    width, height = png_size(data)
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width, height


def definitions_note(area: str, lang: str) -> str:
    key = f"def_{area}" if area in ("trends", "takedowns", "networks") else "def_other"
    return message("report", key, lang, threshold=SUPPRESSION_THRESHOLD, unstable=UNSTABLE_DENOMINATOR)


def figure_title(entry: FigureEntry, lang: str) -> str:
    """The catalogue's title for figures the analysis stages draw (``figure_title_<stem>``), else the entry's."""
    key = f"figure_title_{entry.stem}"
    return message("report", key, lang) if key in catalogue("report", "en") else entry.title


def relative(path: Path, pages_dir: Path) -> str:
    """``path`` as a link from a page in ``pages_dir`` (POSIX separators)."""
    return Path(os.path.relpath(path, pages_dir)).as_posix()


def svg_beside(image: Path, pages_dir: Path) -> str:
    """The link to the SVG saved with ``image``, or ``""`` when none was saved."""
    svg = image.with_suffix(".svg")
    return relative(svg, pages_dir) if svg.exists() else ""


def rendered_figure(entry: FigureEntry, pages_dir: Path, lang: str, *, title: str | None = None,
                    breaks: tuple[BreakNote, ...] = (), number: int = 0, image: Path | None = None) -> RenderedFigure:
    """A figure of an analysis stage, ready for a template (``image``: its drawing in ``lang``, if not the entry's)."""
    image = image or entry.image
    uri, width, height = data_uri(image)
    return RenderedFigure(
        entry.key, title or figure_title(entry, lang), uri, width, height,
        relative_image=relative(image, pages_dir),
        bundle=f"bundles/{entry.key}.zip",
        definitions=definitions_note(entry.area, lang),
        sources=tuple(entry.sources), breaks=breaks, synthetic=entry.synthetic, number=number,
        svg=svg_beside(image, pages_dir),
    )


def environment(fmt: str) -> jinja2.Environment:
    """The jinja2 environment: HTML autoescaped; in Markdown every printed value is escaped
    (:func:`research.report.markdown.escape_markdown`) unless it is :class:`~research.report.markdown.MarkdownText`."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        finalize=escape_markdown if fmt == "md" else None,
    )


def _catalogue_text(lang: str, key: str, **fields: object) -> MarkdownText:
    """A catalogue sentence for a Markdown page: the toolkit's own text, its fields escaped."""
    return MarkdownText(message("report", key, lang, **{name: escape_markdown(v) if isinstance(v, str) else v for name, v in fields.items()}))


def render_page(template: str, fmt: str, lang: str, **context: object) -> str:
    """Render ``<template>.<fmt>.j2`` with the catalogue of ``lang`` as ``_``."""
    env = environment(fmt)
    translate = partial(_catalogue_text, lang) if fmt == "md" else partial(message, "report", lang=lang)
    return env.get_template(f"{template}.{fmt}.j2").render(
        _=translate, lang=lang, threshold=SUPPRESSION_THRESHOLD, unstable=UNSTABLE_DENOMINATOR, **context,
    )
