"""Growth across many series: a tidy sortable table, and a formal test that two series grow differently.

Whether two growth rates differ is tested with one model of both series — an interaction between
time and series — never by checking whether two separate intervals overlap (they can overlap
while the difference is clearly non-zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.errors import InputError
from research.trends.models import CountFit, fit_count_model

GROWTH_COLUMNS = [
    "series_id",
    "segment",
    "country",
    "indicator",
    "counted",
    "n_points",
    "first_period_start",
    "last_period_end",
    "model",
    "growth_factor",
    "growth_factor_low",
    "growth_factor_high",
    "growth_percent",
    "doubling_time_years",
    "mann_kendall_p",
    "evidence_note",
]


def growth_table(trends: pd.DataFrame, sort_by: str = "growth_factor", ascending: bool = False) -> pd.DataFrame:
    """Fitted rows of a trends table, one per series × segment, sorted (ties by id).

    Parameters
    ----------
    trends
        The table of :func:`research.trends.analysis.trends_table` (or ``trends.csv``).
    sort_by
        Any column of :data:`GROWTH_COLUMNS`.
    """
    if sort_by not in GROWTH_COLUMNS:
        raise InputError(f"cannot sort by this column; choose one of {', '.join(GROWTH_COLUMNS)}", column="sort_by", value=sort_by)
    fitted = trends.loc[trends["status"] == "fitted", GROWTH_COLUMNS]
    return fitted.sort_values([sort_by, "series_id", "segment"], ascending=[ascending, True, True], kind="mergesort", na_position="last").reset_index(drop=True)


@dataclass(frozen=True)
class GrowthComparison:
    """Ratio of annual growth factors (``b`` over ``a``) from an interaction model, with a test."""

    series_a: str
    series_b: str
    growth_a: float
    growth_b: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    model: str
    first_year: int
    last_year: int
    n_points: int


def compare_growth(a: pd.DataFrame, b: pd.DataFrame, common_years: bool = True) -> GrowthComparison:
    """Test whether two prepared series grow at different rates.

    The model is ``log E[count] = log exposure + b0 + b1·t + b2·[series b] + b3·t·[series b]`` with
    the same family for both (negative binomial if the joint Poisson fit is overdispersed; one
    dispersion for both — the two series' scales differ a lot, and the dispersion of NB2 does not
    depend on the scale of the counts). ``exp(b3)`` is the ratio of growth factors.

    Parameters
    ----------
    a, b
        Series prepared by :func:`research.trends.series.prepare_series`.
    common_years
        Use only the periods that fall in years both series cover (default), so that a
        difference is not a difference in the years observed.
    """
    a_id, b_id = str(a["series_id"].iloc[0]), str(b["series_id"].iloc[0])
    if common_years:
        first = max(a["period_start"].min().year, b["period_start"].min().year)
        last = min(a["period_end"].max().year, b["period_end"].max().year)
        a = a.loc[(a["period_start"].dt.year >= first) & (a["period_end"].dt.year <= last)]
        b = b.loc[(b["period_start"].dt.year >= first) & (b["period_end"].dt.year <= last)]
    if len(a) < 2 or len(b) < 2 or len(a) + len(b) < 5:
        raise InputError(f"too few periods in common to compare growth ({len(a)} and {len(b)})", column="series_id", value=f"{a_id} vs {b_id}")
    both = pd.concat([a, b], ignore_index=True)
    is_b = np.r_[np.zeros(len(a)), np.ones(len(b))]
    centre = float(both["t_mid"].mean())
    extra = pd.DataFrame({"series_b": is_b, "t_x_series_b": is_b * (both["t_mid"].to_numpy() - centre)})
    fit: CountFit = fit_count_model(both, extra=extra, centre=centre)
    estimate, low, high = fit.interval("t_x_series_b")
    return GrowthComparison(
        series_a=a_id,
        series_b=b_id,
        growth_a=float(np.exp(fit.params["t"])),
        growth_b=float(np.exp(fit.params["t"] + fit.params["t_x_series_b"])),
        ratio=float(np.exp(estimate)),
        ratio_low=float(np.exp(low)),
        ratio_high=float(np.exp(high)),
        p_value=fit.p_value("t_x_series_b"),
        model=fit.family,
        first_year=int(both["period_start"].min().year),
        last_year=int(both["period_end"].max().year),
        n_points=len(both),
    )
