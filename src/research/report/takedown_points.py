"""The real takedown sources in the bulletin: Google Transparency Report outcomes and the Lumen sample.

Google publishes, per half-year, country and kind of requester, the number of items governments
asked it to remove and the *share* of them per outcome, rounded to whole percents (a blank share
means zero). Items per outcome are therefore estimates; their range here is what the rounding
allows: each non-zero published share could be up to half a percentage point lower or higher. That
is a bound from the publication, not a sampling interval (the figures are Google's complete
counts, not a sample).

The Lumen sample is described, never turned into a removal rate: Lumen records notices, not
whether anything was removed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.clean.google_transparency import OUTCOME_OF_SHARE
from research.i18n import message
from research.report.featured import period_label
from research.report.findings import DOMAIN, format_number, format_share
from research.report.mainpoints import MainPoint

#: Half a percentage point: the most a share rounded to a whole percent can be off.
ROUNDING = 0.5
OUTCOMES = ("removed", "online", "unknown")
#: Google's own aggregates, obtained through a compiled public copy (github.com, tier 2).
GOOGLE_TIER = 2


@dataclass(frozen=True)
class GoogleOutcomes:
    """The outcome table (all countries and periods) and its headline sentence."""

    table: pd.DataFrame
    point: MainPoint


def outcome_ranges(removals: pd.DataFrame) -> pd.DataFrame:
    """Estimated items per mapped outcome with the range the published rounding allows.

    Returns one row per outcome: ``outcome, items_estimated, items_low, items_high, items_total,
    share, share_low, share_high``.
    """
    items = pd.to_numeric(removals["items"], errors="coerce").fillna(0).to_numpy(dtype=float)
    total = float(items.sum())
    rows = []
    for outcome in OUTCOMES:
        columns = [c for c, mapped in OUTCOME_OF_SHARE.items() if mapped == outcome and c in removals.columns]
        shares = removals[columns].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float)
        estimate = float((items[:, None] * shares / 100).sum())
        # A blank (zero) share is exact; a non-zero one is rounded, so it is off by at most 0.5.
        slack = np.where(shares > 0, ROUNDING, 0.0)
        low = float((items[:, None] * np.clip(shares - slack, 0, 100) / 100).sum())
        high = float((items[:, None] * np.clip(shares + slack, 0, 100) / 100).sum())
        rows.append({"outcome": outcome, "items_estimated": round(estimate), "items_low": round(low), "items_high": round(high), "items_total": round(total),
                     "share": estimate / total if total else np.nan, "share_low": low / total if total else np.nan, "share_high": high / total if total else np.nan})
    return pd.DataFrame(rows)


def outcome_display(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`outcome_ranges` as a page shows it: headers and outcomes in ``lang``, numbers in its format.

    The CSV under ``reports/tables/`` keeps the table itself (its column names are the contract).
    """
    shown = pd.DataFrame({"outcome": [message(DOMAIN, f"google_outcome_{o}", lang) for o in table["outcome"]]})
    for column in table.columns.drop("outcome"):
        as_text = (lambda v: format_share(v, lang)) if column.startswith("share") else (lambda v: format_number(v, lang))
        shown[column] = [as_text(float(v)) if pd.notna(v) else "—" for v in table[column]]
    return shown.rename(columns={c: message(DOMAIN, f"google_col_{c}", lang) for c in shown.columns})


def google_outcomes(removals: pd.DataFrame | None, lang: str = "en") -> GoogleOutcomes | None:
    """The table and sentence for Google's government removal requests; ``None`` without data."""
    if removals is None or removals.empty or "items" not in removals.columns:
        return None
    table = outcome_ranges(removals)
    by = table.set_index("outcome")
    start, end = str(removals["period_start"].min())[:10], str(removals["period_end"].max())[:10]
    period = period_label((start, end), lang)
    requests = int(pd.to_numeric(removals["requests"], errors="coerce").fillna(0).sum())
    removed, online = by.loc["removed"], by.loc["online"]
    text = message(DOMAIN, "mp_google", lang, requests=format_number(requests, lang), items=format_number(removed["items_total"], lang), period=period,
                   share=format_share(removed["share"], lang), low=format_share(removed["share_low"], lang), high=format_share(removed["share_high"], lang),
                   online=format_share(online["share"], lang))
    point = MainPoint(
        key="google-outcomes", topic="takedowns", text=text, counted=message(DOMAIN, "counted_google_items", lang), counted_by="Google",
        tier=GOOGLE_TIER, period=period, period_end=end, numbers=(format_share(removed["share"], lang),),
    )
    return GoogleOutcomes(table, point)


def lumen_summary(notices: pd.DataFrame | None, lang: str = "en") -> str | None:
    """How many notices, URLs and sites the public Lumen sample holds, and over which dates."""
    if notices is None or notices.empty or not {"request_id", "url_id", "domain"} <= set(notices.columns):
        return None
    dates = pd.to_datetime(notices.get("requested_at"), errors="coerce", utc=True).dropna()
    period = period_label((str(dates.min().date()), str(dates.max().date())), lang) if len(dates) else ""
    return message(DOMAIN, "takedown_lumen_summary", lang, notices=format_number(notices["request_id"].nunique(), lang),
                   urls=format_number(notices["url_id"].nunique(), lang), domains=format_number(notices["domain"].nunique(), lang), period=period)
