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
