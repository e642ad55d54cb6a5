"""Run the chain raw → processed → models → figures → tables → notebooks → report.

Stages live in modules of this package named ``sNN_<name>.py``; each defines ``STAGE = Stage(...)``.
What a stage writes and reads is declared in :mod:`research.catalogue` (each entry names the
stage that writes it and the entries it is made from), which gives the graph of stages: a stage
depends on the stages that write what it reads. They run in an order that respects it (``NN``
breaks ties).

A stage is skipped when nothing it depends on changed since its last run: the sha256 of its input
files, its parameters, its own code (its module and the modules of this package it imports,
directly or not, see :func:`stage_code`) and its outputs as it wrote them. A changed stage runs
before its dependants, so they see its new outputs and run in turn when those differ.
``force=True`` rebuilds everything; :func:`plan` says, without running anything, what would run
and why (``research reproduce --dry-run``).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import multiprocessing.connection
import pkgutil
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from tqdm.auto import tqdm

from research import catalogue
from research.config import ProjectPaths
from research.errors import ResearchError
from research.lineage import sha256_file
from research.outputs import write_json
from research.parallel import can_fork

#: Only this package's own modules count as a stage's code (libraries are pinned by the lock file).
PACKAGE = "research"


@dataclass(frozen=True)
class Stage:
    """One step of ``make reproduce``.

    Parameters
    ----------
    name
        Short name shown in the progress bar and the summary; the catalogue's entries name it
        as the stage that writes them.
    description
        What the stage builds, in a few words.
    inputs
        Function of the project paths returning the files the stage reads.
    run
        Function ``run(paths, parameters) -> list[Path]`` that builds the outputs and returns them.
        Its module is the stage's code.
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
    """What :func:`run_pipeline` did with one stage.

    Attributes
    ----------
    name
        The stage's name.
    status
        ``"built"`` or ``"skipped"`` (up to date).
    outputs
        The files the stage wrote (or, when skipped, those its last run recorded).
    seconds
        Wall-clock time of the run (0 when skipped).
    reason
        Why it was built: which input, parameter or code changed.
    """

    name: str
    status: str  # "built" or "skipped"
    outputs: list[Path]
    seconds: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class Planned:
    """What :func:`plan` expects of one stage (``research reproduce --dry-run``).

    Attributes
    ----------
    name
        The stage's name.
    action
        ``"run"`` or ``"skip"``.
    reason
        Why: ``"up to date"``, or which input, parameter or code changed.
    """

    name: str
    action: str
    reason: str


def discover_stages() -> list[Stage]:
    """Import every ``sNN_*`` module of this package and return their stages in dependency order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "s" and m.name[1:3].isdigit())
    return ordered([importlib.import_module(f"{__name__}.{name}").STAGE for name in names])


def dependencies(stages: list[Stage]) -> dict[str, set[str]]:
    """Stage name → the stages it depends on (those writing a catalogue entry it reads)."""
    known = {s.name for s in stages}
    graph: dict[str, set[str]] = {}
    for stage in stages:
        writes = catalogue.stage_outputs(stage.name)
        reads = {i for e in writes for i in e.inputs} - {e.name for e in writes}
        graph[stage.name] = {catalogue.entry(r).stage for r in reads} & known - {stage.name}
    return graph


def ordered(stages: list[Stage]) -> list[Stage]:
    """``stages`` in an order where every stage follows those it depends on (given order breaks ties)."""
    graph = dependencies(stages)
    done: list[Stage] = []
    waiting = list(stages)
    while waiting:
        ready = next((s for s in waiting if graph[s.name] <= {d.name for d in done}), None)
        if ready is None:
            raise RuntimeError(f"the catalogue's stages depend on each other in a cycle: {', '.join(s.name for s in waiting)}")
        done.append(ready)
        waiting.remove(ready)
    return done


def dependants(stages: list[Stage], names: set[str]) -> set[str]:
    """Every stage that depends, directly or not, on one of ``names``."""
    graph = dependencies(stages)
    found: set[str] = set()
    frontier = set(names)
    while frontier:
        frontier = {s for s, deps in graph.items() if deps & frontier} - found
        found |= frontier
    return found


@cache
def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec is not None and spec.origin and spec.origin.endswith(".py") else None


@cache  # read once per process, as stage_code is: the stages share most of their modules
def _imported_modules(source: Path, module: str) -> frozenset[str]:
    """Modules of this package that ``source`` (the module ``module``) imports, anywhere in it."""
    package = module if source.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            if base == PACKAGE or base.startswith(PACKAGE + "."):  # (only this package's modules count: no need to look up others)
                found |= {f"{base}.{alias.name}" for alias in node.names if _module_file(f"{base}.{alias.name}") is not None}
    # Importing a.b.c runs a/__init__ and a/b/__init__ too.
    found |= {".".join(name.split(".")[:i]) for name in list(found) for i in range(1, name.count(".") + 1)}
    return frozenset(name for name in found if name == PACKAGE or name.startswith(PACKAGE + "."))


@cache
def stage_code(module: str) -> tuple[Path, ...]:
    """The files a stage's code consists of: its module, every module of this package it imports,
    directly or through others (found by reading the import statements), and their data files."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        source = _module_file(name)
        if name in seen or source is None:
            continue
        seen[name] = source
        todo += sorted(_imported_modules(source, name) - set(seen))
    files = set(seen.values())
    # Data the code reads beside itself (message catalogues, templates): every file in folders
    # below a module's own folder that are not packages themselves.
    for folder in {p.parent for p in files}:
        for item in folder.rglob("*"):
            inside = item.relative_to(folder).parts[:-1]
            if (
                item.is_file()
                and item.suffix != ".py"
                and "__pycache__" not in item.parts
                and inside
                and not any((folder.joinpath(*inside[: i + 1]) / "__init__.py").exists() for i in range(len(inside)))
            ):
                files.add(item)
    return tuple(sorted(files, key=lambda p: p.as_posix()))


def code_fingerprint(stage: Stage) -> str:
    """Hash of the stage's own code (:func:`stage_code`), independent of where the tree lives."""
    digest = hashlib.sha256()
    for source in stage_code(stage.run.__module__):
        digest.update(source.as_posix().rpartition(f"/{PACKAGE}/")[2].encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _relative(path: Path, paths: ProjectPaths) -> str:
    return path.relative_to(paths.root).as_posix() if path.is_relative_to(paths.root) else path.name


def _parameters_key(stage: Stage) -> str:
    return hashlib.sha256(json.dumps(dict(stage.parameters), sort_keys=True, default=str).encode()).hexdigest()[:16]


def _state(stage: Stage, paths: ProjectPaths) -> dict:
    """What the stage's freshness rests on: code, parameters and every input file's sha256."""
    files = sorted(stage.inputs(paths), key=lambda p: p.as_posix())
    return {
        "code": code_fingerprint(stage),
        "parameters": _parameters_key(stage),
        "inputs": {_relative(p, paths): sha256_file(p) for p in files},
    }


def _key(state: dict) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _stale_reason(stage: Stage, paths: ProjectPaths, state: dict) -> str | None:
    """Why the stage must run (``None``: it is up to date)."""
    stamp = paths.stamps / f"{stage.name}.json"
    if not stamp.exists():
        return "never built here"
    try:
        record = json.loads(stamp.read_text())
    except ValueError:
        return "its run record is unreadable"
    if record.get("key") == _key(state):
        for rel, digest in record.get("outputs", {}).items():
            target = paths.root / rel
            if not target.exists():
                return f"output {rel} is missing"
            if sha256_file(target) != digest:
                return f"output {rel} was changed after it was written"
        return None
    if "code" not in record:
        return "run record from an older version of the runner"
    reasons = []
    if record["code"] != state["code"]:
        reasons.append("its code changed")
    if record.get("parameters") != state["parameters"]:
        reasons.append("its parameters changed")
    before, now = record.get("inputs", {}), state["inputs"]
    changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        reasons.append(f"inputs changed: {shown}")
    return "; ".join(reasons) or "its run record differs"


def _selected(only: list[str] | None) -> list[Stage]:
    stages = discover_stages()
    if only:
        unknown = sorted(set(only) - {s.name for s in stages})
        if unknown:
            raise ResearchError(f"no stage named {', '.join(unknown)}; stages: {', '.join(s.name for s in stages)}")
    return [s for s in stages if not only or s.name in only]


def plan(paths: ProjectPaths, *, force: bool = False, only: list[str] | None = None) -> list[Planned]:
    """What :func:`run_pipeline` would do, stage by stage, and why; nothing is run or written.

    A stage that depends on one that will run is listed as running after it: its inputs are only
    known once that one has run (it is skipped then if they came out the same).
    """
    planned: list[Planned] = []
    stages = _selected(only)
    running: set[str] = set()
    graph = dependencies(discover_stages())
    for stage in stages:
        upstream = sorted(graph.get(stage.name, set()) & running)
        if force:
            reason: str | None = "--force"
        elif upstream:
            reason = f"after {', '.join(upstream)}, if what it reads changes"
        else:
            reason = _stale_reason(stage, paths, _state(stage, paths))
        if reason is None:
            planned.append(Planned(stage.name, "skip", "up to date"))
        else:
            running.add(stage.name)
            planned.append(Planned(stage.name, "run", reason))
    return planned


def _finish(stage: Stage, paths: ProjectPaths, state: dict, outputs: list[Path], seconds: float, reason: str) -> StageResult:
    """Write the stage's run record (its key and the sha256 of each output) and say what it built."""
    outputs = sorted({Path(p) for p in outputs}, key=lambda p: p.as_posix())
    record = {
        "stage": stage.name,
        "key": _key(state),
        **state,
        "outputs": {p.relative_to(paths.root).as_posix(): sha256_file(p) for p in outputs if p.is_file()},
    }
    write_json(record, paths.stamps / f"{stage.name}.json")
    return StageResult(stage.name, "built", outputs, seconds, reason)


def _skipped(stage: Stage, paths: ProjectPaths) -> StageResult:
    record = json.loads((paths.stamps / f"{stage.name}.json").read_text())
    return StageResult(stage.name, "skipped", [paths.root / p for p in record["outputs"]], reason="up to date")


def run_pipeline(
    paths: ProjectPaths,
    *,
    force: bool = False,
    only: list[str] | None = None,
    progress: bool = True,
    jobs: int = 1,
) -> list[StageResult]:
    """Run every stage (or those named in ``only``) in dependency order, skipping those up to date.

    With ``jobs`` > 1, stages that do not depend on each other run at the same time, each in a
    process of its own (:func:`_run_parallel`); a stage still starts only when every stage it
    depends on has finished, and is skipped then if what it reads came out the same. The outputs
    are the same files, byte for byte, as with ``jobs=1``. The results are listed in dependency
    order whatever order the stages finished in.
    """
    stages = _selected(only)
    paths.stamps.mkdir(parents=True, exist_ok=True)
    if jobs > 1 and len(stages) > 1 and can_fork():
        return _run_parallel(stages, paths, force=force, progress=progress, jobs=jobs)
    results: list[StageResult] = []
    bar = tqdm(stages, desc="reproduce", unit="stage", disable=not progress)
    for stage in bar:
        bar.set_postfix_str(stage.name)
        state = _state(stage, paths)
        reason = "--force" if force else _stale_reason(stage, paths, state)
        if reason is None:
            results.append(_skipped(stage, paths))
            continue
        started = time.perf_counter()
        outputs = stage.run(paths, stage.parameters)
        results.append(_finish(stage, paths, state, outputs, time.perf_counter() - started, reason))
    return results


def _child(stage: Stage, paths: ProjectPaths, connection: Connection) -> None:
    """Body of a stage's process: run it and send back its outputs, or what went wrong."""
    try:
        message: tuple[str, object] = ("ok", [str(p) for p in stage.run(paths, stage.parameters)])
    except ResearchError as error:
        message = ("research_error", str(error))
    except BaseException:  # reported to the parent, which raises it
        message = ("error", traceback.format_exc())
    connection.send(message)
    connection.close()


def _run_parallel(stages: list[Stage], paths: ProjectPaths, *, force: bool, progress: bool, jobs: int) -> list[StageResult]:
    """:func:`run_pipeline` with up to ``jobs`` stages running at once, each in a forked process.

    The parent decides what runs (a stage's freshness is judged once every stage it depends on
    has finished, as in the one-at-a-time loop) and writes every run record; a child only runs
    its stage. When a stage fails, no new stage starts, those running finish and are recorded,
    and the failure is raised.
    """
    context = multiprocessing.get_context("fork")
    graph = dependencies(stages)
    names = {stage.name for stage in stages}
    waiting = list(stages)
    finished: dict[str, StageResult] = {}
    running: dict[str, tuple[Stage, dict, str, float, BaseProcess, Connection]] = {}
    failure: Exception | None = None
    bar = tqdm(total=len(stages), desc="reproduce", unit="stage", disable=not progress)
    try:
        while waiting or running:
            # Start (or skip) every stage whose dependencies have all finished, while there is room.
            for stage in list(waiting):
                if failure is not None or len(running) >= jobs:
                    break
                if not (graph[stage.name] & names) <= set(finished):
                    continue
                waiting.remove(stage)
                state = _state(stage, paths)
                reason = "--force" if force else _stale_reason(stage, paths, state)
                if reason is None:
                    finished[stage.name] = _skipped(stage, paths)
                    bar.update()
                    continue
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(stage, paths, send), name=f"stage-{stage.name}")
                process.start()
                send.close()
                running[stage.name] = (stage, state, reason, time.perf_counter(), process, receive)
            if failure is not None and not running:
                break
            if not running:
                continue
            bar.set_postfix_str(", ".join(sorted(running)))
            ready = multiprocessing.connection.wait([entry[5] for entry in running.values()])
            for name in [name for name, entry in running.items() if entry[5] in ready]:
                stage, state, reason, started, process, receive = running.pop(name)
                try:
                    status, payload = receive.recv()
                except EOFError:
                    status, payload = "died", None
                receive.close()
                process.join()
                if status == "ok":
                    outputs = [Path(p) for p in payload]  # type: ignore[union-attr]
                    finished[name] = _finish(stage, paths, state, outputs, time.perf_counter() - started, reason)
                    bar.update()
                elif failure is None:
                    if status == "research_error":
                        failure = ResearchError(str(payload))
                    elif status == "died":
                        failure = ResearchError(f"stage {name} stopped without finishing (its process exited with code {process.exitcode})")
                    else:
                        failure = RuntimeError(f"stage {name} failed:\n{payload}")
    finally:
        for entry in running.values():
            entry[4].terminate()
            entry[4].join()
        bar.close()
    if failure is not None:
        raise failure
    return [finished[stage.name] for stage in stages]


def summarise(results: list[StageResult], paths: ProjectPaths) -> str:
    """A plain-text summary of what was built or skipped, and where it is."""
    lines = [f"{'stage':<14} {'status':<8} {'files':>5} {'seconds':>8}  where"]
    for result in results:
        folders = sorted({p.parent.relative_to(paths.root).as_posix() for p in result.outputs if p.is_relative_to(paths.root)})
        where = ", ".join(folders[:4]) + (" …" if len(folders) > 4 else "")
        lines.append(f"{result.name:<14} {result.status:<8} {len(result.outputs):>5} {result.seconds:>8.1f}  {where}")
    return "\n".join(lines)


def summarise_plan(planned: list[Planned]) -> str:
    """A plain-text table of :func:`plan`: each stage, ``run`` or ``skip``, and why."""
    lines = [f"{'stage':<14} {'action':<6}  why"]
    lines += [f"{p.name:<14} {p.action:<6}  {p.reason}" for p in planned]
    return "\n".join(lines)
