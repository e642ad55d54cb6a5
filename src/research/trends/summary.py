"""One plain-language paragraph per series, built from fitted numbers and the message catalogue.

Every sentence comes from ``locales/<lang>/trends.yml`` so that other languages can be added
without touching code. The wording is hedged when the interval includes no change, mentions
partial periods, definition breaks and interventions, and always says what was counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.i18n import message
from research.trends.breaks import BreakFit, BreakSearch
from research.trends.growth import AnnualGrowth, evidence_note

DOMAIN = "trends"


def format_percent(value: float, signed: bool = False) -> str:
    """A percentage for a sentence: whole numbers from 10% up, one decimal below."""
    if not np.isfinite(value):
        return "∞"
    text = f"{abs(value):.0f}%" if abs(value) >= 9.95 else f"{abs(value):.1f}%"
    if signed:
        return ("+" if value >= 0 else "−") + text
    return text


def growth_sentence(growth: AnnualGrowth, indicator: str, place: str, first: str, last: str, lang: str = "en") -> str:
    """The headline sentence: rose / fell / no clear change, with the 95% interval."""
    fields = dict(indicator=indicator, place=place, first=first, last=last)
    low, high = format_percent(growth.percent_low, signed=True), format_percent(growth.percent_high, signed=True)
    if growth.includes_no_change:
        return message(DOMAIN, "growth_unclear", lang, signed=format_percent(growth.percent, signed=True), low=low, high=high, **fields)
    if growth.factor > 1:
        text = message(DOMAIN, "growth_up", lang, percent=format_percent(growth.percent), low=low, high=high, **fields)
        if np.isfinite(growth.doubling_time_years):
            text += " " + message(DOMAIN, "doubling", lang, years=f"{growth.doubling_time_years:.1f}")
        return text
    return message(DOMAIN, "growth_down", lang, percent=format_percent(growth.percent), low=low, high=high, **fields)


def series_summary(
    series: pd.DataFrame,
    growth: AnnualGrowth,
    *,
    indicator: str,
    place: str,
    counted: str,
    publisher: str,
    family: str,
    dispersion_test: str = "ok",
    segment: int = 0,
    n_segments: int = 1,
    known_breaks: Sequence[BreakFit] = (),
    search: BreakSearch | None = None,
    lang: str = "en",
) -> str:
    """The paragraph for one fitted series (see the module docstring for what it covers)."""
    first = str(series["period_start"].min().year)
    last = str(series["period_end"].max().year)
    if first == last:
        first, last = f"{series['period_start'].min():%b %Y}", f"{series['period_end'].max():%b %Y}"
    parts = [growth_sentence(growth, indicator, place, first, last, lang)]
    if family != "poisson":
        parts.append(message(DOMAIN, "dispersion", lang))
    elif dispersion_test == "not_testable":
        parts.append(message(DOMAIN, "dispersion_untestable", lang))
    n = len(series)
    if evidence_note(n):
        parts.append(message(DOMAIN, "few_points", lang, n=n))
    partial = series.loc[series["partial"]]
    if len(partial):
        periods = ", ".join(f"{r.period_start:%b %Y}–{r.period_end:%b %Y}" for r in partial.itertuples())
        parts.append(message(DOMAIN, "partial", lang, n_partial=len(partial), n=n, periods=periods))
    if segment > 0:
        parts.append(message(DOMAIN, "segment_later", lang, start=series["period_start"].min().date().isoformat()))
    if segment < n_segments - 1:
        parts.append(message(DOMAIN, "segment_earlier", lang, end=series["period_end"].max().date().isoformat()))
    for brk in known_breaks:
        if brk.fit is None:
            parts.append(message(DOMAIN, "known_break_unestimable", lang, label=brk.label, date=brk.date))
        else:
            numbers = dict(label=brk.label, date=brk.date, factor=f"{brk.level_factor:.2f}", low=f"{brk.level_low:.2f}", high=f"{brk.level_high:.2f}")
            if brk.basis == "sub_periods":
                parts.append(message(DOMAIN, "known_break_pieces", lang, n=brk.n_points, n_after=brk.n_after, **numbers))
            else:
                parts.append(message(DOMAIN, "known_break", lang, **numbers))
            if brk.includes_no_change:
                parts.append(message(DOMAIN, "known_break_no_clear_change", lang))
            if brk.basis == "sub_periods" or evidence_note(brk.n_points):
                parts.append(message(DOMAIN, "known_break_weak", lang))
    if search is not None and search.kept:
        parts.append(message(DOMAIN, "search_kept", lang, date=search.best_date))
    parts.append(message(DOMAIN, "not_prevalence", lang, counted=counted, publisher=publisher))
    return " ".join(parts)


def refusal_summary(indicator: str, place: str, reason: str, lang: str = "en") -> str:
    """The sentence for a series that was not fitted, with the reason."""
    return message(DOMAIN, "refused", lang, indicator=indicator, place=place, reason=reason)


def not_modelled_summary(indicator: str, place: str, units: str, lang: str = "en") -> str:
    """The sentence for a series with no exact counts (percentages, ranges, approximations)."""
    return message(DOMAIN, "not_modelled", lang, indicator=indicator, place=place, units=units)
