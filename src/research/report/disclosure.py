"""Disclosure control: applied to every table before it is written to ``reports/``.

Rules (issue 6):

* nothing below domain level — a cell holding a URL with a path, or an e-mail address, stops the
  export with a :class:`~research.errors.PrivacyError`;
* in tables derived from a takedown log (private data) counts under
  :data:`research.config.SUPPRESSION_THRESHOLD` are shown as ``"<10"``, never as 0; a rate whose
  numerator or denominator is suppressed is suppressed too (otherwise the count could be recovered);
* rates on :data:`research.config.UNSTABLE_DENOMINATOR` cases or fewer are flagged unstable;
* already-published public statistics are shown exactly as published;
* tables made from synthetic data carry a ``synthetic`` watermark column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from research.config import SUPPRESSION_THRESHOLD, UNSTABLE_DENOMINATOR
from research.errors import ParseError, PrivacyError

Origin = Literal["public", "takedown_log"]

#: A URL that goes beyond its host: scheme (or www.) + host + "/" + at least one more character.
URL_WITH_PATH = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s/?#]+[/?#][^\s\"',;)]+")
EMAIL = re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
WATERMARK_COLUMN = "synthetic"
WATERMARK_VALUE = "synthetic — illustrative"


@dataclass(frozen=True)
class DisclosedTable:
    """A table that has passed disclosure control, with what was done to it.

    Attributes
    ----------
    frame
        The table as it may be published.
    origin
        ``"public"`` (shown as published) or ``"takedown_log"`` (suppressed and flagged).
    synthetic
        Whether the table was made from synthetic data (then it carries a watermark column).
    suppressed_cells
        How many cells were replaced by ``"<threshold"`` or blanked as a recoverable rate.
    """

    frame: pd.DataFrame
    origin: Origin
    synthetic: bool
    suppressed_cells: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def suppressed_label(threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """The text shown instead of a small count, e.g. ``"<10"``."""
    return f"<{threshold}"


def check_domain_level(table: pd.DataFrame, *, allowed: Sequence[str] = (), name: str = "table") -> None:
    """Refuse a table that holds anything below domain level.

    Parameters
    ----------
    table
        Any table about to be exported.
    allowed
        Column names whose URLs are citations of public sources (e.g. ``source_url``), not data.
    name
        Shown in the error.

    Raises
    ------
    PrivacyError
        Naming the table, column and 1-based row; the offending value itself is never echoed.
    """
    for column in table.columns:
        if column in allowed:
            continue
        values = table[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("string").fillna("")
        for pattern, what in ((URL_WITH_PATH, "a URL with a path"), (EMAIL, "an e-mail address")):
            hits = text.str.contains(pattern, regex=True)
            if hits.any():
                row = int(hits.to_numpy().nonzero()[0][0]) + 1
                raise PrivacyError(f"{name}: column {column!r}, row {row} holds {what}; only domains may be exported")


def suppress_counts(
    table: pd.DataFrame, count_columns: Sequence[str], threshold: int = SUPPRESSION_THRESHOLD
) -> tuple[pd.DataFrame, int]:
    """Show counts under ``threshold`` (zero included) as ``"<threshold>"``.

    Returns the new table (count columns become text: integers written without decimals, missing
    values left empty) and the number of cells suppressed.
    """
    out = table.copy()
    label = suppressed_label(threshold)
    suppressed = 0
    for column in count_columns:
        numbers = _counts_of(out[column], column, label)
        small = numbers.notna() & (numbers < threshold)
        suppressed += int(small.sum())
        shown = numbers.map(lambda v: "" if pd.isna(v) else f"{int(v)}" if float(v).is_integer() else f"{v}")
        already = out[column].astype("string").fillna("") == label
        out[column] = shown.where(~small, label).where(~already, label).astype(object)
    return out, suppressed


def _counts_of(values: pd.Series, column: str, label: str) -> pd.Series:
    """Numbers of a count column; cells already suppressed (``label``) become missing."""
    text = values.astype("string")
    numbers = pd.to_numeric(values.where(text != label), errors="coerce")
    bad = numbers.isna() & values.notna() & (text != label) & (text.str.strip() != "")
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ParseError("not a count", column=column, row=row + 1, value=values.iloc[row])
    return numbers


def flag_unstable(
    table: pd.DataFrame, rates: Mapping[str, str], limit: int = UNSTABLE_DENOMINATOR
) -> pd.DataFrame:
    """Add ``<rate>_unstable`` (bool) for each rate whose denominator is ``limit`` or fewer.

    Parameters
    ----------
    rates
        Maps each rate column to the column holding its denominator (number of cases).
    """
    out = table.copy()
    for rate, denominator in rates.items():
        out[f"{rate}_unstable"] = pd.to_numeric(table[denominator], errors="coerce").fillna(0) <= limit
    return out


def disclose(
    table: pd.DataFrame,
    *,
    origin: Origin,
    synthetic: bool = False,
    count_columns: Sequence[str] = (),
    rates: Mapping[str, tuple[str | None, str]] | None = None,
    allowed_url_columns: Sequence[str] = (),
    name: str = "table",
    threshold: int = SUPPRESSION_THRESHOLD,
    unstable_limit: int = UNSTABLE_DENOMINATOR,
) -> DisclosedTable:
    """Apply every disclosure rule to ``table`` and return what may be published.

    Parameters
    ----------
    table
        The table to publish.
    origin
        ``"public"``: already-published statistics, shown as published (only the domain-level
        check applies). ``"takedown_log"``: counts suppressed, rates flagged and, where a count
        they rest on is suppressed, blanked.
    synthetic
        Adds the watermark column ``synthetic`` so the table cannot pass for real data.
    count_columns
        Columns holding counts of cases, URLs or files.
    rates
        ``{rate_column: (numerator_column or None, denominator_column)}``; interval columns named
        ``<rate>_low`` / ``<rate>_high`` are blanked with their rate.
    allowed_url_columns
        Columns that cite public sources by URL and are exempt from the domain-level check.
    """
    if origin not in ("public", "takedown_log"):
        raise ValueError(f"origin must be 'public' or 'takedown_log', not {origin!r}")
    check_domain_level(table, allowed=allowed_url_columns, name=name)
    out = table.copy()
    suppressed = 0
    notes: list[str] = []
    if origin == "takedown_log":
        rates = dict(rates or {})
        label = suppressed_label(threshold)
        # An already-suppressed count ("<10") is missing here, and counts as small: fillna(0).
        numbers = {c: _counts_of(table[c], c, label).fillna(0) for c in {*count_columns, *(n for n, _ in rates.values() if n), *(d for _, d in rates.values())}}
        for rate, (numerator, denominator) in rates.items():
            hidden = numbers[denominator] < threshold
            if numerator:
                hidden |= numbers[numerator] < threshold
            out[f"{rate}_unstable"] = numbers[denominator] <= unstable_limit
            for column in (rate, f"{rate}_low", f"{rate}_high"):
                if column in out.columns:
                    suppressed += int((hidden & out[column].notna()).sum())
                    out[column] = out[column].astype(object).where(~hidden, "")
        out, n_counts = suppress_counts(out, count_columns, threshold)
        suppressed += n_counts
        notes.append(f"counts under {threshold} shown as {suppressed_label(threshold)}; rates on {unstable_limit} or fewer flagged unstable")
    if synthetic:
        out.insert(0, WATERMARK_COLUMN, WATERMARK_VALUE)
        notes.append("synthetic data: illustrative only")
    return DisclosedTable(out, origin, synthetic, suppressed, tuple(notes))
