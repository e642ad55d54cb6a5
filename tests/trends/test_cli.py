"""``research trends fit`` writes trends.csv with lineage and the figures."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from research.cli import app

from conftest import FIXTURES


def test_trends_fit_writes_table_lineage_and_figures(tmp_path):
    out = tmp_path / "trends.csv"
    result = CliRunner().invoke(app, ["trends", "fit", "--counts", str(FIXTURES / "counts_small.csv"), "--out", str(out), "--figures", str(tmp_path / "fig"), "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "3 fitted, 1 not_modelled, 2 refused" in result.output
    table = pd.read_csv(out)
    assert len(table) == 6
    assert table[["series_id", "segment"]].duplicated().sum() == 0
    lineage = json.loads((tmp_path / "trends.csv.lineage.json").read_text())
    assert lineage["parameters"]["seed"] == 20241202
    assert len(list((tmp_path / "fig").glob("*.png"))) == 3


def test_trends_fit_reports_missing_counts_clearly(tmp_path):
    result = CliRunner().invoke(app, ["trends", "fit", "--counts", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "t.csv"), "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not exist" in result.output
