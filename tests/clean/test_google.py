"""Google Transparency Report removal requests read into the aggregated outcomes table."""

from __future__ import annotations

import pytest

from research.clean.google_transparency import read_google_detailed, read_google_removals
from research.takedowns.aggregates import google_node_counts, google_outcome_counts
from research.takedowns.funnel import with_intervals

HEADER = "Period Ending,Country/Region,CLDR Territory Code,Requestor,Number of Requests,Items Requested To Be Removed,% Removed-Legal,% Removed-Policy,% Content Not Found,% Not Enough Information ,% No Action Taken,% Content Already Removed\n"


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(HEADER + "2019-06-30,Albania,AL,Police,3,100,,,10,,40,50\n2019-12-31,Albania,AL,Other,1,20,100,,,,,\n2019-12-31,Europol,,Police,2,10,,90,,,10,\n")
    return path


def test_blank_share_is_zero_and_periods_are_half_years(small):
    table = read_google_removals(small)
    first = table.iloc[0]
    assert (first["period_start"], first["period_end"]) == ("2019-01-01", "2019-06-30")
    assert first["pct_removed_legal"] == 0.0 and first["pct_no_action_taken"] == 40.0
    assert (first["pct_removed"], first["pct_online"], first["pct_unknown"]) == (50.0, 40.0, 10.0)
    assert table.iloc[1]["period_start"] == "2019-07-01"
    europol = table[table["country_name"] == "Europol"].iloc[0]
    assert europol["country"] == ""


def test_estimated_counts_feed_the_funnel_and_rankings(small):
    counts = google_outcome_counts(read_google_removals(small), "country")
    albania = counts[counts["group"] == "AL"].set_index("status")["n"].to_dict()
    assert albania == {"online": 40, "removed": 70, "unknown": 10}  # 100×(50%) + 20×100% removed
    shares = with_intervals(counts)
    assert shares["share_low"].le(shares["share"]).all() and shares["share"].le(shares["share_high"]).all()
    nodes = google_node_counts(read_google_removals(small)).set_index("node")
    assert nodes.loc["AL"].to_dict() == {"urls": 120, "decided": 110, "non_removed": 40}


def test_real_files_read(repo_paths):
    table = read_google_removals(repo_paths.raw / "external" / "google-government-removal-requests.csv")
    assert len(table) == 2735
    assert not table["shares_sum_off"].any()
    assert (table[[c for c in table.columns if c.startswith("pct_") and c != "pct_sum"]] >= 0).all().all()
    detailed = read_google_detailed(repo_paths.raw / "external" / "google-government-detailed-removal-requests.csv")
    assert len(detailed) == 17695 and (detailed["requests"] > 0).all()
