"""Featured finding: one series' daily rate ratio between two named periods, with its fitted trend.

The key findings otherwise pick the series with the most periods; a featured series is named by
the project because it is the story the project began from (KNPA deepfake cases). The ratio is
computed from ``counts.csv`` with :func:`research.trends.growth.rate_ratio` (exact interval), and
the growth factor and any known break are read from the series' row of ``trends.csv``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from research.i18n import message
from research.report.findings import DOMAIN, Finding, format_number
from research.trends.growth import rate_ratio


@dataclass(frozen=True)
class FeaturedRatio:
    """A series and two periods to compare per day: ``compare`` against ``reference``.

    ``what`` names the catalogue key suffix that says what was counted (``finding_featured_<what>``).
    """

    series_id: str
    reference: tuple[str, str]
    compare: tuple[str, str]
    what: str = "knpa_deepfake_cases"


#: The featured findings, shown first among the key findings.
FEATURED = (FeaturedRatio("KR_KNPA_DEEPFAKE_CASES", ("2021-01-01", "2021-12-31"), ("2024-01-01", "2024-07-31")),)


def _period_count(counts: pd.DataFrame, series_id: str, period: tuple[str, str]) -> tuple[int, float] | None:
    """The exact count and days of exposure of one period; ``None`` if absent or ambiguous."""
    rows = counts[
        (counts["series_id"] == series_id)
        & (counts["period_start"].astype(str).str[:10] == period[0])
        & (counts["period_end"].astype(str).str[:10] == period[1])
        & counts["value"].notna()
    ]
    if "value_qualifier" in rows.columns:
        rows = rows[rows["value_qualifier"].fillna("exact") == "exact"]
    values = set(rows["value"].astype(float))
    if len(values) != 1:
        return None
    value = values.pop()
    if value != round(value):
        return None
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    days = float((end - start).days + 1)
    if "exposure_days" in rows.columns and rows["exposure_days"].notna().all() and rows["exposure_days"].nunique() == 1:
        days = float(rows["exposure_days"].iloc[0])
    return int(value), days


def period_label(period: tuple[str, str], lang: str = "en") -> str:
    """A period in the reader's words: ``2021``, ``Jan–Jul 2024``, ``Apr 2019–Mar 2025``, else the dates.

    The patterns come from the catalogue (``period_year``, ``period_months``, ``period_month_span``,
    ``period_dates``), so that Japanese reads ``2024年1月–7月``.
    """
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    months = [m.strip() for m in message(DOMAIN, "month_abbreviations", lang).split(",")]
    whole_months = start.day == 1 and end == end + pd.offsets.MonthEnd(0)
    if whole_months and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return message(DOMAIN, "period_year", lang, year=start.year)
        return message(DOMAIN, "period_months", lang, m1=months[start.month - 1], m2=months[end.month - 1], year=start.year)
    if whole_months:
        return message(DOMAIN, "period_month_span", lang, m1=months[start.month - 1], y1=start.year, m2=months[end.month - 1], y2=end.year)
    return message(DOMAIN, "period_dates", lang, start=start.date().isoformat(), end=end.date().isoformat())


def _growth_text(row: dict, lang: str) -> tuple[str, tuple[str, ...]]:
    """The fitted growth of the series (hedged when its interval includes 1) and any fitted break."""
    factor, low, high = (float(row[c]) for c in ("growth_factor", "growth_factor_low", "growth_factor_high"))
    numbers = tuple(format_number(v, lang, 2) for v in (factor, low, high))
    key = "featured_growth_no_change" if low <= 1 <= high else "featured_growth"
    fields = dict(factor=numbers[0], low=numbers[1], high=numbers[2], n=int(row["n_points"]),
                  first=str(row["first_period_start"])[:4], last=str(row["last_period_end"])[:4])
    text = message(DOMAIN, key, lang, **fields)
    known = row.get("known_break")
    if isinstance(known, str) and known.strip():
        # "B09 2024-08-28 KNPA special crackdown on deepfake sex crimes: fitted" → date and name.
        head = known.split(":", 1)[0].split(" ", 2)
        date, name = (head[1], head[2]) if len(head) == 3 else ("", known)
        level = [row.get(c) for c in ("break_level_factor", "break_level_low", "break_level_high")]
        if all(isinstance(v, (int, float)) and math.isfinite(v) for v in level):
            level_text = tuple(format_number(float(v), lang, 2) for v in level)
            key = "featured_break_no_change" if float(level[1]) <= 1 <= float(level[2]) else "featured_break"
            text += " " + message(DOMAIN, key, lang, name=name, date=date, factor=level_text[0], low=level_text[1], high=level_text[2])
            numbers += level_text
        else:
            text += " " + message(DOMAIN, "featured_break_not_estimated", lang, name=name, date=date)
    return text, numbers


def featured_findings(counts: pd.DataFrame, trends: pd.DataFrame | None, lang: str = "en",
                      featured: tuple[FeaturedRatio, ...] = FEATURED) -> list[Finding]:
    """One finding per featured series whose two periods are in ``counts``; others are left out."""
    findings = []
    for spec in featured:
        reference = _period_count(counts, spec.series_id, spec.reference)
        compare = _period_count(counts, spec.series_id, spec.compare)
        if reference is None or compare is None or reference[0] == 0:
            continue
        ratio = rate_ratio(reference[0], reference[1], compare[0], compare[1])
        numbers = tuple(format_number(v, lang, 2) for v in (ratio.ratio, ratio.low, ratio.high))
        text = message(
            DOMAIN, f"finding_featured_{spec.what}", lang,
            ratio=numbers[0], low=numbers[1], high=numbers[2],
            compare=period_label(spec.compare, lang), reference=period_label(spec.reference, lang),
            count_b=format_number(compare[0], lang), count_a=format_number(reference[0], lang),
        )
        if trends is not None and {"series_id", "growth_factor", "growth_factor_low", "growth_factor_high", "n_points"} <= set(trends.columns):
            rows = trends[(trends["series_id"] == spec.series_id) & (trends.get("status", "fitted") == "fitted")]
            rows = rows.sort_values([c for c in ("segment",) if c in rows.columns] or ["series_id"], kind="stable")
            fitted = [r for r in rows.to_dict("records") if all(math.isfinite(float(r[c])) for c in ("growth_factor", "growth_factor_low", "growth_factor_high"))]
            if fitted:
                growth, growth_numbers = _growth_text(fitted[0], lang)
                text += " " + growth
                numbers += growth_numbers
        findings.append(Finding(f"featured-{spec.series_id}", text, numbers))
    return findings
