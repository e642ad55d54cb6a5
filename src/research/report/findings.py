"""Key findings in plain language, with intervals, from the tables the analysis stages wrote.

Each function takes a table (``trends.csv``, a funnel, a concentration table) and returns
:class:`Finding` objects whose text comes from the ``report`` message catalogue. Column names are
looked up among a few accepted spellings, so a finding is only made from numbers that are there;
a table without them yields no finding rather than a made-up one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from research.clean.series_catalogue import series_title
from research.i18n import message

DOMAIN = "report"
#: Level names used by the networks tables → catalogue keys ``level_<key>``.
LEVEL_KEYS = {"domain": "domain", "hosting_provider": "provider", "provider": "provider", "country": "country"}


@dataclass(frozen=True)
class Finding:
    """One sentence of the key findings and the numbers in it (as printed)."""

    key: str
    text: str
    numbers: tuple[str, ...]
    synthetic: bool = False


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with the language's separators: ``99,266`` (en), ``99.266`` (id)."""
    thousands, point = message(DOMAIN, "number_thousands", lang), message(DOMAIN, "number_decimal", lang)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def format_share(value: float, lang: str = "en") -> str:
    """A proportion in [0, 1] as a percentage with one decimal."""
    return format_number(100 * value, lang, 1) + "%"


def pick(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    """The first of ``names`` that is a column of ``frame``."""
    return next((n for n in names if n in frame.columns), None)


def _finite(*values: object) -> bool:
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def trend_findings(trends: pd.DataFrame, lang: str = "en", limit: int = 6) -> list[Finding]:
    """One finding per fitted series (most observations first), from ``trends.csv``.

    Needs a growth factor and its 95% interval; series the trend stage refused are left out.
    """
    factor = pick(trends, ["growth_factor", "annual_growth_factor", "factor"])
    low = pick(trends, ["growth_factor_low", "growth_low", "factor_low", "annual_growth_factor_low"])
    high = pick(trends, ["growth_factor_high", "growth_high", "factor_high", "annual_growth_factor_high"])
    if not (factor and low and high):
        return []
    n_col = pick(trends, ["n_points", "n_obs", "n_observations", "n"])
    name_col = pick(trends, ["indicator", "series_id"])
    rows = trends[trends[[factor, low, high]].apply(lambda r: _finite(*r), axis=1)].copy()
    if n_col:
        rows = rows.sort_values([n_col, "series_id"], ascending=[False, True], kind="stable")
    findings = []
    for row in rows.head(limit).to_dict("records"):
        numbers = tuple(format_number(float(row[c]), lang, 2) for c in (factor, low, high))
        key = "finding_trend_no_change" if float(row[low]) <= 1 <= float(row[high]) else "finding_trend"
        place = f" ({row['country']})" if "country" in row and pd.notna(row.get("country")) else ""
        text = message(
            DOMAIN, key, lang,
            series=f"{row[name_col]}{place}", factor=numbers[0], low=numbers[1], high=numbers[2],
            n=int(row[n_col]) if n_col else "?",
            first=str(row.get("first_period_start", row.get("first_period", "")))[:10],
            last=str(row.get("last_period_end", row.get("last_period", "")))[:10],
            counted=str(row.get("counted", "")),
        )
        findings.append(Finding(f"trend-{row['series_id']}", text, numbers))
    return findings


def funnel_finding(requested: int, online: int, low: float, high: float, lang: str = "en", synthetic: bool = True) -> Finding:
    """Share of files still online after a removal request, with its interval."""
    numbers = (format_number(requested, lang), format_number(online, lang), format_share(online / requested, lang), format_share(low, lang), format_share(high, lang))
    text = message(DOMAIN, "finding_funnel", lang, requested=numbers[0], online=numbers[1], share=numbers[2], low=numbers[3], high=numbers[4])
    return Finding("funnel", text, numbers, synthetic)


def public_funnel_finding(publisher: str, year: str, requested: float, online: float, lang: str = "en") -> Finding:
    """The published funnel (shown as published: no interval, no suppression)."""
    numbers = (format_number(requested, lang), format_number(online, lang), format_share(online / requested, lang))
    text = message(DOMAIN, "finding_funnel_public", lang, publisher=publisher, year=year, requested=numbers[0], online=numbers[1], share=numbers[2])
    return Finding("funnel-public", text, numbers)


def concentration_findings(table: pd.DataFrame, lang: str = "en", synthetic: bool = True) -> list[Finding]:
    """Top-k share of still-online content per level (domain, provider, country) and the Gini."""
    share = pick(table, ["top_k_share", "share", "top_share"])
    level_col = pick(table, ["level", "by"])
    k_col = pick(table, ["k", "top_k"])
    gini_col = pick(table, ["gini"])
    if not (share and level_col and k_col and gini_col):
        return []
    low, high = pick(table, [f"{share}_low", "share_low", "low"]), pick(table, [f"{share}_high", "share_high", "high"])
    findings = []
    for row in table.sort_values([level_col, k_col]).drop_duplicates(level_col).to_dict("records"):
        level = LEVEL_KEYS.get(str(row[level_col]), str(row[level_col]))
        level_text = message(DOMAIN, f"level_{level}", lang) if level in LEVEL_KEYS.values() else level
        numbers = [str(int(row[k_col])), format_share(float(row[share]), lang)]
        fields = dict(k=numbers[0], level=level_text, share=numbers[1], gini=format_number(float(row[gini_col]), lang, 2))
        if low and high and _finite(row[low], row[high]):
            numbers += [format_share(float(row[low]), lang), format_share(float(row[high]), lang)]
            text = message(DOMAIN, "finding_concentration", lang, low=numbers[2], high=numbers[3], **fields)
        else:
            text = message(DOMAIN, "finding_concentration_no_interval", lang, **fields)
        findings.append(Finding(f"concentration-{level}", text, tuple(numbers), synthetic))
    return findings


def retitle(trends: pd.DataFrame, catalogue: pd.DataFrame | None, lang: str = "en") -> pd.DataFrame:
    """``trends`` with each series' ``indicator`` replaced by its title in the series catalogue.

    Titles come from ``data/raw/series.csv`` (:func:`research.clean.series_catalogue.series_title`),
    never from one observation's indicator wording; a series the catalogue lacks keeps its id.
    """
    if catalogue is None or "indicator" not in trends.columns:
        return trends
    out = trends.copy()
    out["indicator"] = [series_title(catalogue, series, lang) for series in out["series_id"]]
    return out
