"""The documented takedown log format, and the cleaned table's contract, as pandera schemas.

Input (what an organisation writes): one row per reported URL per request, with the columns of
:data:`REQUIRED_COLUMNS` and, if it has them, :data:`OPTIONAL_COLUMNS`. Values are text; words
for outcomes and channels may be in English, Japanese, Korean or Indonesian.

Output (``takedowns.parquet``, see ``docs/CONTRACTS.md``): the same rows, cleaned, with the URL
replaced by its keyed pseudonym ``url_id``, its registrable ``domain`` (ICANN section of the
Public Suffix List) and its ``site`` (private section included: ``alice.blogspot.com``); beside
each ``outcome``, ``outcome_detail`` keeps what the source's word meant (``refused``,
``no_response``, ``delisted`` …, :data:`research.clean.outcomes.OUTCOME_DETAILS`).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from research.clean.channels import CHANNELS
from research.clean.outcomes import OUTCOME_DETAILS, OUTCOMES

REQUIRED_COLUMNS: tuple[str, ...] = ("request_id", "content_id", "url", "requested_at", "checked_at", "outcome")
OPTIONAL_COLUMNS: tuple[str, ...] = ("resolved_at", "channel", "hosting_provider", "asn", "country", "content_hash")
LOG_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

#: Columns of the cleaned table, in order.
CLEAN_COLUMNS: tuple[str, ...] = (
    "row_number",
    "request_id",
    "content_id",
    "content_hash",
    "url_id",
    "domain",
    "site",
    "is_ip",
    "requested_at",
    "checked_at",
    "resolved_at",
    "outcome",
    "outcome_detail",
    "channel",
    "hosting_provider",
    "asn",
    "country",
    "synthetic",
)
TIMESTAMP_DTYPE = "datetime64[us, UTC]"


def _text(required: bool = True, nullable: bool = True, **kw) -> pa.Column:
    return pa.Column("string", required=required, nullable=nullable, **kw)


#: The documented input format: every value is text until cleaned.
TAKEDOWN_LOG_SCHEMA = pa.DataFrameSchema(
    {
        **{name: _text() for name in REQUIRED_COLUMNS},
        **{name: _text(required=False) for name in OPTIONAL_COLUMNS},
    },
    strict=False,
    coerce=True,
    name="takedown log (documented format)",
)

_NOT_BLANK = pa.Check.str_length(min_value=1)

#: The cleaned table written to ``takedowns.parquet``.
CLEAN_TAKEDOWNS_SCHEMA = pa.DataFrameSchema(
    {
        "row_number": pa.Column("int64", pa.Check.ge(1)),
        "request_id": pa.Column("string", _NOT_BLANK),
        "content_id": pa.Column("string", _NOT_BLANK),
        "content_hash": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{64}$"), nullable=True),
        "url_id": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{16}$")),
        "domain": pa.Column("string", _NOT_BLANK),
        "site": pa.Column("string", _NOT_BLANK),
        "is_ip": pa.Column("bool"),
        "requested_at": pa.Column(TIMESTAMP_DTYPE),
        "checked_at": pa.Column(TIMESTAMP_DTYPE),
        "resolved_at": pa.Column(TIMESTAMP_DTYPE, nullable=True),
        "outcome": pa.Column("string", pa.Check.isin(OUTCOMES)),
        "outcome_detail": pa.Column("string", pa.Check.isin(tuple(OUTCOME_DETAILS))),
        "channel": pa.Column("string", pa.Check.isin(CHANNELS), nullable=True),
        "hosting_provider": pa.Column("string", nullable=True),
        "asn": pa.Column("Int64", pa.Check.in_range(0, 4_294_967_295), nullable=True),
        "country": pa.Column("string", pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=True),
        "synthetic": pa.Column("bool"),
    },
    strict=True,
    ordered=True,
    unique=["request_id", "url_id"],
    name="takedowns (cleaned)",
)

#: One line per problem found in a quarantined row; a row may have several.
QUARANTINE_COLUMNS: tuple[str, ...] = ("row_number", "column", "value", "reason")


def empty_clean_table() -> pd.DataFrame:
    """A cleaned table with no rows and the contract's dtypes."""
    dtypes = {
        "row_number": "int64", "is_ip": "bool", "synthetic": "bool", "asn": "Int64",
        "requested_at": TIMESTAMP_DTYPE, "checked_at": TIMESTAMP_DTYPE, "resolved_at": TIMESTAMP_DTYPE,
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "string")) for c in CLEAN_COLUMNS})


def empty_quarantine() -> pd.DataFrame:
    """A quarantine with no lines and the contract's dtypes."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row_number" else "string") for c in QUARANTINE_COLUMNS})
