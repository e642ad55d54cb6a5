"""File-level entry points of the Dask engine, used by ``--engine dask`` of the CLI."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from research.clean.pseudonyms import load_key
from research.clean.takedowns import CleanedLog
from research.scale.engine import clean_log_dask, csv_to_parquet, dask_scheduler, url_status_dask


def clean_with_dask(
    log: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    synthetic: bool = False,
    public_sample: bool = False,
    key_file: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
) -> CleanedLog:
    """Stream ``log`` (UTF-8 CSV or a folder of Parquet parts) into partitions and clean them with Dask."""
    log = Path(log)
    key = load_key(synthetic=synthetic or public_sample, key_file=key_file)
    with tempfile.TemporaryDirectory(dir=Path(out).parent if Path(out).parent.exists() else None) as work:
        parts = log if log.is_dir() else csv_to_parquet(log, Path(work) / "raw")[0].parent
        with dask_scheduler(scheduler):
            result = clean_log_dask(parts, key=key, synthetic=synthetic, source=log.name)
    kind = "demo (published, not secret)" if synthetic or public_sample else "secret"
    key_kind = pd.DataFrame({"metric": ["hmac_key"], "value": [kind]}, dtype="string")
    return CleanedLog(result.table, result.quarantine, pd.concat([result.quality, key_kind], ignore_index=True))


def status_with_dask(cleaned: str | os.PathLike[str], scheduler: str | None = None) -> pd.DataFrame:
    """One row per URL of a cleaned log (Parquet file or folder), computed per URL partition."""
    with dask_scheduler(scheduler):
        return url_status_dask(cleaned, Path(cleaned).name)
