"""The one writer of the toolkit's tables: deterministic, atomic, safe to open in a spreadsheet.

* **Same bytes every time.** UTF-8 CSV with ``\\n`` line ends and no index; Parquet with pyarrow
  and zstd; JSON sorted and indented.
* **Atomic.** Every file is written to a temporary file in the same folder and renamed over the
  target (``os.replace``), so a kill or a full disk leaves the old file or the new one, never a
  truncated one that looks complete. The lineage sidecar of a table is removed before the table
  is written and written again last: a table whose sidecar is missing or disagrees was not
  finished. Temporary files a killed run left behind are removed by the next write of the same
  file. A full disk, a missing permission or a folder in the way is an
  :class:`~research.errors.OutputError` naming the file; the temporary file is removed.
* **No spreadsheet formulas** (OWASP "CSV injection"): in every CSV the toolkit writes, a text
  cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``, so
  Excel, LibreOffice and Google Sheets show it as text instead of running it
  (:func:`neutralise_formulas`). Numbers are untouched: numeric columns, and text cells that are
  a plain number (``-3``, ``+1.5e3``), are written as they are. Parquet keeps the values as they are.
* **No control characters.** A text cell holding NUL or another C0 control character (tab, line
  feed and carriage return excepted) is never written: the readers quarantine such cells, and a
  writer that still meets one stops with an :class:`~research.errors.OutputError` naming the
  file, column and row.
"""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import OutputError
from research.lineage import sidecar_path, write_sidecar

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_stale_partials(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of ``path`` left by a run that was killed (its process is gone).

    A temporary file is named ``.<name>.<pid>.partial``; one whose process still runs (a
    concurrent write) is left alone. Returns the files removed.
    """
    path = Path(path)
    removed = []
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        pid = stale.name[len(path.name) + 2 : -len(".partial")]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    Raises
    ------
    OutputError
        The file could not be written (``OSError``: full disk, permission, a folder in the way).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        remove_stale_partials(path)
        if path.is_dir():
            raise IsADirectoryError(21, "a folder is in the way")
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror or error}", file=str(path)) from None
    finally:
        if temporary.exists():
            temporary.unlink()


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])]


def _formula_mask(values: pd.Series) -> np.ndarray:
    text = values.astype("string")
    risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
    if risky.any():
        if pd.api.types.is_object_dtype(values):  # a mixed column: only its str cells are text
            is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        else:
            is_text = values.notna().to_numpy(dtype=bool)
        number = text.str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
        risky &= is_text & ~number
    return risky


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``'`` before every text cell a spreadsheet would run as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return are prefixed, unless
    they are a plain number; non-text cells and numeric columns are left alone. Returns ``df``
    itself when nothing needs changing.
    """
    out = df
    for column in _text_columns(df):
        risky = _formula_mask(df[column])
        if risky.any():
            if out is df:
                out = df.copy()
            out[column] = out[column].mask(pd.Series(risky, index=df.index), "'" + df[column].astype("string"))
    return out


def refuse_control_characters(df: pd.DataFrame, path: str | os.PathLike[str], first_row: int = 1) -> None:
    """Raise :class:`OutputError` if a text cell of ``df`` holds a control character.

    The error names the row counted from ``first_row`` (the number of ``df``'s first row in the file).
    """
    for column in _text_columns(df):
        hits = df[column].astype("string").str.contains(_CONTROL.pattern, regex=True).fillna(False).to_numpy(dtype=bool)
        if hits.any():
            position = int(np.flatnonzero(hits)[0])
            character = _CONTROL.search(str(df[column].iloc[position])).group()
            raise OutputError(f"column {column!r}, row {position + first_row}: a control character (U+{ord(character):04X}) would be written", file=str(path))


def csv_ready(df: pd.DataFrame, path: str | os.PathLike[str], first_row: int = 1) -> pd.DataFrame:
    """``df`` as it goes into a CSV: control characters refused, formulas neutralised."""
    refuse_control_characters(df, path, first_row)
    return neutralise_formulas(df)


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as UTF-8 CSV with ``\\n`` line ends and no index, atomically and formula-safe."""
    return write_csv_chunks([df], path)


def write_csv_chunks(chunks: Iterable[pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """The rows of ``chunks`` one after another in one CSV (as :func:`write_csv`), holding one chunk at a time.

    The file is byte for byte ``write_csv(pd.concat(chunks))`` when the chunks share their
    columns and types; the header comes from the first chunk, and an error names the row in the
    whole file. At least one chunk is needed (an empty one gives the header alone).
    """
    path = Path(path)
    with atomic_target(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
        first_row, written = 1, 0
        for chunk in chunks:
            csv_ready(chunk, path, first_row).to_csv(handle, index=False, header=not written, lineterminator="\n")
            first_row, written = first_row + len(chunk), written + 1
        if not written:
            raise ValueError(f"write_csv_chunks({path}): no chunks, so no header to write")
    return path


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as Parquet (pyarrow, zstd, no index), atomically."""
    path = Path(path)
    refuse_control_characters(df, path)
    with atomic_target(path) as temporary:
        df.to_parquet(temporary, index=False, engine="pyarrow", compression="zstd")
    return path


def write_json(obj: object, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as sorted, indented JSON, atomically."""
    path = Path(path)
    with atomic_target(path) as temporary:
        temporary.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def remove_sidecars(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Remove the lineage sidecars of ``paths`` before the files are rewritten (see the module notes)."""
    for path in paths:
        sidecar_path(path).unlink(missing_ok=True)


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
        Every file written, sidecars included (the sidecars are written last).
    """
    inputs = list(inputs)
    targets = [Path(path)] + ([Path(path).with_suffix(".parquet")] if parquet else [])
    remove_sidecars(targets)
    written = [write_csv(df, targets[0])]
    if parquet:
        written.append(write_parquet(df, targets[1]))
    for target in list(written):
        written.append(write_sidecar(target, inputs, parameters, root, **dict(extra or {})))
    return written
