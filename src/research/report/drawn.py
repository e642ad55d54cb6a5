"""Figures the report draws itself, once per language: the lead figure and the published funnel.

Every word in them comes from the ``report`` catalogue, so the Japanese and Korean pages get
Japanese and Korean figures (set in Noto Sans CJK; drawing refuses when that font is missing rather
than strip the glyphs). Functions return the figure and the table it shows; the build saves both.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from research.errors import ResearchError
from research.i18n import message
from research.plots.per_day import DatedMark, per_day_figure, per_day_table
from research.plots.style import OKABE_ITO, has_cjk_font, new_figure, source_caption
from research.plots.trends import break_mark
from research.report.breaks import BreakNote
from research.report.featured import FEATURED, FeaturedRatio, period_label
from research.report.findings import DOMAIN, format_number
from research.report.mainpoints import FunnelNumbers
from research.trends.breaks import intervention_label
from research.trends.series import finest_periods

#: Languages whose figure text needs the CJK font.
CJK_LANGUAGES = ("ja", "ko")


@dataclass
class DrawnFigure:
    """A figure drawn for one language, its table and what the page says about it."""

    stem: str
    figure: Figure
    table: pd.DataFrame
    title: str
    series_ids: tuple[str, ...]


def require_font(lang: str) -> None:
    """Fail closed: no Japanese or Korean figure without a font that has the glyphs."""
    if lang in CJK_LANGUAGES and not has_cjk_font():
        raise ResearchError("Japanese and Korean figures need Noto Sans CJK: run `make fonts` (Debian package fonts-noto-cjk)")


def _publishers(rows: pd.DataFrame) -> list[str]:
    if "publishers" not in rows.columns:
        return []
    return list(dict.fromkeys(str(p).split(";")[0].strip() for p in rows["publishers"].dropna()))


def mark_label(note: BreakNote, lang: str) -> str:
    """A short label for a dated break: ``mark_<ID>`` of the ``trends`` catalogue, else the registry's head words."""
    return break_mark(note.break_id, note.date, lang) or f"{intervention_label(note.text)} ({note.date})"


def lead_figure(counts: pd.DataFrame, notes: list[BreakNote], lang: str, spec: FeaturedRatio = FEATURED[0]) -> DrawnFigure | None:
    """Cases per day over the finest published periods of the featured series, seeds labelled.

    The featured comparison's two periods (156 cases in 2021, 297 in Jan–Jul 2024) carry their
    published count; the series' intervention and legal breaks are drawn at their dates.
    """
    rows = counts[(counts["series_id"] == spec.series_id) & counts["value"].notna()]
    if "value_qualifier" in rows.columns:
        rows = rows[rows["value_qualifier"].fillna("exact") == "exact"]
    if rows.empty:
        return None
    require_font(lang)
    table = per_day_table(finest_periods(rows)).reset_index(drop=True)
    labels = {}
    for period in (spec.reference, spec.compare):
        hit = table.index[(table["start"] == pd.Timestamp(period[0])) & (table["end"] == pd.Timestamp(period[1]))]
        if len(hit):
            labels[int(hit[0])] = message(DOMAIN, "figure_lead_label", lang, count=format_number(table.loc[hit[0], "value"], lang), period=period_label(period, lang))
    marks = [DatedMark(n.date, mark_label(n, lang)) for n in notes if n.date and n.kind in ("intervention", "legal")]
    title = message(DOMAIN, "figure_lead_title", lang)
    figure = per_day_figure(
        table, title=title, ylabel=message(DOMAIN, "figure_lead_ylabel", lang), labels=labels, marks=marks,
        sources=_publishers(rows), note=message(DOMAIN, "figure_lead_note", lang), lang=lang,
    )
    shown = table[["series_id", "period_start", "period_end", "value", "days", "rate", "rate_low", "rate_high"]].rename(
        columns={"days": "exposure_days", "rate": "cases_per_day", "rate_low": "cases_per_day_low", "rate_high": "cases_per_day_high"}
    )
    return DrawnFigure("knpa_deepfake_per_day", figure, shown, title, (spec.series_id,))


def funnel_figure(funnel: FunnelNumbers, publisher: str, lang: str, series_ids: tuple[str, ...] = ()) -> DrawnFigure:
    """The published funnel as four bars: fully removed, partly removed, still online, not reported."""
    require_font(lang)
    parts = [("full", funnel.full), ("partial", funnel.partial), ("online", funnel.online), ("unknown", funnel.unknown)]
    parts = [(name, value) for name, value in parts if value is not None]
    labels = [message(DOMAIN, f"figure_paps_{name}", lang) for name, _ in parts]
    colours = {"full": OKABE_ITO["bluish_green"], "partial": OKABE_ITO["sky_blue"], "online": OKABE_ITO["vermillion"], "unknown": "#999999"}
    fig, ax = new_figure(figsize=(7.5, 3.4))
    values = [value for _, value in parts if value is not None]
    ax.barh(range(len(parts))[::-1], values, color=[colours[name] for name, _ in parts])
    ax.set_yticks(range(len(parts))[::-1], labels)
    for position, value in zip(range(len(parts))[::-1], values):
        share = format_number(100 * value / funnel.requested, lang, 1)
        ax.text(value, position, f" {format_number(value, lang)} ({share}%)", va="center", fontsize=9)
    ax.set_xlim(0, max(values) * 1.35)
    ax.set_xlabel(message(DOMAIN, "figure_paps_xlabel", lang))
    title = message(DOMAIN, "figure_paps_title", lang)
    ax.set_title(title, loc="left").set_gid("figure-title")  # named in the SVG, where the browser test reads it
    ax.grid(axis="y", visible=False)
    source_caption(fig, [publisher], lang=lang)
    table = pd.DataFrame({"status": [name for name, _ in parts], "files": values, "requested": funnel.requested})
    return DrawnFigure("paps_funnel", fig, table, title, series_ids)


def close(drawn: DrawnFigure) -> None:
    plt.close(drawn.figure)
