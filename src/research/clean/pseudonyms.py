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

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research import config
from research.clean.arrow_text import as_bool, text_bytes, to_arrow, to_series
from research.clean.hmac_batch import hmac_prefixes
from research.errors import PrivacyError

#: The published, non-secret key for synthetic data and public samples. Never use it for real logs.
DEMO_KEY = b"research-toolkit demo key: synthetic and public data only, NOT SECRET"
PSEUDONYM_LENGTH = 16


#: A key with fewer distinct bytes than this (``aaaa…``, ``0000…``) is refused as guessable.
MIN_DISTINCT_KEY_BYTES = 8


class KeyFileWarning(UserWarning):
    """The key file can be read by other users of the machine."""


def load_key(*, key_file: str | os.PathLike[str] | None = None) -> bytes:
    """Return the secret HMAC key for real logs.

    The demo key is never returned: which logs may use it is decided in one place,
    :func:`research.clean.synthetic_marker.choose_key`.

    Parameters
    ----------
    key_file
        Read the key from this file. An explicit file wins over ``$RESEARCH_HMAC_KEY``; without
        one, the environment variable is used, then ``~/.config/research/hmac.key``.

    Raises
    ------
    PrivacyError
        No key is set; the key file is not UTF-8 text; the key is shorter than 16 bytes, has
        fewer than :data:`MIN_DISTINCT_KEY_BYTES` distinct bytes, or is the public demo key.

    Warns
    -----
    KeyFileWarning
        The key file is readable by group or others (``chmod 600`` it).
    """
    key_text = None if key_file is not None else os.environ.get(config.HMAC_KEY_ENV)
    source = f"${config.HMAC_KEY_ENV}"
    if not key_text:
        path = Path(key_file) if key_file is not None else config.HMAC_KEY_FILE
        source = str(path)
        if not path.is_file():
            raise PrivacyError(
                f"no HMAC key for pseudonymising real URLs: set ${config.HMAC_KEY_ENV} or write a random key "
                f"(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`) to {path}; keep it out of git"
            )
        try:
            key_text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise PrivacyError(f"the HMAC key file {path} is not text (not UTF-8 at byte {error.start}); write the key as one line of text") from None
        except OSError as error:
            raise PrivacyError(f"the HMAC key file {path} cannot be read: {error.strerror}") from None
        if os.name == "posix" and path.stat().st_mode & 0o077:
            warnings.warn(f"the HMAC key file {path} can be read by other users; run `chmod 600 {path}`", KeyFileWarning, stacklevel=2)
    key = key_text.strip().encode("utf-8")
    if len(key) < 16:
        raise PrivacyError(f"the HMAC key in {source} is shorter than 16 bytes; use a long random key")
    if len(set(key)) < MIN_DISTINCT_KEY_BYTES:
        raise PrivacyError(f"the HMAC key in {source} is guessable (fewer than {MIN_DISTINCT_KEY_BYTES} distinct characters); use a long random key")
    if key == DEMO_KEY:
        raise PrivacyError(f"the HMAC key in {source} is the public demo key; real data needs a secret key")
    return key


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 pseudonyms (16 hex characters) of ``values``.

    Missing values stay missing.
    """
    return to_series(pseudonym_array(to_arrow(values), key), values.index)


def pseudonym_array(values: pa.Array, key: bytes) -> pa.Array:
    """:func:`pseudonymise` on an Arrow string array (nulls stay null)."""
    return hex_strings(pseudonym_digests(values, key), valid=as_bool(pc.is_valid(values)))


def pseudonym_digests(values: pa.Array, key: bytes) -> np.ndarray:
    """The pseudonyms' bytes, an ``(n, 8)`` matrix, hashing every row (a null row hashes as "").

    No distinct values are looked for first: in a takedown log almost every URL is distinct, and
    finding the distinct ones would cost about as much as hashing the repeats.
    """
    values = to_arrow(values)
    _, offsets, data = values.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[values.offset : values.offset + len(values) + 1]
    return hmac_prefixes(data if data is not None else b"", bounds, key, PSEUDONYM_LENGTH // 2)


def hmac_sha256_prefixes(messages: list[bytes], key: bytes) -> np.ndarray:
    """The first ``PSEUDONYM_LENGTH / 2`` bytes of HMAC-SHA256(key, message) for each message.

    Equal to ``hmac.new(key, message, "sha256").digest()`` cut short (tested); see
    :mod:`research.clean.hmac_batch` for how it is made fast.
    """
    blob = b"".join(messages)
    offsets = np.cumsum([0, *map(len, messages)], dtype=np.int64)
    return hmac_prefixes(blob, offsets, key, PSEUDONYM_LENGTH // 2)


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_strings(digests: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Lower-case hexadecimal text of each row of a ``(n, k)`` byte matrix, as one Arrow array.

    Rows where ``valid`` is false are null.
    """
    n, width = digests.shape
    text = np.empty((n, 2 * width), dtype=np.uint8)
    text[:, 0::2] = _HEX_DIGITS[digests >> 4]
    text[:, 1::2] = _HEX_DIGITS[digests & 0x0F]
    offsets = np.arange(0, 2 * width * (n + 1), 2 * width, dtype=np.int64)
    validity = None if valid is None or valid.all() else pa.array(valid).buffers()[1]
    return pa.Array.from_buffers(pa.large_string(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(text)])


def pseudonym_numbers(values: pd.Series | pa.Array) -> np.ndarray | None:
    """The 64-bit numbers that a column of pseudonyms spells in hex (same order, same equality).

    ``None`` unless every value is exactly 16 lower-case hex digits. Counting or sorting these
    numbers is much cheaper than counting or sorting ten million strings.
    """
    text = to_arrow(values)
    if text.null_count or not len(text) or not pc.all(pc.match_substring_regex(text, f"^[0-9a-f]{{{PSEUDONYM_LENGTH}}}$")).as_py():
        return None
    digits = text_bytes(text).reshape(len(text), PSEUDONYM_LENGTH)
    numbers = np.zeros(len(text), dtype=np.uint64)
    for position in range(PSEUDONYM_LENGTH):  # one digit column at a time: 8 bytes a row, not 128
        numbers <<= np.uint64(4)
        numbers |= _HEX_VALUE[digits[:, position]]
    return numbers


_HEX_VALUE = np.zeros(256, dtype=np.uint8)
_HEX_VALUE[_HEX_DIGITS] = np.arange(16, dtype=np.uint8)
