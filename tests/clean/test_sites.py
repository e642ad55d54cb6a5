"""The ``site`` column: registrable domain with the Public Suffix List's private section, offline."""

from __future__ import annotations

import pandas as pd

from research.clean.urls import normalise_urls


def test_private_suffix_subdomains_are_separate_sites():
    urls = pd.Series(
        [
            "https://alice.blogspot.com/p/1.html",
            "https://bob.blogspot.com/x",
            "https://carol.github.io/",
            "https://dave.pages.dev/a",
            "https://pub-1.r2.dev/f.jpg",
            "http://eve.duckdns.org/",
            "https://www.example.co.jp/a",
            "http://192.0.2.7/x",
        ]
    )
    out = normalise_urls(urls)
    assert out["site"].tolist() == [
        "alice.blogspot.com", "bob.blogspot.com", "carol.github.io", "dave.pages.dev", "pub-1.r2.dev", "eve.duckdns.org", "example.co.jp", "192.0.2.7",
    ]
    # The ICANN section alone merges them, as before.
    assert out["domain"].tolist()[:6] == ["blogspot.com", "blogspot.com", "github.io", "pages.dev", "r2.dev", "duckdns.org"]


def test_a_private_suffix_itself_keeps_its_domain():
    assert normalise_urls(pd.Series(["https://blogspot.com/"]))["site"].iloc[0] == "blogspot.com"
