"""Allocator settings that hand freed memory back to the operating system.

A 10-million-row log passes through several large, short-lived buffers (raw text, normalised
URLs, digests, the co-hosting product). By default Arrow allocates from mimalloc and NumPy from
glibc's heap, and both keep freed pages for reuse: the process's resident memory then stays
near the sum of everything it ever held. Measured on the 10M-row synthetic log
(``benchmarks/notes.md``), Arrow's system pool plus a fixed glibc mmap threshold lowered the
default engine's peak from about 6.4 GB to 5.5 GB; results do not change, only where the bytes live.

Nothing here runs unless asked: a library must not change the process's allocator behind its
caller's back. Set ``RESEARCH_RETURN_FREED_MEMORY=1`` and the ``research`` command calls
:func:`return_freed_memory` before its sub-command (:func:`apply_environment_settings`); notebooks
and scripts that process large logs can call it first thing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa

from research.config import RETURN_FREED_MEMORY_ENV, env_flag

#: glibc's ``mallopt`` parameter number for the mmap threshold (``M_MMAP_THRESHOLD``).
_M_MMAP_THRESHOLD = -3
#: Allocations of at least this many bytes get their own mapping, unmapped again when freed.
MMAP_THRESHOLD_BYTES = 128 * 1024


def return_freed_memory() -> dict[str, str]:
    """Make Arrow and glibc give freed memory back instead of keeping it for reuse.

    Arrow's default pool becomes the system allocator; glibc's mmap threshold is pinned at
    :data:`MMAP_THRESHOLD_BYTES` (by default it grows after each large free, so later large
    arrays come from a heap that never shrinks). Safe to call more than once.

    Returns
    -------
    dict
        What was set: ``arrow_pool`` and ``glibc_mmap_threshold`` (``"not glibc"`` elsewhere).
    """
    pa.set_memory_pool(pa.system_memory_pool())
    settings = {"arrow_pool": pa.default_memory_pool().backend_name}
    libc_name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(libc_name) if libc_name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is not None and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1:
        settings["glibc_mmap_threshold"] = str(MMAP_THRESHOLD_BYTES)
    else:
        settings["glibc_mmap_threshold"] = "not glibc"
    return settings


def worker_environment() -> dict[str, str]:
    """What :func:`return_freed_memory` sets, as environment variables for worker processes to start with.

    Empty unless ``$RESEARCH_RETURN_FREED_MEMORY`` asks for it. Arrow reads
    ``ARROW_DEFAULT_MEMORY_POOL`` and glibc ``MALLOC_MMAP_THRESHOLD_`` when a process starts, so a
    worker that is given them behaves as if it had called :func:`return_freed_memory` first.
    """
    if not env_flag(RETURN_FREED_MEMORY_ENV):
        return {}
    return {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD_BYTES)}


def apply_environment_settings() -> dict[str, str] | None:
    """Apply :func:`return_freed_memory` if ``$RESEARCH_RETURN_FREED_MEMORY`` asks for it.

    Returns what was set, or ``None`` when the variable is unset (the allocators are left alone).
    """
    return return_freed_memory() if env_flag(RETURN_FREED_MEMORY_ENV) else None
