"""URL normalisation rules and registrable domains (offline Public Suffix List)."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.urls import normalise_urls


def one(url: str) -> pd.Series:
    return normalise_urls(pd.Series([url])).iloc[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),  # scheme and host lower-cased, path kept
        ("example.com/a", "http://example.com/a"),  # missing scheme read as http
        ("//example.com/a", "http://example.com/a"),  # protocol-relative
        ("http://example.com:80/a", "http://example.com/a"),  # default port dropped
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),  # other ports kept
        ("http://example.com", "http://example.com/"),  # empty path is "/"
        ("http://example.com/a/b/", "http://example.com/a/b"),  # trailing slash dropped
        ("http://example.com/a?utm_source=x&id=3&fbclid=y&gclid=z", "http://example.com/a?id=3"),
        ("http://example.com/a?utm_medium=m", "http://example.com/a"),  # only tracking: no "?"
        ("http://example.com/a#top", "http://example.com/a"),  # fragment dropped
        ("http://user:secret@example.com/a", "http://example.com/a"),  # user info dropped
        ("http://example.com/%e3%81%82", "http://example.com/%E3%81%82"),  # escapes upper-cased
        ("http://example.com/あ", "http://example.com/%E3%81%82"),  # non-ASCII escaped
        ("http://bücher.de/x", "http://xn--bcher-kva.de/x"),  # IDN to punycode
        ("http://example.com./a", "http://example.com/a"),  # trailing dot of the host
    ],
)
def test_normalisation_rules(raw, expected):
    assert one(raw)["url_normalised"] == expected


def test_two_spellings_give_one_url():
    urls = normalise_urls(pd.Series(["HTTP://Example.com:80/a/?utm_campaign=c#x", "example.com/a"]))
    assert urls["url_normalised"].nunique() == 1


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://a.b.example.co.jp/x", "example.co.jp"),
        ("https://news.example.co.kr/", "example.co.kr"),
        ("https://www.example.com.br/", "example.com.br"),
        ("https://x.example.co.uk/", "example.co.uk"),
        ("https://sub.example.com/", "example.com"),
        ("http://日本語.jp/", "xn--wgv71a119e.jp"),
    ],
)
def test_registrable_domain_with_multi_part_suffixes(raw, domain):
    assert one(raw)["domain"] == domain


def test_ip_hosts_are_kept_and_flagged():
    v4 = one("http://192.0.2.7:8080/a")
    assert (v4["domain"], bool(v4["is_ip"]), v4["url_normalised"]) == ("192.0.2.7", True, "http://192.0.2.7:8080/a")
    v6 = one("http://[2001:DB8::1]/a")
    assert (v6["domain"], bool(v6["is_ip"])) == ("2001:db8::1", True)
    assert not bool(one("http://example.com/")["is_ip"])


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "blank"),
        ("mailto:someone@example.com", "not_http"),
        ("ftp://example.com/file", "not_http"),
        ("javascript:alert(1)", "not_http"),
        ("not a url at all", "malformed"),
        ("http://example.com:99999/", "bad_port"),
        ("http://example.com:80a/", "bad_port"),
        ("http://site.example/", "no_registrable_domain"),  # .example is reserved, not in the PSL
        ("http://localhost/", "no_registrable_domain"),
        ("http:///path-only", "malformed"),
    ],
)
def test_bad_urls_get_a_reason_and_no_domain(raw, reason):
    row = one(raw)
    assert row["reason"] == reason
    assert pd.isna(row["domain"]) and pd.isna(row["url_normalised"])


def test_missing_values_and_index_are_kept():
    urls = pd.Series([None, "http://example.com/a", "http://example.com/a"], index=[10, 11, 12])
    out = normalise_urls(urls)
    assert list(out.index) == [10, 11, 12]
    assert out.loc[10, "reason"] == "blank"
    assert out.loc[11, "url_normalised"] == out.loc[12, "url_normalised"] == "http://example.com/a"


def _hosts_from_every_rule() -> set[str]:
    """Host names built from every rule of the bundled Public Suffix List (both sections):
    each rule's tail labels, bare and under one to three extra labels, in Unicode and punycode."""
    import idna

    from research.clean.urls import _private_extractor

    rules = _private_extractor()._get_tld_extractor().tlds(include_psl_private_domains=True)
    hosts = set()
    for rule in rules:
        labels = rule.lstrip("!").replace("*", "w").split(".")
        for k in range(len(labels)):
            for prefix in ("", "a.", "a.b.", "a.b.c."):
                hosts.add(prefix + ".".join(labels[k:]))
    for host in list(hosts):
        if not host.isascii():
            try:
                hosts.add(idna.encode(host, uts46=True).decode("ascii"))
            except idna.IDNAError:
                pass
    return hosts


def test_one_look_up_gives_the_icann_domain_and_the_site_of_two():
    """registrable_names (one look-up in the whole list) equals a look-up in each section."""
    import tldextract

    from research.clean.urls import registrable_names

    icann = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    whole = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

    def two_look_ups(host: str) -> tuple[str | None, str | None]:
        parts = icann(host)
        if not parts.suffix or not parts.domain:
            return None, None
        domain = parts.top_domain_under_public_suffix
        private = whole(host)
        return domain, (private.top_domain_under_public_suffix if private.suffix and private.domain else domain)

    hosts = _hosts_from_every_rule() | {"localhost", "blogspot.com", "alice.blogspot.com", "github.io", "bob.github.io", "www.ck", "a.www.ck"}
    assert len(hosts) > 30_000
    differ = [h for h in sorted(hosts) if registrable_names(h) != two_look_ups(h)]
    assert differ == []
    assert registrable_names("alice.blogspot.com") == ("blogspot.com", "alice.blogspot.com")
    assert registrable_names("blogspot.com") == ("blogspot.com", "blogspot.com")
    assert registrable_names("localhost") == (None, None)


def test_host_checks_match_their_definitions():
    """The host checks' regular expressions: white space is str.isspace's, a name is dot-separated labels."""
    import re

    from research.clean.urls import _SPACE, _valid_host_name

    everything = "".join(map(chr, range(0x110000)))
    assert {m.group() for m in _SPACE.finditer(everything)} == {c for c in everything if c.isspace()}
    label = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
    names = [
        "a",
        "a.b",
        "a-b.c",
        "-a.b",
        "a-.b",
        "a..b",
        ".a",
        "a.",
        "",
        "a_b.c",
        "a" * 63 + ".b",
        "a" * 64 + ".b",
        "A.b",
        "a%2fb.c",
        "a\\b.c",
        ".".join(["a" * 50] * 5),
        ".".join(["a" * 49] * 5) + ".bc",
    ]
    for name in names:
        assert _valid_host_name(name) == (len(name) <= 253 and all(label.match(part) for part in name.split("."))), name
