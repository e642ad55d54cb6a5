"""Lineage: what every processed file was made from.

Each processed file ``X`` gets a sidecar ``X.lineage.json`` with the sha256 of its inputs, the
parameters, the package version and the code revision, so that ``research audit lineage`` can
verify that nothing was edited by hand and that raw files still match the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from research import __version__
from research.config import PACKAGE_DIR

SIDECAR_SUFFIX = ".lineage.json"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's own source files: changes whenever the code that made a file does."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_revision() -> str:
    """The git commit of the code (``unknown`` outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PACKAGE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The lineage sidecar that belongs to ``path``."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def relative_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` (POSIX) when inside it, else its file name: the same on every clone."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def inherited_synthetic(inputs: Iterable[str | os.PathLike[str]]) -> tuple[bool, str | None]:
    """Whether any input's lineage sidecar says ``"synthetic": true``, and that input's evidence.

    An input without a sidecar (a raw file, a user's log) adds nothing: only the toolkit's own
    records can make an output synthetic.
    """
    for item in sorted({Path(p) for p in inputs}, key=lambda p: p.as_posix()):
        try:
            record = json.loads(sidecar_path(item).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("synthetic") is True:
            return True, record.get("synthetic_evidence") or f"inherited from {item.name}"
    return False, None


def write_sidecar(
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]],
    parameters: Mapping[str, object] | None = None,
    root: str | os.PathLike[str] | None = None,
    synthetic: bool | None = None,
    synthetic_evidence: str | None = None,
) -> Path:
    """Write ``output``'s lineage sidecar and return its path.

    The record describes how ``output`` was made: inputs with sha256, parameters, version, code,
    provenance. ``synthetic`` is given by the code that verified the generator's marker (cleaning)
    or made the file (the generator); left ``None``, it is inherited: ``True`` iff an input's
    sidecar says so (:func:`inherited_synthetic`).
    """
    root_path = Path(root) if root is not None else None
    output = Path(output)
    inputs = list(inputs)
    if synthetic is None:
        synthetic, inherited = inherited_synthetic(inputs)
        synthetic_evidence = synthetic_evidence or inherited
    record = {
        "synthetic": bool(synthetic),
        "synthetic_evidence": synthetic_evidence if synthetic else None,
        "file": relative_path(output, root_path),
        "sha256": sha256_file(output),
        "inputs": [{"path": relative_path(Path(p), root_path), "sha256": sha256_file(p)} for p in sorted({Path(p) for p in inputs}, key=lambda p: p.as_posix())],
        "parameters": dict(sorted((parameters or {}).items())),
        "package_version": __version__,
        "code_fingerprint": code_fingerprint(),
    }
    target = sidecar_path(output)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")  # renamed: never half a sidecar
    partial.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
    os.replace(partial, target)
    return target
