"""Fit every count series of the cleaned counts table and gather one row per series × segment."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pycountry

from research.i18n import message
from research.trends.breaks import BreakFit, BreakSearch, Intervention, fit_known_break, interventions_for, search_break
from research.trends.forecast import can_forecast, forecast, future_periods
from research.trends.growth import AnnualGrowth, MannKendall, annual_growth, evidence_note, mann_kendall
from research.trends.models import CountFit, fit_count_model
from research.trends.series import SeriesRefused, check_columns, finest_periods, modelable_rows, prepare_series, set_aside_nested_periods
from research.trends.summary import not_modelled_summary, refusal_summary, series_summary

#: Years forecast beyond the last observation.
FORECAST_HORIZON = 2
#: A figure and a forecast need at least this many periods.
MIN_POINTS_FOR_FIGURE = 3


@dataclass
class SeriesTrend:
    """Everything computed for one series × segment (``status`` is fitted, refused or not_modelled)."""

    series_id: str
    segment: int
    n_segments: int
    meta: dict
    status: str
    reason: str = ""
    reason_code: str = ""
    series: pd.DataFrame | None = None
    observed: pd.DataFrame | None = None
    fit: CountFit | None = None
    growth: AnnualGrowth | None = None
    trend_test: MannKendall | None = None
    known_breaks: list[BreakFit] = field(default_factory=list)
    search: BreakSearch | None = None
    forecast: pd.DataFrame | None = None
    summary: str = ""
    n_rows: int = 0
    n_rows_excluded: int = 0
    notes: str = ""


def place_name(code: str) -> str:
    """A readable place for a sentence: ``KR`` → ``South Korea``, ``WORLD`` → ``worldwide``."""
    special = {"WORLD": "worldwide", "GLOBAL": "worldwide", "EU": "European Union"}
    if code in special:
        return special[code]
    country = pycountry.countries.get(alpha_2=str(code))
    if country is None:
        return str(code)
    return getattr(country, "common_name", None) or country.name


def _joined(values: pd.Series) -> str:
    items = set()
    for value in values.dropna().astype(str):
        items.update(part.strip() for part in value.split(";") if part.strip())
    return ";".join(sorted(items))


def _meta(rows: pd.DataFrame) -> dict:
    first = rows.iloc[0]
    return {
        "country": str(first.get("country", "")),
        "indicator": str(first.get("indicator", first["series_id"])),
        "counted": str(first.get("counted", "counts")) if pd.notna(first.get("counted")) else "counts",
        "publishers": _joined(rows["publishers"]) if "publishers" in rows else "",
        "source_ids": _joined(rows["source_ids"]) if "source_ids" in rows else "",
        "synthetic": bool(rows["synthetic"].any()) if "synthetic" in rows else False,
    }


def analyse_series(
    rows: pd.DataFrame,
    n_segments: int = 1,
    file: str | None = None,
    lang: str = "en",
    interventions: pd.DataFrame | None = None,
) -> SeriesTrend:
    """Fit one series × segment; bad input becomes a ``refused`` result with the reason.

    ``interventions`` is the break registry (``research.clean.breaks.read_breaks``); those of kind
    ``intervention`` marked on these rows (``break_ids``) enter as known breaks.
    """
    series_id, segment = str(rows["series_id"].iloc[0]), int(rows["segment"].iloc[0])
    meta = _meta(rows)
    mask = modelable_rows(rows)
    base = SeriesTrend(series_id, segment, n_segments, meta, status="refused", n_rows=len(rows), n_rows_excluded=int((~mask).sum()))
    place = place_name(meta["country"])
    base.observed = rows.loc[mask].copy()
    if not mask.any():
        base.status = "not_modelled"
        units = ", ".join(sorted(rows["unit"].astype(str).unique()))
        base.reason = message("trends", "reason_no_exact_counts", lang, units=units)
        base.reason_code = "no_exact_counts"
        base.summary = not_modelled_summary(meta["indicator"], place, units, lang)
        return base
    usable, nested = set_aside_nested_periods(rows.loc[mask])
    if len(nested):
        base.n_rows_excluded += len(nested)
        spans = ", ".join(f"{r.period_start}..{r.period_end}" for r in nested.itertuples())
        base.notes = message("trends", "notes_set_aside", lang, n=len(nested), spans=spans)
    try:
        series = prepare_series(usable, file=file)
    except SeriesRefused as error:
        reason = error.reason(lang)
        base.reason = message("trends", "reason_at_row", lang, reason=reason, row=error.row, file=file or "") if error.row is not None else reason
        base.reason_code = error.key
        base.summary = refusal_summary(meta["indicator"], place, reason, lang)
        return base
    fit = fit_count_model(series)
    growth = annual_growth(fit)
    base.status, base.series, base.fit, base.growth = "fitted", series, fit, growth
    base.trend_test = mann_kendall(series)
    base.known_breaks = [_known_break(series, rows.loc[mask], nested, event, file) for event in interventions_for(interventions, rows)]
    base.search = search_break(series, fit)
    if len(series) >= MIN_POINTS_FOR_FIGURE and can_forecast(fit):
        base.forecast = forecast(fit, future_periods(series, FORECAST_HORIZON))
    publisher = meta["publishers"].replace(";", " and ") or "the source"
    base.summary = series_summary(
        series,
        growth,
        indicator=meta["indicator"],
        place=place,
        counted=meta["counted"],
        publisher=publisher,
        family=fit.family,
        dispersion_test=fit.dispersion_test,
        segment=segment,
        n_segments=n_segments,
        known_breaks=base.known_breaks,
        search=base.search,
        lang=lang,
    )
    return base


def _known_break(series: pd.DataFrame, modelable: pd.DataFrame, nested: pd.DataFrame, event: Intervention, file: str | None) -> BreakFit:
    """Fit ``event`` on the series; if a longer period straddles its date, on the finer pieces.

    The pieces (e.g. year-to-date increments) are comparable per day of exposure, so a level
    change between them can be estimated where the year total hides it.
    """
    fitted = fit_known_break(series, event.date, event.label, break_id=event.break_id)
    if fitted.fit is not None or not fitted.straddled or nested.empty:
        return fitted
    try:
        pieces = prepare_series(finest_periods(modelable), file=file)
    except SeriesRefused as error:
        return BreakFit(event.date, event.label, None, status=f"{fitted.status}; finer pieces unusable: {error.message}", break_id=event.break_id, basis="sub_periods")
    finer = fit_known_break(pieces, event.date, event.label, break_id=event.break_id, basis="sub_periods")
    return finer if finer.fit is not None else BreakFit(event.date, event.label, None, status=f"{fitted.status}; finer pieces: {finer.status}", break_id=event.break_id, basis="sub_periods")


def analyse_counts(counts: pd.DataFrame, file: str | None = None, lang: str = "en", interventions: pd.DataFrame | None = None) -> list[SeriesTrend]:
    """Analyse every ``series_id`` × ``segment`` of a counts table, sorted by id then segment.

    ``interventions``: the break registry (see :func:`analyse_series`); ``None`` fits no known break.
    """
    check_columns(counts, file)
    counts = counts.copy()
    if "row_number" not in counts.columns:
        counts["row_number"] = np.arange(1, len(counts) + 1)
    counts["segment"] = pd.to_numeric(counts["segment"], errors="coerce").fillna(0).astype(int)
    results = []
    for series_id, rows in counts.groupby("series_id", sort=True):
        n_segments = rows["segment"].nunique()
        for _, segment_rows in rows.groupby("segment", sort=True):
            results.append(analyse_series(segment_rows, n_segments=n_segments, file=file, lang=lang, interventions=interventions))
    return results


def _nan() -> float:
    return float("nan")


def trend_row(result: SeriesTrend) -> dict:
    """One row of ``trends.csv``."""
    row = {
        "series_id": result.series_id,
        "segment": result.segment,
        "country": result.meta["country"],
        "indicator": result.meta["indicator"],
        "counted": result.meta["counted"],
        "status": result.status,
        "reason": result.reason,
        "reason_code": result.reason_code,
        "n_rows": result.n_rows,
        "n_rows_excluded": result.n_rows_excluded,
        "notes": result.notes,
        "n_points": 0 if result.series is None else len(result.series),
        "first_period_start": "",
        "last_period_end": "",
        "partial_periods": 0,
        "model": "",
        "dispersion_ratio": _nan(),
        "dispersion_p": _nan(),
        "dispersion_test": "",
        "nb_alpha": _nan(),
        "growth_factor": _nan(),
        "growth_factor_low": _nan(),
        "growth_factor_high": _nan(),
        "growth_percent": _nan(),
        "growth_percent_low": _nan(),
        "growth_percent_high": _nan(),
        "doubling_time_years": _nan(),
        "doubling_time_low": _nan(),
        "doubling_time_high": _nan(),
        "mann_kendall_s": _nan(),
        "mann_kendall_p": _nan(),
        "sen_slope_per_year": _nan(),
        "sen_slope_low": _nan(),
        "sen_slope_high": _nan(),
        "sen_percent_per_year": _nan(),
        "evidence_note": "",
        "known_break": "",
        "break_basis": "",
        "break_n_points": 0,
        "break_n_after": 0,
        "break_level_factor": _nan(),
        "break_level_low": _nan(),
        "break_level_high": _nan(),
        "break_search": "",
        "forecast": "",
        "publishers": result.meta["publishers"],
        "source_ids": result.meta["source_ids"],
        "synthetic": result.meta["synthetic"],
        "summary": result.summary,
    }
    if result.status != "fitted":
        return row
    series, fit, growth, mk = result.series, result.fit, result.growth, result.trend_test
    row.update(
        first_period_start=series["period_start"].min().date().isoformat(),
        last_period_end=series["period_end"].max().date().isoformat(),
        partial_periods=int(series["partial"].sum()),
        model=fit.family,
        dispersion_ratio=fit.dispersion_ratio,
        dispersion_p=fit.dispersion_p,
        dispersion_test=fit.dispersion_test,
        nb_alpha=fit.alpha,
        growth_factor=growth.factor,
        growth_factor_low=growth.factor_low,
        growth_factor_high=growth.factor_high,
        growth_percent=growth.percent,
        growth_percent_low=growth.percent_low,
        growth_percent_high=growth.percent_high,
        doubling_time_years=growth.doubling_time_years,
        doubling_time_low=growth.doubling_low,
        doubling_time_high=growth.doubling_high,
        mann_kendall_s=mk.s,
        mann_kendall_p=mk.p,
        sen_slope_per_year=mk.sen_slope,
        sen_slope_low=mk.sen_low,
        sen_slope_high=mk.sen_high,
        sen_percent_per_year=mk.sen_percent,
        evidence_note=evidence_note(len(series)),
        break_search=result.search.describe() if result.search else "",
        forecast=_forecast_text(result),
    )
    if result.known_breaks:
        brk = result.known_breaks[0]
        row.update(
            known_break=f"{brk.break_id} {brk.date} {brk.label}: {brk.status}",
            break_basis=brk.basis,
            break_n_points=brk.n_points,
            break_n_after=brk.n_after,
            break_level_factor=brk.level_factor,
            break_level_low=brk.level_low,
            break_level_high=brk.level_high,
        )
    return row


def trends_table(results: list[SeriesTrend]) -> pd.DataFrame:
    """The ``trends.csv`` table: one row per series × segment, sorted by series id and segment."""
    table = pd.DataFrame([trend_row(r) for r in results])
    if table.empty:
        return table
    return table.sort_values(["series_id", "segment"], kind="mergesort").reset_index(drop=True)


def _forecast_text(result: SeriesTrend) -> str:
    """Forecast means and 95% prediction intervals as ``start..end: mean [low, high]`` items."""
    if result.forecast is None:
        return f"not_forecast (fewer than {MIN_POINTS_FOR_FIGURE} points or too few residual degrees of freedom)"
    return "; ".join(
        f"{row.period_start.date()}..{row.period_end.date()}: {row.mean:.0f} [{row.predict_low:.0f}, {row.predict_high:.0f}]"
        for row in result.forecast.itertuples()
    )
