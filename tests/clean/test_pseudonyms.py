"""Keyed URL pseudonyms: the key stays outside git; real data without a key stops."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from research import config
from research.clean.pseudonyms import DEMO_KEY, load_key, pseudonym_numbers, pseudonymise
from research.errors import PrivacyError


def test_pseudonym_is_hmac_sha256_truncated():
    key = b"k" * 32
    out = pseudonymise(pd.Series(["http://example.com/a", None, "http://example.com/a"]), key)
    expected = hmac.new(key, b"http://example.com/a", hashlib.sha256).hexdigest()[:16]
    assert out.iloc[0] == out.iloc[2] == expected
    assert pd.isna(out.iloc[1])


def test_different_keys_give_different_pseudonyms():
    urls = pd.Series(["http://example.com/a"])
    assert pseudonymise(urls, b"a" * 32).iloc[0] != pseudonymise(urls, b"b" * 32).iloc[0]


def test_missing_key_for_real_data_is_a_privacy_error(monkeypatch, tmp_path):
    monkeypatch.delenv(config.HMAC_KEY_ENV, raising=False)
    with pytest.raises(PrivacyError, match="no HMAC key"):
        load_key(key_file=tmp_path / "absent.key")


def test_key_from_environment_or_file(monkeypatch, tmp_path):
    monkeypatch.setenv(config.HMAC_KEY_ENV, "an-environment-key-long-enough")
    assert load_key() == b"an-environment-key-long-enough"
    monkeypatch.delenv(config.HMAC_KEY_ENV)
    key_file = tmp_path / "hmac.key"
    key_file.write_text("a-file-key-that-is-long-enough\n")
    assert load_key(key_file=key_file) == b"a-file-key-that-is-long-enough"


def test_short_or_demo_keys_are_refused(monkeypatch):
    monkeypatch.setenv(config.HMAC_KEY_ENV, "short")
    with pytest.raises(PrivacyError, match="shorter"):
        load_key()
    monkeypatch.setenv(config.HMAC_KEY_ENV, DEMO_KEY.decode())
    with pytest.raises(PrivacyError, match="demo key"):
        load_key()


@pytest.mark.parametrize("key", [b"k" * 16, b"x" * 64, b"y" * 65, DEMO_KEY, bytes(range(200))])
def test_fast_hmac_equals_the_standard_library_for_any_key_length(key):
    from research.clean.pseudonyms import hmac_sha256_prefixes

    messages = [b"", b"http://example.com/a", "https://例え.jp/パス".encode(), b"x" * 200, b"y" * 55, b"z" * 56]
    fast = hmac_sha256_prefixes(messages, key)
    assert [row.tobytes() for row in fast] == [hmac.new(key, m, hashlib.sha256).digest()[:8] for m in messages]


def test_many_pseudonyms_equal_hexdigests_and_repeat_for_repeated_values():
    key = b"k" * 32
    values = pd.Series([f"http://site{i % 700}.com/{i}" for i in range(3000)] + [None], dtype="string")
    out = pseudonymise(values, key)
    expected = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:16] for v in values[:-1]]
    assert out[:-1].tolist() == expected
    assert pd.isna(out.iloc[-1]) and str(out.dtype) == "string"


@pytest.mark.parametrize("key", [b"a-test-key-of-some-length", "ключ-тест-é-clé".encode(), bytes(range(128, 160))])
def test_many_hmacs_in_order_equal_the_standard_library(key):
    """300,000 messages: several pieces of Polars' streaming engine, joined back in order; a slice
    of an Arrow array (offsets not starting at 0); a key that is not UTF-8 (hashed by hashlib)."""
    from research.clean.hmac_batch import hmac_prefixes

    messages = [f"https://site{i % 97}.example.com/v/{i}".encode() for i in range(300_000)]
    blob, offsets = b"".join(messages), np.cumsum([0, *map(len, messages)])
    got = hmac_prefixes(blob, offsets, key)
    sample = list(range(0, 300_000, 997)) + [299_999]
    assert [got[i].tobytes() for i in sample] == [hmac.new(key, messages[i], hashlib.sha256).digest()[:8] for i in sample]
    assert hmac_prefixes(blob, offsets[1000:2001], key).tobytes() == got[1000:2000].tobytes()
    assert hmac_prefixes(b"", np.zeros(1, dtype=np.int64), key).shape == (0, 8)


def test_pseudonym_numbers_are_the_hex_values_and_keep_order():
    values = pseudonymise(pd.Series([f"https://site{i}.example/p" for i in range(500)] + ["https://site0.example/p"], dtype="string"), DEMO_KEY)
    numbers = pseudonym_numbers(values)
    assert numbers.dtype == np.uint64
    assert [int(n) for n in numbers] == [int(v, 16) for v in values]
    assert numbers[0] == numbers[-1]
    assert list(np.argsort(numbers, kind="stable")) == list(np.argsort(values.to_numpy(dtype=object), kind="stable"))


@pytest.mark.parametrize("values", [["ffffffffffffffff", "0123456789ABCDEF"], ["0123456789abcde"], ["0123456789abcdef", None], []])
def test_pseudonym_numbers_refuse_text_that_is_not_sixteen_lower_case_hex_digits(values):
    assert pseudonym_numbers(pd.Series(values, dtype="string")) is None
