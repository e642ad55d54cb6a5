"""Disclosure rules on hand-made tables whose right answers can be read off by eye."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import PrivacyError
from research.report.disclosure import check_domain_level, disclose, flag_unstable, suppress_counts


def _log_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "domain": ["a.example", "b.example", "c.example"],
            "requested": [40, 15, 4],
            "online": [12, 0, 3],
            "non_removal_rate": [0.3, 0.0, 0.75],
            "non_removal_rate_low": [0.18, 0.0, 0.3],
            "non_removal_rate_high": [0.45, 0.2, 0.95],
        }
    )


def test_small_counts_become_less_than_ten_never_zero():
    out, n = suppress_counts(pd.DataFrame({"n": [0, 9, 10, 250]}), ["n"])
    assert out["n"].tolist() == ["<10", "<10", "10", "250"]
    assert n == 2


def test_takedown_table_suppresses_counts_and_recoverable_rates():
    result = disclose(_log_table(), origin="takedown_log", count_columns=["requested", "online"], rates={"non_removal_rate": ("online", "requested")})
    frame = result.frame
    assert frame["requested"].tolist() == ["40", "15", "<10"]
    assert frame["online"].tolist() == ["12", "<10", "<10"]
    # rows 2 and 3 rest on a suppressed count: their rates and intervals are blanked
    assert frame["non_removal_rate"].tolist() == [0.3, "", ""]
    assert frame["non_removal_rate_high"].tolist() == [0.45, "", ""]
    assert frame["non_removal_rate_unstable"].tolist() == [False, True, True]
    assert "0" not in frame[["requested", "online"]].to_numpy().ravel().tolist()
    # suppressed_cells counts the withheld counts (the "<10" cells a reader sees); blanked rates apart
    assert result.suppressed_cells == 3 and result.withheld_rate_cells == 6


def test_unstable_flag_uses_twenty_or_fewer():
    out = flag_unstable(pd.DataFrame({"rate": [0.5, 0.5, 0.5], "n": [20, 21, 3]}), {"rate": "n"})
    assert out["rate_unstable"].tolist() == [True, False, True]


def test_public_statistics_are_shown_as_published():
    table = pd.DataFrame({"series": ["x"], "value": [3], "source_url": ["https://news.example/a/b?id=1"]})
    result = disclose(table, origin="public", count_columns=["value"], allowed_url_columns=["source_url"])
    assert result.frame["value"].tolist() == [3]
    assert result.suppressed_cells == 0


def test_synthetic_tables_carry_a_watermark_column():
    result = disclose(pd.DataFrame({"domain": ["a.example"], "n": [50]}), origin="takedown_log", synthetic=True, count_columns=["n"])
    assert result.frame.columns[0] == "synthetic"
    assert result.frame["synthetic"].iloc[0].startswith("synthetic")


@pytest.mark.parametrize("value", ["https://site.example/video/123", "www.site.example/x", "victim@mail.example"])
def test_anything_below_domain_level_is_refused_without_echoing_it(value):
    table = pd.DataFrame({"domain": ["ok.example", value]})
    with pytest.raises(PrivacyError) as error:
        check_domain_level(table, name="t")
    assert "row 2" in str(error.value) and "'domain'" in str(error.value)
    assert value not in str(error.value)


def test_bare_domains_and_host_only_urls_pass():
    check_domain_level(pd.DataFrame({"domain": ["site.example", "https://site.example", "xn--80ak6aa92e.com"]}))


def test_unknown_origin_is_an_error():
    with pytest.raises(ValueError):
        disclose(pd.DataFrame({"n": [1]}), origin="private")  # type: ignore[arg-type]


def test_disclosing_a_disclosed_table_changes_nothing():
    once = disclose(_log_table(), origin="takedown_log", count_columns=["requested", "online"], rates={"non_removal_rate": ("online", "requested")}).frame
    twice = disclose(once.drop(columns="non_removal_rate_unstable"), origin="takedown_log", count_columns=["requested", "online"], rates={"non_removal_rate": ("online", "requested")}).frame
    assert twice.astype(str).equals(once.astype(str))


def test_a_count_that_is_not_a_number_is_named():
    from research.errors import ParseError

    with pytest.raises(ParseError) as error:
        suppress_counts(pd.DataFrame({"n": ["12", "lots"]}), ["n"])
    assert "row 2" in str(error.value) and "'n'" in str(error.value)
