"""Prototype: clean + funnel + URL status + co-hosting edges as DuckDB SQL (out of core, multithreaded).

Measured against the default engine in ``benchmarks/results.md``; every output is tested equal to
the default engine's on the same log (``tests/scale/test_columnar_engines.py``). DuckDB reads the
CSV itself, in parallel, and spills to ``temp_directory`` beyond ``memory_limit``. The per-row work
is SQL: URL splitting, the HMAC-SHA256 pseudonym — ``sha256(opad ‖ unhex(sha256(ipad ‖ url)))``,
both on BLOBs, so every byte of key and message is hashed as is — timestamps, the quarantine
rules, the repeated-URL window, the latest check per file and per URL, the funnel counts and the
co-hosting self-join. Rules that need Python run once per distinct value through
:mod:`research.scale.columnar` (the default engine's own functions).

Limits of the prototype: UTF-8, comma-separated, documented column names (as the Dask reader),
every row as long as the header (the general reader's "too few fields" rule is not applied), ids
always pseudonymised (no ``--keep-ids``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from research.clean.outcomes import OUTCOME_DETAILS
from research.clean.takedown_schema import LOG_COLUMNS, REQUIRED_COLUMNS
from research.clean.takedowns import CleanedLog
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


def clean(con: duckdb.DuckDBPyConnection, rows_in: int, options: columnar.CleanOptions) -> DuckLog:
    """Clean table ``raw`` into tables ``clean`` and ``quarantine`` (the default engine's rules)."""
    ipad, opad = columnar.hmac_pads(options.key)
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
               'hmac:' || {_hmac('url')} AS url_hmac, url = '' AS url_blank
        FROM n""",
        params,
    )
    con.execute("DROP TABLE url_parts; DROP TABLE hosts; DROP TABLE odd_urls")
    # Low-cardinality columns: the default rules once per distinct raw value (null read as "").
    for name, build in columnar.value_lookups(options):
        _register(con, f"lk_{name}", build(_distinct(con, f"SELECT DISTINCT coalesce({name}, '') FROM raw ORDER BY 1")))
    for name in STAMPS:
        odd = _distinct(con, f"SELECT DISTINCT coalesce({name}, '') FROM raw WHERE NOT regexp_full_match(coalesce({name}, ''), {_sql_text(columnar.USUAL_TIMESTAMP)}) "
                             f"OR try_strptime({name}, '%Y-%m-%dT%H:%M:%SZ') IS NULL ORDER BY 1")
        _register(con, f"lk_{name}", columnar.timestamp_lookup(odd, options.timezone))
    stamp_columns = ",\n".join(
        f"coalesce(epoch_us(try_strptime(r.{s}, '%Y-%m-%dT%H:%M:%SZ')), l_{s}.micros) AS {s}_us, l_{s}.reason AS {s}_why" for s in STAMPS
    )
    stamp_joins = "\n".join(f"LEFT JOIN lk_{s} l_{s} ON l_{s}.value = coalesce(r.{s}, '')" for s in STAMPS)
    controls = ",\n".join(f"regexp_matches(coalesce(r.{c}, ''), {_sql_text(columnar.CONTROL)}) AS {c}_control" for c in LOG_COLUMNS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE parsed AS
        SELECT r.row_number, {_trim('r.request_id')} AS request_id, {_trim('r.content_id')} AS content_id,
               u.url_id, u.domain, u.site, u.is_ip, u.reason AS url_reason, u.url_hmac, u.url_blank,
               {stamp_columns},
               {controls},
               lo.category AS outcome, lo.detail AS outcome_detail, lo.is_blank AS outcome_blank, lo.is_unknown AS outcome_unknown,
               lc.category AS channel, lc.is_unknown AS channel_unknown,
               lp.hosting_provider, lp.reason AS provider_reason, lh.content_hash, lh.bad AS content_hash_bad,
               la.asn, la.bad AS asn_bad, ln.country, ln.bad AS country_bad
        FROM raw r JOIN urls u USING (row_number)
        {stamp_joins}
        LEFT JOIN lk_outcome lo ON lo.value = coalesce(r.outcome, '')
        LEFT JOIN lk_channel lc ON lc.value = coalesce(r.channel, '')
        LEFT JOIN lk_country ln ON ln.value = coalesce(r.country, '')
        LEFT JOIN lk_asn la ON la.value = coalesce(r.asn, '')
        LEFT JOIN lk_content_hash lh ON lh.value = coalesce(r.content_hash, '')
        LEFT JOIN lk_hosting_provider lp ON lp.value = coalesce(r.hosting_provider, '')""",
    )
    con.execute("DROP TABLE urls")
    earliest, latest = options.plausible_us()
    # (column, condition, shown, reason); shown NULL: the raw cell as the default engine shows it (shown_lookup).
    problems = [(c, f"p.{c}_control", "p.url_hmac" if c == "url" else "NULL", "'control character'") for c in LOG_COLUMNS]
    for c in ("request_id", "content_id"):
        problems += [(c, f"p.{c} = ''", "NULL", "'missing value'"), (c, f"regexp_matches(p.{c}, {_sql_text(columnar.SCIENTIFIC)})", "NULL", "'id mangled by a spreadsheet (scientific notation)'")]
    problems.append(("url", "p.url_reason IS NOT NULL", "CASE WHEN p.url_blank THEN '' ELSE p.url_hmac END", "'url ' || replace(p.url_reason, '_', ' ')"))
    for s in STAMPS:
        problems += [(s, f"p.{s}_why IS NOT NULL", "NULL", f"p.{s}_why"), (s, f"p.{s}_us < {earliest} OR p.{s}_us >= {latest}", "NULL", "'date before 1990 or in the future'")]
        if s != "resolved_at":
            problems.append((s, f"p.{s}_us IS NULL AND p.{s}_why IS NULL", "NULL", "'missing value'"))
    problems += [
        ("checked_at", "p.checked_at_us < p.requested_at_us", "NULL", "'checked before requested'"),
        ("resolved_at", "p.resolved_at_us < p.requested_at_us", "NULL", "'resolved before requested'"),
        ("outcome", "p.outcome_blank", "NULL", "'missing value'"),
        ("outcome", "p.outcome_unknown", "NULL", "'unknown outcome word'"),
        ("channel", "p.channel_unknown", "NULL", "'unknown channel word'"),
        ("country", "p.country_bad", "NULL", "'unknown country'"),
        ("asn", "p.asn_bad", "NULL", "'unreadable AS number'"),
        ("content_hash", "p.content_hash_bad", "NULL", "'not a PDQ hash (64 hex digits)'"),
        ("hosting_provider", "p.provider_reason IS NOT NULL", "NULL", "p.provider_reason"),
    ]
    union = "\nUNION ALL\n".join(
        f"SELECT p.row_number, '{c}' AS \"column\", r.{c} AS raw, {shown} AS shown, {why} AS reason FROM parsed p JOIN raw r USING (row_number) WHERE coalesce({cond}, false)"
        for c, cond, shown, why in problems
    )
    # One row per URL per request: of the rows of a (request, URL) pair, both known, the latest check is kept
    # (a missing checked_at counts as the earliest; the first row among equals); the others are repeats,
    # conflicting when their outcome differs from the kept row's.
    repeats = f"""SELECT row_number, 'url', NULL, url_id, CASE WHEN coalesce(outcome, '') = kept THEN {_sql_text(columnar.REPEAT)} ELSE {_sql_text(columnar.REPEAT_CONFLICT)} END FROM (
        SELECT row_number, url_id, outcome,
               row_number() OVER w AS k, first_value(coalesce(outcome, '')) OVER w AS kept
        FROM parsed WHERE url_reason IS NULL AND request_id <> ''
        WINDOW w AS (PARTITION BY request_id, url_id ORDER BY checked_at_us DESC NULLS LAST, row_number)) WHERE k > 1"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE lines AS {union} UNION ALL {repeats}")
    _register(con, "lk_shown", columnar.shown_lookup(_distinct(con, "SELECT DISTINCT coalesce(raw, '') FROM lines WHERE shown IS NULL ORDER BY 1")))
    con.execute(
        """CREATE OR REPLACE TEMP TABLE quarantine AS
        SELECT l.row_number, l."column", coalesce(l.shown, s.shown) AS value, l.reason
        FROM lines l LEFT JOIN lk_shown s ON l.shown IS NULL AND s.value = coalesce(l.raw, '')
        ORDER BY l.row_number, l."column", l.reason"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clean AS
        SELECT row_number, {_hmac("'request_id:' || request_id")} AS request_id, {_hmac("'content_id:' || content_id")} AS content_id,
               content_hash, url_id, domain, site, is_ip,
               {', '.join(f"make_timestamptz({s}_us) AS {s}" for s in STAMPS)},
               outcome, outcome_detail, channel, hosting_provider, asn, country, {'true' if options.synthetic else 'false'} AS synthetic
        FROM parsed ANTI JOIN (SELECT DISTINCT row_number FROM lines) q USING (row_number) ORDER BY row_number""",
        params,
    )
    con.execute("DROP TABLE parsed; DROP TABLE lines")
    for name in ("outcome", "channel", "country", "asn", "content_hash", "hosting_provider", "shown", *STAMPS):
        con.execute(f"DROP TABLE lk_{name}")
    return DuckLog(con, rows_in, options.synthetic)


def quality(log: DuckLog) -> pd.DataFrame:
    """The ``metric, value`` lines of :func:`research.clean.takedown_files.clean_log_file`'s quality, counted by DuckDB."""
    con = log.con
    c = con.execute(
        """SELECT count(*), count(DISTINCT content_id), count(DISTINCT request_id), count(DISTINCT url_id), count(DISTINCT domain),
                  count(*) FILTER (is_ip),
                  count(*) FILTER (outcome = 'removed'), count(*) FILTER (outcome = 'online'), count(*) FILTER (outcome = 'pending'), count(*) FILTER (outcome = 'unknown'),
                  count(*) FILTER (outcome = 'removed' AND resolved_at IS NULL), count(*) FILTER (outcome IS DISTINCT FROM 'removed' AND resolved_at IS NOT NULL),
                  count(*) FILTER (channel IS NULL), count(*) FILTER (country IS NULL), count(*) FILTER (hosting_provider IS NULL)
           FROM clean"""
    ).fetchall()[0]
    quarantined = con.execute("SELECT count(DISTINCT row_number) FROM quarantine").fetchall()[0][0]
    reasons = con.sql('SELECT "column", reason, count(*) FROM quarantine GROUP BY ALL ORDER BY "column", reason').fetchall()
    return columnar.quality_frame(log.rows_in, c[0], c[1:], reasons, quarantined, log.synthetic)


def clean_table(log: DuckLog) -> pd.DataFrame:
    """Table ``clean`` as the default engine's DataFrame (same dtypes)."""
    return columnar.clean_frame(log.con.sql("SELECT * FROM clean ORDER BY row_number").to_arrow_table())


def quarantine_table(log: DuckLog) -> pd.DataFrame:
    """Table ``quarantine`` as the default engine's DataFrame (same dtypes, also when empty)."""
    return columnar.quarantine_frame(log.con.sql('SELECT * FROM quarantine ORDER BY row_number, "column", reason').to_arrow_table())


def clean_log(path: str | os.PathLike[str], *, con: duckdb.DuckDBPyConnection | None = None, **options) -> tuple[DuckLog, CleanedLog]:
    """Read and clean a CSV log; the DuckDB tables and the default engine's :class:`CleanedLog`.

    ``options`` are those of :class:`research.scale.columnar.CleanOptions` (``key`` is required).
    """
    con = con or connect()
    log = clean(con, load_csv(con, path), columnar.CleanOptions(**options))
    return log, CleanedLog(clean_table(log), quarantine_table(log), quality(log))


# ---------------------------------------------------------------------------------------------
# Funnel, URL status, co-hosting edges and domain rates on table ``clean``.


def _latest_per_file_url(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE latest_fu AS SELECT * FROM (
             SELECT *, row_number() OVER (PARTITION BY content_id, url_id
                 ORDER BY checked_at DESC NULLS FIRST, requested_at DESC NULLS FIRST, row_number DESC) AS k FROM clean) WHERE k = 1"""
    )


def _group(by: str | None) -> str:
    return "'all'" if by is None else f"coalesce(CAST({by} AS VARCHAR), '{NOT_RECORDED}')"


def _long_counts(con: duckdb.DuckDBPyConnection, by: str | None, unit: str, categories: tuple[str, ...], rows: str) -> pd.DataFrame:
    """Counts per (group, status) of the rows ``g, status`` of query ``rows``: every category in every group (zeros kept)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE statuses AS {rows}")
    listed = ", ".join(f"'{c}'" for c in categories)
    return con.sql(
        f"""SELECT '{by or "all"}' AS group_kind, groups.g AS "group", '{unit}' AS unit, cats.status, coalesce(n.n, 0) AS n, groups.total
        FROM (SELECT g, count(*) FILTER (status IN ({listed})) AS total FROM statuses GROUP BY g) groups
        CROSS JOIN (SELECT unnest([{listed}]) AS status) cats
        LEFT JOIN (SELECT g, status, count(*) AS n FROM statuses GROUP BY g, status) n ON n.g = groups.g AND n.status = cats.status
        ORDER BY group_kind, "group", status"""
    ).df()


def _long_frame(con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame]) -> pd.DataFrame:
    con.execute("DROP TABLE statuses; DROP TABLE latest_fu")
    return pd.concat(frames, ignore_index=True).astype({"group_kind": str, "group": str, "unit": str, "status": str, "n": "int64", "total": "int64"})


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
        frames.append(_long_counts(con, by, "file", FILE_STATUSES, f"SELECT g, {file_status} AS status FROM (SELECT {_group(by)} AS g, * FROM latest_fu) GROUP BY g, content_id"))
        frames.append(_long_counts(con, by, "url", URL_OUTCOMES, f"SELECT {_group(by)} AS g, outcome AS status FROM latest_fu"))
    return with_intervals(_long_frame(con, frames))


def detail_funnel(con: duckdb.DuckDBPyConnection, groupings: tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`research.takedowns.funnel.detail_funnel` (URLs per ``outcome_detail``) on table ``clean``."""
    _latest_per_file_url(con)
    details = tuple(OUTCOME_DETAILS)
    counts = _long_frame(con, [_long_counts(con, by, "url", details, f"SELECT {_group(by)} AS g, outcome_detail AS status FROM latest_fu") for by in (None, *groupings)])
    counts.insert(counts.columns.get_loc("status") + 1, "outcome", counts["status"].map(OUTCOME_DETAILS))
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
