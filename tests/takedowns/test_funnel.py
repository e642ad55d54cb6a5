"""File status as the NPO counts it, funnels in the long shape, and Wilson interval coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.takedowns.funnel import file_funnel_counts, file_status, funnel_tables, url_funnel_counts, with_intervals

from tests.takedowns.takedown_logs import cleaned

ROWS = [
    # F1: every URL removed → fully removed
    ("F1", "u1", "a.com", "removed", 0, 5, 2, "police"),
    ("F1", "u2", "b.com", "removed", 0, 5, 3, "police"),
    # F2: one removed, one pending → partly removed
    ("F2", "u3", "a.com", "removed", 0, 5, 1, "police"),
    ("F2", "u4", "c.com", "pending", 0, 5, None, "legal_notice"),
    # F3: none removed → still online
    ("F3", "u5", "c.com", "online", 0, 5, None, "legal_notice"),
    ("F3", "u6", "c.com", "unknown", 0, 5, None, "legal_notice"),
    # F4: removed + unknown → unknown (the unknown URL might still be online)
    ("F4", "u7", "a.com", "removed", 0, 5, 1, "police"),
    ("F4", "u8", "b.com", "unknown", 0, 5, None, "police"),
    # F5: online at first check, removed at a later one → the latest check wins: fully removed
    ("F5", "u9", "b.com", "online", 0, 5, None, "police"),
    ("F5", "u9", "b.com", "removed", 6, 9, 8, "police"),
]


def test_file_status_rules():
    status = file_status(cleaned(ROWS)).set_index("content_id")["status"].to_dict()
    assert status == {"F1": "fully_removed", "F2": "partly_removed", "F3": "still_online", "F4": "unknown", "F5": "fully_removed"}


def test_file_status_within_a_domain():
    per_domain = file_status(cleaned(ROWS), by="domain").set_index(["content_id", "domain"])["status"]
    assert per_domain[("F2", "a.com")] == "fully_removed"  # removed from this site
    assert per_domain[("F2", "c.com")] == "still_online"


def test_long_counts_and_totals():
    files = file_funnel_counts(cleaned(ROWS)).set_index("status")["n"].to_dict()
    assert files == {"fully_removed": 2, "partly_removed": 1, "still_online": 1, "unknown": 1}
    urls = url_funnel_counts(cleaned(ROWS)).set_index("status")["n"].to_dict()
    assert urls == {"removed": 5, "online": 1, "pending": 1, "unknown": 2}  # u9 counted once, latest
    by_channel = url_funnel_counts(cleaned(ROWS), by="channel")
    assert by_channel.groupby("group")["total"].first().to_dict() == {"legal_notice": 3, "police": 6}


def test_funnel_tables_have_every_grouping_and_valid_intervals():
    table = funnel_tables(cleaned(ROWS))
    assert {"all", "domain", "channel", "hosting_provider", "country"} <= set(table["group_kind"])
    assert (table["share_low"] <= table["share"]).all() and (table["share"] <= table["share_high"]).all()
    assert table.groupby(["group_kind", "group", "unit"])["share"].sum().round(12).eq(1).all()


def test_wilson_interval_coverage_by_simulation():
    rng = np.random.default_rng(20241202)
    for p, n in ((0.3, 40), (0.05, 200), (0.8, 15)):
        hits = rng.binomial(n, p, size=1000)
        counts = pd.DataFrame({"group_kind": "all", "group": "all", "unit": "url", "status": "removed", "n": hits, "total": n})
        table = with_intervals(counts)
        coverage = ((table["share_low"] <= p) & (p <= table["share_high"])).mean()
        assert 0.90 <= coverage <= 0.99, (p, n, coverage)


def test_empty_group_has_no_share():
    counts = pd.DataFrame({"group_kind": ["all"], "group": ["all"], "unit": ["url"], "status": ["removed"], "n": [0], "total": [0]})
    assert with_intervals(counts)[["share", "share_low", "share_high"]].isna().all(axis=None)
