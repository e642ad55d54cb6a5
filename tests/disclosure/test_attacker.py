"""The attacker on small hand-made tables: it finds what primary suppression alone gives away."""

from __future__ import annotations

import pandas as pd

from research.report.disclosure import disclose, suppress_counts
from research.suppression import GroupTotal, RowTotal, SameTotal, TableSpec
from tests.disclosure.attacker import attack

# Files per status on three sites and overall, with each site's total on every row (the funnel's shape).
FUNNEL = pd.DataFrame(
    {
        "group_kind": ["all"] * 3 + ["domain"] * 9,
        "group": ["all"] * 3 + ["a.example"] * 3 + ["b.example"] * 3 + ["c.example"] * 3,
        "status": ["removed", "online", "unknown"] * 4,
        "n": [150, 47, 5, 100, 30, 0, 46, 3, 5, 4, 14, 0],
    }
)
FUNNEL["total"] = FUNNEL.groupby(["group_kind", "group"])["n"].transform("sum")
FUNNEL["share"] = FUNNEL["n"] / FUNNEL["total"]
RELATIONS = (GroupTotal("total", "n", ("group_kind", "group")), SameTotal("n", "group_kind", ("status",)))
SPEC = TableSpec(("n", "total"), {"share": ("n", "total")}, RELATIONS)


def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """What a reader gets: the CSV's text."""
    return frame.astype(str).replace({"nan": "", "<NA>": ""})


def test_primary_suppression_alone_leaks_by_subtraction():
    shown, _ = suppress_counts(FUNNEL, ["n", "total"])
    leaks = attack(_published(shown), ["n", "total"], RELATIONS)
    found = {(FUNNEL["group"][leak.row], FUNNEL["status"][leak.row]): (leak.low, leak.high) for leak in leaks}
    # a.example: 130 of 130 shown, so its hidden "unknown" must be 0
    assert found[("a.example", "unknown")] == (0.0, 0.0)
    # b.example: 46 + x + y = 54 with both hidden: x, y in [0, 8] is fine, but the overall row
    # (online 47 = 30 + x + 14) pins x = 3
    assert found[("b.example", "online")] == (3.0, 3.0)


def test_a_share_beside_a_hidden_count_gives_it_away():
    shown, _ = suppress_counts(FUNNEL, ["n", "total"])
    leaks = attack(_published(shown), ["n", "total"], RELATIONS, {"share": ("n", "total")})
    assert any(leak.column == "share" and leak.why.startswith("published beside") for leak in leaks)


def test_row_totals_with_one_hidden_part_are_caught():
    table = pd.DataFrame({"urls": [40, 25], "removed": [36, 20], "censored": [4, 5]})
    shown, _ = suppress_counts(table, ["urls", "removed", "censored"])
    leaks = attack(_published(shown), ["urls", "removed", "censored"], (RowTotal("urls", ("removed", "censored")),))
    assert [(leak.row, leak.column, leak.low) for leak in leaks] == [(0, "censored", 4.0), (1, "censored", 5.0)]


def test_secondary_suppression_leaves_nothing_to_find():
    disclosed = disclose(FUNNEL, origin="takedown_log", spec=SPEC, name="funnel")
    published = _published(disclosed.frame)
    assert (published[["n", "total"]] == "[c]").to_numpy().any()  # complementary cells were needed
    assert attack(published, ["n", "total"], RELATIONS, {"share": ("n", "total")}) == []


def test_groups_whose_hidden_cells_are_all_zero_are_protected():
    table = pd.DataFrame({"g": ["x"] * 4 + ["y"] * 4, "status": list("abcd") * 2, "n": [50, 0, 0, 0, 20, 0, 1, 30]})
    table["total"] = table.groupby("g")["n"].transform("sum")
    relations = (GroupTotal("total", "n", ("g",)),)
    before, _ = suppress_counts(table, ["n", "total"])
    assert {leak.why for leak in attack(_published(before), ["n", "total"], relations)} == {"exactly determined", "interval too narrow"}
    after = disclose(table, origin="takedown_log", spec=TableSpec(("n", "total"), {}, relations)).frame
    assert attack(_published(after), ["n", "total"], relations) == []
    assert after["total"].tolist() == ["50"] * 4 + ["51"] * 4  # totals stay published: partners are hidden instead


def test_disclosure_and_audit_share_one_below_domain_rule():
    """A bare host/path (no scheme, no www.) is below domain level for both (issue: they disagreed)."""
    import pytest

    from research.audit.patterns import find_urls_with_path
    from research.errors import PrivacyError
    from research.report.disclosure import check_domain_level

    for value in ("example.com/abc/def.jpg", "www.site.example/x", "https://site.example/video/1"):
        assert find_urls_with_path(value), value
        with pytest.raises(PrivacyError):
            check_domain_level(pd.DataFrame({"domain": ["ok.example", value]}))
    for value in ("example.com", "https://example.com/", "data/processed/x.csv"):
        assert not find_urls_with_path(value), value
        check_domain_level(pd.DataFrame({"domain": [value]}))


def test_publisher_names_in_published_statistics_are_left_to_the_audit():
    """A bare host/path in a public table is a publisher's name (the audit allows cited sources);
    in a takedown-derived table it is refused."""
    import pytest

    from research.errors import PrivacyError
    from research.report.disclosure import check_domain_level

    table = pd.DataFrame({"summary": ["Counted by BreakingNews.ie/PA in 2024"]})
    check_domain_level(table, public=True)
    with pytest.raises(PrivacyError):
        check_domain_level(table)
    with pytest.raises(PrivacyError):
        check_domain_level(pd.DataFrame({"summary": ["see https://news.example/a/b"]}), public=True)


def test_the_warm_started_solver_finds_the_bounds_scipy_finds():
    """Re-solving one model per component (objective changed per cell) gives linprog's own answers."""
    import numpy as np
    from scipy.optimize import linprog

    from tests.disclosure.attacker import _extremes

    rng = np.random.default_rng(7)
    for _ in range(20):
        cells, equations = int(rng.integers(3, 12)), int(rng.integers(1, 6))
        a_eq = rng.choice([-1.0, 0.0, 1.0], size=(equations, cells), p=[0.3, 0.4, 0.3])
        truth = rng.integers(0, 10, size=cells).astype(float)  # a feasible point: the table's real counts
        bounds = [(0.0, 9.0) if rng.random() < 0.7 else (10.0, None) for _ in range(cells)]
        truth = np.array([v if high is not None else v + 10.0 for v, (_, high) in zip(truth, bounds, strict=True)])
        b_eq = a_eq @ truth
        found = _extremes(a_eq, b_eq, bounds, [k for k, (_, high) in enumerate(bounds) if high is not None])
        for k, (low, high) in zip([k for k, (_, high) in enumerate(bounds) if high is not None], found, strict=True):
            for sign, value in ((1.0, low), (-1.0, high)):
                cost = np.zeros(cells)
                cost[k] = sign
                reference = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                assert reference.status == 0
                assert abs(reference.x[k] - value) < 1e-6
