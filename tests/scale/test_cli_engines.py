"""``--engine dask`` on the CLI gives the default engine's outputs (synchronous scheduler, small log)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.errors import InputError
from research.scale.engine import csv_to_parquet
from research.scale.files import declared_synthetic_parts
from tests.scale.test_engines import HEADER, ROWS


def _clean(runner, log, out, engine, *extra):
    return runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(out), "--engine", engine, "--scheduler", "synchronous", *extra])


def test_clean_and_network_with_both_engines_agree(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    for engine in ("default", "dask"):
        result = _clean(runner, log, tmp_path / engine, engine, "--synthetic")
        assert result.exit_code == 0, result.output
    default = pd.read_parquet(tmp_path / "default" / "takedowns.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "dask" / "takedowns.parquet"), default)
    for name in ("takedowns.csv", "quarantine.csv", "quality.csv"):  # same bytes, written a block at a time
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "default" / name).read_bytes(), name
    written = sorted(p.name for p in (tmp_path / "dask").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "default").iterdir())  # sidecars too, no work files left
    outputs = {}
    for engine in ("default", "dask"):
        base = tmp_path / f"net-{engine}"
        args = ["network", "build", str(tmp_path / engine / "takedowns.parquet"), "--out-processed", str(base / "p"), "--out-reports", str(base / "r"), "--out-figures", str(base / "f"), "--engine", engine, "--scheduler", "synchronous", "--root", str(tmp_path)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs[engine] = {name: (base / "p" / name).read_bytes() for name in ("nodes.csv", "edges.csv", "rankings.csv")}
    assert outputs["dask"] == outputs["default"]


def test_a_log_declared_synthetic_is_cleaned_as_synthetic_by_both(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER.rstrip("\n") + ",synthetic\n" + "\n".join(row + ",true" for row in ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    for engine in ("default", "dask"):
        assert _clean(runner, log, tmp_path / engine, engine).exit_code == 0
    assert (tmp_path / "dask" / "quality.csv").read_bytes() == (tmp_path / "default" / "quality.csv").read_bytes()
    assert pd.read_parquet(tmp_path / "dask" / "takedowns.parquet")["synthetic"].all()


def test_mixed_synthetic_rows_are_refused_with_the_row(tmp_path):
    log = tmp_path / "log.csv"
    flags = ["true"] * 4 + ["false"] + ["true"] * 5
    log.write_text(HEADER.rstrip("\n") + ",synthetic\n" + "\n".join(r + "," + f for r, f in zip(ROWS, flags)) + "\n", encoding="utf-8")
    parts = csv_to_parquet(log, tmp_path / "raw", rows_per_partition=3)
    with pytest.raises(InputError) as error:
        declared_synthetic_parts(parts, log.name)
    assert error.value.row == 5 and error.value.value == "false"
    result = _clean(CliRunner(), log, tmp_path / "out", "dask")
    assert result.exit_code == 1 and "row 5" in result.output


def test_dask_engine_refuses_other_formats(tmp_path):
    log = tmp_path / "log.json"
    log.write_text("{}", encoding="utf-8")
    result = _clean(CliRunner(), log, tmp_path / "out", "dask", "--format", "lumen")
    assert result.exit_code == 1 and "documented format" in result.output
