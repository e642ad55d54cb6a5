"""Issue 15 items 2–3 and issue 12 item 10: no raw identifying text in the quarantine or the outputs.

Quarantine values that look like a URL, an e-mail address or a phone number are shown by their
shape; ids are pseudonymised like URLs (opt-out: ``--keep-ids``, then scanned); free text in
``hosting_provider`` holding such a value sends the row to quarantine; control characters are
refused in every column and never written.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.redact import redact_array, shapes
from research.clean.takedown_files import clean_log_file, write_cleaned
from research.clean.takedowns import id_pseudonyms
from research.clean.arrow_text import to_arrow
from tests.conftest import TEST_SECRET_KEY

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome,hosting_provider,country\n"
LOG = HEADER + "\n".join(
    [
        "R1,F1,https://alpha-host.com/v/1,2024-01-01,2024-01-05,removed,Host A,NL",
        "jane.doe@mail-host.com,Jane Doe selfie,https://beta-host.net/v/2,2024-01-01,2024-01-05,online,Host B,NL",
        "R3,F3,https://gamma-host.org/v/3,https://victim-site.com/private/path?u=jane,2024-01-05,online,,",
        "R4,F4,https://delta-host.com/v/4,2024-01-01,2024-01-05,call +81 3-1234-5678,,",
        "R5,F5,https://eps-host.com/v/5,2024-01-01,2024-01-05,removed,abuse: +44 20 7946 0958,",
        "R6,F6,https://zeta-host.com/v/6,2024-01-01,2024-01-05,removed,Host\x00Z,",
        "R7,F7,https://eta-host.com/v/7,2024-01-01,2024-01-05,removed,see https://whois-host.com/record/7,",
        "R8,F8,https://theta-host.com/v/8,2024-01-01,2024-01-05,removed,noc@theta-host.com,",
    ]
) + "\n"
RAW_FRAGMENTS = ("jane", "Jane", "victim-site", "private/path", "1234-5678", "7946", "\x00", "whois-host.com/record", "noc@")


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "shifted_export.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def _reasons(result):
    return {(r.row_number, r.column): (r.value, r.reason) for r in result.quarantine.itertuples()}


def test_quarantine_shows_shapes_not_values(log, secret_key_file):
    reasons = _reasons(clean_log_file(log, key_file=secret_key_file))
    assert reasons[(3, "requested_at")] == ("<url with path>", "unreadable timestamp")
    assert reasons[(4, "outcome")] == ("<phone>", "unknown outcome word")
    assert reasons[(5, "hosting_provider")] == ("<phone>", "phone number in free text")
    assert reasons[(6, "hosting_provider")] == ("Host<U+0000>Z", "control character")
    assert reasons[(7, "hosting_provider")] == ("<url with path>", "URL in free text")
    assert reasons[(8, "hosting_provider")] == ("<e-mail>", "e-mail address in free text")


def test_ids_are_pseudonymised_like_urls_with_the_same_key(log, secret_key_file):
    result = clean_log_file(log, key_file=secret_key_file)
    assert result.table["row_number"].tolist() == [1, 2]
    expected = [hmac.new(TEST_SECRET_KEY.encode(), f"request_id:{r}".encode(), hashlib.sha256).digest()[:8].hex() for r in ("R1", "jane.doe@mail-host.com")]
    assert result.table["request_id"].tolist() == expected
    assert result.table["content_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    # The same id text in another column gets another pseudonym.
    assert id_pseudonyms(to_arrow(pd.Series(["X"])), b"k" * 20, "request_id") != id_pseudonyms(to_arrow(pd.Series(["X"])), b"k" * 20, "content_id")


def test_nothing_raw_reaches_any_written_file(log, tmp_path, secret_key_file):
    write_cleaned(clean_log_file(log, key_file=secret_key_file), tmp_path / "out", inputs=[log], parameters={})
    for path in (tmp_path / "out").iterdir():
        if path.suffix == ".parquet":  # the cells, not the binary format's own NUL bytes
            text = pd.read_parquet(path).astype("string").to_csv()
        else:
            text = path.read_bytes().decode("latin-1")
        for fragment in RAW_FRAGMENTS:
            assert fragment not in text, (path.name, fragment)


def test_keep_ids_opts_out_and_scans_the_ids(log, secret_key_file):
    result = clean_log_file(log, key_file=secret_key_file, pseudonymise_ids=False)
    assert result.table["request_id"].tolist() == ["R1"]
    assert _reasons(result)[(2, "request_id")] == ("<e-mail>", "e-mail address in free text")
    assert result.table["content_id"].tolist() == ["F1"]


def test_keep_ids_on_the_cli(log, tmp_path, secret_key_file):
    result = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "o"), "--key-file", str(secret_key_file), "--keep-ids"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "o" / "takedowns.csv")["request_id"].tolist() == ["R1"]


@pytest.mark.parametrize(
    "value, expected",
    [("https://a-host.com/x?y=1", "<url with path>"), ("http://a-host.com", "<url>"), ("a-host.com/private", "<url with path>"),
     ("who@mail-host.org", "<e-mail>"), ("(03) 1234-5678", "<phone>"), ("010-1234-5678", "<phone>"),
     ("Hosting Ltd", None), ("2024-01-31", None), ("AS64512", None), ("1,202,000", None)],
)
def test_shapes(value, expected):
    assert shapes(to_arrow(pd.Series([value]))).to_pylist() == [expected]
    assert redact_array(to_arrow(pd.Series([value]))).to_pylist() == [expected or value]


@pytest.mark.parametrize(
    "values",
    [
        ["plain", "ascii", None, ""],  # no control byte: the fast pass
        ["tab\there", "line\nbreak", "cr\r", None],  # allowed control characters only: the regular expression, nothing flagged
        ["nul\x00", "ok", "esc\x1b[0m", "del\x7f", "bell\x07", None],
        ["é", "\u0085 next line (C1)", "かな", "한글", "\U0001f600"],  # multi-byte characters: no byte below 0x80
    ],
)
def test_control_characters_match_the_regular_expression(values):
    import re

    import pyarrow as pa

    from research.clean.redact import CONTROL_RE2, control_characters

    array = pa.array(["padding", *values, "padding"], type=pa.large_string()).slice(1, len(values))  # a slice: offsets not at 0
    expected = [v is not None and re.search(CONTROL_RE2, v) is not None for v in values]
    assert control_characters(array).tolist() == expected
