"""Prototype: clean + funnel + URL status + co-hosting edges as Polars lazy queries (streaming engine).

Measured against the default engine in ``benchmarks/results.md``; every output is tested equal to
the default engine's on the same log (``tests/scale/test_columnar_engines.py``). Polars has no
cryptographic hash, so the HMAC pseudonyms come from the default engine's ``hashlib`` batches
(:func:`research.clean.pseudonyms.pseudonym_digests`), called on each batch of normalised URLs.
Rules that need Python run once per distinct value through :mod:`research.scale.columnar`.

Limits of the prototype: UTF-8, comma-separated, documented column names (as the Dask reader),
every row as long as the header (the general reader's "too few fields" rule is not applied), ids
always pseudonymised (no ``--keep-ids``).
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from research.clean.arrow_text import to_arrow
from research.clean.outcomes import OUTCOME_DETAILS
from research.clean.pseudonyms import hex_strings, pseudonym_digests
from research.clean.takedown_schema import LOG_COLUMNS, REQUIRED_COLUMNS
from research.clean.takedowns import CleanedLog, id_pseudonyms
from research.errors import SchemaError
from research.networks.status import NOT_RECORDED
from research.scale import columnar
from research.takedowns.funnel import GROUPINGS, URL_OUTCOMES, with_intervals
from research.takedowns.seeds import FILE_STATUSES

STAMPS = columnar.STAMPS
_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _trim(column: str | pl.Expr) -> pl.Expr:
    """The default engine's trim (Unicode White_Space at both ends), null read as ``""``."""
    value = (pl.col(column) if isinstance(column, str) else column).fill_null("")
    return pl.when(value.str.contains(columnar.EDGE_SPACE)).then(value.str.strip_chars(columnar.WHITE_SPACE)).otherwise(value)


def _pseudonyms(values: pl.Series) -> pl.Series:
    """HMAC pseudonyms (16 hex characters) of a batch of text; nulls stay null."""
    text = to_arrow(values.to_arrow())
    return pl.Series(values.name, hex_strings(pseudonym_digests(text, _KEY[0]), valid=~np.asarray(text.is_null().to_numpy(zero_copy_only=False))))


def _id_pseudonyms(values: pl.Series, name: str, key: bytes) -> pl.Series:
    """The default engine's id pseudonyms (:func:`research.clean.takedowns.id_pseudonyms`) of a batch of ids."""
    return pl.Series(values.name, id_pseudonyms(to_arrow(values.to_arrow()), key, name))


_KEY: list[bytes] = [b""]  # the key of the query being built (map_batches takes a function of one batch)


def _distinct(frame: pl.LazyFrame, expression: pl.Expr) -> pa.Array:
    values = frame.select(expression.alias("v")).unique().sort("v").collect(engine="streaming")["v"]
    return to_arrow(values.to_arrow())


def clean_log(path: str | os.PathLike[str], **options) -> tuple[pl.DataFrame, CleanedLog]:
    """Read and clean a CSV log; the cleaned Polars frame and the default engine's :class:`CleanedLog`.

    ``options`` are those of :class:`research.scale.columnar.CleanOptions` (``key`` is required).
    """
    settings = columnar.CleanOptions(**options)
    clean, quarantine, rows_in = clean_frames(path, settings)
    return clean, CleanedLog(columnar.clean_frame(clean.to_arrow()), columnar.quarantine_frame(quarantine.to_arrow()), quality(rows_in, clean, quarantine, settings.synthetic))


def _lookup(frame: pl.LazyFrame, name: str, table: pa.Table) -> pl.LazyFrame:
    """``frame`` joined with a lookup keyed by the raw text of column ``name`` (null read as ""); its columns prefixed ``name__``."""
    lookup = pl.from_arrow(table).lazy().rename(lambda c: f"{name}__key" if c == "value" else f"{name}__{c}")
    return frame.with_columns(pl.col(name).fill_null("").alias(f"{name}__key")).join(lookup, on=f"{name}__key", how="left", maintain_order="left")


def clean_frames(path: str | os.PathLike[str], options: columnar.CleanOptions) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Read and clean a CSV log: the cleaned frame, the quarantine frame and the number of rows read."""
    header = pl.scan_csv(path, infer_schema=False).collect_schema().names()
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SchemaError(f"missing required column(s) {', '.join(missing)}", file=os.path.basename(path), column=missing[0])
    raw = (
        pl.scan_csv(path, infer_schema=False)
        .with_row_index("row_number", offset=1)
        .select(pl.col("row_number").cast(pl.Int64), *(pl.col(c) if c in header else pl.lit(None, pl.String).alias(c) for c in LOG_COLUMNS))
    )
    raw = raw.collect(engine="streaming").lazy()
    rows_in = raw.select(pl.len()).collect().item()
    _KEY[0] = options.key
    url = _trim("url")
    simple = url.str.contains(columnar.SIMPLE_URL)
    rest = url.str.splitn("://", 2).struct.field("field_1")
    host = rest.str.splitn("/", 2).struct.field("field_0").str.to_lowercase()
    tail = rest.str.splitn("/", 2).struct.field("field_1")
    path_ = pl.when(tail.is_null()).then(pl.lit("")).otherwise(pl.lit("/") + tail.str.splitn("?", 2).struct.field("field_0"))
    query = tail.str.splitn("?", 2).struct.field("field_1").fill_null("")
    parts = raw.select(
        "row_number", url.alias("url"), simple.alias("simple"), url.str.splitn("://", 2).struct.field("field_0").str.to_lowercase().alias("scheme"),
        host.alias("host"), path_.alias("path"), query.alias("query"),
    ).with_columns(fast=pl.col("simple") & ~pl.col("query").str.contains(columnar.QUERY_TO_CLEAN)).collect(engine="streaming").lazy()
    hosts = pl.from_arrow(columnar.host_lookup(_distinct(parts.filter("fast"), pl.col("host")))).lazy()
    odd = pl.from_arrow(columnar.url_lookup(_distinct(parts.filter(~pl.col("fast")), pl.col("url")))).lazy()
    stripped = pl.col("path").str.replace(r"/+$", "")
    fast = (
        parts.filter("fast").join(hosts, on="host", how="left")
        .select("row_number", "url",
                pl.when(pl.col("reason").is_null()).then(pl.col("scheme") + "://" + pl.col("ascii_host") + pl.when(stripped == "").then(pl.lit("/")).otherwise(stripped)
                                                          + pl.when(pl.col("query") == "").then(pl.lit("")).otherwise("?" + pl.col("query"))).alias("url_normalised"),
                pl.when(pl.col("reason").is_null()).then(pl.col("domain")).alias("domain"), pl.when(pl.col("reason").is_null()).then(pl.col("site")).alias("site"), (pl.col("is_ip") & pl.col("reason").is_null()).fill_null(False).alias("is_ip"), "reason")
    )
    slow = parts.filter(~pl.col("fast")).join(odd, on="url", how="left").select("row_number", "url", "url_normalised", "domain", "site", "is_ip", "reason")
    urls = pl.concat([fast, slow]).sort("row_number").join(raw.select("row_number", pl.col("url").fill_null("").str.contains(columnar.CONTROL).alias("url_control")), on="row_number", maintain_order="left").with_columns(
        url_id=pl.when(pl.col("reason").is_null()).then(pl.col("url_normalised").map_batches(_pseudonyms, return_dtype=pl.String)),
        # What the quarantine shows of a refused URL: the pseudonym of its text, never the text.
        url_hmac=pl.when(pl.col("reason").is_not_null() | pl.col("url_control")).then("hmac:" + pl.col("url").map_batches(_pseudonyms, return_dtype=pl.String)),
        url_blank=pl.col("url") == "",
    ).drop("url", "url_normalised", "url_control").collect(engine="streaming").lazy()

    frame = raw.join(urls, on="row_number", how="left", maintain_order="left")
    for name, build in columnar.value_lookups(options):
        frame = _lookup(frame, name, build(_distinct(raw, pl.col(name).fill_null(""))))
    for name in STAMPS:
        value = pl.col(name).fill_null("")
        usual = value.str.contains(columnar.USUAL_TIMESTAMP) & value.str.strptime(pl.Datetime("us"), _ISO, strict=False).is_not_null()
        frame = _lookup(frame, name, columnar.timestamp_lookup(_distinct(raw.filter(~usual), value), options.timezone)).with_columns(
            pl.coalesce(value.str.strptime(pl.Datetime("us"), _ISO, strict=False).dt.epoch("us"), pl.col(f"{name}__micros")).alias(f"{name}__us"),
        )
    earliest_us, latest_us = options.plausible_us()
    frame = frame.with_columns(request_id=_trim("request_id"), content_id=_trim("content_id"),
                               **{f"{c}__control": pl.col(c).fill_null("").str.contains(columnar.CONTROL) for c in LOG_COLUMNS}).collect(engine="streaming").lazy()

    def problem(column: str, condition: pl.Expr, reason: pl.Expr | str, shown: pl.Expr | None = None) -> pl.LazyFrame:
        """Quarantine lines; ``shown`` null: the raw cell as the default engine shows it (``columnar.shown_lookup``)."""
        reason = pl.lit(reason) if isinstance(reason, str) else reason
        return frame.filter(condition.fill_null(False)).select(
            "row_number", pl.lit(column).alias("column"), pl.col(column).alias("raw"),
            (shown if shown is not None else pl.lit(None, pl.String)).alias("shown"), reason.alias("reason"))

    problems = [problem(c, pl.col(f"{c}__control"), "control character", pl.col("url_hmac") if c == "url" else None) for c in LOG_COLUMNS]
    for c in ("request_id", "content_id"):
        problems += [problem(c, pl.col(c) == "", "missing value"), problem(c, pl.col(c).str.contains(columnar.SCIENTIFIC), "id mangled by a spreadsheet (scientific notation)")]
    problems.append(problem("url", pl.col("reason").is_not_null(), "url " + pl.col("reason").str.replace_all("_", " "), pl.when(pl.col("url_blank")).then(pl.lit("")).otherwise(pl.col("url_hmac"))))
    for s in STAMPS:
        us, why = pl.col(f"{s}__us"), pl.col(f"{s}__reason")
        problems += [problem(s, why.is_not_null(), why), problem(s, (us < earliest_us) | (us >= latest_us), "date before 1990 or in the future")]
        if s != "resolved_at":
            problems.append(problem(s, us.is_null() & why.is_null(), "missing value"))
    problems += [
        problem("checked_at", pl.col("checked_at__us") < pl.col("requested_at__us"), "checked before requested"),
        problem("resolved_at", pl.col("resolved_at__us") < pl.col("requested_at__us"), "resolved before requested"),
        problem("outcome", pl.col("outcome__is_blank"), "missing value"),
        problem("outcome", pl.col("outcome__is_unknown"), "unknown outcome word"),
        problem("channel", pl.col("channel__is_unknown"), "unknown channel word"),
        problem("country", pl.col("country__bad"), "unknown country"),
        problem("asn", pl.col("asn__bad"), "unreadable AS number"),
        problem("content_hash", pl.col("content_hash__bad"), "not a PDQ hash (64 hex digits)"),
        problem("hosting_provider", pl.col("hosting_provider__reason").is_not_null(), pl.col("hosting_provider__reason")),
    ]
    # One row per URL per request: the latest check of a (request, URL) pair is kept (a missing one counts as
    # the earliest; the first row among equals); the others are repeats, conflicting when their outcome differs.
    outcome = pl.col("outcome__category").fill_null("")
    repeats = (
        frame.filter(pl.col("reason").is_null() & (pl.col("request_id") != ""))
        .sort(["checked_at__us", "row_number"], descending=[True, False], nulls_last=True)
        .with_columns(k=pl.int_range(pl.len()).over("request_id", "url_id"), kept=outcome.first().over("request_id", "url_id"))
        .filter(pl.col("k") > 0)
        .select("row_number", pl.lit("url").alias("column"), pl.lit(None, pl.String).alias("raw"), pl.col("url_id").alias("shown"),
                pl.when(outcome == pl.col("kept")).then(pl.lit(columnar.REPEAT)).otherwise(pl.lit(columnar.REPEAT_CONFLICT)).alias("reason"))
    )
    lines = pl.concat([*problems, repeats]).collect(engine="streaming").lazy()
    shown = pl.from_arrow(columnar.shown_lookup(_distinct(lines.filter(pl.col("shown").is_null()), pl.col("raw").fill_null("")))).lazy()
    quarantine = (
        lines.with_columns(value=pl.col("raw").fill_null("")).join(shown, on="value", how="left", maintain_order="left")
        .select("row_number", "column", pl.coalesce("shown", "shown_right").alias("value"), "reason")
        .sort("row_number", "column", "reason", maintain_order=True).collect(engine="streaming")
    )
    stamp = lambda s: pl.col(f"{s}__us").cast(pl.Datetime("us", "UTC")).alias(s)  # noqa: E731
    clean = frame.join(quarantine.lazy().select("row_number").unique(), on="row_number", how="anti").sort("row_number").select(
        "row_number",
        *(pl.col(c).map_batches(functools.partial(_id_pseudonyms, name=c, key=options.key), return_dtype=pl.String).alias(c) for c in ("request_id", "content_id")),
        pl.col("content_hash__content_hash").alias("content_hash"),
        "url_id", "domain", "site", "is_ip", *(stamp(s) for s in STAMPS),
        pl.col("outcome__category").alias("outcome"), pl.col("outcome__detail").alias("outcome_detail"), pl.col("channel__category").alias("channel"),
        pl.col("hosting_provider__hosting_provider").alias("hosting_provider"),
        pl.col("asn__asn").alias("asn"), pl.col("country__country").alias("country"), pl.lit(options.synthetic).alias("synthetic"),
    ).collect(engine="streaming")
    return clean, quarantine, rows_in


def quality(rows_in: int, clean: pl.DataFrame, quarantine: pl.DataFrame, synthetic: bool) -> pd.DataFrame:
    """The quality lines of :func:`research.clean.takedown_files.clean_log_file`, counted by Polars."""
    outcome = pl.col("outcome")
    c = clean.select(
        pl.len(), pl.col("content_id").n_unique(), pl.col("request_id").n_unique(), pl.col("url_id").n_unique(), pl.col("domain").drop_nulls().n_unique(), pl.col("is_ip").sum(),
        *((outcome == o).sum().alias(o) for o in URL_OUTCOMES),
        ((outcome == "removed") & pl.col("resolved_at").is_null()).sum().alias("a"), ((outcome != "removed") & pl.col("resolved_at").is_not_null()).sum().alias("b"),
        pl.col("channel").is_null().sum().alias("c"), pl.col("country").is_null().sum().alias("d"), pl.col("hosting_provider").is_null().sum().alias("e"),
    ).row(0)
    reasons = quarantine.group_by("column", "reason").len().sort("column", "reason")
    return columnar.quality_frame(rows_in, c[0], c[1:], list(reasons.iter_rows()), quarantine["row_number"].n_unique(), synthetic)


# ---------------------------------------------------------------------------------------------
# Funnel, URL status, co-hosting edges and domain rates on the cleaned frame.


def _file_status(frame: pl.LazyFrame) -> pl.Expr:
    removed = (pl.col("outcome") == "removed").any()
    online = pl.col("outcome").is_in(["online", "pending"]).any()
    unknown = (pl.col("outcome") == "unknown").any()
    return (pl.when(removed & ~online & ~unknown).then(pl.lit("fully_removed")).when(removed & online).then(pl.lit("partly_removed"))
            .when(~removed & online).then(pl.lit("still_online")).otherwise(pl.lit("unknown")))


def _latest_per_file_url(clean: pl.DataFrame) -> pl.LazyFrame:
    return (
        clean.lazy().sort(["checked_at", "requested_at", "row_number"], descending=True, nulls_last=False)
        .group_by("content_id", "url_id").first().collect(engine="streaming").lazy()
    )


def _group(by: str | None) -> pl.Expr:
    return pl.lit("all") if by is None else pl.col(by).cast(pl.String).fill_null(NOT_RECORDED)


def _long_counts(by: str | None, unit: str, categories: tuple[str, ...], statuses: pl.LazyFrame) -> pd.DataFrame:
    """Counts per (group, status) of the rows ``g, status``: every category in every group (zeros kept)."""
    counted = statuses.filter(pl.col("status").is_in(list(categories)))
    groups = statuses.group_by("g").agg(total=pl.col("status").is_in(list(categories)).sum())
    n = counted.group_by("g", "status").len("n")
    table = (groups.join(pl.LazyFrame({"status": list(categories)}), how="cross").join(n, on=["g", "status"], how="left")
             .select(pl.lit(by or "all").alias("group_kind"), pl.col("g").alias("group"), pl.lit(unit).alias("unit"), "status", pl.col("n").fill_null(0).cast(pl.Int64), pl.col("total").cast(pl.Int64))
             .sort("group_kind", "group", "status").collect(engine="streaming"))
    return table.to_pandas()


def _long_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True).astype({"group_kind": str, "group": str, "unit": str, "status": str, "n": "int64", "total": "int64"})


def funnel(clean: pl.DataFrame, groupings: tuple[str, ...] = GROUPINGS) -> pd.DataFrame:
    """:func:`research.takedowns.funnel.funnel_tables` on the cleaned frame."""
    latest = _latest_per_file_url(clean)
    frames = []
    for by in (None, *groupings):
        rows = latest.with_columns(g=_group(by))
        frames.append(_long_counts(by, "file", FILE_STATUSES, rows.group_by("g", "content_id").agg(status=_file_status(rows))))
        frames.append(_long_counts(by, "url", URL_OUTCOMES, rows.select("g", status=pl.col("outcome"))))
    return with_intervals(_long_frame(frames))


def detail_funnel(clean: pl.DataFrame, groupings: tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`research.takedowns.funnel.detail_funnel` (URLs per ``outcome_detail``) on the cleaned frame."""
    latest = _latest_per_file_url(clean)
    details = tuple(OUTCOME_DETAILS)
    counts = _long_frame([_long_counts(by, "url", details, latest.select(g=_group(by), status=pl.col("outcome_detail"))) for by in (None, *groupings)])
    counts.insert(counts.columns.get_loc("status") + 1, "outcome", counts["status"].map(OUTCOME_DETAILS))
    return with_intervals(counts)


def url_status(clean: pl.DataFrame) -> pl.DataFrame:
    """:func:`research.networks.status.latest_url_status` as a Polars frame (one row per URL)."""
    recorded = lambda c: pl.when(_trim(c) == "").then(pl.lit(NOT_RECORDED)).otherwise(_trim(c)).alias(c)  # noqa: E731
    return (
        clean.lazy().with_columns(requests=pl.len().over("url_id"))
        .sort(["checked_at", "requested_at", "row_number"], descending=True, nulls_last=True)
        .group_by("url_id").first().sort("url_id")
        .select("url_id", "content_id", _trim("site").str.to_lowercase().alias("domain"), "outcome", _trim("domain").str.to_lowercase().alias("icann_domain"),
                recorded("channel"), recorded("hosting_provider"), recorded("country"), pl.col("asn").cast(pl.String),
                "requested_at", "checked_at", "resolved_at", "synthetic", pl.col("requests").cast(pl.Int64),
                pl.col("outcome").is_in(["removed", "online"]).alias("decided"), (pl.col("outcome") == "online").alias("non_removed"))
        .collect(engine="streaming")
    )


def status_table(status: pl.DataFrame) -> pd.DataFrame:
    return columnar.status_frame(status.to_arrow())


def co_hosting_edges(status: pl.DataFrame) -> pd.DataFrame:
    """:func:`research.networks.bipartite.co_hosting_edges` of the URL status."""
    pairs = status.lazy().select("content_id", "domain").unique()
    newman = pairs.group_by("content_id").agg(w=1.0 / (pl.len() - 1).cast(pl.Float64))  # Newman (2001): 1/(k − 1)
    edges = (pairs.join(pairs, on="content_id", suffix="_b").filter(pl.col("domain") < pl.col("domain_b")).join(newman, on="content_id")
             .group_by(pl.col("domain").alias("domain_a"), "domain_b").agg(shared_content=pl.len(), co_hosting_weight=pl.col("w").sum())
             .sort("domain_a", "domain_b").collect(engine="streaming"))
    return pd.DataFrame({"domain_a": np.asarray(edges["domain_a"].to_list(), dtype=object), "domain_b": np.asarray(edges["domain_b"].to_list(), dtype=object),
                         "shared_content": edges["shared_content"].to_numpy().astype(np.int64), "co_hosting_weight": edges["co_hosting_weight"].to_numpy().astype(np.float64)})


def domains(status: pl.DataFrame) -> pd.Index:
    return pd.Index(status["domain"].unique().sort().to_list(), name="domain", dtype=str)


def node_counts(status: pl.DataFrame, level: str = "domain") -> pd.DataFrame:
    """:func:`research.networks.rankings.node_counts` of the URL status."""
    frame = status.group_by(pl.col(level).alias("node")).agg(urls=pl.len(), decided=pl.col("decided").sum(), non_removed=pl.col("non_removed").sum()).sort("node").to_pandas()
    return frame.astype({"node": str, "urls": "int64", "decided": "int64", "non_removed": "int64"})
