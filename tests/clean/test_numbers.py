"""Numbers as printed in English, Indonesian, Japanese and Korean."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from research.clean.numbers import parse_number
from research.errors import ParseError


@pytest.mark.parametrize(
    ("text", "locale", "value"),
    [
        ("1,202", None, 1202), ("59.653", "id", 59653), ("1천202", None, 1202), ("3万", None, 30000),
        ("1億2000万", None, 120_000_000), ("１２０２", None, 1202), ("36.2 million", None, 36_200_000),
        ("20,5 juta", None, 20_500_000), ("1.5 billion", None, 1_500_000_000), ("3만237", None, 30237),
        ("1억2천만", None, 120_000_000), ("3.210", "raw", 3.21), ("20,5", None, 20.5), ("12.5%", None, 12.5),
    ],
)
def test_reads_printed_numbers(text, locale, value):
    assert parse_number(text, locale).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("over 1,000", "lower_bound"), ("at least 5", "lower_bound"), ("약 1천명", "approximate"),
     ("10万人以上", "lower_bound"), ("1만여 건", "lower_bound"), ("up to 40", "upper_bound"), ("lebih dari 3 juta", "lower_bound")],
)
def test_keeps_qualifiers(text, qualifier):
    assert parse_number(text).qualifier == qualifier


def test_ranges_and_ratios():
    span = parse_number("20-25")
    assert (span.value, span.low, span.high, span.qualifier) == (None, 20, 25, "range")
    assert parse_number("20 to 25 million").low == 20_000_000
    ratio = parse_number("1 in 7")
    assert ratio.ratio and ratio.value == pytest.approx(1 / 7)


def test_precision_is_the_last_written_digit():
    assert parse_number("29.3 million").precision == 100_000
    assert parse_number("29000000", "raw").precision == 1_000_000
    assert parse_number("1,202").precision == 1


def test_ambiguous_point_is_refused_without_locale():
    with pytest.raises(ParseError, match="ambiguous"):
        parse_number("1.234")
    assert parse_number("1.234", "en").value == pytest.approx(1.234)
    assert parse_number("1.234", "id").value == 1234


@pytest.mark.parametrize("text", ["", "abc", "1..2", "1,2,3", "25-20"])
def test_bad_numbers_raise(text):
    with pytest.raises(ParseError):
        parse_number(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_english_grouping_round_trip(n):
    assert parse_number(f"{n:,}", "en").value == n


@given(st.integers(min_value=0, max_value=10**12))
def test_indonesian_grouping_round_trip(n):
    assert parse_number(f"{n:,}".replace(",", "."), "id").value == n


@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_digits_round_trip(n):
    full = str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert parse_number(full).value == n


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_korean_and_japanese_myriads_round_trip(man, rest):
    n = man * 10_000 + rest
    assert parse_number(f"{man}만{rest if rest else ''}").value == n
    assert parse_number(f"{man}万{rest if rest else ''}").value == n


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=9))
def test_scaled_decimals_round_trip(whole, tenth):
    assert parse_number(f"{whole}.{tenth} million").value == pytest.approx((whole + tenth / 10) * 1e6)
    assert parse_number(f"{whole},{tenth} juta").value == pytest.approx((whole + tenth / 10) * 1e6)


@pytest.mark.parametrize(("text", "value"), [("1,094", 1094), ("36,210,368", 36_210_368), ("1,000.5", 1000.5), ("3.210", 3.21), ("297", 297)])
def test_raw_values_read_comma_grouped_thousands(text, value):
    assert parse_number(text, "raw").value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "locale", "says"),
    [
        ("1,2", "raw", "misplaced thousands separator ','"),
        ("12,34", "raw", "grouped in threes"),
        ("1,23,456", "en", "misplaced thousands separator"),
        ("1.2.3", "raw", "more than one decimal mark '.'"),
        ("1.5,000", "en", "thousands separator ',' after the decimal mark '.'"),
        ("1.5,000", "raw", "after the decimal mark"),
    ],
)
def test_separator_errors_say_what_is_wrong(text, locale, says):
    with pytest.raises(ParseError, match=says) as raised:
        parse_number(text, locale)
    assert "more than one decimal mark" not in str(raised.value) or text.count(".") > 1
