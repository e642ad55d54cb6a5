"""What a leak looks like: URL paths, e-mail addresses and phone numbers in free text.

The detectors work on whole texts (a file, or a column joined by newlines) so that a large table
costs a few regular-expression passes in C, not one Python call per cell. Each returns
:class:`Match` objects with the character offset, so the caller can turn it into a line number.

False positives are kept low on purpose, because an audit that cries wolf gets switched off:

* a URL is a finding only when something follows the host (``https://example.com/`` is domain
  level and allowed); a bare ``host/path`` counts only when ``host`` ends in a real public suffix
  (offline Public Suffix List via tldextract) or starts with ``www.``, so file paths such as
  ``data/processed/x.csv`` never match. This is the one "below domain level" rule: the export
  audit and the report's disclosure control (:mod:`research.report.disclosure`) both use it;
* a phone number needs a leading ``+``, a leading ``0`` trunk prefix, an area code in brackets,
  or the North-American ``555-123-4567`` shape, and 9–15 digits in all — ISO dates
  (``2024-01-31``), year ranges (``2020-2024``), version numbers, decimals, thousands-separated
  counts (``1,202,000``), hex hashes and DOIs do not have those shapes;
* an e-mail address is the usual ``local@host.tld``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import tldextract

#: Characters that end a URL in running text, markup, TeX and Markdown.
_URL_BODY = r"[^\s\"'<>`\\{}|^\[\]]+"
URL_WITH_SCHEME = re.compile(r"(?i)\b(?:https?|hxxps?|ftp|ftps)://" + _URL_BODY)
# A host with at least one dot and a final label starting with a letter, then "/" and more.
# Without a scheme, ";", "," and brackets end the match: they join names in lists ("X.ie/PA);Y").
BARE_HOST_PATH = re.compile(
    r"(?<![\w@./:%-])((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_][\w-]{0,62}(?::\d{1,5})?)(/[^\s\"'<>`\\{}|^\[\]();,]+)"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}(?![\w-])")
PHONE = re.compile(
    r"""
    (?<![\w.+/=:#-])(?<!\d,)
    (?:
        \+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}  # +81 3-1234-5678
      | \(\d{2,5}\)[ .-]?\d{2,4}[ .-]\d{3,4}                              # (03) 1234-5678
      | 0\d{1,4}[ .-]\d{2,4}[ .-]\d{3,4}                                  # 010-1234-5678
      | [2-9]\d{2}[.-]\d{3}[.-]\d{4}                                      # 555-123-4567
    )
    (?![\w-]|[.,]\d)
    """,
    re.VERBOSE,
)
_TRAILING_PUNCTUATION = ".,;:!?'\""
#: C0 control characters other than tab, line feed and carriage return, and DEL: never written.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Match:
    """One suspicious string: where it starts in the text, what kind it is, and the text."""

    start: int
    kind: str  # "url_path", "email", "phone" or "control_character"
    text: str


@lru_cache(maxsize=1)
def _suffix_extractor() -> tldextract.TLDExtract:
    # The snapshot bundled with tldextract: no download, no cache directory, no network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _trim_url(url: str) -> str:
    """Drop punctuation that ends a sentence, and a closing bracket that opened outside the URL."""
    while url:
        if url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _has_path(url: str) -> bool:
    """True when anything (path, query, fragment) follows the host beyond a single ``/``."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for separator in "/?#":
        index = rest.find(separator)
        if index != -1:
            tail = rest[index:]
            return tail not in {"/", "?", "#"}
    return False


def _is_public_host(host: str) -> bool:
    host = host.rsplit(":", 1)[0] if ":" in host else host
    parts = _suffix_extractor()(host)
    return bool(parts.suffix) and bool(parts.domain)


def find_urls_with_path(text: str) -> list[Match]:
    """URLs (with a scheme, or bare ``host.tld/path``) that show something below the domain."""
    found: list[Match] = []
    covered: list[tuple[int, int]] = []
    if "/" not in text:  # neither shape can match: skip the slow scan of a large text
        return found
    for match in URL_WITH_SCHEME.finditer(text) if "://" in text else ():
        url = _trim_url(match.group())
        covered.append((match.start(), match.start() + len(match.group())))
        if _has_path(url):
            found.append(Match(match.start(), "url_path", url))
    for match in BARE_HOST_PATH.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        url = _trim_url(match.group())
        # A "www." host is a web address whatever its suffix (www.site.example/x); otherwise the
        # host must end in a public suffix, so that file paths never match.
        if _has_path(url) and (_is_public_host(match.group(1)) or match.group(1).lower().startswith("www.")):
            found.append(Match(match.start(), "url_path", url))
    return found


def find_emails(text: str) -> list[Match]:
    """E-mail addresses."""
    if "@" not in text:
        return []
    return [Match(m.start(), "email", m.group()) for m in EMAIL.finditer(text)]


def find_phones(text: str) -> list[Match]:
    """Phone numbers in the shapes described in the module docstring (9–15 digits)."""
    found = []
    for match in PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if 9 <= digits <= 15:
            found.append(Match(match.start(), "phone", match.group()))
    return found


def find_control_characters(text: str) -> list[Match]:
    """NUL and the other control characters the toolkit refuses at read and never writes."""
    return [Match(m.start(), "control_character", m.group()) for m in CONTROL.finditer(text)]


def normalise_url(url: str) -> str:
    """A comparable form of a URL: trimmed, scheme and host lower-cased, no trailing ``/``."""
    url = _trim_url(url.strip())
    if "://" in url:
        scheme, rest = url.split("://", 1)
        host, slash, tail = rest.partition("/")
        url = f"{scheme.lower()}://{host.lower()}{slash}{tail}"
    return url.rstrip("/")


def mask(kind: str, text: str) -> str:
    """Show enough to find the problem and nothing that repeats it.

    URLs keep the host (domain level is allowed) and hide the rest; e-mail addresses keep
    the host; phone numbers keep their shape and last two digits.
    """
    if kind == "url_path":
        body = text.split("://", 1)[-1]
        cut = min((i for i in (body.find("/"), body.find("?"), body.find("#")) if i != -1), default=len(body))
        # No scheme and no "/": the excerpt itself must not look like a URL with a path.
        return f"{body[:cut]} [+{len(body) - cut} chars hidden]"
    if kind == "email":
        return "…@" + text.rsplit("@", 1)[-1]
    if kind == "phone":
        digits_seen = sum(ch.isdigit() for ch in text)
        shown, out = 0, []
        for ch in text:
            if ch.isdigit():
                shown += 1
                out.append(ch if shown > digits_seen - 2 else "#")
            else:
                out.append(ch)
        return "".join(out)
    if kind == "control_character":
        return f"U+{ord(text):04X}"
    return text
