"""Run the chain raw → processed → models → figures → tables → notebooks → report.

Stages live in modules of this package named ``sNN_<name>.py`` (run in NN order); each defines
``STAGE = Stage(...)``. A stage is skipped when the sha256 of its inputs, its parameters and the
package's code are unchanged since its last run and its outputs are still as it wrote them;
``force=True`` rebuilds everything.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from research.config import ProjectPaths
from research.lineage import code_fingerprint, sha256_file


@dataclass(frozen=True)
class Stage:
    """One step of ``make reproduce``.

    Parameters
    ----------
    name
        Short name shown in the progress bar and the summary.
    description
        What the stage builds, in a few words.
    inputs
        Function of the project paths returning the files the stage reads.
    run
        Function ``run(paths, parameters) -> list[Path]`` that builds the outputs and returns them.
    parameters
        Settings hashed with the inputs (seeds, thresholds, languages).
    """

    name: str
    description: str
    inputs: Callable[[ProjectPaths], list[Path]]
    run: Callable[[ProjectPaths, Mapping[str, object]], list[Path]]
    parameters: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StageResult:
    name: str
    status: str  # "built" or "skipped"
    outputs: list[Path]
    seconds: float = 0.0


def discover_stages() -> list[Stage]:
    """Import every ``sNN_*`` module of this package, in order, and return their stages."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "s" and m.name[1:3].isdigit())
    return [importlib.import_module(f"{__name__}.{name}").STAGE for name in names]


def _stage_key(stage: Stage, paths: ProjectPaths) -> str:
    digest = hashlib.sha256()
    digest.update(code_fingerprint().encode())
    digest.update(json.dumps(dict(stage.parameters), sort_keys=True, default=str).encode())
    for path in sorted(stage.inputs(paths), key=lambda p: p.as_posix()):
        digest.update(path.relative_to(paths.root).as_posix().encode() if path.is_relative_to(paths.root) else path.name.encode())
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def _is_fresh(stamp: Path, key: str, paths: ProjectPaths) -> bool:
    if not stamp.exists():
        return False
    record = json.loads(stamp.read_text())
    if record.get("key") != key:
        return False
    for rel, digest in record.get("outputs", {}).items():
        target = paths.root / rel
        if not target.exists() or sha256_file(target) != digest:
            return False
    return True


def run_pipeline(
    paths: ProjectPaths,
    *,
    force: bool = False,
    only: list[str] | None = None,
    progress: bool = True,
) -> list[StageResult]:
    """Run every stage (or those named in ``only``), skipping the ones that are up to date."""
    stages = [s for s in discover_stages() if not only or s.name in only]
    results: list[StageResult] = []
    paths.stamps.mkdir(parents=True, exist_ok=True)
    bar = tqdm(stages, desc="reproduce", unit="stage", disable=not progress)
    for stage in bar:
        bar.set_postfix_str(stage.name)
        key = _stage_key(stage, paths)
        stamp = paths.stamps / f"{stage.name}.json"
        if not force and _is_fresh(stamp, key, paths):
            record = json.loads(stamp.read_text())
            results.append(StageResult(stage.name, "skipped", [paths.root / p for p in record["outputs"]]))
            continue
        started = time.perf_counter()
        outputs = sorted({Path(p) for p in stage.run(paths, stage.parameters)}, key=lambda p: p.as_posix())
        seconds = time.perf_counter() - started
        record = {
            "stage": stage.name,
            "key": key,
            "outputs": {p.relative_to(paths.root).as_posix(): sha256_file(p) for p in outputs if p.is_file()},
        }
        stamp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        results.append(StageResult(stage.name, "built", outputs, seconds))
    return results


def summarise(results: list[StageResult], paths: ProjectPaths) -> str:
    """A plain-text summary of what was built or skipped, and where it is."""
    lines = [f"{'stage':<14} {'status':<8} {'files':>5} {'seconds':>8}  where"]
    for result in results:
        folders = sorted({p.parent.relative_to(paths.root).as_posix() for p in result.outputs if p.is_relative_to(paths.root)})
        where = ", ".join(folders[:4]) + (" …" if len(folders) > 4 else "")
        lines.append(f"{result.name:<14} {result.status:<8} {len(result.outputs):>5} {result.seconds:>8.1f}  {where}")
    return "\n".join(lines)
