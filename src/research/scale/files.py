"""File-level entry points of the Dask engine, used by ``--engine dask`` of the CLI.

``research takedowns clean --engine dask`` writes the same files as the default engine
(``takedowns.parquet``/``.csv``, ``quarantine.csv``, ``quality.csv``, lineage sidecars) without
holding the table: the cleaning partitions are written split into blocks of row numbers, and the
blocks are then appended to the output files one at a time, each sorted by ``row_number``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from research.clean.synthetic_marker import choose_key
from research.clean.takedown_files import OUTPUT_FILES, csv_view
from research.clean.takedown_schema import QUARANTINE_COLUMNS, empty_clean_table
from research.clean.takedowns import CleanedLog
from research.errors import InputError, OutputError
from research.lineage import write_sidecar
from research.outputs import atomic_target, csv_ready, refuse_control_characters, remove_sidecars, write_table
from research.scale.engine import ROWS_PER_PARTITION, _quarantine, clean_partitions, csv_to_parquet, dask_scheduler, distinct_in_splits, parquet_parts
from research.scale.network import url_status_dask


def _blocks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("rows-*") if p.is_dir()) if folder.exists() else []


def _block_frame(block: Path, sort: list[str]) -> pd.DataFrame:
    frame = pd.concat([pd.read_parquet(p) for p in sorted(block.glob("*.parquet"))], ignore_index=True)
    return frame.sort_values(sort, kind="mergesort").reset_index(drop=True)


def write_table_in_row_order(pieces: Path, parquet: Path, csv: Path) -> int:
    """Append the cleaned table's row blocks, each sorted by ``row_number``, to one Parquet and one CSV.

    The CSV is byte for byte what writing the whole table at once gives (``csv_view``, ``\\n``
    line ends); the Parquet holds one row group per block with the contract's schema.

    Returns
    -------
    int
        Rows written.
    """
    schema = pa.Schema.from_pandas(empty_clean_table(), preserve_index=False)
    rows = 0
    with (
        atomic_target(parquet) as parquet_part,
        atomic_target(csv) as csv_part,
        pq.ParquetWriter(parquet_part, schema, compression="zstd") as writer,
        open(csv_part, "w", encoding="utf-8", newline="") as handle,
    ):
        csv_view(empty_clean_table()).to_csv(handle, index=False, lineterminator="\n")
        for block in _blocks(pieces):
            frame = _block_frame(block, ["row_number"])
            refuse_control_characters(frame, parquet)
            writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            csv_ready(csv_view(frame), csv).to_csv(handle, index=False, header=False, lineterminator="\n")
            rows += len(frame)
    return rows


def write_quarantine_in_row_order(pieces: Path, csv: Path) -> None:
    """Append the quarantine's row blocks to one CSV, sorted as the cleaner sorts it."""
    with atomic_target(csv) as part, open(part, "w", encoding="utf-8", newline="") as handle:
        pd.DataFrame(columns=list(QUARANTINE_COLUMNS)).to_csv(handle, index=False, lineterminator="\n")
        for block in _blocks(pieces):
            csv_ready(_quarantine([_block_frame(block, ["row_number"])]), csv).to_csv(handle, index=False, header=False, lineterminator="\n")


def clean_with_dask(
    log: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    synthetic: bool = False,
    public_sample: bool = False,
    key_file: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    inputs: list[Path] | None = None,
    parameters: Mapping[str, object] | None = None,
    root: str | os.PathLike[str] | None = None,
    pseudonymise_ids: bool = True,
) -> CleanedLog:
    """Clean ``log`` (UTF-8 CSV, or a folder of Parquet parts) with Dask and write the default engine's files.

    Writes ``out/takedowns.parquet``, ``takedowns.csv``, ``quarantine.csv`` and ``quality.csv`` with
    their lineage sidecars, as :func:`research.clean.takedown_files.write_cleaned` does, in memory
    bounded by one partition. Returns the quality table (``table`` and ``quarantine`` are empty:
    they are on disk).
    """
    log, out = Path(log), Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError("--out must be a folder, and this is a file", file=str(out))
    out.mkdir(parents=True, exist_ok=True)
    inputs = inputs if inputs is not None else [log]
    choice = choose_key(log, synthetic=synthetic, public_sample=public_sample, key_file=key_file)
    key, synthetic = choice.key, choice.synthetic
    with tempfile.TemporaryDirectory(dir=out, prefix=".dask-") as work:
        raw_files = parquet_parts(log) if log.is_dir() else csv_to_parquet(log, Path(work) / "raw")
        row_block = max((pq.ParquetFile(p).metadata.num_rows for p in raw_files), default=ROWS_PER_PARTITION) or ROWS_PER_PARTITION
        with dask_scheduler(scheduler):
            options = {"key": key, "synthetic": synthetic, "source": log.name, "pseudonymise_ids": pseudonymise_ids}
            splits = {"files": ("content_id", ["content_id"]), "urls": ("url_id", ["url_id"])}
            parts = clean_partitions(raw_files, Path(work) / "clean", options, row_block=row_block, splits=splits, work=Path(work) / "split")
            distinct = distinct_in_splits(parts, {"files": "content_id", "urls": "url_id"})
        remove_sidecars(out / name for name in OUTPUT_FILES)
        write_table_in_row_order(Path(work) / "clean" / "takedowns", out / "takedowns.parquet", out / "takedowns.csv")
        write_quarantine_in_row_order(Path(work) / "clean" / "quarantine", out / "quarantine.csv")
    key_kind = pd.DataFrame({"metric": ["hmac_key"], "value": [choice.kind]}, dtype="string")
    quality = pd.concat([parts.quality(distinct, synthetic), key_kind], ignore_index=True)
    for path in (out / "takedowns.csv", out / "takedowns.parquet", out / "quarantine.csv"):
        write_sidecar(path, inputs, parameters, root, **choice.lineage())
    write_table(quality, out / "quality.csv", inputs=inputs, parameters=parameters, root=root, extra=choice.lineage())
    return CleanedLog(empty_clean_table(), _quarantine([]), quality, choice.lineage())


def status_with_dask(cleaned: str | os.PathLike[str], scheduler: str | None = None) -> pd.DataFrame:
    """One row per URL of a cleaned log (Parquet file or folder), computed per URL partition.

    The reduction runs per ``url_id`` partition and writes parts (bounded); the parts are then
    collected, because the network's analysis (Louvain, model) works on the whole status in memory.
    """
    cleaned = Path(cleaned)
    if cleaned.suffix.lower() != ".parquet" and not cleaned.is_dir():
        raise InputError("the Dask engine reads a cleaned log in Parquet (takedowns.parquet or a folder of parts)", file=str(cleaned), value=cleaned.suffix)
    with dask_scheduler(scheduler):
        return url_status_dask(cleaned, cleaned.name, work_dir=cleaned.parent)
