"""Keyed URL pseudonyms: the key stays outside git; real data without a key stops."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from research import config
from research.clean.pseudonyms import DEMO_KEY, load_key, pseudonymise
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


def test_synthetic_data_uses_the_published_demo_key():
    assert load_key(synthetic=True) == DEMO_KEY


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
