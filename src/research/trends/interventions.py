"""An intervention (e.g. a police crackdown) as an interrupted time series on disjoint pieces.

Three numbers per series and intervention date ``D``, all per day of exposure:

* the **crude rate ratio**: counts per day in the pieces from ``D`` on (to the end of the
  definition segment) over those in the pieces of the year before ``D``, with the exact interval
  conditional on the total (Clopper–Pearson on ``k_post / (k_pre + k_post)``, scaled by the
  exposures; see :func:`research.trends.growth.rate_ratio`);
* the **pre-trend-adjusted ratio**: observed post counts over those expected from a log-linear
  quasi-Poisson trend fitted on the pre-period pieces *only* and carried forward (delta-method
  interval on the log scale, the post count's quasi-Poisson variance added, t quantiles on the
  pre-fit's residual df) — Bernal, Cummins & Gasparrini (2017) on segmented regression for ITS;
* the **pre-surge check**: the last piece before ``D`` against the earlier pieces of that year
  (exact interval). When it already exceeds 1, part of the rise began before the date and the
  intervention's own share cannot be separated from it.

A piece whose period contains ``D`` belongs to neither side: it is marked *straddling* and left
out; nothing is split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from research.i18n import message
from research.trends.breaks import Intervention
from research.trends.growth import RateRatio, rate_ratio
from research.trends.models import design_matrix, fit_count_model

#: The crude ratio's pre-period: pieces starting at most this many days before the date.
PRE_WINDOW_DAYS = 365
#: A pre-trend needs at least this many pre-period pieces (a slope, an intercept and a scale).
MIN_PRE_FOR_TREND = 3

INTERVENTION_COLUMNS = [
    "series_id", "intervention_id", "date", "pre_start", "pre_end", "post_start", "post_end", "pre_per_day", "post_per_day",
    "rate_ratio", "rate_ratio_low", "rate_ratio_high", "trend_adjusted_ratio", "trend_adjusted_low", "trend_adjusted_high",
    "pre_surge_ratio", "pre_surge_low", "pre_surge_high", "summary",
]


@dataclass(frozen=True)
class InterventionEffect:
    """The three ratios of :mod:`research.trends.interventions` for one series and date."""

    series_id: str
    segment: int
    event: Intervention
    pre: pd.DataFrame
    post: pd.DataFrame
    before: pd.DataFrame
    straddling: pd.DataFrame
    crude: RateRatio | None
    trend_adjusted: tuple[float, float, float]
    surge_piece: pd.DataFrame
    surge_reference: pd.DataFrame
    pre_surge: RateRatio | None
    summary: str

    @property
    def n_points(self) -> int:
        return len(self.pre) + len(self.post)

    @property
    def status(self) -> str:
        return "estimated" if self.crude is not None else "not_estimable"


def _span(rows: pd.DataFrame) -> tuple[str, str]:
    if rows.empty:
        return "", ""
    return rows["period_start"].min().date().isoformat(), rows["period_end"].max().date().isoformat()


def _ratio(a: pd.DataFrame, b: pd.DataFrame) -> RateRatio | None:
    """Rate per day of ``b`` over ``a`` with its exact interval, or ``None`` when not defined."""
    if a.empty or b.empty or int(a["count"].sum()) == 0:
        return None
    return rate_ratio(int(a["count"].sum()), float(a["exposure_days"].sum()), int(b["count"].sum()), float(b["exposure_days"].sum()))


def trend_adjusted_ratio(pre: pd.DataFrame, post: pd.DataFrame, level: float = 0.95) -> tuple[float, float, float]:
    """Observed / expected post counts, the expectation from a quasi-Poisson trend fitted on ``pre`` only.

    The interval adds, on the log scale, the variance of the expected total (delta method from the
    pre-fit covariance) and that of the observed total (``φ / observed``), with t quantiles on the
    pre-fit's residual degrees of freedom. ``nan`` when fewer than :data:`MIN_PRE_FOR_TREND`
    pieces precede the date or nothing was counted after it.
    """
    nan = (float("nan"),) * 3
    if len(pre) < MIN_PRE_FOR_TREND or post.empty or int(post["count"].sum()) == 0:
        return nan
    fit = fit_count_model(pre)
    if not fit.estimable:
        return nan
    X = design_matrix(post, fit.centre)[list(fit.names)].to_numpy()
    mu = np.exp(X @ fit.params.to_numpy()) * post["exposure_years"].to_numpy()
    expected = float(mu.sum())
    observed = float(post["count"].sum())
    gradient = (mu[:, None] * X).sum(axis=0) / expected
    variance = float(gradient @ fit.cov.to_numpy() @ gradient) + fit.scale / observed
    q = stats.t.ppf(0.5 + level / 2, fit.df_resid)
    log_ratio = np.log(observed / expected)
    half = q * np.sqrt(variance)
    return float(np.exp(log_ratio)), float(np.exp(log_ratio - half)), float(np.exp(log_ratio + half))


def intervention_effect(series: pd.DataFrame, event: Intervention, *, segment: int = 0, counted: str = "counts", lang: str = "en") -> InterventionEffect:
    """The crude, trend-adjusted and pre-surge ratios of ``event`` on one prepared series × segment."""
    moment = pd.Timestamp(event.date)
    straddling = series.loc[(series["period_start"] < moment) & (series["period_end"] >= moment)]
    before = series.loc[series["period_end"] < moment]
    post = series.loc[series["period_start"] >= moment]
    window = before.loc[before["period_start"] >= moment - pd.Timedelta(days=PRE_WINDOW_DAYS)]
    pre = window if not window.empty else before.tail(1)
    crude = _ratio(pre, post)
    adjusted = trend_adjusted_ratio(before, post)
    surge_piece = pre.tail(1)
    reference = pre.iloc[:-1] if len(pre) > 1 else before.iloc[-2:-1]
    surge = _ratio(reference, surge_piece)
    effect = dict(series_id=str(series["series_id"].iloc[0]), segment=segment, event=event, pre=pre, post=post, before=before, straddling=straddling,
                  crude=crude, trend_adjusted=adjusted, surge_piece=surge_piece, surge_reference=reference, pre_surge=surge)
    return InterventionEffect(**effect, summary=effect_summary(InterventionEffect(**effect, summary=""), counted, lang))


def _fmt(value: float) -> str:
    return f"{value:.2f}" if np.isfinite(value) else "∞"


def effect_summary(effect: InterventionEffect, counted: str, lang: str = "en") -> str:
    """What the three ratios support, in the catalogue's words (``locales/<lang>/trends.yml``)."""
    event, parts = effect.event, []
    if effect.crude is None:
        sides = f"{len(effect.pre)} piece(s) before, {len(effect.post)} after"
        parts.append(message("trends", "intervention_unestimable", lang, label=event.label, date=event.date, sides=sides))
    else:
        c = effect.crude
        pre_start, pre_end = _span(effect.pre)
        post_start, post_end = _span(effect.post)
        fields = dict(label=event.label, date=event.date, counted=counted, ratio=_fmt(c.ratio), low=_fmt(c.low), high=_fmt(c.high),
                      pre=f"{pre_start}..{pre_end}", post=f"{post_start}..{post_end}")
        key = "intervention_rise" if c.low > 1 else "intervention_fall" if c.high < 1 else "intervention_unclear"
        parts.append(message("trends", key, lang, **fields))
        s = effect.pre_surge
        if s is not None and s.low > 1 and c.low > 1:
            start, end = _span(effect.surge_piece)
            parts.append(message("trends", "intervention_surge_before", lang, span=f"{start}..{end}", ratio=_fmt(s.ratio), low=_fmt(s.low), high=_fmt(s.high), date=event.date))
        elif s is not None:
            parts.append(message("trends", "intervention_no_surge_before", lang, ratio=_fmt(s.ratio), low=_fmt(s.low), high=_fmt(s.high)))
        ratio, low, high = effect.trend_adjusted
        if np.isfinite(ratio):
            parts.append(message("trends", "intervention_trend_adjusted", lang, ratio=_fmt(ratio), low=_fmt(low), high=_fmt(high), n=len(effect.before)))
        else:
            parts.append(message("trends", "intervention_no_trend", lang, n=MIN_PRE_FOR_TREND))
    if len(effect.straddling):
        spans = ", ".join(f"{r.period_start.date()}..{r.period_end.date()}" for r in effect.straddling.itertuples())
        parts.append(message("trends", "intervention_straddling", lang, spans=spans))
    return " ".join(parts)


def intervention_row(effect: InterventionEffect) -> dict:
    """One row of ``interventions.csv``."""
    pre_start, pre_end = _span(effect.pre)
    post_start, post_end = _span(effect.post)
    nan = float("nan")

    def per_day(rows: pd.DataFrame) -> float:
        return float(rows["count"].sum() / rows["exposure_days"].sum()) if len(rows) else nan

    crude, surge = effect.crude, effect.pre_surge
    ratio, low, high = effect.trend_adjusted
    return {
        "series_id": effect.series_id, "intervention_id": effect.event.break_id, "date": effect.event.date,
        "pre_start": pre_start, "pre_end": pre_end, "post_start": post_start, "post_end": post_end,
        "pre_per_day": per_day(effect.pre), "post_per_day": per_day(effect.post),
        "rate_ratio": crude.ratio if crude else nan, "rate_ratio_low": crude.low if crude else nan, "rate_ratio_high": crude.high if crude else nan,
        "trend_adjusted_ratio": ratio, "trend_adjusted_low": low, "trend_adjusted_high": high,
        "pre_surge_ratio": surge.ratio if surge else nan, "pre_surge_low": surge.low if surge else nan, "pre_surge_high": surge.high if surge else nan,
        "summary": effect.summary,
    }


def interventions_table(effects: list[InterventionEffect]) -> pd.DataFrame:
    """The ``interventions.csv`` table, sorted by series id, intervention id and date."""
    table = pd.DataFrame([intervention_row(e) for e in effects], columns=INTERVENTION_COLUMNS)
    return table.sort_values(["series_id", "intervention_id", "date"], kind="mergesort").reset_index(drop=True)

