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


def test_detail_funnel_answers_refused_or_never_answered():
    """拒否 and 無回答 are both ``online``; the detail funnel keeps them apart, and delisting apart from removal."""
    from research.takedowns.funnel import detail_funnel
    from tests.takedowns.takedown_logs import cleaned

    details = ["refused"] * 3 + ["no_response"] * 2 + ["delisted"] * 4 + ["removed"] * 5 + ["removed_by_host"]
    outcomes = {"refused": "online", "no_response": "online", "delisted": "online", "removed": "removed", "removed_by_host": "removed"}
    rows = [(f"f{i}", f"u{i}", f"s{i % 3}.example", outcomes[d], 0, 5, None, "legal_notice" if i % 2 else "registrar") for i, d in enumerate(details)]
    table = cleaned(rows).assign(outcome_detail=details)
    out = detail_funnel(table, ("channel",))
    overall = out[out["group_kind"] == "all"].set_index("status")
    assert overall.loc["refused", "n"] + overall.loc["no_response", "n"] == 5  # refused or never answered
    assert overall.loc["delisted", "n"] == 4 and overall.loc["delisted", "outcome"] == "online"  # not a removal
    assert overall.loc["removed", "n"] + overall.loc["removed_by_host", "n"] == 6
    assert (overall["total"] == 15).all() and overall["n"].sum() == 15
    assert overall.loc["refused", "share_low"] < 0.2 < overall.loc["refused", "share_high"]
    by_channel = out[out["group_kind"] == "channel"]
    assert set(by_channel["group"]) == {"legal_notice", "registrar"}
    assert by_channel.groupby("status")["n"].sum().to_dict() == overall["n"].to_dict()
    # A log cleaned before details were kept reads its outcome as its detail.
    old = detail_funnel(cleaned(rows)).set_index("status")
    assert old.loc["online", "n"] == 9 and old.loc["refused", "n"] == 0
