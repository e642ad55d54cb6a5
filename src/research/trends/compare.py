"""Growth across many series: a tidy sortable table, and a formal test that two series grow differently.

Whether two growth rates differ is tested with one model of both series — an interaction between
time and series — never by checking whether two separate intervals overlap (they can overlap
while the difference is clearly non-zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

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


#: Pairs compared by default (when both are fitted): police-recorded deepfake cases in Korea against
#: NCMEC online enticement reports — two "digital sex crime" counts often quoted side by side.
DEFAULT_COMPARISONS: tuple[tuple[str, str], ...] = (("KR_KNPA_DEEPFAKE_CASES", "ncmec_online_enticement_reports"),)
#: Pairs found automatically need this many periods in each series.
MIN_POINTS_SAME_SPAN = 4
#: A group of same-span series larger than this is a breakdown (e.g. reports per platform): all its
#: pairs would be a fishing trip of many tests, so none is compared automatically.
MAX_GROUP_SAME_SPAN = 3

COMPARISON_COLUMNS = [
    "series_a", "segment_a", "series_b", "segment_b", "chosen_by", "status", "reason", "first_year", "last_year",
    "n_points", "model", "growth_a", "growth_b", "growth_ratio", "growth_ratio_low", "growth_ratio_high", "p_value", "p_value_holm",
]


def _best_fitted(results: Sequence) -> dict[str, object]:
    """Per series id, its fitted segment with the most periods (the latest on ties)."""
    best: dict[str, object] = {}
    for result in results:
        if result.status != "fitted":
            continue
        current = best.get(result.series_id)
        if current is None or (len(result.series), result.segment) > (len(current.series), current.segment):
            best[result.series_id] = result
    return best


def same_span_pairs(results: Sequence, min_points: int = MIN_POINTS_SAME_SPAN) -> list[tuple[str, str]]:
    """Pairs worth comparing without being asked: fitted series of one country counting the same
    thing (``counted``) over the same years, each with ≥ ``min_points`` periods, in groups of at
    most :data:`MAX_GROUP_SAME_SPAN` such series."""
    best = _best_fitted(results)
    groups: dict[tuple, list[str]] = {}
    for series_id, result in sorted(best.items()):
        if len(result.series) < min_points:
            continue
        span = (result.series["period_start"].min().year, result.series["period_end"].max().year)
        groups.setdefault((result.meta["country"], result.meta["counted"], span), []).append(series_id)
    return [(a, b) for ids in groups.values() if len(ids) <= MAX_GROUP_SAME_SPAN for i, a in enumerate(ids) for b in ids[i + 1 :]]


def comparisons_table(results: Sequence, configured: Sequence[tuple[str, str]] = DEFAULT_COMPARISONS, automatic: bool = True) -> pd.DataFrame:
    """Test every configured pair (when both are fitted) and, if ``automatic``, :func:`same_span_pairs`.

    ``p_value_holm`` adjusts the p-values for the number of pairs tested. A pair that cannot be compared (too few periods in common) gets a row with ``status``
    ``refused`` and the reason; configured pairs of which a series is not fitted are skipped.
    """
    best = _best_fitted(results)
    pairs = [(a, b, "configured") for a, b in configured if a in best and b in best]
    if automatic:
        seen = {frozenset(p[:2]) for p in pairs}
        pairs += [(a, b, "same_span") for a, b in same_span_pairs(results) if frozenset((a, b)) not in seen]
    rows = []
    for a, b, chosen_by in pairs:
        row = {"series_a": a, "segment_a": best[a].segment, "series_b": b, "segment_b": best[b].segment, "chosen_by": chosen_by, "status": "compared", "reason": ""}
        try:
            result = compare_growth(best[a].series, best[b].series)
        except InputError as error:
            row.update(status="refused", reason=error.message)
        else:
            row.update(
                first_year=result.first_year, last_year=result.last_year, n_points=result.n_points, model=result.model,
                growth_a=result.growth_a, growth_b=result.growth_b, growth_ratio=result.ratio,
                growth_ratio_low=result.ratio_low, growth_ratio_high=result.ratio_high, p_value=result.p_value,
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    tested = table["p_value"].notna()
    if tested.any():
        # Several pairs are tested at once: Holm's adjustment keeps the family-wise error at 5%.
        table.loc[tested, "p_value_holm"] = multipletests(table.loc[tested, "p_value"].astype(float), method="holm")[1]
    return table.sort_values(["chosen_by", "series_a", "series_b"], kind="mergesort").reset_index(drop=True)
