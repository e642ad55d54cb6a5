"""The house style for figures, and deterministic saving.

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies). Files are
byte-identical across runs: PNG/PDF metadata is stripped and SVG ids are salted with a constant.

Text is set in DejaVu Sans with Noto Sans CJK (Debian's ``fonts-noto-cjk``, installed by
``make fonts``) as the per-glyph fallback, so Japanese and Korean titles keep every glyph. The
CJK font is registered with matplotlib by its path, because matplotlib's font cache may predate
the font's installation.
"""

from __future__ import annotations

import os
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from research.i18n import message
from research.parallel import available_cpus, fork_map

#: Okabe & Ito (2008), "Color Universal Design": black first, then the eight hues.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
PALETTE: list[str] = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")]
#: A sequential colour map that stays readable in grey and for colour-blind readers.
SEQUENTIAL_CMAP = "cividis"
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: Where Debian's fonts-noto-cjk puts the Pan-CJK sans (every face holds kana, kanji and Hangul).
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
CJK_FAMILY = "Noto Sans CJK JP"

RC_PARAMS = {
    "figure.figsize": (7.5, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.family": ["DejaVu Sans", CJK_FAMILY],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "svg.hashsalt": "research",
    "svg.fonttype": "path",
    # Type 42 subsetting took ~1.4 s per figure (fontTools); Type 3 embeds the glyphs in ~0.1 s
    # and the text stays searchable.
    "pdf.fonttype": 3,
    "path.simplify": False,
}


@lru_cache(maxsize=1)
def register_cjk_font() -> bool:
    """Add the installed Noto Sans CJK files to matplotlib's font list; ``False`` if none is installed."""
    found = [path for path in CJK_FONT_FILES if Path(path).exists()]
    for path in found:
        font_manager.fontManager.addfont(path)
    return bool(found)


def has_cjk_font() -> bool:
    """Whether figures can show Japanese and Korean text (the fallback font is installed)."""
    return register_cjk_font()


def apply_style() -> None:
    """Set the house style on matplotlib's global rcParams."""
    params = dict(RC_PARAMS)
    if not register_cjk_font():
        params["font.family"] = ["DejaVu Sans"]
    plt.rcParams.update(params)


def new_figure(**subplot_kw) -> tuple[Figure, plt.Axes]:
    """A figure and axes in the house style, with room at the bottom for a source caption."""
    apply_style()
    fig, ax = plt.subplots(**subplot_kw)
    return fig, ax


def source_caption(fig: Figure, sources: Iterable[str], note: str | None = None, width: int = 120, lang: str = "en") -> None:
    """Write "Source: …" (and an optional note) under the figure, crediting the original producers, in ``lang``."""
    sources = [s for s in dict.fromkeys(sources) if s]
    label = message("figures", "source", lang)
    text = f"{label}: " + ("; ".join(sources) if sources else message("figures", "source_missing", lang))
    if note:
        text += "\n" + note
    # Kana, kanji and Hangul are twice as wide as Latin letters: a line holding them wraps at half the width.
    wrapped = "\n".join(textwrap.fill(line, width // 2 if any(unicodedata.east_asian_width(ch) in "WF" for ch in line) else width)
                        for line in text.splitlines())
    n_lines = wrapped.count("\n") + 1
    fig.subplots_adjust(bottom=min(0.12 + 0.035 * n_lines, 0.45))
    fig.text(0.01, 0.01, wrapped, ha="left", va="bottom", fontsize=7.5, color="#444444")


def watermark_synthetic(fig: Figure, lang: str = "en") -> None:
    """Stamp a figure made from synthetic data, in the reader's ``lang``, so that it can never pass for real data."""
    fig.text(0.5, 0.5, message("figures", "synthetic_watermark", lang), ha="center", va="center", rotation=20, fontsize=28, color="#999999", alpha=0.25, zorder=100)
    fig.text(0.99, 0.99, message("figures", "synthetic_badge", lang), ha="right", va="top", fontsize=8, color="#D55E00")


@dataclass(frozen=True)
class Credit:
    """What every figure says under itself: whom it credits, whether it is synthetic, in which language.

    The stages, the CLI and the notebooks build one and hand it to a figure function; the figure
    function draws and then calls :meth:`finish`, so no figure can be saved without its caption, or
    from synthetic data without the stamp.

    Attributes
    ----------
    sources
        The original producers, credited as "Source: …" (:func:`source_caption`).
    synthetic
        Drawn from the synthetic log: the figure carries :func:`watermark_synthetic`'s stamp.
    lang
        The reader's language, for the caption, the stamp and the figure's own text.
    """

    sources: Sequence[str]
    synthetic: bool
    lang: str = "en"

    def stamp(self, fig: Figure, note: str | None = None) -> None:
        """Write the source caption (and ``note``) under ``fig``, and stamp it when synthetic."""
        source_caption(fig, self.sources, note, lang=self.lang)
        if self.synthetic:
            watermark_synthetic(fig, self.lang)

    def finish(self, fig: Figure, stem: str | os.PathLike[str], note: str | None = None) -> list[Path]:
        """:meth:`stamp` ``fig``, then :func:`save_figure` it (PNG, SVG, PDF) and return the files."""
        self.stamp(fig, note)
        return save_figure(fig, stem)


def save_figure(fig: Figure, stem: str | os.PathLike[str], formats: Sequence[str] = FORMATS) -> list[Path]:
    """Save ``fig`` as ``stem.png``, ``stem.svg`` and ``stem.pdf`` with no run-dependent metadata, then close it."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }
    written = []
    with plt.rc_context({"svg.hashsalt": "research"}):
        for fmt in formats:
            target = stem.with_suffix(f".{fmt}")
            fig.savefig(target, format=fmt, metadata=metadata.get(fmt))
            written.append(target)
    plt.close(fig)
    return written


def draw_in_languages(draw: Callable[[str, Path], list[Path]], folder: str | os.PathLike[str], lang: str, languages: Sequence[str]) -> list[Path]:
    """Run ``draw(language, target_folder)`` for ``lang`` into ``folder`` and for every other of ``languages`` into ``folder/<language>/``.

    The languages are drawn at the same time, in forked processes (:func:`research.parallel.fork_map`):
    each figure is drawn from the same data by the same code, so the files are the ones drawing them
    one after another would give. Returns every file written, in the order of the languages.
    """
    folder = Path(folder)
    jobs = [(drawn_in, folder if drawn_in == lang else folder / drawn_in) for drawn_in in (lang, *(other for other in languages if other != lang))]
    return [path for written in fork_map(lambda job: draw(*job), jobs, available_cpus()) for path in written]
