"""Read an organisation's own takedown export with a column mapping file — no code needed.

A mapping file (YAML) names, for each documented column, the export's own column::

    columns:
      request_id: Ticket
      content_id: File hash
      url: Reported link
      requested_at: Sent on
      checked_at: Last checked
      outcome: Status
      channel: Route            # optional columns may be left out
    outcomes:                   # extra words for the vocabulary (optional)
      taken offline: removed
    channels:
      web form: platform_report
    timezone: Asia/Tokyo        # zone of timestamps written without an offset (default UTC)

A two-column CSV ``field,column`` works too (columns only). A log already in the documented format
needs no mapping.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from research.clean.read_table import read_text_table
from research.clean.takedown_schema import LOG_COLUMNS, REQUIRED_COLUMNS, TAKEDOWN_LOG_SCHEMA
from research.errors import InputError, SchemaError


@dataclass(frozen=True)
class ColumnMapping:
    """How an export's columns and words map to the documented format."""

    columns: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"


def load_mapping(path: str | os.PathLike[str] | None) -> ColumnMapping:
    """Read a YAML or CSV mapping file; ``None`` gives the identity mapping."""
    if path is None:
        return ColumnMapping()
    path = Path(path)
    if not path.is_file():
        raise InputError("mapping file not found", file=str(path))
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(table.columns[:2]) != ["field", "column"]:
            raise SchemaError("a CSV mapping needs the columns field,column", file=str(path), column=str(list(table.columns)))
        spec = {"columns": dict(zip(table["field"].str.strip(), table["column"].str.strip(), strict=True))}
    else:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(spec, dict) or not isinstance(spec.get("columns", {}), dict):
        raise SchemaError("a mapping needs a 'columns:' section of field: column pairs", file=str(path))
    unknown = sorted(set(spec.get("columns", {})) - set(LOG_COLUMNS))
    if unknown:
        raise SchemaError(f"unknown field(s) {unknown}; fields are {', '.join(LOG_COLUMNS)}", file=str(path), column=unknown[0])
    return ColumnMapping(
        columns={str(k): str(v) for k, v in spec.get("columns", {}).items()},
        outcomes={str(k): str(v) for k, v in (spec.get("outcomes") or {}).items()},
        channels={str(k): str(v) for k, v in (spec.get("channels") or {}).items()},
        timezone=str(spec.get("timezone", "UTC")),
    )


def read_generic_log(path: str | os.PathLike[str], mapping: ColumnMapping | None = None) -> pd.DataFrame:
    """Read a CSV export (UTF-8, optionally gzipped) into the documented columns, all as text.

    Every cell is read as text and nothing is turned into a missing value except empty cells,
    so a word such as ``NA`` or ``null`` reaches the vocabulary (and quarantine) as written.
    The result carries ``row_number`` (1-based data row of the file).
    """
    mapping = mapping or ColumnMapping()
    path = Path(path)
    if not path.is_file():
        raise InputError("log file not found", file=str(path))
    table = read_text_table(path).frame  # any encoding/delimiter, gzip; only empty cells missing
    table.columns = [str(c).strip() for c in table.columns]
    absent = [source for source in mapping.columns.values() if source not in table.columns]
    if absent:
        raise SchemaError(f"the mapping names column(s) {absent} that the file does not have; it has {list(table.columns)}", file=str(path), column=absent[0])
    renamed = table.rename(columns={source: target for target, source in mapping.columns.items()})
    # ``synthetic`` is not part of the format; the synthetic generator adds it so the log says what it is.
    renamed = renamed.loc[:, [c for c in (*LOG_COLUMNS, "synthetic") if c in renamed.columns]]
    missing = [c for c in REQUIRED_COLUMNS if c not in renamed.columns]
    if missing:
        raise SchemaError(
            f"missing required column(s) {missing}; name them in a mapping file (--mapping) if the export calls them otherwise",
            file=str(path),
            column=missing[0],
        )
    renamed = TAKEDOWN_LOG_SCHEMA.validate(renamed)
    renamed.insert(0, "row_number", pd.Series(range(1, len(renamed) + 1), dtype="int64"))
    return renamed
