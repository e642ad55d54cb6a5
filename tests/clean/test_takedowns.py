"""Cleaning a takedown log: row accounting, quarantine reasons, mappings, no raw URL anywhere."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.takedown_files import clean_log_file
from research.clean.takedown_mapping import load_mapping, read_generic_log
from research.clean.takedowns import clean_takedown_log
from research.errors import SchemaError

KEY = b"test-key-" * 4

LOG = """request_id,content_id,url,requested_at,checked_at,outcome,resolved_at,channel,hosting_provider,asn,country
R1,F1,https://www.Alpha-Site.com/v/1?utm_source=x,2024-01-01,2024-01-20,削除済み,2024-01-05,通報,Host A,AS64512,JP
R1,F1,https://beta-site.co.jp/v/2/,2024-01-01,2024-01-20,掲載中,,通報,Host B,64513,Japan
R2,F2,http://gamma.co.kr/x,2024-02-01,2024-02-10,대기,,경찰,,,KR
R3,F3,mailto:someone@secret-mail.com,2024-02-01,2024-02-10,removed,,,,,
R4,F4,https://delta.net/x,2024-02-01,2024-02-10,vanished,,,,,
R5,F5,https://epsilon.net/x,yesterday,2024-02-10,removed,,,,,
R6,F6,https://zeta.net/x,2024-02-10,2024-02-01,removed,,,,,
R1,F1,HTTPS://WWW.alpha-site.com:443/v/1/,2024-01-01,2024-01-20,removed,,,,,
R7,,https://eta.net/x,2024-02-01,2024-02-10,online,,,,,Atlantis
R8,F8,https://theta.net/private/path?id=42,2024-02-01,2024-02-10,online,,carrier pigeon,,ASX,
"""


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_rows_in_equal_rows_out_plus_quarantined(log_file, secret_key_file):
    result = clean_log_file(log_file, key_file=secret_key_file)
    quality = dict(zip(result.quality["metric"], result.quality["value"], strict=True))
    assert (quality["rows_in"], quality["rows_out"], quality["rows_quarantined"]) == (10, 3, 7)
    assert quality["rows_balance_ok"] is True
    assert result.table["row_number"].tolist() == [1, 2, 3]


def test_clean_values(log_file, secret_key_file):
    table = clean_log_file(log_file, key_file=secret_key_file).table
    assert table["domain"].tolist() == ["alpha-site.com", "beta-site.co.jp", "gamma.co.kr"]
    assert table["outcome"].tolist() == ["removed", "online", "pending"]
    assert table["channel"].tolist() == ["platform_report", "platform_report", "police"]
    assert table["country"].tolist() == ["JP", "JP", "KR"]
    assert table["asn"].tolist()[:2] == [64512, 64513] and pd.isna(table["asn"].iloc[2])
    assert table["requested_at"].iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert pd.isna(table["resolved_at"].iloc[1])
    assert table["url_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert not table["synthetic"].any()  # a hand-made log is real (only the generator's logs are synthetic)


def test_quarantine_reasons(log_file, secret_key_file):
    quarantine = clean_log_file(log_file, key_file=secret_key_file).quarantine
    reasons = {(r.row_number, r.column, r.reason) for r in quarantine.itertuples()}
    assert (4, "url", "url not http") in reasons
    assert (5, "outcome", "unknown outcome word") in reasons
    assert (6, "requested_at", "unreadable timestamp") in reasons
    assert (7, "checked_at", "checked before requested") in reasons
    assert (8, "url", "duplicate URL within request") in reasons  # same URL as row 1 once normalised
    assert {(9, "content_id", "missing value"), (9, "country", "unknown country")} <= reasons
    assert {(10, "channel", "unknown channel word"), (10, "asn", "unreadable AS number")} <= reasons


def test_quarantine_never_shows_a_url(log_file, secret_key_file):
    quarantine = clean_log_file(log_file, key_file=secret_key_file).quarantine
    text = quarantine[["value"]].to_csv()
    for fragment in ("mailto", "secret-mail", "alpha-site", "/v/1", "http", "theta"):
        assert fragment not in text
    assert quarantine.loc[quarantine["row_number"] == 4, "value"].iloc[0].startswith("hmac:")


def test_real_data_without_key_stops(log_file, monkeypatch, tmp_path):
    from research.errors import PrivacyError

    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    with pytest.raises(PrivacyError):
        clean_log_file(log_file, key_file=tmp_path / "none.key")


def test_real_data_with_key_is_not_marked_synthetic(log_file, tmp_path):
    key_file = tmp_path / "hmac.key"
    key_file.write_text("a-real-secret-key-for-the-test")
    result = clean_log_file(log_file, key_file=key_file)
    assert not result.table["synthetic"].any()
    assert result.quality.set_index("metric").loc["hmac_key", "value"] == "secret"


def test_missing_required_column_names_file_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("request_id,content_id,url,requested_at,checked_at\nR1,F1,http://a.com/,2024-01-01,2024-01-02\n")
    with pytest.raises(SchemaError) as error:
        read_generic_log(path)
    assert "outcome" in str(error.value) and "bad.csv" in str(error.value)
    with pytest.raises(SchemaError):
        clean_takedown_log(pd.DataFrame({"url": ["x"]}), key=KEY)


def test_yaml_mapping_reads_an_organisations_export(tmp_path, secret_key_file):
    export = tmp_path / "ngo.csv"
    export.write_text(
        "Ticket,File hash,Link,Sent on,Last checked,Status,Route\n"
        "T-1,abc,https://kappa.com/1,2024/03/01 10:00,2024/03/05 10:00,taken offline,web form\n"
        "T-1,abc,https://lambda.co.id/2,2024/03/01 10:00,2024/03/05 10:00,masih tayang,web form\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yml"
    mapping.write_text(
        "columns:\n  request_id: Ticket\n  content_id: File hash\n  url: Link\n  requested_at: Sent on\n"
        "  checked_at: Last checked\n  outcome: Status\n  channel: Route\n"
        "outcomes:\n  taken offline: removed\nchannels:\n  web form: platform_report\ntimezone: Asia/Tokyo\n"
    )
    table = clean_log_file(export, mapping=mapping, key_file=secret_key_file).table
    assert table["outcome"].tolist() == ["removed", "online"]
    assert table["channel"].tolist() == ["platform_report", "platform_report"]
    assert table["requested_at"].iloc[0] == pd.Timestamp("2024-03-01 01:00", tz="UTC")  # 10:00 in Tokyo
    assert table["domain"].tolist() == ["kappa.com", "lambda.co.id"]


def test_csv_mapping_and_bad_mappings(tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("field,column\nurl,Link\noutcome,Status\n")
    assert load_mapping(mapping).columns == {"url": "Link", "outcome": "Status"}
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("columns:\n  colour: Colour\n")
    with pytest.raises(SchemaError, match="unknown field"):
        load_mapping(wrong)


def test_cleaned_table_meets_the_full_contract_including_unique_request_url_pairs(log_file, secret_key_file):
    from research.clean.takedown_schema import CLEAN_TAKEDOWNS_SCHEMA

    # Cleaning skips pandera's slow uniqueness check because repeats are quarantined; prove it holds.
    CLEAN_TAKEDOWNS_SCHEMA.validate(clean_log_file(log_file, key_file=secret_key_file).table)


def test_csv_view_writes_whole_seconds_in_utc_and_keeps_missing_times_missing():
    from research.clean.takedown_files import csv_view

    stamps = pd.Series(
        pd.to_datetime(["1990-01-01T00:00:00.999999Z", None, "2024-02-29T23:59:59.5Z", "2030-12-31T01:02:03Z"], utc=True, format="ISO8601")
    ).astype("datetime64[us, UTC]")
    view = csv_view(pd.DataFrame({"requested_at": stamps, "checked_at": stamps, "resolved_at": stamps}))
    expected = ["1990-01-01T00:00:00Z", None, "2024-02-29T23:59:59Z", "2030-12-31T01:02:03Z"]
    for column in ("requested_at", "checked_at", "resolved_at"):
        assert [None if pd.isna(v) else v for v in view[column]] == expected
        assert view[column].dtype == "string"
