"""The Dask engine: the same cleaning and URL-status functions, applied partition by partition.

A log too large for memory is first streamed (pyarrow, a block at a time) into partitioned
Parquet with every column kept as text and the 1-based ``row_number`` of the source file. Cleaning
has one rule that looks across rows — a repeated URL within one request is quarantined, the first
one kept — so the partitions are shuffled by ``request_id`` (all rows of a request meet in one
partition) and sorted by ``row_number`` before :func:`research.clean.takedowns.clean_takedown_log`
runs on each. The network's unit, the latest status of each URL, likewise needs all reports of a
URL together: partitions are shuffled by ``url_id`` and
:func:`research.networks.status.latest_url_status` runs on each. Both give exactly what the
default engine gives on the same input (``tests/scale``); nothing here re-implements a rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from research.clean.takedown_schema import QUARANTINE_COLUMNS, empty_clean_table
from research.clean.takedowns import CleanedLog, clean_takedown_log, quality_table
from research.errors import InputError
from research.networks.status import latest_url_status

#: Rows per Parquet partition written from a CSV: ~1M rows of a takedown log are ~0.5 GB in pandas.
ROWS_PER_PARTITION = 1_000_000
#: Memory limit of each worker of the default local cluster.
WORKER_MEMORY = "4GB"


@contextmanager
def dask_scheduler(scheduler: str | None = None, *, workers: int = 2, memory_limit: str = WORKER_MEMORY) -> Iterator[object]:
    """Run the enclosed Dask work on ``scheduler``.

    Parameters
    ----------
    scheduler
        ``None``: a local ``dask.distributed`` cluster (``workers`` processes, one thread each,
        ``memory_limit`` each, spilling to disk beyond it); ``"synchronous"`` or ``"threads"``:
        Dask's in-process schedulers (tests, debugging); anything else: the address of a running
        scheduler (``tcp://host:8786``).
    """
    if scheduler in ("synchronous", "threads"):
        with dask.config.set(scheduler=scheduler):
            yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is None:
        with LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit=memory_limit, dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def csv_to_parquet(csv_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], rows_per_partition: int = ROWS_PER_PARTITION) -> list[Path]:
    """Stream a UTF-8 CSV log into ``part-NNNNN.parquet`` files of text columns plus ``row_number``.

    Memory stays at one block of the reader plus one partition, whatever the file's size. The
    default engine's reader also guesses encodings and delimiters; this one expects the
    documented format (UTF-8, comma), as a large export written by a database would be.
    """
    csv_path, out_dir = Path(csv_path), Path(out_dir)
    if not csv_path.exists():
        raise InputError("no such log", file=str(csv_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    header = pacsv.open_csv(csv_path).schema.names
    convert = pacsv.ConvertOptions(column_types={name: pa.string() for name in header}, strings_can_be_null=False)
    reader = pacsv.open_csv(csv_path, convert_options=convert, read_options=pacsv.ReadOptions(block_size=64 << 20))
    written: list[Path] = []
    pending = pa.Table.from_batches([], schema=reader.schema)

    def write(part: pa.Table) -> None:
        first = 1 + sum(pq.ParquetFile(p).metadata.num_rows for p in written)
        part = part.append_column("row_number", pa.array(np.arange(first, first + part.num_rows, dtype=np.int64)))
        path = out_dir / f"part-{len(written):05d}.parquet"
        pq.write_table(part, path)
        written.append(path)

    for batch in reader:
        pending = pa.concat_tables([pending, pa.Table.from_batches([batch])])
        while pending.num_rows >= rows_per_partition:
            write(pending.slice(0, rows_per_partition))
            pending = pending.slice(rows_per_partition)
    if pending.num_rows or not written:
        write(pending)
    return written


def _clean_partition(part: pd.DataFrame, options: Mapping[str, object]) -> CleanedLog:
    part = part.sort_values("row_number", kind="mergesort").reset_index(drop=True)
    part = part.drop(columns=["synthetic"], errors="ignore").replace("", pd.NA)
    return clean_takedown_log(part, **options)


def _clean_partition_task(part: pd.DataFrame, options: Mapping[str, object], target: Path | None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Clean one partition; write its table to ``target`` (and return none) or return it."""
    result = _clean_partition(part, options)
    if target is None:
        return result.table, result.quarantine
    result.table.to_parquet(target, index=False)
    return None, result.quarantine


def _run_cleaning(parquet_dir: str | os.PathLike[str], options: Mapping[str, object], out_dir: Path | None) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    raw = dd.read_parquet(str(parquet_dir))
    raw = raw.shuffle(on="request_id")  # every row of a request in one partition
    tasks = [
        dask.delayed(_clean_partition_task)(part, options, None if out_dir is None else out_dir / f"part-{number:05d}.parquet")
        for number, part in enumerate(raw.to_delayed())
    ]
    results = dask.compute(*tasks)
    tables = [table for table, _ in results if table is not None]
    return tables, _quarantine([quarantine for _, quarantine in results])


def _quarantine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row_number" else "string") for c in QUARANTINE_COLUMNS})
    return pd.concat(parts, ignore_index=True).sort_values(["row_number", "column", "reason"], kind="mergesort").reset_index(drop=True)


def clean_log_dask(
    parquet_dir: str | os.PathLike[str], *, key: bytes, synthetic: bool = False, source: str = "log", **words: object
) -> CleanedLog:
    """Clean a partitioned raw log with Dask and collect the result (same as the default engine).

    ``words`` passes ``outcome_words``, ``channel_words`` and ``timezone`` on to the cleaner.
    Collecting needs the cleaned table in memory; :func:`clean_log_to_parquet` does not.
    """
    options = {"key": key, "synthetic": synthetic, "source": source, **words}
    tables, quarantine = _run_cleaning(parquet_dir, options, None)
    tables = [t for t in tables if len(t)] or [empty_clean_table()]
    table = pd.concat(tables, ignore_index=True).sort_values("row_number", kind="mergesort").reset_index(drop=True)
    return CleanedLog(table, quarantine, quality_table(_rows(parquet_dir), table, quarantine, synthetic))


def _rows(parquet_dir: str | os.PathLike[str]) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(Path(parquet_dir).glob("*.parquet")))


def clean_log_to_parquet(
    parquet_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, key: bytes, synthetic: bool = False, source: str = "log", **words: object
) -> CleanedLog:
    """Clean a partitioned raw log with Dask, writing the table as partitioned Parquet.

    Only the quarantine (problem rows) and the quality counts come back into memory; the table is
    written partition by partition to ``out_dir/takedowns/`` and the returned ``table`` is empty.
    """
    options = {"key": key, "synthetic": synthetic, "source": source, **words}
    target = Path(out_dir) / "takedowns"
    target.mkdir(parents=True, exist_ok=True)
    _, quarantine = _run_cleaning(parquet_dir, options, target)
    written = dd.read_parquet(str(target))
    quality = quality_table(_rows(parquet_dir), _LazyTable(written), quarantine, synthetic)
    return CleanedLog(empty_clean_table(), quarantine, quality)


class _LazyTable:
    """Just enough of a DataFrame for :func:`quality_table`: every count is computed by Dask."""

    def __init__(self, frame: dd.DataFrame) -> None:
        self._frame = frame

    def __len__(self) -> int:
        return int(self._frame.shape[0].compute())

    def __getitem__(self, column: str) -> "_LazyColumn":
        return _LazyColumn(self._frame[column])


class _LazyColumn:
    def __init__(self, series: dd.Series) -> None:
        self._series = series

    def nunique(self) -> int:
        return int(self._series.nunique().compute())

    def sum(self) -> int:
        return int(self._series.sum().compute())

    def isna(self) -> "_LazyColumn":
        return _LazyColumn(self._series.isna())

    def notna(self) -> "_LazyColumn":
        return _LazyColumn(~self._series.isna())

    def __eq__(self, other: object) -> "_LazyColumn":  # type: ignore[override]
        return _LazyColumn(self._series == other)

    def __ne__(self, other: object) -> "_LazyColumn":  # type: ignore[override]
        return _LazyColumn(self._series != other)

    def __and__(self, other: "_LazyColumn") -> "_LazyColumn":
        return _LazyColumn(self._series & other._series)


def url_status_dask(cleaned: str | os.PathLike[str] | dd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """One row per URL with its latest check, computed per ``url_id`` partition by Dask.

    The same table :func:`research.networks.status.latest_url_status` returns for the whole log.
    """
    frame = cleaned if isinstance(cleaned, dd.DataFrame) else dd.read_parquet(str(cleaned))
    meta = latest_url_status(frame._meta.assign(outcome=pd.Series(dtype="string")), source)
    status = frame.shuffle(on="url_id").map_partitions(latest_url_status, source, meta=meta)
    return status.compute().sort_values("url_id", kind="mergesort").reset_index(drop=True)
