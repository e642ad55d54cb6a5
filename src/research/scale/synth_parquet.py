"""A synthetic takedown log of any size, written chunk by chunk to Parquet parts (synthetic — illustrative).

The repository's generator (:func:`research.takedowns.synth.synth_log`) builds a whole log in
memory. For logs larger than memory this module calls it once per *chunk*, each chunk with its own
seed derived from one base seed and its own share of the files (the seed funnel's proportions, via
:func:`research.takedowns.seeds.scaled_counts`), and writes each chunk as one Parquet part before
drawing the next: memory stays at one chunk whatever the size.

So that the chunks form one coherent log, every identifier is made disjoint across chunks by the
chunk number: ``SYN-R00003-0000017`` (request), ``syn-file-00003-000017`` (file) and a URL path
token ``…/v/00003-7919`` — no request, file or URL of one chunk appears in another. Each chunk draws
its own made-up sites, providers and countries (as ``synth_log`` does for a log of that size), so
the number of domains grows with the log as it would for one big ``synth_log``; a site name drawn in
two chunks by chance is one domain.

Parts hold the text columns of the documented CSV (empty values as ``""``), ``synthetic`` = ``"true"``
on every row, and the 1-based ``row_number`` of the whole log — the layout
:func:`research.scale.engine.csv_to_parquet` writes, so the Dask engine reads both alike. The same
size, seed and chunk size give the same bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from research.clean.synthetic_marker import marker_path, write_marker
from research.config import SEED
from research.outputs import write_json
from research.takedowns.seeds import SeedFunnel, scaled_counts
from research.takedowns.synth import synth_log

#: Rows per chunk (= per Parquet part): ~1 GB of memory while one chunk is drawn.
ROWS_PER_CHUNK = 1_000_000
#: Average rows per file in the synthetic log (the seed log: 355,705 URLs for 99,266 files).
ROWS_PER_FILE = 3.58
#: File written last: its presence says the folder holds a complete log.
DONE_FILE = "_synthetic_log.json"
_PREFIXES = {"request_id": "SYN-R", "content_id": "syn-file-"}
_URL_TOKEN = r"^(https://[^/]+/[^/]+/)"


def chunk_files(rows: int, rows_per_chunk: int = ROWS_PER_CHUNK) -> list[int]:
    """Files drawn in each chunk for a log of about ``rows`` rows (near-equal shares, exact total).

    Parameters
    ----------
    rows
        Wanted rows; the log has about this many (each file gets 1–150 URLs at random).
    rows_per_chunk
        Wanted rows per chunk.

    Returns
    -------
    list of int
        One file count per chunk, summing to ``round(rows / ROWS_PER_FILE)`` (at least 1).
    """
    if rows < 1 or rows_per_chunk < 1:
        raise ValueError(f"rows ({rows}) and rows_per_chunk ({rows_per_chunk}) must be positive")
    files = max(1, round(rows / ROWS_PER_FILE))
    chunks = min(files, -(-rows // rows_per_chunk))
    return [files // chunks + (1 if i < files % chunks else 0) for i in range(chunks)]


def chunk_seed(seed: int, chunk: int) -> int:
    """The seed of chunk ``chunk``, derived from the base ``seed`` (NumPy ``SeedSequence``)."""
    return int(np.random.SeedSequence([seed, chunk]).generate_state(1, dtype=np.uint64)[0])


def synth_chunk(funnel: SeedFunnel, files: int, seed: int, chunk: int, first_row: int) -> pa.Table:
    """One chunk: ``synth_log`` of ``files`` files with chunk-prefixed ids and global row numbers.

    Parameters
    ----------
    funnel
        The seed funnel whose status proportions every chunk keeps.
    files
        Files in this chunk.
    seed
        The log's base seed (the chunk's own seed is :func:`chunk_seed`).
    chunk
        Chunk number, 0-based; written into every id.
    first_row
        ``row_number`` of the chunk's first row in the whole log.

    Returns
    -------
    pyarrow.Table
        Text columns of the documented format, ``synthetic`` and ``row_number`` (int64).
    """
    log = synth_log(scaled_counts(funnel, files), seed=chunk_seed(seed, chunk))
    columns = {name: pa.array(log[name].to_numpy(dtype=object), type=pa.string()) for name in log.columns}
    tag = f"{chunk:05d}-"
    for name, prefix in _PREFIXES.items():
        text = columns[name]
        if not pc.all(pc.starts_with(text, prefix)).as_py():
            raise ValueError(f"synth_log wrote a {name} without the prefix {prefix!r}; cannot make ids disjoint across chunks")
        columns[name] = pc.binary_join_element_wise(prefix + tag, pc.utf8_slice_codeunits(text, len(prefix)), "")
    columns["url"] = pc.replace_substring_regex(columns["url"], _URL_TOKEN, r"\1" + tag)
    columns["row_number"] = pa.array(np.arange(first_row, first_row + len(log), dtype=np.int64))
    return pa.table(columns)


def write_synth_parquet(
    out_dir: str | os.PathLike[str],
    rows: int,
    funnel: SeedFunnel,
    *,
    seed: int = SEED,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> list[Path]:
    """Write a synthetic log of about ``rows`` rows as ``part-NNNNN.parquet``, one chunk at a time.

    A folder that already holds the finished log of the same size, seed and chunk size is left as
    it is; parts are written under a temporary name and renamed, so an interrupted run never leaves
    a part that looks finished, and ``_synthetic_log.json`` (size, seed, rows) is written last.

    Parameters
    ----------
    out_dir
        Folder for the parts.
    rows, seed, rows_per_chunk
        Wanted size, base seed, wanted rows per part.
    funnel
        File counts per status whose proportions the log keeps
        (:func:`research.takedowns.seeds.seed_funnel` of ``figures.csv``).

    Returns
    -------
    list of Path
        The parts, in row order.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = {"requested_rows": rows, "seed": seed, "rows_per_chunk": rows_per_chunk, "synthetic": True}
    done = out_dir / DONE_FILE
    files = chunk_files(rows, rows_per_chunk)
    paths = [out_dir / f"part-{chunk:05d}.parquet" for chunk in range(len(files))]
    if done.exists() and marker_path(out_dir).exists() and {k: v for k, v in json.loads(done.read_text()).items() if k in settings} == settings:
        return paths
    done.unlink(missing_ok=True)
    first_row = 1
    for chunk, (count, path) in enumerate(zip(files, paths)):
        table = synth_chunk(funnel, count, seed, chunk, first_row)
        table = table.replace_schema_metadata({"synthetic": "true (synthetic - illustrative)", "generator": "research.scale.synth_parquet"})
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial, compression="zstd")
        partial.rename(path)
        first_row += table.num_rows
    write_marker(out_dir, "research.scale.synth_parquet")
    write_json(settings | {"rows": first_row - 1, "parts": len(paths)}, done)
    return paths


def synth_parquet_rows(out_dir: str | os.PathLike[str]) -> int:
    """Rows of a finished synthetic Parquet log (from its ``_synthetic_log.json``)."""
    done = Path(out_dir) / DONE_FILE
    if not done.exists():
        raise FileNotFoundError(f"{done}: no finished synthetic log in this folder")
    return int(json.loads(done.read_text())["rows"])


def read_synth_parquet(out_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """The whole log in memory as text columns (for tests and small logs only)."""
    return pd.concat([pd.read_parquet(p) for p in sorted(Path(out_dir).glob("part-*.parquet"))], ignore_index=True)
