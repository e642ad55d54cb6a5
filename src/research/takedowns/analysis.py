"""Every analysis table of one cleaned takedown log, for ``research takedowns analyse`` and stage 30.

:func:`analyse_log` returns, by file stem, each table with the columns disclosure control needs
(counts, and rates with their numerator and denominator):

* ``funnel`` — files and URLs per status, overall and by every grouping, with ``interval_method``;
* ``time_to_removal`` — per group of ``by``: ``method``, ``share_removal_dated``, the
  nonparametric median and the parametric fits (:mod:`research.takedowns.survival`);
* ``survival_curves`` — every group's curve, groups without removals included, cut at the last
  check, with numbers at risk;
* ``group_tests`` — removal share between the groups of ``by`` (Fisher's exact test for two
  groups, chi-square for more) and the log-rank test where removal times are observed;
* ``reemergence`` — dated removals followed by a sighting on a new site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.stats.comparisons import TIDY_COLUMNS, compare_shares
from research.takedowns.funnel import NOT_RECORDED, funnel_tables, latest_per_url
from research.takedowns.reemergence import reemergence_table
from research.takedowns.survival import km_curves, km_on_grid, logrank_test, removal_times, time_to_removal

#: Groupings ``--by`` accepts (``provider`` is the log's ``hosting_provider``).
BY_CHOICES: dict[str, str] = {"channel": "channel", "domain": "domain", "site": "site", "provider": "hosting_provider", "country": "country"}
#: Outcomes that count as a decided request (removed, or not removed) in the share tests.
DECIDED = ("removed", "online", "pending")


@dataclass(frozen=True)
class Published:
    """A table ready for disclosure control: its count columns and rates."""

    frame: pd.DataFrame
    counts: tuple[str, ...]
    rates: dict


def removal_share_test(table: pd.DataFrame, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """Share of decided URLs removed (latest check), compared between the groups of ``by``."""
    latest = latest_per_url(table)
    latest = latest[latest["outcome"].isin(DECIDED)]
    groups = latest[by].astype("string").fillna(NOT_RECORDED)
    counts = latest.assign(_group=groups, _removed=latest["outcome"].eq("removed")).groupby("_group", sort=True)["_removed"].agg(["sum", "size"])
    result = compare_shares(counts.index.to_numpy(), counts["sum"].to_numpy(), counts["size"].to_numpy(), grouping=by, alpha=alpha)
    return result.tidy() if result is not None else pd.DataFrame(columns=TIDY_COLUMNS)


def group_tests(table: pd.DataFrame, times: pd.DataFrame, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """The share test of :func:`removal_share_test` and the log-rank test, one row each (``test``)."""
    parts = [removal_share_test(table, by, alpha)]
    logrank = logrank_test(times, by)
    if len(logrank):
        row = logrank.iloc[0]
        parts.append(pd.DataFrame([{"grouping": by, "test": "logrank", "groups": int(row["groups"]), "statistic": row["chi2"], "df": int(row["df"]), "p_value": row["p_value"]}]).reindex(columns=TIDY_COLUMNS))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=TIDY_COLUMNS)


def hide_small_tests(tests: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Blank the statistics of a test whose 2×2 table has a cell under ``threshold``.

    With the group sizes shown, a p-value or an odds ratio would give back a small count, so
    (failing closed) they go with it; counts are then suppressed by the usual rule.
    """
    out = tests.copy()
    cells = []
    for side in ("a", "b"):
        k = pd.to_numeric(out[f"successes_{side}"], errors="coerce")
        n = pd.to_numeric(out[f"trials_{side}"], errors="coerce")
        cells += [k, n - k]
    small = np.zeros(len(out), dtype=bool)
    for cell in cells:
        small |= (cell.notna() & (cell < threshold)).to_numpy()
    hidden = ["statistic", "p_value", "difference", "difference_low", "difference_high", "odds_ratio", "odds_ratio_low", "odds_ratio_high"]
    for column in hidden:
        out[column] = out[column].astype(object).where(~small, "")
    out["note"] = out["note"].astype(object).where(~small, "a cell under the disclosure threshold: statistics withheld")
    return out


def coarse_curves(curves: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Curves fit for a private log: read on the export grid and at the last check only.

    Every event step with its numbers at risk would let a reader difference out single
    removals; on the grid, a number at risk is shown only when it and its fall since the
    previous shown day are both at least ``threshold`` (blank otherwise).
    """
    grid = km_on_grid(curves, last=True)
    shown = []
    for _, rows in grid.groupby("group", sort=False):
        previous = None
        for value in rows["at_risk"]:
            ok = pd.notna(value) and value >= threshold and (previous is None or previous - value >= threshold or previous == value)
            shown.append(ok)
            if ok:
                previous = value
    grid["at_risk"] = grid["at_risk"].astype(object).where(np.asarray(shown, dtype=bool), "")
    return grid


def analyse_log(
    table: pd.DataFrame, by: str = "channel", alpha: float = 0.05, seed: int = 0, interval_method: str = "auto", private_threshold: int | None = None
) -> dict[str, Published]:
    """The analysis tables of one cleaned log, by file stem (see the module docstring).

    Parameters
    ----------
    table
        A cleaned takedown log (``takedowns.parquet``).
    by
        The column groups are compared on (a value of :data:`BY_CHOICES`).
    alpha
        One minus the confidence level of every interval.
    seed
        Seed of the parametric fits' subsample on very large logs.
    interval_method
        Interval of the funnel's shares (``auto``, ``clopper_pearson`` or ``wilson``).
    private_threshold
        For a private log, the disclosure threshold: survival curves are then coarsened
        (:func:`coarse_curves`) and tests with a small cell withheld (:func:`hide_small_tests`).
        ``None`` for a log already public in full (every step is shown).
    """
    times = removal_times(table)
    share = {"share": ("n", "total")}
    curves = km_curves(times, by, alpha)
    tests = group_tests(table, times, by, alpha)
    curve_counts: tuple[str, ...] = ("at_risk", "removed", "censored")
    if private_threshold is not None:
        curves, tests, curve_counts = coarse_curves(curves, private_threshold), hide_small_tests(tests, private_threshold), ()
    return {
        "funnel": Published(funnel_tables(table, interval_method=interval_method), ("n", "total"), share),
        "time_to_removal": Published(time_to_removal(times, by, alpha, seed), ("urls", "removed", "removed_dated", "censored"), {"share_removal_dated": ("removed_dated", "removed")}),
        "survival_curves": Published(curves, curve_counts, {}),
        "group_tests": Published(tests, ("successes_a", "trials_a", "successes_b", "trials_b"), {}),
        "reemergence": Published(reemergence_table(table, tuple(c for c in ("domain", "site") if c in table.columns), alpha), ("removals", "removals_undated", "reemerged"), {"share": ("reemerged", "removals")}),
    }
