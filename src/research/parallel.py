"""Spreading independent pieces of work over this machine's CPUs, with forked processes.

One way to do it for the whole package: :func:`available_cpus` says how many processes to use and
:func:`fork_map` runs a function over a list in that many, keeping the list's order, so the
result is the same whatever the number of processes. Fork rather than spawn: a child starts with
the parent's imports and data (copy-on-write), and a spawned child would run the user's script
again. Where fork is unavailable, or this process may not have children (a daemonic worker), the
work stays in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether this process can start forked children (fork exists, this is not a daemon, and not
    already one of :func:`fork_map`'s workers, whose work would otherwise multiply the processes)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon and not _IN_WORKER


#: What the forked workers run: set just before the pool starts, read by the children (copy-on-write).
_SHARED: tuple[Callable, Sequence] | None = None
_IN_WORKER = False


def _mark_worker() -> None:
    global _IN_WORKER
    _IN_WORKER = True


def _run_shared(index: int):
    function, items = _SHARED  # type: ignore[misc]
    return function(items[index])


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """``[function(item) for item in items]``, computed by up to ``workers`` forked processes.

    Parameters
    ----------
    function
        Any callable, a closure included: the children inherit it (and ``items``) from this
        process's memory, and only each item's index goes to them.
    items
        The pieces of work.
    workers
        Processes to use; with fewer than 2 (or one item, or no fork) everything runs here.

    Returns
    -------
    list
        The results (sent back pickled) in the order of ``items``.
    """
    global _SHARED
    if workers < 2 or len(items) < 2 or not can_fork():
        return [function(item) for item in items]
    _SHARED = (function, items)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context, initializer=_mark_worker) as pool:
            return list(pool.map(_run_shared, range(len(items))))
    finally:
        _SHARED = None
