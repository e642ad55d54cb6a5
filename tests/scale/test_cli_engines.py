"""``--engine dask`` on the CLI gives the default engine's outputs (synchronous scheduler, small log)."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from research.cli import app
from tests.scale.test_engines import HEADER, ROWS


def test_clean_and_network_with_both_engines_agree(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    for engine in ("default", "dask"):
        result = runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / engine), "--synthetic", "--engine", engine, "--scheduler", "synchronous"])
        assert result.exit_code == 0, result.output
    default = pd.read_parquet(tmp_path / "default" / "takedowns.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "dask" / "takedowns.parquet"), default)
    outputs = {}
    for engine in ("default", "dask"):
        base = tmp_path / f"net-{engine}"
        args = ["network", "build", str(tmp_path / engine / "takedowns.parquet"), "--out-processed", str(base / "p"), "--out-reports", str(base / "r"), "--out-figures", str(base / "f"), "--engine", engine, "--scheduler", "synchronous", "--root", str(tmp_path)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs[engine] = (base / "p" / "nodes.csv").read_bytes()
    assert outputs["dask"] == outputs["default"]
