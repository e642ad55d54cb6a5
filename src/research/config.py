"""The one place that knows the project's paths and fixed settings.

Every path is derived from a project root so that tests (and users) can run the whole pipeline
in another folder: set ``RESEARCH_PROJECT_ROOT`` or pass a root to :func:`paths`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parents[1]

#: One seed for everything random in the pipeline (synthetic logs, Louvain, cross-validation).
SEED = 20241202
#: Counts below this, in tables derived from a takedown log, are shown as "<10".
SUPPRESSION_THRESHOLD = 10
#: Rates on this many cases or fewer are flagged as unstable.
UNSTABLE_DENOMINATOR = 20
#: Environment variable and default file holding the HMAC key that pseudonymises URLs.
HMAC_KEY_ENV = "RESEARCH_HMAC_KEY"
HMAC_KEY_FILE = Path.home() / ".config" / "research" / "hmac.key"
#: Environment variable that, set to 1 (or true/yes/on), makes the ``research`` command hand freed
#: memory back to the system before it runs (see research.scale.memory and docs/scale.md).
RETURN_FREED_MEMORY_ENV = "RESEARCH_RETURN_FREED_MEMORY"


def env_flag(name: str) -> bool:
    """True when the environment variable ``name`` is set to 1, true, yes or on (any case)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ProjectPaths:
    """Paths of one project tree (the repository, or a copy of it in a test)."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def private(self) -> Path:
        return self.raw / "private"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def figures(self) -> Path:
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
        return self.reports / "tables"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def stamps(self) -> Path:
        return self.processed / ".stamps"

    @property
    def figures_csv(self) -> Path:
        return self.raw / "figures.csv"

    @property
    def source_tiers_csv(self) -> Path:
        return self.raw / "source_tiers.csv"

    @property
    def datapackage(self) -> Path:
        return self.raw / "datapackage.json"

    @property
    def manifest(self) -> Path:
        return self.raw / "SHA256SUMS"


def paths(root: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """Return the project's paths, rooted at ``root``, ``$RESEARCH_PROJECT_ROOT`` or the repo."""
    chosen = root or os.environ.get("RESEARCH_PROJECT_ROOT") or DEFAULT_ROOT
    return ProjectPaths(Path(chosen).resolve())
