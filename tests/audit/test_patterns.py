"""The leak detectors: what they must catch, and the look-alikes they must leave alone."""

from __future__ import annotations

import pytest

from research.audit import patterns


@pytest.mark.parametrize(
    "text, expected",
    [
        ("see https://site-42.com/v/abc123.", "https://site-42.com/v/abc123"),
        ("(http://news.example.co.kr/view?id=9)", "http://news.example.co.kr/view?id=9"),
        ("bare mirror-7.net/watch/77 here", "mirror-7.net/watch/77"),
        ("idn 例え.jp/パス", "例え.jp/パス"),
        ("query only https://host.com/?q=1", "https://host.com/?q=1"),
        ("fragment https://host.com#frag", "https://host.com#frag"),
    ],
)
def test_urls_with_a_path_are_found(text, expected):
    assert [m.text for m in patterns.find_urls_with_path(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "domain level only https://site-42.com/ and https://site-42.com",
        "file paths data/processed/takedowns/synthetic/takedowns.csv and reports/figures/x.png",
        "a version 3.10.0/ and a ratio 1.5/2",
        "plain domain site-42.com in a table",
    ],
)
def test_domain_level_text_and_file_paths_are_not_urls(text):
    assert patterns.find_urls_with_path(text) == []


@pytest.mark.parametrize(
    "text, digits",
    [
        ("call +81 3-1234-5678 now", "+81 3-1234-5678"),
        ("mobile 010-1234-5678", "010-1234-5678"),
        ("Jakarta 0812-3456-7890", "0812-3456-7890"),
        ("US (555) 123-4567,", "(555) 123-4567"),
        ("US 555.123.4567", "555.123.4567"),
        ("intl +62 21 5555 1234", "+62 21 5555 1234"),
    ],
)
def test_phone_numbers_are_found(text, digits):
    assert [m.text for m in patterns.find_phones(text)] == [digits]


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-31",
        "2020-2024",
        "1,202,000 cases",
        "29,397,681",
        "version 0.15.0",
        "01.02.2024",
        "+227.2% growth",
        "doi 10.1038/s41586-024-07566-y",
        "ip 192.168.100.200",
        "sha256 0123456789abcdef0123456789abcdef",
        "2024-01-31T12:34:56",
        "36.2 million",
        "period 2021-11-01 to 2024-10-31",
    ],
)
def test_dates_counts_versions_and_hashes_are_not_phones(text):
    assert patterns.find_phones(text) == []


def test_emails_are_found_and_look_alikes_are_not():
    assert [m.text for m in patterns.find_emails("write to a.b+c@example.co.jp.")] == ["a.b+c@example.co.jp"]
    assert patterns.find_emails("pandas@3.1 and user@localhost") == []


@pytest.mark.parametrize(
    "kind, text, masked",
    [
        ("url_path", "https://site-42.com/v/abc", "site-42.com [+6 chars hidden]"),
        ("email", "victim@example.com", "…@example.com"),
        ("phone", "010-1234-5678", "###-####-##78"),
    ],
)
def test_masked_excerpts_repeat_nothing_below_domain(kind, text, masked):
    shown = patterns.mask(kind, text)
    assert shown == masked
    assert patterns.find_urls_with_path(shown) == []
    assert patterns.find_emails(shown) == []
    assert patterns.find_phones(shown) == []


def test_normalise_url_compares_scheme_and_host_case_and_trailing_slash():
    assert patterns.normalise_url("HTTPS://News.Example.com/a/B/") == "https://news.example.com/a/B"
