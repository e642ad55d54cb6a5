"""Issue 15 item 6: a real SIGKILL in the middle of a write leaves nothing that looks complete, and a rerun recovers.

``research takedowns clean`` runs in a child process; the test watches the output folder and
kills the child with SIGKILL as soon as a temporary file of the writer appears (the write is
then under way), so the test does not depend on timing.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.takedown_files import OUTPUT_FILES
from research.lineage import sidecar_path
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log, write_synth_log

pytestmark = pytest.mark.slow  # three cleaning runs and a child process: about half a minute


def _log(folder: Path, seed: int, repo_paths) -> Path:
    counts = scaled_counts(seed_funnel(repo_paths.figures_csv), 4000)
    return write_synth_log(synth_log(counts, seed=seed), folder / "synthetic_log.csv.gz")


def _clean(log: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(out)])
    assert result.exit_code == 0, result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _killed_mid_write(log: Path, out: Path) -> str:
    """Start the clean in a child, SIGKILL it once a temporary output file exists; return that file's name."""
    child = subprocess.Popen([sys.executable, "-c", "from research.cli import app; app()", "takedowns", "clean", str(log), "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and child.poll() is None:
            partial = [p.name for p in out.glob(".*.partial")]
            if partial:
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
                return partial[0]
            time.sleep(0.001)
        raise AssertionError(f"the child ended (exit {child.poll()}) before a temporary file was seen")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_sigkill_during_a_write_leaves_old_or_new_files_and_a_rerun_recovers(tmp_path, repo_paths):
    first = _log(tmp_path / "first", 1, repo_paths)
    second = _log(tmp_path / "second", 2, repo_paths)
    out, reference = tmp_path / "out", tmp_path / "reference"
    _clean(first, out)
    old = _files(out)
    _clean(second, reference)
    new = _files(reference)
    assert old["takedowns.csv"] != new["takedowns.csv"]

    partial = _killed_mid_write(second, out)
    assert partial.startswith(tuple(f".{name}." for name in OUTPUT_FILES))
    after = _files(out)
    for name in OUTPUT_FILES:
        # never a truncated file: the previous complete one or the new complete one
        assert name not in after or after[name] in (old[name], new[name]), name
        sidecar = sidecar_path(out / name)
        if sidecar.exists():  # and no sidecar vouches for a file it does not describe
            recorded = json.loads(sidecar.read_text(encoding="utf-8"))["sha256"]
            assert recorded == hashlib.sha256((out / name).read_bytes()).hexdigest(), name
    assert any(sidecar_path(out / name).exists() is False for name in OUTPUT_FILES)  # the run is visibly unfinished

    _clean(second, out)  # the rerun: the same bytes as an uninterrupted run, no temporary file left
    assert _files(out) == new
