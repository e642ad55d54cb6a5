"""Lumen notices: one row per infringing URL, on the real sample and on a hand-made notice."""

from __future__ import annotations

import json

from research.clean.lumen import lumen_rows, read_lumen
from research.clean.takedown_files import clean_log_file


def test_real_sample_flattens_every_infringing_url(repo_paths):
    path = repo_paths.raw / "external" / "lumen-notices-sample.json"
    notices = json.loads(path.read_text())["notices"]
    expected = sum(len(w["infringing_urls"]) for n in notices for w in n["works"])
    rows = read_lumen(path)
    assert len(rows) == expected
    assert rows["request_id"].nunique() == len(notices)


def test_real_sample_cleans_with_row_accounting(repo_paths):
    result = clean_log_file(repo_paths.raw / "external" / "lumen-notices-sample.json", "lumen", public_sample=True)
    quality = dict(zip(result.quality["metric"], result.quality["value"], strict=True))
    assert int(quality["rows_in"]) == int(quality["rows_out"]) + int(quality["rows_quarantined"])
    assert set(result.table["domain"]) == {"twitter.com", "t.co"}
    assert set(result.table["channel"]) == {"copyright_notice"}
    assert not result.table["synthetic"].any()  # real (public) data, hashed with the demo key


def test_mapping_of_fields():
    notice = {
        "id": 7, "type": "CourtOrder", "action_taken": "No", "date_sent": "2020-01-02T00:00:00Z",
        "date_received": "2020-01-05T00:00:00Z", "recipient_name": "Host", "jurisdictions": ["de"],
        "works": [{"infringing_urls": [{"url": "https://a.com/1"}]}, {"infringing_urls": [{"url": "https://b.com/2"}]}],
    }
    rows = lumen_rows([notice])
    assert rows["content_id"].tolist() == ["lumen-7-w1", "lumen-7-w2"]
    assert rows["channel"].tolist() == ["legal_notice"] * 2
    assert rows["outcome"].tolist() == ["No"] * 2
    assert rows["requested_at"].iloc[0] == "2020-01-02T00:00:00Z" and rows["checked_at"].iloc[0] == "2020-01-05T00:00:00Z"
    assert rows["country"].tolist() == ["DE"] * 2
