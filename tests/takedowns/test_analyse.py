"""`research takedowns analyse`: the two-channel audit (exact bounds, Fisher's p, both arms' curves),
a log without removal dates, and disclosure of a private log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app

from tests.takedowns.takedown_logs import cleaned

runner = CliRunner()


def _audit() -> pd.DataFrame:
    """25 copyright notices, all removed within 25 h; 25 NCII reports, none removed after 21 days."""
    rows = [(f"C{i}", f"c{i}", f"site{i % 5}.example", "removed", 0, 22, (i + 1) / 24, "copyright_notice") for i in range(25)]
    rows += [(f"N{i}", f"n{i}", f"site{i % 5}.example", "online", 0, 21 + i / 100, None, "platform_report") for i in range(25)]
    return cleaned(rows)


def _run(tmp_path, table: pd.DataFrame, *args: str) -> tuple[object, dict[str, pd.DataFrame]]:
    log = tmp_path / "takedowns.parquet"
    table.to_parquet(log)
    out = tmp_path / "analysis"
    result = runner.invoke(app, ["takedowns", "analyse", str(log), "--out", str(out), *args])
    tables = {p.stem: pd.read_csv(p) for p in out.glob("*.csv")}
    return result, tables


def test_two_channel_audit(tmp_path):
    result, tables = _run(tmp_path, _audit(), "--public")
    assert result.exit_code == 0, result.output
    assert {"funnel", "time_to_removal", "survival_curves", "group_tests", "reemergence"} <= set(tables)
    test = tables["group_tests"].set_index("test").loc["fisher_exact"]
    assert test["p_value"] == pytest.approx(1.58e-14, rel=0.01)
    funnel = tables["funnel"]
    removed = funnel[(funnel["group_kind"] == "channel") & (funnel["unit"] == "url") & (funnel["status"] == "removed")].set_index("group")
    assert removed.loc["copyright_notice", "share_low"] >= 0.8628 and removed.loc["platform_report", "share_high"] <= 0.1372
    assert set(removed["interval_method"]) == {"clopper_pearson"}
    curves = tables["survival_curves"]
    assert set(curves["group"]) == {"copyright_notice", "platform_report"}
    flat = curves[curves["group"] == "platform_report"]
    assert flat["survival"].eq(1.0).all() and flat["days"].max() == pytest.approx(21.24)  # cut at the last check
    assert flat["at_risk"].iloc[0] == 25
    assert curves[curves["group"] == "copyright_notice"]["days"].max() == pytest.approx(25 / 24)
    times = tables["time_to_removal"].query("model == 'nonparametric'").set_index("group")
    assert times.loc["copyright_notice", "method"] == "kaplan_meier" and times.loc["copyright_notice", "share_removal_dated"] == 1
    assert np.isnan(times.loc["platform_report", "median_days"])  # never reached: no median
    assert (tmp_path / "analysis" / "figures" / "time_to_removal.png").exists() or list((tmp_path / "analysis" / "figures").glob("time_to_removal*"))


def test_private_log_is_disclosure_controlled(tmp_path):
    result, tables = _run(tmp_path, _audit())
    assert result.exit_code == 0, result.output
    test = tables["group_tests"].set_index("test").loc["fisher_exact"]
    assert pd.isna(test["p_value"]) and test["successes_b"] == "<10"  # a zero cell: p withheld, count hidden
    curves = tables["survival_curves"]
    assert "removed" not in curves.columns  # no per-step counts to difference


def test_log_without_removal_dates_reports_no_kaplan_meier_median(tmp_path):
    rows = [(f"F{i}", f"u{i}", f"s{i % 4}.example", "removed" if i % 3 else "online", 0, 1 + i / 4, None, "police") for i in range(40)]
    result, tables = _run(tmp_path, cleaned(rows), "--public", "--by", "site")
    assert result.exit_code == 1 and "no column 'site'" in result.output
    result, tables = _run(tmp_path, cleaned(rows), "--public")
    assert result.exit_code == 0, result.output
    times = tables["time_to_removal"]
    assert "kaplan_meier" not in set(times["method"]) and set(times["method"]) == {"current_status"}
    assert (times["share_removal_dated"] == 0).all()


def test_bad_grouping_is_a_clear_error(tmp_path):
    result, _ = _run(tmp_path, _audit(), "--by", "planet")
    assert result.exit_code == 1 and "--by must be one of" in result.output


def test_outcome_words_reach_the_cleaned_log_and_the_detail_funnel(tmp_path, secret_key_file):
    """From the raw words to ``outcome_detail`` in takedowns.parquet and ``funnel_detail.csv``."""
    log = tmp_path / "log.csv"
    log.write_text(
        "request_id,content_id,url,requested_at,checked_at,outcome,channel\n"
        "r1,f1,https://a.example.com/1,2024-01-01,2024-02-01,拒否,レジストラ\n"
        "r1,f2,https://b.example.org/2,2024-01-01,2024-02-01,無回答,abuse desk\n"
        "r2,f3,https://c.example.net/3,2024-01-01,2024-02-01,delisted,search delisting\n"
        "r2,f4,https://d.example.jp/4,2024-01-01,2024-02-01,削除済み,通報\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["takedowns", "clean", str(log), "--out", str(tmp_path / "clean"), "--key-file", str(secret_key_file)])
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(tmp_path / "clean" / "takedowns.parquet")
    assert table["outcome"].tolist() == ["online", "online", "online", "removed"]
    assert table["outcome_detail"].tolist() == ["refused", "no_response", "delisted", "removed"]
    assert table["channel"].tolist() == ["registrar", "host_abuse_report", "search_delisting", "platform_report"]
    result, tables = _run(tmp_path, table, "--public")
    assert result.exit_code == 0, result.output
    detail = tables["funnel_detail"].query("group_kind == 'all'").set_index("status")
    assert detail.loc[["refused", "no_response", "delisted", "removed"], "n"].tolist() == [1, 1, 1, 1]


def test_numbers_at_risk_under_the_curves():
    from research.takedowns.survival import numbers_at_risk, removal_times

    table = numbers_at_risk(removal_times(_audit()), "channel", [0, 0.5, 2, 21.1, 30])
    # copyright: removals at 1/24 … 25/24 days; at day 0.5 (= 12/24) the 14 with times ≥ 12/24 are at risk
    assert table.loc["copyright_notice"].tolist() == [25, 14, 0, 0, 0]
    # the flat arm: all 25 at risk until their checks at 21.00–21.24 days (21.1: the 15 checked at 21.10 or later)
    assert table.loc["platform_report"].tolist() == [25, 25, 25, 15, 0]


def test_no_numbers_at_risk_without_dated_removals():
    from research.takedowns.survival import numbers_at_risk, removal_times

    rows = [(f"F{i}", f"u{i}", "s.example", "removed" if i % 2 else "online", 0, 3, None, "police") for i in range(20)]
    assert numbers_at_risk(removal_times(cleaned(rows)), "channel", [0, 1]).isna().all().all()


def test_km_figure_draws_with_numbers_at_risk(tmp_path):
    from research.plots.style import Credit
    from research.plots.takedowns import km_figure, risk_days
    from research.takedowns.survival import km_curves, numbers_at_risk, removal_times

    times = removal_times(_audit())
    at_risk = numbers_at_risk(times, "channel", risk_days())
    written = km_figure(km_curves(times, "channel"), tmp_path / "km", Credit(["test"], synthetic=True), at_risk=at_risk, min_count=10)
    svg = next(p for p in written if p.suffix == ".svg").read_text()
    assert "Number at risk" in svg and "&lt;10" not in svg  # 25 and 0 only: nothing under 10 to hide
    written = km_figure(km_curves(times, "channel"), tmp_path / "km2", Credit(["test"], synthetic=True), at_risk=at_risk - 20, min_count=10)
    assert "&lt;10" in next(p for p in written if p.suffix == ".svg").read_text()
