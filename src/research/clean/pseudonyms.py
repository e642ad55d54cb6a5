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
import hmac
import os
from pathlib import Path

import pandas as pd

from research import config
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
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # Copying a keyed HMAC object skips re-deriving the key pads for every value.
    base = hmac.new(key, digestmod=hashlib.sha256)
    digests = []
    for value in uniques:
        mac = base.copy()
        mac.update(str(value).encode("utf-8"))
        digests.append(mac.hexdigest()[:PSEUDONYM_LENGTH])
    table = pd.array(digests + [None], dtype="string")
    return pd.Series(table.take(codes), index=values.index, dtype="string")
