"""Property-based fuzzing of every parser and of the two clean functions.

Whatever the text, a parser returns a value or raises one of the toolkit's own errors
(:class:`research.errors.ResearchError` subclasses); a clean function accounts for every row
(rows in = rows out + rows quarantined). Example counts are kept moderate so the suite stays fast.
"""

from __future__ import annotations

import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.audit import patterns
from research.clean.counts import clean_counts
from research.clean.numbers import parse_number
from research.clean.outcomes import OUTCOMES, map_outcomes
from research.clean.periods import parse_date, parse_loose_date, parse_period
from research.clean.places import normalise_country
from research.clean.pseudonyms import DEMO_KEY
from research.clean.read_table import decode_bytes, read_text_table
from research.clean.takedowns import clean_takedown_log
from research.clean.units import parse_unit
from research.clean.urls import normalise_urls
from research.errors import ResearchError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TABLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text that looks like what spreadsheets hold: digits, separators, CJK numerals, units, junk.
NUMBERISH = st.text(
    alphabet=string.digits + " ,.-–~+%()<>約超만천억万億千百十兆１２３０" + "abcdefghijklmnopqrstuvwxyz" + "万명件",
    max_size=20,
)
DATEISH = st.text(alphabet=string.digits + "-/. 年月日QHFYTDtoJanDec–", max_size=24)
ANY_TEXT = st.text(max_size=40)


def _only_toolkit_errors(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ResearchError:
        return None


@FAST
@given(text=st.one_of(NUMBERISH, ANY_TEXT), locale=st.sampled_from([None, "raw", "en", "id", "ja", "ko"]))
def test_parse_number_returns_a_number_or_a_toolkit_error(text, locale):
    parsed = _only_toolkit_errors(parse_number, text, locale=locale)
    if parsed is not None and parsed.value is not None:
        assert parsed.value == parsed.value  # never NaN passed off as a value


@FAST
@given(text=st.one_of(DATEISH, ANY_TEXT), country=st.sampled_from([None, "JP", "KR", "US"]))
def test_date_and_period_parsers_return_or_raise_toolkit_errors(text, country):
    _only_toolkit_errors(parse_date, text)
    _only_toolkit_errors(parse_loose_date, text)
    period = _only_toolkit_errors(parse_period, text, country=country)
    if period is not None:
        assert period.start <= period.end


@FAST
@given(text=ANY_TEXT)
def test_place_and_unit_parsers_return_or_raise_toolkit_errors(text):
    _only_toolkit_errors(normalise_country, text)
    _only_toolkit_errors(parse_unit, text)


@FAST
@given(words=st.lists(st.one_of(ANY_TEXT, st.sampled_from(["削除済み", "게시중", "dihapus", "Removed ", "n/a", "-", ""]), st.none()), max_size=12))
def test_outcome_mapping_keeps_every_row_and_never_guesses(words):
    mapped = map_outcomes(pd.Series(words, dtype="string"))
    assert len(mapped) == len(words)
    known = mapped["category"].dropna()
    assert set(known) <= set(OUTCOMES)


URLISH = st.builds(
    lambda scheme, host, tld, path: f"{scheme}{host}{tld}{path}",
    st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "", "//", "mailto:", "javascript:"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-._例え한국@:[]", min_size=0, max_size=15),
    st.sampled_from([".com", ".co.jp", ".kr", ".", "", ".example", ":8080", ":99999"]),
    st.text(alphabet=string.printable + "パス", max_size=20),
)


@FAST
@given(urls=st.lists(st.one_of(URLISH, ANY_TEXT, st.none()), max_size=12))
def test_url_normalisation_gives_a_domain_or_a_reason_for_every_row(urls):
    result = normalise_urls(pd.Series(urls, dtype="string"))
    assert len(result) == len(urls)
    fine = result["reason"].isna()
    assert result.loc[fine, "domain"].notna().all()


@FAST
@given(data=st.binary(max_size=200))
def test_read_table_raises_only_toolkit_errors_on_any_bytes(data, tmp_path_factory):
    _only_toolkit_errors(decode_bytes, data)
    path = tmp_path_factory.mktemp("bytes") / "any.csv"
    path.write_bytes(data)
    table = _only_toolkit_errors(read_text_table, path)
    if table is not None:
        assert all(isinstance(c, str) for c in table.frame.columns)


@FAST
@given(text=ANY_TEXT)
def test_masked_excerpts_are_never_findings_again(text):
    for match in patterns.find_urls_with_path(text) + patterns.find_emails(text) + patterns.find_phones(text):
        shown = patterns.mask(match.kind, match.text)
        assert not patterns.find_urls_with_path(shown) and not patterns.find_emails(shown)


FIGURE_COLUMNS = [
    "figure_id", "series_id", "country", "publisher", "indicator", "period_start", "period_end",
    "value", "unit", "source_url", "source_date", "source_domain", "source_tier",
]
_figure_row = st.fixed_dictionaries(
    {
        "figure_id": st.sampled_from(["F1", "F2", "F3", "F4", "F5", ""]),
        "series_id": st.sampled_from(["S_A", "S_B", ""]),
        "country": st.sampled_from(["KR", "JP", "UK", "GLOBAL", "EU", "XX", ""]),
        "publisher": st.sampled_from(["Agency", "Press", ""]),
        "indicator": st.sampled_from(["Cases", "사건", "件数"]),
        "period_start": st.one_of(st.sampled_from(["2021-01-01", "2022-01-01", "2022-04-01", "2023-07-01", ""]), DATEISH),
        "period_end": st.one_of(st.sampled_from(["2021-12-31", "2022-12-31", "2023-03-31", "2023-07-31", ""]), DATEISH),
        "value": st.one_of(st.sampled_from(["156", "1,202", "29.3 million", "1천202", "20-25", "n/a", "-", ""]), NUMBERISH),
        "unit": st.sampled_from(["cases", "reports", "percent", "persons (approx.)", "complaints per month", "??"]),
        "source_url": st.sampled_from(["https://src.example.org/a", ""]),
        "source_date": st.sampled_from(["2024-01-01", "2024", ""]),
        "source_domain": st.just("src.example.org"),
        "source_tier": st.sampled_from(["1", "2", "3", "9", "x", ""]),
    }
)


@TABLES
@given(rows=st.lists(_figure_row, max_size=8))
def test_clean_counts_accounts_for_every_row(rows):
    table = pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype(str)
    result = _only_toolkit_errors(clean_counts, table, file="fuzz.csv")
    if result is not None:
        assert result.rows_in == len(rows)
        assert result.rows_used + len(result.quarantine) == len(rows)


LOG_FUZZ_COLUMNS = ["request_id", "content_id", "url", "requested_at", "checked_at", "outcome", "channel", "country", "asn"]
_log_row = st.fixed_dictionaries(
    {
        "request_id": st.sampled_from(["R1", "R2", "R3", ""]),
        "content_id": st.sampled_from(["C1", "C2", ""]),
        "url": st.one_of(URLISH, st.sampled_from(["https://site-a.com/v/1", "https://例え.jp/x", ""])),
        "requested_at": st.one_of(st.sampled_from(["2024-01-02", "2024-01-02T09:00:00+09:00", "2024/1/2", ""]), DATEISH),
        "checked_at": st.one_of(st.sampled_from(["2024-01-09", "2023-12-01", ""]), DATEISH),
        "outcome": st.one_of(st.sampled_from(["removed", "削除済み", "게시중", "masih tayang", "pending", "??", ""]), ANY_TEXT),
        "channel": st.sampled_from(["police", "platform report", "법적 통지", "", "carrier pigeon"]),
        "country": st.sampled_from(["JP", "KR", "UK", "", "Atlantis"]),
        "asn": st.sampled_from(["AS64512", "13335", "", "ASX"]),
    }
)


@TABLES
@given(rows=st.lists(_log_row, max_size=10))
def test_clean_takedown_log_accounts_for_every_row(rows):
    table = pd.DataFrame(rows, columns=LOG_FUZZ_COLUMNS).astype("string").replace("", pd.NA)
    result = _only_toolkit_errors(clean_takedown_log, table, key=DEMO_KEY, synthetic=True, source="fuzz.csv")
    if result is not None:
        quarantined = result.quarantine["row_number"].nunique()
        assert len(result.table) + quarantined == len(rows)
        assert not result.table.astype(str).apply(lambda c: c.str.contains("/v/1|例え", regex=True)).any().any()


@pytest.mark.parametrize("value", ["1e400", "9" * 400, "-0", "١٢٣", "Ⅻ", "½"])
def test_parse_number_on_extreme_inputs(value):
    parsed = _only_toolkit_errors(parse_number, value, locale="raw")
    if parsed is not None and parsed.value is not None:
        assert abs(parsed.value) != float("inf")
