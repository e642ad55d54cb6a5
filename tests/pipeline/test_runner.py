"""The pipeline runner skips up-to-date stages, reruns changed ones, and rebuilds on --force."""

from __future__ import annotations

from pathlib import Path

import pytest

import research.pipeline as pipeline
from research.config import paths
from research.pipeline import Stage, run_pipeline, summarise


@pytest.fixture()
def project(tmp_path, monkeypatch):
    root = paths(tmp_path)
    root.raw.mkdir(parents=True)
    (root.raw / "input.txt").write_text("1\n")
    calls: list[str] = []

    def run(p, params):
        calls.append("double")
        out = p.processed / "double.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(str(2 * int((p.raw / "input.txt").read_text())) + "\n")
        return [out]

    stage = Stage("double", "doubles the input", inputs=lambda p: [p.raw / "input.txt"], run=run)
    monkeypatch.setattr(pipeline, "discover_stages", lambda: [stage])
    return root, calls


def test_second_run_skips_and_force_rebuilds(project):
    root, calls = project
    first = run_pipeline(root, progress=False)
    assert [r.status for r in first] == ["built"]
    assert (root.processed / "double.txt").read_text() == "2\n"
    second = run_pipeline(root, progress=False)
    assert [r.status for r in second] == ["skipped"] and calls == ["double"]
    forced = run_pipeline(root, force=True, progress=False)
    assert [r.status for r in forced] == ["built"] and calls == ["double", "double"]


def test_changed_input_or_tampered_output_reruns(project):
    root, calls = project
    run_pipeline(root, progress=False)
    (root.raw / "input.txt").write_text("5\n")
    assert run_pipeline(root, progress=False)[0].status == "built"
    assert (root.processed / "double.txt").read_text() == "10\n"
    (root.processed / "double.txt").write_text("edited by hand\n")
    assert run_pipeline(root, progress=False)[0].status == "built"
    assert (root.processed / "double.txt").read_text() == "10\n"


def test_summary_names_each_stage_and_folder(project):
    root, _ = project
    text = summarise(run_pipeline(root, progress=False), root)
    assert "double" in text and "data/processed" in text and "built" in text


def test_real_stages_are_discovered_in_order():
    names = [m for m in sorted(Path(pipeline.__file__).parent.glob("s[0-9][0-9]_*.py"))]
    stages = pipeline.discover_stages()
    assert len(stages) == len(names)
    assert len({s.name for s in stages}) == len(stages), "stage names must be unique"
