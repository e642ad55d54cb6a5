"""Issue 15 items 6 and 8: atomic, checked writes; spreadsheet formulas neutralised in every CSV."""

from __future__ import annotations

import errno
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.takedown_files import OUTPUT_FILES, clean_log_file, write_cleaned
from research.errors import OutputError
from research.lineage import sidecar_path
from research.outputs import neutralise_formulas, write_csv, write_csv_chunks, write_table
from research.scale.files import clean_with_dask

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome,hosting_provider\n"
LOG = HEADER + (
    "R1,F1,https://alpha-host.com/v/1,2024-01-01,2024-01-05,removed,\"=SUM(1,2)*cmd|' /C calc'!A0\"\n"
    "R2,F2,https://beta-host.net/v/2,2024-01-01,2024-01-05,online,+Host\n"
    "R3,F3,https://gamma-host.org/v/3,2024-01-01,2024-01-05,online,@Host\n"
    "R4,F4,https://delta-host.com/v/4,2024-01-01,2024-01-05,removed,-Host\n"
    "R5,F5,https://eps-host.com/v/5,2024-01-01,2024-01-05,=1+2,Host E\n"
)


def test_formula_cells_get_a_quote_and_numbers_do_not():
    frame = pd.DataFrame(
        {"text": ["=SUM(A1)", "+x", "-x", "@x", "\tx", "\rx", "plain", "-5", "+1.5e3", None], "n": [-1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
         "mixed": [-3, "<10", "-3", "=1", 4, 5, 6, 7, 8, 9]}
    )
    out = neutralise_formulas(frame)
    assert out["text"].tolist()[:9] == ["'=SUM(A1)", "'+x", "'-x", "'@x", "'\tx", "'\rx", "plain", "-5", "+1.5e3"]
    assert pd.isna(out["text"].iloc[9])
    assert out["n"].tolist() == frame["n"].tolist()
    assert out["mixed"].tolist()[:4] == [-3, "<10", "-3", "'=1"]
    assert neutralise_formulas(frame[["n"]]) is not None and frame["text"].iloc[0] == "=SUM(A1)"  # input untouched


@pytest.mark.parametrize("engine", ["default", "dask"])
def test_takedowns_and_quarantine_csv_are_formula_safe_with_both_engines(tmp_path, secret_key_file, engine):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    out = tmp_path / engine
    if engine == "default":
        write_cleaned(clean_log_file(log, key_file=secret_key_file), out, inputs=[log], parameters={})
    else:
        clean_with_dask(log, out, key_file=secret_key_file, scheduler="synchronous")
    table = pd.read_csv(out / "takedowns.csv", dtype=str)
    assert table["hosting_provider"].tolist() == ["'=SUM(1,2)*cmd|' /C calc'!A0", "'+Host", "'@Host", "'-Host"]
    assert pd.read_parquet(out / "takedowns.parquet")["hosting_provider"].iloc[1] == "+Host"  # Parquet keeps the value
    quarantine = pd.read_csv(out / "quarantine.csv", dtype=str)
    assert quarantine["value"].tolist() == ["'=1+2"]


def test_both_engines_write_the_same_bytes_with_neutralised_cells(tmp_path, secret_key_file):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    write_cleaned(clean_log_file(log, key_file=secret_key_file), tmp_path / "a", inputs=[log], parameters={})
    clean_with_dask(log, tmp_path / "b", key_file=secret_key_file, scheduler="synchronous", inputs=[log], parameters={})
    for name in ("takedowns.csv", "quarantine.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_full_disk_is_a_toolkit_error_and_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "counts.csv"
    write_table(pd.DataFrame({"n": [1]}), target)
    before = target.read_bytes()

    def full_disk(self, target, *args, **kwargs):
        if hasattr(target, "write"):  # an open file
            target.write("n\n")  # a few bytes, then the disk is full
        else:
            with open(target, "w") as handle:
                handle.write("n\n")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(OutputError) as error:
        write_table(pd.DataFrame({"n": [2]}), target)
    assert "counts.csv" in str(error.value) and "No space left" in str(error.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv"]  # no temporary file; the stale sidecar is gone


def test_an_interrupted_clean_leaves_no_sidecar_vouching_for_a_file_and_a_rerun_recovers(tmp_path, secret_key_file, monkeypatch):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    result = clean_log_file(log, key_file=secret_key_file)
    out = tmp_path / "out"
    write_cleaned(result, out, inputs=[log], parameters={})
    import research.clean.takedown_files as files

    real = files.write_csv

    def killed(df, path):
        if path.name == "quarantine.csv":
            raise OutputError("cannot write: killed", file=str(path))
        return real(df, path)

    monkeypatch.setattr(files, "write_csv", killed)
    with pytest.raises(OutputError):
        write_cleaned(result, out, inputs=[log], parameters={})
    assert not any(sidecar_path(out / name).exists() for name in OUTPUT_FILES)
    monkeypatch.setattr(files, "write_csv", real)
    write_cleaned(result, out, inputs=[log], parameters={})
    for name in OUTPUT_FILES:
        from research.lineage import sha256_file

        assert json.loads(sidecar_path(out / name).read_text())["sha256"] == sha256_file(out / name)


def test_control_characters_are_never_written(tmp_path):
    with pytest.raises(OutputError, match="U\\+0000"):
        write_csv(pd.DataFrame({"a": ["ok", "bad\x00"]}), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_a_csv_written_in_chunks_is_the_same_bytes_and_names_the_file_row(tmp_path):
    whole = pd.DataFrame({"group": ["a", "=b", "c", "d", "e"], "n": [1, 2, 3, 4, 5], "share": [0.5, None, 1 / 3, 0.25, 1.0]})
    write_csv(whole, tmp_path / "whole.csv")
    chunks = [whole.iloc[:0], whole.iloc[:2], whole.iloc[2:2], whole.iloc[2:]]  # empty chunks first and between
    write_csv_chunks(chunks, tmp_path / "chunks.csv")
    assert (tmp_path / "chunks.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "whole.csv").read_text().count("group,n,share") == 1 and "'=b" in (tmp_path / "whole.csv").read_text()
    bad = whole.assign(group=["a", "b", "c", "d\x07", "e"])
    with pytest.raises(OutputError, match="row 4: a control character \\(U\\+0007\\)"):
        write_csv_chunks([bad.iloc[:2], bad.iloc[2:]], tmp_path / "bad.csv")  # row 4 of the file, row 2 of its chunk
    assert not (tmp_path / "bad.csv").exists()


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path, secret_key_file):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    (tmp_path / "file").write_text("x")
    for engine in ("default", "dask"):
        result = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "file"), "--key-file", str(secret_key_file), "--engine", engine, "--scheduler", "synchronous"])
        assert result.exit_code == 1 and "Traceback" not in result.output and "must be a folder" in result.output, result.output


def test_a_truncated_parquet_is_a_toolkit_error_in_network_build(tmp_path, secret_key_file):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    write_cleaned(clean_log_file(log, key_file=secret_key_file), tmp_path / "out", inputs=[log], parameters={})
    parquet = tmp_path / "out" / "takedowns.parquet"
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    args = ["network", "build", str(parquet), "--out-processed", str(tmp_path / "p"), "--out-reports", str(tmp_path / "r"), "--out-figures", str(tmp_path / "f"), "--root", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "truncated or corrupt Parquet" in result.output and "takedowns.parquet" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
