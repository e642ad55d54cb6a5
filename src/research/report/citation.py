""""How to cite this report": version, release date, commit, data hash and repository address.

The release date is the date of the commit the report was built from (so a rebuild of the same
commit gives the same page); the repository address is ``repository-code`` in ``CITATION.cff``,
else the ``origin`` remote of the checkout, else empty (the page then says it is not recorded).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from research import __version__
from research.config import PACKAGE_DIR, ProjectPaths
from research.i18n import message
from research.lineage import code_revision, sha256_file


@dataclass(frozen=True)
class Citation:
    """What pins a build of the report: package version, git commit and the data's sha256."""

    version: str
    commit: str
    data_sha256: str
    data_file: str
    date: str = ""
    url: str = ""

    @property
    def year(self) -> str:
        return self.date[:4]

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


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit_date() -> str:
    """``YYYY-MM-DD`` of the checked-out commit (empty outside a git checkout)."""
    return _git("log", "-1", "--format=%cs")


def repository_url(root: Path) -> str:
    """Where the code lives: ``repository-code`` of ``CITATION.cff``, else the ``origin`` remote."""
    cff = root / "CITATION.cff"
    if cff.exists():
        found = (yaml.safe_load(cff.read_text(encoding="utf-8")) or {}).get("repository-code")
        if found:
            return str(found)
    remote = _git("remote", "get-url", "origin")
    # A local path is no address a reader can follow; user names in https remotes are dropped.
    if remote.startswith(("https://", "http://")):
        scheme, rest = remote.split("://", 1)
        return f"{scheme}://{rest.split('@', 1)[-1]}"
    return ""


def citation(paths: ProjectPaths) -> Citation:
    """The citation of a report built now from ``paths``."""
    digest, what = data_fingerprint(paths)
    return Citation(version=__version__, commit=code_revision(), data_sha256=digest, data_file=what,
                    date=commit_date(), url=repository_url(paths.root))


def citation_text(cite: Citation, lang: str = "en") -> str:
    """The citation in ``lang``; without a recorded repository address it says so rather than guess one."""
    url = cite.url or message("report", "no_repository", lang)
    return message("report", "cite_full", lang, year=cite.year or "n.d.", version=cite.version, date=cite.date or "—", commit=cite.commit,
                   data_hash=cite.data_sha256, data_file=cite.data_file, url=url)


def citation_note(cite: Citation, lang: str = "en") -> str:
    """How to cite while no repository address is recorded (``""`` once there is one)."""
    return "" if cite.url else message("report", "cite_without_url", lang, commit=cite.commit)
