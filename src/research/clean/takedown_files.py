"""Clean a takedown log file end to end and write the cleaned table, quarantine and quality report.

The one place where reading (generic CSV or Lumen JSON), choosing the key, cleaning and writing
meet; the CLI (``research takedowns clean``) and the pipeline stage both call it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from research.clean.arrow_text import to_series
from research.clean.lumen import LUMEN_OUTCOME_WORDS, read_lumen
from research.clean.synthetic_marker import choose_key
from research.clean.takedown_mapping import ColumnMapping, load_mapping, read_generic_log
from research.clean.takedown_schema import QUARANTINE_COLUMNS, empty_clean_table
from research.clean.takedowns import CleanedLog, clean_takedown_log, quality_lines
from research.errors import InputError, OutputError
from research.lineage import write_sidecar
from research.outputs import atomic_target, csv_ready, refuse_control_characters, remove_sidecars, write_csv, write_parquet

FORMATS = ("generic", "lumen")
#: What cleaning one log writes, in this order (the Dask engine writes the same files).
OUTPUT_FILES = ("takedowns.csv", "takedowns.parquet", "quarantine.csv", "quality.csv")


def clean_log_file(
    path: str | os.PathLike[str],
    log_format: str = "generic",
    mapping: str | os.PathLike[str] | None = None,
    *,
    synthetic: bool = False,
    public_sample: bool = False,
    key_file: str | os.PathLike[str] | None = None,
    pseudonymise_ids: bool = True,
) -> CleanedLog:
    """Read and clean one log file.

    Parameters
    ----------
    path
        The log: CSV (``generic``, optionally gzipped) or Lumen JSON (``lumen``).
    log_format
        ``"generic"`` or ``"lumen"``.
    mapping
        YAML/CSV column mapping for a generic export that does not use the documented names.
    synthetic
        Expect a log made by the toolkit's generator: refuse it unless its marker verifies. A
        generated log is recognised by its marker whether or not this is set; nothing in the log
        itself (a ``synthetic`` column is user data) makes it synthetic
        (:mod:`research.clean.synthetic_marker`).
    public_sample
        The log is one of the published samples shipped with the toolkit (Lumen's): its URLs are
        hashed with the demo key so outputs are the same everywhere; rows are *not* marked
        synthetic. Refused for any other file.
    key_file
        HMAC key file for real data, instead of the default location.
    pseudonymise_ids
        Replace ``request_id`` and ``content_id`` by keyed pseudonyms (the default); ``False``
        (``--keep-ids``) keeps them as written, scanned for e-mail addresses, phone numbers
        and URLs (see :func:`research.clean.takedowns.clean_takedown_log`).
    """
    if log_format not in FORMATS:
        raise InputError(f"unknown format; choose one of {', '.join(FORMATS)}", file=str(path), value=log_format)
    source = Path(path).name
    choice = choose_key(path, synthetic=synthetic, public_sample=public_sample, key_file=key_file)
    if log_format == "lumen":
        column_mapping = ColumnMapping(outcomes=dict(LUMEN_OUTCOME_WORDS))
        raw = read_lumen(path)
    else:
        column_mapping = load_mapping(mapping)
        raw = read_generic_log(path, column_mapping)
    result = clean_takedown_log(
        raw,
        key=choice.key,
        synthetic=choice.synthetic,
        source=source,
        outcome_words=column_mapping.outcomes,
        channel_words=column_mapping.channels,
        timezone=column_mapping.timezone,
        consume=True,  # the log was read here and is not needed afterwards
        pseudonymise_ids=pseudonymise_ids,
    )
    return CleanedLog(result.table, result.quarantine, with_key_kind(result.quality, choice.kind), choice.lineage())


def with_key_kind(quality: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The quality lines with, last, the kind of key the log was pseudonymised with (``hmac_key``)."""
    return pd.concat([quality, quality_lines([("hmac_key", kind)])], ignore_index=True)


def csv_view(table: pd.DataFrame) -> pd.DataFrame:
    """The cleaned table as written to CSV: timestamps as ``YYYY-MM-DDTHH:MM:SSZ`` text."""
    out = table.copy()
    for column in ("requested_at", "checked_at", "resolved_at"):
        # Arrow formats the whole column in C++ (pandas formats value by value); whole seconds first,
        # because Arrow's %S would print the microseconds too. Missing stays missing.
        seconds = pa.array(out[column]).cast(pa.timestamp("s", tz="UTC"), safe=False)
        out[column] = to_series(pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ"), out.index)
    return out


def write_cleaned(
    result: CleanedLog,
    out_dir: str | os.PathLike[str],
    *,
    inputs: list[Path],
    parameters: Mapping[str, object] | None,
    root: str | os.PathLike[str] | None = None,
    table_blocks: Iterable[pd.DataFrame] | None = None,
    quarantine_blocks: Iterable[pd.DataFrame] | None = None,
) -> list[Path]:
    """Write ``takedowns.parquet`` + ``takedowns.csv``, ``quarantine.csv`` and ``quality.csv`` in ``out_dir``.

    The one writer of a cleaned log, for both engines. Each file is written atomically
    (:mod:`research.outputs`); the four lineage sidecars are removed first and written after all
    four files, so an interrupted run leaves no file whose sidecar vouches for it, and a rerun
    recovers. The Dask engine, which never holds the table, passes ``table_blocks`` and
    ``quarantine_blocks`` (the rows in their final order, a block at a time) instead of
    ``result.table`` and ``result.quarantine``: the CSVs are then byte for byte the same, the
    Parquet file holds one row group per block.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError("--out must be a folder, and this is a file", file=str(out_dir))
    files = [out_dir / name for name in OUTPUT_FILES]
    remove_sidecars(files)
    if table_blocks is None:
        write_csv(csv_view(result.table), files[0])
        write_parquet(result.table, files[1])
    else:
        _write_table_blocks(table_blocks, files[0], files[1])
    if quarantine_blocks is None:
        write_csv(result.quarantine, files[2])
    else:
        _write_csv_blocks(quarantine_blocks, files[2], pd.DataFrame(columns=list(QUARANTINE_COLUMNS)))
    write_csv(result.quality, files[3])
    return files + [write_sidecar(path, inputs, parameters, root, **dict(result.provenance)) for path in files]


def _write_table_blocks(blocks: Iterable[pd.DataFrame], csv: Path, parquet: Path) -> None:
    """The cleaned table from its row blocks: appended to one CSV (``csv_view``) and one Parquet file (the contract's schema)."""
    schema = pa.Schema.from_pandas(empty_clean_table(), preserve_index=False)
    with (
        atomic_target(parquet) as parquet_part,
        atomic_target(csv) as csv_part,
        pq.ParquetWriter(parquet_part, schema, compression="zstd") as writer,
        open(csv_part, "w", encoding="utf-8", newline="") as handle,
    ):
        csv_view(empty_clean_table()).to_csv(handle, index=False, lineterminator="\n")
        for frame in blocks:
            refuse_control_characters(frame, parquet)
            writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            csv_ready(csv_view(frame), csv).to_csv(handle, index=False, header=False, lineterminator="\n")


def _write_csv_blocks(blocks: Iterable[pd.DataFrame], csv: Path, header: pd.DataFrame) -> None:
    """Row blocks appended to one CSV under ``header``'s columns, as :func:`research.outputs.write_csv` writes a whole table."""
    with atomic_target(csv) as part, open(part, "w", encoding="utf-8", newline="") as handle:
        header.to_csv(handle, index=False, lineterminator="\n")
        for frame in blocks:
            csv_ready(frame, csv).to_csv(handle, index=False, header=False, lineterminator="\n")
