"""URL normalisation and registrable domains, offline.

Two spellings of one address should give one pseudonym, so before hashing a URL is normalised:
scheme and host lower-cased, a missing scheme read as ``http``, user info dropped, the host in
IDNA (punycode) form, default ports (80/443) dropped, an empty path read as ``/``, a trailing
slash dropped, percent escapes upper-cased and non-ASCII path characters escaped, tracking
parameters (``utm_*``, ``fbclid``, ``gclid`` …) and the fragment removed. The order of the
remaining query parameters is kept: on some sites it matters.

The host's registrable domain comes from the Public Suffix List snapshot that ships inside
``tldextract`` (no download, ever), so ``a.b.example.co.jp`` → ``example.co.jp``. An IP host is
kept as the IP (``is_ip`` is true). A URL that cannot be read, is not HTTP(S) or has no
registrable domain gets a ``reason`` and is quarantined by the caller — never guessed.

All work is done once per distinct URL, host, path or query, so a column of a million URLs from
a few thousand sites costs a few thousand host look-ups.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import quote

import idna
import numpy as np
import pandas as pd
import tldextract

#: Query parameters that only track the click, never identify the content.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z0-9_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|igshid|mc_cid|mc_eid|"
    r"_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id)$"
)
DEFAULT_PORTS = {"http": "80", "https": "443"}
#: Reasons a URL is quarantined (values of the ``reason`` column).
URL_REASONS = ("blank", "not_http", "malformed", "bad_port", "bad_idn", "no_registrable_domain")

# RFC 3986, appendix B, with the fragment dropped.
_PARTS = r"^(?P<scheme>[^:/?#]+)://(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?"
_HAS_SCHEME = r"^[A-Za-z][A-Za-z0-9+.\-]*://"
_OTHER_SCHEME = r"^(?:mailto|javascript|data|magnet|tel|file|about|urn|ftp|ftps|ws|wss|chrome|blob):"
_HOST_PORT = re.compile(r"^(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>.*))?$")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and cache_dir=None: use only the snapshot bundled with the package.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_info(host: str) -> tuple[str | None, str | None, bool, str | None]:
    """Return ``(ascii_host, domain, is_ip, reason)`` for one lower-cased host name."""
    bare = host.strip("[]")
    try:
        ip = ipaddress.ip_address(bare)
    except ValueError:
        ip = None
    if ip is not None:
        text = ip.compressed
        return (f"[{text}]" if ip.version == 6 else text), text, True, None
    if not host or any(c.isspace() for c in host) or ".." in host:
        return None, None, False, "malformed"
    try:
        ascii_host = host if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None, None, False, "bad_idn"
    parts = _extractor()(ascii_host)
    if not parts.suffix or not parts.domain:
        return ascii_host, None, False, "no_registrable_domain"
    return ascii_host, parts.top_domain_under_public_suffix, False, None


def _clean_query(query: str) -> str:
    kept = [p for p in query.split("&") if p and not TRACKING_PARAMS.match(p.split("=", 1)[0].lower())]
    return "&".join(kept)


def _quote_path(path: str) -> str:
    return quote(path, safe=_PATH_SAFE)


def _upper_escapes(path: str) -> str:
    return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), path)


def clean_paths(paths: pd.Series) -> pd.Series:
    """Escape non-ASCII characters, upper-case percent escapes, drop trailing slashes; ``""`` → ``/``."""
    paths = paths.fillna("").astype("string")
    non_ascii = ~paths.str.isascii()
    if non_ascii.any():
        paths[non_ascii] = _map_unique(paths[non_ascii], _quote_path).astype("string")
    lower_escape = paths.str.contains(r"%[0-9a-f][0-9a-fA-F]|%[0-9A-F][a-f]", regex=True)
    if lower_escape.any():
        paths[lower_escape] = _map_unique(paths[lower_escape], _upper_escapes).astype("string")
    paths = paths.str.replace(r"/+$", "", regex=True)
    return paths.mask(paths == "", "/")


def _map_unique(values: pd.Series, func) -> pd.Series:
    """Apply ``func`` once per distinct value of ``values``."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [func(u) for u in uniques]
    return pd.Series(results[codes], index=values.index, dtype=object)


def normalise_urls(urls: pd.Series) -> pd.DataFrame:
    """Normalise a column of URLs and find each one's registrable domain.

    Parameters
    ----------
    urls
        Raw URLs as written in a log (any case, with or without scheme).

    Returns
    -------
    DataFrame
        Indexed like ``urls``: ``url_normalised``, ``host`` (ASCII), ``domain`` (registrable
        domain, or the IP), ``is_ip`` and ``reason`` (missing when the URL is fine, else one of
        :data:`URL_REASONS`).
    """
    codes, uniques = pd.factorize(urls, use_na_sentinel=True)
    table = _normalise_unique(pd.Series(pd.array(uniques, dtype="string")).str.strip())
    blank_row = pd.DataFrame({"url_normalised": [pd.NA], "host": [pd.NA], "domain": [pd.NA], "is_ip": [False], "reason": ["blank"]})
    table = pd.concat([table, blank_row], ignore_index=True)
    out = table.iloc[codes].reset_index(drop=True)
    out.index = urls.index
    return out


def _normalise_unique(raw: pd.Series) -> pd.DataFrame:
    n = len(raw)
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    reason[raw.isna() | (raw.fillna("") == "")] = "blank"
    text = raw.fillna("")
    other = text.str.match(_OTHER_SCHEME, case=False)
    has_scheme = text.str.match(_HAS_SCHEME)
    text = text.where(has_scheme | other, ("http:" + text).where(text.str.startswith("//"), "http://" + text))
    parts = text.str.extract(_PARTS)
    scheme = parts["scheme"].str.lower()
    reason[reason.isna() & (other | ~scheme.isin(["http", "https"]))] = "not_http"
    reason[reason.isna() & parts["authority"].isna()] = "malformed"

    authority = parts["authority"].fillna("").str.replace(r"^.*@", "", regex=True)
    host_port = authority.str.extract(_HOST_PORT.pattern)
    host = host_port["host"].fillna("").str.lower().str.rstrip(".")
    port = host_port["port"]
    bad_port = port.notna() & ~(port.fillna("").str.fullmatch(r"\d{1,5}") & (pd.to_numeric(port, errors="coerce") <= 65535))
    reason[reason.isna() & bad_port] = "bad_port"
    keep_port = port.notna() & (port != "") & (port.str.lstrip("0") != scheme.map(DEFAULT_PORTS))

    ok = reason.isna()
    info = _map_unique(host[ok], host_info)
    ascii_host = pd.Series(pd.NA, index=raw.index, dtype="string")
    domain = pd.Series(pd.NA, index=raw.index, dtype="string")
    is_ip = pd.Series(False, index=raw.index, dtype=bool)
    if len(info):
        unpacked = pd.DataFrame(info.tolist(), index=info.index, columns=["host", "domain", "is_ip", "reason"])
        ascii_host[unpacked.index] = unpacked["host"].astype("string")
        domain[unpacked.index] = unpacked["domain"].astype("string")
        is_ip[unpacked.index] = unpacked["is_ip"].astype(bool)
        reason[unpacked.index] = unpacked["reason"].astype("string")

    ok = reason.isna()
    path = clean_paths(parts["path"][ok])
    query = parts["query"][ok].fillna("")
    has_query = query != ""
    if has_query.any():
        query[has_query] = _map_unique(query[has_query], _clean_query).astype("string")
    port_text = (":" + port.str.lstrip("0")).where(keep_port, "")
    normalised = scheme[ok] + "://" + ascii_host[ok] + port_text[ok] + path + ("?" + query).where(query != "", "")
    url_normalised = pd.Series(pd.NA, index=raw.index, dtype="string")
    url_normalised[ok] = normalised
    domain[~ok] = pd.NA
    return pd.DataFrame(
        {"url_normalised": url_normalised, "host": ascii_host.where(ok), "domain": domain, "is_ip": is_ip & ok, "reason": reason},
        index=raw.index,
    ).reset_index(drop=True) if n else pd.DataFrame(columns=["url_normalised", "host", "domain", "is_ip", "reason"])
