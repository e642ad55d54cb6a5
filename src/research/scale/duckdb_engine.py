"""Prototype: clean + funnel + URL status + co-hosting edges as DuckDB SQL (out of core, multithreaded).

Measured against the default engine in ``benchmarks/results.md``; every output is tested equal to
the default engine's on the same log (``tests/scale/test_columnar_engines.py``). DuckDB reads the
CSV itself, in parallel, and spills to ``temp_directory`` beyond ``memory_limit``. The per-row work
is SQL: URL splitting, the HMAC-SHA256 pseudonym — ``sha256(opad ‖ unhex(sha256(ipad ‖ url)))``,
both on BLOBs, so every byte of key and message is hashed as is — timestamps, the quarantine
rules, the repeated-URL window, the latest check per file and per URL, the funnel counts and the
co-hosting self-join. Rules that need Python run once per distinct value through
:mod:`research.scale.columnar` (the default engine's own functions).

Limits of the prototype: UTF-8, comma-separated, documented column names (as the Dask reader).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from research.clean.periods import EARLIEST_PLAUSIBLE_DATE
from research.clean.takedown_schema import LOG_COLUMNS, QUARANTINE_COLUMNS, REQUIRED_COLUMNS
from research.clean.takedowns import CleanedLog, quality_lines
from research.errors import SchemaError
from research.networks.status import NOT_RECORDED
from research.scale import columnar
from research.takedowns.funnel import GROUPINGS, URL_OUTCOMES, with_intervals
from research.takedowns.seeds import FILE_STATUSES

STAMPS = columnar.STAMPS


def connect(memory_limit: str = "3GB", threads: int | None = None, temp_directory: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to disk beyond ``memory_limit``."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads or os.cpu_count() or 1, "preserve_insertion_order": True})
    if temp_directory:
        con.execute("SET temp_directory = ?", [temp_directory])
    return con


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _trim(expression: str) -> str:
    """The default engine's trim (Unicode White_Space at both ends), null read as ``""``."""
    value = f"coalesce({expression}, '')"
    # trim() with a set of characters is ~10× slower than a regex test; most values need no trimming.
    return f"CASE WHEN regexp_matches({value}, {_sql_text(columnar.EDGE_SPACE)}) THEN trim({value}, {_sql_text(columnar.WHITE_SPACE)}) ELSE {value} END"


def _hmac(expression: str) -> str:
    return f"left(sha256($opad || unhex(sha256($ipad || encode({expression})))), 16)"


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(name + "_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(name + "_arrow")


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Array:
    table = con.sql(sql).to_arrow_table()
    return table.column(0).combine_chunks().cast(pa.large_string()) if table.num_rows else pa.array([], pa.large_string())


@dataclass
class DuckLog:
    """A cleaned log held by DuckDB: tables ``clean`` and ``quarantine`` on ``con``."""

    con: duckdb.DuckDBPyConnection
    rows_in: int
    synthetic: bool


def load_csv(con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str]) -> int:
    """Read a UTF-8 CSV log into table ``raw`` (text columns + 1-based ``row_number``); returns its rows."""
    options = "all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"'"  # the documented format, never sniffed
    header = con.sql(f"SELECT * FROM read_csv({_sql_text(str(path))}, {options}) LIMIT 0").columns
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SchemaError(f"missing required column(s) {', '.join(missing)}", file=Path(path).name, column=missing[0])
    columns = ", ".join(f'"{c}"' if c in header else f'NULL::VARCHAR AS "{c}"' for c in LOG_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE raw AS SELECT row_number() OVER () AS row_number, {columns} "
        f"FROM read_csv({_sql_text(str(path))}, {options})"
    )
    return con.execute("SELECT count(*) FROM raw").fetchall()[0][0]


def clean(
    con: duckdb.DuckDBPyConnection,
    rows_in: int,
    *,
    key: bytes,
    synthetic: bool = False,
    outcome_words: Mapping[str, str] | None = None,
    channel_words: Mapping[str, str] | None = None,
    timezone: str = "UTC",
    today: datetime | None = None,
) -> DuckLog:
    """Clean table ``raw`` into tables ``clean`` and ``quarantine`` (the default engine's rules)."""
    ipad, opad = columnar.hmac_pads(key)
    params = {"ipad": ipad, "opad": opad}
    # URLs: the usual shape split here; any other shape through the default rule, once per distinct URL.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE url_parts AS
        WITH t AS (SELECT row_number, {_trim('url')} AS url FROM raw),
        s AS (SELECT row_number, url, regexp_full_match(url, {_sql_text(columnar.SIMPLE_URL)}) AS simple FROM t),
        p AS (SELECT *, CASE WHEN simple THEN lower(split_part(url, '://', 1)) END AS scheme,
                        CASE WHEN simple THEN substr(url, strpos(url, '://') + 3) END AS rest FROM s),
        q AS (SELECT *, lower(split_part(rest, '/', 1)) AS host,
                        CASE WHEN strpos(rest, '/') > 0 THEN substr(rest, strpos(rest, '/') + 1) END AS tail FROM p),
        r AS (SELECT *, CASE WHEN tail IS NULL THEN '' ELSE '/' || split_part(tail, '?', 1) END AS path,
                        CASE WHEN strpos(tail, '?') > 0 THEN substr(tail, strpos(tail, '?') + 1) ELSE '' END AS query FROM q)
        SELECT row_number, url, scheme, host, path, query,
               simple AND NOT regexp_matches(query, {_sql_text(columnar.QUERY_TO_CLEAN)}) AS fast FROM r"""
    )
    _register(con, "hosts", columnar.host_lookup(_distinct(con, "SELECT DISTINCT host FROM url_parts WHERE fast ORDER BY host")))
    _register(con, "odd_urls", columnar.url_lookup(_distinct(con, "SELECT DISTINCT url FROM url_parts WHERE NOT fast ORDER BY url")))
    path = "CASE WHEN regexp_replace(p.path, '/+$', '') = '' THEN '/' ELSE regexp_replace(p.path, '/+$', '') END"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE urls AS
        WITH n AS (
          SELECT p.row_number, p.url,
            CASE WHEN p.fast THEN CASE WHEN h.reason IS NULL THEN p.scheme || '://' || h.ascii_host || {path}
                                       || CASE WHEN p.query = '' THEN '' ELSE '?' || p.query END END
                 ELSE o.url_normalised END AS url_normalised,
            CASE WHEN p.fast THEN CASE WHEN h.reason IS NULL THEN h.domain END ELSE o.domain END AS domain,
            CASE WHEN p.fast THEN CASE WHEN h.reason IS NULL THEN h.site END ELSE o.site END AS site,
            CASE WHEN p.fast THEN coalesce(h.is_ip AND h.reason IS NULL, false) ELSE o.is_ip END AS is_ip,
            CASE WHEN p.fast THEN h.reason ELSE o.reason END AS reason
          FROM url_parts p LEFT JOIN hosts h ON p.fast AND h.host = p.host LEFT JOIN odd_urls o ON NOT p.fast AND o.url = p.url)
        SELECT row_number, domain, site, is_ip, reason,
               CASE WHEN reason IS NULL THEN {_hmac('url_normalised')} END AS url_id,
               CASE WHEN reason IS NOT NULL AND url <> '' THEN 'hmac:' || {_hmac('url')} ELSE '' END AS shown
        FROM n""",
        params,
    )
    con.execute("DROP TABLE url_parts; DROP TABLE hosts; DROP TABLE odd_urls")
    # Low-cardinality columns: the default rules once per distinct (trimmed-or-not) raw value.
    for name, build in (
        ("outcome", lambda v: columnar.word_lookup(v, "outcome", outcome_words)),
        ("channel", lambda v: columnar.word_lookup(v, "channel", channel_words)),
        ("country", columnar.country_lookup),
        ("asn", columnar.asn_lookup),
    ):
        _register(con, f"lk_{name}", build(_distinct(con, f"SELECT DISTINCT coalesce({name}, '') FROM raw ORDER BY 1")))
    for name in STAMPS:
        odd = _distinct(con, f"SELECT DISTINCT coalesce({name}, '') FROM raw WHERE NOT regexp_full_match(coalesce({name}, ''), {_sql_text(columnar.USUAL_TIMESTAMP)}) "
                             f"OR try_strptime({name}, '%Y-%m-%dT%H:%M:%SZ') IS NULL ORDER BY 1")
        _register(con, f"lk_{name}", columnar.timestamp_lookup(odd, timezone))
    latest = (today or datetime.now(UTC)).date() + timedelta(days=1)
    bounds = {"earliest": datetime.combine(EARLIEST_PLAUSIBLE_DATE, datetime.min.time()), "latest": datetime.combine(latest, datetime.min.time())}
    stamp_columns = ",\n".join(
        f"coalesce(epoch_us(try_strptime(r.{s}, '%Y-%m-%dT%H:%M:%SZ')), l_{s}.micros) AS {s}_us, coalesce(l_{s}.bad, false) AS {s}_bad" for s in STAMPS
    )
    stamp_joins = "\n".join(f"LEFT JOIN lk_{s} l_{s} ON l_{s}.value = coalesce(r.{s}, '')" for s in STAMPS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE parsed AS
        SELECT r.row_number, {_trim('r.request_id')} AS request_id, {_trim('r.content_id')} AS content_id,
               u.url_id, u.domain, u.site, u.is_ip, u.reason AS url_reason, u.shown AS url_shown,
               {stamp_columns},
               lo.category AS outcome, lo.detail AS outcome_detail, lo.is_blank AS outcome_blank, lo.is_unknown AS outcome_unknown,
               lc.category AS channel, lc.is_unknown AS channel_unknown,
               nullif({_trim('r.hosting_provider')}, '') AS hosting_provider,
               CASE WHEN regexp_full_match(lower({_trim('r.content_hash')}), '[0-9a-f]{{64}}') THEN lower({_trim('r.content_hash')}) END AS content_hash,
               {_trim('r.content_hash')} <> '' AND NOT regexp_full_match(lower({_trim('r.content_hash')}), '[0-9a-f]{{64}}') AS content_hash_bad,
               la.asn, la.bad AS asn_bad, ln.country, ln.bad AS country_bad
        FROM raw r JOIN urls u USING (row_number)
        {stamp_joins}
        LEFT JOIN lk_outcome lo ON lo.value = coalesce(r.outcome, '')
        LEFT JOIN lk_channel lc ON lc.value = coalesce(r.channel, '')
        LEFT JOIN lk_country ln ON ln.value = coalesce(r.country, '')
        LEFT JOIN lk_asn la ON la.value = coalesce(r.asn, '')"""
    )
    con.execute("DROP TABLE urls")
    us = "epoch_us(CAST($earliest AS TIMESTAMP))", "epoch_us(CAST($latest AS TIMESTAMP))"
    problems = [
        ("request_id", "p.request_id = ''", "''", "'missing value'"),
        ("content_id", "p.content_id = ''", "''", "'missing value'"),
        ("url", "p.url_reason IS NOT NULL", "p.url_shown", "'url ' || replace(p.url_reason, '_', ' ')"),
    ]
    for s in STAMPS:
        shown = _trim(f"r.{s}")
        problems += [
            (s, f"p.{s}_bad", shown, "'unreadable timestamp'"),
            (s, f"p.{s}_us < {us[0]} OR p.{s}_us >= {us[1]}", shown, "'date before 1990 or in the future'"),
        ]
        if s != "resolved_at":
            problems.append((s, f"p.{s}_us IS NULL AND NOT p.{s}_bad", shown, "'missing value'"))
    problems += [
        ("checked_at", "p.checked_at_us < p.requested_at_us", _trim("r.checked_at"), "'checked before requested'"),
        ("resolved_at", "p.resolved_at_us < p.requested_at_us", _trim("r.resolved_at"), "'resolved before requested'"),
        ("outcome", "p.outcome_blank", _trim("r.outcome"), "'missing value'"),
        ("outcome", "p.outcome_unknown", _trim("r.outcome"), "'unknown outcome word'"),
        ("channel", "p.channel_unknown", _trim("r.channel"), "'unknown channel word'"),
        ("country", "p.country_bad", _trim("r.country"), "'unknown country'"),
        ("asn", "p.asn_bad", _trim("r.asn"), "'unreadable AS number'"),
        ("content_hash", "p.content_hash_bad", _trim("r.content_hash"), "'not a PDQ hash (64 hex digits)'"),
    ]
    union = "\nUNION ALL\n".join(f"SELECT p.row_number, '{c}' AS \"column\", {v} AS value, {why} AS reason FROM parsed p JOIN raw r USING (row_number) WHERE coalesce({cond}, false)" for c, cond, v, why in problems)
    # One row per URL per request: repeats after the first of a (request, URL) pair, both known.
    repeats = """SELECT row_number, 'url', url_id, 'duplicate URL within request' FROM (
        SELECT row_number, url_id, row_number() OVER (PARTITION BY request_id, url_id ORDER BY row_number) AS k
        FROM parsed WHERE url_reason IS NULL AND request_id <> '') WHERE k > 1"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE quarantine AS SELECT * FROM ({union} UNION ALL {repeats}) ORDER BY row_number, \"column\", reason", {"earliest": bounds["earliest"], "latest": bounds["latest"]})
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clean AS
        SELECT row_number, request_id, content_id, content_hash, url_id, domain, site, is_ip,
               {', '.join(f"make_timestamptz({s}_us) AS {s}" for s in STAMPS)},
               outcome, outcome_detail, channel, hosting_provider, asn, country, {'true' if synthetic else 'false'} AS synthetic
        FROM parsed ANTI JOIN (SELECT DISTINCT row_number FROM quarantine) q USING (row_number) ORDER BY row_number"""
    )
    con.execute("DROP TABLE parsed")
    for name in ("outcome", "channel", "country", "asn", *STAMPS):
        con.execute(f"DROP TABLE lk_{name}")
    return DuckLog(con, rows_in, synthetic)


def quality(log: DuckLog) -> pd.DataFrame:
    """The ``metric, value`` lines of :func:`research.clean.takedown_files.clean_log_file`'s quality, counted by DuckDB."""
    con = log.con
    c = con.execute(
        """SELECT count(*), count(DISTINCT content_id), count(DISTINCT request_id), count(DISTINCT url_id), count(DISTINCT domain),
                  count(*) FILTER (is_ip),
                  count(*) FILTER (outcome = 'removed'), count(*) FILTER (outcome = 'online'), count(*) FILTER (outcome = 'pending'), count(*) FILTER (outcome = 'unknown'),
                  count(*) FILTER (outcome = 'removed' AND resolved_at IS NULL), count(*) FILTER (outcome <> 'removed' AND resolved_at IS NOT NULL),
                  count(*) FILTER (channel IS NULL), count(*) FILTER (country IS NULL), count(*) FILTER (hosting_provider IS NULL)
           FROM clean"""
    ).fetchall()[0]
    quarantined = con.execute("SELECT count(DISTINCT row_number) FROM quarantine").fetchall()[0][0]
    metrics: list[tuple[str, object]] = [
        ("rows_in", log.rows_in), ("rows_out", c[0]), ("rows_quarantined", quarantined), ("rows_balance_ok", log.rows_in == c[0] + quarantined),
        ("synthetic", log.synthetic), ("files", c[1]), ("requests", c[2]), ("urls", c[3]), ("domains", c[4]), ("ip_hosts", c[5]),
        *((f"outcome_{o}", n) for o, n in zip(URL_OUTCOMES, c[6:10])),
        ("removed_without_resolved_at", c[10]), ("resolved_at_but_not_removed", c[11]),
        ("channel_blank", c[12]), ("country_blank", c[13]), ("hosting_provider_blank", c[14]),
    ]
    reasons = con.sql('SELECT "column", reason, count(*) FROM quarantine GROUP BY ALL ORDER BY "column", reason').fetchall()
    metrics += [(f"quarantine: {column}: {reason}", n) for column, reason, n in reasons]
    metrics.append(("hmac_key", "demo (published, not secret)" if log.synthetic else "secret"))  # as clean_log_file adds
    return quality_lines(metrics)


def clean_table(log: DuckLog) -> pd.DataFrame:
    """Table ``clean`` as the default engine's DataFrame (same dtypes)."""
    return columnar.clean_frame(log.con.sql("SELECT * FROM clean ORDER BY row_number").to_arrow_table())


def quarantine_table(log: DuckLog) -> pd.DataFrame:
    """Table ``quarantine`` as the default engine's DataFrame (same dtypes, also when empty)."""
    table = log.con.sql('SELECT * FROM quarantine ORDER BY row_number, "column", reason').to_arrow_table()
    if not table.num_rows:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row_number" else "string") for c in QUARANTINE_COLUMNS})
    return pd.DataFrame({c: table.column(c).to_numpy(zero_copy_only=False) for c in QUARANTINE_COLUMNS}).astype({"row_number": "int64"})


def clean_log(path: str | os.PathLike[str], *, key: bytes, synthetic: bool = False, con: duckdb.DuckDBPyConnection | None = None, **options) -> tuple[DuckLog, CleanedLog]:
    """Read and clean a CSV log; the DuckDB tables and the default engine's :class:`CleanedLog`."""
    con = con or connect()
    log = clean(con, load_csv(con, path), key=key, synthetic=synthetic, **options)
    return log, CleanedLog(clean_table(log), quarantine_table(log), quality(log))


# ---------------------------------------------------------------------------------------------
# Funnel, URL status, co-hosting edges and domain rates on table ``clean``.


def _latest_per_file_url(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE latest_fu AS SELECT * FROM (
             SELECT *, row_number() OVER (PARTITION BY content_id, url_id
                 ORDER BY checked_at DESC NULLS FIRST, requested_at DESC NULLS FIRST, row_number DESC) AS k FROM clean) WHERE k = 1"""
    )


def funnel(con: duckdb.DuckDBPyConnection, groupings: tuple[str, ...] = GROUPINGS) -> pd.DataFrame:
    """:func:`research.takedowns.funnel.funnel_tables` on table ``clean``."""
    _latest_per_file_url(con)
    file_status = (
        "CASE WHEN bool_or(outcome = 'removed') AND NOT bool_or(outcome IN ('online', 'pending')) AND NOT bool_or(outcome = 'unknown') THEN 'fully_removed' "
        "WHEN bool_or(outcome = 'removed') AND bool_or(outcome IN ('online', 'pending')) THEN 'partly_removed' "
        "WHEN NOT bool_or(outcome = 'removed') AND bool_or(outcome IN ('online', 'pending')) THEN 'still_online' ELSE 'unknown' END"
    )
    frames = []
    for by in (None, *groupings):
        group = "'all'" if by is None else f"coalesce(CAST({by} AS VARCHAR), '{NOT_RECORDED}')"
        for unit, categories, rows in (
            ("file", FILE_STATUSES, f"SELECT g, {file_status} AS status FROM (SELECT {group} AS g, * FROM latest_fu) GROUP BY g, content_id"),
            ("url", URL_OUTCOMES, f"SELECT {group} AS g, outcome AS status FROM latest_fu"),
        ):
            con.execute(f"CREATE OR REPLACE TEMP TABLE statuses AS {rows}")
            listed = ", ".join(f"'{c}'" for c in categories)
            frames.append(con.sql(
                f"""SELECT '{by or "all"}' AS group_kind, groups.g AS "group", '{unit}' AS unit, cats.status, coalesce(n.n, 0) AS n, groups.total
                FROM (SELECT g, count(*) FILTER (status IN ({listed})) AS total FROM statuses GROUP BY g) groups
                CROSS JOIN (SELECT unnest([{listed}]) AS status) cats
                LEFT JOIN (SELECT g, status, count(*) AS n FROM statuses GROUP BY g, status) n ON n.g = groups.g AND n.status = cats.status
                ORDER BY group_kind, "group", status"""
            ).df())
    con.execute("DROP TABLE statuses")
    con.execute("DROP TABLE latest_fu")
    counts = pd.concat(frames, ignore_index=True).astype({"group_kind": str, "group": str, "unit": str, "status": str, "n": "int64", "total": "int64"})
    return with_intervals(counts)


def url_status(con: duckdb.DuckDBPyConnection) -> None:
    """:func:`research.networks.status.latest_url_status` as table ``status`` (one row per URL)."""
    recorded = lambda c: f"coalesce(nullif({_trim(c)}, ''), '{NOT_RECORDED}') AS {c}"  # noqa: E731
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE status AS
        SELECT url_id, content_id, lower({_trim('site')}) AS domain, outcome, lower({_trim('domain')}) AS icann_domain,
               {recorded('channel')}, {recorded('hosting_provider')}, {recorded('country')},
               CAST(asn AS VARCHAR) AS asn, requested_at, checked_at, resolved_at, synthetic, requests,
               outcome IN ('removed', 'online') AS decided, outcome = 'online' AS non_removed
        FROM (SELECT *, count(*) OVER (PARTITION BY url_id) AS requests,
                     row_number() OVER (PARTITION BY url_id ORDER BY checked_at DESC NULLS LAST, requested_at DESC NULLS LAST, row_number DESC) AS k
              FROM clean) WHERE k = 1 ORDER BY url_id"""
    )


def status_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return columnar.status_frame(con.sql("SELECT * FROM status ORDER BY url_id").to_arrow_table())


def co_hosting_edges(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """:func:`research.networks.bipartite.co_hosting_edges` of table ``status``: ``domain_a < domain_b, shared_content, co_hosting_weight``."""
    edges = con.sql(
        """WITH pairs AS (SELECT DISTINCT content_id, domain FROM status),
        k AS (SELECT content_id, count(*) AS sites FROM pairs GROUP BY content_id)
        SELECT a.domain AS domain_a, b.domain AS domain_b, count(*) AS shared_content, sum(1.0 / (k.sites - 1)) AS co_hosting_weight
        FROM pairs a JOIN pairs b ON a.content_id = b.content_id AND a.domain < b.domain JOIN k ON k.content_id = a.content_id
        GROUP BY ALL ORDER BY domain_a, domain_b"""
    ).to_arrow_table()
    return pd.DataFrame({"domain_a": edges.column(0).to_numpy(zero_copy_only=False).astype(object), "domain_b": edges.column(1).to_numpy(zero_copy_only=False).astype(object),
                         "shared_content": edges.column(2).to_numpy().astype(np.int64), "co_hosting_weight": edges.column(3).to_numpy().astype(np.float64)})


def domains(con: duckdb.DuckDBPyConnection) -> pd.Index:
    """Every domain of table ``status``, sorted (the incidence matrix's columns)."""
    return pd.Index(con.sql("SELECT DISTINCT domain FROM status ORDER BY domain").df()["domain"].astype(str), name="domain")


def node_counts(con: duckdb.DuckDBPyConnection, level: str = "domain") -> pd.DataFrame:
    """:func:`research.networks.rankings.node_counts` of table ``status``."""
    frame = con.sql(f"SELECT {level} AS node, count(*) AS urls, count(*) FILTER (decided) AS decided, count(*) FILTER (non_removed) AS non_removed FROM status GROUP BY 1 ORDER BY 1").df()
    return frame.astype({"node": str, "urls": "int64", "decided": "int64", "non_removed": "int64"})
