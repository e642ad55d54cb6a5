"""Parsers for single columns of a takedown log: timestamps, countries, AS numbers, content hashes.

Each returns the parsed column plus a mask of values that could not be read, so the caller can
quarantine those rows with a reason instead of guessing. Work is done once per distinct value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from research.clean.arrow_text import as_bool, distinct_trimmed, to_arrow, to_series, trim_text
from research.clean.periods import EARLIEST_PLAUSIBLE_DATE
from research.clean.takedown_schema import TIMESTAMP_DTYPE
from research.errors import InputError

_AWARE = r"(?:[zZ]|[+-]\d{2}:?\d{2})$"
# 2024/1/5, 2024.01.05 and 2024年1月5日 are unambiguous (year first); day-first or month-first
# dates such as 05/01/2024 are not, so they are not read.
_YMD = re.compile(r"^(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?")
#: ISO codes reserved for private use: accepted (synthetic logs use them for made-up countries).
USER_ASSIGNED = {"AA", "ZZ", *(f"Q{c}" for c in "MNOPQRSTUVWXYZ"), *(f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
_ASN = re.compile(r"^(?:[Aa][Ss])?\s*([0-9]{1,10})$")


def _ymd_to_iso(text: str) -> str:
    return _YMD.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text.strip(), count=1)


#: Why a non-blank timestamp was not read (the quarantine reasons).
UNREADABLE = "unreadable timestamp"
PARTIAL = "partial date (year or month only): not guessed"
NONEXISTENT = "nonexistent local time (skipped by a clock change)"
AMBIGUOUS = "ambiguous local time (repeated by a clock change)"
_REASONS = [None, UNREADABLE, PARTIAL, NONEXISTENT, AMBIGUOUS]
_PARTIAL = re.compile(r"^\s*\d{4}(?:\s*[-/.年]\s*\d{1,2}\s*月?)?\s*$")


def check_timezone(timezone: str, source: str = "log") -> str:
    """``timezone`` if it is an IANA zone name (``Asia/Tokyo``), else an :class:`~research.errors.InputError`."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError("unknown time zone; use an IANA name such as Asia/Tokyo or UTC", file=source, column="timezone", value=timezone) from None
    return str(timezone)


def parse_timestamps(values: pd.Series, timezone: str = "UTC") -> tuple[pd.Series, pd.Series]:
    """Read ISO 8601 timestamps (or year-first dates) as UTC; ``(parsed, bad)``.

    ``bad`` is true where :func:`timestamp_reasons` gives a reason.
    """
    parsed, reasons = timestamp_reasons(values, timezone)
    return parsed, reasons.notna()


def timestamp_reasons(values: pd.Series, timezone: str = "UTC") -> tuple[pd.Series, pd.Series]:
    """Read ISO 8601 timestamps (or year-first dates) as UTC, with the reason for each one not read.

    Parameters
    ----------
    values
        Text such as ``2024-05-01``, ``2024-05-01T09:30:00+09:00``, ``2024/5/1 09:30``.
    timezone
        Zone of timestamps written without an offset (e.g. ``Asia/Tokyo`` for a Japanese export).

    Returns
    -------
    parsed, reasons
        ``parsed`` in UTC (missing where blank or not read); ``reasons`` is missing where the value
        was read or blank, else one of :data:`UNREADABLE`, :data:`PARTIAL` (``2024``,
        ``2024-02``: never guessed as the first day), :data:`NONEXISTENT` (a local time the
        clocks skipped), :data:`AMBIGUOUS` (a local time the clocks repeated).

    Notes
    -----
    The usual machine-written form ``YYYY-MM-DDTHH:MM:SSZ`` (20 characters ending in ``Z``) is
    read by Arrow's strict ISO 8601 parser for the whole column at once; every other value goes
    through pandas once per distinct value. Should Arrow refuse one of the usual-form values (say ``2023-02-29T00:00:00Z``), the
    whole column takes the pandas path, which gives the same answers, only slower.
    """
    text = to_arrow(values)
    micros = np.full(len(text), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    # The usual form is 20 characters ending in "Z"; Arrow's parser then checks every digit.
    usual = as_bool(pc.and_(pc.equal(pc.binary_length(text), 20), pc.ends_with(text, "Z")))
    if usual.any():
        try:
            chosen = text if usual.all() else text.filter(pa.array(usual))
            micros[usual] = pc.cast(chosen, pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy()
        except pa.ArrowInvalid:
            usual[:] = False
    blank = np.zeros(len(text), dtype=bool)
    reasons = np.zeros(len(text), dtype=np.int8)  # index into _REASONS (0: read or blank)
    if not usual.all():
        rest_text = trim_text(text.filter(pa.array(~usual)))
        rest_blank = as_bool(pc.equal(rest_text, ""))
        blank[~usual] = rest_blank
        rest = np.flatnonzero(~usual)[~rest_blank]
        if len(rest):
            parsed_rest, rest_reasons = _parse_distinct(to_series(rest_text.filter(pa.array(~rest_blank))), timezone)
            micros[rest] = parsed_rest.dt.tz_localize(None).to_numpy().view(np.int64)
            reasons[rest] = pd.Categorical(rest_reasons, categories=_REASONS[1:]).codes + 1
    parsed = pd.Series(pd.to_datetime(micros.view("datetime64[us]"), utc=True), index=values.index).astype(TIMESTAMP_DTYPE)
    reasons[~blank & parsed.isna().to_numpy() & (reasons == 0)] = _REASONS.index(UNREADABLE)
    return parsed, pd.Series(pd.Categorical.from_codes(reasons.astype(np.int16) - 1, categories=_REASONS[1:]), index=values.index)


def _parse_distinct(text: pd.Series, timezone: str) -> tuple[pd.Series, pd.Series]:
    """pandas' ISO 8601 reader (after year-first dates are rewritten), once per distinct value.

    Returns the parsed values and the reason (or missing) for each value.
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    unique_text = pd.Series(pd.array(uniques, dtype="string"))
    reason = pd.Series(pd.NA, index=unique_text.index, dtype="string")
    partial = unique_text.str.contains(_PARTIAL.pattern, regex=True).fillna(False).astype(bool)
    reason[partial] = PARTIAL
    year_first = unique_text.str.contains(r"^\s*\d{4}[/.年]", regex=True).fillna(False).astype(bool)
    if year_first.any():
        unique_text[year_first] = unique_text[year_first].map(_ymd_to_iso).astype("string")
    aware = unique_text.str.contains(_AWARE, regex=True).fillna(False).astype(bool)
    parsed = pd.Series(pd.NaT, index=unique_text.index, dtype=TIMESTAMP_DTYPE)
    if aware.any():
        parsed[aware] = pd.to_datetime(unique_text[aware], format="ISO8601", utc=True, errors="coerce").astype(TIMESTAMP_DTYPE)
    if (~aware).any():
        naive = pd.to_datetime(unique_text[~aware], format="ISO8601", errors="coerce")
        local = naive.dt.tz_localize(timezone, nonexistent="NaT", ambiguous="NaT")
        lost = naive.notna() & local.isna()
        if lost.any():  # which clock change: a skipped hour has a shifted reading, a repeated one not
            shifted = naive[lost].dt.tz_localize(timezone, nonexistent="shift_forward", ambiguous="NaT")
            reason[lost[lost].index] = np.where(shifted.notna(), NONEXISTENT, AMBIGUOUS)
        parsed[~aware] = local.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    parsed[partial] = pd.NaT
    table = pd.concat([parsed, pd.Series([pd.NaT], dtype=TIMESTAMP_DTYPE)], ignore_index=True)
    reasons = pd.concat([reason, pd.Series([pd.NA], dtype="string")], ignore_index=True)
    # take() on the datetime array keeps it vectorised; code -1 (blank) picks the trailing NaT.
    return pd.Series(table.array.take(codes), index=text.index), pd.Series(reasons.array.take(codes), index=text.index)


def implausible_dates(stamps: pd.Series, today: date | None = None) -> pd.Series:
    """True where a timestamp lies before 1990 or after ``today`` (default: the UTC date now).

    The same window as :func:`research.clean.periods.check_plausible_date`, vectorised.
    """
    latest = pd.Timestamp(today or datetime.now(UTC).date(), tz="UTC") + pd.Timedelta(days=1)
    earliest = pd.Timestamp(EARLIEST_PLAUSIBLE_DATE, tz="UTC")
    return stamps.notna() & ((stamps < earliest) | (stamps >= latest))


def _country_code(text: str) -> str | None:
    key = text.strip()
    upper = key.upper()
    if upper in USER_ASSIGNED:
        return upper
    upper = _COUNTRY_ALIASES.get(upper, upper)
    try:
        return pycountry.countries.lookup(upper if len(upper) <= 3 else key).alpha_2
    except LookupError:
        return None


def parse_countries(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO 3166-1 alpha-2 codes from alpha-2/alpha-3 codes or English names (``UK`` → ``GB``).

    Returns ``(codes, bad)``; blank stays missing, an unknown name is ``bad``.
    """
    codes, uniques = distinct_trimmed(values)
    found = [_country_code(u) if u else None for u in uniques]
    bad = np.array([bool(u) and f is None for u, f in zip(uniques, found, strict=True)] + [False], dtype=bool)
    table = pd.array([*found, None], dtype="string")
    return pd.Series(table.take(codes), index=values.index, dtype="string"), pd.Series(bad[codes], index=values.index)


def parse_asns(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Autonomous system numbers from ``13335`` or ``AS13335``; returns ``(Int64 numbers, bad)``."""
    codes, uniques = distinct_trimmed(values)
    numbers = [_asn(u) for u in uniques]
    table = pd.array([*numbers, None], dtype="Int64")
    bad = np.array([bool(u) and n is None for u, n in zip(uniques, numbers, strict=True)] + [False], dtype=bool)
    return pd.Series(table.take(codes), index=values.index, dtype="Int64"), pd.Series(bad[codes], index=values.index)


def _asn(text: str) -> int | None:
    match = _ASN.match(text)
    number = int(match.group(1)) if match else None
    return number if number is not None and number <= 4_294_967_295 else None


#: A PDQ perceptual hash as its reference implementation writes it: 256 bits, 64 hex digits.
PDQ_HEX = re.compile(r"^[0-9a-f]{64}$")


def parse_content_hashes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """PDQ hashes (64 hex digits, any case, trimmed) as lower-case text; returns ``(hashes, bad)``.

    Blank stays missing; anything else that is not 64 hex digits is ``bad`` (quarantined, not
    guessed: a hash with a digit missing would match the wrong files).
    """
    codes, uniques = distinct_trimmed(values)
    found = [u.lower() if PDQ_HEX.match(u.lower()) else None for u in uniques]
    bad = np.array([bool(u) and f is None for u, f in zip(uniques, found, strict=True)] + [False], dtype=bool)
    table = pd.array([*found, None], dtype="string")
    return pd.Series(table.take(codes), index=values.index, dtype="string"), pd.Series(bad[codes], index=values.index)
