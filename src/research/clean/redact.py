"""Free text that may identify a person, found and replaced by its shape before anything is written.

Takedown logs are typed by hand: a shifted export puts a victim's URL in the ``note`` column, an
e-mail address lands in ``request_id``, a phone number in ``hosting_provider``. Whatever a cell
says, what the toolkit writes about it is one of:

* the value itself, when nothing in it looks like a URL, an e-mail address or a phone number;
* its shape: ``<url with path>``, ``<url>`` (scheme and host only), ``<e-mail>`` or ``<phone>``
  (:func:`shape`); a cell with several matches takes the first in that order;
* control characters (NUL, ESC, … — never written) shown as ``<U+0000>``.

The detectors are the export audit's (:mod:`research.audit.patterns`), so what cleaning redacts
and what the audit would flag are the same strings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from research.audit import patterns
from research.clean.arrow_text import as_bool, map_distinct, text_bytes, to_arrow, update_where

URL_WITH_PATH = "<url with path>"
URL = "<url>"
EMAIL = "<e-mail>"
PHONE = "<phone>"
#: RE2 form of :data:`research.audit.patterns.CONTROL` (Arrow's regular expressions).
CONTROL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def shape(text: str) -> str | None:
    """The redacted shape of ``text`` if it holds a URL, e-mail address or phone number, else ``None``."""
    if patterns.find_urls_with_path(text):
        return URL_WITH_PATH
    if patterns.find_emails(text):
        return EMAIL
    if "://" in text and patterns.URL_WITH_SCHEME.search(text):
        return URL
    if patterns.find_phones(text):
        return PHONE
    return None


def redact_text(text: str) -> str:
    """``text``, or its shape (:func:`shape`), with control characters written as ``<U+hhhh>``."""
    found = shape(text)
    if found is not None:
        return found
    return patterns.CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def redact_array(values: pa.Array) -> pa.Array:
    """Each value, or its shape (:func:`shape`), with control characters written as ``<U+hhhh>`` (the code point in hex, e.g. ``<U+0000>``).

    Computed once per distinct value; nulls stay null.
    """
    return map_distinct(to_arrow(values), redact_text, pa.large_string())


#: Every URL, e-mail address and phone number holds one of these (RE2); other cells are not examined.
_CANDIDATE_RE2 = r"@|/|\d[\d .()-]{6,}\d"


def shapes(values: pa.Array) -> pa.Array:
    """:func:`shape` of each value (null where nothing identifying was found).

    Only values that hold ``@``, ``/`` or a run of digits are looked at in Python, once per
    distinct value, so a column of ten million ids costs one pass in C.
    """
    values = to_arrow(values)
    candidate = as_bool(pc.match_substring_regex(values, _CANDIDATE_RE2))
    found = pa.nulls(len(values), pa.large_string())
    if candidate.any():
        found = update_where(found, candidate, lambda _: map_distinct(values.filter(pa.array(candidate)), shape, pa.large_string()))
    return found


def control_characters(values: pa.Array) -> np.ndarray:
    """True where a value holds a control character other than tab, line feed or carriage return.

    In UTF-8 these characters are single bytes below 0x20 or 0x7F, and no byte of another
    character falls there; so a column whose bytes hold none of them (almost every column) is
    answered by one pass over its bytes, 5–10 times faster than the regular expression.
    """
    values = to_arrow(values)
    raw = text_bytes(values)
    if not (raw < 0x20).any() and not (raw == 0x7F).any():
        return np.zeros(len(values), dtype=bool)
    return as_bool(pc.fill_null(pc.match_substring_regex(values, CONTROL_RE2), False))
