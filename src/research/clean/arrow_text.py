"""Text columns as Arrow arrays: moving between pandas and pyarrow, and work once per distinct value.

pandas keeps ``string`` columns in Arrow memory, and ``pyarrow.compute`` runs its kernels (RE2
regular expressions, trimming, case folding, joins) in C++ without holding the GIL. Cleaning a
10-million-row log therefore works on :class:`pyarrow.Array` objects and only comes back to pandas
at table boundaries. Python code runs only on the *distinct* values of low-cardinality columns
(hosts, outcome words, countries), through :func:`map_distinct`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def to_arrow(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous Arrow ``large_string`` array of ``values`` (missing values are nulls).

    A pandas ``string`` column is handed over without copying its text.
    """
    if isinstance(values, pd.Series):
        values = pa.array(values.astype("string").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    return values


def text_bytes(values: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a ``large_string`` array's values, back to back (a view, no copy)."""
    _, offsets, data = values.buffers()
    if data is None or not len(values):
        return np.zeros(0, dtype=np.uint8)
    bounds = np.frombuffer(offsets, dtype=np.int64)
    return np.frombuffer(data, dtype=np.uint8)[bounds[values.offset] : bounds[values.offset + len(values)]]


def to_series(values: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """A pandas ``string`` Series backed by the Arrow text of ``values`` (no copy of the text)."""
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index, copy=False)


def as_bool(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array as a NumPy mask; nulls count as false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def map_distinct(values: pa.Array, func: Callable[[str], object], result_type: pa.DataType | None = None) -> pa.Array:
    """Apply ``func`` once per distinct non-null value and spread the results back to every row.

    Parameters
    ----------
    values
        An Arrow string array (nulls stay null and ``func`` never sees them).
    func
        A plain Python function of one string.
    result_type
        Arrow type of the results (inferred when omitted).
    """
    encoded = pc.dictionary_encode(values)
    results = pa.array([func(v) for v in encoded.dictionary.to_pylist()], type=result_type)
    return results.take(encoded.indices)


def distinct_trimmed(values: pd.Series | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct values of a low-cardinality text column, trimmed as :func:`trim_text` does.

    Returns ``(codes, uniques)``: ``uniques[codes[i]]`` is row ``i`` without surrounding white
    space; a missing value has code ``-1``. Trimming the few distinct values instead of every row
    is what makes word, country and AS-number columns cheap.
    """
    encoded = pc.dictionary_encode(to_arrow(values))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return codes, pc.utf8_trim_whitespace(encoded.dictionary).to_pylist()


def join_text(parts: Sequence[pa.Array | str]) -> pa.Array:
    """Concatenate text arrays (and constant strings) row by row; a null part gives a null row."""
    text = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p.cast(pa.large_string()) for p in parts]
    return pc.binary_join_element_wise(*text, pa.scalar("", pa.large_string()))


def trim_text(values: pa.Array) -> pa.Array:
    """Strip leading and trailing whitespace (Unicode ``White_Space``), as pandas' ``str.strip``; null → ``""``.

    Plain ASCII values are trimmed with the ASCII kernel, about ten times faster; for them the two
    kernels agree (ASCII's white space is Unicode's).
    """
    values = pc.fill_null(values, "")
    if not pc.any(pc.match_substring_regex(values, _EDGE_SPACE)).as_py():
        return values  # nothing to trim: no copy of a column that may hold gigabytes
    if pc.all(pc.string_is_ascii(values)).as_py() is not False:
        return pc.ascii_trim_whitespace(values)
    return pc.utf8_trim_whitespace(values)


# Unicode White_Space (what Arrow's utf8_trim_whitespace removes) at either end of a value.
_WHITE_SPACE = r"\t\n\x0b\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_EDGE_SPACE = f"^[{_WHITE_SPACE}]|[{_WHITE_SPACE}]$"


def split_first(values: pa.Array, separator: str) -> tuple[pa.Array, pa.Array]:
    """Text before the first ``separator`` and after it (null where there is no separator)."""
    pieces = pc.split_pattern(values, separator, max_splits=1)
    offsets = pieces.offsets.to_numpy()
    starts, counts = offsets[:-1], np.diff(offsets)
    flat = pieces.values
    before = flat.take(pa.array(starts, mask=counts == 0))
    after = flat.take(pa.array(starts + 1, mask=counts < 2))
    return before, after


def update_where(values: pa.Array, mask: pa.Array | np.ndarray, func: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``values`` with the rows where ``mask`` is true replaced by ``func`` of just those rows.

    ``func`` receives the selected rows as a shorter array and returns an array as long; the other
    rows are untouched (and ``func`` never runs when no row is selected).
    """
    flags = mask if isinstance(mask, np.ndarray) else as_bool(mask)
    if not flags.any():
        return values
    changed = func(values.filter(pa.array(flags)))
    positions = np.maximum(np.cumsum(flags) - 1, 0)
    return pc.if_else(pa.array(flags), changed.take(pa.array(positions)), values)


def list_elements(lists: pa.ListArray | pa.LargeListArray, count: int) -> list[pa.Array]:
    """The first ``count`` elements of every list, one array per position (null where a list is shorter)."""
    offsets = lists.offsets.to_numpy()
    starts, lengths = offsets[:-1], np.diff(offsets)
    flat = lists.values
    return [flat.take(pa.array(starts + k, mask=lengths <= k)) for k in range(count)]
