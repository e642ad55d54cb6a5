"""Stage: execute the notebooks → ``reports/notebooks/<name>.ipynb`` and ``.html``.

Each notebook runs with the ``research`` kernel in ``notebooks/`` with its data paths injected
(relative to that folder) by papermill; execution metadata is stripped so that reruns give the
same bytes. The network notebook reads the networks stage's tables rather than rebuilding them.
When the synthetic log or the network tables are missing, the takedown notebooks generate a small
log themselves (``small=True``) and say so in their output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from research.config import SEED, ProjectPaths
from research.parallel import available_cpus, fork_map
from research.pipeline import Stage
from research.report.build import input_files as report_inputs
from research.report.notebooks import TIMEOUT_SECONDS, execute_notebook, write_executed


def _log(paths: ProjectPaths) -> Path:
    return paths.processed / "takedowns" / "synthetic" / "takedowns.parquet"


def notebook_sources(paths: ProjectPaths) -> list[Path]:
    return sorted(paths.notebooks.glob("[0-9][0-9]_*.py"))


def parameters_for(name: str, paths: ProjectPaths) -> dict[str, object]:
    """Parameters injected into notebook ``name``: paths relative to ``notebooks/``."""
    def rel(path: Path) -> str:
        return Path(os.path.relpath(path, paths.notebooks)).as_posix()

    log = _log(paths)
    common: dict[str, object] = {"seed": SEED}
    if name.startswith("01_"):
        return {**common, "counts_path": rel(paths.processed / "counts.csv")}
    if name.startswith("02_"):
        return {**common, "figures_csv": rel(paths.figures_csv), "log_path": rel(log) if log.exists() else "", "small": not log.exists()}
    if name.startswith("03_"):
        network = paths.processed / "network" / "synthetic"
        ready = (network / "rankings.csv").exists()
        return {**common, "figures_csv": rel(paths.figures_csv), "network_dir": rel(network), "figures_dir": rel(paths.figures / "networks" / "synthetic"), "small": not ready}
    if name.startswith("04_"):
        return {**common, "root": rel(paths.root)}
    return common


def inputs(paths: ProjectPaths) -> list[Path]:
    network = paths.processed / "network" / "synthetic"
    tables = [network / "rankings.csv", network / "concentration.csv", paths.figures / "networks" / "synthetic" / "lorenz.png"]
    found = notebook_sources(paths) + [p for p in (paths.processed / "counts.csv", _log(paths), *tables) if p.exists()]
    return sorted(set(found + report_inputs(paths)), key=lambda p: p.as_posix())


def _execute(job: tuple[Path, dict[str, object], ProjectPaths, Mapping[str, object]]) -> list[Path]:
    """Execute one notebook and write it (and its HTML) to ``reports/notebooks/``."""
    source, injected, paths, parameters = job
    notebook = execute_notebook(source, injected, cwd=paths.notebooks, kernel=str(parameters["kernel"]), timeout=int(parameters["timeout"]))
    return write_executed(notebook, paths.reports / "notebooks" / f"{source.stem}.ipynb")


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    """Execute every notebook, as many at once as there are CPUs (each in its own kernel)."""
    jobs = [(source, parameters_for(source.stem, paths), paths, dict(parameters)) for source in notebook_sources(paths)]
    return [path for written in fork_map(_execute, jobs, available_cpus()) for path in written]


STAGE = Stage(
    name="notebooks",
    description="executed notebooks (reports/notebooks/*.ipynb, *.html)",
    inputs=inputs,
    run=run,
    parameters={"kernel": "research", "timeout": TIMEOUT_SECONDS},
)
