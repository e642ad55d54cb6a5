"""Stage: the bulletin (en, id, ja, ko), its method illustration and appendix, tables for papers, download bundles."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from research.config import SUPPRESSION_THRESHOLD, UNSTABLE_DENOMINATOR, ProjectPaths
from research.pipeline import Stage
from research.report.build import LANGUAGES, build_reports, input_files


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    return build_reports(paths, tuple(parameters["languages"]))


STAGE = Stage(
    name="report",
    description="bulletin, demo and appendix pages (HTML, Markdown; en, id, ja, ko), tables for papers, download bundles",
    inputs=input_files,
    run=run,
    parameters={"languages": list(LANGUAGES), "threshold": SUPPRESSION_THRESHOLD, "unstable": UNSTABLE_DENOMINATOR},
)
