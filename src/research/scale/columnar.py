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
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from research.clean.arrow_text import _WHITE_SPACE, to_series
from research.clean.channels import map_channels
from research.clean.outcomes import map_outcomes
from research.clean.takedown_fields import parse_asns, parse_countries, parse_timestamps
from research.clean.takedown_schema import CLEAN_COLUMNS, TIMESTAMP_DTYPE
from research.clean.urls import _QUERY_TO_CLEAN, _SIMPLE, host_info, normalise_url_array, site_of

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


def word_lookup(values: pa.Array, kind: str, extra: Mapping[str, str] | None = None) -> pa.Table:
    """``value, category, is_blank, is_unknown`` for distinct outcome (``kind="outcome"``) or channel words.

    Outcome words also get ``detail`` (the word's meaning, ``research.clean.outcomes.OUTCOME_DETAILS``).
    """
    mapper = map_outcomes if kind == "outcome" else map_channels
    mapped = mapper(_text(values), extra)

    def text(name: str) -> pa.Array:
        return pa.array(mapped[name].astype(object).where(mapped[name].notna(), None).tolist(), pa.large_string())

    columns = {"value": values, "category": text("category"), "is_blank": pa.array(mapped["is_blank"].to_numpy()), "is_unknown": pa.array(mapped["is_unknown"].to_numpy())}
    if "detail" in mapped.columns:
        columns["detail"] = text("detail")
    return pa.table(columns)


def country_lookup(values: pa.Array) -> pa.Table:
    """``value, country, bad`` for distinct country texts (:func:`research.clean.takedown_fields.parse_countries`)."""
    codes, bad = parse_countries(_text(values))
    return pa.table({"value": values, "country": pa.array(codes.astype(object).where(codes.notna(), None).tolist(), pa.large_string()), "bad": pa.array(bad.to_numpy())})


def asn_lookup(values: pa.Array) -> pa.Table:
    """``value, asn, bad`` for distinct AS-number texts (:func:`research.clean.takedown_fields.parse_asns`)."""
    numbers, bad = parse_asns(_text(values))
    return pa.table({"value": values, "asn": pa.array(numbers.astype(object).where(numbers.notna(), None).tolist(), pa.int64()), "bad": pa.array(bad.to_numpy())})


def timestamp_lookup(values: pa.Array, timezone: str) -> pa.Table:
    """``value, micros, bad`` for distinct timestamp texts the engine does not parse itself."""
    parsed, bad = parse_timestamps(_text(values), timezone)
    micros = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]").view(np.int64)
    return pa.table({"value": values, "micros": pa.array(micros, mask=parsed.isna().to_numpy()), "bad": pa.array(bad.to_numpy())})


def host_lookup(hosts: pa.Array) -> pa.Table:
    """``host, ascii_host, domain, site, is_ip, reason`` for distinct lower-cased ASCII hosts of usual-shape URLs."""
    records = [host_info(h.rstrip(".")) for h in hosts.to_pylist()]
    columns = list(zip(*records)) if records else [[], [], [], []]
    sites = [d if ip or d is None else site_of(a, d) for a, d, ip in zip(columns[0], columns[1], columns[2], strict=True)]
    return pa.table(
        {
            "host": hosts,
            "ascii_host": pa.array(columns[0], pa.large_string()),
            "domain": pa.array(columns[1], pa.large_string()),
            "site": pa.array(sites, pa.large_string()),
            "is_ip": pa.array(columns[2], pa.bool_()),
            "reason": pa.array(columns[3], pa.large_string()),
        }
    )


def url_lookup(urls: pa.Array) -> pa.Table:
    """``url, url_normalised, domain, site, is_ip, reason`` for distinct URLs of any other shape (the default rule)."""
    out = normalise_url_array(urls)
    return pa.table({"url": urls, "url_normalised": out["url_normalised"], "domain": out["domain"], "site": out["site"], "is_ip": out["is_ip"], "reason": out["reason"]})
