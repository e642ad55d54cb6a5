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
    outcomes:                   # extra words for the vocabulary (optional): an outcome
      taken offline: removed    # or a detail (refused, no_response, delisted …)
      keine Antwort: no_response
    channels:
      web form: platform_report
    timezone: Asia/Tokyo        # zone of timestamps written without an offset (default UTC)

A two-column CSV ``field,column`` works too (columns only). A log already in the documented format
needs no mapping.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from research.clean.channels import CHANNELS
from research.clean.outcomes import OUTCOME_DETAILS
from research.clean.read_table import FIELDS_MISSING, read_text_table
from research.clean.takedown_fields import check_timezone
from research.clean.takedown_schema import LOG_COLUMNS, REQUIRED_COLUMNS, TAKEDOWN_LOG_SCHEMA
from research.errors import InputError, SchemaError


@dataclass(frozen=True)
class ColumnMapping:
    """How an export's columns and words map to the documented format."""

    columns: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"


#: A mapping file is a few lines of text; anything larger is refused before parsing.
MAX_MAPPING_BYTES = 1 << 20


def _mapping_text(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_MAPPING_BYTES:
        raise InputError(f"a mapping file is a few lines of text; this one has {len(data):,} bytes", file=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"the mapping file is not UTF-8 text (byte {error.start})", file=str(path)) from None
    if "\x00" in text:
        raise InputError("the mapping file is binary (NUL bytes), not YAML or CSV", file=str(path))
    return text


def _yaml_spec(text: str, path: Path) -> object:
    """Plain YAML only: no anchors or aliases (an alias bomb expands a few lines into gigabytes), no tags."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InputError("YAML anchors and aliases (&, *) are not allowed in a mapping file", file=str(path), row=event.start_mark.line + 1)
            if getattr(event, "tag", None) is not None:  # only explicit tags (!!python/…, !custom) are set here
                raise InputError(f"YAML tags ({event.tag}) are not allowed in a mapping file", file=str(path), row=event.start_mark.line + 1)
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"not a valid YAML mapping: {getattr(error, 'problem', None) or error}", file=str(path), row=mark.line + 1 if mark else None) from None


def _words(spec: dict, section: str, vocabulary: tuple[str, ...], path: Path) -> dict[str, str]:
    words = spec.get(section) or {}
    if not isinstance(words, dict):
        raise SchemaError(f"'{section}:' must hold word: category pairs", file=str(path), column=section)
    for word, category in words.items():
        if not isinstance(category, str) or category not in vocabulary:
            raise SchemaError(f"unknown {section[:-1]} category; use one of {', '.join(vocabulary)}", file=str(path), column=str(word), value=category)
    return {str(k): str(v) for k, v in words.items()}


def load_mapping(path: str | os.PathLike[str] | None) -> ColumnMapping:
    """Read a YAML or CSV mapping file; ``None`` gives the identity mapping.

    Raises
    ------
    InputError
        The file is missing, binary, too large, not valid YAML, or uses YAML anchors, aliases or tags.
    SchemaError
        Unknown fields, a field named twice, two fields mapped to one column, a non-text column
        name, an unknown outcome or channel category, or an unknown time zone.
    """
    if path is None:
        return ColumnMapping()
    path = Path(path)
    if not path.is_file():
        raise InputError("mapping file not found", file=str(path))
    text = _mapping_text(path)
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        if list(table.columns[:2]) != ["field", "column"]:
            raise SchemaError("a CSV mapping needs the columns field,column", file=str(path), column=str(list(table.columns)))
        fields = table["field"].str.strip()
        if fields.duplicated().any():
            raise SchemaError("a field is mapped twice", file=str(path), column=fields[fields.duplicated()].iloc[0])
        spec = {"columns": dict(zip(fields, table["column"].str.strip(), strict=True))}
    else:
        spec = _yaml_spec(text, path) or {}
    if not isinstance(spec, dict) or not isinstance(spec.get("columns", {}), dict):
        raise SchemaError("a mapping needs a 'columns:' section of field: column pairs", file=str(path))
    columns = spec.get("columns", {})
    unknown = sorted(str(k) for k in set(columns) - set(LOG_COLUMNS))
    if unknown:
        raise SchemaError(f"unknown field(s) {unknown}; fields are {', '.join(LOG_COLUMNS)}", file=str(path), column=unknown[0])
    for target, source in columns.items():
        if not isinstance(source, str | int) or isinstance(source, bool):
            raise SchemaError("a column name must be text", file=str(path), column=str(target), value=source)
    sources = pd.Series([str(v) for v in columns.values()], dtype=object)
    if sources.duplicated().any():
        raise SchemaError("two fields are mapped to the same column", file=str(path), value=sources[sources.duplicated()].iloc[0])
    timezone = spec.get("timezone", "UTC")
    if not isinstance(timezone, str):
        raise SchemaError("timezone must be an IANA name such as Asia/Tokyo", file=str(path), column="timezone", value=timezone)
    return ColumnMapping(
        columns={str(k): str(v) for k, v in columns.items()},
        outcomes=_words(spec, "outcomes", tuple(OUTCOME_DETAILS), path),
        channels=_words(spec, "channels", CHANNELS, path),
        timezone=check_timezone(timezone, str(path)),
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
    doubled = renamed.columns[renamed.columns.duplicated()]
    if len(doubled):
        raise SchemaError(
            f"two columns would both be '{doubled[0]}': the file has that column and the mapping names another for it",
            file=str(path),
            column=str(doubled[0]),
        )
    # Columns the format does not name (a user's ``synthetic`` column too) are left out.
    renamed = renamed.loc[:, [c for c in (*LOG_COLUMNS, FIELDS_MISSING) if c in renamed.columns]]
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
