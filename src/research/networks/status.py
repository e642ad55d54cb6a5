"""One row per reported URL with its latest outcome: the unit every network measure counts.

A takedown log has one row per reported URL *per request*; a URL reported twice appears twice.
The networks count URLs, so each URL keeps the outcome of its most recent check (the state a
researcher would see today). Outcomes ``pending`` and ``unknown`` are kept but are not *decided*:
non-removal rates are ``online / (removed + online)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research.clean.arrow_text import as_bool, distinct_trimmed, to_arrow, to_series, trim_text
from research.clean.latest import latest_positions
from research.clean.pseudonyms import pseudonym_numbers
from research.clean.takedown_schema import empty_clean_table
from research.errors import ParseError, SchemaError
from research.reducers import Reducer, declare

REQUIRED_COLUMNS: tuple[str, ...] = ("content_id", "url_id", "domain", "outcome")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "site",
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
        empty = as_bool(pc.equal(trim_text(to_arrow(log[column])), ""))  # a missing value trims to ""
        if empty.any():
            first = _first_row(empty, row_numbers)
            raise ParseError("empty value", file=source, row=int(row_numbers[first]), column=column, value=log[column].iloc[first])
    bad = ~log["outcome"].isin(OUTCOMES).to_numpy()
    if bad.any():
        first = _first_row(bad, row_numbers)
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


def _first_row(mask: np.ndarray, row_numbers: np.ndarray) -> int:
    """Position of the flagged row that comes first in the log (smallest row number), in any row order."""
    flagged = np.flatnonzero(mask)
    return int(flagged[np.argmin(row_numbers[flagged])])


def any_synthetic(parts: Sequence[bool | None]) -> bool:
    """Whether any partition of a log holds a synthetic row."""
    return any(bool(p) for p in parts)


#: :func:`is_synthetic` over any partitions of a log: true if it is true of one of them.
SYNTHETIC = declare(Reducer("synthetic", "url_id", is_synthetic, any_synthetic, bool))


def latest_url_status(log: pd.DataFrame, source: str | None = None, unit: str = "site") -> pd.DataFrame:
    """Collapse a takedown log to one row per URL, keeping its most recent check.

    The network's hosting nodes are **sites** by default: the ``domain`` column of the result
    holds the log's ``site`` (registrable domain with the Public Suffix List's private section,
    so ``alice.blogspot.com`` and ``bob.blogspot.com`` are two nodes) and ``icann_domain`` the
    log's ``domain``. ``unit="domain"``, or a log without ``site``, keeps ICANN domains as nodes.

    A URL's kept row is its latest ``checked_at`` (a missing one counts as the earliest); ties go
    to the latest ``requested_at``, then to the row that comes last in the log (``row_number``,
    or the input order for a table without it), so a shuffled log gives the same result.

    Parameters
    ----------
    log
        Cleaned takedown log; optional columns may be absent.
    source
        File name used in error messages.
    unit
        ``"site"`` (default) or ``"domain"``: what a hosting node is.

    Returns
    -------
    DataFrame
        One row per ``url_id``, sorted by ``url_id``, with the contract's columns, ``requests``
        (how many times the URL was reported), ``decided`` (removed or online) and ``non_removed``
        (online at the last check). Empty provider/country/channel become ``"(not recorded)"``.
    """
    check_log(log, source)
    url_codes = sorted_codes(log["url_id"])
    # The latest check wins; requested_at, then the log's order (row_number, else the input
    # order) break ties, so the choice does not depend on how the rows were shuffled.
    positions = latest_positions(log, keys=("url_id",), order_by=("checked_at", "requested_at", "row_number"), missing="first")
    positions = positions[np.argsort(url_codes[positions], kind="stable")]  # sorted by url_id
    requests = np.bincount(url_codes)[url_codes[positions]]
    index = pd.RangeIndex(len(positions))

    def latest(column: str) -> pd.Series:  # one column at a time: no second copy of the whole log
        return log[column].iloc[positions].reset_index(drop=True)

    if unit not in ("site", "domain"):
        raise ValueError(f"unit must be 'site' or 'domain', not {unit!r}")
    node = "site" if unit == "site" and "site" in log.columns and log["site"].notna().all() else "domain"
    out = pd.DataFrame({"url_id": latest("url_id").astype(str), "content_id": latest("content_id").astype(str), "domain": _folded(latest(node)), "outcome": latest("outcome")})
    out["icann_domain"] = out["domain"] if node == "domain" else _folded(latest("domain"))
    for column in CATEGORY_COLUMNS:
        out[column] = _recorded(latest(column)) if column in log.columns else pd.Series(NOT_RECORDED, index=index, dtype=str)
    out["asn"] = _as_text(latest("asn")) if "asn" in log.columns else pd.Series(pd.NA, index=index, dtype="string")
    for column in ("requested_at", "checked_at", "resolved_at"):
        values = latest(column) if column in log.columns else pd.Series(pd.NaT, index=index)
        out[column] = pd.to_datetime(values, utc=True, errors="coerce")
    out["synthetic"] = synthetic_flags(latest("synthetic")) if "synthetic" in log.columns else False
    out["requests"] = requests.astype(np.int64)
    out["decided"] = out["outcome"].isin(["removed", "online"])
    out["non_removed"] = out["outcome"].eq("online")
    return out


#: Columns of a cleaned log that :func:`latest_url_status` reads (``row_number``: the log's order breaks ties).
INPUT_COLUMNS: tuple[str, ...] = ("row_number", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)


def partition_status(part: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """:func:`latest_url_status` of one partition of a log, its rows in any order.

    Ties are broken by ``row_number``, so the partition needs no sorting (sorting a 1M-row
    partition by it took 0.9 s of a 6 s status task at 100M rows).
    """
    return latest_url_status(part, source)


def combine_status(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame | None:
    """The URL status of the union of partitions disjoint in ``url_id``: their rows, sorted by ``url_id``."""
    found = [p for p in parts if p is not None and len(p)]
    if not found:
        return None
    return pd.concat(found, ignore_index=True).sort_values("url_id", kind="mergesort").reset_index(drop=True)


def _status_or_empty(status: pd.DataFrame | None, source: str | None = None) -> pd.DataFrame:
    return latest_url_status(empty_clean_table(), source) if status is None else status


#: One row per URL over partitions of a log disjoint in ``url_id``: each URL's latest check is in its partition.
URL_STATUS = declare(Reducer("url_status", "url_id", partition_status, combine_status, _status_or_empty))


def _folded(values: pd.Series) -> pd.Series:
    """Domains trimmed and lower-cased (Arrow's Unicode rules), once per distinct domain."""
    encoded = pc.dictionary_encode(to_arrow(values))
    folded = pc.utf8_lower(pc.utf8_trim_whitespace(encoded.dictionary)).take(encoded.indices)
    return to_series(folded, values.index).astype(str)


def _recorded(values: pd.Series) -> pd.Series:
    """A provider, country or channel column with blanks as ``(not recorded)``, once per distinct value."""
    codes, uniques = distinct_trimmed(values.astype("string"))
    table = pa.array([u or NOT_RECORDED for u in uniques] + [NOT_RECORDED], type=pa.large_string())
    return to_series(table.take(pa.array(np.where(codes < 0, len(uniques), codes))), values.index).astype(str)


def sorted_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort as the text of ``values`` does (equal values, equal codes).

    Pseudonyms are read as the 64-bit numbers they spell, whose order is their text's order;
    this avoids sorting millions of strings. Other text is factorised.
    """
    numbers = pseudonym_numbers(values)
    if numbers is not None:
        return np.unique(numbers, return_inverse=True)[1].astype(np.int64)
    return pd.factorize(values.astype(str), sort=True)[0].astype(np.int64)


def _as_text(values: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(values)
    table = pd.array([*pd.Series(uniques, dtype=values.dtype).astype("string"), None], dtype="string")
    return pd.Series(table.take(codes), index=values.index, dtype="string")
