"""Issue 15 item 11: the smaller cases — each a clear toolkit error or the right quarantine reason."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.read_table import read_text_table
from research.clean.takedown_files import clean_log_file
from research.clean.takedown_mapping import load_mapping
from research.clean.urls import normalise_urls
from research.errors import InputError, SchemaError
from tests.reliability import damage as d

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome"


def _log(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _reasons(result):
    return {(r.row_number, r.column, r.reason) for r in result.quarantine.itertuples()}


def test_excel_mangled_ids_are_quarantined(tmp_path, secret_key_file):
    path = _log(tmp_path, HEADER + "\n1.23E+15,F1,https://a-host.com/1,2024-01-01,2024-01-02,removed\n1.23E+15,F2,https://b-host.com/2,2024-01-01,2024-01-02,removed\nR3,F3,https://c-host.com/3,2024-01-01,2024-01-02,removed\n")
    result = clean_log_file(path, key_file=secret_key_file)
    assert {(1, "request_id", "id mangled by a spreadsheet (scientific notation)"), (2, "request_id", "id mangled by a spreadsheet (scientific notation)")} <= _reasons(result)
    assert result.table["row_number"].tolist() == [3]


def test_a_short_row_gets_one_reason_too_few_fields(tmp_path, secret_key_file):
    path = _log(tmp_path, HEADER + "\nR1,F1,https://a-host.com/1,2024-01-01,2024-01-02,removed\nR2,F2,https://b-host.com/2\n")
    result = clean_log_file(path, key_file=secret_key_file)
    assert _reasons(result) == {(2, "row", "too few fields (the row is shorter than the header)")}
    assert result.table["row_number"].tolist() == [1]


def test_excel_trailing_empty_columns_are_dropped_not_refused(tmp_path):
    path = _log(tmp_path, "a,b,,\n1,2,,\n3,4,,\n")
    assert list(read_text_table(path).frame.columns) == ["a", "b"]
    with pytest.raises(SchemaError, match="blank but the column holds values"):
        read_text_table(_log(tmp_path, "a,b,,\n1,2,,x\n", "bad.csv"))


@pytest.mark.parametrize(
    "text, message",
    d.BAD_MAPPINGS,
)
def test_bad_mappings_are_clear_errors(tmp_path, text, message):
    path = _log(tmp_path, text, "map.yml")
    with pytest.raises((InputError, SchemaError), match=message):
        load_mapping(path)


def test_a_binary_mapping_or_key_file_on_the_cli(tmp_path, secret_key_file):
    log = _log(tmp_path, HEADER + "\nR1,F1,https://a-host.com/1,2024-01-01,2024-01-02,removed\n")
    binary = tmp_path / "map.yml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    runner = CliRunner()
    result = runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "o"), "--mapping", str(binary), "--key-file", str(secret_key_file)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "not UTF-8" in result.output
    key = tmp_path / "binary.key"
    key.write_bytes(b"\xff\xfe\x00binary")
    result = runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "o"), "--key-file", str(key)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "not text" in result.output


def test_a_mapping_that_makes_two_url_columns(tmp_path, secret_key_file):
    log = _log(tmp_path, "request_id,content_id,url,Link,requested_at,checked_at,outcome\nR1,F1,https://a-host.com/1,https://b-host.com/2,2024-01-01,2024-01-02,removed\n")
    mapping = _log(tmp_path, "columns:\n  url: Link\n", "map.yml")
    with pytest.raises(SchemaError, match="two columns would both be 'url'"):
        clean_log_file(log, mapping=mapping, key_file=secret_key_file)


@pytest.mark.parametrize(
    "key, message", [("a" * 16, "guessable"), ("0" * 64, "guessable"), ("short", "shorter")],
)
def test_weak_keys_are_refused(tmp_path, key, message, monkeypatch):
    from research.clean.pseudonyms import load_key
    from research.errors import PrivacyError

    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    path = tmp_path / "hmac.key"
    path.write_text(key)
    path.chmod(0o600)
    with pytest.raises(PrivacyError, match=message):
        load_key(key_file=path)


def test_an_explicit_key_file_wins_over_the_environment_and_a_readable_one_warns(tmp_path, monkeypatch):
    from research.clean.pseudonyms import KeyFileWarning, load_key

    monkeypatch.setenv("RESEARCH_HMAC_KEY", "an-environment-key-long-enough")
    path = tmp_path / "hmac.key"
    path.write_text("the-explicit-file-key-1234")
    path.chmod(0o644)
    with pytest.warns(KeyFileWarning, match="chmod 600"):
        assert load_key(key_file=path) == b"the-explicit-file-key-1234"


@pytest.mark.parametrize(
    "url, reason",
    [("http://" + "a" * 100_000 + ".com/x", "malformed"), ("http://-bad-.com/x", "malformed"), ("http://com%2fevil.com/", "malformed"),
     ("http://a-host.com:0/x", "bad_port"), ("http://evil.com\\@good.com/", "malformed"), ("vbscript:msgbox(1)", "not_http"),
     ("intent:foo", "not_http"), ("https://good-host.com:8443/x", None), ("example.com:8080/x", None)],
)
def test_invalid_hosts_and_schemes(url, reason):
    result = normalise_urls(pd.Series([url], dtype="string"))
    assert (None if pd.isna(result["reason"].iloc[0]) else result["reason"].iloc[0]) == reason
    if url.startswith("http://evil.com"):
        assert pd.isna(result["domain"].iloc[0])  # never attributed to good.com


def test_breaks_pointing_at_a_missing_file_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["trends", "fit", "--breaks", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_symlinked_private_folder_is_ignored_by_git(tmp_path):
    import shutil
    import subprocess

    from research.config import DEFAULT_ROOT

    shutil.copy(DEFAULT_ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "log.csv").write_text("real log")
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "private").symlink_to(tmp_path / "elsewhere")
    status = subprocess.run(["git", "status", "--porcelain", "--", "data"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_a_blank_line_then_a_nul_byte_is_a_toolkit_error(tmp_path):
    """Found by the fuzzer: b"\\n\\x00" made pandas raise EmptyDataError (a traceback)."""
    from research.clean.read_table import read_text_table
    from research.errors import InputError

    path = tmp_path / "odd.csv"
    path.write_bytes(b"\n\x00")
    with pytest.raises(InputError, match="odd.csv"):
        read_text_table(path)
