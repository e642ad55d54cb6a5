"""The cleaning on the real figures.csv: the traps the README lists are handled, nothing is lost."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.counts import clean_counts_file

pytestmark = pytest.mark.slow  # cleans the whole real figures.csv


@pytest.fixture(scope="module")
def real(repo_paths):
    return clean_counts_file(repo_paths.figures_csv, repo_paths.raw / "definition_breaks.csv")


def test_rows_in_equal_used_plus_quarantined(real):
    assert real.rows_in == 1091
    assert real.rows_in == real.rows_used + len(real.quarantine)
    reported = real.counts[real.counts["derivation"] == "reported"]
    ids = [i for col in ("source_ids", "conflicting_source_ids") for cell in reported[col] for i in cell.split(";") if i]
    assert len(ids) == len(set(ids)) == real.rows_used  # each used row appears exactly once


def test_knpa_2024_year_to_date_differencing(real):
    c = real.counts
    pieces = c[(c["series_id"] == "KR_KNPA_DEEPFAKE_CASES") & (c["period_kind"] == "ytd_increment")]
    # Releases present: 297 (31 Jul), 445 (27 Aug), 513 (10 Sep), 812 (25 Sep), 921 (14 Oct),
    # 964 (25 Oct), 1,094 (30 Nov) and 1,202 for the year.
    assert pieces["value"].tolist() == [297, 148, 68, 299, 109, 43, 130, 108]
    assert pieces["value"].sum() == 1202


def test_paps_gap_in_quality(real):
    gaps = real.quality[real.quality["kind"] == "components_gap"]
    assert gaps["explanation"].str.contains("1,411 unaccounted").any()


def test_iwf_2020_conflict_listed(real):
    # Issue 11 item 6: the two tier-1 figures (153,350 and 153,600) are an unresolved disagreement,
    # not decided by figure id; the tier-2 figure (153,383) is still outranked.
    q = real.quality
    where = (q["series_id"] == "iwf_reports_confirmed_csam") & (q["period"] == "2020-01-01/2020-12-31")
    conflict, unresolved = q[where & (q["kind"] == "conflict")], q[where & (q["kind"] == "unresolved")]
    assert len(conflict) == 1 and len(unresolved) == 1
    assert "153,383" in conflict.iloc[0]["explanation"]
    assert all(v in unresolved.iloc[0]["explanation"] for v in ("153,350", "153,600"))
    assert "authoritative" not in unresolved.iloc[0]["explanation"]
    row = real.counts[(real.counts["series_id"] == "iwf_reports_confirmed_csam") & (real.counts["period_start"] == "2020-01-01")].iloc[0]
    assert row["unresolved_values"] == "153600=F0679" and "unresolved" in row["flags"]


def test_ncmec_2021_corroboration(real):
    c = real.counts
    row = c[(c["series_id"] == "ncmec_cybertipline_total_reports") & (c["period_start"] == "2021-01-01")].iloc[0]
    assert row["value"] == 29397681 and row["n_sources"] >= 3 and row["value_qualifier"] == "exact"
    assert "corroborated_rounded" in row["flags"]


def test_ncmec_2024_bundling_starts_a_segment(real):
    c = real.counts
    total = c[c["series_id"] == "ncmec_cybertipline_total_reports"].set_index("period_start")
    assert total.at["2023-01-01", "segment"] == 0 and total.at["2024-01-01", "segment"] == 1
    assert "B01" in total.at["2024-01-01", "break_ids"]


def test_listed_conflicts_and_misprints_are_caught(real):
    q = real.quality
    assert ((q["kind"] == "conflict") & (q["series_id"] == "JP_NPA_REVENGE_PORN_CONSULTATIONS")).any()
    assert ((q["kind"] == "conflict") & (q["series_id"] == "KR_KNPA_DEEPFAKE_SUSPECTS")).any()
    assert ((q["kind"] == "unresolved") & (q["series_id"] == "KR_KCSC_DEEPFAKE_CORRECTIVE")).any()  # same tier (issue 11)
    misprint = q[(q["kind"] == "suspected_misprint") & (q["series_id"] == "KR_DSC_CENTER_DELETIONS")]
    assert misprint["explanation"].str.contains("300,237").all() and len(misprint) == 1


def test_quarantined_rows_are_the_undated_periods(real):
    assert set(real.quarantine["column"]) == {"period_start"}
    assert len(real.quarantine) == 7


def test_countries_follow_the_documented_scheme(real):
    assert set(real.counts["country"]) >= {"KR", "JP", "WORLD", "GB", "EU"}
    assert "UK" not in set(real.counts["country"]) and "GLOBAL" not in set(real.counts["country"])


def test_every_series_has_one_provisional_latest_period(real):
    c = real.counts
    latest = c.groupby("series_id")["period_end"].transform("max")
    assert (c["flags"].str.contains("provisional") == (c["period_end"] == latest)).all()
