"""One CLI convention: writing commands take --out DIR (old file forms still work, with a warning) and show examples."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from research.cli import app
from tests.trends.test_cli import FIXTURES

WRITING = [["counts", "clean"], ["trends", "fit"], ["takedowns", "clean"], ["takedowns", "synth"], ["network", "build"], ["audit", "exports"], ["audit", "lineage"], ["report", "build"]]


@pytest.mark.parametrize("command", WRITING, ids=" ".join)
def test_every_writing_command_takes_out_and_shows_examples(command):
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "--out" in result.output and "Examples" in result.output
    assert "--out-processed" not in result.output  # deprecated aliases are hidden


def test_trends_fit_out_is_a_folder_and_a_csv_path_still_works(tmp_path):
    runner = CliRunner()
    base = ["trends", "fit", "--counts", str(FIXTURES / "counts_small.csv"), "--root", str(tmp_path)]
    result = runner.invoke(app, [*base, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "trends.csv").exists() and (tmp_path / "out" / "trend_comparisons.csv").exists()
    assert any((tmp_path / "out" / "figures").glob("*.png"))
    old = runner.invoke(app, [*base, "--out", str(tmp_path / "old" / "t.csv"), "--figures", str(tmp_path / "fig")])
    assert old.exit_code == 0 and (tmp_path / "old" / "t.csv").exists()
    assert "--out takes a folder" in old.stderr


def test_synth_out_is_a_folder(tmp_path):
    result = CliRunner().invoke(app, ["takedowns", "synth", "--files", "50", "--out", str(tmp_path / "logs")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "logs" / "synthetic_log.csv.gz").stat().st_size > 0
