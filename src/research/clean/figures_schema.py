"""pandera schemas at each boundary of the counts cleaning: raw figures in; counts, quarantine, quality out."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from research.errors import SchemaError

#: Columns of the raw figures format (``figures.csv``), in order.
FIGURE_COLUMNS = [
    "figure_id", "series_id", "country", "publisher", "indicator", "period_start", "period_end",
    "value", "unit", "source_url", "source_date", "source_domain", "source_tier",
]

#: Input: every column present, read as text (parsing happens row by row, so one bad cell
#: sends one row to quarantine instead of failing the file).
FIGURES_SCHEMA = pa.DataFrameSchema(
    {name: pa.Column(str, nullable=False) for name in FIGURE_COLUMNS},
    strict=False,
    coerce=True,
)

COUNTS_COLUMNS = [
    "series_id", "country", "indicator", "unit", "counted", "value_qualifier", "value", "value_low",
    "value_high", "period_start", "period_end", "period_kind", "exposure_days", "derivation",
    "source_ids", "conflicting_source_ids", "publishers", "n_sources", "best_source_tier", "flags",
    "break_ids", "segment", "unresolved_values",
]

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _output_schema(columns: dict[str, pa.Column], checks: list[pa.Check] | None = None) -> pa.DataFrameSchema:
    """The schema of a table the cleaning writes: exactly ``columns``, in this order, values coerced."""
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=True)


def _text_columns(names: list[str], *, required: tuple[str, ...] = ()) -> dict[str, pa.Column]:
    """Text columns named ``names``, in order; those in ``required`` may not be empty."""
    return {name: pa.Column(str, pa.Check.str_length(min_value=1)) if name in required else pa.Column(str) for name in names}


COUNTS_SCHEMA = _output_schema(
    {
        "series_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "country": pa.Column(str, pa.Check.str_matches(r"^([A-Z]{2}|WORLD|\d{3})$")),
        "indicator": pa.Column(str),
        "unit": pa.Column(str, pa.Check.isin([
            "count", "count_change", "percent", "ratio", "rate_per_day", "mean_per_month",
            "duration_hours", "duration_days", "currency_usd",
        ])),
        "counted": pa.Column(str),
        "value_qualifier": pa.Column(str, pa.Check.isin([
            "exact", "approximate", "lower_bound", "upper_bound", "range", "suspected_misprint",
        ])),
        "value": pa.Column(float, nullable=True),
        "value_low": pa.Column(float, nullable=True),
        "value_high": pa.Column(float, nullable=True),
        "period_start": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
        "period_end": pa.Column(str, pa.Check.str_matches(_ISO_DATE)),
        "period_kind": pa.Column(str, pa.Check.isin([
            "calendar_year", "fiscal_year_jp", "half_year", "quarter", "month", "year_to_date",
            "ytd_increment", "multi_year", "other",
        ])),
        "exposure_days": pa.Column(int, pa.Check.ge(1)),
        "derivation": pa.Column(str, pa.Check.isin(["reported", "ytd_difference"])),
        "source_ids": pa.Column(str, pa.Check.str_length(min_value=1)),
        "conflicting_source_ids": pa.Column(str),
        "publishers": pa.Column(str),
        "n_sources": pa.Column(int, pa.Check.ge(1)),
        "best_source_tier": pa.Column(int, pa.Check.in_range(1, 5)),
        "flags": pa.Column(str),
        "break_ids": pa.Column(str),
        "segment": pa.Column(int, pa.Check.ge(0)),
        "unresolved_values": pa.Column(str),
    },
    checks=[
        pa.Check(lambda df: (df["period_end"] >= df["period_start"]), error="period ends before it starts"),
        pa.Check(lambda df: df["value"].isna() | (df["value_qualifier"] != "range"), error="a range has no point value"),
    ],
)

QUARANTINE_COLUMNS = ["figure_id", "row_number", "column", "value", "reason"]
QUARANTINE_SCHEMA = _output_schema({**_text_columns(QUARANTINE_COLUMNS, required=("reason",)), "row_number": pa.Column(int, pa.Check.ge(1))})

QUALITY_COLUMNS = ["kind", "series_id", "period", "figure_ids", "explanation"]
QUALITY_SCHEMA = _output_schema(_text_columns(QUALITY_COLUMNS, required=("kind", "explanation")))


def check_figure_columns(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check that a raw figures table has every column; return it with text cells, blanks as ``""``.

    Raises
    ------
    SchemaError
        Naming the file and the first missing column.
    """
    missing = [c for c in FIGURE_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(
            f"missing required column(s) {', '.join(missing)}; expected the columns of figures.csv",
            file=file, row=0, column=missing[0],
        )
    table = df.copy()
    for name in FIGURE_COLUMNS:
        table[name] = table[name].fillna("").astype(str)
    return FIGURES_SCHEMA.validate(table)
