"""Stage 10: clean data/raw/figures.csv into data/processed/counts.csv (+ Parquet), quarantine and quality."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from research.clean.counts import clean_counts_file
from research.config import ProjectPaths
from research.outputs import write_table
from research.pipeline import Stage


def _inputs(paths: ProjectPaths) -> list[Path]:
    return [paths.figures_csv, paths.raw / "definition_breaks.csv"]


def _run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    breaks = paths.raw / "definition_breaks.csv"
    result = clean_counts_file(paths.figures_csv, breaks if breaks.exists() else None, lang=str(parameters.get("lang", "en")), root=paths.root)
    inputs = _inputs(paths)
    written = write_table(result.counts, paths.processed / "counts.csv", inputs=inputs, parameters=dict(parameters), parquet=True, root=paths.root)
    written += write_table(result.quarantine, paths.processed / "quarantine.csv", inputs=inputs, parameters=dict(parameters), root=paths.root)
    written += write_table(result.quality, paths.processed / "quality.csv", inputs=inputs, parameters=dict(parameters), root=paths.root)
    return written


STAGE = Stage(
    name="counts",
    description="tidy counts, quarantine and quality report from the sourced figures",
    inputs=_inputs,
    run=_run,
    parameters={"lang": "en"},
)
