""""How to cite this report": the version of the code and a hash of the data it was built from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from research import __version__
from research.config import ProjectPaths
from research.lineage import code_revision, sha256_file


@dataclass(frozen=True)
class Citation:
    """What pins a build of the report: package version, git commit and the data's sha256."""

    version: str
    commit: str
    data_sha256: str
    data_file: str

    @property
    def short_hash(self) -> str:
        return self.data_sha256[:12]


def data_fingerprint(paths: ProjectPaths) -> tuple[str, str]:
    """sha256 of the raw data manifest (``SHA256SUMS``), else of ``datapackage.json``, else of the raw files.

    Returns the digest and the name of what was hashed. Private logs are never part of it.
    """
    for candidate in (paths.manifest, paths.datapackage):
        if candidate.exists():
            return sha256_file(candidate), candidate.relative_to(paths.root).as_posix()
    digest = hashlib.sha256()
    for path in sorted(p for p in paths.raw.rglob("*") if p.is_file() and paths.private not in p.parents):
        digest.update(path.relative_to(paths.raw).as_posix().encode())
        digest.update(sha256_file(path).encode())
    return digest.hexdigest(), "data/raw/*"


def citation(paths: ProjectPaths) -> Citation:
    """The citation of a report built now from ``paths``."""
    digest, what = data_fingerprint(paths)
    return Citation(version=__version__, commit=code_revision(), data_sha256=digest, data_file=what)
