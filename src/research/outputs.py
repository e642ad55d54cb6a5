"""Deterministic writers: the same table always gives the same bytes, with lineage beside it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from research.lineage import write_sidecar


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as UTF-8 CSV with ``\\n`` line ends and no index."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as Parquet (pyarrow, zstd, no index)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
    return path


def write_json(obj: object, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as sorted, indented JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")
    return path


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    parameters: Mapping[str, object] | None = None,
    parquet: bool = False,
    root: str | os.PathLike[str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> list[Path]:
    """Write a processed table as CSV (and Parquet beside it), each with a lineage sidecar.

    Parameters
    ----------
    df
        The table; written as given, so sort it first.
    path
        Target ``.csv`` path; the Parquet copy takes the same stem.
    inputs
        Files the table was made from (their sha256 goes into the sidecar).
    parameters
        Settings that shaped the table (thresholds, seeds, formats).
    parquet
        Also write ``<stem>.parquet``.
    root
        Project root; sidecar paths are written relative to it.
    extra
        Top-level keys added to the sidecars (e.g. ``synthetic``, ``synthetic_evidence``).

    Returns
    -------
    list of Path
        Every file written, sidecars included.
    """
    inputs = list(inputs)
    written = [write_csv(df, path)]
    if parquet:
        written.append(write_parquet(df, Path(path).with_suffix(".parquet")))
    for target in list(written):
        written.append(write_sidecar(target, inputs, parameters, root, extra))
    return written
