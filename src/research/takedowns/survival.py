"""Time to removal: Kaplan–Meier curves with still-online URLs censored at their last check.

Each URL (latest row per file and URL) contributes a time from its request:

* removed with a removal date → event at ``resolved_at − requested_at``;
* removed without a removal date → event at ``checked_at − requested_at`` (an upper bound: it
  was gone by then), counted in ``event_at_check``;
* online or pending → censored at ``checked_at − requested_at`` (still there at the last look);
* unknown → left out (nothing was observed).

Estimates use ``statsmodels.duration.survfunc.SurvfuncRight``; medians come with their
confidence interval (``quantile_ci``); channels are compared with the log-rank test (``survdiff``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from research.takedowns.funnel import NOT_RECORDED, latest_per_url

SECONDS_PER_DAY = 86_400.0


def removal_times(table: pd.DataFrame) -> pd.DataFrame:
    """Per URL: ``days`` from request to removal (or to the last check) and ``removed`` (event flag).

    Returns the latest row per file and URL without ``unknown`` outcomes, with ``days``,
    ``removed`` (1 = removed, 0 = censored) and ``event_at_check`` (removal date not recorded).
    """
    latest = latest_per_url(table)
    latest = latest[latest["outcome"] != "unknown"].copy()
    removed = latest["outcome"].eq("removed").to_numpy()
    end = latest["resolved_at"].where(removed & latest["resolved_at"].notna(), latest["checked_at"])
    latest["days"] = (end - latest["requested_at"]).dt.total_seconds().to_numpy() / SECONDS_PER_DAY
    latest["removed"] = removed.astype("int64")
    latest["event_at_check"] = removed & latest["resolved_at"].isna().to_numpy()
    return latest.reset_index(drop=True)


def _groups(times: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("all", index=times.index)
    return times[by].astype("string").fillna(NOT_RECORDED)


def _loglog_interval(surv: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval for S(t) via log(−log S): stays inside (0, 1), unlike S ± z·se."""
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / (surv * np.abs(np.log(surv)))
        low = surv ** np.exp(spread)
        high = surv ** np.exp(-spread)
    inside = (surv > 0) & (surv < 1)
    return np.where(inside, low, surv), np.where(inside, high, surv)


def km_curves(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier survival (share still online) at each event time, per group.

    Returns
    -------
    DataFrame
        ``group, days, at_risk, removed, survival, survival_low, survival_high`` (pointwise
        intervals on the log(−log) scale from statsmodels' Greenwood standard errors), sorted by
        group and time.
    """
    parts = []
    groups = _groups(times, by)
    for group in sorted(groups.unique()):
        rows = times[groups == group]
        fit = SurvfuncRight(rows["days"].to_numpy(), rows["removed"].to_numpy())
        low, high = _loglog_interval(fit.surv_prob, fit.surv_prob_se, alpha)
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": fit.surv_times,
                    "at_risk": fit.n_risk.astype("int64"),
                    "removed": fit.n_events.astype("int64"),
                    "survival": fit.surv_prob,
                    "survival_low": low,
                    "survival_high": high,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def median_times(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05) -> pd.DataFrame:
    """Median days to removal per group with its confidence interval (missing where not reached)."""
    rows_out = []
    groups = _groups(times, by)
    for group in sorted(groups.unique()):
        rows = times[groups == group]
        fit = SurvfuncRight(rows["days"].to_numpy(), rows["removed"].to_numpy())
        median = fit.quantile(0.5)
        with np.errstate(divide="ignore", invalid="ignore"):  # the log(-log) transform at S = 0 or 1
            low, high = fit.quantile_ci(0.5, alpha=alpha)
        rows_out.append(
            {
                "group": group,
                "urls": len(rows),
                "removed": int(rows["removed"].sum()),
                "censored": int((rows["removed"] == 0).sum()),
                "median_days": float(median) if median is not None and np.isfinite(median) else np.nan,
                "median_low": float(low) if low is not None and np.isfinite(low) else np.nan,
                "median_high": float(high) if high is not None and np.isfinite(high) else np.nan,
            }
        )
    return pd.DataFrame(rows_out)


def logrank_test(times: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """Log-rank test that removal times do not differ between the groups of ``by``."""
    groups = _groups(times, by)
    statistic, p_value = survdiff(times["days"].to_numpy(), times["removed"].to_numpy(), groups.to_numpy())
    return pd.DataFrame({"grouping": [by], "groups": [int(groups.nunique())], "chi2": [float(statistic)], "df": [int(groups.nunique()) - 1], "p_value": [float(p_value)]})


#: Days at which exported survival tables are read off the curves.
EXPORT_GRID_DAYS: tuple[float, ...] = (1, 2, 3, 7, 14, 30, 60, 90, 180, 365)


def km_on_grid(curves: pd.DataFrame, grid: tuple[float, ...] = EXPORT_GRID_DAYS) -> pd.DataFrame:
    """Read each group's step curve at fixed days (for tables: a few rows instead of every event)."""
    parts = []
    for group, rows in curves.groupby("group", sort=True):
        days = rows["days"].to_numpy()
        position = np.searchsorted(days, np.asarray(grid, dtype=float), side="right") - 1
        before_first = position < 0
        pick = rows.iloc[np.maximum(position, 0)]
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": grid,
                    "survival": np.where(before_first, 1.0, pick["survival"].to_numpy()),
                    "survival_low": np.where(before_first, 1.0, pick["survival_low"].to_numpy()),
                    "survival_high": np.where(before_first, 1.0, pick["survival_high"].to_numpy()),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
