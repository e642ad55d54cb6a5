"""Aggregated outcome tables (Google Transparency Report) in the shapes the funnel and rankings use.

The source gives, per half-year, country and requester, the number of items and the percentage
of items per outcome (rounded to whole percents). Item counts per outcome are therefore
*estimates* (items × percent / 100, rounded), flagged ``approximate``; rates built on them are
fine for comparing countries, not for quoting exact counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.clean.google_transparency import OUTCOME_OF_SHARE
from research.stats.ranking import conservative_ranking
from research.stats.shrinkage import rate_summary
from research.takedowns.funnel import COUNT_COLUMNS

MAPPED_OUTCOMES: tuple[str, ...] = ("removed", "online", "unknown")
DETAILED_OUTCOMES: tuple[str, ...] = tuple(c.removeprefix("pct_") for c in OUTCOME_OF_SHARE)


def _select(removals: pd.DataFrame, period_end: str | None, requester: str | None) -> pd.DataFrame:
    rows = removals
    if period_end is not None:
        rows = rows[rows["period_end"] == period_end]
    if requester is not None:
        rows = rows[rows["requester"] == requester]
    return rows


def google_outcome_counts(
    removals: pd.DataFrame,
    by: str = "country",
    *,
    detailed: bool = False,
    period_end: str | None = None,
    requester: str | None = None,
) -> pd.DataFrame:
    """Estimated items per outcome and group, in the funnel's long count shape (``unit = "item"``).

    Parameters
    ----------
    removals
        Output of :func:`research.clean.google_transparency.read_google_removals`.
    by
        ``"country"``, ``"requester"``, ``"period_end"`` or ``"all"``.
    detailed
        Use the source's six outcomes instead of removed / online / unknown.
    period_end, requester
        Keep only one half-year or one kind of requester.

    Returns
    -------
    DataFrame
        ``group_kind, group, unit, status, n, total`` plus ``approximate`` (always true):
        ready for :func:`research.takedowns.funnel.with_intervals`.
    """
    rows = _select(removals, period_end, requester)
    outcomes = DETAILED_OUTCOMES if detailed else MAPPED_OUTCOMES
    group = rows[by].fillna("").replace("", "(none)") if by != "all" else pd.Series("all", index=rows.index)
    estimated = pd.DataFrame({o: np.rint(rows["items"].to_numpy() * rows[f"pct_{o}"].to_numpy() / 100.0) for o in outcomes}, index=rows.index)
    summed = estimated.groupby(group.to_numpy(), sort=True).sum()
    summed.index.name, summed.columns.name = "group", "status"
    long = summed.stack().rename("n").reset_index()
    long["total"] = long.groupby("group")["n"].transform("sum")
    long.insert(0, "group_kind", by)
    long.insert(2, "unit", "item")
    long = long[COUNT_COLUMNS].astype({"n": "int64", "total": "int64"})
    long["approximate"] = True
    return long.sort_values(["group", "status"], kind="mergesort").reset_index(drop=True)


def google_node_counts(removals: pd.DataFrame, level: str = "country", *, period_end: str | None = None, requester: str | None = None) -> pd.DataFrame:
    """Per node: ``node, urls`` (items requested), ``decided`` (removed + online) and ``non_removed``.

    The same columns as :func:`research.networks.rankings.node_counts`, so rates with Wilson and
    empirical-Bayes intervals, and rankings, work on the aggregated source unchanged.
    """
    counts = google_outcome_counts(removals, level, period_end=period_end, requester=requester)
    wide = counts.pivot(index="group", columns="status", values="n").reindex(columns=list(MAPPED_OUTCOMES), fill_value=0)
    out = pd.DataFrame(
        {
            "node": wide.index.astype(str),
            "urls": wide.sum(axis=1).to_numpy(),
            "decided": (wide["removed"] + wide["online"]).to_numpy(),
            "non_removed": wide["online"].to_numpy(),
        }
    ).astype({"urls": "int64", "decided": "int64", "non_removed": "int64"})
    return out.sort_values("node", kind="mergesort").reset_index(drop=True)


def google_country_rates(removals: pd.DataFrame, *, period_end: str | None = None, requester: str | None = None) -> pd.DataFrame:
    """Non-removal rate per country with Wilson and empirical-Bayes intervals, ranked (networks' code)."""
    counts = google_node_counts(removals, "country", period_end=period_end, requester=requester)
    rates, _ = rate_summary(counts["non_removed"], counts["decided"], "non_removal_rate")
    table = pd.concat([counts, rates], axis=1)
    table.insert(0, "level", "country")
    ranked = conservative_ranking(table, "non_removal_rate_low", size="urls", trials="decided", name="node")
    ranked["approximate"] = True
    return ranked
