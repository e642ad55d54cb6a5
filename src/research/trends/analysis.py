"""Fit every count series of the cleaned counts table and gather one row per series × segment."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pycountry

from research.clean.series_catalogue import series_kind, series_title
from research.frames import plain_strings
from research.i18n import message
from research.trends.breaks import definition_breaks_for, interventions_for
from research.trends.forecast import can_forecast, forecast, future_periods
from research.trends.growth import AnnualGrowth, MannKendall, RateRatio, annual_growth, evidence_note, mann_kendall, rate_ratio
from research.trends.interventions import InterventionEffect, intervention_effect
from research.trends.joinpoint import Joinpoints, average_rows, fit_joinpoints
from research.trends.models import CountFit, fit_count_model
from research.trends.series import DAYS_PER_YEAR, SeriesRefused, check_columns, modelable_rows, prepare_series, straddling_breaks, tiled_periods
from research.trends.summary import format_percent, not_modelled_summary, ratio_summary, refusal_summary, series_summary

#: Years forecast beyond the last observation.
FORECAST_HORIZON = 2
#: A figure and a forecast need at least this many periods.
MIN_POINTS_FOR_FIGURE = 3
#: A growth factor needs at least this many periods …
MIN_POINTS_FOR_GROWTH = 4
#: … spanning at least this many years; with fewer, a rate ratio between periods is given instead.
MIN_SPAN_YEARS = 3.0


@dataclass(frozen=True)
class PeriodRatio:
    """Rate ratio of the last period to the first (per day), for series too short for a growth rate."""

    first: str
    last: str
    ratio: RateRatio


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
    forecast: pd.DataFrame | None = None
    summary: str = ""
    n_rows: int = 0
    n_rows_excluded: int = 0
    notes: str = ""
    ratio: PeriodRatio | None = None
    effects: list[InterventionEffect] = field(default_factory=list)
    joinpoints: Joinpoints | None = None


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
    catalogue: pd.DataFrame | None = None,
    joinpoint_selection: str = "bic",
) -> SeriesTrend:
    """Fit one series × segment; bad input becomes a ``refused`` result with the reason.

    ``interventions`` is the break registry (``research.clean.breaks.read_breaks``); those of kind
    ``intervention`` marked on these rows (``break_ids``) are analysed as interrupted time series.
    ``catalogue`` is the series catalogue (``research.clean.series_catalogue``): titles come from
    it, and a ``stock`` (a level at a date) is never modelled as a rate per day.
    ``joinpoint_selection`` is how the number of joinpoints is chosen (``bic`` or ``permutation``,
    :func:`research.trends.joinpoint.fit_joinpoints`).
    """
    series_id, segment = str(rows["series_id"].iloc[0]), int(rows["segment"].iloc[0])
    meta = _meta(rows)
    meta["title"] = series_title(catalogue, series_id, lang)
    meta["kind"] = series_kind(catalogue, series_id)
    # Dated definition breaks marked on these rows: figures draw them at their own dates.
    meta["breaks"] = [[b.date, b.break_id] for b in definition_breaks_for(interventions, rows)]
    mask = modelable_rows(rows)
    base = SeriesTrend(series_id, segment, n_segments, meta, status="refused", n_rows=len(rows), n_rows_excluded=int((~mask).sum()))
    place = place_name(meta["country"])
    base.observed = rows.loc[mask].copy()
    if meta["kind"] == "stock":
        base.status, base.reason_code = "not_modelled", "stock"
        base.reason = message("trends", "reason_stock", lang)
        base.summary = message("trends", "not_modelled_stock", lang, indicator=meta["title"], place=place)
        return base
    if not mask.any():
        base.status = "not_modelled"
        units = ", ".join(sorted(rows["unit"].astype(str).unique()))
        base.reason = message("trends", "reason_no_exact_counts", lang, units=units)
        base.reason_code = "no_exact_counts"
        base.summary = not_modelled_summary(meta["title"], place, units, lang)
        return base
    modelable = rows.loc[mask]
    empty = pd.to_numeric(modelable["value"], errors="coerce").isna()
    if "derivation" in modelable.columns:
        # Only a derived piece may be empty by design (cleaning left it blank, with a reason);
        # a reported row without a value is still refused below, naming its row.
        empty &= modelable["derivation"].astype(str) != "reported"
    else:
        empty &= False
    blank, modelable = modelable.loc[empty], modelable.loc[~empty]
    straddle = straddling_breaks(modelable, interventions)
    left_out = modelable.loc[straddle != ""]
    usable, set_aside = tiled_periods(modelable.loc[straddle == ""])
    notes = []
    if len(blank):
        notes.append(message("trends", "notes_empty", lang, n=len(blank), spans=_spans(blank)))
    if len(left_out):
        notes.append(message("trends", "notes_straddling", lang, n=len(left_out), spans=_spans(left_out)))
    tiled = set_aside.loc[set_aside["set_aside_reason"].str.startswith("tiled")]
    if len(tiled):
        notes.append(message("trends", "notes_tiled", lang, n=len(tiled), spans=_spans(tiled)))
    nested = set_aside.loc[~set_aside["set_aside_reason"].str.startswith("tiled")]
    if len(nested):
        notes.append(message("trends", "notes_set_aside", lang, n=len(nested), spans=_spans(nested)))
    if "unresolved_values" in usable.columns:
        unresolved = usable.loc[usable["unresolved_values"].fillna("").astype(str) != ""]
        if len(unresolved):
            values = ", ".join(f"{r.period_start}..{r.period_end} {r.unresolved_values}" for r in unresolved.itertuples())
            notes.append(message("trends", "notes_sensitivity", lang, values=values))
    base.n_rows_excluded += len(blank) + len(left_out) + len(set_aside)
    base.notes = "; ".join(notes)
    try:
        series = prepare_series(usable, file=file)
    except SeriesRefused as error:
        reason = error.reason(lang)
        base.reason = message("trends", "reason_at_row", lang, reason=reason, row=error.row, file=file or "") if error.row is not None else reason
        base.reason_code = error.key
        base.summary = refusal_summary(meta["title"], place, reason, lang)
        return base
    base.series = series
    base.trend_test = mann_kendall(series)
    base.effects = [intervention_effect(series, event, segment=segment, counted=meta["counted"], lang=lang) for event in interventions_for(interventions, rows)]
    span = span_years(series)
    if len(series) < MIN_POINTS_FOR_GROWTH or span < MIN_SPAN_YEARS:
        base.status, base.reason_code = "rate_ratio", "growth_not_estimable"
        base.reason = message("trends", "reason_growth_not_estimable", lang, min_points=MIN_POINTS_FOR_GROWTH, min_years=f"{MIN_SPAN_YEARS:g}", n=len(series), years=f"{span:.1f}")
        base.ratio = first_last_ratio(series)
        base.summary = " ".join([ratio_summary(base.ratio, indicator=meta["title"], place=place, reason=base.reason, lang=lang)] + [e.summary for e in base.effects])
        return base
    fit = fit_count_model(series)
    growth = annual_growth(fit)
    base.status, base.fit, base.growth = "fitted", fit, growth
    base.joinpoints = fit_joinpoints(series, selection=joinpoint_selection)
    if len(series) >= MIN_POINTS_FOR_FIGURE and can_forecast(fit):
        base.forecast = forecast(fit, future_periods(series, FORECAST_HORIZON))
    publisher = meta["publishers"].replace(";", " and ") or "the source"
    base.summary = series_summary(
        series,
        growth,
        indicator=meta["title"],
        place=place,
        counted=meta["counted"],
        publisher=publisher,
        family=fit.family,
        dispersion_test=fit.dispersion_test,
        dispersion_ratio=fit.dispersion_ratio,
        segment=segment,
        n_segments=n_segments,
        effects=base.effects,
        lang=lang,
    )
    recent = recent_sentence(base.joinpoints, lang)
    if recent:
        base.summary = base.summary + " " + recent
    return base


def recent_sentence(model: Joinpoints | None, lang: str = "en") -> str:
    """The recent AAPC beside the whole-span one, when the joinpoint model has more than one segment."""
    if model is None or model.k == 0:
        return ""
    rows = {r["window"]: r for r in average_rows(model)}
    recent = rows.get("last_5_years")
    if recent is None:
        return ""
    whole = rows["whole_span"]
    return message("trends", "recent_aapc", lang, n_segments=model.k + 1, years=5, start=recent["window_start"], end=recent["window_end"],
                   signed=format_percent(recent["aapc_percent"], signed=True), low=format_percent(recent["aapc_percent_low"], signed=True),
                   high=format_percent(recent["aapc_percent_high"], signed=True), whole=format_percent(whole["aapc_percent"], signed=True))


def _spans(rows: pd.DataFrame) -> str:
    return ", ".join(f"{r.period_start}..{r.period_end}" for r in rows.itertuples())


def span_years(series: pd.DataFrame) -> float:
    """Years from the first period's start to the last period's end (both days included)."""
    return ((series["period_end"].max() - series["period_start"].min()).days + 1) / DAYS_PER_YEAR


def first_last_ratio(series: pd.DataFrame) -> PeriodRatio | None:
    """Rate per day of the last period over the first, with the exact interval (``None`` if the first is 0)."""
    first, last = series.iloc[0], series.iloc[-1]
    if first["count"] == 0:
        return None
    ratio = rate_ratio(int(first["count"]), float(first["exposure_days"]), int(last["count"]), float(last["exposure_days"]))
    return PeriodRatio(_span_of(first), _span_of(last), ratio)


def _span_of(row: pd.Series) -> str:
    return f"{row['period_start'].date().isoformat()}..{row['period_end'].date().isoformat()}"


def analyse_counts(
    counts: pd.DataFrame,
    file: str | None = None,
    lang: str = "en",
    interventions: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    joinpoint_selection: str = "bic",
) -> list[SeriesTrend]:
    """Analyse every ``series_id`` × ``segment`` of a counts table, sorted by id then segment.

    ``interventions``: the break registry (see :func:`analyse_series`); ``None`` fits no known break.
    """
    check_columns(counts, file)
    # Every series is hundreds of small selections: plain object columns keep them cheap (same values).
    counts = plain_strings(counts)
    counts = counts.copy()
    interventions = None if interventions is None else plain_strings(interventions)
    catalogue = None if catalogue is None else plain_strings(catalogue)
    if "row_number" not in counts.columns:
        counts["row_number"] = np.arange(1, len(counts) + 1)
    counts["segment"] = pd.to_numeric(counts["segment"], errors="coerce").fillna(0).astype(int)
    results = []
    for series_id, rows in counts.groupby("series_id", sort=True):
        n_segments = rows["segment"].nunique()
        for _, segment_rows in rows.groupby("segment", sort=True):
            results.append(analyse_series(segment_rows, n_segments=n_segments, file=file, lang=lang, interventions=interventions, catalogue=catalogue,
                                          joinpoint_selection=joinpoint_selection))
    return results


def _provisional(series: pd.DataFrame) -> str:
    """The fitted periods cleaning flagged ``provisional`` (``start..end;…``), for the table."""
    if "flags" not in series.columns:
        return ""
    flagged = series.loc[series["flags"].fillna("").astype(str).str.contains("provisional")]
    return ";".join(f"{r.period_start.date().isoformat()}..{r.period_end.date().isoformat()}" for r in flagged.itertuples())


def _nan() -> float:
    return float("nan")


def trend_row(result: SeriesTrend) -> dict:
    """One row of ``trends.csv``."""
    row = {
        "series_id": result.series_id,
        "segment": result.segment,
        "country": result.meta["country"],
        "indicator": result.meta["indicator"],
        "title": result.meta.get("title", result.series_id),
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
        "provisional_periods": "",
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
        "rate_ratio": _nan(),
        "rate_ratio_low": _nan(),
        "rate_ratio_high": _nan(),
        "rate_ratio_periods": "",
        "publishers": result.meta["publishers"],
        "source_ids": result.meta["source_ids"],
        "synthetic": result.meta["synthetic"],
        "summary": result.summary,
    }
    if result.series is not None:
        series, mk = result.series, result.trend_test
        row.update(
            first_period_start=series["period_start"].min().date().isoformat(),
            last_period_end=series["period_end"].max().date().isoformat(),
            partial_periods=int(series["partial"].sum()),
            provisional_periods=_provisional(series),
            mann_kendall_s=mk.s,
            mann_kendall_p=mk.p,
            sen_slope_per_year=mk.sen_slope,
            sen_slope_low=mk.sen_low,
            sen_slope_high=mk.sen_high,
            sen_percent_per_year=mk.sen_percent,
            evidence_note=evidence_note(len(series)),
        )
    if result.ratio is not None:
        r = result.ratio
        row.update(rate_ratio=r.ratio.ratio, rate_ratio_low=r.ratio.low, rate_ratio_high=r.ratio.high, rate_ratio_periods=f"{r.first} -> {r.last}")
    if result.status != "fitted":
        return row
    fit, growth = result.fit, result.growth
    row.update(
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
        break_search=result.joinpoints.describe() if result.joinpoints else "",
        forecast=_forecast_text(result),
    )
    if result.effects:
        # The first intervention's crude post/pre rate ratio (all of them: interventions.csv).
        effect = result.effects[0]
        crude = effect.crude
        row.update(
            known_break=f"{effect.event.break_id} {effect.event.date} {effect.event.label}: {effect.status}",
            break_basis="pieces_rate_ratio",
            break_n_points=effect.n_points,
            break_n_after=len(effect.post),
            break_level_factor=crude.ratio if crude else _nan(),
            break_level_low=crude.low if crude else _nan(),
            break_level_high=crude.high if crude else _nan(),
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
