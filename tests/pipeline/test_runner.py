"""The pipeline runner skips up-to-date stages, reruns changed ones, and rebuilds on --force."""

from __future__ import annotations

from pathlib import Path

import pytest

import research.cli  # noqa: F401 - imported before a fixture swaps the catalogue for a toy one
import research.pipeline as pipeline
from research.config import paths
from research.pipeline import Stage, run_pipeline, summarise, summarise_plan


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


STAGE_MODULE = '''
from pathlib import Path

FACTOR = {factor}


def run(p, params):
    source = p.root / "{source}"
    out = p.processed / "{name}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(str(FACTOR * int(source.read_text())) + "\\n")
    return [out]
'''


@pytest.fixture()
def chain(tmp_path, monkeypatch):
    """Three stages a → b → c (c reads b's output, b reads a's) and an independent d, each in its own module."""
    from research import catalogue

    package = tmp_path / "code" / ("chain_" + "".join(c if c.isalnum() else "_" for c in tmp_path.name))  # one per test
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    specs = {"a": ("data/raw/input.txt", 2), "b": ("data/processed/a.txt", 3), "c": ("data/processed/b.txt", 5), "d": ("data/raw/input.txt", 7)}
    for name, (source, factor) in specs.items():
        (package / f"stage_{name}.py").write_text(STAGE_MODULE.format(name=name, source=source, factor=factor))
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    import importlib

    stages = []
    for name, (source, _) in specs.items():
        module = importlib.import_module(f"{package.name}.stage_{name}")
        stages.append(Stage(name, f"stage {name}", inputs=lambda p, s=source: [p.root / s], run=module.run))
    entries = (
        catalogue.Entry("t_input", "data/raw/input.txt", "raw", "public", "input"),
        catalogue.Entry("t_a", "data/processed/a.txt", "a", "public", "a", ("t_input",)),
        catalogue.Entry("t_b", "data/processed/b.txt", "b", "public", "b", ("t_a",)),
        catalogue.Entry("t_c", "data/processed/c.txt", "c", "public", "c", ("t_b",)),
        catalogue.Entry("t_d", "data/processed/d.txt", "d", "public", "d", ("t_input",)),
    )
    monkeypatch.setattr(catalogue, "ENTRIES", entries)
    monkeypatch.setattr(catalogue, "CATALOGUE", {e.name: e for e in entries})
    monkeypatch.setattr(pipeline, "discover_stages", lambda: pipeline.ordered(list(reversed(stages))))
    root = paths(tmp_path / "project")
    root.raw.mkdir(parents=True)
    (root.raw / "input.txt").write_text("1\n")
    return root, package


def _edit(source: Path, text: str) -> None:
    """Change a stage's code as a new process would see it (the module is reloaded in place)."""
    import importlib
    import sys

    source.write_text(text)
    importlib.reload(sys.modules[f"{source.parent.name}.{source.stem}"])


def _statuses(results) -> dict[str, str]:
    return {r.name: r.status for r in results}


def test_stages_run_in_dependency_order(chain):
    root, _ = chain
    # Given in the order d, c, b, a: each stage still follows the one whose output it reads.
    assert [r.name for r in run_pipeline(root, progress=False)] == ["d", "a", "b", "c"]
    assert (root.processed / "c.txt").read_text() == "30\n"


def test_changing_one_stages_code_rebuilds_only_it_and_its_dependants(chain):
    root, package = chain
    run_pipeline(root, progress=False)
    assert set(_statuses(run_pipeline(root, progress=False)).values()) == {"skipped"}
    source = package / "stage_b.py"
    _edit(source, source.read_text().replace("FACTOR = 3", "FACTOR = 4"))
    planned = {p.name: p for p in pipeline.plan(root)}
    assert {n: p.action for n, p in planned.items()} == {"a": "skip", "b": "run", "c": "run", "d": "skip"}
    assert planned["b"].reason == "its code changed" and planned["c"].reason.startswith("after b")
    assert _statuses(run_pipeline(root, progress=False)) == {"a": "skipped", "b": "built", "c": "built", "d": "skipped"}
    assert (root.processed / "c.txt").read_text() == "40\n"
    # A change that leaves b's output as it was does not rebuild c.
    _edit(source, source.read_text() + "# a comment\n")
    assert _statuses(run_pipeline(root, progress=False)) == {"a": "skipped", "b": "built", "c": "skipped", "d": "skipped"}


def test_dry_run_names_each_stage_and_why_without_running(chain):
    from typer.testing import CliRunner

    from research.cli import app

    root, _ = chain
    result = CliRunner().invoke(app, ["reproduce", "--dry-run", "--root", str(root.root)])
    assert result.exit_code == 0, result.output
    assert "never built here" in result.output and "after a" in result.output
    assert not (root.processed / "a.txt").exists() and not root.stamps.exists()
    (root.raw / "input.txt").write_text("2\n")
    run_pipeline(root, progress=False)
    (root.raw / "input.txt").write_text("3\n")
    assert "inputs changed: data/raw/input.txt" in summarise_plan(pipeline.plan(root))
    assert "--force" in summarise_plan(pipeline.plan(root, force=True))


def test_real_stages_own_only_the_code_they_import():
    stages = {s.name: s for s in pipeline.discover_stages()}

    def owns(stage: str, relative: str) -> bool:
        return any(p.as_posix().endswith(f"src/research/{relative}") for p in pipeline.stage_code(stages[stage].run.__module__))

    assert owns("trends", "trends/models.py") and not owns("counts", "trends/models.py")
    assert not owns("takedowns", "trends/models.py") and not owns("networks", "trends/models.py")
    assert owns("counts", "clean/counts.py") and owns("report", "report/templates/report.html.j2")
    assert owns("trends", "locales/en/trends.yml")  # data beside the code counts as code
    assert pipeline.dependants(list(stages.values()), {"trends"}) == {"notebooks", "report", "audit"}
    graph = pipeline.dependencies(list(stages.values()))
    # The analysis and the network both read only the cleaned logs: they can run at the same time.
    assert graph["networks"] == {"takedown_logs"} and graph["takedowns"] == {"takedown_logs"}
    assert graph["takedown_logs"] == set() and {"takedowns", "networks"} <= graph["notebooks"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_stages_in_parallel_give_the_same_files_order_and_records(chain, jobs):
    root, package = chain
    results = run_pipeline(root, progress=False, jobs=jobs)
    assert [r.name for r in results] == ["d", "a", "b", "c"] and set(_statuses(results).values()) == {"built"}
    assert [(root.processed / f"{n}.txt").read_text() for n in "abcd"] == ["2\n", "6\n", "30\n", "7\n"]
    assert set(_statuses(run_pipeline(root, progress=False, jobs=jobs)).values()) == {"skipped"}
    # A stage whose input changed runs, and so does its dependant once it sees the new output.
    source = package / "stage_b.py"
    _edit(source, source.read_text().replace("FACTOR = 3", "FACTOR = 4"))
    assert _statuses(run_pipeline(root, progress=False, jobs=jobs)) == {"a": "skipped", "b": "built", "c": "built", "d": "skipped"}
    assert (root.processed / "c.txt").read_text() == "40\n"


def _waiting_stage(name: str, other: str, fail: str | None = None) -> Stage:
    """A stage that marks that it started, then waits (up to 30 s) for ``other`` to have started."""

    def run(p, params):
        import time

        from research.errors import ResearchError

        p.processed.mkdir(parents=True, exist_ok=True)
        (p.processed / f"started_{name}").write_text("")
        deadline = time.monotonic() + 30
        while not (p.processed / f"started_{other}").exists():
            if time.monotonic() > deadline:
                raise ResearchError(f"{other} never started while {name} ran")
            time.sleep(0.05)
        if fail == "error":
            raise ResearchError(f"stage {name}: the input file x.csv, row 3, has no date")
        if fail == "die":
            import os

            os._exit(9)
        out = p.processed / f"{name}.txt"
        out.write_text(name)
        return [out]

    return Stage(name, f"waits for {other}", inputs=lambda p: [p.raw / "input.txt"], run=run)


@pytest.fixture()
def pair(tmp_path, monkeypatch):
    root = paths(tmp_path)
    root.raw.mkdir(parents=True)
    (root.raw / "input.txt").write_text("1\n")
    return root, lambda *stages: monkeypatch.setattr(pipeline, "discover_stages", lambda: list(stages))


def test_independent_stages_run_at_the_same_time(pair):
    root, use = pair
    use(_waiting_stage("x", "y"), _waiting_stage("y", "x"))
    results = run_pipeline(root, progress=False, jobs=2)  # each stage waits for the other: only runs together
    assert _statuses(results) == {"x": "built", "y": "built"}
    assert results[0].seconds > 0 and (root.stamps / "x.json").exists() and (root.stamps / "y.json").exists()


@pytest.mark.parametrize("fail, message", [("error", "x.csv, row 3, has no date"), ("die", "stage y stopped without finishing (its process exited with code 9)")])
def test_a_failing_stage_is_raised_and_the_other_still_recorded(pair, fail, message):
    from research.errors import ResearchError

    root, use = pair
    use(_waiting_stage("x", "y"), _waiting_stage("y", "x", fail=fail))
    with pytest.raises(ResearchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_pipeline(root, progress=False, jobs=2)
    assert (root.stamps / "x.json").exists() and not (root.stamps / "y.json").exists()
    # The stage that finished is up to date on the next run; the failed one runs again.
    use(_waiting_stage("x", "y"), _waiting_stage("y", "x"))
    (root.processed / "started_y").write_text("")
    assert _statuses(run_pipeline(root, progress=False, jobs=2)) == {"x": "skipped", "y": "built"}


def test_reproduce_command_takes_jobs(chain):
    from typer.testing import CliRunner

    from research.cli import app

    root, _ = chain
    result = CliRunner().invoke(app, ["reproduce", "--jobs", "2", "--root", str(root.root)])
    assert result.exit_code == 0, result.output
    assert (root.processed / "c.txt").read_text() == "30\n" and result.output.count("built") == 4
    refused = CliRunner().invoke(app, ["reproduce", "--jobs", "0", "--root", str(root.root)])
    assert refused.exit_code == 2 and "--jobs" in refused.output
