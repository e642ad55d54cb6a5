"""The most recent check of each URL: which row of a takedown log holds it.

A takedown log has one row per URL per request and check; the funnel, the survival times and the
networks all read the latest check of each URL. Choosing it is a property of the log, not of any
one analysis, so it lives here, below them all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def latest_positions(
    table: pd.DataFrame,
    keys: tuple[str, ...] = ("content_id", "url_id"),
    order_by: tuple[str, ...] = ("checked_at", "requested_at", "row_number"),
    missing: str = "last",
) -> np.ndarray:
    """Positions (ascending) of the rows that hold each ``keys`` group's most recent check.

    The same choice as a stable sort by ``keys`` then ``order_by`` keeping the last row of each
    group, a missing time sorting ``missing`` (``"last"`` or ``"first"``); but only the groups with
    more than one row are sorted (in a takedown log most URLs are reported once), on integer codes.
    Columns of ``order_by`` that the table lacks are skipped; the input order breaks the last ties.
    """
    group = _pair_codes([table[k] for k in keys])
    repeated = pd.Series(group).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return np.arange(len(table))
    rows = np.flatnonzero(repeated)
    sort_keys = [rows]  # np.lexsort: the last key is the primary one
    for column in reversed([c for c in order_by if c in table.columns]):
        values = table[column].iloc[rows]
        sort_keys.append(values.to_numpy(dtype=np.int64) if column == "row_number" else _sortable_times(values, missing))
    order = rows[np.lexsort((*sort_keys, group[rows]))]
    last = np.r_[group[order][1:] != group[order][:-1], True]
    return np.sort(np.r_[np.flatnonzero(~repeated), order[last]])


def _pair_codes(columns: list[pd.Series]) -> np.ndarray:
    """One int64 code per distinct combination of the columns' values."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return combined


def _sortable_times(values: pd.Series, missing: str) -> np.ndarray:
    """Timestamps as int64 microseconds; a missing or unreadable time sorts ``missing`` (first or last)."""
    micros = pd.to_datetime(values, utc=True, errors="coerce").dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)
    return micros if missing == "first" else np.where(micros == np.iinfo(np.int64).min, np.iinfo(np.int64).max, micros)
