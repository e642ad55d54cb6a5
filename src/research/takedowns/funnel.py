"""The removal funnel: per URL and per file, overall and by domain, provider, country or channel.

A file's status is derived from the latest outcome of each of its URLs, as the NPO counts it:

* *fully removed* — every URL removed;
* *partly removed* — at least one removed and at least one still online (or pending);
* *still online* — at least one online (or pending) and none removed;
* *unknown* — nothing else can be said: every URL unknown, or removed URLs mixed only with
  unknown ones (those might be online, so "fully" would overstate).

Shares come with Wilson score intervals (``statsmodels.stats.proportion.proportion_confint``).
Every function returns counts in the same long shape (``group_kind, group, unit, status, n,
total``) so that aggregated sources such as the Google Transparency Report fit the same
:func:`with_intervals` and ranking code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from research.takedowns.seeds import FILE_STATUSES

URL_OUTCOMES: tuple[str, ...] = ("removed", "online", "pending", "unknown")
GROUPINGS: tuple[str, ...] = ("domain", "hosting_provider", "country", "channel")
NOT_RECORDED = "(not recorded)"
COUNT_COLUMNS = ["group_kind", "group", "unit", "status", "n", "total"]


def latest_per_url(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (file, URL): the most recent check wins (ties: later request, later row)."""
    order = table.sort_values(["content_id", "url_id", "checked_at", "requested_at", "row_number"], kind="mergesort")
    return order.drop_duplicates(["content_id", "url_id"], keep="last").reset_index(drop=True)


def file_status(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Status of each file (or of each file within each ``by`` group) from its URLs' latest outcomes.

    Parameters
    ----------
    table
        Cleaned takedowns (``content_id, url_id, outcome, checked_at`` …).
    by
        Optional column: status is then computed from the file's URLs in that group only
        (e.g. per domain: was the file removed from *this* site?).

    Returns
    -------
    DataFrame
        ``content_id`` (and ``by``), ``urls``, ``removed``, ``not_removed``, ``unknown``, ``status``.
    """
    return _file_status(latest_per_url(table), by)


def _file_status(latest: pd.DataFrame, by: str | None) -> pd.DataFrame:
    keys = ["content_id"] + ([by] if by else [])
    if by:
        latest = latest.assign(**{by: latest[by].astype("string").fillna(NOT_RECORDED)})
    flags = pd.DataFrame(
        {
            "urls": 1,
            "removed": (latest["outcome"] == "removed").astype("int64"),
            "not_removed": latest["outcome"].isin(["online", "pending"]).astype("int64"),
            "unknown": (latest["outcome"] == "unknown").astype("int64"),
        }
    )
    counts = flags.groupby([latest[k] for k in keys], sort=True).sum().reset_index()
    removed, online, unknown = (counts[c].to_numpy() > 0 for c in ("removed", "not_removed", "unknown"))
    counts["status"] = np.select(
        [removed & ~online & ~unknown, removed & online, ~removed & online],
        ["fully_removed", "partly_removed", "still_online"],
        "unknown",
    )
    return counts


def file_funnel_counts(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Files per status, overall (``group_kind = "all"``) or per ``by`` group, in the long count shape."""
    return _file_counts(latest_per_url(table), by)


def _file_counts(latest: pd.DataFrame, by: str | None) -> pd.DataFrame:
    status = _file_status(latest, by)
    group = status[by] if by else pd.Series("all", index=status.index)
    return _long_counts(group, status["status"], FILE_STATUSES, by or "all", "file")


def url_funnel_counts(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """URLs (latest outcome per file and URL) per outcome, overall or per ``by`` group."""
    return _url_counts(latest_per_url(table), by)


def _url_counts(latest: pd.DataFrame, by: str | None) -> pd.DataFrame:
    group = latest[by].astype("string").fillna(NOT_RECORDED) if by else pd.Series("all", index=latest.index)
    return _long_counts(group, latest["outcome"], URL_OUTCOMES, by or "all", "url")


def _long_counts(group: pd.Series, status: pd.Series, categories: tuple[str, ...], kind: str, unit: str) -> pd.DataFrame:
    status = pd.Categorical(status, categories=list(categories))
    wide = pd.crosstab(group.to_numpy(), status, dropna=False).reindex(columns=list(categories), fill_value=0)
    wide.index.name, wide.columns.name = "group", "status"
    long = wide.stack().rename("n").reset_index()
    long["total"] = long.groupby("group")["n"].transform("sum")
    long.insert(0, "group_kind", kind)
    long.insert(2, "unit", unit)
    long["status"] = long["status"].astype(str)
    long["group"] = long["group"].astype(str)
    return long[COUNT_COLUMNS].astype({"n": "int64", "total": "int64"}).sort_values(["group_kind", "group", "status"], kind="mergesort").reset_index(drop=True)


def with_intervals(counts: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add ``share`` and its Wilson interval (``share_low``, ``share_high``) to long counts."""
    out = counts.copy()
    n = out["n"].to_numpy(dtype=float)
    total = out["total"].to_numpy(dtype=float)
    safe = np.where(total > 0, total, 1.0)
    low, high = proportion_confint(n, safe, alpha=alpha, method="wilson")
    empty = total == 0
    out["share"] = np.where(empty, np.nan, n / safe)
    out["share_low"] = np.where(empty, np.nan, low)
    out["share_high"] = np.where(empty, np.nan, high)
    return out


def funnel_tables(table: pd.DataFrame, groupings: tuple[str, ...] = GROUPINGS) -> pd.DataFrame:
    """Every funnel at once: per file and per URL, overall and by each grouping, with intervals."""
    latest = latest_per_url(table)  # once: every funnel below reads the same latest outcomes
    parts = [_file_counts(latest, None), _url_counts(latest, None)]
    for by in groupings:
        if by in table.columns:
            parts += [_file_counts(latest, by), _url_counts(latest, by)]
    return with_intervals(pd.concat(parts, ignore_index=True))
