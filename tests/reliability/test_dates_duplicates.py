"""Issue 15 items 9–10: partial dates and clock-change times quarantined with the right reason;
the latest check of a repeated URL wins and the conflict is counted."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.takedown_fields import AMBIGUOUS, NONEXISTENT, PARTIAL, UNREADABLE, timestamp_reasons
from research.clean.takedown_files import clean_log_file
from research.clean.takedowns import DUPLICATE, DUPLICATE_CONFLICT

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome\n"


def _log(tmp_path, rows, mapping=None):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value, reason",
    [("2024", PARTIAL), ("2024-02", PARTIAL), ("2024/2", PARTIAL), ("2024年2月", PARTIAL), ("2024-03-10 02:30", NONEXISTENT),
     ("2024-11-03 01:30", AMBIGUOUS), ("31/02/2024", UNREADABLE), ("2024-02-29", None), ("2024-03-10T02:30:00-05:00", None)],
)
def test_timestamp_reasons(value, reason):
    parsed, reasons = timestamp_reasons(pd.Series([value], dtype="string"), "America/New_York")
    assert (None if pd.isna(reasons.iloc[0]) else reasons.iloc[0]) == reason
    assert pd.isna(parsed.iloc[0]) == (reason is not None)  # a partial date is never read as the 1st


def test_partial_and_clock_change_dates_are_quarantined_in_a_log(tmp_path, secret_key_file):
    mapping = tmp_path / "map.yml"
    mapping.write_text("timezone: America/New_York\n")
    path = _log(tmp_path, ["R1,F1,https://a-host.com/1,2024,2024-03-01,removed", "R2,F2,https://b-host.com/2,2024-03-10 02:30,2024-03-12,removed",
                           "R3,F3,https://c-host.com/3,2024-11-03 01:30,2024-11-05,online", "R4,F4,https://d-host.com/4,2024-02-01,2024-03-01,online"])
    result = clean_log_file(path, mapping=mapping, key_file=secret_key_file)
    reasons = {(r.row_number, r.reason) for r in result.quarantine.itertuples()}
    assert {(1, PARTIAL), (2, NONEXISTENT), (3, AMBIGUOUS)} <= reasons
    assert result.table["row_number"].tolist() == [4]


def test_an_unknown_time_zone_is_a_clear_error(tmp_path, secret_key_file):
    mapping = tmp_path / "map.yml"
    mapping.write_text("timezone: Mars/Olympus\n")
    path = _log(tmp_path, ["R1,F1,https://a-host.com/1,2024-01-01,2024-03-01,removed"])
    result = CliRunner().invoke(app, ["takedowns", "clean", str(path), "--out", str(tmp_path / "o"), "--mapping", str(mapping), "--key-file", str(secret_key_file)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "unknown time zone" in result.output


def test_the_latest_check_wins_and_the_conflict_is_counted(tmp_path, secret_key_file):
    path = _log(tmp_path, [
        "R1,F1,https://a-host.com/1,2024-01-01,2024-01-09,online",
        "R1,F1,https://a-host.com/1,2024-01-01,2024-02-20,removed",
        "R2,F2,https://b-host.com/2,2024-01-01,2024-02-20,removed",
        "R2,F2,https://b-host.com/2,2024-01-01,2024-01-09,removed",
    ])
    result = clean_log_file(path, key_file=secret_key_file)
    assert result.table["row_number"].tolist() == [2, 3]
    assert result.table["outcome"].tolist() == ["removed", "removed"]
    reasons = {(r.row_number, r.reason) for r in result.quarantine.itertuples()}
    assert reasons == {(1, DUPLICATE_CONFLICT), (4, DUPLICATE)}
    quality = result.quality.set_index("metric")["value"]
    assert quality["duplicates_conflicting"] == 1


def test_a_repeat_without_a_readable_check_does_not_displace_a_dated_one(tmp_path, secret_key_file):
    """An unreadable ``checked_at`` counts as the earliest check: the dated row of the pair is kept."""
    path = _log(tmp_path, [
        "R1,F1,https://a-host.com/1,2024-01-01,2024-01-02T25:00:00Z,online",
        "R1,F1,https://a-host.com/1,2024-01-01,2024-01-09,removed",
    ])
    result = clean_log_file(path, key_file=secret_key_file)
    assert result.table["row_number"].tolist() == [2]
    reasons = {(r.row_number, r.reason) for r in result.quarantine.itertuples()}
    assert reasons == {(1, "unreadable timestamp"), (1, DUPLICATE_CONFLICT)}
