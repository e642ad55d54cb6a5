"""research.parallel: work spread over forked processes comes back complete and in order."""

from __future__ import annotations

import os

from research.parallel import available_cpus, fork_map


def _pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def test_results_keep_the_order_of_the_items_whatever_the_processes():
    items = list(range(40, 0, -1))
    serial = fork_map(_pid_and_square, items, workers=1)
    forked = fork_map(_pid_and_square, items, workers=3)
    assert [square for _, square in forked] == [square for _, square in serial] == [v * v for v in items]
    assert {pid for pid, _ in serial} == {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in forked}


def test_one_worker_or_one_item_stays_in_this_process():
    assert fork_map(_pid_and_square, [5], workers=4) == [(os.getpid(), 25)]
    assert fork_map(_pid_and_square, [], workers=4) == []
    assert available_cpus() >= 1


def test_a_closure_runs_and_a_worker_does_not_start_workers_of_its_own():
    offset = 7

    def nested(value: int) -> tuple[int, list[int]]:
        inner = fork_map(lambda v: os.getpid(), [1, 2, 3], workers=3)
        return value + offset, inner

    results = fork_map(nested, [1, 2], workers=2)
    assert [value for value, _ in results] == [8, 9]
    # Inside a worker the nested map stays in that worker's process.
    assert all(len(set(pids)) == 1 and os.getpid() not in pids for _, pids in results)
