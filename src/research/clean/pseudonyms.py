"""Keyed pseudonyms of URLs: HMAC-SHA256 of the normalised URL, 16 hex characters.

A plain hash of a URL can be reversed by anyone who guesses the URL; a keyed hash cannot without
the key. The key for real logs lives outside git: in ``$RESEARCH_HMAC_KEY`` or in
``~/.config/research/hmac.key`` (see :mod:`research.config`). Without it, cleaning real data
stops with a :class:`~research.errors.PrivacyError` — it never falls back to a known key.

Synthetic logs (and the public Lumen sample, whose URLs Lumen already publishes) are hashed with
:data:`DEMO_KEY`, a fixed key written here in the open so that their outputs are byte-identical on
every machine. A pseudonym made with the demo key protects nothing; it only keeps the format.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research import config
from research.clean.arrow_text import to_arrow, to_series
from research.errors import PrivacyError

#: The published, non-secret key for synthetic data and public samples. Never use it for real logs.
DEMO_KEY = b"research-toolkit demo key: synthetic and public data only, NOT SECRET"
PSEUDONYM_LENGTH = 16


def load_key(*, synthetic: bool = False, key_file: str | os.PathLike[str] | None = None) -> bytes:
    """Return the HMAC key: the demo key for synthetic data, else the configured secret.

    Parameters
    ----------
    synthetic
        True for synthetic logs and public samples: the demo key is returned.
    key_file
        Read the key from this file instead of the default (tests use it).

    Raises
    ------
    PrivacyError
        No key is set for real data, or the key is shorter than 16 bytes.
    """
    if synthetic:
        return DEMO_KEY
    key_text = os.environ.get(config.HMAC_KEY_ENV)
    source = f"${config.HMAC_KEY_ENV}"
    if not key_text:
        path = Path(key_file) if key_file is not None else config.HMAC_KEY_FILE
        source = str(path)
        if not path.is_file():
            raise PrivacyError(
                f"no HMAC key for pseudonymising real URLs: set ${config.HMAC_KEY_ENV} or write a random key "
                f"(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`) to {path}; keep it out of git"
            )
        key_text = path.read_text(encoding="utf-8")
    key = key_text.strip().encode("utf-8")
    if len(key) < 16:
        raise PrivacyError(f"the HMAC key in {source} is shorter than 16 bytes; use a long random key")
    if key == DEMO_KEY:
        raise PrivacyError(f"the HMAC key in {source} is the public demo key; real data needs a secret key")
    return key


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 pseudonyms (16 hex characters) of ``values``, computed once per distinct value.

    Missing values stay missing.
    """
    return to_series(pseudonym_array(to_arrow(values), key), values.index)


def pseudonym_array(values: pa.Array, key: bytes) -> pa.Array:
    """:func:`pseudonymise` on an Arrow string array (nulls stay null)."""
    encoded = pc.dictionary_encode(values)
    messages = encoded.dictionary.cast(pa.large_binary()).to_pylist()
    return hex_strings(hmac_sha256_prefixes(messages, key)).take(encoded.indices)


def _keyed_states(key: bytes) -> tuple[object, object]:
    """SHA-256 states after the inner and outer key blocks of HMAC (RFC 2104, section 2)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))


def hmac_sha256_prefixes(messages: list[bytes], key: bytes) -> np.ndarray:
    """The first ``PSEUDONYM_LENGTH / 2`` bytes of HMAC-SHA256(key, message) for each message.

    Equal to ``hmac.new(key, message, "sha256").digest()`` (tested), but both key blocks are hashed
    once and copied per message, which halves the cost of Python's ``hmac`` objects: this loop is
    the one place where cleaning calls Python once per distinct URL.
    """
    inner, outer = _keyed_states(key)
    copy_inner, copy_outer = inner.copy, outer.copy
    size = PSEUDONYM_LENGTH // 2
    out = bytearray(size * len(messages))
    for position, message in enumerate(messages):
        mac = copy_inner()
        mac.update(message)
        final = copy_outer()
        final.update(mac.digest())
        out[position * size:(position + 1) * size] = final.digest()[:size]
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(len(messages), size)


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_strings(digests: np.ndarray) -> pa.Array:
    """Lower-case hexadecimal text of each row of a ``(n, k)`` byte matrix, as one Arrow array."""
    n, width = digests.shape
    text = np.empty((n, 2 * width), dtype=np.uint8)
    text[:, 0::2] = _HEX_DIGITS[digests >> 4]
    text[:, 1::2] = _HEX_DIGITS[digests & 0x0F]
    offsets = np.arange(0, 2 * width * (n + 1), 2 * width, dtype=np.int64)
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])
