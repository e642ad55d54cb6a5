"""Clean a takedown log in the documented format: one row per reported URL per request.

``clean_takedown_log`` turns text columns into the contract of ``takedowns.parquet``: the URL is
normalised and replaced by its keyed pseudonym ``url_id`` plus its registrable ``domain``; words
for outcomes and channels are mapped to the vocabulary; timestamps are read as UTC; countries as
ISO alpha-2. A row with any value that cannot be read goes to the quarantine table, one line per
problem (row number, column, value, reason); a URL is never shown there, only its pseudonym or
domain. Rows in = rows out + rows quarantined, always.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research.clean.arrow_text import as_bool, distinct_trimmed, join_text, to_arrow, to_series, trim_text, update_where
from research.clean.channels import map_channels
from research.clean.outcomes import OUTCOMES, map_outcomes
from research.clean.pseudonyms import hex_strings, pseudonym_array, pseudonym_digests, pseudonym_numbers
from research.clean.read_table import FIELDS_MISSING
from research.clean.redact import EMAIL, PHONE, URL, URL_WITH_PATH, control_characters, redact_array, shapes
from research.clean.takedown_fields import check_timezone, implausible_dates, parse_asns, parse_content_hashes, parse_countries, timestamp_reasons
from research.clean.takedown_schema import CLEAN_COLUMNS, CLEAN_TAKEDOWNS_SCHEMA, LOG_COLUMNS, REQUIRED_COLUMNS, empty_clean_table, empty_quarantine
from research.clean.urls import normalise_url_array
from research.errors import SchemaError
from research.frames import distinct_sorted
from research.reducers import Reducer, declare


@dataclass(frozen=True)
class CleanedLog:
    """What cleaning one log produced.

    Attributes
    ----------
    table
        Rows that passed, in the contract of ``takedowns.parquet``.
    quarantine
        One line per problem: ``row_number, column, value, reason``.
    quality
        ``metric, value`` pairs: rows in/out/quarantined, counts per reason and outcome.
    provenance
        Top-level keys for the outputs' lineage sidecars (``synthetic``, ``synthetic_evidence``:
        :meth:`research.clean.synthetic_marker.KeyChoice.lineage`); empty when the caller chose
        the key itself.
    counts
        The numbers behind ``quality`` (:class:`QualityCounts`), when the cleaner made them: a
        partition's counts combine over partitions (:data:`QUALITY`) without being counted again.
    """

    table: pd.DataFrame
    quarantine: pd.DataFrame
    quality: pd.DataFrame
    provenance: Mapping[str, object] = field(default_factory=dict)
    counts: QualityCounts | None = None


def _mask(values) -> np.ndarray:
    return np.asarray(pd.Series(values).fillna(False), dtype=bool)


def clean_takedown_log(
    raw: pd.DataFrame,
    *,
    key: bytes,
    synthetic: bool = False,
    source: str = "log",
    outcome_words: Mapping[str, str] | None = None,
    channel_words: Mapping[str, str] | None = None,
    timezone: str = "UTC",
    consume: bool = False,
    pseudonymise_ids: bool = True,
) -> CleanedLog:
    """Clean a log whose columns already carry the documented names.

    Parameters
    ----------
    raw
        Text columns :data:`~research.clean.takedown_schema.LOG_COLUMNS` (optional ones may be
        absent) and, optionally, ``row_number`` (1-based; defaults to the position).
    key
        HMAC key for the URL pseudonyms (:func:`research.clean.pseudonyms.load_key`).
    synthetic
        Marks every row as coming from the synthetic generator.
    source
        File name used in error messages.
    outcome_words, channel_words
        An organisation's own words, ``{word: category}``, added to the built-in vocabularies.
    timezone
        Zone of timestamps written without an offset.
    consume
        Take the text columns out of ``raw`` (which is left empty) and free each as soon as it
        has been read: a caller that owns a large log gives it up and peak memory drops by the
        size of the raw text.
    pseudonymise_ids
        Replace ``request_id`` and ``content_id`` by keyed pseudonyms (:func:`id_pseudonyms`),
        as URLs are: an organisation's ids are free text and may hold a name or an e-mail
        address. ``False`` keeps them as written (trimmed); they are then scanned like
        ``hosting_provider`` and a row whose id holds an e-mail address, phone number or URL
        is quarantined.

    Raises
    ------
    SchemaError
        A required column is missing.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"missing required column(s) {', '.join(missing)}; a log needs {', '.join(REQUIRED_COLUMNS)} "
            "(or a mapping file naming its own columns)",
            file=source,
            column=missing[0],
        )
    timezone = check_timezone(timezone, source)
    n = len(raw)
    row_number = raw["row_number"].to_numpy(dtype=np.int64) if "row_number" in raw.columns else np.arange(1, n + 1, dtype=np.int64)
    absent = to_series(pa.nulls(n, pa.large_string()))
    column = {c: (raw.pop(c) if consume else raw[c]) if c in raw.columns else absent for c in LOG_COLUMNS}

    def release(*names: str) -> None:
        for name in names:  # once a column's flags are raised, its text is no longer needed
            column[name] = absent
        pa.default_memory_pool().release_unused()

    problems: list[pd.DataFrame] = []
    quarantined = np.zeros(n, dtype=bool)
    # Rows the reader found shorter than the header: one reason, not a reason per empty field.
    short = raw[FIELDS_MISSING].astype("boolean").fillna(False).to_numpy(dtype=bool) if FIELDS_MISSING in raw.columns else np.zeros(n, dtype=bool)

    def flag(mask, name: str, reason: str, shown: pa.Array | None = None) -> None:
        mask = _mask(mask)
        if mask.any():
            rows = pa.array(mask)
            # Never the raw text: a URL, e-mail address or phone number is shown by its shape.
            values = shown.filter(rows) if shown is not None else redact_array(trim_text(to_arrow(column[name]).filter(rows)))
            problems.append(pd.DataFrame({"row_number": row_number[mask], "column": name, "value": to_series(pc.fill_null(values, "")).to_numpy(), "reason": reason}))
            quarantined[mask] = True

    def flag_identifying(values: pa.Array, name: str) -> None:
        found = shapes(values)
        for shown_shape, reason in IDENTIFYING_REASONS.items():
            flag(pc.equal(found, shown_shape), name, reason)

    for name in LOG_COLUMNS:  # NUL, ESC …: refused in every column, never written
        bad = control_characters(to_arrow(column[name]))
        shown = None
        if name == "url" and bad.any():  # a URL's text is never shown, only its pseudonym
            raw_url = trim_text(to_arrow(column[name]))
            shown = update_where(raw_url, bad, lambda rows: join_text(["hmac:", pseudonym_array(rows, key)]))
        flag(bad, name, "control character", shown=shown)

    ids = {c: trim_text(to_arrow(column[c])) for c in ("request_id", "content_id")}
    for name, values in ids.items():
        flag(pc.equal(values, ""), name, "missing value")
        # Excel shows a long numeric id as 1.23E+15 and saves it so: the digits are gone, and
        # different requests would merge under one id.
        flag(pc.match_substring_regex(values, SCIENTIFIC_ID), name, "id mangled by a spreadsheet (scientific notation)")
        if not pseudonymise_ids:
            flag_identifying(values, name)

    urls = normalise_url_array(to_arrow(column["url"]))
    reasons = urls.pop("reason")
    bad_url = as_bool(pc.is_valid(reasons))
    digests = pseudonym_digests(urls.pop("url_normalised"), key)
    url_id = hex_strings(digests, valid=~bad_url)
    # The quarantine may show a bad URL's pseudonym (of the raw text) but never the text itself.
    if bad_url.any():
        raw_url = trim_text(to_arrow(column["url"]))
        hashed = bad_url & as_bool(pc.not_equal(raw_url, ""))
        # Start from "" everywhere, then put a pseudonym where a non-blank URL was refused.
        shown = update_where(pc.if_else(pa.array(hashed), raw_url, ""), hashed, lambda rows: join_text(["hmac:", pseudonym_array(rows, key)]))
        for reason in sorted(set(pc.unique(reasons.filter(pa.array(bad_url))).to_pylist())):
            flag(pc.equal(reasons, reason), "url", f"url {reason}".replace("_", " "), shown=shown)
    release("url")

    stamps = {}
    for name in ("requested_at", "checked_at", "resolved_at"):
        stamps[name], why = timestamp_reasons(column[name], timezone)
        bad = why.notna().to_numpy()
        for reason in sorted(why.cat.categories[np.unique(why.cat.codes[bad])] if bad.any() else []):
            flag((why == reason).to_numpy(), name, reason)
        flag(implausible_dates(stamps[name]), name, "date before 1990 or in the future")
        if name != "resolved_at":  # not read and not unreadable: blank
            flag(stamps[name].isna().to_numpy() & ~_mask(bad), name, "missing value")
    flag(stamps["checked_at"] < stamps["requested_at"], "checked_at", "checked before requested")
    flag(stamps["resolved_at"] < stamps["requested_at"], "resolved_at", "resolved before requested")
    release("requested_at", "checked_at", "resolved_at")

    outcome = map_outcomes(column["outcome"], outcome_words)
    flag(outcome["is_blank"], "outcome", "missing value")
    flag(outcome["is_unknown"], "outcome", "unknown outcome word")
    channel = map_channels(column["channel"], channel_words)
    flag(channel["is_unknown"], "channel", "unknown channel word")
    country, bad_country = parse_countries(column["country"])
    flag(bad_country, "country", "unknown country")
    asn, bad_asn = parse_asns(column["asn"])
    flag(bad_asn, "asn", "unreadable AS number")
    content_hash, bad_hash = parse_content_hashes(column["content_hash"])
    flag(bad_hash, "content_hash", "not a PDQ hash (64 hex digits)")
    release("outcome", "channel", "country", "asn", "content_hash")
    flag_identifying(trim_text(to_arrow(column["hosting_provider"])), "hosting_provider")

    # One row per URL per request: the latest check of a (request, URL) pair is kept, the others quarantined.
    repeated, conflicting = _repeated_pairs(ids["request_id"], digests, bad_url, stamps["checked_at"], outcome["category"])
    flag(repeated & ~conflicting, "url", DUPLICATE, shown=url_id)
    flag(conflicting, "url", DUPLICATE_CONFLICT, shown=url_id)
    del digests

    if short.any():
        problems = [p[~np.isin(p["row_number"].to_numpy(), row_number[short])] for p in problems]
        problems.append(pd.DataFrame({"row_number": row_number[short], "column": "row", "value": "", "reason": "too few fields (the row is shorter than the header)"}))
        quarantined[short] = True
    quarantine = (
        pd.concat(problems, ignore_index=True).astype({"row_number": "int64"})
        if problems
        else empty_quarantine()
    ).sort_values(["row_number", "column", "reason"], kind="mergesort").reset_index(drop=True)
    keep = pa.array(~quarantined)
    kept = np.flatnonzero(~quarantined)

    def text_column(values: pa.Array) -> pd.Series:
        return to_series(values.filter(keep))

    provider_codes, providers = distinct_trimmed(column["hosting_provider"])
    hosting = pd.array([p or None for p in providers] + [None], dtype="string").take(provider_codes[kept])
    table = pd.DataFrame(
        {
            "row_number": row_number[kept],
            **{name: to_series(id_pseudonyms(values.filter(keep), key, name)) if pseudonymise_ids else text_column(values) for name, values in ids.items()},
            "content_hash": content_hash.iloc[kept].reset_index(drop=True),
            "url_id": text_column(url_id),
            "domain": text_column(urls["domain"]),
            "site": text_column(urls["site"]),
            "is_ip": as_bool(urls["is_ip"])[kept],
            **{name: stamp.iloc[kept].reset_index(drop=True) for name, stamp in stamps.items()},
            "outcome": outcome["category"].iloc[kept].reset_index(drop=True),
            "outcome_detail": outcome["detail"].iloc[kept].reset_index(drop=True),
            "channel": channel["category"].iloc[kept].reset_index(drop=True),
            "hosting_provider": hosting,
            "asn": asn.iloc[kept].reset_index(drop=True),
            "country": country.iloc[kept].reset_index(drop=True),
            "synthetic": np.full(len(kept), synthetic, dtype=bool),
        }
    )[list(CLEAN_COLUMNS)]
    # Uniqueness of (request_id, url_id) holds by construction (repeats were quarantined above,
    # on integer codes); pandera's own check of it would hash ten million string pairs again.
    table = _SCHEMA_WITHOUT_PAIR_CHECK.validate(table)
    counts = quality_counts(n, table, quarantine, synthetic)
    return CleanedLog(table, quarantine, quality_frame(counts), counts=counts)


SCIENTIFIC_ID = r"^[0-9](?:[.,][0-9]+)?[Ee]\+[0-9]+$"
DUPLICATE = "duplicate URL within request"
DUPLICATE_CONFLICT = "duplicate URL within request, other outcome (the latest check is kept)"
#: Quarantine reason for each shape :func:`research.clean.redact.shapes` finds in free text.
IDENTIFYING_REASONS = {EMAIL: "e-mail address in free text", PHONE: "phone number in free text", URL_WITH_PATH: "URL in free text", URL: "URL in free text"}


def id_pseudonyms(values: pa.Array, key: bytes, name: str) -> pa.Array:
    """Keyed pseudonyms of an id column: HMAC-SHA256 of ``"<name>:<id>"``, 16 hex characters.

    The column name in the message keeps a request id and a file id (or a URL) that are the
    same text from getting the same pseudonym. Equal ids get equal pseudonyms, so grouping by
    request or by file is unchanged.

    Ids repeat (a file is reported on several URLs, a request names several files), so each
    distinct id is hashed once and its pseudonym spread back to its rows.
    """
    encoded = pc.dictionary_encode(values)
    return pseudonym_array(join_text([f"{name}:", encoded.dictionary]), key).take(encoded.indices)


_SCHEMA_WITHOUT_PAIR_CHECK = copy.copy(CLEAN_TAKEDOWNS_SCHEMA)
_SCHEMA_WITHOUT_PAIR_CHECK.unique = None


def _repeated_pairs(request_id: pa.Array, digests: np.ndarray, bad_url: np.ndarray, checked_at: pd.Series, outcome: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows that repeat a (request, URL) pair with both known, and which of them conflict.

    Of the rows of one pair, the one with the latest ``checked_at`` is kept (the first of them
    when several share it; a row without a readable ``checked_at`` counts as the earliest): it
    says what was last seen. Every other row is a repeat; a repeat *conflicts* when its outcome
    differs from the kept row's (``online`` on 01-09, ``removed`` on 02-20: ``removed`` is kept).

    URLs are compared by their pseudonym's 64 bits, which is the contract's rule "one row per
    ``request_id, url_id``" on integers. One hash of both codes finds the candidate repeats; the
    exact pairs are then compared for those few rows only.

    Returns
    -------
    repeated, conflicting
        Boolean masks over the rows.
    """
    known = ~bad_url & as_bool(pc.not_equal(request_id, ""))
    request = pd.factorize(to_series(request_id))[0].astype(np.uint64)
    url = digests.view(np.uint64).ravel()
    with np.errstate(over="ignore"):
        mixed = url ^ (request * np.uint64(0x9E3779B97F4A7C15))
    candidates = np.flatnonzero(known & pd.Series(mixed.view(np.int64)).duplicated(keep=False).to_numpy())
    repeated = np.zeros(len(known), dtype=bool)
    conflicting = np.zeros(len(known), dtype=bool)
    if not len(candidates):
        return repeated, conflicting
    checked = checked_at.iloc[candidates].to_numpy(dtype="datetime64[us]").view(np.int64)
    missing = checked == np.iinfo(np.int64).min  # NaT: sorts after every check (negating it would overflow to itself)
    later = np.where(missing, np.iinfo(np.int64).max, -np.where(missing, 0, checked))
    pairs = pd.DataFrame({"request": request[candidates], "url": url[candidates], "later": later, "at": candidates})
    pairs["outcome"] = outcome.iloc[candidates].astype("string").fillna("").to_numpy()
    pairs = pairs.sort_values(["request", "url", "later", "at"], kind="mergesort")
    first = ~pairs.duplicated(["request", "url"], keep="first").to_numpy()
    kept_outcome = pairs["outcome"].where(first).ffill().to_numpy()
    at = pairs["at"].to_numpy()
    repeated[at[~first]] = True
    conflicting[at[~first & (pairs["outcome"].to_numpy() != kept_outcome)]] = True
    return repeated, conflicting


@dataclass(frozen=True)
class QualityCounts:
    """The numbers behind :func:`quality_table`: ``metrics`` in the table's order (ints and bools,
    typed) and the quarantine's lines per ``(column, reason)``."""

    metrics: dict[str, int | bool]
    quarantine: dict[tuple[str, str], int]


def quality_counts(rows_in: int, table: pd.DataFrame, quarantine: pd.DataFrame, synthetic: bool) -> QualityCounts:
    """The counts of one cleaning run (rows in = rows out + quarantined), as :class:`QualityCounts`."""
    metrics: dict[str, int | bool] = {
        "rows_in": int(rows_in),
        "rows_out": len(table),
        "rows_quarantined": int(quarantine["row_number"].nunique()),
        "rows_balance_ok": False,  # derived below, from the counts (as when partitions are combined)
        "synthetic": bool(synthetic),
        "files": int(table["content_id"].nunique()),
        "requests": int(table["request_id"].nunique()),
        "urls": _distinct_urls(table["url_id"]),
        "domains": int(table["domain"].nunique()),
        "ip_hosts": int(table["is_ip"].sum()),
    }
    metrics |= {f"outcome_{o}": int((table["outcome"] == o).sum()) for o in OUTCOMES}
    metrics |= {
        "removed_without_resolved_at": int(((table["outcome"] == "removed") & table["resolved_at"].isna()).sum()),
        "resolved_at_but_not_removed": int(((table["outcome"] != "removed") & table["resolved_at"].notna()).sum()),
        "channel_blank": int(table["channel"].isna().sum()),
        "country_blank": int(table["country"].isna().sum()),
        "hosting_provider_blank": int(table["hosting_provider"].isna().sum()),
        # Repeats of a (request, URL) pair whose outcome differs from the kept (latest) check.
        "duplicates_conflicting": int((quarantine["reason"] == DUPLICATE_CONFLICT).sum()),
    }
    reasons = quarantine.groupby(["column", "reason"], sort=True).size()
    return _derived(QualityCounts(metrics, {(str(c), str(r)): int(n) for (c, r), n in reasons.items()}))


def _derived(counts: QualityCounts) -> QualityCounts:
    """``rows_balance_ok`` from the row counts: rows in = rows out + rows quarantined."""
    m = counts.metrics
    m["rows_balance_ok"] = m["rows_in"] == m["rows_out"] + m["rows_quarantined"]
    return counts


def quality_lines(metrics: list[tuple[str, object]]) -> pd.DataFrame:
    """``metric, value`` lines with typed values (ints, bools, text): numbers stay numbers until written."""
    typed = [(str(m), v.item() if isinstance(v, np.generic) else v) for m, v in metrics]
    return pd.DataFrame({"metric": pd.Series([m for m, _ in typed], dtype="string"), "value": pd.Series([v for _, v in typed], dtype=object)})


def quality_frame(counts: QualityCounts) -> pd.DataFrame:
    """The ``metric, value`` table of :class:`QualityCounts`; quarantine lines last, by column and reason."""
    lines = list(counts.metrics.items()) + [(f"quarantine: {c}: {r}", n) for (c, r), n in sorted(counts.quarantine.items())]
    return quality_lines(lines)


def quality_table(rows_in: int, table: pd.DataFrame, quarantine: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """``metric, value`` lines describing one cleaning run (rows in = rows out + quarantined)."""
    return quality_frame(quality_counts(rows_in, table, quarantine, synthetic))


#: Quality metrics that count distinct values of a column which cleaning partitions (whole requests)
#: do not keep together: the whole log's count is taken over a split by that column and given to
#: :data:`QUALITY` as ``distinct=``. Every other count adds up over partitions (each raw row, and
#: each request, is in exactly one); ``synthetic`` is the same in all; ``rows_balance_ok`` is
#: derived again from the sums.
DISTINCT_METRICS: dict[str, str] = {"files": "content_id", "urls": "url_id", "domains": "domain"}


def combine_quality(parts: Sequence[QualityCounts | None]) -> QualityCounts | None:
    """The counts of the union of cleaning partitions that hold whole requests (see :data:`DISTINCT_METRICS`)."""
    found = [p for p in parts if p is not None]
    if not found:
        return None
    if len({p.metrics["synthetic"] for p in found}) > 1:
        raise ValueError("quality counts of synthetic and real partitions cannot be combined")
    metrics: dict[str, int | bool] = {}
    quarantine: dict[tuple[str, str], int] = {}
    for part in found:
        for name, value in part.metrics.items():
            metrics[name] = value if isinstance(value, bool) else int(metrics.get(name, 0)) + value
        for line, n in part.quarantine.items():
            quarantine[line] = quarantine.get(line, 0) + n
    return _derived(QualityCounts(metrics, quarantine))


def finish_quality(counts: QualityCounts | None, distinct: Mapping[str, int], synthetic: bool = False) -> pd.DataFrame:
    """The quality table of combined counts, with the whole log's ``distinct`` counts (:data:`DISTINCT_METRICS`)."""
    if counts is None:
        counts = quality_counts(0, empty_clean_table(), empty_quarantine(), synthetic)
    missing = sorted(set(DISTINCT_METRICS) - set(distinct))
    if missing:
        raise ValueError(f"the whole log's distinct counts are needed for {', '.join(missing)}")
    return quality_frame(QualityCounts({**counts.metrics, **{m: int(distinct[m]) for m in DISTINCT_METRICS}}, counts.quarantine))


def partition_quality(raw: pd.DataFrame, distinct: object = None, **options: Any) -> QualityCounts:
    """:class:`QualityCounts` of cleaning one partition of a raw log (``options``: those of :func:`clean_takedown_log`)."""
    counts = clean_takedown_log(raw, **options).counts
    assert counts is not None  # the cleaner always counts
    return counts


def _finish_quality(counts: QualityCounts | None, distinct: Mapping[str, int], synthetic: bool = False, **_: object) -> pd.DataFrame:
    return finish_quality(counts, distinct, synthetic)


#: The cleaning's quality over partitions of the raw log holding whole requests (context: the cleaner's
#: options, and ``distinct=`` the whole log's counts of :data:`DISTINCT_METRICS`).
QUALITY = declare(Reducer("quality", "request_id", partition_quality, combine_quality, _finish_quality))


def _distinct_urls(url_id: pd.Series) -> int:
    """Number of distinct URL pseudonyms, counted on their 64-bit numbers when they are pseudonyms."""
    numbers = pseudonym_numbers(url_id)
    return len(distinct_sorted(numbers)) if numbers is not None else int(url_id.nunique())
