"""Breaks in a trend: a known date as a level/slope change (unknown ones: :mod:`research.trends.joinpoint`).

Definition breaks (a change in *what* is counted) are not handled here: those series are split
into segments by cleaning and never modelled across. This module handles real changes in the
process being counted — e.g. a police crackdown — within one comparable segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.trends.models import CountFit, fit_count_model
from research.trends.series import decimal_year

#: Kind of registry row (``data/raw/definition_breaks.csv``) that is a change to estimate.
INTERVENTION_KIND = "intervention"


@dataclass(frozen=True)
class Intervention:
    """A dated change in the process being counted, from the break registry."""

    break_id: str
    date: str
    label: str


def intervention_label(what_changed: str) -> str:
    """A short name for a legend or a sentence: the registry text before its explanation.

    The registry's ``what_changed`` reads "KNPA special crackdown on deepfake sex crimes from
    28 August 2024 (to 31 March 2025): more police attention …"; the date is shown separately.
    """
    head = str(what_changed).split(":", 1)[0]
    return head.split(" from ", 1)[0].strip()


def interventions_for(registry: pd.DataFrame | None, rows: pd.DataFrame) -> list[Intervention]:
    """The registry's interventions that cleaning marked on ``rows`` (via their ``break_ids``).

    Which series an intervention touches is decided once, by cleaning (``series_pattern`` →
    ``break_ids`` in counts.csv); its date and wording come from the registry row itself.
    """
    return _dated_breaks(registry, rows, interventions=True)


def definition_breaks_for(registry: pd.DataFrame | None, rows: pd.DataFrame) -> list[Intervention]:
    """The dated breaks other than interventions (definition, legal, coverage) marked on ``rows``.

    A figure draws them at their own date (not at the first observation after them).
    """
    return _dated_breaks(registry, rows, interventions=False)


def _dated_breaks(registry: pd.DataFrame | None, rows: pd.DataFrame, interventions: bool) -> list[Intervention]:
    if registry is None or registry.empty or "break_ids" not in rows.columns:
        return []
    marked = {part.strip() for cell in rows["break_ids"].dropna().astype(str) for part in cell.split(";") if part.strip()}
    if not marked:
        return []
    kind = registry["kind"] == INTERVENTION_KIND
    chosen = registry.loc[(kind if interventions else ~kind) & registry["break_id"].isin(marked) & (registry["date"].astype(str) != "")]
    return [Intervention(str(r.break_id), str(r.date), intervention_label(r.what_changed)) for r in chosen.sort_values(["date", "break_id"]).itertuples()]


@dataclass(frozen=True)
class BreakFit:
    """A fit with a break at ``date``: level change factor (and slope change) with 95% intervals.

    ``basis`` is ``periods`` (the series as modelled) or ``sub_periods`` (the finer, disjoint
    pieces of a longer period that straddles the date); ``n_points`` / ``n_after`` count the
    periods used and those starting on or after the date.
    """

    date: str
    label: str
    fit: CountFit | None
    level_factor: float = float("nan")
    level_low: float = float("nan")
    level_high: float = float("nan")
    slope_change_factor: float = float("nan")
    slope_change_low: float = float("nan")
    slope_change_high: float = float("nan")
    status: str = "fitted"
    break_id: str = ""
    basis: str = "periods"
    n_points: int = 0
    n_after: int = 0

    @property
    def straddled(self) -> bool:
        """Whether the date fell inside an observed period (finer pieces may then help)."""
        return self.status.startswith(STRADDLE_STATUS)

    @property
    def includes_no_change(self) -> bool:
        return bool(self.level_low <= 1 <= self.level_high)


STRADDLE_STATUS = "not_estimable: the break falls inside the period"


def break_terms(series: pd.DataFrame, date: str, slope: bool) -> pd.DataFrame:
    """Design columns for a break at ``date``: ``level`` (0 before, 1 after) and ``slope`` change."""
    after = (series["period_start"] >= pd.Timestamp(date)).astype(float)
    terms = pd.DataFrame({"level": after.to_numpy()}, index=series.index)
    if slope:
        terms["slope"] = np.clip(series["t_mid"].to_numpy() - decimal_year(pd.Timestamp(date)), 0, None) * after.to_numpy()
    return terms


def fit_known_break(series: pd.DataFrame, date: str, label: str, family: str = "quasi_poisson", break_id: str = "", basis: str = "periods") -> BreakFit:
    """Fit a level change at ``date`` (and a slope change when ≥ 3 points lie on each side).

    Returns a :class:`BreakFit` whose ``status`` says why nothing was fitted when the date falls
    inside an observed period, or too few points lie on either side.
    """
    moment = pd.Timestamp(date)
    known = dict(break_id=break_id, basis=basis, n_points=len(series), n_after=int((series["period_start"] >= moment).sum()))
    straddles = (series["period_start"] < moment) & (series["period_end"] >= moment)
    if straddles.any():
        row = series.loc[straddles].iloc[0]
        return BreakFit(date, label, None, status=f"{STRADDLE_STATUS} {row['period_start'].date()}–{row['period_end'].date()}", **known)
    before = int((series["period_end"] < moment).sum())
    after = len(series) - before
    if before < 2 or after < 1 or len(series) < 3:
        return BreakFit(date, label, None, status=f"not_estimable: {before} period(s) before and {after} after the break", **known)
    slope = before >= 3 and after >= 3
    fit = fit_count_model(series, extra=break_terms(series, date, slope), family=family)
    level, level_low, level_high = np.exp(fit.interval("level"))
    result = dict(level_factor=float(level), level_low=float(level_low), level_high=float(level_high))
    if slope:
        change, change_low, change_high = np.exp(fit.interval("slope"))
        result.update(slope_change_factor=float(change), slope_change_low=float(change_low), slope_change_high=float(change_high))
    return BreakFit(date, label, fit, **result, **known)
