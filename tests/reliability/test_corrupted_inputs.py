"""Corrupted-input suite: each kind of damage, applied to a valid figures file and a valid takedown log.

Every case either reads correctly, or raises a toolkit error naming the file (and row/column/value
where there is one), or quarantines the damaged rows with a reason — and in every case that reads,
rows in the file = rows out + rows quarantined. The tables below say which behaviour each case
must have, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import TEST_SECRET_KEY
from tests.reliability import damage as d
from research.clean.counts import clean_counts_file
from research.clean.takedown_files import clean_log_file
from research.errors import InputError, ResearchError, SchemaError

FIGURES_HEADER = [
    "figure_id", "series_id", "country", "publisher", "indicator", "period_start", "period_end",
    "value", "unit", "source_url", "source_date", "source_domain", "source_tier",
]
SRC = "https://www.police.example.kr/stats/2024"
FIGURES_ROWS = [
    ["F1", "KR_TEST_CASES", "KR", "Korean National Police Agency", "{local}", "2021-01-01", "2021-12-31", "156", "cases", SRC, "2022-01-10", "police.example.kr", "1"],
    ["F2", "KR_TEST_CASES", "KR", "Korean National Police Agency", "{local}", "2022-01-01", "2022-12-31", "160", "cases", SRC, "2023-01-10", "police.example.kr", "1"],
    ["F3", "KR_TEST_CASES", "KR", "Korean National Police Agency", "{local}", "2023-01-01", "2023-12-31", "180", "cases", SRC, "2024-01-10", "police.example.kr", "1"],
    ["F4", "JP_TEST_REPORTS", "JP", "National Police Agency", "Reports", "2023-01-01", "2023-12-31", "1202", "reports", SRC, "2024-02-01", "police.example.kr", "1"],
]
LOG_HEADER = ["request_id", "content_id", "url", "requested_at", "checked_at", "outcome", "channel", "hosting_provider"]
LOG_ROWS = [
    ["R1", "C1", "https://www.site-a.com/v/1?utm_source=x", "2024-01-02", "2024-01-09", "removed", "platform_report", "{local}"],
    ["R1", "C1", "https://mirror.co.jp/a/2", "2024-01-02", "2024-01-09", "削除済み", "legal_notice", "Host A"],
    ["R2", "C2", "https://site-b.net/watch/3", "2024-02-01", "2024-02-03", "삭제됨", "police", "Host B"],
    ["R3", "C3", "http://site-c.org/p/4", "2024-03-01", "2024-03-15", "masih tayang", "copyright_notice", "Host C"],
    ["R3", "C3", "https://site-d.io/p/5", "2024-03-01", "2024-03-15", "online", "platform_report", "Host D"],
]
LOCAL_TEXT = {
    "utf-8": "딥페이크 성범죄 — ディープフェイク — Café",
    "cp932": "ディープフェイク事件",
    "euc-kr": "딥페이크 성범죄",
    "cp1252": "Café façade — naïve",
}


#: Outcome words a legacy encoding cannot hold are written in English in that file instead.
ENGLISH_OUTCOME = {"削除済み": "removed", "삭제됨": "removed"}


def _fits(text: str, local: str) -> bool:
    try:
        text.encode(local)
    except UnicodeEncodeError:
        return False
    return True


def table(kind: str, local: str) -> d.Table:
    header, rows = (FIGURES_HEADER, FIGURES_ROWS) if kind == "figures" else (LOG_HEADER, LOG_ROWS)
    filled = [[c.replace("{local}", LOCAL_TEXT[local]) for c in r] for r in rows]
    return header, [[c if _fits(c, local) else ENGLISH_OUTCOME.get(c, c) for c in r] for r in filled]


@dataclass(frozen=True)
class Case:
    """One damage and the behaviour required of a reader."""

    name: str
    apply: object  # Table -> Damaged
    expect: str  # "reads", "quarantines", "either" (read correctly or quarantined) or "error"
    local: str = "utf-8"  # which LOCAL_TEXT the table carries (what the encoding can hold)
    error: type[ResearchError] = InputError
    error_column: str | None = None
    quarantined_rows: int = 0  # at least this many rows quarantined
    reason: str = ""  # word expected in a quarantine reason
    check: object = None  # optional extra check on the result
    why: str = ""
    extra: dict = field(default_factory=dict)


def _indicator_is(text):
    def check(result, kind):
        if kind == "figures":
            assert text in set(result.counts["indicator"])
        else:
            assert text in set(result.table["hosting_provider"].dropna())

    return check


ENCODINGS = [
    Case("shift_jis", d.encoded("cp932"), "reads", local="cp932", check=_indicator_is(LOCAL_TEXT["cp932"]), why="Japanese Excel saves CSV as Shift-JIS"),
    Case("euc_kr", d.encoded("euc-kr"), "reads", local="euc-kr", check=_indicator_is(LOCAL_TEXT["euc-kr"]), why="Korean portals export EUC-KR/CP949"),
    Case("cp1252", d.encoded("cp1252"), "reads", local="cp1252", check=_indicator_is(LOCAL_TEXT["cp1252"]), why="Western European Windows"),
    Case("utf8_bom", d.encoded("utf-8", b"\xef\xbb\xbf"), "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="Excel 'CSV UTF-8' adds a BOM"),
    Case("utf16_bom", d.encoded("utf-16"), "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="Excel 'Unicode text'"),
    Case("crlf", d.crlf, "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="Windows line ends"),
    Case("semicolon", d.delimiter(";"), "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="European Excel uses ';'"),
    Case("tab", d.delimiter("\t"), "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="copied from a spreadsheet"),
    Case("padded_cells", d.padded_cells, "reads", check=_indicator_is(LOCAL_TEXT["utf-8"]), why="spaces around values and names"),
    Case("blank_line_inside", d.blank_line_inside, "reads", why="a blank line is not a row"),
    Case("empty_file", d.empty_file, "error", why="nothing to read: say so"),
    Case("header_only", d.header_only, "reads", why="no rows is a valid, empty result"),
    Case("extra_column", d.extra_column, "reads", why="unknown columns are ignored"),
    Case("duplicated_column", None, "error", error=SchemaError, why="two columns of one name: which one is meant?"),
    Case("unclosed_quote", d.unclosed_quote, "error", why="a quote left open swallows the rest of the file"),
    Case("truncated_last_line", d.truncated_last_line, "quarantines", quarantined_rows=1, why="an export cut mid-row"),
]


def figures_cases() -> list[Case]:
    cases = [
        Case("embedded_delimiters", d.embedded_delimiters("indicator"), "reads", why="quoted commas, quotes and newlines"),
        Case("missing_column", d.missing_column("value"), "error", error=SchemaError, error_column="value"),
        Case("renamed_column", d.renamed_column("period_start", "Period start"), "error", error=SchemaError, error_column="period_start"),
        Case("duplicate_rows", d.duplicate_rows, "quarantines", quarantined_rows=1, reason="F1", why="a repeated figure_id"),
        Case("mixed_date_formats", d.cells([(0, "period_start", "2021/01/01"), (1, "period_start", "01.01.2022"), (2, "period_start", "2023年1月1日")]), "either", why="each either read as the same day or quarantined"),
        Case("future_date", d.cell(0, "period_end", "2099-12-31"), "quarantines", quarantined_rows=1, why="a period ending after today is a typo"),
        Case("date_before_1990", d.cell(0, "period_start", "1985-01-01"), "quarantines", quarantined_rows=1, why="no digital sex crime series starts before 1990"),
        Case("excel_serial_date", d.cell(0, "period_start", "44197"), "quarantines", quarantined_rows=1, why="Excel serial numbers are not dates without a base"),
        Case("wrong_locale_thousands", d.cell(3, "value", "1.202"), "quarantines", quarantined_rows=1, why="ambiguous decimal/thousands: never guess"),
        Case("negative_count", d.cell(0, "value", "-156"), "quarantines", quarantined_rows=1, why="a count cannot be negative"),
        Case("absurd_count", d.cell(0, "value", "1e15"), "quarantines", quarantined_rows=1, why="more cases than people on earth"),
        Case("na_markers", d.cells([(0, "value", "n/a"), (1, "value", "-"), (2, "value", "NaN")]), "quarantines", quarantined_rows=3, why="missing is not zero"),
    ]
    return [c if c.apply else Case(c.name, d.duplicated_column("value"), c.expect, error=c.error, why=c.why) for c in ENCODINGS] + cases


def log_cases() -> list[Case]:
    cases = [
        Case("embedded_delimiters", d.embedded_delimiters("hosting_provider"), "reads"),
        Case("missing_column", d.missing_column("outcome"), "error", error=SchemaError, error_column="outcome"),
        Case("renamed_column", d.renamed_column("requested_at", "Requested"), "error", error=SchemaError, error_column="requested_at"),
        Case("duplicate_rows", d.duplicate_rows, "quarantines", quarantined_rows=1, reason="duplicate", why="the same URL twice in one request"),
        Case("mixed_date_formats", d.cells([(0, "requested_at", "2024/01/02"), (1, "requested_at", "02.01.2024"), (2, "requested_at", "2024年2月1日")]), "either", why="read as the same day or quarantined, never guessed day-first"),
        Case("future_date", d.cell(0, "checked_at", "2099-01-09"), "quarantines", quarantined_rows=1, reason="future"),
        Case("date_before_1990", d.cell(0, "requested_at", "1985-01-02"), "quarantines", quarantined_rows=1, why="before the web"),
        Case("excel_serial_date", d.cell(0, "requested_at", "45293"), "quarantines", quarantined_rows=1),
        Case("na_markers", d.cells([(0, "outcome", "n/a"), (1, "outcome", "-"), (2, "outcome", "NaN")]), "quarantines", quarantined_rows=3),
        Case("malformed_url", d.cells([(0, "url", "htp:/broken"), (1, "url", "not a url")]), "quarantines", quarantined_rows=2, reason="url"),
        Case("non_http_url", d.cells([(0, "url", "ftp://site-a.com/x"), (1, "url", "mailto:someone@site-a.com"), (2, "url", "javascript:alert(1)")]), "quarantines", quarantined_rows=3, reason="url"),
        Case("idn_host", d.cells([(0, "url", "https://例え.jp/動画/1"), (1, "url", "https://한국.kr/a")]), "reads", check=lambda r, k: {"xn--r8jz45g.jp", "xn--3e0b707e.kr"} <= set(r.table["domain"])),
        Case("unknown_outcome_word", d.cell(0, "outcome", "maybe gone"), "quarantines", quarantined_rows=1, reason="outcome"),
        Case("negative_and_absurd_asn", d.cells([(0, "hosting_provider", "-1"), (1, "hosting_provider", "9" * 30)]), "reads", why="provider names are free text"),
    ]
    return [c if c.apply else Case(c.name, d.duplicated_column("url"), c.expect, error=c.error, why=c.why) for c in ENCODINGS] + cases


def _read(kind: str, path):
    if kind == "figures":
        result = clean_counts_file(path)
        return result, result.rows_used, len(result.quarantine)
    key_file = path.parent / "hmac.key"  # a hand-made log is real: cleaned with a secret key
    key_file.write_text(TEST_SECRET_KEY, encoding="utf-8")
    key_file.chmod(0o600)
    result = clean_log_file(path, key_file=key_file)
    return result, len(result.table), int(result.quarantine["row_number"].nunique())


def _quarantine(result, kind):
    return result.quarantine


def _run(kind: str, case: Case, tmp_path):
    damaged = case.apply(table(kind, case.local))
    path = tmp_path / f"{kind}-{case.name}.csv"
    path.write_bytes(damaged.data)
    if case.expect == "error":
        with pytest.raises(case.error) as caught:
            _read(kind, path)
        assert caught.value.file and path.name in str(caught.value.file), f"error does not name the file: {caught.value}"
        if case.error_column:
            assert caught.value.column == case.error_column
        return
    result, rows_out, rows_quarantined = _read(kind, path)
    assert rows_out + rows_quarantined == damaged.rows, f"rows in {damaged.rows} ≠ out {rows_out} + quarantined {rows_quarantined}"
    quarantine = _quarantine(result, kind)
    if case.expect in ("quarantines", "either") and rows_quarantined:
        assert quarantine["reason"].astype(str).str.len().gt(0).all()
    if case.expect == "quarantines":
        assert rows_quarantined >= case.quarantined_rows
        reasons = " ".join(quarantine["reason"].astype(str)) + " " + " ".join(quarantine["column"].astype(str))
        assert case.reason.lower() in reasons.lower()
        assert quarantine["reason"].astype(str).str.len().gt(0).all()
    elif case.expect == "reads":
        assert rows_quarantined == 0, quarantine.to_dict("records")
    if case.check:
        case.check(result, kind)


@pytest.mark.parametrize("case", figures_cases(), ids=lambda c: c.name)
def test_figures_file_damage(case, tmp_path):
    _run("figures", case, tmp_path)


@pytest.mark.parametrize("case", log_cases(), ids=lambda c: c.name)
def test_takedown_log_damage(case, tmp_path):
    _run("log", case, tmp_path)


def test_the_suite_covers_at_least_25_kinds_of_damage():
    kinds = {c.name for c in figures_cases()} | {c.name for c in log_cases()}
    assert len(kinds) >= 25
