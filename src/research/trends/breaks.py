"""Breaks in a trend: a known date as a level/slope change, and a search for an unknown one.

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

#: Interventions known to change a series' level or slope, by series id: (date, label, evidence).
KNOWN_INTERVENTIONS: dict[str, list[tuple[str, str, str]]] = {
    # KNPA reported cases "received before the special crackdown" for 2024-01-01..2024-08-27
    # (figure F0159), so the crackdown began on 28 August 2024.
    "KR_KNPA_DEEPFAKE_CASES": [("2024-08-28", "KNPA special crackdown on deepfake sex crimes", "F0159")],
}
#: A break is kept only if it lowers the information criterion by more than this.
IC_MARGIN = 2.0


@dataclass(frozen=True)
class BreakFit:
    """A fit with a break at ``date``: level change factor (and slope change) with 95% intervals."""

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


def break_terms(series: pd.DataFrame, date: str, slope: bool) -> pd.DataFrame:
    """Design columns for a break at ``date``: ``level`` (0 before, 1 after) and ``slope`` change."""
    after = (series["period_start"] >= pd.Timestamp(date)).astype(float)
    terms = pd.DataFrame({"level": after.to_numpy()}, index=series.index)
    if slope:
        terms["slope"] = np.clip(series["t_mid"].to_numpy() - decimal_year(pd.Timestamp(date)), 0, None) * after.to_numpy()
    return terms


def fit_known_break(series: pd.DataFrame, date: str, label: str, family: str = "auto") -> BreakFit:
    """Fit a level change at ``date`` (and a slope change when ≥ 3 points lie on each side).

    Returns a :class:`BreakFit` whose ``status`` says why nothing was fitted when the date falls
    inside an observed period, or too few points lie on either side.
    """
    moment = pd.Timestamp(date)
    straddles = (series["period_start"] < moment) & (series["period_end"] >= moment)
    if straddles.any():
        row = series.loc[straddles].iloc[0]
        return BreakFit(date, label, None, status=f"not_estimable: the break falls inside the period {row['period_start'].date()}–{row['period_end'].date()}")
    before = int((series["period_end"] < moment).sum())
    after = len(series) - before
    if before < 2 or after < 1 or len(series) < 3:
        return BreakFit(date, label, None, status=f"not_estimable: {before} period(s) before and {after} after the break")
    slope = before >= 3 and after >= 3
    fit = fit_count_model(series, extra=break_terms(series, date, slope), family=family)
    level, level_low, level_high = np.exp(fit.interval("level"))
    result = dict(level_factor=float(level), level_low=float(level_low), level_high=float(level_high))
    if slope:
        change, change_low, change_high = np.exp(fit.interval("slope"))
        result.update(slope_change_factor=float(change), slope_change_low=float(change_low), slope_change_high=float(change_high))
    return BreakFit(date, label, fit, **result)


@dataclass(frozen=True)
class BreakSearch:
    """An unknown-break search: what was tried, the best candidate and whether it was kept."""

    criterion: str
    min_segment: int
    candidates: tuple[str, ...]
    best_date: str
    delta: float  # criterion of best break minus criterion without a break (negative favours it)
    kept: bool
    status: str

    def describe(self) -> str:
        """A compact, machine-readable account of the search for the output table."""
        if not self.candidates:
            return f"not_searched ({self.status})"
        verdict = "kept" if self.kept else "not_kept"
        return (
            f"searched {len(self.candidates)} dates {self.candidates[0]}..{self.candidates[-1]} "
            f"(>= {self.min_segment} points per segment, {self.criterion.upper()}): best {self.best_date}, "
            f"delta {self.delta:+.1f}, {verdict}"
        )


def search_break(series: pd.DataFrame, base: CountFit, min_segment: int = 3, criterion: str = "bic") -> BreakSearch:
    """Try a level + slope change before each period that leaves ≥ ``min_segment`` points per side.

    The same family as ``base`` is used for every candidate so that the information criteria
    compare like with like. A break is kept when it lowers the criterion by more than
    :data:`IC_MARGIN`. After a search, the chosen break's p-values overstate the evidence (the best
    of several tries was picked), so only the criterion is reported.
    """
    n = len(series)
    if n < 2 * min_segment:
        return BreakSearch(criterion, min_segment, (), "", float("nan"), False, f"{n} points, {2 * min_segment} needed")
    family = base.family
    base_ic = getattr(base, criterion)
    scored: list[tuple[float, str]] = []
    candidates = []
    for k in range(min_segment, n - min_segment + 1):
        date = series["period_start"].iloc[k].date().isoformat()
        candidates.append(date)
        fit = fit_count_model(series, extra=break_terms(series, date, slope=True), centre=base.centre, family=family)
        if fit.family == family and family != "quasi_poisson":
            scored.append((getattr(fit, criterion), date))
    if not scored:
        return BreakSearch(criterion, min_segment, tuple(candidates), "", float("nan"), False, "no candidate fit comparable")
    best_ic, best_date = min(scored)
    delta = float(best_ic - base_ic)
    return BreakSearch(criterion, min_segment, tuple(candidates), best_date, delta, delta < -IC_MARGIN, "searched")
