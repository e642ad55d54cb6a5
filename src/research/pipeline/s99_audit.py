"""Last stage: the export audit (privacy) and the lineage audit (integrity) over everything built.

A finding of the export audit stops ``make reproduce`` with a :class:`~research.errors.PrivacyError`;
a raw file that no longer matches the manifest, or a processed file that no longer matches its
sidecar, stops it with a :class:`~research.audit.lineage.LineageMismatch`. The findings are
written to ``reports/audit/`` either way, so that the reason can be read after a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from research.audit.exports import audit_exports, exported_files
from research.audit.lineage import LineageMismatch, audit_lineage
from research.config import SUPPRESSION_THRESHOLD, ProjectPaths
from research.errors import PrivacyError
from research.outputs import write_csv
from research.parallel import available_cpus
from research.pipeline import Stage

AUDIT_DIR = ("reports", "audit")
#: Lineage findings that mean a file was changed or lost; the others (a table without a sidecar,
#: a raw file not yet in the manifest, no manifest at all) are recorded but do not stop the build.
BLOCKING_LINEAGE_KINDS = frozenset(
    {"raw_changed", "raw_missing", "output_changed", "output_missing", "input_changed", "input_missing", "sidecar_unreadable"}
)


def _audit_dir(paths: ProjectPaths) -> Path:
    return paths.root.joinpath(*AUDIT_DIR)


def audit_inputs(paths: ProjectPaths) -> list[Path]:
    """Every exported file (except run stamps and this stage's own reports) and the raw files."""
    own = _audit_dir(paths)
    exported = [p for p in exported_files(paths) if not p.is_relative_to(paths.stamps) and not p.is_relative_to(own)]
    raw = [p for p in paths.raw.rglob("*") if p.is_file() and not p.is_relative_to(paths.private)] if paths.raw.exists() else []
    return sorted(exported + raw, key=lambda p: p.as_posix())


def _first(findings: pd.DataFrame, columns: list[str], limit: int = 5) -> str:
    shown = findings[columns].head(limit).astype(object).where(findings[columns].head(limit).notna(), "").astype(str).agg(" | ".join, axis=1)
    more = f" (and {len(findings) - limit} more)" if len(findings) > limit else ""
    return "; ".join(shown) + more


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    """Run both audits, write their findings to ``reports/audit/``, raise on a blocking finding."""
    threshold = int(parameters.get("threshold", SUPPRESSION_THRESHOLD))
    exports = audit_exports(paths, threshold=threshold, workers=available_cpus())
    lineage = audit_lineage(paths)
    scanned = pd.DataFrame(
        [{"file": f, "status": "scanned", "reason": ""} for f in exports.scanned]
        + [{"file": f, "status": "skipped", "reason": r} for f, r in exports.skipped.items()],
        columns=["file", "status", "reason"],
    ).sort_values("file", kind="stable")
    # The listing leaves out this stage's own reports and the run stamps: they exist or differ
    # depending on earlier runs, and the listing must be the same on every rebuild.
    volatile = (_audit_dir(paths).relative_to(paths.root).as_posix() + "/", paths.stamps.relative_to(paths.root).as_posix() + "/")
    scanned = scanned[~scanned["file"].str.startswith(volatile)]
    folder = _audit_dir(paths)
    written = [
        write_csv(exports.findings, folder / "export_findings.csv"),
        write_csv(scanned, folder / "export_files.csv"),
        write_csv(lineage, folder / "lineage_findings.csv"),
    ]
    if not exports.passed:
        raise PrivacyError(
            f"export audit: {len(exports.findings)} findings (see reports/audit/export_findings.csv): "
            + _first(exports.findings, ["file", "line", "row", "column", "kind", "excerpt"])
        )
    blocking = lineage[lineage["kind"].isin(BLOCKING_LINEAGE_KINDS)]
    if not blocking.empty:
        raise LineageMismatch(
            f"lineage audit: {len(blocking)} findings (see reports/audit/lineage_findings.csv): "
            + _first(blocking, ["file", "kind", "detail"])
        )
    return written


STAGE = Stage(
    name="audit",
    description="export audit (no URL paths, contacts or small counts) and lineage audit",
    inputs=audit_inputs,
    run=run,
    parameters={"threshold": SUPPRESSION_THRESHOLD},
)
