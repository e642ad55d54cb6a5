"""Issue 15 item 4: small counts cannot be worked out from totals, margins or another table of the same log.

The analysis tables of one log are suppressed together: a count hidden in one is not given by another.
The attacker (`tests/disclosure/attacker.py`) runs on every exported table in `tests/disclosure/test_exports.py`.
"""

from __future__ import annotations

import pandas as pd

from research.report.disclosure import SPECS, disclose
from research.report.takedown_disclosure import TAKEDOWN_LOG, disclose_log_tables, linked
from tests.disclosure.attacker import PRIMARY, attack

# One channel "a": 250 URLs, 162 removed, 80 online, 5 pending, 3 unknown. time_to_removal leaves
# the unknown out: 247 URLs = 162 removed + 85 censored (online or pending).
STATUS = {"removed": 162, "online": 80, "pending": 5, "unknown": 3}


def _tables() -> dict[str, tuple[pd.DataFrame, tuple[str, ...], dict]]:
    funnel = pd.DataFrame(
        [{"group_kind": kind, "group": group, "unit": "url", "status": s, "n": n, "total": 250, "share": n / 250} for kind, group in (("all", "all"), ("channel", "a")) for s, n in STATUS.items()]
    )
    times = pd.DataFrame(
        [{"group_kind": "channel", "group": "a", "model": m, "urls": 247, "removed": 162, "removed_dated": 150, "censored": 85, "share_removal_dated": 150 / 162} for m in ("nonparametric", "weibull")]
    )
    return {"funnel": (funnel, ("n", "total"), {}), "time_to_removal": (times, (), {})}


def _published(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """As a reader holds them: text cells, joined on the keys the relations name."""
    parts = [linked(stem, frame.astype(str).replace({"nan": "", "<NA>": ""}), "channel").assign(_table=stem) for stem, frame in frames.items()]
    return pd.concat(parts, ignore_index=True).fillna("")


def test_tables_disclosed_one_by_one_give_a_hidden_count_away():
    """The case the joint suppression is for: each table passes alone, together they do not."""
    alone = {stem: disclose(frame, origin="takedown_log", spec=stem, name=stem).frame for stem, (frame, _, _) in _tables().items()}
    for stem, frame in alone.items():
        spec = SPECS[stem]
        assert attack(frame.astype(str), spec.counts, spec.relations) == [], stem
    leaks = attack(_published(alone), TAKEDOWN_LOG.counts, TAKEDOWN_LOG.relations)
    assert {(leak.column, leak.low) for leak in leaks} >= {("n", 3.0)}  # unknown = 250 - 247


def test_tables_disclosed_together_pass_the_attacker():
    shown = disclose_log_tables(_tables(), "channel", synthetic=False)
    assert attack(_published(shown), TAKEDOWN_LOG.counts, TAKEDOWN_LOG.relations) == []
    funnel = shown["funnel"]
    assert (funnel.loc[funnel["status"].isin(["pending", "unknown"]), "n"] == PRIMARY).all()
    for stem, frame in shown.items():  # and each alone still passes with its own spec
        spec = SPECS[stem]
        assert attack(frame.astype(str), spec.counts, spec.relations, spec.rates) == [], stem


def test_public_logs_are_shown_as_published():
    shown = disclose_log_tables(_tables(), "channel", synthetic=False, public=True)
    assert shown["funnel"]["n"].tolist() == list(STATUS.values()) * 2
