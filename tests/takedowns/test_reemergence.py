"""Re-emergence: removed from one site, then found on a site where it had not been seen."""

from __future__ import annotations

import pytest

from research.takedowns.reemergence import reemergence_events, reemergence_summary

from tests.takedowns.takedown_logs import cleaned

ROWS = [
    # A: removed from a.com on day 5, found on new b.com on day 10 → re-emerged after 5 days
    ("A", "u1", "a.com", "removed", 0, 6, 5, "police"),
    ("A", "u2", "b.com", "online", 10, 20, None, "police"),
    # B: removed from a.com on day 3, never seen elsewhere → no re-emergence
    ("B", "u3", "a.com", "removed", 0, 4, 3, "police"),
    # C: on c.com and d.com from the start; c.com removes on day 4; d.com was already known
    ("C", "u4", "c.com", "removed", 0, 5, 4, "police"),
    ("C", "u5", "d.com", "online", 1, 9, None, "police"),
]


def test_events_by_hand():
    events = reemergence_events(cleaned(ROWS)).set_index(["content_id", "domain"])
    assert events.loc[("A", "a.com"), "reemerged"]
    assert events.loc[("A", "a.com"), "days_to_reemergence"] == pytest.approx(5.0)
    assert events.loc[("A", "a.com"), "new_domain"] == "b.com"
    assert not events.loc[("B", "a.com"), "reemerged"]
    assert not events.loc[("C", "c.com"), "reemerged"]
    assert len(events) == 3  # only removals are events


def test_summary_overall_and_by_domain():
    events = reemergence_events(cleaned(ROWS))
    overall = reemergence_summary(events).iloc[0]
    assert (overall["removals"], overall["reemerged"]) == (3, 1)
    assert overall["share"] == pytest.approx(1 / 3)
    assert overall["share_low"] < 1 / 3 < overall["share_high"]
    by_domain = reemergence_summary(events, "domain").set_index("group")
    assert by_domain.loc["a.com", "removals"] == 2 and by_domain.loc["a.com", "reemerged"] == 1
