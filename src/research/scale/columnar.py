"""What the columnar engines (DuckDB, Polars) borrow from the default cleaning, once per distinct value.

A columnar engine does the per-row work itself (splitting URLs, HMAC, joins, windows, group-bys);
the rules that need Python — vocabularies, countries, AS numbers, host names and the Public Suffix
List, unusual URLs and timestamps — are applied by the default engine's own functions to the
*distinct* values only, and come back as small Arrow lookup tables keyed by the raw text. Every
function here is a per-value rule of :mod:`research.clean`, so a row gets the same answer in every
engine. Nothing is re-implemented.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from research.clean.arrow_text import _WHITE_SPACE, to_series, trim_text
from research.clean.channels import map_channels
from research.clean.outcomes import OUTCOMES, map_outcomes
from research.clean.periods import EARLIEST_PLAUSIBLE_DATE
from research.clean.redact import CONTROL_RE2, redact_array, shapes
from research.clean.synthetic_marker import DEMO_KIND, SECRET_KIND
from research.clean.takedown_fields import check_timezone, parse_asns, parse_content_hashes, parse_countries, timestamp_reasons
from research.clean.takedown_schema import CLEAN_COLUMNS, QUARANTINE_COLUMNS, TIMESTAMP_DTYPE, empty_quarantine
from research.clean.takedowns import DUPLICATE, DUPLICATE_CONFLICT, IDENTIFYING_REASONS, SCIENTIFIC_ID, quality_lines
from research.clean.urls import _QUERY_TO_CLEAN, _SIMPLE, _host_record, normalise_url_array

#: Unicode White_Space, the characters the default engine trims from both ends of a value
#: (``research.clean.arrow_text.trim_text``).
WHITE_SPACE = "".join(chr(c) for c in (9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000))

#: A value with white space at either end (the same test as ``trim_text``).
EDGE_SPACE = f"^[{_WHITE_SPACE}]|[{_WHITE_SPACE}]$"
#: The usual URL shape (split by the engine itself) and queries that need the Python rule.
SIMPLE_URL = _SIMPLE
QUERY_TO_CLEAN = _QUERY_TO_CLEAN
#: Timestamps the engine parses itself: ``YYYY-MM-DDTHH:MM:SSZ`` with every field in range
#: (day-of-month is checked by the engine's own date parser); everything else goes to pandas.
USUAL_TIMESTAMP = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"
#: The default engine's row tests that an engine runs itself (regular expressions, RE2 syntax).
CONTROL = CONTROL_RE2
SCIENTIFIC = SCIENTIFIC_ID
#: Quarantine reasons of the cross-row rule (one row per URL per request) and of free text.
REPEAT, REPEAT_CONFLICT = DUPLICATE, DUPLICATE_CONFLICT
FREE_TEXT_REASONS = tuple(IDENTIFYING_REASONS.values())


@dataclass(frozen=True)
class CleanOptions:
    """What :func:`research.clean.takedowns.clean_takedown_log` is told besides the log, for a columnar engine.

    ``today`` fixes the end of the plausible window (default: the UTC date when cleaning). Ids are
    always pseudonymised, as by default in the default engine.
    """

    key: bytes
    synthetic: bool = False
    outcome_words: Mapping[str, str] | None = None
    channel_words: Mapping[str, str] | None = None
    timezone: str = "UTC"
    today: date | None = None

    def __post_init__(self) -> None:
        check_timezone(self.timezone)

    def plausible_us(self) -> tuple[int, int]:
        """Microseconds since the epoch (UTC) of the plausible window, ``[earliest, latest)``.

        The window of :func:`research.clean.takedown_fields.implausible_dates`.
        """
        latest = (self.today or datetime.now(UTC).date()) + timedelta(days=1)
        return tuple(int(datetime.combine(d, datetime.min.time(), UTC).timestamp()) * 1_000_000 for d in (EARLIEST_PLAUSIBLE_DATE, latest))  # type: ignore[return-value]


#: The timestamp columns of a cleaned log.
STAMPS = ("requested_at", "checked_at", "resolved_at")
#: Text columns of the URL status table that the default engine holds as plain ``str``.
_STATUS_TEXT = ("url_id", "content_id", "domain", "icann_domain", "channel", "hosting_provider", "country")


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """An engine's Arrow result as pandas, text as ``string[pyarrow]`` and timestamps in the default dtype."""
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if pa.types.is_string(t) or pa.types.is_large_string(t) else None)
    for name in STAMPS:
        frame[name] = frame[name].astype(TIMESTAMP_DTYPE)
    return frame


def clean_frame(table: pa.Table) -> pd.DataFrame:
    """A columnar engine's cleaned rows as the default engine's DataFrame (same columns and dtypes)."""
    frame = _to_pandas(table)
    return frame.astype({"row_number": "int64", "is_ip": bool, "synthetic": bool, "asn": "Int64"})[list(CLEAN_COLUMNS)]


def status_frame(table: pa.Table) -> pd.DataFrame:
    """A columnar engine's URL status table with the default engine's dtypes.

    ``isin`` gives NumPy bools and ``eq`` on Arrow text gives Arrow bools in the default engine, hence
    the mixed boolean dtypes.
    """
    frame = _to_pandas(table)
    for name in _STATUS_TEXT:
        frame[name] = frame[name].astype(str)
    return frame.astype({"requests": "int64", "synthetic": bool, "decided": bool, "non_removed": "bool[pyarrow]"})


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer key blocks of HMAC-SHA256 (RFC 2104, section 2): ``key ⊕ ipad``, ``key ⊕ opad``.

    ``HMAC(key, m) = SHA256(opad_block ‖ SHA256(ipad_block ‖ m))``; an engine with a SHA-256 of bytes
    composes it from these two 64-byte blocks.
    """
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _text(values: pa.Array) -> pd.Series:
    return to_series(values)


def _arrow(values: pd.Series, kind: pa.DataType) -> pa.Array:
    return pa.array(values.astype(object).where(values.notna(), None).tolist(), kind)


def word_lookup(values: pa.Array, kind: str, extra: Mapping[str, str] | None = None) -> pa.Table:
    """``value, category, is_blank, is_unknown`` for distinct outcome (``kind="outcome"``) or channel words.

    Outcome words also get ``detail`` (the word's meaning, ``research.clean.outcomes.OUTCOME_DETAILS``).
    """
    mapper = map_outcomes if kind == "outcome" else map_channels
    mapped = mapper(_text(values), extra)
    columns = {"value": values, "category": _arrow(mapped["category"], pa.large_string()), "is_blank": pa.array(mapped["is_blank"].to_numpy()), "is_unknown": pa.array(mapped["is_unknown"].to_numpy())}
    if "detail" in mapped.columns:
        columns["detail"] = _arrow(mapped["detail"], pa.large_string())
    return pa.table(columns)


def country_lookup(values: pa.Array) -> pa.Table:
    """``value, country, bad`` for distinct country texts (:func:`research.clean.takedown_fields.parse_countries`)."""
    codes, bad = parse_countries(_text(values))
    return pa.table({"value": values, "country": _arrow(codes, pa.large_string()), "bad": pa.array(bad.to_numpy())})


def asn_lookup(values: pa.Array) -> pa.Table:
    """``value, asn, bad`` for distinct AS-number texts (:func:`research.clean.takedown_fields.parse_asns`)."""
    numbers, bad = parse_asns(_text(values))
    return pa.table({"value": values, "asn": _arrow(numbers, pa.int64()), "bad": pa.array(bad.to_numpy())})


def hash_lookup(values: pa.Array) -> pa.Table:
    """``value, content_hash, bad`` for distinct content hashes (:func:`research.clean.takedown_fields.parse_content_hashes`)."""
    hashes, bad = parse_content_hashes(_text(values))
    return pa.table({"value": values, "content_hash": _arrow(hashes, pa.large_string()), "bad": pa.array(bad.to_numpy())})


def provider_lookup(values: pa.Array) -> pa.Table:
    """``value, hosting_provider, reason`` for distinct provider texts: the trimmed name (null when blank) and
    the free-text reason (an e-mail address, phone number or URL in it; :func:`research.clean.redact.shapes`)."""
    trimmed = trim_text(values)
    found = shapes(trimmed).to_pylist()
    reasons = [IDENTIFYING_REASONS[f] if f is not None else None for f in found]
    return pa.table({"value": values, "hosting_provider": pa.array([t or None for t in trimmed.to_pylist()], pa.large_string()), "reason": pa.array(reasons, pa.large_string())})


def value_lookups(options: CleanOptions) -> tuple[tuple[str, Callable[[pa.Array], pa.Table]], ...]:
    """The low-cardinality columns and the look-up each engine runs once per distinct raw value of them."""
    return (
        ("outcome", lambda v: word_lookup(v, "outcome", options.outcome_words)),
        ("channel", lambda v: word_lookup(v, "channel", options.channel_words)),
        ("country", country_lookup),
        ("asn", asn_lookup),
        ("content_hash", hash_lookup),
        ("hosting_provider", provider_lookup),
    )


def timestamp_lookup(values: pa.Array, timezone: str) -> pa.Table:
    """``value, micros, reason`` for distinct timestamp texts the engine does not parse itself.

    ``reason`` is why a non-blank value was not read (:func:`research.clean.takedown_fields.timestamp_reasons`).
    """
    parsed, reasons = timestamp_reasons(_text(values), timezone)
    micros = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)
    return pa.table({"value": values, "micros": pa.array(micros, mask=parsed.isna().to_numpy()), "reason": _arrow(reasons.astype("string"), pa.large_string())})


def shown_lookup(values: pa.Array) -> pa.Table:
    """``value, shown`` for distinct raw values of quarantined cells: what the quarantine may show of them.

    The trimmed value, or its shape when it holds a URL, e-mail address or phone number, control
    characters written out (:func:`research.clean.redact.redact_array`).
    """
    return pa.table({"value": values, "shown": redact_array(trim_text(values))})


def host_lookup(hosts: pa.Array) -> pa.Table:
    """``host, ascii_host, domain, site, is_ip, reason`` for distinct ASCII hosts of usual-shape URLs (the default rule)."""
    records = [_host_record(h) for h in hosts.to_pylist()]
    column = lambda name, kind: pa.array([r[name] for r in records], kind)  # noqa: E731
    return pa.table(
        {
            "host": hosts,
            "ascii_host": column("host", pa.large_string()),
            "domain": column("domain", pa.large_string()),
            "site": column("site", pa.large_string()),
            "is_ip": column("is_ip", pa.bool_()),
            "reason": column("reason", pa.large_string()),
        }
    )


def url_lookup(urls: pa.Array) -> pa.Table:
    """``url, url_normalised, domain, site, is_ip, reason`` for distinct URLs of any other shape (the default rule)."""
    out = normalise_url_array(urls)
    return pa.table({"url": urls, "url_normalised": out["url_normalised"], "domain": out["domain"], "site": out["site"], "is_ip": out["is_ip"], "reason": out["reason"]})


def quarantine_frame(table: pa.Table) -> pd.DataFrame:
    """An engine's quarantine lines (sorted) as the default engine's DataFrame (same dtypes, also when empty)."""
    if not table.num_rows:
        return empty_quarantine()
    return pd.DataFrame({c: table.column(c).to_numpy(zero_copy_only=False) for c in QUARANTINE_COLUMNS}).astype({"row_number": "int64"})


#: What an engine counts on its cleaned rows for the quality lines, in the default engine's order
#: (:func:`research.clean.takedowns.quality_table`).
QUALITY_COUNTS = (
    "files",
    "requests",
    "urls",
    "domains",
    "ip_hosts",
    *(f"outcome_{o}" for o in OUTCOMES),
    "removed_without_resolved_at",
    "resolved_at_but_not_removed",
    "channel_blank",
    "country_blank",
    "hosting_provider_blank",
)


def quality_frame(rows_in: int, rows_out: int, counts: Sequence[int], reasons: Sequence[tuple[str, str, int]], rows_quarantined: int, synthetic: bool) -> pd.DataFrame:
    """The ``metric, value`` lines of :func:`research.clean.takedown_files.clean_log_file` from an engine's counts.

    ``counts`` follow :data:`QUALITY_COUNTS`; ``reasons`` are ``(column, reason, lines)`` sorted by
    column and reason. The last line is the key's kind, as ``clean_log_file`` adds it.
    """
    conflicting = sum(n for _, reason, n in reasons if reason == REPEAT_CONFLICT)
    metrics: list[tuple[str, object]] = [
        ("rows_in", rows_in),
        ("rows_out", rows_out),
        ("rows_quarantined", rows_quarantined),
        ("rows_balance_ok", rows_in == rows_out + rows_quarantined),
        ("synthetic", synthetic),
        *zip(QUALITY_COUNTS, counts, strict=True),
        ("duplicates_conflicting", conflicting),
        *((f"quarantine: {column}: {reason}", n) for column, reason, n in reasons),
        ("hmac_key", DEMO_KIND if synthetic else SECRET_KIND),
    ]
    return quality_lines(metrics)
