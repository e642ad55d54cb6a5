"""``research takedowns clean`` and ``synth`` on files the code has never seen; nothing below domain level."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from research.cli import app

RAW_URLS = ("https://Mirror-One.com/watch/8812?utm_source=t", "http://cdn.mirror-two.co.kr/p/ab/", "https://198.51.100.9/x/y")
UNSEEN = (
    "request_id,content_id,url,requested_at,checked_at,outcome,resolved_at,channel,hosting_provider,asn,country\n"
    f"Q-1,h1,{RAW_URLS[0]},2023-05-01T09:00:00+09:00,2023-05-09,삭제 완료,2023-05-03,신고,Foo Net,AS64600,KR\n"
    f"Q-1,h1,{RAW_URLS[1]},2023-05-01T09:00:00+09:00,2023-05-09,미삭제,,신고,Foo Net,AS64600,KR\n"
    f"Q-2,h2,{RAW_URLS[2]},2023-05-02,2023-05-09,sudah dihapus,2023-05-04,somasi,Bar Host,,ID\n"
    "Q-3,h3,javascript:void(0),2023-05-02,2023-05-09,dihapus,,,,,\n"
    "Q-4,h4,https://mirror-three.net/a,2023-05-02,2023-05-09,evaporated,,,,,\n"
)


def test_clean_an_unseen_log(tmp_path, monkeypatch):
    log = tmp_path / "partner_export.csv"
    log.write_text(UNSEEN, encoding="utf-8")
    monkeypatch.setenv("RESEARCH_HMAC_KEY", "a-secret-key-used-only-in-this-test")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 rows read: 3 cleaned, 2 quarantined" in result.output
    table = pd.read_parquet(out / "takedowns.parquet")
    assert table["domain"].tolist() == ["mirror-one.com", "mirror-two.co.kr", "198.51.100.9"]
    assert table["is_ip"].tolist() == [False, False, True]
    assert table["outcome"].tolist() == ["removed", "online", "removed"]
    assert table["channel"].tolist() == ["platform_report", "platform_report", "legal_notice"]
    assert not table["synthetic"].any()
    quality = pd.read_csv(out / "quality.csv").set_index("metric")["value"]
    assert int(quality["rows_in"]) == int(quality["rows_out"]) + int(quality["rows_quarantined"])
    # No raw URL, path or query in any file written.
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8", errors="ignore") if path.suffix != ".parquet" else path.read_bytes().decode("latin-1")
        for fragment in (*RAW_URLS, "watch/8812", "/p/ab", "/x/y", "javascript", "mirror-three.net/a", "utm_source"):
            assert fragment not in text, (path.name, fragment)


def test_clean_real_log_without_key_fails_clearly(tmp_path, monkeypatch):
    log = tmp_path / "log.csv"
    log.write_text(UNSEEN, encoding="utf-8")
    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    result = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "o"), "--key-file", str(tmp_path / "missing.key")])
    assert result.exit_code == 1
    assert "no HMAC key" in result.output


def test_synth_then_clean(tmp_path):
    log = tmp_path / "synthetic.csv.gz"
    made = CliRunner().invoke(app, ["takedowns", "synth", "--files", "300", "--out", str(log)])
    assert made.exit_code == 0, made.output
    out = tmp_path / "clean"
    cleaned = CliRunner().invoke(app, ["takedowns", "clean", str(log), "--out", str(out)])
    assert cleaned.exit_code == 0, cleaned.output
    table = pd.read_parquet(out / "takedowns.parquet")
    assert table["synthetic"].all() and table["content_id"].nunique() == 300
