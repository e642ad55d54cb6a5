"""Re-emergence: a file removed from one site that turns up on a new site afterwards.

For each file and domain the log gives when the file was first reported there (``first_seen``,
the earliest request) and, if it was removed there, when (``removed_at``, the earliest removal;
the last check when no removal date was recorded). A removal *re-emerges* when the same file is
later reported on a domain where it had not been seen before. Counted per removal event, so a
domain's rate reads "of the files removed from this site, the share that reappeared elsewhere".

Vectorised: the first sightings of each file are sorted once and every removal finds the next
new domain with one ``searchsorted`` over a combined (file, time) key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

SECONDS_PER_DAY = 86_400.0


def domain_sightings(table: pd.DataFrame) -> pd.DataFrame:
    """One row per file and domain: ``first_seen`` and ``removed_at`` (missing if never removed there)."""
    frame = table[["content_id", "domain", "requested_at", "outcome"]].copy()
    removal = table["resolved_at"].where(table["resolved_at"].notna(), table["checked_at"])
    frame["removed_at"] = removal.where(table["outcome"] == "removed")
    grouped = frame.groupby(["content_id", "domain"], sort=True)
    return pd.DataFrame({"first_seen": grouped["requested_at"].min(), "removed_at": grouped["removed_at"].min()}).reset_index()


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
    events = sightings[sightings["removed_at"].notna()].copy()
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


def reemergence_summary(events: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of removals followed by re-emergence (Wilson interval) and median days, overall or per ``by``."""
    group = events[by].astype("string") if by else pd.Series("all", index=events.index)
    grouped = events.groupby(group.to_numpy(), sort=True)
    out = pd.DataFrame(
        {
            "removals": grouped.size(),
            "reemerged": grouped["reemerged"].sum().astype("int64"),
            "median_days": grouped["days_to_reemergence"].median(),
        }
    )
    out.index.name = "group"
    low, high = proportion_confint(out["reemerged"].to_numpy(), out["removals"].to_numpy(), alpha=alpha, method="wilson")
    out["share"] = out["reemerged"] / out["removals"]
    out["share_low"], out["share_high"] = low, high
    out = out.reset_index()
    out.insert(0, "group_kind", by or "all")
    return out[["group_kind", "group", "removals", "reemerged", "share", "share_low", "share_high", "median_days"]]
