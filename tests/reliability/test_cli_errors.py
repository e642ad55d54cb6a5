"""Issue 15 item 11 through the commands: each small case is a clear toolkit error, never a traceback.

``CliRunner`` keeps an uncaught exception in ``result.exception`` (a command that crashes prints a
Python traceback); a toolkit error ends the command with ``SystemExit`` and a message.
"""

from __future__ import annotations

import errno
import gzip

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from tests.reliability.test_corrupted_inputs import FIGURES_HEADER, FIGURES_ROWS
from tests.reliability import damage as d

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome"
ROW = "R1,F1,https://a-host.com/1,2024-01-01,2024-01-02,removed"


def refused(result, text: str, code: int = 1) -> None:
    """Exit ``code`` with ``text`` in the output, and no exception escaped the command."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and text in result.output, result.output


def _run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    return path


@pytest.fixture
def figures(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(d.csv_text(FIGURES_HEADER, [[c.replace("{local}", "Cases") for c in r] for r in FIGURES_ROWS]), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, message",
    d.BAD_MAPPINGS,
)
def test_bad_mappings_on_the_cli(tmp_path, log, secret_key_file, text, message):
    mapping = tmp_path / "map.yml"
    mapping.write_text(text, encoding="utf-8")
    refused(_run("takedowns", "clean", log, "--out", tmp_path / "o", "--mapping", mapping, "--key-file", secret_key_file), message)


def test_a_mapping_that_makes_two_url_columns_on_the_cli(tmp_path, secret_key_file):
    log = tmp_path / "log.csv"
    log.write_text("request_id,content_id,url,Link,requested_at,checked_at,outcome\nR1,F1,https://a-host.com/1,https://b-host.com/2,2024-01-01,2024-01-02,removed\n")
    mapping = tmp_path / "map.yml"
    mapping.write_text("columns:\n  url: Link\n")
    refused(_run("takedowns", "clean", log, "--out", tmp_path / "o", "--mapping", mapping, "--key-file", secret_key_file), "two columns would both be 'url'")


@pytest.mark.parametrize("key, message", [("a" * 16, "guessable"), ("0" * 64, "guessable"), ("short", "shorter")])
def test_weak_keys_on_the_cli(tmp_path, log, key, message, monkeypatch):
    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    path = tmp_path / "hmac.key"
    path.write_text(key)
    path.chmod(0o600)
    refused(_run("takedowns", "clean", log, "--out", tmp_path / "o", "--key-file", path), message)


def test_the_explicit_key_file_wins_over_the_environment_on_the_cli(tmp_path, log, secret_key_file, monkeypatch):
    """The same log and key file give the same pseudonyms whatever the environment holds."""
    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    assert _run("takedowns", "clean", log, "--out", tmp_path / "a", "--key-file", secret_key_file).exit_code == 0
    monkeypatch.setenv("RESEARCH_HMAC_KEY", "an-environment-key-long-enough-42")
    assert _run("takedowns", "clean", log, "--out", tmp_path / "b", "--key-file", secret_key_file).exit_code == 0
    assert (tmp_path / "a" / "takedowns.csv").read_bytes() == (tmp_path / "b" / "takedowns.csv").read_bytes()
    assert _run("takedowns", "clean", log, "--out", tmp_path / "c").exit_code == 0  # the environment's key, when no file is given
    assert (tmp_path / "c" / "takedowns.csv").read_bytes() != (tmp_path / "a" / "takedowns.csv").read_bytes()


def test_a_gzip_bomb_on_the_cli(tmp_path, secret_key_file):
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(f"{HEADER}\n".encode())
        for _ in range(16):
            handle.write(b"0" * (1 << 20))
    refused(_run("takedowns", "clean", bomb, "--out", tmp_path / "o", "--key-file", secret_key_file), "decompresses to more than")


def test_breaks_pointing_at_a_missing_file_in_counts_clean(tmp_path, figures):
    refused(_run("counts", "clean", figures, "--out", tmp_path / "o", "--breaks", tmp_path / "missing.csv"), "does not exist", code=2)


def test_out_pointing_at_a_file_in_every_writing_command(tmp_path, log, figures, secret_key_file):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    refused(_run("counts", "clean", figures, "--out", blocker), "a-file")
    refused(_run("takedowns", "synth", "--out", blocker / "log.csv", "--files", 20), "a-file")
    cleaned = tmp_path / "cleaned"
    assert _run("takedowns", "clean", log, "--out", cleaned, "--key-file", secret_key_file).exit_code == 0
    refused(_run("takedowns", "analyse", cleaned / "takedowns.parquet", "--out", blocker), "a-file")


def test_a_full_disk_in_counts_clean_and_takedowns_clean(tmp_path, log, figures, secret_key_file, monkeypatch):
    def full_disk(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    refused(_run("counts", "clean", figures, "--out", tmp_path / "c"), "No space left")
    refused(_run("takedowns", "clean", log, "--out", tmp_path / "t", "--key-file", secret_key_file), "No space left")
    assert not list((tmp_path / "c").glob("*.csv")) and not list((tmp_path / "t").glob("*.csv"))  # no 0-byte table


def test_a_truncated_parquet_in_takedowns_analyse(tmp_path, log, secret_key_file):
    cleaned = tmp_path / "cleaned"
    assert _run("takedowns", "clean", log, "--out", cleaned, "--key-file", secret_key_file).exit_code == 0
    parquet = cleaned / "takedowns.parquet"
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    refused(_run("takedowns", "analyse", parquet, "--out", tmp_path / "a"), "takedowns.parquet")
