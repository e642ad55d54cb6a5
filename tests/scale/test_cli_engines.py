"""``--engine dask`` on the CLI gives the default engine's outputs (synchronous scheduler, small log)."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from research.cli import app
from tests.scale.test_engines import HEADER, ROWS


def _clean(runner, log, out, engine, *extra):
    return runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(out), "--engine", engine, "--scheduler", "synchronous", *extra])


def test_clean_and_network_with_both_engines_agree(tmp_path, secret_key_file):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    for engine in ("default", "dask"):
        result = _clean(runner, log, tmp_path / engine, engine, "--key-file", str(secret_key_file))
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
        outputs[engine] = {f"{folder}/{p.name}": p.read_bytes() for folder in ("p", "r") for p in sorted((base / folder).glob("*.csv"))}
    assert {"p/nodes.csv", "p/edges.csv", "p/rankings.csv", "p/communities.csv", "p/layer_edges.csv", "p/model_metrics.csv", "r/co_hosting_edges.csv"} <= set(outputs["default"])
    assert outputs["dask"] == outputs["default"]  # every table and export, byte for byte


def test_a_synthetic_column_is_user_data_for_both_engines(tmp_path, secret_key_file, monkeypatch):
    # Since issue 15: a `synthetic` column no longer switches to the demo key (it did before).
    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    log = tmp_path / "log.csv"
    log.write_text(HEADER.rstrip("\n") + ",synthetic\n" + "\n".join(row + ",true" for row in ROWS) + "\n", encoding="utf-8")
    runner = CliRunner()
    for engine in ("default", "dask"):
        refused = _clean(runner, log, tmp_path / f"nokey-{engine}", engine, "--key-file", str(tmp_path / "absent.key"))
        assert refused.exit_code == 1 and "no HMAC key" in refused.output, refused.output
        assert _clean(runner, log, tmp_path / engine, engine, "--key-file", str(secret_key_file)).exit_code == 0
    assert (tmp_path / "dask" / "quality.csv").read_bytes() == (tmp_path / "default" / "quality.csv").read_bytes()
    assert not pd.read_parquet(tmp_path / "dask" / "takedowns.parquet")["synthetic"].any()
