"""The Dask engine's base: scheduler, CSV → Parquet parts, and cleaning partition by partition.

A log too large for memory is first streamed (pyarrow, a block at a time) into partitioned
Parquet with every column kept as text and the 1-based ``row_number`` of the source file
(:func:`csv_to_parquet`; :mod:`research.scale.synth_parquet` writes synthetic logs in the same
layout). Cleaning has one rule that looks across rows — a repeated URL within one request is
quarantined, the first one kept — so the partitions are shuffled by the stripped ``request_id``
(all rows of a request meet in one partition) and sorted by ``row_number`` before
:func:`research.clean.takedowns.clean_takedown_log` runs on each (:func:`clean_partitions`). Each
worker writes its partition's table and quarantine; only quality counts and distinct domains
travel back. The network steps that follow are in :mod:`research.scale.network`. How each result
combines over partitions is declared beside the default engine's kernel that makes it
(:mod:`research.reducers`): nothing here re-implements a rule, and every result equals the
default engine's on the same input (``tests/scale``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from dask.delayed import Delayed

from research.clean.read_table import FIELDS_MISSING, arrow_plan, gunzipped, is_gzip, read_text_table, whitespace_only_rows
from research.clean.takedown_schema import empty_clean_table, empty_quarantine
from research.clean.takedowns import DISTINCT_METRICS, QUALITY, CleanedLog, QualityCounts, clean_takedown_log, quality_table
from research.clean.urls import forget_hosts
from research.errors import InputError
from research.networks.bipartite import DOMAINS
from research.scale.memory import worker_environment
from research.scale.shuffle import bucket_of, present_buckets, read_bucket, row_groups, split_parquet, write_buckets

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
        # Workers hand freed memory back as this process does, when asked to (research.scale.memory).
        environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **worker_environment()}
        with (
            dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
            LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit=memory_limit, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def csv_to_parquet(csv_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], rows_per_partition: int = ROWS_PER_PARTITION) -> list[Path]:
    """Stream a CSV log into ``part-NNNNN.parquet`` files of text columns plus ``row_number``.

    The file is read as the default engine reads it (:mod:`research.clean.read_table`, one
    reader): a plain UTF-8 file is streamed with the same Arrow plan (:func:`~research.clean.read_table.arrow_plan`),
    so memory stays at one block of the reader plus one partition whatever the file's size; a
    gzipped file is first streamed out with the same caps; anything the plan does not cover
    (another encoding, a ragged row, a quoted line break) is read whole by the same general reader.
    """
    csv_path, out_dir = Path(csv_path), Path(out_dir)
    if not csv_path.exists():
        raise InputError("no such log", file=str(csv_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    if is_gzip(csv_path):
        with gunzipped(csv_path, str(csv_path), folder=out_dir) as plain:
            return csv_to_parquet(plain, out_dir, rows_per_partition)
    written: list[Path] = []

    def write(part: pa.Table) -> None:
        first = 1 + sum(pq.ParquetFile(p).metadata.num_rows for p in written)
        part = part.append_column("row_number", pa.array(np.arange(first, first + part.num_rows, dtype=np.int64)))
        path = out_dir / f"part-{len(written):05d}.parquet"
        pq.write_table(part, path)
        written.append(path)

    def write_all(table: pa.Table) -> list[Path]:
        for start in range(0, max(table.num_rows, 1), rows_per_partition):
            write(table.slice(start, rows_per_partition))
        return written

    plan = arrow_plan(csv_path)
    if plan is not None:
        names = [name.strip() for name in plan.header]
        try:
            reader = pacsv.open_csv(csv_path, read_options=plan.options["read_options"], parse_options=plan.options["parse_options"], convert_options=plan.options["convert_options"])
            pending = pa.Table.from_batches([], schema=reader.schema).rename_columns(names)
            for batch in reader:
                pending = pa.concat_tables([pending, pa.Table.from_batches([batch]).rename_columns(names)])
                while pending.num_rows >= rows_per_partition:
                    write(pending.slice(0, rows_per_partition))
                    pending = pending.slice(rows_per_partition)
            if pending.num_rows or not written:
                write(pending)
            if len(names) > 1 or not any(whitespace_only_rows(pq.read_table(p, columns=names)) for p in written):
                return written
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        for path in written:  # the general reader decides, as it does for the default engine
            path.unlink()
        written.clear()
    frame = read_text_table(csv_path, source=str(csv_path)).frame
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return write_all(table.cast(pa.schema([(c, pa.bool_() if c == FIELDS_MISSING else pa.large_string()) for c in frame.columns])))


def parquet_parts(folder: str | os.PathLike[str]) -> list[Path]:
    """Every ``*.parquet`` under ``folder`` (pieces in sub-folders included), in sorted path order."""
    return sorted(Path(folder).rglob("*.parquet"))


def read_parts(folder: str | os.PathLike[str], columns: list[str] | None = None) -> pd.DataFrame | None:
    """All parts of a folder in one DataFrame, in path order (small outputs and tests only); ``None`` if none."""
    parts = [pd.read_parquet(p, columns=columns) for p in parquet_parts(folder)]
    return pd.concat(parts, ignore_index=True) if parts else None


def tree_reduce(values: list[Delayed], combine: Callable[[list], object], fan_in: int = 8) -> Delayed:
    """Combine delayed values ``fan_in`` at a time, level by level, so no task holds them all.

    ``combine`` takes a list (of values, or of earlier results) and is always applied at least once.
    """
    values = list(values)
    while True:
        values = [dask.delayed(combine)(values[i : i + fan_in]) for i in range(0, max(len(values), 1), fan_in)]
        if len(values) == 1:
            return values[0]


def _item(value: tuple | None, index: int) -> object:
    return None if value is None else value[index]


def _write_pieces(frame: pd.DataFrame, folder: Path, number: int, row_block: int | None) -> None:
    """Write one partition's rows: as ``part-NNNNN.parquet``, or split into ``rows-KKKKKK/from-NNNNN.parquet``.

    The split puts rows ``K·row_block + 1 … (K + 1)·row_block`` in folder ``rows-K``, so a later
    pass can write the whole table in row order one block at a time.
    """
    if not len(frame):
        return
    if row_block is None:
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(folder / f"part-{number:05d}.parquet", index=False)
        return
    block = (frame["row_number"].to_numpy() - 1) // row_block
    for k in np.unique(block):
        target = folder / f"rows-{k:06d}"
        target.mkdir(parents=True, exist_ok=True)
        frame[block == k].to_parquet(target / f"from-{number:05d}.parquet", index=False)


def _clean_partition(part: pd.DataFrame, options: Mapping[str, object]) -> CleanedLog:
    part = part.sort_values("row_number", kind="mergesort").reset_index(drop=True)
    part = part.drop(columns=["synthetic"], errors="ignore").replace("", pd.NA)
    return clean_takedown_log(part, **options)


def request_keys(request_id: pd.Series) -> pd.Series:
    """The key the cleaner groups requests by: the id without surrounding spaces."""
    return request_id.astype("string").str.strip()


#: A split of the cleaned table written by each cleaning task: ``name → (key column, columns kept)``.
Splits = Mapping[str, tuple[str, list[str]]]
#: The splits that give the quality's distinct counts (:data:`research.clean.takedowns.DISTINCT_METRICS`);
#: the domains need none, they are the union of the partitions' domains.
DISTINCT_SPLITS: Splits = {name: (column, [column]) for name, column in DISTINCT_METRICS.items() if name != "domains"}


def _clean_task(raw: Path, bucket: int, options: Mapping[str, object], out_dir: Path, row_block: int | None, splits: Splits, work: Path, buckets: int) -> tuple | None:
    """Clean one request bucket; write its table, quarantine and splits; return its partial quality and domains."""
    part = read_bucket(raw, bucket)
    if not len(part):
        return None
    result = _clean_partition(part, options)
    forget_hosts()  # the next partition's hosts are parsed again rather than kept, so workers do not grow
    _write_pieces(result.table, out_dir / "takedowns", bucket, row_block)
    _write_pieces(result.quarantine, out_dir / "quarantine", bucket, row_block)
    for name, (column, columns) in splits.items():
        write_buckets(result.table, bucket_of(result.table[column], buckets), work / name, bucket, columns)
    return result.counts, DOMAINS.partial(result.table)  # the cleaner's own counts of this partition


@dataclass(frozen=True)
class CleanedParts:
    """What :func:`clean_partitions` wrote and brought back.

    Attributes
    ----------
    out_dir
        Holds ``takedowns/`` and ``quarantine/`` (Parquet parts, or row-block pieces).
    work
        Holds each requested split of the cleaned table, ``work/<name>/bucket-K/…``.
    buckets
        Number of hash buckets of the splits (= partitions of the raw log).
    quality
        The partitions' quality counts, combined (:data:`research.clean.takedowns.QUALITY`).
    domains
        Sorted distinct domains of the cleaned table.
    """

    out_dir: Path
    work: Path
    buckets: int
    counts: QualityCounts | None
    domains: np.ndarray

    @property
    def table_files(self) -> list[Path]:
        return parquet_parts(self.out_dir / "takedowns")

    @property
    def quarantine_files(self) -> list[Path]:
        return parquet_parts(self.out_dir / "quarantine")

    def quality(self, distinct: Mapping[str, int], synthetic: bool) -> pd.DataFrame:
        """The whole log's quality table, given its distinct counts of files and URLs."""
        return QUALITY.finish(self.counts, distinct={"domains": len(self.domains), **distinct}, synthetic=synthetic)


def clean_partitions(
    raw_files: list[Path],
    out_dir: str | os.PathLike[str],
    options: Mapping[str, object],
    *,
    row_block: int | None = None,
    splits: Splits | None = None,
    work: str | os.PathLike[str] | None = None,
) -> CleanedParts:
    """Clean a partitioned raw log partition by partition, writing the table and the quarantine.

    Each raw part (row group) is split by the hash of its stripped ``request_id`` into as many
    buckets as there are row groups (:mod:`research.scale.shuffle`): the cleaner's only rule across
    rows, a repeated URL within one request, needs all rows of a request in one partition. Earlier
    contents of ``out_dir/takedowns`` and ``out_dir/quarantine`` are removed. Each bucket is sorted by
    ``row_number`` and cleaned by :func:`research.clean.takedowns.clean_takedown_log`; the task writes
    its table and quarantine, and only the partition's quality counts and distinct domains come
    back, combined in a tree by their declared reducers (:mod:`research.reducers`). Memory: one partition per task; in
    the driver, the number of domains.

    Parameters
    ----------
    raw_files
        Parquet parts of text columns plus ``row_number`` (:func:`csv_to_parquet`,
        :func:`research.scale.synth_parquet.write_synth_parquet`).
    out_dir
        Folder that receives ``takedowns/`` and ``quarantine/``.
    options
        Keyword arguments of ``clean_takedown_log`` (``key``, ``synthetic``, ``source`` …).
    row_block
        ``None``: one part per partition. A number: split each partition's rows into row-number
        blocks of this size (``rows-K/from-N.parquet``), for writing the table in row order later.
    splits
        Hash splits of the cleaned table to write for later steps, e.g.
        ``{"status": ("url_id", [...columns])}`` → ``work/status/bucket-K/from-N.arrow``.
    work
        Folder for the pieces (default ``out_dir/_work``); the caller removes it when done.
    """
    out_dir = Path(out_dir)
    work = Path(work) if work is not None else out_dir / "_work"
    buckets = max(1, row_groups(raw_files))
    for folder in (out_dir / "takedowns", out_dir / "quarantine", *(work / name for name in ("raw", *(splits or {})))):
        shutil.rmtree(folder, ignore_errors=True)  # parts of an earlier run would be read as this run's
    split_parquet(raw_files, "request_id", work / "raw", buckets, key=request_keys)
    tasks = [
        dask.delayed(_clean_task)(work / "raw", bucket, dict(options), out_dir, row_block, dict(splits or {}), work, buckets)
        for bucket in present_buckets(work / "raw")
    ]
    counts = tree_reduce([dask.delayed(_item)(t, 0) for t in tasks], QUALITY.combine)
    domains = tree_reduce([dask.delayed(_item)(t, 1) for t in tasks], DOMAINS.combine)
    counts, domains = dask.compute(counts, domains)
    shutil.rmtree(work / "raw", ignore_errors=True)
    return CleanedParts(out_dir, work, buckets, counts, domains)


def _distinct_task(folder: Path, bucket: int, column: str) -> int:
    return int(read_bucket(folder, bucket, [column])[column].nunique())


def distinct_in_splits(parts: CleanedParts, splits: Splits) -> dict[str, int]:
    """Distinct values of each split's key (``splits`` as given to :func:`clean_partitions`, e.g. :data:`DISTINCT_SPLITS`).

    All rows of a key are in one bucket of its split, so the buckets' distinct counts add up.
    """
    counts = {}
    for name, (column, _) in splits.items():
        folder = parts.work / name
        counts[name] = int(sum(dask.compute(*[dask.delayed(_distinct_task)(folder, bucket, column) for bucket in present_buckets(folder)])))
    return counts


def sorted_quarantine(files: list[Path]) -> pd.DataFrame:
    """The quarantine parts in one table, sorted as the cleaner sorts it (row, column, reason)."""
    parts = [pd.read_parquet(f) for f in files]
    return _quarantine(parts)


def _quarantine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_quarantine()
    return pd.concat(parts, ignore_index=True).sort_values(["row_number", "column", "reason"], kind="mergesort").reset_index(drop=True)


def clean_log_to_parquet(
    parquet_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, key: bytes, synthetic: bool = False, source: str = "log", **words: object
) -> CleanedLog:
    """Clean a partitioned raw log with Dask, writing the table as partitioned Parquet.

    The table goes to ``out_dir/takedowns/`` and the quarantine to ``out_dir/quarantine/``, partition
    by partition; the returned ``table`` is empty, ``quarantine`` is read back from its parts (it
    holds the problem rows only) and the quality counts come from the partitions' counts plus
    distinct counts of files and URLs over hash splits of those keys.
    """
    options = {"key": key, "synthetic": synthetic, "source": source, **words}
    parts = clean_partitions(parquet_parts(parquet_dir), out_dir, options, splits=DISTINCT_SPLITS)
    distinct = distinct_in_splits(parts, DISTINCT_SPLITS)
    shutil.rmtree(parts.work, ignore_errors=True)
    return CleanedLog(empty_clean_table(), sorted_quarantine(parts.quarantine_files), parts.quality(distinct, synthetic))


def clean_log_dask(
    parquet_dir: str | os.PathLike[str], *, key: bytes, synthetic: bool = False, source: str = "log", work_dir: str | os.PathLike[str] | None = None, **words: object
) -> CleanedLog:
    """Clean a partitioned raw log with Dask and collect the result (same as the default engine).

    ``words`` passes ``outcome_words``, ``channel_words`` and ``timezone`` on to the cleaner.
    Partitions are written to ``work_dir`` (a temporary folder by default; with a remote scheduler
    it must be a folder the workers can write) and read back: collecting needs the cleaned table
    in memory, :func:`clean_log_to_parquet` does not.
    """
    options = {"key": key, "synthetic": synthetic, "source": source, **words}
    with tempfile.TemporaryDirectory(dir=work_dir) as work:
        parts = clean_partitions(parquet_parts(parquet_dir), work, options)
        table = read_parts(Path(work) / "takedowns")
        quarantine = sorted_quarantine(parts.quarantine_files)
    table = empty_clean_table() if table is None else table.sort_values("row_number", kind="mergesort").reset_index(drop=True)
    return CleanedLog(table, quarantine, quality_table(_rows(parquet_dir), table, quarantine, synthetic))


def _rows(parquet_dir: str | os.PathLike[str]) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in parquet_parts(parquet_dir))
