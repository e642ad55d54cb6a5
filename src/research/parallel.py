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
    """Whether this process can start forked children (fork exists and this is not a daemon)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def fork_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """``[function(item) for item in items]``, computed by up to ``workers`` forked processes.

    Parameters
    ----------
    function
        A module-level function (its results are sent back pickled).
    items
        The pieces of work; each is sent to a child pickled.
    workers
        Processes to use; with fewer than 2 (or one item, or no fork) everything runs here.

    Returns
    -------
    list
        The results in the order of ``items``.
    """
    if workers < 2 or len(items) < 2 or not can_fork():
        return [function(item) for item in items]
    with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, items))
