"""``research counts clean`` on a figures file it has never seen, and the pipeline stage."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.config import paths
from research.pipeline import run_pipeline

HEADER = "figure_id,series_id,country,publisher,indicator,period_start,period_end,value,unit,source_url,source_date,source_domain,source_tier\n"
ROWS = [
    "X1,ID_HOTLINE_REPORTS,ID,Kominfo,Reports,2023-01-01,2023-12-31,59653,reports,https://example.id/a,2024-02-01,example.id,1",
    "X2,ID_HOTLINE_REPORTS,ID,Kominfo via news,Reports,2023-01-01,2023-12-31,60000,reports (approx.),https://news.example.id/b,2024-02-03,news.example.id,3",
    "X3,ID_HOTLINE_REPORTS,ID,Kominfo,Reports,2024-01-01,2024-12-31,,reports,https://example.id/c,2025-02-01,example.id,1",
    "X4,ID_HOTLINE_REPORTS,ID,Kominfo,Reports,2024-01-01,2024-06-30,31000,reports,https://example.id/d,2024-07-10,example.id,1",
]


def test_cli_cleans_an_unseen_file(tmp_path):
    source = tmp_path / "new_figures.csv"
    source.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["counts", "clean", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 rows in: 3 used, 1 quarantined" in result.output
    counts = pd.read_csv(out / "counts.csv", dtype={"source_ids": str})
    full_year = counts[counts["period_start"] == "2023-01-01"].iloc[0]
    assert (full_year["value"], full_year["source_ids"], full_year["country"]) == (59653, "X1;X2", "ID")
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert quarantine[["figure_id", "row_number", "column"]].values.tolist() == [["X3", 3, "value"]]
    assert (out / "quality.csv").exists()


def test_cli_reports_a_missing_column(tmp_path):
    source = tmp_path / "broken.csv"
    source.write_text("figure_id,series_id\nX1,S\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["counts", "clean", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "broken.csv" in result.output and "missing required column" in result.output


@pytest.mark.slow
def test_stage_writes_deterministic_outputs(tmp_path, repo_paths):
    shutil.copytree(repo_paths.raw, tmp_path / "data" / "raw", ignore=shutil.ignore_patterns("private"))
    project = paths(tmp_path)
    run_pipeline(project, only=["counts"], progress=False)
    first = {p.name: p.read_bytes() for p in project.processed.glob("*.csv")}
    run_pipeline(project, only=["counts"], force=True, progress=False)
    second = {p.name: p.read_bytes() for p in project.processed.glob("*.csv")}
    assert set(first) == {"counts.csv", "quarantine.csv", "quality.csv"}
    assert first == second
    assert (project.processed / "counts.parquet").exists()
    assert (project.processed / "counts.csv.lineage.json").exists()
