"""Lumen notices: one row per infringing URL, on the real sample and on a hand-made notice."""

from __future__ import annotations

import json

from research.clean.lumen import LUMEN_OUTCOME_WORDS, lumen_rows, read_lumen
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
    # jurisdictions names the law invoked, not where the content is hosted (issue 12): no country.
    assert rows["country"].isna().all()


def test_unauthenticated_search_shape_counts_urls_by_host():
    """Lumen's answer without a token: each work's URLs counted by host, one row per counted URL."""
    notice = {
        "id": 9, "type": "DMCA", "action_taken": "Yes", "date_received": "2021-03-01T00:00:00Z", "recipient_name": "Host",
        "works": [{"description": None, "infringing_urls": [{"domain": "alice.blogspot.com", "count": 3}, {"domain": "b.example.org", "count": 1}], "copyrighted_urls": []}],
    }
    rows = lumen_rows([notice])
    assert len(rows) == 4
    assert rows["url"].str.startswith("https://alice.blogspot.com/").sum() == 3
    assert rows["url"].nunique() == 4  # distinct placeholders: no "duplicate URL within request"
    from research.clean.pseudonyms import DEMO_KEY
    from research.clean.takedowns import clean_takedown_log

    cleaned = clean_takedown_log(rows, key=DEMO_KEY, outcome_words=LUMEN_OUTCOME_WORDS)
    assert len(cleaned.table) == 4 and cleaned.quarantine.empty
    assert cleaned.table["site"].value_counts().to_dict() == {"alice.blogspot.com": 3, "example.org": 1}


def test_a_bad_count_is_refused_by_notice_and_field():
    import pytest

    from research.errors import SchemaError

    notice = {"id": 3, "works": [{"infringing_urls": [{"domain": "a.com", "count": "many"}]}]}
    with pytest.raises(SchemaError, match="count") as error:
        lumen_rows([notice], source="n.json")
    assert "n.json" in str(error.value) and "many" in str(error.value)


def test_search_delisting_is_delisted_not_removed():
    from research.clean.pseudonyms import DEMO_KEY
    from research.clean.takedowns import clean_takedown_log

    base = {"type": "DMCA", "action_taken": "Yes", "date_received": "2021-03-01T00:00:00Z", "works": [{"infringing_urls": [{"url": "https://c.com/x"}]}]}
    search = {**base, "id": 1, "title": "DMCA (Copyright) Complaint to Google", "recipient_name": "Google LLC"}
    hosting = {**base, "id": 2, "title": "DMCA Takedown Notice (Tweet)", "recipient_name": "Twitter"}
    refused = {**base, "id": 3, "action_taken": "No", "title": "x", "recipient_name": "Bing"}
    rows = lumen_rows([search, hosting, refused])
    assert rows["channel"].tolist() == ["search_delisting", "copyright_notice", "search_delisting"]
    cleaned = clean_takedown_log(rows, key=DEMO_KEY, outcome_words=LUMEN_OUTCOME_WORDS).table
    assert cleaned["outcome"].tolist() == ["online", "removed", "online"]
    assert cleaned["outcome_detail"].tolist() == ["delisted", "removed", "no_action"]
