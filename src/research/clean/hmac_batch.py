"""HMAC-SHA256 of millions of short messages, spread over the machine's cores.

Python's ``hmac`` objects cost about 1.5 µs per message; hashing the two key blocks once and
copying their SHA-256 states (RFC 2104, section 2) halves that. What remains is one Python call
per message, the only per-row Python loop left in cleaning, so for large inputs the messages are
split between this process and forked worker processes, which read the messages from the
parent's memory (copy-on-write) and only send back 8 bytes per message. The children run nothing
but ``hashlib`` on bytes, so the threads of Arrow or Dask in the parent do not matter to them;
where fork is unavailable, or a process may not have children, the work stays in this process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

#: Below this many messages, starting a worker process costs more than it saves.
PARALLEL_MIN_MESSAGES = 400_000


def _keyed_states(key: bytes) -> tuple[object, object]:
    """SHA-256 states after the inner and outer key blocks of HMAC (RFC 2104, section 2)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))


def hmac_prefixes_serial(blob: bytes, offsets: np.ndarray, key: bytes, size: int) -> bytes:
    """The first ``size`` bytes of HMAC-SHA256(key, message) for each ``blob[offsets[i]:offsets[i + 1]]``, joined."""
    inner, outer = _keyed_states(key)
    copy_inner, copy_outer = inner.copy, outer.copy
    view = memoryview(blob)
    bounds = offsets.tolist()
    out = bytearray(size * (len(bounds) - 1))
    for position, (start, end) in enumerate(zip(bounds[:-1], bounds[1:])):
        mac = copy_inner()
        mac.update(view[start:end])
        final = copy_outer()
        final.update(mac.digest())
        out[position * size : (position + 1) * size] = final.digest()[:size]
    return bytes(out)


def hmac_prefixes(
    blob: bytes, offsets: np.ndarray, key: bytes, size: int = 8, workers: int | None = None, parallel_min: int = PARALLEL_MIN_MESSAGES
) -> np.ndarray:
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
    workers
        Processes to use, this one included (default: the machine's cores, at most 4).
    parallel_min
        Inputs with fewer messages are always hashed in this process.
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    workers = min(os.cpu_count() or 1, 4) if workers is None else workers
    if workers < 2 or n < parallel_min:
        joined = hmac_prefixes_serial(blob, offsets, key, size)
    else:
        joined = _hmac_prefixes_parallel(blob, offsets, key, size, workers)
    return np.frombuffer(joined, dtype=np.uint8).reshape(n, size)


#: What forked workers hash: set just before the pool starts, read by the children (copy-on-write).
_SHARED: tuple[bytes, np.ndarray, bytes, int] | None = None


def _hash_share(first: int, last: int) -> bytes:
    blob, offsets, key, size = _SHARED  # type: ignore[misc]
    view = memoryview(blob)[offsets[first] : offsets[last]]
    return hmac_prefixes_serial(view, offsets[first : last + 1] - offsets[first], key, size)


def _hmac_prefixes_parallel(blob: bytes, offsets: np.ndarray, key: bytes, size: int, workers: int) -> bytes:
    global _SHARED
    if "fork" not in multiprocessing.get_all_start_methods():
        return hmac_prefixes_serial(blob, offsets, key, size)
    cuts = np.linspace(0, len(offsets) - 1, workers + 1).astype(np.int64).tolist()
    _SHARED = (blob, offsets, key, size)
    try:
        # fork, not spawn: a spawned child would re-run the user's script (one without a
        # ``__main__`` guard would run its whole analysis again) and would need the data pickled.
        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_hash_share, a, b) for a, b in zip(cuts[1:-1], cuts[2:])]
            first = _hash_share(cuts[0], cuts[1])  # this process hashes the first share meanwhile
            return b"".join([first, *(future.result() for future in others)])
    except (OSError, AssertionError, RuntimeError):
        # No child processes here (a daemonic Dask worker, a locked-down sandbox): hash in this one.
        return hmac_prefixes_serial(blob, offsets, key, size)
    finally:
        _SHARED = None
