"""Lineage audit: raw files still match their manifest, processed files still match their sidecars.

Two checks, each giving rows of a findings table (``file``, ``kind``, ``detail``):

* **raw manifest** — every line of ``data/raw/SHA256SUMS`` (``sha256sum`` format, paths relative
  to ``data/raw/``, or to the project root when they start with ``data/``) names a file that
  exists and has that sha256 (``raw_missing``, ``raw_changed``); every file under ``data/raw/`` is
  listed (``raw_unlisted``), except the manifest itself, ``.gitkeep`` files and anything under
  ``data/raw/private/`` (real logs never go into a committed manifest);
* **sidecars** — every ``*.lineage.json`` under ``data/processed/`` and ``reports/`` belongs to a
  file that exists (``output_missing``) with the sha256 it records (``output_changed``), and each
  recorded input still exists (``input_missing``) with the sha256 it had (``input_changed``).
  Data tables (CSV, Parquet) under ``data/processed/`` without a sidecar are listed as
  ``no_sidecar``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from research.config import ProjectPaths
from research.errors import InputError, ResearchError
from research.lineage import SIDECAR_SUFFIX, sha256_file

LINEAGE_COLUMNS = ["file", "kind", "detail"]
DATA_TABLE_SUFFIXES = {".csv", ".parquet"}


class LineageMismatch(ResearchError):
    """A raw or processed file no longer matches the record of how it was made."""


def _finding(file: str, kind: str, detail: str) -> dict[str, str]:
    return {"file": file, "kind": kind, "detail": detail}


def read_manifest(manifest: Path) -> dict[str, str]:
    """Parse a ``sha256sum`` file into ``{path: sha256}`` (``*`` binary markers accepted).

    Raises
    ------
    research.errors.InputError
        Naming the manifest and the line that is not ``<64 hex digits>  <path>``.
    """
    entries: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, _, name = line.partition(" ")
        name = name.lstrip(" *")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()) or not name:
            raise InputError("not a sha256sum line", file=str(manifest), row=number, value=line[:80])
        entries[name] = digest.lower()
    return entries


def _manifest_target(paths: ProjectPaths, name: str) -> Path:
    return paths.root / name if name.startswith("data/") else paths.raw / name


def raw_findings(paths: ProjectPaths) -> list[dict[str, str]]:
    """Compare ``data/raw/`` with ``data/raw/SHA256SUMS``."""
    if not paths.manifest.exists():
        return [_finding(paths.manifest.relative_to(paths.root).as_posix(), "manifest_missing", "no data/raw/SHA256SUMS to check raw files against")]
    entries = read_manifest(paths.manifest)
    findings = []
    listed: set[Path] = set()
    for name, digest in sorted(entries.items()):
        target = _manifest_target(paths, name)
        listed.add(target.resolve())
        rel = target.relative_to(paths.root).as_posix() if target.is_relative_to(paths.root) else name
        if not target.is_file():
            findings.append(_finding(rel, "raw_missing", "listed in SHA256SUMS but not found"))
        elif sha256_file(target) != digest:
            findings.append(_finding(rel, "raw_changed", f"sha256 {sha256_file(target)[:12]}… ≠ manifest {digest[:12]}…"))
    for path in sorted(p for p in paths.raw.rglob("*") if p.is_file()):
        if path == paths.manifest or path.name == ".gitkeep" or path.is_relative_to(paths.private):
            continue
        if path.resolve() not in listed:
            findings.append(_finding(path.relative_to(paths.root).as_posix(), "raw_unlisted", "raw file not in SHA256SUMS"))
    return findings


def _sidecar_findings(paths: ProjectPaths, sidecar: Path) -> list[dict[str, str]]:
    output = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
    rel = output.relative_to(paths.root).as_posix()
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return [_finding(rel, "sidecar_unreadable", f"{sidecar.name}: {error}")]
    if not output.is_file():
        return [_finding(rel, "output_missing", "sidecar without its file")]
    findings = []
    if sha256_file(output) != record.get("sha256"):
        findings.append(_finding(rel, "output_changed", "file differs from the sha256 in its sidecar (edited after it was written?)"))
    for item in record.get("inputs", []):
        source = paths.root / item["path"]
        if not source.is_file():
            findings.append(_finding(rel, "input_missing", f"input {item['path']} not found"))
        elif sha256_file(source) != item["sha256"]:
            findings.append(_finding(rel, "input_changed", f"input {item['path']} changed since this file was made"))
    return findings


def processed_findings(paths: ProjectPaths) -> list[dict[str, str]]:
    """Check every lineage sidecar, and list processed data tables that have none."""
    findings = []
    for folder in (paths.processed, paths.reports):
        if not folder.exists():
            continue
        for sidecar in sorted(folder.rglob(f"*{SIDECAR_SUFFIX}")):
            findings.extend(_sidecar_findings(paths, sidecar))
    if paths.processed.exists():
        for table in sorted(paths.processed.rglob("*")):
            if table.suffix.lower() in DATA_TABLE_SUFFIXES and table.is_file() and not table.with_name(table.name + SIDECAR_SUFFIX).exists():
                findings.append(_finding(table.relative_to(paths.root).as_posix(), "no_sidecar", "processed table without a lineage sidecar"))
    return findings


def audit_lineage(paths: ProjectPaths) -> pd.DataFrame:
    """Both checks; an empty table means every file matches its record."""
    rows = raw_findings(paths) + processed_findings(paths)
    return pd.DataFrame(rows, columns=LINEAGE_COLUMNS).sort_values(["file", "kind"], kind="stable").reset_index(drop=True)
