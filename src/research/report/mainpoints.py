"""Main points: at most eight findings from real published data, chosen by a stated rule.

A candidate is a :class:`MainPoint`: a sentence from the ``report`` catalogue with its number and
interval, and, as separate fields, what was counted, who counted it, the source's quality tier and
the period. :func:`select_main_points` keeps the real candidates and orders them by

1. importance to the report's question (:data:`TOPIC_IMPORTANCE`: deepfake sexual abuse in Korea,
   removal of the content, image-based abuse in Japan, the global picture),
2. source tier (1 = the producer's own publication … 5 = low confidence),
3. recency (the later period first),

then keeps the first :data:`MAX_MAIN_POINTS`. The number of periods a series has plays no part.
Nothing derived from the synthetic log can be a candidate: a synthetic candidate is refused.

The candidates themselves are made from ``counts.csv`` by :func:`latest_change` (the latest period
against the previous comparable one, per day, exact interval) and :func:`published_funnel` (a
published removal funnel with the range its unknown-status items allow).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from research.errors import ResearchError
from research.i18n import message
from research.report.findings import DOMAIN, format_number, format_share
from research.report.featured import FEATURED, FeaturedRatio, featured_findings, period_label
from research.trends.growth import rate_ratio

MAX_MAIN_POINTS = 8
#: The report's question, most important first: a topic's place is its importance.
TOPIC_IMPORTANCE = ("korea_deepfake", "takedowns", "japan", "korea", "global")
#: Two periods are comparable when their lengths differ by at most this many days (leap years,
#: fiscal years that start on another day).
SAME_LENGTH_DAYS = 3
#: Kinds of registry break across which two periods are never compared.
NOT_COMPARABLE_KINDS = ("definition", "coverage", "legal")


@dataclass(frozen=True)
class HeadlineSeries:
    """A series whose latest change is a main-point candidate, and the topic it answers."""

    series_id: str
    topic: str
    what: str  # catalogue key suffix: ``counted_<what>`` says what was counted


#: Series the report states the latest change of (when two comparable periods exist).
HEADLINES: tuple[HeadlineSeries, ...] = (
    HeadlineSeries("KR_KCSC_DEEPFAKE_CORRECTIVE", "korea_deepfake", "kcsc_deepfake_corrective"),
    HeadlineSeries("KR_DSC_CENTER_DELETIONS", "takedowns", "dsc_center_deletions"),
    HeadlineSeries("JP_NPA_REVENGE_PORN_CONSULTATIONS", "japan", "npa_revenge_porn_consultations"),
    HeadlineSeries("JP_PAPS_SEXTORTION_CONSULTATIONS", "japan", "paps_sextortion_consultations"),
    HeadlineSeries("ncmec_cybertipline_total_reports", "global", "ncmec_cybertipline_reports"),
    HeadlineSeries("iwf_reports_confirmed_csam", "global", "iwf_confirmed_reports"),
)


@dataclass(frozen=True)
class MainPoint:
    """One main point: its sentence and, apart, the facts a reader checks it by."""

    key: str
    topic: str
    text: str
    counted: str
    counted_by: str
    tier: int | None
    period: str
    period_end: str
    series_ids: tuple[str, ...] = ()
    break_ids: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    synthetic: bool = False
    source_ids: tuple[str, ...] = field(default=())

    def sort_key(self) -> tuple:
        importance = TOPIC_IMPORTANCE.index(self.topic) if self.topic in TOPIC_IMPORTANCE else len(TOPIC_IMPORTANCE)
        tier = self.tier if self.tier is not None else 9
        # Later periods first: negate the date's ordinal.
        recency = -pd.Timestamp(self.period_end).toordinal() if self.period_end else 0
        return (importance, tier, recency, self.key)


def select_main_points(candidates: list[MainPoint], limit: int = MAX_MAIN_POINTS) -> list[MainPoint]:
    """Order real candidates by importance, tier and recency; keep at most ``limit``.

    Raises
    ------
    ResearchError
        When a candidate is synthetic: the main points state published data only.
    """
    synthetic = [c.key for c in candidates if c.synthetic]
    if synthetic:
        raise ResearchError(f"synthetic findings cannot be main points: {', '.join(synthetic)}")
    return sorted(candidates, key=MainPoint.sort_key)[:limit]


def _ids(cell: object) -> tuple[str, ...]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ()
    return tuple(part.strip() for part in str(cell).split(";") if part.strip())


def _tier(rows: pd.DataFrame) -> int | None:
    if "best_source_tier" not in rows.columns:
        return None
    tiers = pd.to_numeric(rows["best_source_tier"], errors="coerce").dropna()
    return int(tiers.max()) if not tiers.empty else None


def _publisher(rows: pd.DataFrame) -> str:
    """The first publisher of the latest row (``publishers`` is ``;``-joined, best source first)."""
    if "publishers" not in rows.columns or rows.empty:
        return ""
    return str(rows.iloc[-1]["publishers"]).split(";")[0].strip()


def exact_periods(counts: pd.DataFrame, series_id: str) -> pd.DataFrame:
    """Exact, whole-number counts of one series with their length in days, oldest first."""
    rows = counts[(counts["series_id"] == series_id) & counts["value"].notna()].copy()
    if "value_qualifier" in rows.columns:
        rows = rows[rows["value_qualifier"].fillna("exact").isin(["exact", ""])]
    values = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float)
    rows = rows[np.isfinite(values) & (values == np.round(values))]
    rows["start"] = pd.to_datetime(rows["period_start"].astype(str).str[:10])
    rows["end"] = pd.to_datetime(rows["period_end"].astype(str).str[:10])
    rows["days"] = (rows["end"] - rows["start"]).dt.days + 1
    return rows.sort_values(["end", "start"], kind="stable").reset_index(drop=True)


def _crosses_break(start: pd.Timestamp, end: pd.Timestamp, series_breaks: pd.DataFrame) -> bool:
    """Whether a break of a not-comparable kind falls after ``start`` and on or before ``end``."""
    if series_breaks.empty:
        return False
    dated = series_breaks[series_breaks["kind"].isin(NOT_COMPARABLE_KINDS) & (series_breaks["date"].astype(str) != "")]
    dates = pd.to_datetime(dated["date"].astype(str), errors="coerce").dropna()
    return bool(((dates > start) & (dates <= end)).any())


def breaks_of(series_id: str, counts: pd.DataFrame, registry: pd.DataFrame | None) -> pd.DataFrame:
    """The registry rows cleaning marked on a series (its ``break_ids``), by date."""
    if registry is None or registry.empty or "break_ids" not in counts.columns:
        return pd.DataFrame(columns=["break_id", "date", "kind", "what_changed"])
    marked = {b for cell in counts.loc[counts["series_id"] == series_id, "break_ids"] for b in _ids(cell)}
    return registry[registry["break_id"].isin(marked)].sort_values(["date", "break_id"], kind="stable")


def comparable_pair(rows: pd.DataFrame, series_breaks: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The latest period and the same period one year earlier, not straddling a break.

    Latest periods are tried from the most recent end date (the longer period first on a tie, so
    a whole year is preferred to its last quarter); the earlier period must have the same dates
    one year before, within :data:`SAME_LENGTH_DAYS`.
    """
    tolerance = pd.Timedelta(days=SAME_LENGTH_DAYS)
    for _, latest in rows.sort_values(["end", "days"], ascending=[False, False], kind="stable").iterrows():
        start, end = latest["start"] - pd.DateOffset(years=1), latest["end"] - pd.DateOffset(years=1)
        earlier = rows[((rows["start"] - start).abs() <= tolerance) & ((rows["end"] - end).abs() <= tolerance) & (rows["end"] < latest["start"])]
        earlier = earlier[pd.to_numeric(earlier["value"]) > 0]
        if not earlier.empty and not _crosses_break(earlier.iloc[-1]["start"], latest["end"], series_breaks):
            return earlier.iloc[-1], latest
    return None


def ratio_numbers(ratio: float, low: float, high: float, lang: str) -> tuple[str, str, str]:
    """A ratio and its interval with two decimals, or more when two decimals would hide the interval."""
    for decimals in (2, 3, 4):
        texts = tuple(format_number(v, lang, decimals) for v in (ratio, low, high))
        if texts[1] != texts[2]:
            break
    return texts


def latest_change(counts: pd.DataFrame, spec: HeadlineSeries, registry: pd.DataFrame | None, lang: str = "en") -> MainPoint | None:
    """The latest period of a series against the same period a year earlier, per day.

    ``None`` when no such pair exists on the same side of every definition, coverage or legal break.
    """
    rows = exact_periods(counts, spec.series_id)
    if len(rows) < 2:
        return None
    series_breaks = breaks_of(spec.series_id, counts, registry)
    pair = comparable_pair(rows, series_breaks)
    if pair is None:
        return None
    previous, latest = pair
    ratio = rate_ratio(int(previous["value"]), float(previous["days"]), int(latest["value"]), float(latest["days"]))
    period_b = period_label((str(latest["start"].date()), str(latest["end"].date())), lang)
    period_a = period_label((str(previous["start"].date()), str(previous["end"].date())), lang)
    numbers = (format_number(latest["value"], lang), format_number(previous["value"], lang), *ratio_numbers(ratio.ratio, ratio.low, ratio.high, lang))
    key = "mp_change_no_change" if ratio.low <= 1 <= ratio.high else "mp_change"
    counted = message(DOMAIN, f"counted_{spec.what}", lang)
    text = message(DOMAIN, key, lang, counted=counted, count_b=numbers[0], period_b=period_b, count_a=numbers[1], period_a=period_a,
                   ratio=numbers[2], low=numbers[3], high=numbers[4])
    both = pd.DataFrame([previous, latest])
    return MainPoint(
        key=f"change-{spec.series_id}", topic=spec.topic, text=text, counted=counted, counted_by=_publisher(both),
        tier=_tier(both), period=f"{period_a}; {period_b}", period_end=str(latest["end"].date()),
        series_ids=(spec.series_id,), break_ids=tuple(series_breaks["break_id"]), numbers=numbers,
        source_ids=tuple(i for cell in both.get("source_ids", pd.Series(dtype=str)) for i in _ids(cell)),
    )


@dataclass(frozen=True)
class PublishedFunnel:
    """Series ids of a published removal funnel: requested, fully removed, partly removed, still online."""

    requested: tuple[str, ...]
    full: tuple[str, ...]
    partial: tuple[str, ...]
    online: tuple[str, ...]
    topic: str = "takedowns"


#: PAPS (Japan): files whose removal PAPS requested, FY2019–FY2024, and their status in May 2025.
PAPS_FUNNEL = PublishedFunnel(
    requested=("JP_PAPS_REMOVAL_REQUESTS_TOTAL", "JP_PAPS_REMOVAL_REQUESTS"),
    full=("JP_PAPS_FILES_FULLY_REMOVED", "JP_PAPS_REMOVAL_FULL"),
    partial=("JP_PAPS_FILES_PARTLY_REMOVED", "JP_PAPS_REMOVAL_PARTIAL"),
    online=("JP_PAPS_FILES_STILL_ONLINE", "JP_PAPS_REMOVAL_STILL_ONLINE"),
)


def _latest_exact(counts: pd.DataFrame, series_ids: tuple[str, ...]) -> pd.Series | None:
    for series_id in series_ids:
        rows = exact_periods(counts, series_id)
        if not rows.empty:
            return rows.iloc[-1]
    return None


@dataclass(frozen=True)
class FunnelNumbers:
    """A published funnel's counts and the range of the still-online share its unknowns allow."""

    requested: int
    full: int | None
    partial: int | None
    online: int
    unknown: int | None

    @property
    def share_low(self) -> float:
        return self.online / self.requested

    @property
    def share_high(self) -> float:
        return (self.online + (self.unknown or 0)) / self.requested


def funnel_numbers(counts: pd.DataFrame, spec: PublishedFunnel = PAPS_FUNNEL) -> tuple[FunnelNumbers, pd.DataFrame] | None:
    """The counts of a published funnel (same period), and the rows they come from."""
    requested, online = _latest_exact(counts, spec.requested), _latest_exact(counts, spec.online)
    if requested is None or online is None or int(requested["value"]) <= 0:
        return None
    full, partial = _latest_exact(counts, spec.full), _latest_exact(counts, spec.partial)
    same = [r for r in (full, partial) if r is not None and r["end"] == requested["end"] and r["start"] == requested["start"]]
    unknown = None
    if len(same) == 2:
        unknown = int(requested["value"]) - int(full["value"]) - int(partial["value"]) - int(online["value"])
        if unknown < 0:
            unknown = None  # the published parts exceed the total: no range can be stated
    rows = pd.DataFrame([r for r in (requested, full, partial, online) if r is not None])
    numbers = FunnelNumbers(int(requested["value"]), int(full["value"]) if full is not None else None,
                            int(partial["value"]) if partial is not None else None, int(online["value"]), unknown)
    return numbers, rows


def published_funnel(counts: pd.DataFrame, lang: str = "en", spec: PublishedFunnel = PAPS_FUNNEL) -> MainPoint | None:
    """Files still online after a published set of removal requests, with the unknown-status range."""
    found = funnel_numbers(counts, spec)
    if found is None:
        return None
    funnel, rows = found
    last = rows.iloc[-1]
    period = period_label((str(last["start"].date()), str(last["end"].date())), lang)
    fields = dict(requested=format_number(funnel.requested, lang), online=format_number(funnel.online, lang),
                  share=format_share(funnel.share_low, lang), publisher=_publisher(rows), period=period)
    if funnel.unknown:
        fields.update(unknown=format_number(funnel.unknown, lang), low=format_share(funnel.share_low, lang), high=format_share(funnel.share_high, lang))
        text = message(DOMAIN, "mp_funnel_range", lang, **fields)
    else:
        text = message(DOMAIN, "mp_funnel", lang, **fields)
    numbers = tuple(v for k, v in fields.items() if k not in ("publisher", "period"))
    return MainPoint(
        key="funnel-published", topic=spec.topic, text=text, counted=message(DOMAIN, "counted_paps_files", lang),
        counted_by=_publisher(rows), tier=_tier(rows), period=period, period_end=str(last["end"].date()),
        series_ids=tuple(rows["series_id"]), numbers=numbers,
        source_ids=tuple(i for cell in rows.get("source_ids", pd.Series(dtype=str)) for i in _ids(cell)),
    )


def featured_point(counts: pd.DataFrame, trends: pd.DataFrame | None, registry: pd.DataFrame | None, lang: str = "en",
                   spec: FeaturedRatio = FEATURED[0]) -> MainPoint | None:
    """The featured comparison (KNPA deepfake cases per day) as the first Korean main point."""
    # The main point states the comparison alone; fitted trends are for the appendix.
    found = featured_findings(counts, None, lang, (spec,))
    if not found:
        return None
    rows = exact_periods(counts, spec.series_id)
    rows = rows[[(str(r.start.date()), str(r.end.date())) in (spec.reference, spec.compare) for r in rows.itertuples()]]
    series_breaks = breaks_of(spec.series_id, counts, registry)
    return MainPoint(
        key=found[0].key, topic="korea_deepfake", text=found[0].text, counted=message(DOMAIN, f"counted_{spec.what}", lang),
        counted_by=_publisher(rows), tier=_tier(rows),
        period=f"{period_label(spec.reference, lang)}; {period_label(spec.compare, lang)}", period_end=spec.compare[1],
        series_ids=(spec.series_id,), break_ids=tuple(series_breaks["break_id"]), numbers=found[0].numbers,
        source_ids=tuple(i for cell in rows.get("source_ids", pd.Series(dtype=str)) for i in _ids(cell)),
    )


def producer_of(source_ids: tuple[str, ...], figures: pd.DataFrame | None) -> str | None:
    """The publisher of the best-tier source among ``source_ids`` (rows of figures.csv), latest first on a tie."""
    if figures is None or not source_ids or not {"figure_id", "publisher"} <= set(figures.columns):
        return None
    rows = figures[figures["figure_id"].isin(source_ids)].copy()
    if rows.empty:
        return None
    rows["tier"] = pd.to_numeric(rows.get("source_tier"), errors="coerce").fillna(9)
    rows = rows.sort_values(["tier", "period_end", "figure_id"], ascending=[True, False, True], kind="stable")
    return str(rows.iloc[0]["publisher"])


def with_producers(points: list[MainPoint], figures: pd.DataFrame | None) -> list[MainPoint]:
    """Points whose "who counted it" is the full publisher name from figures.csv (``publishers`` is ``;``-joined)."""
    out = []
    for point in points:
        producer = producer_of(point.source_ids, figures)
        out.append(replace(point, counted_by=producer) if producer else point)
    return out


def main_point_candidates(counts: pd.DataFrame | None, trends: pd.DataFrame | None, registry: pd.DataFrame | None,
                          lang: str = "en", headlines: tuple[HeadlineSeries, ...] = HEADLINES) -> list[MainPoint]:
    """Every candidate the published data allow (before the rule picks among them)."""
    if counts is None or counts.empty:
        return []
    found = [featured_point(counts, trends, registry, lang), published_funnel(counts, lang)]
    found += [latest_change(counts, spec, registry, lang) for spec in headlines]
    return [point for point in found if point is not None]
