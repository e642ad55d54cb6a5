"""The benchmark harness labels runs stably: replacing one run's rows renames no other run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("bench_run", Path(__file__).parents[1] / "benchmarks" / "run.py")
assert SPEC is not None and SPEC.loader is not None
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)


def test_stored_labels_are_kept_and_a_new_run_takes_the_next():
    rows = [{"run": "r1", "label": "A"}, {"run": "r3", "label": "C"}, {"run": "r4"}, {"run": "r4"}, {"run": "r5"}]
    assert bench.run_labels(rows) == {"r1": "A", "r3": "C", "r4": "D", "r5": "E"}  # B (replaced) is not reused


def test_labels_go_on_past_z():
    rows = [{"run": "old", "label": "Z"}, {"run": "new"}]
    assert bench.run_labels(rows)["new"] == "AA"
    assert bench.run_labels([{"run": f"r{i}"} for i in range(28)])["r27"] == "AB"


def test_a_run_that_replaces_the_last_run_takes_a_new_label():
    older = [{"run": "r1", "label": "A", "log_rows": 1, "stage": "s"}, {"run": "r2", "label": "B", "log_rows": 2, "stage": "s"}]
    rows = bench.merged_rows(older, [{"run": "r3", "log_rows": 2, "stage": "s"}])
    assert [(r["run"], r["label"]) for r in rows] == [("r1", "A"), ("r3", "C")]
