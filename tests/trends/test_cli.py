"""``research trends fit`` writes trends.csv with lineage and the figures."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from research.cli import app

from tests.trends.conftest import FIXTURES


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
    comparisons = pd.read_csv(tmp_path / "trend_comparisons.csv")
    assert comparisons["series_a"].tolist() == ["KR_KNPA_DEEPFAKE_CASES"]
    assert json.loads((tmp_path / "trend_comparisons.csv.lineage.json").read_text())["parameters"]["comparisons"] == ["KR_KNPA_DEEPFAKE_CASES~ncmec_online_enticement_reports"]


def test_trends_fit_takes_comparisons_and_the_registry_from_options(tmp_path):
    registry = tmp_path / "breaks.csv"
    registry.write_text("break_id,series_pattern,date,kind,marker,what_changed,source_url\nB09,KR_*,2024-08-28,intervention,,Crackdown: more attention,https://example.org\n")
    args = ["trends", "fit", "--counts", str(FIXTURES / "counts_small.csv"), "--out", str(tmp_path / "t.csv"), "--figures", str(tmp_path / "fig"), "--root", str(tmp_path)]
    result = CliRunner().invoke(app, args + ["--breaks", str(registry), "--compare", "ncmec_online_enticement_reports~ncmec_cybertipline_total_reports"])
    assert result.exit_code == 0, result.output
    comparisons = pd.read_csv(tmp_path / "trend_comparisons.csv")
    assert comparisons["series_b"].tolist() == ["ncmec_cybertipline_total_reports"]
    lineage = json.loads((tmp_path / "t.csv.lineage.json").read_text())
    assert sorted(i["path"].rsplit("/", 1)[-1] for i in lineage["inputs"]) == ["breaks.csv", "counts_small.csv"]
    assert lineage["parameters"]["break_registry"] == "breaks.csv"
    bad = CliRunner().invoke(app, args + ["--compare", "no-tilde"])
    assert bad.exit_code == 1 and "SERIES_A~SERIES_B" in bad.output


def test_trends_fit_reports_missing_counts_clearly(tmp_path):
    result = CliRunner().invoke(app, ["trends", "fit", "--counts", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "t.csv"), "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not exist" in result.output
