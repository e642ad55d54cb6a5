"""Issue 15 items 5 and 7: no silent re-decoding of damaged UTF-8; gzip streamed with a cap."""

from __future__ import annotations

import gzip

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.read_table import read_text_table
from research.errors import InputError

ROWS = "id,word\n" + "".join(f"{i},削除済み Café\n" for i in range(1, 12001))


def test_one_stray_cp1252_byte_in_a_utf8_file_is_refused_naming_it(tmp_path):
    data = ROWS.encode("utf-8")
    at = data.index(b"\n5000,") + 1
    path = tmp_path / "log.csv"
    path.write_bytes(data[:at] + b"\x93" + data[at:])  # a Windows smart quote pasted in
    with pytest.raises(InputError) as error:
        read_text_table(path)
    assert error.value.row == 5000 and f"byte {at}" in str(error.value) and "\\x93" in str(error.value)


def test_the_cli_refuses_it_without_a_traceback(tmp_path, secret_key_file):
    header = "request_id,content_id,url,requested_at,checked_at,outcome\n"
    rows = "".join(f"R{i},F{i},https://host-{i}.com/削除/{i},2024-01-01,2024-01-02,removed\n" for i in range(300))
    path = tmp_path / "log.csv"
    path.write_bytes((header + rows).encode() + b"R9,F9,https://x-host.com/\xe9,2024-01-01,2024-01-02,removed\n")
    result = CliRunner().invoke(app, ["takedowns", "clean", str(path), "--out", str(tmp_path / "o"), "--key-file", str(secret_key_file)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "is not" in result.output


@pytest.mark.parametrize("encoding, text", [("cp1252", "id,word\n1,Café\n2,naïve\n"), ("cp932", "id,word\n1,削除済み\n")])
def test_legacy_files_are_still_read(tmp_path, encoding, text):
    path = tmp_path / "legacy.csv"
    path.write_bytes(text.encode(encoding))
    assert read_text_table(path).encoding == encoding


def test_a_gzipped_log_reads_like_the_plain_one_and_leaves_nothing_behind(tmp_path):
    plain = tmp_path / "log.csv"
    plain.write_text(ROWS, encoding="utf-8")
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(ROWS.encode(), mtime=0))
    assert read_text_table(packed).frame.equals(read_text_table(plain).frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "log.csv.gz"]


def test_a_gzip_bomb_stops_at_the_ratio_cap(tmp_path):
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b"id,word\n")
        for _ in range(64):
            handle.write(b"0" * (1 << 20))  # 64 MB of zeros: ~1000:1
    with pytest.raises(InputError, match="decompresses to more than"):
        read_text_table(bomb)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.csv.gz"]


def test_the_size_cap_is_configurable(tmp_path, monkeypatch):
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(ROWS.encode(), mtime=0))
    monkeypatch.setenv("RESEARCH_GZIP_MAX_BYTES", "100000")
    with pytest.raises(InputError, match="100,000"):
        read_text_table(packed)
    monkeypatch.setenv("RESEARCH_GZIP_MAX_BYTES", "lots")
    with pytest.raises(InputError, match="whole number"):
        read_text_table(packed)


def test_a_truncated_gzip_is_a_toolkit_error(tmp_path):
    packed = tmp_path / "log.csv.gz"
    data = gzip.compress(ROWS.encode(), mtime=0)
    packed.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="corrupt or truncated gzip"):
        read_text_table(packed)
