"""The DuckDB and Polars prototypes give exactly the default engine's tables on the same log.

One messy hand-made log (every quarantine rule, unusual URLs and timestamps, words in other
languages, white space) and the generator's rows written as an ordinary log, both with a test key; every table is compared with
``assert_frame_equal`` (values and dtypes), so the files written from them are the same bytes.
"""

from __future__ import annotations

import hmac

import duckdb
import pandas as pd
import pytest

from research.clean.pseudonyms import DEMO_KEY, hmac_sha256_prefixes
from research.clean.takedown_files import clean_log_file
from research.networks.bipartite import co_hosting_edges, incidence_matrix
from research.networks.rankings import node_counts
from research.networks.status import latest_url_status
from research.scale import columnar, duckdb_engine, polars_engine
from research.takedowns.funnel import GROUPINGS, detail_funnel, funnel_tables
from research.takedowns.seeds import FILE_STATUSES
from research.takedowns.synth import synth_log

HEADER = "request_id,content_id,url,requested_at,checked_at,resolved_at,outcome,channel,hosting_provider,asn,country"
MESSY = [
    "r1,f1,https://www.a.com/x,2024-01-01,2024-01-05,2024-01-03,removed,police,HostA,AS64500,NL",
    "r1,f1,https://www.a.com/x,2024-01-01,2024-01-06,,online,police,HostA,AS64500,NL",  # repeat within r1
    "r2,f1,https://b.net/y,2024-01-02,2024-01-09,,online,legal_notice,HostB,,US",
    "r3,f2,not a url,2024-01-03,2024-01-04,,online,police,HostB,,US",
    ",f3,https://d.com/w,2024-01-03,2024-01-04,,removed,police,,,XX",
    "r4,f2,https://a.com/q,2024-01-04,2024-01-02,,pending,police,HostA,AS64500,NL",  # checked before requested
    " r5 ,f4,HTTP://WWW.Example.CO.JP:80/a/b/?utm_source=x&id=3#frag,2024-02-01T10:00:00+09:00,2024-02-03T00:00:00Z,,削除済み,送信防止措置依頼, Host D ,13335,Japan",
    "r5,f4,www.example.co.jp/a/b,2024/2/1,2024-02-03T00:00:00Z,,掲載中,通報,Host D,as13335,jp",
    "r5,f5,https://münchen.de/straße?q=ä,2024-02-01,2024-02-29T00:00:00Z,,Still-Online,DMCA,,,DEU",
    "r6,f5,https://192.168.0.1:8080/x%2fy,2024-02-01,2023-02-29T00:00:00Z,,removed,,,,",  # no 29 Feb 2023
    "r6,f6,mailto:someone@example.com,2024-02-01,2024-02-02,,removed,,,,",
    "r6,f6,,2024-02-01,2024-02-02,,removed,,,,",
    "r7,f6,https://example.com:99999/x,1989-12-31,2024-02-02,,removed,,,,",
    "r7,f7,https://localhost/x,2024-02-01,2099-02-02T00:00:00Z,,removed,,,,",
    "r7,f7,https://foo.example.com/?a=1&&b=2&,2024-02-01,2024-02-02,,whatever,carrier pigeon,,ASX,Atlantis",
    "r8,f7,https://Foo.Example.com/x/,not a date,2024-02-02T25:00:00Z,,removed,,,99999999999,",
    "r8,f8,https://foo.example.com/x,,2024-02-02,,,,,,",
    "r8,\u3000,https://bar.example.org/x,2024-02-01,2024-02-02,2024-02-01,online,,,,",
    "r9,f9,https://a..b.com/x,2024-02-01,2024-02-02,2024-01-01,removed,,,,",
    "r9,f9,https://xn--mnchen-3ya.de/x,2024-02-01T23:59:59Z,2024-02-02T00:00:60Z,,removed,,,,",
    "r9,f10,//cdn.example.net/img.png,2024-02-01T23:59:59Z,2024-02-02T00:00:59Z,,removed,copyright,,,gb",
    "r10,f10,https://[::1]/x,2024-02-01,2024-02-02,,removed,,,,",
    "r10,f11,https://www.a.com/x%e2%82%ac,2024-02-01,2024-02-02,,removed,,,,uk",
    'r10,f11,"https://www.a.com/x,y",2024-02-01,2024-02-02 10:00,,REMOVED,Police,,,NL',
    "r10,f12,https://www.a.com/Ä,2024-02-01,2024-02-02,,removed,,,,NL",
    "r11,f12,https://www.a.com/x?fbclid=1,2024-02-01,2024-02-02,,removed,,,,NL",
    "r11,f12,https://www.a.com/x,2024-02-01,2024-02-02,,removed,,,,NL",  # the same URL once normalised
    "r12,f13,https://sub.b.net/x,2024-02-01,2024-02-03,,online,,,,NL",
    "r12,f13,https://www.a.com/x,2024-02-01,2024-02-03,,removed,,,,NL",
    "r13,f13,https://c.org/k,2024-02-01,2024-02-03,,pending,,,,NL",
    "r13,f1,https://c.org/k,2024-02-01,2024-02-04,,online,,,,NL",
]
#: Rows for the rules of issue 15, with a content_hash (the other rows get none).
MESSY_MORE = [
    "r14,f14,https://c.org/m,2024-02,2024-02-04,,online,,,,NL,",  # partial date
    "r14,1.23E+15,https://c.org/n,2024-02-01,2024-02-04,,online,,,,NL,",  # id mangled by a spreadsheet
    "r15,f15,https://c.org/p,2024-02-01,2024-02-04,,online,,call +81 3 1234 5678,,NL,",  # phone number in free text
    "r15,f15,https://c.org/q,2024-02-01,2024-02-04,,online,,abuse@host.example,,NL,",  # e-mail address in free text
    "r15,f15\x07,https://c.org/r,2024-02-01,2024-02-04,,online,,,,NL,",  # control characters
    "r15,f16,https://c.org/\x1bs,2024-02-01,2024-02-04,,online,,Host\x1bE,,NL,",
    "r16,f16,https://c.org/z,2024-02-01,2024-02-03,,online,,,,NL," + "AB" * 32,  # conflicting repeat, the later kept
    "r16,f16,https://c.org/z,2024-02-01,2024-02-05,,removed,,,,NL," + "0f" * 32,
    "r16,f16,https://c.org/y,2024-02-01,2024-02-05,,removed,,,,NL,0f0f",  # not a PDQ hash
]


def _write_messy(folder):
    path = folder / "messy.csv"
    path.write_text(HEADER + ",content_hash\n" + "\n".join([r + "," for r in MESSY] + MESSY_MORE) + "\n", encoding="utf-8")
    return path


#: A test key: both logs are cleaned as real logs (a secret key, no synthetic marker needed).
KEY = b"columnar-engines test key, 32 bytes or more"


@pytest.fixture(scope="module", params=["messy", "generated"])
def log(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("columnar")
    key_file = folder / "hmac.key"
    key_file.write_bytes(KEY)
    if request.param == "messy":
        path = _write_messy(folder)
    else:  # the generator's rows, written without its synthetic column: cleaned as an ordinary log
        path = folder / "generated.csv"
        synth_log(dict(zip(FILE_STATUSES, [300, 60, 120, 20])), seed=5).drop(columns="synthetic").to_csv(path, index=False)
    return path, clean_log_file(path, key_file=key_file)


def _default_network(table: pd.DataFrame) -> dict[str, object]:
    status = latest_url_status(table)
    incidence = incidence_matrix(status)
    return {"funnel": funnel_tables(table), "funnel_detail": detail_funnel(table, GROUPINGS), "status": status, "edges": co_hosting_edges(incidence), "domains": incidence.domains, "counts": node_counts(status, "domain")}


def _assert_same(got: dict[str, object], expected: dict[str, object]) -> None:
    for name, value in expected.items():
        if isinstance(value, pd.Index):
            pd.testing.assert_index_equal(got[name], value)
        else:
            pd.testing.assert_frame_equal(got[name], value, obj=name)


def test_duckdb_engine_equals_default_engine(log):
    path, default = log
    tables, cleaned = duckdb_engine.clean_log(path, key=KEY)
    pd.testing.assert_frame_equal(cleaned.table, default.table)
    pd.testing.assert_frame_equal(cleaned.quarantine, default.quarantine)
    pd.testing.assert_frame_equal(cleaned.quality, default.quality)
    con = tables.con
    got = {"funnel": duckdb_engine.funnel(con), "funnel_detail": duckdb_engine.detail_funnel(con, GROUPINGS)}
    duckdb_engine.url_status(con)
    got.update(status=duckdb_engine.status_table(con), edges=duckdb_engine.co_hosting_edges(con), domains=duckdb_engine.domains(con), counts=duckdb_engine.node_counts(con))
    _assert_same(got, _default_network(default.table))


def test_polars_engine_equals_default_engine(log):
    path, default = log
    frame, cleaned = polars_engine.clean_log(path, key=KEY)
    pd.testing.assert_frame_equal(cleaned.table, default.table)
    pd.testing.assert_frame_equal(cleaned.quarantine, default.quarantine)
    pd.testing.assert_frame_equal(cleaned.quality, default.quality)
    status = polars_engine.url_status(frame)
    got = {"funnel": polars_engine.funnel(frame), "funnel_detail": polars_engine.detail_funnel(frame, GROUPINGS), "status": polars_engine.status_table(status), "edges": polars_engine.co_hosting_edges(status),
           "domains": polars_engine.domains(status), "counts": polars_engine.node_counts(status)}
    _assert_same(got, _default_network(default.table))


def test_messy_log_exercises_the_rules(tmp_path):
    """The comparison above means something: the messy log trips every kind of quarantine rule."""
    (tmp_path / "hmac.key").write_bytes(KEY)
    default = clean_log_file(_write_messy(tmp_path), key_file=tmp_path / "hmac.key")
    reasons = set(default.quarantine["reason"])
    assert {"missing value", "duplicate URL within request", "checked before requested", "unreadable timestamp", "unknown country",
            "url not http", "url bad port", "date before 1990 or in the future", "unknown outcome word", "unreadable AS number",
            "control character", "id mangled by a spreadsheet (scientific notation)", "phone number in free text", "e-mail address in free text",
            "partial date (year or month only): not guessed", "not a PDQ hash (64 hex digits)",
            "duplicate URL within request, other outcome (the latest check is kept)"} <= reasons
    assert default.table["content_hash"].notna().sum() == 1
    assert len(default.table) >= 10


@pytest.mark.parametrize("key", [DEMO_KEY, b"0123456789abcdef", "schlüssel-ключ-鍵-0123456789".encode(), bytes(range(256))])
def test_hmac_composed_from_duckdb_sha256_on_bytes(key):
    """HMAC from DuckDB's sha256 on BLOBs equals Python's ``hmac`` for any key bytes (long keys hashed first)."""
    messages = ["https://example.com/a", "https://例え.jp/ü?x=1", "", "a\x00b", "x" * 300]
    ipad, opad = columnar.hmac_pads(key)
    con = duckdb.connect()
    con.execute("CREATE TABLE m AS SELECT unnest(?::VARCHAR[]) AS u", [messages])
    got = con.execute("SELECT u, sha256(?::BLOB || unhex(sha256(?::BLOB || encode(u)))) FROM m", [opad, ipad]).fetchall()
    expected = {m: hmac.new(key, m.encode(), "sha256").hexdigest() for m in messages}
    assert dict(got) == expected
    assert [h[:16] for _, h in sorted(got)] == [bytes(p).hex() for p in hmac_sha256_prefixes([m.encode() for m in sorted(messages)], key)]
