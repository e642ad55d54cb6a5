"""Clean a takedown log in the documented format: one row per reported URL per request.

``clean_takedown_log`` turns text columns into the contract of ``takedowns.parquet``: the URL is
normalised and replaced by its keyed pseudonym ``url_id`` plus its registrable ``domain``; words
for outcomes and channels are mapped to the vocabulary; timestamps are read as UTC; countries as
ISO alpha-2. A row with any value that cannot be read goes to the quarantine table, one line per
problem (row number, column, value, reason); a URL is never shown there, only its pseudonym or
domain. Rows in = rows out + rows quarantined, always.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.clean.channels import map_channels
from research.clean.outcomes import OUTCOMES, map_outcomes
from research.clean.pseudonyms import pseudonymise
from research.clean.takedown_fields import implausible_dates, parse_asns, parse_countries, parse_timestamps
from research.clean.takedown_schema import (
    CLEAN_COLUMNS,
    CLEAN_TAKEDOWNS_SCHEMA,
    LOG_COLUMNS,
    QUARANTINE_COLUMNS,
    REQUIRED_COLUMNS,
)
from research.clean.urls import normalise_urls
from research.errors import SchemaError


@dataclass(frozen=True)
class CleanedLog:
    """What cleaning one log produced.

    Attributes
    ----------
    table
        Rows that passed, in the contract of ``takedowns.parquet``.
    quarantine
        One line per problem: ``row_number, column, value, reason``.
    quality
        ``metric, value`` pairs: rows in/out/quarantined, counts per reason and outcome.
    """

    table: pd.DataFrame
    quarantine: pd.DataFrame
    quality: pd.DataFrame


def _mask(values) -> np.ndarray:
    return np.asarray(pd.Series(values).fillna(False), dtype=bool)


def clean_takedown_log(
    raw: pd.DataFrame,
    *,
    key: bytes,
    synthetic: bool = False,
    source: str = "log",
    outcome_words: Mapping[str, str] | None = None,
    channel_words: Mapping[str, str] | None = None,
    timezone: str = "UTC",
) -> CleanedLog:
    """Clean a log whose columns already carry the documented names.

    Parameters
    ----------
    raw
        Text columns :data:`~research.clean.takedown_schema.LOG_COLUMNS` (optional ones may be
        absent) and, optionally, ``row_number`` (1-based; defaults to the position).
    key
        HMAC key for the URL pseudonyms (:func:`research.clean.pseudonyms.load_key`).
    synthetic
        Marks every row as coming from the synthetic generator.
    source
        File name used in error messages.
    outcome_words, channel_words
        An organisation's own words, ``{word: category}``, added to the built-in vocabularies.
    timezone
        Zone of timestamps written without an offset.

    Raises
    ------
    SchemaError
        A required column is missing.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"missing required column(s) {', '.join(missing)}; a log needs {', '.join(REQUIRED_COLUMNS)} "
            "(or a mapping file naming its own columns)",
            file=source,
            column=missing[0],
        )
    n = len(raw)
    frame = raw.reset_index(drop=True)
    row_number = frame["row_number"].astype("int64") if "row_number" in frame.columns else pd.Series(np.arange(1, n + 1), dtype="int64")
    text = {c: (frame[c].astype("string").str.strip() if c in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")) for c in LOG_COLUMNS}
    problems: list[pd.DataFrame] = []

    def flag(mask, column: str, reason: str, shown: pd.Series | None = None) -> None:
        mask = _mask(mask)
        if mask.any():
            values = (shown if shown is not None else text[column])[mask]
            problems.append(pd.DataFrame({"row_number": row_number[mask].to_numpy(), "column": column, "value": values.astype("string").fillna("").to_numpy(), "reason": reason}))

    for column in ("request_id", "content_id"):
        flag(text[column].isna() | (text[column] == ""), column, "missing value")

    urls = normalise_urls(text["url"])
    url_id = pseudonymise(urls["url_normalised"], key)
    # The quarantine may show a bad URL's pseudonym (of the raw text) but never the text itself.
    bad_url = urls["reason"].notna()
    raw_pseudonym = pd.Series("", index=frame.index, dtype="string")
    raw_pseudonym[bad_url] = ("hmac:" + pseudonymise(text["url"][bad_url], key)).fillna("")
    for reason in sorted(urls["reason"].dropna().unique()):
        flag(urls["reason"] == reason, "url", f"url {reason}".replace("_", " "), shown=raw_pseudonym)

    stamps = {}
    for column in ("requested_at", "checked_at", "resolved_at"):
        stamps[column], bad = parse_timestamps(text[column], timezone)
        flag(bad, column, "unreadable timestamp")
        flag(implausible_dates(stamps[column]), column, "date before 1990 or in the future")
        if column != "resolved_at":
            flag(text[column].isna() | (text[column] == ""), column, "missing value")
    flag(stamps["checked_at"] < stamps["requested_at"], "checked_at", "checked before requested")
    flag(stamps["resolved_at"] < stamps["requested_at"], "resolved_at", "resolved before requested")

    outcome = map_outcomes(text["outcome"], outcome_words)
    flag(outcome["is_blank"], "outcome", "missing value")
    flag(outcome["is_unknown"], "outcome", "unknown outcome word")
    channel = map_channels(text["channel"], channel_words)
    flag(channel["is_unknown"], "channel", "unknown channel word")
    country, bad_country = parse_countries(text["country"])
    flag(bad_country, "country", "unknown country")
    asn, bad_asn = parse_asns(text["asn"])
    flag(bad_asn, "asn", "unreadable AS number")

    # One row per URL per request: later repeats of a (request, URL) pair are quarantined.
    repeated = pd.DataFrame({"r": text["request_id"], "u": url_id}).duplicated(keep="first") & url_id.notna() & text["request_id"].notna()
    flag(repeated, "url", "duplicate URL within request", shown=url_id)

    quarantine = (
        pd.concat(problems, ignore_index=True).astype({"row_number": "int64"})
        if problems
        else pd.DataFrame({c: pd.Series(dtype="int64" if c == "row_number" else "string") for c in QUARANTINE_COLUMNS})
    ).sort_values(["row_number", "column", "reason"], kind="mergesort").reset_index(drop=True)
    bad_rows = row_number.isin(quarantine["row_number"]).to_numpy()
    keep = ~bad_rows

    hosting = text["hosting_provider"].mask(text["hosting_provider"] == "")
    table = pd.DataFrame(
        {
            "row_number": row_number,
            "request_id": text["request_id"],
            "content_id": text["content_id"],
            "url_id": url_id,
            "domain": urls["domain"].astype("string"),
            "is_ip": urls["is_ip"].astype(bool),
            **stamps,
            "outcome": outcome["category"],
            "channel": channel["category"],
            "hosting_provider": hosting,
            "asn": asn,
            "country": country,
            "synthetic": np.full(n, synthetic, dtype=bool),
        }
    )[keep].reset_index(drop=True)[list(CLEAN_COLUMNS)]
    table = CLEAN_TAKEDOWNS_SCHEMA.validate(table)
    return CleanedLog(table, quarantine, quality_table(n, table, quarantine, synthetic))


def quality_table(rows_in: int, table: pd.DataFrame, quarantine: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """``metric, value`` lines describing one cleaning run (rows in = rows out + quarantined)."""
    rows_quarantined = int(quarantine["row_number"].nunique())
    metrics: list[tuple[str, object]] = [
        ("rows_in", rows_in),
        ("rows_out", len(table)),
        ("rows_quarantined", rows_quarantined),
        ("rows_balance_ok", rows_in == len(table) + rows_quarantined),
        ("synthetic", synthetic),
        ("files", table["content_id"].nunique()),
        ("requests", table["request_id"].nunique()),
        ("urls", table["url_id"].nunique()),
        ("domains", table["domain"].nunique()),
        ("ip_hosts", int(table["is_ip"].sum())),
    ]
    metrics += [(f"outcome_{o}", int((table["outcome"] == o).sum())) for o in OUTCOMES]
    metrics += [
        ("removed_without_resolved_at", int(((table["outcome"] == "removed") & table["resolved_at"].isna()).sum())),
        ("resolved_at_but_not_removed", int(((table["outcome"] != "removed") & table["resolved_at"].notna()).sum())),
        ("channel_blank", int(table["channel"].isna().sum())),
        ("country_blank", int(table["country"].isna().sum())),
        ("hosting_provider_blank", int(table["hosting_provider"].isna().sum())),
    ]
    reasons = quarantine.groupby(["column", "reason"], sort=True).size()
    metrics += [(f"quarantine: {column}: {reason}", int(count)) for (column, reason), count in reasons.items()]
    return pd.DataFrame(metrics, columns=["metric", "value"]).astype({"value": "string"})
