"""File-level entry points of the Dask engine, used by ``--engine dask`` of the CLI.

``research network build --engine dask`` builds the network with :func:`network_with_dask`
(:mod:`research.scale.network_build`): the same tables as the default engine, from partitions.

``research takedowns clean --engine dask`` writes the same files as the default engine
(``takedowns.parquet``/``.csv``, ``quarantine.csv``, ``quality.csv``, lineage sidecars) without
holding the table: the cleaning partitions are written split into blocks of row numbers, and the
default engine's writer (:func:`research.clean.takedown_files.write_cleaned`) appends the blocks
to the output files one at a time, each sorted by ``row_number``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from research.clean.synthetic_marker import choose_key
from research.clean.takedown_files import with_key_kind, write_cleaned
from research.clean.takedown_schema import empty_clean_table
from research.clean.takedowns import CleanedLog
from research.config import SEED
from research.errors import InputError, OutputError
from research.networks.build import NetworkBuild
from research.scale.engine import DISTINCT_SPLITS, ROWS_PER_PARTITION, _quarantine, clean_partitions, csv_to_parquet, dask_scheduler, distinct_in_splits, parquet_parts
from research.scale.network_build import network_dask


def _blocks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("rows-*") if p.is_dir()) if folder.exists() else []


def row_blocks(pieces: Path) -> Iterator[pd.DataFrame]:
    """The cleaned rows written by the cleaning tasks, block after block, each sorted by ``row_number``."""
    for block in _blocks(pieces):
        frame = pd.concat([pd.read_parquet(p) for p in sorted(block.glob("*.parquet"))], ignore_index=True)
        yield frame.sort_values("row_number", kind="mergesort").reset_index(drop=True)


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
    their lineage sidecars with :func:`research.clean.takedown_files.write_cleaned`, in memory
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
            parts = clean_partitions(raw_files, Path(work) / "clean", options, row_block=row_block, splits=DISTINCT_SPLITS, work=Path(work) / "split")
            distinct = distinct_in_splits(parts, DISTINCT_SPLITS)
        result = CleanedLog(empty_clean_table(), _quarantine([]), with_key_kind(parts.quality(distinct, synthetic), choice.kind), choice.lineage())
        quarantine = (_quarantine([block]) for block in row_blocks(Path(work) / "clean" / "quarantine"))
        write_cleaned(result, out, inputs=inputs, parameters=parameters, root=root, table_blocks=row_blocks(Path(work) / "clean" / "takedowns"), quarantine_blocks=quarantine)
    return result


def network_with_dask(cleaned: str | os.PathLike[str], scheduler: str | None = None, *, seed: int = SEED, bootstrap_replicates: int = 200) -> NetworkBuild:
    """The network of a cleaned log (Parquet file or folder), computed from partitions (``network build --engine dask``).

    The URL status is computed per ``url_id`` partition and never collected: every table the
    network needs is combined from per-partition results at site level
    (:mod:`research.scale.network_build`), so the driver holds per-node, per-link and per-pair
    tables and the model's sample of at most ``MODEL_SAMPLE`` URLs. The result equals
    :func:`research.networks.build.build_network` of the whole log.
    """
    cleaned = Path(cleaned)
    if cleaned.suffix.lower() != ".parquet" and not cleaned.is_dir():
        raise InputError("the Dask engine reads a cleaned log in Parquet (takedowns.parquet or a folder of parts)", file=str(cleaned), value=cleaned.suffix)
    if not cleaned.exists():
        raise InputError("no such takedown log; clean one first with `research takedowns clean`", file=str(cleaned))
    with dask_scheduler(scheduler):
        return network_dask(cleaned, seed=seed, bootstrap_replicates=bootstrap_replicates, source=cleaned.name, work_dir=cleaned.parent)
