"""Combine per-partition results into whole-log results: the algebra behind the bounded Dask path.

Every function here is pure (DataFrames or arrays in, DataFrames out) and says why combining
partition results gives exactly the whole-log result:

- **Funnel counts** (``group_kind, group, unit, status, n, total``) are sums over files, and a
  file's status depends only on its own rows, so over partitions that are disjoint in
  ``content_id`` the whole log's counts are the sums of the partitions' counts.
- **Node counts** (URLs, decided, non-removed per domain, provider or country) are sums over the
  one-row-per-URL status, so over partitions disjoint in ``url_id`` they add up too; the rates,
  intervals and the empirical-Bayes prior of :func:`research.networks.rankings.node_rates` depend on
  the status only through these counts.
- **Co-hosting weights** are the off-diagonal entries of ``BᵀB = Σ_p B_pᵀB_p`` when the rows of the
  content × domain incidence ``B`` are split into content-disjoint blocks ``B_p``; with every domain
  coded by its position in one global sorted list, the partial products add entry by entry.
- **Quality counts** of the cleaning are sums over rows (each raw row is in exactly one cleaning
  partition), except the distinct counts of files, URLs and domains, which come from reductions
  over partitions disjoint in that key (or a union of sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.clean.takedown_schema import empty_clean_table
from research.clean.takedowns import quality_table
from research.networks.bipartite import co_hosting_pairs, incidence_matrix
from research.takedowns.funnel import COUNT_COLUMNS, GROUPINGS, with_intervals

_FUNNEL_KEYS = ["group_kind", "group", "unit", "status"]
_NODE_COUNTS = ["urls", "decided", "non_removed"]
#: Quality metrics that count distinct values, with the column each counts; the rest are sums.
DISTINCT_METRICS: dict[str, str] = {"files": "content_id", "requests": "request_id", "urls": "url_id", "domains": "domain"}


def _present(parts: Iterable[pd.DataFrame | None]) -> list[pd.DataFrame]:
    return [p for p in parts if p is not None and len(p)]


@dataclass(frozen=True)
class FunnelSums:
    """Funnel counts in compact form: a row per ``(group_kind, unit, group)``, a column per status.

    ``statuses`` lists the statuses of each unit (files and URLs have different ones); ``total`` is
    not stored, it is the sum of ``n`` over the unit's statuses.
    """

    wide: pd.DataFrame
    statuses: dict[str, tuple[str, ...]]


def compact_funnel(counts: pd.DataFrame) -> FunnelSums:
    """One partition's long funnel counts (``funnel_tables`` columns) as :class:`FunnelSums`."""
    wide = counts.pivot(index=["group_kind", "unit", "group"], columns="status", values="n")
    wide.columns.name = None
    statuses = {unit: tuple(dict.fromkeys(counts.loc[counts["unit"] == unit, "status"])) for unit in dict.fromkeys(counts["unit"])}
    return FunnelSums(wide.fillna(0).astype("int64"), statuses)


def sum_funnel_counts(parts: Iterable[FunnelSums | None]) -> FunnelSums | None:
    """Add the funnel counts of content-disjoint partitions; ``None`` parts (empty partitions) are skipped."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    wide = pd.concat([p.wide for p in parts]).fillna(0).astype("int64").groupby(level=[0, 1, 2], sort=False).sum()
    statuses: dict[str, tuple[str, ...]] = {}
    for part in parts:
        for unit, names in part.statuses.items():
            statuses[unit] = tuple(dict.fromkeys(statuses.get(unit, ()) + names))
    return FunnelSums(wide, statuses)


def expand_funnel(sums: FunnelSums | None) -> pd.DataFrame | None:
    """Back from :class:`FunnelSums` to long ``group_kind, group, unit, status, n, total`` counts."""
    if sums is None:
        return None
    blocks = []
    for unit, names in sums.statuses.items():
        wide = sums.wide[sums.wide.index.get_level_values("unit") == unit].reindex(columns=list(names), fill_value=0)
        long = wide.stack().rename("n").reset_index().rename(columns={f"level_{wide.index.nlevels}": "status"})
        long["total"] = long.groupby(["group_kind", "unit", "group"], sort=False)["n"].transform("sum")
        blocks.append(long)
    return pd.concat(blocks, ignore_index=True)[COUNT_COLUMNS]


def funnel_from_counts(counts: pd.DataFrame | None, groupings: Sequence[str] = GROUPINGS) -> pd.DataFrame:
    """Summed counts in the order of :func:`research.takedowns.funnel.funnel_tables`, with intervals.

    ``funnel_tables`` lists files then URLs overall, then files then URLs for each grouping, each
    block sorted by group and status; the same order is restored here after summing.
    """
    if counts is None:
        counts = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "total") else object) for c in COUNT_COLUMNS})
    blocks = [("all", "file"), ("all", "url")] + [(by, unit) for by in groupings for unit in ("file", "url")]
    position = {block: i for i, block in enumerate(blocks)}
    order = [position.get(block, len(blocks)) for block in zip(counts["group_kind"], counts["unit"])]
    ordered = counts.assign(_block=order).sort_values(["_block", "group", "status"], kind="mergesort")
    ordered = ordered.drop(columns="_block").reset_index(drop=True).astype({"n": "int64", "total": "int64"})
    return with_intervals(ordered)


def sum_node_counts(parts: Iterable[pd.DataFrame | None]) -> pd.DataFrame | None:
    """Add :func:`research.networks.rankings.node_counts` of URL-disjoint partitions, sorted by node."""
    parts = _present(parts)
    if not parts:
        return None
    joined = pd.concat(parts, ignore_index=True)
    return joined.groupby("node", sort=True)[_NODE_COUNTS].sum().astype("int64").reset_index()


def union_sorted(parts: Iterable[np.ndarray | None]) -> np.ndarray:
    """Sorted distinct strings of several arrays (a domain list, say)."""
    arrays = [np.asarray(p, dtype=object) for p in parts if p is not None and len(p)]
    if not arrays:
        return np.array([], dtype=object)
    return np.unique(np.concatenate(arrays).astype(str)).astype(object)


def co_hosting_triplets(pairs: pd.DataFrame, domains: np.ndarray) -> pd.DataFrame:
    """Upper triangle of ``B_pᵀB_p`` (and of Newman's ``B_pᵀD_pB_p``) for one content-disjoint partition, in global domain codes.

    Parameters
    ----------
    pairs
        ``content_id, domain`` rows of one partition holding *every* URL of its files (so each
        file's number of sites, and its weight ``1/(k − 1)``, is known within the partition).
    domains
        The log's sorted distinct domains; a domain's code is its position here.

    Returns
    -------
    DataFrame
        ``a < b`` (int32 codes), ``n`` (files of this partition on both) and ``w`` (their Newman
        weight), one row per pair.
    """
    if not len(pairs):
        return pd.DataFrame({"a": pd.Series(dtype="int32"), "b": pd.Series(dtype="int32"), "n": pd.Series(dtype="int64"), "w": pd.Series(dtype="float64")})
    incidence = incidence_matrix(pairs)  # local codes, in sorted order like the global list
    to_global = np.searchsorted(domains, incidence.domains.to_numpy(dtype=object).astype(str))
    if not np.array_equal(np.asarray(domains[to_global], dtype=str), incidence.domains.to_numpy(dtype=object).astype(str)):
        raise ValueError("a domain of the partition is missing from the global domain list")
    rows, cols, shared, weight = co_hosting_pairs(incidence)
    return pd.DataFrame({"a": to_global[rows].astype("int32"), "b": to_global[cols].astype("int32"), "n": shared, "w": weight})


def block_of(codes: np.ndarray, n_domains: int, blocks: int) -> np.ndarray:
    """Block (0 … ``blocks`` − 1) of each domain code: equal ranges of the sorted domain list."""
    return (np.asarray(codes, dtype=np.int64) * blocks) // max(n_domains, 1)


def edges_from_triplets(triplets: Iterable[pd.DataFrame], domains: np.ndarray) -> pd.DataFrame:
    """Sum partial products of one block of pairs into edges ``domain_a, domain_b, shared_content, co_hosting_weight``.

    Sorted by pair, as :func:`research.networks.bipartite.co_hosting_edges` sorts them: codes
    follow the sorted domain list, so sorting codes sorts names.
    """
    parts = [t for t in triplets if len(t)]
    if not parts:
        return pd.DataFrame({"domain_a": pd.Series(dtype=object), "domain_b": pd.Series(dtype=object), "shared_content": pd.Series(dtype="int64"), "co_hosting_weight": pd.Series(dtype="float64")})
    summed = pd.concat(parts, ignore_index=True).groupby(["a", "b"], sort=True)[["n", "w"]].sum()
    a = summed.index.get_level_values("a").to_numpy()
    b = summed.index.get_level_values("b").to_numpy()
    return pd.DataFrame(
        {"domain_a": domains[a].astype(str), "domain_b": domains[b].astype(str), "shared_content": summed["n"].to_numpy(dtype=np.int64), "co_hosting_weight": summed["w"].to_numpy(dtype=np.float64)}
    )


def quality_from_partitions(
    partitions: Sequence[pd.DataFrame],
    reasons: pd.DataFrame,
    distinct: Mapping[str, int],
    synthetic: bool,
) -> pd.DataFrame:
    """The cleaning's quality table from the quality tables of its partitions.

    Parameters
    ----------
    partitions
        :func:`research.clean.takedowns.quality_table` of each cleaning partition (partitions hold
        whole requests, so request counts add up too).
    reasons
        Distinct ``column, reason`` of the whole quarantine (orders the quarantine lines).
    distinct
        Whole-log distinct counts for the :data:`DISTINCT_METRICS` that do not add up
        (``files``, ``urls``, ``domains``); a metric missing here is summed.
    synthetic
        As passed to the cleaner.

    Returns
    -------
    DataFrame
        ``metric, value`` in the order and format of ``quality_table``.
    """
    sums: dict[str, int] = {}
    for part in partitions:
        for metric, value in zip(part["metric"], part["value"]):
            if value not in ("True", "False"):
                sums[metric] = sums.get(metric, 0) + int(value)
    # quality_table itself names and orders the metrics (the quarantine lines by column, reason).
    stand_in = reasons[["column", "reason"]].drop_duplicates().assign(row_number=np.arange(1, len(reasons.drop_duplicates(["column", "reason"])) + 1), value="")
    skeleton = quality_table(0, empty_clean_table(), stand_in, synthetic)
    values = {**sums, **{k: int(v) for k, v in distinct.items()}}
    values["rows_balance_ok"] = sums.get("rows_in", 0) == sums.get("rows_out", 0) + sums.get("rows_quarantined", 0)
    values["synthetic"] = synthetic
    out = skeleton.assign(value=[str(values.get(metric, 0)) for metric in skeleton["metric"]])
    return out.astype({"value": "string"})
