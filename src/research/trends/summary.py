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
    dispersion_ratio: float = float("nan"),
    segment: int = 0,
    n_segments: int = 1,
    effects: Sequence = (),
    lang: str = "en",
) -> str:
    """The paragraph for one fitted series (see the module docstring for what it covers)."""
    first = str(series["period_start"].min().year)
    last = str(series["period_end"].max().year)
    if first == last:
        first, last = f"{series['period_start'].min():%b %Y}", f"{series['period_end'].max():%b %Y}"
    parts = [growth_sentence(growth, indicator, place, first, last, lang)]
    if dispersion_test == "overdispersed":
        parts.append(message(DOMAIN, "dispersion", lang, ratio=f"{dispersion_ratio:.1f}"))
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
    parts += [effect.summary for effect in effects]
    parts.append(message(DOMAIN, "not_prevalence", lang, counted=counted, publisher=publisher))
    return " ".join(parts)


def refusal_summary(indicator: str, place: str, reason: str, lang: str = "en") -> str:
    """The sentence for a series that was not fitted, with the reason."""
    return message(DOMAIN, "refused", lang, indicator=indicator, place=place, reason=reason)


def not_modelled_summary(indicator: str, place: str, units: str, lang: str = "en") -> str:
    """The sentence for a series with no exact counts (percentages, ranges, approximations)."""
    return message(DOMAIN, "not_modelled", lang, indicator=indicator, place=place, units=units)


def ratio_summary(period_ratio, *, indicator: str, place: str, reason: str, lang: str = "en") -> str:
    """The sentence for a series too short for a growth rate: last period against the first, per day."""
    if period_ratio is None:
        return refusal_summary(indicator, place, reason, lang)
    r = period_ratio.ratio
    return message(DOMAIN, "rate_ratio_summary", lang, indicator=indicator, place=place, reason=reason,
                   first=period_ratio.first, last=period_ratio.last, ratio=f"{r.ratio:.2f}", low=f"{r.low:.2f}", high=f"{r.high:.2f}")
