"""Re-emergence: a file removed from one site that turns up on a new site afterwards.

For each file and domain the log gives when the file was first reported there (``first_seen``,
the earliest request) and, if it was removed there, when (``removed_at``, the earliest dated
removal). A removal *re-emerges* when the same file is later reported on a domain where it had
not been seen before. Counted per removal event, so a domain's rate reads "of the files removed
from this site, the share that reappeared elsewhere".

Re-emergence needs the removal's date: a removal without ``resolved_at`` is not an event here
(whether a later sighting came *after* it is unknown), and the summary says how many such
removals were left out (``removals_undated``) and gives ``method = "not_estimable"`` where no
removal is dated. The share carries the interval of :mod:`research.stats.proportions`.

The same file is recognised by its ``content_id`` (the default). With ``max_hash_distance`` set,
files whose PDQ hashes (``content_hash``) lie within that many bits are one content
(:mod:`research.takedowns.near_duplicates`), so a re-encoded re-upload under a new id counts as
re-emergence; ``match`` in the summary says which rule was used.

Vectorised: the first sightings of each file are sorted once and every removal finds the next
new domain with one ``searchsorted`` over a combined (file, time) key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.stats.proportions import proportion_intervals
from research.takedowns.near_duplicates import content_groups

SECONDS_PER_DAY = 86_400.0


def domain_sightings(table: pd.DataFrame) -> pd.DataFrame:
    """One row per file and domain: ``first_seen``, ``removed_at`` (earliest dated removal) and
    ``removed_undated`` (removed there, but no removal date recorded)."""
    frame = table[["content_id", "domain", "requested_at", "outcome"]].copy()
    removed = table["outcome"] == "removed"
    frame["removed_at"] = table["resolved_at"].where(removed)
    frame["undated"] = removed & table["resolved_at"].isna()
    grouped = frame.groupby(["content_id", "domain"], sort=True)
    out = pd.DataFrame({"first_seen": grouped["requested_at"].min(), "removed_at": grouped["removed_at"].min(), "undated": grouped["undated"].any()}).reset_index()
    out["removed_undated"] = out["undated"] & out["removed_at"].isna()
    return out.drop(columns="undated")


def reemergence_events(table: pd.DataFrame) -> pd.DataFrame:
    """Each removal of a file from a domain, with whether and how fast it reappeared on a new domain.

    Returns
    -------
    DataFrame
        ``content_id, domain, removed_at, reemerged`` (bool), ``days_to_reemergence`` (from the
        removal to the first report on a domain not seen before it; missing if none) and
        ``new_domain`` (that domain).
    """
    sightings = domain_sightings(table)
    file_code = pd.factorize(sightings["content_id"], sort=True)[0].astype(np.float64)
    seen_days = (sightings["first_seen"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy() / SECONDS_PER_DAY
    # Combined key: file code × span + day, so one sorted array holds every file's sightings in order.
    span = float(np.nanmax(seen_days) + 1e5) if len(seen_days) else 1.0
    seen_key = file_code * span + seen_days
    order = np.argsort(seen_key, kind="stable")
    sorted_key = seen_key[order]
    events = sightings[sightings["removed_at"].notna()].drop(columns="removed_undated").copy()
    event_code = file_code[events.index.to_numpy()]
    removed_days = (events["removed_at"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy() / SECONDS_PER_DAY
    position = np.searchsorted(sorted_key, event_code * span + removed_days, side="right")
    found = position < len(sorted_key)
    candidate = order[np.minimum(position, len(order) - 1)]
    found &= file_code[candidate] == event_code
    events["reemerged"] = found
    gap = (seen_days[candidate] - removed_days)
    events["days_to_reemergence"] = np.where(found, gap, np.nan)
    events["new_domain"] = pd.Series(np.where(found, sightings["domain"].to_numpy()[candidate], None), index=events.index, dtype="string")
    return events.drop(columns="first_seen").reset_index(drop=True)


SUMMARY_COLUMNS = ["group_kind", "group", "match", "method", "removals", "removals_undated", "reemerged", "share", "share_low", "share_high", "interval_method", "median_days"]


def reemergence_summary(events: pd.DataFrame, by: str | None = None, alpha: float = 0.05, undated: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of dated removals followed by re-emergence (with interval) and median days, overall or per ``by``.

    ``undated`` (the rows of :func:`domain_sightings` with ``removed_undated``) adds how many
    removals had no date per group; a group with none dated has ``method = "not_estimable"``.
    """
    undated = undated if undated is not None else pd.DataFrame(columns=["domain"])
    group = events[by].astype("string") if by else pd.Series("all", index=events.index)
    grouped = events.groupby(group.to_numpy(), sort=True)
    out = pd.DataFrame({"removals": grouped.size(), "reemerged": grouped["reemerged"].sum(), "median_days": grouped["days_to_reemergence"].median()})
    missing = (undated[by].astype("string") if by else pd.Series("all", index=undated.index)).value_counts()
    out = out.reindex(out.index.union(missing.index)).fillna({"removals": 0, "reemerged": 0})
    out.index.name = "group"
    out["removals_undated"] = missing.reindex(out.index, fill_value=0).to_numpy()
    out = out.astype({"removals": "int64", "reemerged": "int64", "removals_undated": "int64"})
    intervals = proportion_intervals(out["reemerged"].to_numpy(), out["removals"].to_numpy(), alpha=alpha)
    out["share"], out["share_low"], out["share_high"] = intervals.share, intervals.low, intervals.high
    out["interval_method"] = intervals.method
    out["method"] = np.where(out["removals"] > 0, "dated_removals", "not_estimable")
    out = out.reset_index()
    out.insert(0, "group_kind", by or "all")
    out["match"] = "content_id"
    return out[SUMMARY_COLUMNS]


def reemergence_table(table: pd.DataFrame, by: tuple[str, ...] = ("domain",), alpha: float = 0.05, max_hash_distance: int | None = None) -> pd.DataFrame:
    """Re-emergence overall and per grouping of ``by`` (columns :data:`SUMMARY_COLUMNS`).

    ``max_hash_distance`` (e.g. :data:`research.takedowns.near_duplicates.PDQ_MATCH_DISTANCE`)
    matches files by their PDQ ``content_hash`` within that Hamming distance; ``None`` (the
    default) matches by ``content_id`` only.
    """
    match = "content_id"
    if max_hash_distance is not None:
        table = table.assign(content_id=content_groups(table, max_hash_distance))
        match = f"content_hash_within_{max_hash_distance}_bits"
    events = reemergence_events(table)
    sightings = domain_sightings(table)
    undated = sightings[sightings["removed_undated"]]
    parts = [reemergence_summary(events, None, alpha, undated)] + [reemergence_summary(events, b, alpha, undated) for b in by if b in events.columns]
    out = pd.concat(parts, ignore_index=True)
    out["match"] = match
    return out[SUMMARY_COLUMNS]
