"""Clean a takedown log file end to end and write the cleaned table, quarantine and quality report.

The one place where reading (generic CSV or Lumen JSON), choosing the key, cleaning and writing
meet; the CLI (``research takedowns clean``) and the pipeline stage both call it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research.clean.arrow_text import distinct_trimmed, to_series
from research.clean.lumen import LUMEN_OUTCOME_WORDS, read_lumen
from research.clean.pseudonyms import load_key
from research.clean.takedown_mapping import ColumnMapping, load_mapping, read_generic_log
from research.clean.takedowns import CleanedLog, clean_takedown_log
from research.errors import InputError
from research.lineage import write_sidecar
from research.outputs import write_table

FORMATS = ("generic", "lumen")
TRUE_WORDS = {"true", "1", "yes"}


def declared_synthetic(raw: pd.DataFrame, source: str) -> bool:
    """True if the log's ``synthetic`` column says every row is synthetic; a mix is an error."""
    if "synthetic" not in raw.columns:
        return False
    codes, uniques = distinct_trimmed(raw["synthetic"])
    flags = np.array([u.lower() in TRUE_WORDS for u in uniques] + [False], dtype=bool)[codes]
    if flags.all():
        return True
    if flags.any():
        row = int((~flags).nonzero()[0][0]) + 1
        raise InputError("a log may not mix synthetic and real rows", file=source, row=row, column="synthetic", value=raw["synthetic"].iloc[row - 1])
    return False


def clean_log_file(
    path: str | os.PathLike[str],
    log_format: str = "generic",
    mapping: str | os.PathLike[str] | None = None,
    *,
    synthetic: bool = False,
    public_sample: bool = False,
    key_file: str | os.PathLike[str] | None = None,
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
        The log is synthetic: rows are marked ``synthetic`` and URLs hashed with the published
        demo key. A log whose ``synthetic`` column is true on every row is treated the same way.
    public_sample
        The log is real but already published in full (e.g. Lumen's sample): its URLs are hashed
        with the demo key so outputs are the same everywhere; rows are *not* marked synthetic.
    key_file
        HMAC key file for real data, instead of the default location.
    """
    if log_format not in FORMATS:
        raise InputError(f"unknown format; choose one of {', '.join(FORMATS)}", file=str(path), value=log_format)
    source = Path(path).name
    if log_format == "lumen":
        column_mapping = ColumnMapping(outcomes=dict(LUMEN_OUTCOME_WORDS))
        raw = read_lumen(path)
    else:
        column_mapping = load_mapping(mapping)
        raw = read_generic_log(path, column_mapping)
    synthetic = synthetic or declared_synthetic(raw, source)
    key = load_key(synthetic=synthetic or public_sample, key_file=key_file)
    if "synthetic" in raw.columns:
        del raw["synthetic"]
    result = clean_takedown_log(
        raw,
        key=key,
        synthetic=synthetic,
        source=source,
        outcome_words=column_mapping.outcomes,
        channel_words=column_mapping.channels,
        timezone=column_mapping.timezone,
        consume=True,  # the log was read here and is not needed afterwards
    )
    key_kind = pd.DataFrame({"metric": ["hmac_key"], "value": ["demo (published, not secret)" if synthetic or public_sample else "secret"]}, dtype="string")
    return CleanedLog(result.table, result.quarantine, pd.concat([result.quality, key_kind], ignore_index=True))


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
    parameters: dict[str, object],
    root: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write ``takedowns.parquet`` + ``takedowns.csv``, ``quarantine.csv`` and ``quality.csv`` in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_table(csv_view(result.table), out_dir / "takedowns.csv", inputs=inputs, parameters=parameters, root=root)
    result.table.to_parquet(out_dir / "takedowns.parquet", index=False, engine="pyarrow", compression="zstd")

    written += [out_dir / "takedowns.parquet", write_sidecar(out_dir / "takedowns.parquet", inputs, parameters, root)]
    written += write_table(result.quarantine, out_dir / "quarantine.csv", inputs=inputs, parameters=parameters, root=root)
    written += write_table(result.quality, out_dir / "quality.csv", inputs=inputs, parameters=parameters, root=root)
    return written
