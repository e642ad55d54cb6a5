"""Trend figures: what was counted per day, the fitted trend with its interval, forecast, breaks.

One figure per series id, on a per-day axis: each observation is a bar spanning the period it
covers at its count divided by its days, so an 11-day piece sits beside whole years without
being annualised into a spike. Beside the single log-linear trend, the joinpoint model is drawn
when it has more than one segment. A line joins only pieces that follow each other without a gap in
one definition segment, never across a gap, a nested period or a definition; a total set aside
(tiled by its pieces, or straddling a break) is a thin grey bar without a marker. A provisional
figure is a hollow diamond. A definition break is a dotted vertical line at the break's own date;
an intervention date is a dash-dot line. The forecast is dashed with a lighter, hatched band (a
*prediction* interval for counts, not only for the mean). The y-axis is set by the observations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font

from research.clean.series_catalogue import series_title
from research.i18n import catalogue as messages
from research.i18n import message
from research.parallel import available_cpus, fork_map
from research.plots.style import FORMATS, OKABE_ITO, PALETTE, RC_PARAMS, Credit, new_figure, register_cjk_font, save_figure
from research.plots.trend_cache import figure_key, read_cache, reusable, write_cache
from research.trends.analysis import SeriesTrend
from research.trends.joinpoint import hinges
from research.trends.models import design_matrix
from research.trends.series import DAYS_PER_YEAR, decimal_years

#: A log y-axis is used when the largest yearly rate is this many times the smallest.
LOG_SCALE_RANGE = 50
#: The y-axis is set by the observations alone, with this margin: an interval band from few points
#: may leave the frame, which shows its width honestly rather than squashing the data.
DATA_MARGIN = 1.15
#: Colour of an observation that is drawn but not fitted (a total tiled by its pieces, a straddler).
SET_ASIDE_COLOUR = "#999999"
#: A title keeps the indicator's words only if this many Latin words survive dropping the
#: characters the font cannot draw; otherwise the series id is the title.
MIN_TITLE_WORDS = 2


def _observed(result: SeriesTrend) -> pd.DataFrame:
    rows = result.observed if result.observed is not None else pd.DataFrame()
    if rows.empty:
        return rows
    rows = rows.assign(
        start=pd.to_datetime(rows["period_start"], errors="coerce"),
        end=pd.to_datetime(rows["period_end"], errors="coerce"),
        count=pd.to_numeric(rows["value"], errors="coerce"),
    ).dropna(subset=["start", "end", "count"])
    rows = rows.loc[(rows["end"] >= rows["start"]) & (rows["count"] >= 0)]
    days = (rows["end"] - rows["start"]).dt.days + 1
    flags = rows["flags"].fillna("").astype(str) if "flags" in rows else pd.Series("", index=rows.index)
    fitted = set()
    if result.series is not None:
        fitted = {(s.date(), e.date()) for s, e in zip(result.series["period_start"], result.series["period_end"])}
    rows = rows.assign(
        rate=rows["count"] / days,
        mid=rows["start"] + (rows["end"] - rows["start"]) / 2,
        provisional=flags.str.contains("provisional"),
        fitted=[(s.date(), e.date()) in fitted for s, e in zip(rows["start"], rows["end"])] if fitted else True,
    )
    return rows.drop_duplicates(subset=["start", "end", "count"]).sort_values(["start", "end"], kind="mergesort")


def contiguous_runs(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of pieces that follow each other day after day (a line may join these, nothing else)."""
    if rows.empty:
        return []
    starts_new = rows["start"].to_numpy()[1:] != (rows["end"].to_numpy()[:-1] + np.timedelta64(1, "D"))
    run = np.concatenate([[0], np.cumsum(starts_new)])
    return [rows.iloc[np.flatnonzero(run == r)] for r in np.unique(run)]


def _trend_band(result: SeriesTrend, points: int = 60) -> pd.DataFrame:
    """Fitted rate per day and its 95% confidence band over the segment's span."""
    fit, series = result.fit, result.series
    dates = pd.date_range(series["period_start"].min(), series["period_end"].max(), periods=points)
    grid = pd.DataFrame({"t_mid": decimal_years(pd.Series(dates)).to_numpy()})
    X = design_matrix(grid, fit.centre)[["const", "t"]].to_numpy()
    beta = fit.params[["const", "t"]].to_numpy()
    cov = fit.cov.loc[["const", "t"], ["const", "t"]].to_numpy()
    eta = X @ beta - np.log(DAYS_PER_YEAR)  # the model's exposure is in years
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, cov, X))
    q = fit.critical_value()
    return pd.DataFrame({"date": dates, "rate": np.exp(eta), "low": np.exp(eta - q * se), "high": np.exp(eta + q * se)})


def joinpoint_line(result: SeriesTrend, points: int = 120) -> pd.DataFrame | None:
    """The joinpoint model's fitted rate per day over the segment (``None`` without a joinpoint)."""
    model = result.joinpoints
    if model is None or model.k == 0:
        return None
    series = result.series
    dates = pd.date_range(series["period_start"].min(), series["period_end"].max(), periods=points)
    t = decimal_years(pd.Series(dates)).to_numpy()
    X = np.column_stack([np.ones(len(t)), t - model.fit.centre, hinges(t, model.taus)])
    return pd.DataFrame({"date": dates, "rate": np.exp(X @ model.fit.params.to_numpy() - np.log(DAYS_PER_YEAR))})


def trend_figure(results: Sequence[SeriesTrend], lang: str = "en") -> Figure:
    """Draw every segment of one series id (see the module docstring for the conventions)."""
    fig, ax = new_figure()
    first = results[0]
    colours = iter(PALETTE)
    all_rates = []
    drawn_breaks: set[str] = set()
    labelled: set[str] = set()

    def once(key: str, text: str) -> str | None:
        if key in labelled:
            return None
        labelled.add(key)
        return text

    for index, result in enumerate(results):
        colour = next(colours)
        rows = _observed(result)
        if rows.empty:
            continue
        all_rates.extend(rows["rate"].tolist())
        used, aside = rows.loc[rows["fitted"]], rows.loc[~rows["fitted"]]
        label = message("trends", "figure_observed", lang, segment=result.segment + 1) if len(results) > 1 else message("trends", "figure_observed_one", lang)
        if len(aside):
            ax.hlines(aside["rate"], aside["start"], aside["end"], color=SET_ASIDE_COLOUR, linewidth=1.2, alpha=0.8,
                      label=once("aside", message("trends", "figure_not_fitted", lang)))
        for run in contiguous_runs(used):
            if len(run) > 1:
                ax.plot(run["mid"], run["rate"], color=colour, linewidth=1, alpha=0.6)
        ax.hlines(used["rate"], used["start"], used["end"], color=colour, linewidth=2.5, alpha=0.5)
        final, provisional = used.loc[~used["provisional"]], used.loc[used["provisional"]]
        ax.plot(final["mid"], final["rate"], "o", color=colour, label=label, zorder=3)
        if len(provisional):
            ax.plot(provisional["mid"], provisional["rate"], "D", markerfacecolor="white", markeredgecolor=colour, markeredgewidth=1.5,
                    label=once("provisional", message("trends", "figure_provisional", lang)), zorder=3)
        if result.status == "fitted":
            band = _trend_band(result)
            ax.plot(band["date"], band["rate"], color=OKABE_ITO["black"], linewidth=1.2,
                    label=once("trend", message("trends", "figure_trend", lang, model=model_name(result.fit.family, lang))))
            ax.fill_between(band["date"], band["low"], band["high"], color=colour, alpha=0.2, linewidth=0)
            segmented = joinpoint_line(result)
            if segmented is not None:
                ax.plot(segmented["date"], segmented["rate"], color=OKABE_ITO["bluish_green"], linewidth=1.6,
                        label=once("joinpoint", message("trends", "figure_joinpoints", lang, n=result.joinpoints.k + 1)))
        if result.forecast is not None and index == len(results) - 1:
            future = result.forecast
            days = ((future["period_end"] - future["period_start"]).dt.days + 1).to_numpy()
            ax.plot(future["period_start"] + (future["period_end"] - future["period_start"]) / 2, future["mean"] / days, "--", color=OKABE_ITO["vermillion"], label=message("trends", "figure_forecast", lang))
            for row, n_days in zip(future.itertuples(), days):
                ax.fill_between([row.period_start, row.period_end], row.predict_low / n_days, row.predict_high / n_days, color=OKABE_ITO["vermillion"], alpha=0.12, hatch="//", linewidth=0)
        for when, break_id in result.meta.get("breaks", []):
            if break_id in drawn_breaks:
                continue
            drawn_breaks.add(break_id)
            ax.axvline(pd.Timestamp(when), color=OKABE_ITO["black"], linestyle=":", linewidth=1.2, label=once("definition", message("trends", "figure_definition_break", lang)))
        if index > 0 and not result.meta.get("breaks"):
            # A segment without a dated break (a marker-based one): the line sits at its first period.
            ax.axvline(rows["start"].min(), color=OKABE_ITO["black"], linestyle=":", linewidth=1.2, label=once("definition", message("trends", "figure_definition_break", lang)))
        for brk in (effect.event for effect in result.effects):
            if brk.date in drawn_breaks:  # each segment carries the same intervention: mark it once
                continue
            drawn_breaks.add(brk.date)
            ax.axvline(pd.Timestamp(brk.date), color=OKABE_ITO["reddish_purple"], linestyle="-.", linewidth=1.2, label=drawable(brk.label))
    # Scale the axis to the observations: an interval from few points may run off the chart,
    # which is shown honestly by the band leaving the frame rather than by squashing the data.
    positive = [r for r in all_rates if r > 0]
    if positive and max(positive) / min(positive) > LOG_SCALE_RANGE:
        ax.set_yscale("log")
        ax.set_ylim(min(positive) / DATA_MARGIN, max(positive) * DATA_MARGIN)
    elif positive:
        ax.set_ylim(0, max(positive) * DATA_MARGIN)
    ax.set_ylabel(message("trends", "figure_ylabel", lang, counted=first.meta["counted"]))
    # The gid names the title in the SVG, where the report's browser test reads it back.
    ax.set_title(figure_title(first.meta.get("title", first.series_id), first.series_id)).set_gid("figure-title")
    ax.legend(fontsize=8, loc="upper left")
    publishers = sorted({drawable(p) for r in results for p in r.meta["publishers"].split(";") if drawable(p)})
    source_ids = sorted({s for r in results for s in r.meta["source_ids"].split(";") if s})
    note = message("trends", "figure_note", lang, counted=first.meta["counted"], figures=", ".join(source_ids) or "—")
    Credit(publishers, any(r.meta["synthetic"] for r in results), lang).stamp(fig, note)
    return fig


def model_name(family: str, lang: str = "en") -> str:
    """The count model's name in ``lang`` (``model_<family>`` of the catalogue, else the family)."""
    key = f"model_{family}"
    return message("trends", key, lang) if key in messages("trends", "en") else family.replace("_", " ")


def break_mark(break_id: str, date: str, lang: str = "en") -> str:
    """The short label of a dated break in ``lang`` (``mark_<ID>`` of the catalogue); ``""`` if it has none."""
    key = f"mark_{break_id}"
    return message("trends", key, lang, date=date) if key in messages("trends", "en") else ""


def in_language(results: Sequence[SeriesTrend], catalogue: pd.DataFrame | None, lang: str) -> list[SeriesTrend]:
    """Copies of ``results`` worded for a figure in ``lang``: catalogue title, counted word, break labels.

    The numbers are untouched; only what the figure prints changes, so one fit serves every language.
    """
    out = []
    for result in results:
        counted = str(result.meta.get("counted", ""))
        key = "counted_" + re.sub(r"\W+", "_", counted.lower()).strip("_")
        meta = {**result.meta, "title": series_title(catalogue, result.series_id, lang),
                "counted": message("trends", key, lang) if key in messages("trends", "en") else counted}
        effects = [replace(e, event=replace(e.event, label=break_mark(e.event.break_id, e.event.date, lang) or e.event.label)) for e in result.effects]
        out.append(replace(result, meta=meta, effects=effects))
    return out


@cache
def _font_charmap(weight: str) -> frozenset[int]:
    """Code points the house fonts (in ``weight``) can draw: DejaVu Sans and, when installed, its CJK fallback."""
    register_cjk_font()
    charmap: set[int] = set()
    for family in RC_PARAMS["font.family"]:
        try:
            charmap |= set(get_font(findfont(FontProperties(family=family, weight=weight), fallback_to_default=False)).get_charmap())
        except ValueError:  # the fallback font is not installed: its glyphs cannot be drawn
            continue
    return frozenset(charmap)


def drawable(text: str, weight: str = "normal") -> str:
    """``text`` without the characters the house font cannot draw, tidied up.

    DejaVu Sans has no CJK glyphs: Korean and Japanese words would be drawn as empty boxes (and
    matplotlib warns). The indicators quote the source's own words beside an English gloss, so
    dropping them leaves the gloss; brackets and separators left empty are removed too.
    """
    charmap = _font_charmap(weight)
    kept = "".join(ch for ch in str(text) if ord(ch) in charmap or ch in "\n\t")
    if kept == text:
        return text
    kept = re.sub(r"\(\s*[;,:]?\s*", "(", kept)
    kept = re.sub(r"\s*[;,:]?\s*\)", ")", kept)
    kept = re.sub(r"\(\s*\)", "", kept)
    kept = re.sub(r"\s{2,}", " ", kept).strip(" ;,:-—")
    # "(deepfake crime occurrences)" left alone after the Korean words: the gloss is the text now.
    if kept.startswith("(") and kept.endswith(")") and kept.count("(") == 1:
        kept = kept[1:-1].strip()
    return kept


def figure_title(indicator: str, series_id: str, width: int = 80) -> str:
    """The indicator in the font's characters, or the series id when too little of it is left."""
    title = drawable(indicator, weight="bold")
    if title != indicator and len(re.findall(r"[A-Za-z]{3,}", title)) < MIN_TITLE_WORDS:
        title = series_id
    return title if len(title) <= width else title[: width - 1] + "…"


def save_trend_figures(
    results: Sequence[SeriesTrend],
    folder: str | os.PathLike[str],
    min_points: int = 3,
    lang: str = "en",
    cache_file: str | os.PathLike[str] | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Save ``<series_id>.{png,svg,pdf}`` for every series id with a fitted segment of ≥ ``min_points``.

    With ``cache_file``, a figure whose inputs (the fitted numbers, the observations, the drawing
    code, the catalogue and matplotlib's version) are unchanged since it was saved, and whose files
    still have the recorded sha256, is not drawn again: drawing is the slowest part of the stage,
    and the files would be byte-identical anyway.
    """
    by_series: dict[str, list[SeriesTrend]] = {}
    for result in results:
        by_series.setdefault(result.series_id, []).append(result)
    folder = Path(folder)
    cache = read_cache(cache_file) if cache_file is not None else {}
    updated: dict[str, dict] = {}
    to_draw: list[tuple[str, list[SeriesTrend]]] = []
    for series_id in sorted(by_series):
        group = sorted(by_series[series_id], key=lambda r: r.segment)
        if not any(r.status == "fitted" and len(r.series) >= min_points for r in group):
            continue
        key = figure_key(group, lang)
        files = reusable(cache.get(series_id), key, folder)
        if files is None:
            to_draw.append((series_id, group))
        updated[series_id] = {"key": key, "files": files}
    # Each figure is drawn from its own series alone, so the files are those of drawing them one
    # after another; the CPUs draw them at the same time (research.parallel.fork_map).
    drawn = fork_map(lambda job: save_figure(trend_figure(job[1], lang), folder / job[0], formats=formats), to_draw, available_cpus())
    for (series_id, _), files in zip(to_draw, drawn):
        updated[series_id]["files"] = files
    written = [path for entry in updated.values() for path in entry["files"]]
    if cache_file is not None:
        write_cache(cache_file, updated)
    return written
