"""Every analysis table of one cleaned takedown log, for ``research takedowns analyse`` and stage 30.

:func:`analyse_log` returns, by file stem, each table with the columns disclosure control needs
(counts, and rates with their numerator and denominator):

* ``funnel`` — files and URLs per status, overall and by every grouping, with ``interval_method``,
  and a cluster-bootstrap interval by site for URL shares (``cluster_low``, ``cluster_high``);
* ``funnel_detail`` — URLs per ``outcome_detail`` (``refused``, ``no_response``, ``delisted`` …),
  overall and by ``by`` (:func:`research.takedowns.funnel.detail_funnel`);
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

from research.stats.bootstrap import cluster_bootstrap
from research.stats.comparisons import TIDY_COLUMNS, compare_shares
from research.takedowns.funnel import NOT_RECORDED, detail_funnel, funnel_tables, latest_per_url
from research.takedowns.reemergence import reemergence_table
from research.takedowns.survival import GroupSurvival, group_survival, km_curves, km_on_grid, logrank_test, removal_times, time_to_removal

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


def clustered_funnel(table: pd.DataFrame, funnel: pd.DataFrame, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Add a cluster-bootstrap interval by site to the funnel's URL shares (``cluster_low/high``).

    URLs of one site are not independent; for each URL row of the funnel whose group holds at
    least :data:`research.stats.bootstrap.MIN_CLUSTERS` sites, the share is re-estimated over
    sites resampled with replacement (``clusters`` says how many; ``cluster_method`` names the
    method, blank where no interval was computed). Sites are ``site`` where the log has it,
    ``domain`` otherwise. File rows and groups of one site keep only their binomial interval.
    """
    cluster = "site" if "site" in table.columns else "domain"
    latest = latest_per_url(table)
    out = funnel.copy()
    out["cluster_low"], out["cluster_high"] = np.nan, np.nan
    out["clusters"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["cluster_method"] = ""
    kinds = [k for k in out.loc[out["unit"] == "url", "group_kind"].unique() if k not in ("domain", "site")]
    for kind in kinds:
        groups = pd.Series("all", index=latest.index) if kind == "all" else latest[kind].astype("string").fillna(NOT_RECORDED)
        for status in out.loc[(out["unit"] == "url") & (out["group_kind"] == kind), "status"].unique():
            boot = cluster_bootstrap(
                groups.to_numpy(dtype=object), latest[cluster].to_numpy(dtype=object), latest["outcome"].eq(status).to_numpy(dtype=float), np.ones(len(latest)), alpha=alpha, seed=seed
            )
            found = pd.DataFrame({"group": boot.groups.astype(str), "low": boot.low, "high": boot.high, "clusters": boot.clusters})
            rows = (out["unit"] == "url") & (out["group_kind"] == kind) & (out["status"] == status)
            merged = out.loc[rows, ["group"]].merge(found, on="group", how="left")
            out.loc[rows, "cluster_low"] = merged["low"].to_numpy()
            out.loc[rows, "cluster_high"] = merged["high"].to_numpy()
            out.loc[rows, "clusters"] = merged["clusters"].to_numpy()
            out.loc[rows, "cluster_method"] = np.where(np.isfinite(merged["low"].to_numpy()), f"bootstrap_by_{cluster}", "")
    return out


def removal_share_test(table: pd.DataFrame, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """Share of decided URLs removed (latest check), compared between the groups of ``by``."""
    latest = latest_per_url(table)
    latest = latest[latest["outcome"].isin(DECIDED)]
    groups = latest[by].astype("string").fillna(NOT_RECORDED)
    counts = latest.assign(_group=groups, _removed=latest["outcome"].eq("removed")).groupby("_group", sort=True)["_removed"].agg(["sum", "size"])
    result = compare_shares(counts.index.to_numpy(), counts["sum"].to_numpy(), counts["size"].to_numpy(), grouping=by, alpha=alpha)
    return result.tidy() if result is not None else pd.DataFrame(columns=TIDY_COLUMNS)


def group_tests(table: pd.DataFrame, times: pd.DataFrame, by: str, alpha: float = 0.05, groups: list[GroupSurvival] | None = None) -> pd.DataFrame:
    """The share test of :func:`removal_share_test` and the log-rank test, one row each (``test``)."""
    parts = [removal_share_test(table, by, alpha)]
    logrank = logrank_test(times, by, groups)
    if len(logrank):
        row = logrank.iloc[0]
        parts.append(
            pd.DataFrame([{"grouping": by, "test": "logrank", "groups": int(row["groups"]), "statistic": row["chi2"], "df": int(row["df"]), "p_value": row["p_value"]}]).reindex(columns=TIDY_COLUMNS)
        )
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
    table: pd.DataFrame,
    by: str = "channel",
    alpha: float = 0.05,
    seed: int = 0,
    interval_method: str = "auto",
    private_threshold: int | None = None,
    survival: list[GroupSurvival] | None = None,
    max_hash_distance: int | None = None,
    times: pd.DataFrame | None = None,
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
    survival
        :func:`research.takedowns.survival.group_survival` of the log by ``by``, if already fitted.
    max_hash_distance
        Match re-uploads by PDQ ``content_hash`` within this many bits for re-emergence
        (:mod:`research.takedowns.near_duplicates`); ``None``: by ``content_id`` only.
    times
        :func:`research.takedowns.survival.removal_times` of the log, if already computed.
    """
    times = times if times is not None else removal_times(table)
    survival = survival if survival is not None else group_survival(times, by, alpha)
    curves = km_curves(times, by, alpha, survival)
    tests = group_tests(table, times, by, alpha, survival)
    curve_counts: tuple[str, ...] = ("at_risk", "removed", "censored")
    if private_threshold is not None:
        curves, tests, curve_counts = coarse_curves(curves, private_threshold), hide_small_tests(tests, private_threshold), ()
    return {
        "funnel": Published(
            clustered_funnel(table, funnel_tables(table, interval_method=interval_method), alpha, seed), ("n", "total", "clusters"), {"share": ("n", "total"), "cluster": ("n", "total")}
        ),
        "funnel_detail": Published(detail_funnel(table, (by,), interval_method), ("n", "total"), {"share": ("n", "total")}),
        "time_to_removal": Published(time_to_removal(times, by, alpha, seed, survival), ("urls", "removed", "removed_dated", "censored"), {"share_removal_dated": ("removed_dated", "removed")}),
        "survival_curves": Published(curves, curve_counts, {}),
        "group_tests": Published(tests, ("successes_a", "trials_a", "successes_b", "trials_b"), {}),
        "reemergence": Published(
            reemergence_table(table, tuple(c for c in ("domain", "site") if c in table.columns), alpha, max_hash_distance),
            ("removals", "removals_undated", "reemerged"),
            {"share": ("reemerged", "removals")},
        ),
    }
