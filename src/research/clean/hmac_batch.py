"""HMAC-SHA256 of millions of short messages, in compiled code on every core.

The messages go to Polars as one Arrow binary column, without a copy, and ``polars-hash``
computes each HMAC-SHA256 (RFC 2104) in Rust; Polars' streaming engine spreads the column's
pieces over the machine's cores and keeps their order. Measured on 994,725 URLs of the 100M-row
benchmark log (``benchmarks/notes.md``, 3 December): 0.15 s and 0.28 CPU-seconds, against 0.56 s
and about 1.1 CPU-seconds for Python's ``hashlib`` called once per message in two processes.

``polars-hash`` takes the key as text, so a key that is not UTF-8 (possible through the API,
never from :func:`research.clean.pseudonyms.load_key`, which reads keys as text) is hashed by
``hashlib`` in this process: slower, same result.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
import polars_hash  # noqa: F401  (registers the ``chash`` namespace)
import pyarrow as pa


def hmac_prefixes(blob: bytes | pa.Buffer, offsets: np.ndarray, key: bytes, size: int = 8) -> np.ndarray:
    """HMAC-SHA256 prefixes of many messages stored back to back, as an ``(n, size)`` byte matrix.

    Parameters
    ----------
    blob
        The messages' bytes, one after another (e.g. an Arrow string array's data buffer).
    offsets
        ``n + 1`` positions in ``blob``: message ``i`` is ``blob[offsets[i]:offsets[i + 1]]``.
    key
        The HMAC key.
    size
        Bytes kept of each 32-byte MAC.
    """
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n <= 0:
        return np.zeros((0, size), dtype=np.uint8)
    try:
        text_key = key.decode("utf-8")
    except UnicodeDecodeError:
        return np.frombuffer(hmac_prefixes_serial(bytes(blob), offsets, key, size), dtype=np.uint8).reshape(n, size)
    data = blob if isinstance(blob, pa.Buffer) else pa.py_buffer(blob)
    messages = pa.Array.from_buffers(pa.large_binary(), n, [None, pa.py_buffer(offsets), data])
    macs = (
        pl.LazyFrame({"m": pl.from_arrow(messages)})
        .select(pl.col("m").chash.hmac_sha256(key=text_key).str.slice(0, 2 * size).str.decode("hex"))
        .collect(engine="streaming")
        .to_series()
        .to_arrow()
        .cast(pa.large_binary())
    )
    _, bounds, digest_bytes = macs.buffers()
    first = int(np.frombuffer(bounds, dtype=np.int64)[macs.offset])
    return np.frombuffer(digest_bytes, dtype=np.uint8)[first : first + n * size].reshape(n, size)


def hmac_prefixes_serial(blob: bytes, offsets: np.ndarray, key: bytes, size: int) -> bytes:
    """The first ``size`` bytes of HMAC-SHA256(key, message) for each ``blob[offsets[i]:offsets[i + 1]]``, joined.

    ``hashlib`` once per message, from copies of the SHA-256 states after the inner and outer key
    blocks (RFC 2104, section 2): the fallback for keys that are not UTF-8 text.
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner, outer = hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))
    view = memoryview(blob)
    bounds = np.asarray(offsets).tolist()
    out = bytearray(size * (len(bounds) - 1))
    for position, (start, end) in enumerate(zip(bounds[:-1], bounds[1:])):
        mac = inner.copy()
        mac.update(view[start:end])
        final = outer.copy()
        final.update(mac.digest())
        out[position * size : (position + 1) * size] = final.digest()[:size]
    return bytes(out)
