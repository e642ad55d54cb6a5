"""Time to removal from what the log observed: exact dates, or only "gone by the check".

Each URL (latest row per file and URL) gives a time window from its request, in days:

* removed with a removal date → an exact time ``resolved_at − requested_at``;
* removed without a removal date → only "gone by the check": the window ``(0, checked_at −
  requested_at]`` (``event_at_check``); a check on the request day itself tells nothing;
* online or pending → right-censored at ``checked_at − requested_at`` (still there at the last look);
* unknown → left out (nothing was observed).

Each group gets a ``method`` from what its rows hold, and ``share_removal_dated``:

* ``kaplan_meier`` — every removal dated (or none removed): Kaplan–Meier with Greenwood intervals;
* ``current_status`` — no removal dated, but checks after the request: the nonparametric
  maximum-likelihood estimate for current-status data (Groeneboom & Wellner 1992);
* ``interval_censored`` — some removals dated, some not: Turnbull's NPMLE over exact and
  bracketed times (a Kaplan–Meier curve on the dated ones alone would drop the undated removals
  and overstate how long content stays up; one at the check time would invent the time);
* ``not_estimable`` — no removal with a date or an informative check: no time is reported.

A removal without a date is never given the check time as if it were the removal time. Beside the
nonparametric row, lognormal, Weibull and log-logistic fits (AIC, median with interval, mean,
restricted mean up to the last check) are given wherever five or more windows are closed.
Estimators are in :mod:`research.stats.survival`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.stats.survival import current_status_npmle, interval_censored_npmle, kaplan_meier, logrank, parametric_fits
from research.takedowns.funnel import NOT_RECORDED, latest_per_url

SECONDS_PER_DAY = 86_400.0
METHODS: tuple[str, ...] = ("kaplan_meier", "current_status", "interval_censored", "not_estimable")
TIME_COLUMNS = [
    "group_kind",
    "group",
    "method",
    "model",
    "urls",
    "removed",
    "removed_dated",
    "censored",
    "share_removal_dated",
    "median_days",
    "median_low",
    "median_high",
    "mean_days",
    "restricted_mean_days",
    "horizon_days",
    "aic",
]


def removal_times(table: pd.DataFrame) -> pd.DataFrame:
    """Per URL: its time window (``lower_days``, ``upper_days``), ``days`` and ``removed``.

    Returns the latest row per file and URL without ``unknown`` outcomes, with ``days`` (to the
    removal, or to the last check), ``removed`` (1 = removed), ``removal_dated``,
    ``event_at_check`` (removed, date not recorded), ``lower_days`` and ``upper_days`` (the time
    lies in that window; ``upper_days = inf`` when still online).
    """
    latest = latest_per_url(table)
    latest = latest[latest["outcome"] != "unknown"].copy()
    removed = latest["outcome"].eq("removed").to_numpy()
    dated = removed & latest["resolved_at"].notna().to_numpy()
    end = latest["resolved_at"].where(dated, latest["checked_at"])
    days = (end - latest["requested_at"]).dt.total_seconds().to_numpy() / SECONDS_PER_DAY
    latest["days"] = days
    latest["removed"] = removed.astype("int64")
    latest["removal_dated"] = dated
    latest["event_at_check"] = removed & ~dated
    latest["lower_days"] = np.where(removed & ~dated, 0.0, days)
    latest["upper_days"] = np.where(removed, days, np.inf)
    return latest.reset_index(drop=True)


def numbers_at_risk(times: pd.DataFrame, by: str | None, days) -> pd.DataFrame:
    """URLs still at risk at each of ``days``: removal (dated) or last check on or after that day.

    Groups of ``by`` in rows, ``days`` in columns. Only groups whose curve is Kaplan–Meier have
    numbers at risk; for a current-status or interval-censored group (undated removals) the value
    is missing, since when an undated removal happened is not known.
    """
    groups = _groups(times, by)
    days = np.asarray(days, dtype=float)
    rows = {}
    for group, index in groups.groupby(groups, sort=True).groups.items():
        part = times.loc[index]
        if estimation_method(part) != "kaplan_meier":
            rows[group] = np.full(len(days), np.nan)
            continue
        ends = np.sort(part["days"].to_numpy(dtype=float))
        rows[group] = (len(ends) - np.searchsorted(ends, days, side="left")).astype(float)
    return pd.DataFrame(rows, index=days).T


def _groups(times: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series("all", index=times.index)
    return times[by].astype("string").fillna(NOT_RECORDED)


def estimation_method(rows: pd.DataFrame) -> str:
    """Which estimate the rows of one group allow (one of :data:`METHODS`)."""
    if rows.empty:
        return "not_estimable"
    removed = rows["removed"].to_numpy() == 1
    dated = rows["removal_dated"].to_numpy()
    informative = removed & ~dated & (rows["upper_days"].to_numpy() > 0)
    if removed.sum() == 0 or dated[removed].all():
        return "kaplan_meier"
    if dated.any() and informative.any():
        return "interval_censored"
    if informative.any() and not dated.any():
        return "current_status"
    return "not_estimable"


@dataclass(frozen=True)
class GroupSurvival:
    """One group's rows, its method and its nonparametric fit (computed once, read by every table)."""

    group: str
    method: str
    rows: pd.DataFrame
    fit: object | None  # KaplanMeier, CurrentStatus, IntervalCensored or None


def group_survival(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05) -> list[GroupSurvival]:
    """Each group's method and nonparametric fit, in sorted group order."""
    groups = _groups(times, by)
    out = []
    for group in sorted(groups.unique()):
        rows = times[groups == group]
        method = estimation_method(rows)
        if method == "kaplan_meier":
            fit = kaplan_meier(rows["days"], rows["removed"], alpha)
        elif method == "current_status":
            fit = current_status_npmle(rows["days"], rows["removed"])
        elif method == "interval_censored":
            fit = interval_censored_npmle(rows["lower_days"], rows["upper_days"])
        else:
            fit = None
        out.append(GroupSurvival(str(group), method, rows, fit))
    return out


def _counts(rows: pd.DataFrame, group_kind: str, group: str, method: str) -> dict:
    removed = int(rows["removed"].sum())
    dated = int(rows["removal_dated"].sum())
    return {
        "group_kind": group_kind,
        "group": group,
        "method": method,
        "urls": len(rows),
        "removed": removed,
        "removed_dated": dated,
        "censored": int((rows["removed"] == 0).sum()),
        "share_removal_dated": dated / removed if removed else np.nan,
    }


def _nonparametric(estimate: GroupSurvival) -> dict:
    """The nonparametric median (and restricted mean up to the last observed time) of one group."""
    empty = {"median_days": np.nan, "median_low": np.nan, "median_high": np.nan, "mean_days": np.nan, "restricted_mean_days": np.nan, "horizon_days": np.nan, "aic": np.nan}
    fit = estimate.fit
    if estimate.method == "kaplan_meier":
        median, low, high = fit.median()
        curve = fit.tidy()
        area = float((curve["survival"].to_numpy()[:-1] * np.diff(curve["days"].to_numpy())).sum())
        return {**empty, "median_days": median, "median_low": low, "median_high": high, "restricted_mean_days": area, "horizon_days": fit.last_time}
    if fit is not None:
        return {**empty, "median_days": fit.median(), "horizon_days": fit.last_time}
    return empty


def time_to_removal(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05, seed: int = 0, groups: list[GroupSurvival] | None = None, parametric: bool = True) -> pd.DataFrame:
    """Per group: the method, a nonparametric row (``model = "nonparametric"``) and parametric fits.

    Parametric rows (``lognormal``, ``weibull``, ``loglogistic``) use every window, exact or
    censored, and are left out for ``not_estimable`` groups and groups with fewer than five
    closed windows; ``horizon_days`` (the restricted mean's horizon) is the group's last check.
    ``groups`` (from :func:`group_survival`) avoids fitting again. Columns :data:`TIME_COLUMNS`.
    """
    out = []
    for estimate in groups if groups is not None else group_survival(times, by, alpha):
        rows, method = estimate.rows, estimate.method
        counts = _counts(rows, by or "all", estimate.group, method)
        out.append({**counts, "model": "nonparametric", **_nonparametric(estimate)})
        if method == "not_estimable" or not parametric:
            continue
        usable = rows[rows["upper_days"].to_numpy() > 0] if method != "kaplan_meier" else rows
        horizon = float(usable["days"].max()) if len(usable) else None
        fits = parametric_fits(usable["lower_days"], usable["upper_days"], horizon=horizon, alpha=alpha, seed=seed)
        for fit in fits.to_dict("records"):
            out.append({**counts, **fit})
    table = pd.DataFrame(out)
    return table.reindex(columns=TIME_COLUMNS) if len(table) else pd.DataFrame(columns=TIME_COLUMNS)


def median_times(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05, groups: list[GroupSurvival] | None = None) -> pd.DataFrame:
    """Median days to removal per group with its interval, ``method`` and ``share_removal_dated``.

    The nonparametric rows of :func:`time_to_removal` in the columns ``group, urls, removed,
    censored, median_days, median_low, median_high`` (missing where not reached or not estimable),
    plus ``method``, ``removed_dated`` and ``share_removal_dated``.
    """
    table = time_to_removal(times, by, alpha, groups=groups, parametric=False)
    return table[["group", "urls", "removed", "censored", "median_days", "median_low", "median_high", "method", "removed_dated", "share_removal_dated"]].reset_index(drop=True)


CURVE_COLUMNS = ["group", "method", "days", "at_risk", "removed", "censored", "survival", "survival_low", "survival_high"]


def km_curves(times: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05, groups: list[GroupSurvival] | None = None) -> pd.DataFrame:
    """Survival (share still online) per group, from day 0 to the group's last observed time.

    Kaplan–Meier groups (groups without any removal included: flat at 1) give each event time
    with ``at_risk`` (numbers at risk), ``removed``, ``censored`` and pointwise log(−log)
    intervals; current-status and interval-censored groups give the NPMLE (no interval, no
    numbers at risk); ``not_estimable`` groups give no curve. Curves are never extended past the
    last observation.
    """
    parts = []
    for estimate in groups if groups is not None else group_survival(times, by, alpha):
        if estimate.fit is None:
            continue
        curve = estimate.fit.tidy()
        if estimate.method != "kaplan_meier":
            curve = curve.drop(columns=[c for c in ("checked", "removed") if c in curve.columns])
            curve = curve.assign(at_risk=pd.NA, removed=pd.NA, censored=pd.NA, survival_low=np.nan, survival_high=np.nan)
        parts.append(curve.assign(group=estimate.group, method=estimate.method))
    if not parts:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    curves = pd.concat(parts, ignore_index=True)[CURVE_COLUMNS]
    return curves.astype({"at_risk": "Int64", "removed": "Int64", "censored": "Int64"})


def logrank_test(times: pd.DataFrame, by: str = "channel", groups: list[GroupSurvival] | None = None) -> pd.DataFrame:
    """Log-rank test that removal times do not differ between the groups of ``by``.

    Only on exactly observed times: when some group's removals are undated the test is not run
    (an empty table), since the check time is not the removal time.
    """
    labels = _groups(times, by)
    methods = {e.group: e.method for e in groups} if groups is not None else {g: estimation_method(times[labels == g]) for g in labels.unique()}
    columns = ["grouping", "groups", "chi2", "df", "p_value"]
    if len(methods) < 2 or any(m != "kaplan_meier" for m in methods.values()) or times["removed"].sum() == 0:
        return pd.DataFrame(columns=columns)
    statistic, df, p_value = logrank(times["days"], times["removed"], labels.to_numpy())
    return pd.DataFrame({"grouping": [by], "groups": [len(methods)], "chi2": [statistic], "df": [df], "p_value": [p_value]})


#: Days at which exported survival tables are read off the curves.
EXPORT_GRID_DAYS: tuple[float, ...] = (1, 2, 3, 7, 14, 30, 60, 90, 180, 365)


def km_on_grid(curves: pd.DataFrame, grid: tuple[float, ...] = EXPORT_GRID_DAYS, *, last: bool = False) -> pd.DataFrame:
    """Read each group's step curve at fixed days, up to its last observed time (never beyond).

    ``at_risk`` is the step's number at risk (missing for NPMLE curves); ``last=True`` adds the
    group's last observed time as a final row.
    """
    parts = []
    for group, rows in curves.groupby("group", sort=True):
        days = rows["days"].to_numpy(dtype=float)
        wanted = sorted({g for g in grid if g <= days.max()} | ({float(days.max())} if last else set()))
        wanted = np.asarray(wanted, dtype=float)
        position = np.searchsorted(days, wanted, side="right") - 1
        pick = rows.iloc[np.maximum(position, 0)]
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "method": rows["method"].iloc[0] if "method" in rows.columns else "kaplan_meier",
                    "days": wanted,
                    "at_risk": pick["at_risk"].to_numpy() if "at_risk" in rows.columns else pd.NA,
                    "survival": pick["survival"].to_numpy(dtype=float),
                    "survival_low": pick["survival_low"].to_numpy(dtype=float),
                    "survival_high": pick["survival_high"].to_numpy(dtype=float),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["group", "method", "days", "at_risk", "survival", "survival_low", "survival_high"])
    return pd.concat(parts, ignore_index=True).astype({"at_risk": "Int64"})
