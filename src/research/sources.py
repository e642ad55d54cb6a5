"""Read the raw data package: its resources, their citations, and the sha256 manifest.

``data/raw/datapackage.json`` is a Frictionless Data Package; ``data/raw/SHA256SUMS`` (the
``sha256sum`` format) lists every raw file, ``datapackage.json`` included, except itself and the
private folder. :func:`verify_manifest` recomputes the digests and reports files that changed,
are missing or are not listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from research.config import ProjectPaths
from research.errors import InputError
from research.lineage import sha256_file

MANIFEST_NAME = "SHA256SUMS"


@dataclass(frozen=True)
class Citation:
    """Where one resource came from."""

    resource: str
    title: str
    path: str
    publisher: str
    date_published: str
    date_accessed: str
    licences: tuple[str, ...]


def read_package(paths: ProjectPaths) -> dict:
    """The data package descriptor as a dict."""
    try:
        return json.loads(paths.datapackage.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read the data package: {error}", file=str(paths.datapackage)) from error


def resources(paths: ProjectPaths) -> dict[str, Path]:
    """Resource name → absolute path of its file."""
    return {r["name"]: paths.raw / r["path"] for r in read_package(paths)["resources"]}


def citations(paths: ProjectPaths) -> list[Citation]:
    """One citation per source of every resource, in package order."""
    found = []
    for resource in read_package(paths)["resources"]:
        licences = tuple(lic.get("name", "") for lic in resource.get("licenses", []))
        for source in resource.get("sources", []):
            found.append(Citation(
                resource=resource["name"], title=source.get("title", ""), path=source.get("path", ""),
                publisher=source.get("publisher", ""), date_published=source.get("date_published", ""),
                date_accessed=source.get("date_accessed", ""), licences=licences,
            ))
    return found


def read_manifest(paths: ProjectPaths) -> dict[str, str]:
    """Relative path → sha256 from ``SHA256SUMS``."""
    manifest = paths.manifest
    entries: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise InputError("not a sha256sum line", file=str(manifest), row=number, value=line)
        entries[name.lstrip("*")] = digest
    return entries


def raw_files(paths: ProjectPaths) -> list[str]:
    """Every raw file the manifest should list (relative paths, sorted)."""
    found = []
    for path in sorted(paths.raw.rglob("*")):
        rel = path.relative_to(paths.raw).as_posix()
        if path.is_file() and rel != MANIFEST_NAME and not rel.startswith("private/") and not path.name.startswith("."):
            found.append(rel)
    return found


def verify_manifest(paths: ProjectPaths) -> list[str]:
    """Problems with the raw files against the manifest (empty when everything matches)."""
    listed = read_manifest(paths)
    problems = []
    for rel, digest in sorted(listed.items()):
        target = paths.raw / rel
        if not target.is_file():
            problems.append(f"{rel}: listed in {MANIFEST_NAME} but missing")
        elif sha256_file(target) != digest:
            problems.append(f"{rel}: sha256 differs from {MANIFEST_NAME} (raw files must not be edited)")
    for rel in raw_files(paths):
        if rel not in listed:
            problems.append(f"{rel}: not listed in {MANIFEST_NAME}")
    return problems
