"""One row per reported URL with its latest outcome: the unit every network measure counts.

A takedown log has one row per reported URL *per request*; a URL reported twice appears twice.
The networks count URLs, so each URL keeps the outcome of its most recent check (the state a
researcher would see today). Outcomes ``pending`` and ``unknown`` are kept but are not *decided*:
non-removal rates are ``online / (removed + online)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.errors import ParseError, SchemaError

REQUIRED_COLUMNS: tuple[str, ...] = ("content_id", "url_id", "domain", "outcome")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "channel",
    "hosting_provider",
    "asn",
    "country",
    "requested_at",
    "checked_at",
    "resolved_at",
    "synthetic",
)
OUTCOMES: tuple[str, ...] = ("removed", "online", "pending", "unknown")
#: Label used when a log leaves a provider, country or channel empty (kept visible, never guessed).
NOT_RECORDED = "(not recorded)"
CATEGORY_COLUMNS: tuple[str, ...] = ("channel", "hosting_provider", "country")


def check_log(log: pd.DataFrame, source: str | None = None) -> None:
    """Raise a clear error if ``log`` lacks a required column or holds a value the networks cannot use.

    Parameters
    ----------
    log
        A cleaned takedown log (``takedowns.parquet`` contract in ``docs/CONTRACTS.md``).
    source
        File name used in error messages.

    Raises
    ------
    SchemaError
        A required column is missing.
    ParseError
        An outcome outside the vocabulary, or an empty ``domain``/``content_id``/``url_id``; the
        error names the first such row (1-based, or the log's own ``row_number``).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in log.columns]
    if missing:
        raise SchemaError(f"missing column(s) {', '.join(missing)}", file=source, column=missing[0])
    row_numbers = log["row_number"].to_numpy() if "row_number" in log.columns else np.arange(1, len(log) + 1)
    for column in ("content_id", "url_id", "domain"):
        empty = log[column].isna().to_numpy() | (log[column].astype("string").str.strip() == "").fillna(True).to_numpy()
        if empty.any():
            first = int(np.flatnonzero(empty)[0])
            raise ParseError("empty value", file=source, row=int(row_numbers[first]), column=column, value=log[column].iloc[first])
    bad = ~log["outcome"].isin(OUTCOMES).to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ParseError(
            f"outcome must be one of {', '.join(OUTCOMES)}",
            file=source,
            row=int(row_numbers[first]),
            column="outcome",
            value=log["outcome"].iloc[first],
        )


def synthetic_flags(values: pd.Series) -> pd.Series:
    """Read a ``synthetic`` column written as bool or as text (``true``/``false``, ``1``/``0``)."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool)
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "yes"]).fillna(False).astype(bool)


def is_synthetic(log: pd.DataFrame) -> bool:
    """True if any row of the log comes from the synthetic generator."""
    return bool("synthetic" in log.columns and synthetic_flags(log["synthetic"]).any())


def latest_url_status(log: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Collapse a takedown log to one row per URL, keeping its most recent check.

    Parameters
    ----------
    log
        Cleaned takedown log; optional columns may be absent.
    source
        File name used in error messages.

    Returns
    -------
    DataFrame
        One row per ``url_id``, sorted by ``url_id``, with the contract's columns, ``requests``
        (how many times the URL was reported), ``decided`` (removed or online) and ``non_removed``
        (online at the last check). Empty provider/country/channel become ``"(not recorded)"``.
    """
    check_log(log, source)
    frame = log.copy()
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    for column in ("requested_at", "checked_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, errors="coerce")
    for column in CATEGORY_COLUMNS:
        text = frame[column].astype("string").str.strip()
        frame[column] = text.mask(text.isna() | (text == ""), NOT_RECORDED).astype(str)
    frame["asn"] = frame["asn"].astype("string")
    frame["content_id"] = frame["content_id"].astype(str)
    frame["url_id"] = frame["url_id"].astype(str)
    frame["domain"] = frame["domain"].astype(str).str.strip().str.lower()
    frame["synthetic"] = synthetic_flags(frame["synthetic"])
    requests = frame.groupby("url_id", sort=True).size().rename("requests")
    # The latest check wins; requested_at and the input order break ties so the choice is stable.
    frame["_order"] = np.arange(len(frame))
    frame = frame.sort_values(["url_id", "checked_at", "requested_at", "_order"], na_position="first", kind="mergesort")
    latest = frame.drop_duplicates("url_id", keep="last").drop(columns="_order").set_index("url_id")
    latest = latest.join(requests).reset_index()
    latest["decided"] = latest["outcome"].isin(["removed", "online"])
    latest["non_removed"] = latest["outcome"].eq("online")
    columns = ["url_id", "content_id", "domain", "outcome", *CATEGORY_COLUMNS, "asn", "requested_at", "checked_at", "resolved_at", "synthetic", "requests", "decided", "non_removed"]
    return latest[columns].sort_values("url_id", kind="mergesort").reset_index(drop=True)
