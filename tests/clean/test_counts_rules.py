"""Each cleaning rule on a small hand-made figures table whose answers can be checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.counts import clean_counts
from research.clean.figures_schema import FIGURE_COLUMNS
from research.errors import SchemaError


def figures(*rows: dict) -> pd.DataFrame:
    """A figures table: defaults for every column, overridden per row."""
    base = {"country": "KR", "publisher": "Agency", "indicator": "cases", "period_start": "2024-01-01",
            "period_end": "2024-12-31", "unit": "cases", "source_url": "https://example.org/a",
            "source_date": "2025-01-01", "source_domain": "example.org", "source_tier": "1"}
    table = [{**base, "figure_id": f"F{i:04d}", **row} for i, row in enumerate(rows, start=1)]
    return pd.DataFrame(table)[FIGURE_COLUMNS]


BREAKS = pd.DataFrame([
    {"break_id": "B1", "series_pattern": "S_*", "date": "2024-01-01", "kind": "definition", "marker": "",
     "what_changed": "bundling", "source_url": "https://example.org/b"},
])


def test_duplicates_across_outlets_merge_with_all_sources():
    result = clean_counts(figures({"series_id": "S", "value": "100", "source_tier": "3"},
                                  {"series_id": "S", "value": "100", "source_tier": "1", "publisher": "Other"}))
    row = result.counts.iloc[0]
    assert (len(result.counts), row["value"], row["source_ids"], row["n_sources"], row["best_source_tier"]) == (1, 100, "F0001;F0002", 2, 1)
    assert row["publishers"] == "Agency;Other"


def test_conflict_resolved_by_tier_and_listed():
    result = clean_counts(figures({"series_id": "S", "value": "178", "source_tier": "3"},
                                  {"series_id": "S", "value": "146", "source_tier": "4"}))
    row = result.counts.iloc[0]
    assert row["value"] == 178 and row["conflicting_source_ids"] == "F0002"
    assert "conflict_resolved" in row["flags"]
    conflict = result.quality[result.quality["kind"] == "conflict"]
    assert conflict["figure_ids"].tolist() == ["F0001;F0002"]


def test_same_tier_disagreement_is_unresolved_not_decided_by_figure_id():
    result = clean_counts(figures({"series_id": "S", "value": "146", "source_tier": "3"},
                                  {"series_id": "S", "value": "178", "source_tier": "3"}))
    row = result.counts.iloc[0]
    assert "unresolved" in row["flags"] and "conflict_resolved" not in row["flags"]
    kept, other = (146, "178=F0002") if row["value"] == 146 else (178, "146=F0001")
    assert row["value"] == kept and row["unresolved_values"] == other
    assert set(result.quality["kind"]) == {"unresolved"}
    assert "authoritative" not in result.quality["explanation"].iloc[0]


def test_differences_across_definitions_are_left_empty_and_reported():
    result = clean_counts(figures({"series_id": "S", "value": "781", "unit": "persons", "period_end": "2024-08-25"},
                                  {"series_id": "S", "value": "1384", "unit": "cases"}))
    derived = result.counts[result.counts["derivation"] == "ytd_difference"].set_index("period_start")
    assert derived.at["2024-01-01", "value"] == 781
    assert pd.isna(derived.at["2024-08-26", "value"]) and "definition_mismatch" in derived.at["2024-08-26", "flags"]
    assert (result.quality["kind"] == "difference_across_definitions").sum() == 1


def test_a_total_that_its_pieces_do_not_add_up_to_is_reported():
    result = clean_counts(figures({"series_id": "S", "value": "100", "period_end": "2024-06-30"},
                                  {"series_id": "S", "value": "120", "period_start": "2024-07-01"},
                                  {"series_id": "S", "value": "230"}))
    check = result.quality[result.quality["kind"] == "tiling_check"]
    assert len(check) == 1 and "220" in check.iloc[0]["explanation"] and "10 (4.3%)" in check.iloc[0]["explanation"]
    agree = clean_counts(figures({"series_id": "S", "value": "100", "period_end": "2024-06-30"},
                                 {"series_id": "S", "value": "120", "period_start": "2024-07-01"},
                                 {"series_id": "S", "value": "220"}))
    assert "tiling_check" not in set(agree.quality["kind"])


def test_rounded_figures_corroborate_the_exact_one():
    result = clean_counts(figures(
        {"series_id": "S", "value": "29300000", "unit": "reports", "source_tier": "3"},
        {"series_id": "S", "value": "29397681", "unit": "reports", "source_tier": "2"},
        {"series_id": "S", "value": "29000000", "unit": "reports", "source_tier": "1"},
    ))
    row = result.counts.iloc[0]
    assert row["value"] == 29397681 and row["n_sources"] == 3 and row["conflicting_source_ids"] == ""
    assert "corroborated_rounded" in row["flags"] and "conflict_resolved" not in row["flags"]


def test_approximate_lower_tier_does_not_beat_the_exact_value():
    result = clean_counts(figures({"series_id": "S", "value": "1202", "source_tier": "4"},
                                  {"series_id": "S", "value": "1200", "unit": "cases (approx.)", "source_tier": "3"}))
    row = result.counts.iloc[0]
    assert (row["value"], row["value_qualifier"], row["n_sources"]) == (1202, "exact", 2)


def test_bounds_are_never_exact_counts():
    alone = clean_counts(figures({"series_id": "S", "value": "18000000", "unit": "reports (over)"})).counts.iloc[0]
    assert (alone["value_qualifier"], alone["value_low"]) == ("lower_bound", 18000000)
    assert "bound" in alone["flags"]
    joined = clean_counts(figures({"series_id": "S", "value": "18000000", "unit": "reports (over)", "source_tier": "4"},
                                  {"series_id": "S", "value": "18462422", "unit": "reports", "source_tier": "2"})).counts.iloc[0]
    assert (joined["value"], joined["value_qualifier"], joined["n_sources"]) == (18462422, "exact", 2)
    broken = clean_counts(figures({"series_id": "S", "value": "100000", "unit": "notices (over)"},
                                  {"series_id": "S", "value": "75038", "unit": "notices", "source_tier": "2"}))
    assert broken.counts.iloc[0]["conflicting_source_ids"] == "F0001"
    assert "bound_conflict" in set(broken.quality["kind"])


def test_ranges_keep_bounds_and_no_point_value():
    row = clean_counts(figures({"series_id": "S", "value": "20-25", "unit": "percent"})).counts.iloc[0]
    assert pd.isna(row["value"]) and (row["value_low"], row["value_high"], row["value_qualifier"]) == (20, 25, "range")


def test_misprint_never_wins():
    result = clean_counts(figures({"series_id": "S", "value": "30237", "unit": "items (apparent typo)", "source_tier": "1"},
                                  {"series_id": "S", "value": "300237", "unit": "items", "source_tier": "3"}))
    assert result.counts.iloc[0]["value"] == 300237
    assert "suspected_misprint" in set(result.quality["kind"])


def test_year_to_date_releases_are_differenced():
    rows = [{"series_id": "K_YTD", "period_end": end, "value": value}
            for end, value in [("2024-07-31", "297"), ("2024-08-27", "445"), ("2024-09-25", "812")]]
    rows.append({"series_id": "K", "value": "1202"})
    counts = clean_counts(figures(*rows)).counts
    pieces = counts[counts["period_kind"] == "ytd_increment"]
    assert pieces["value"].tolist() == [297, 148, 367, 390]
    assert pieces["period_start"].tolist() == ["2024-01-01", "2024-08-01", "2024-08-28", "2024-09-26"]
    assert (pieces["series_id"] == "K").all() and (pieces["derivation"] == "ytd_difference").all()
    assert pieces["exposure_days"].sum() == 366


def test_falling_cumulative_is_flagged_and_left_empty():
    result = clean_counts(figures({"series_id": "D", "period_end": "2024-11-30", "value": "96052"},
                                  {"series_id": "D", "value": "95083"}))
    december = result.counts[(result.counts["period_kind"] == "ytd_increment") & (result.counts["period_start"] == "2024-12-01")].iloc[0]
    assert pd.isna(december["value"]) and "cumulative_fell" in december["flags"]
    assert "cumulative_fell" in set(result.quality["kind"])


def test_fiscal_and_partial_years_are_exact_periods():
    counts = clean_counts(figures(
        {"series_id": "J", "country": "JP", "period_start": "2023-04-01", "period_end": "2024-03-31", "value": "528"},
        {"series_id": "P", "period_start": "2018-04-30", "period_end": "2018-12-31", "value": "2379"},
    )).counts.set_index("series_id")
    assert (counts.at["J", "period_kind"], counts.at["J", "exposure_days"]) == ("fiscal_year_jp", 366)
    assert "fiscal_year" in counts.at["J", "flags"]
    assert counts.at["P", "exposure_days"] == 246 and "partial_period" in counts.at["P", "flags"]


def test_components_gap_is_flagged():
    period = {"period_start": "2019-04-01", "period_end": "2025-03-31", "unit": "files", "country": "JP"}
    result = clean_counts(figures(
        {"series_id": "JP_PAPS_REMOVAL_REQUESTS_TOTAL", "value": "99266", **period},
        {"series_id": "JP_PAPS_FILES_FULLY_REMOVED", "value": "59653", **period},
        {"series_id": "JP_PAPS_FILES_PARTLY_REMOVED", "value": "7577", **period},
        {"series_id": "JP_PAPS_FILES_STILL_ONLINE", "value": "30625", **period},
    ))
    gap = result.quality[result.quality["kind"] == "components_gap"]
    assert len(gap) == 1 and "1,411 unaccounted" in gap.iloc[0]["explanation"]
    total = result.counts.set_index("series_id").loc["JP_PAPS_REMOVAL_REQUESTS_TOTAL"]
    assert "components_gap" in total["flags"]


def test_breaks_mark_observations_and_split_segments():
    counts = clean_counts(figures(
        {"series_id": "S_A", "period_start": "2023-01-01", "period_end": "2023-12-31", "value": "10"},
        {"series_id": "S_A", "value": "5"},
        {"series_id": "T", "value": "7"},
    ), BREAKS).counts
    by_period = counts[counts["series_id"] == "S_A"].set_index("period_start")
    assert by_period.at["2023-01-01", "segment"] == 0 and by_period.at["2023-01-01", "break_ids"] == ""
    assert by_period.at["2024-01-01", "segment"] == 1 and by_period.at["2024-01-01", "break_ids"] == "B1"
    assert "definition_break" in by_period.at["2024-01-01", "flags"]
    assert counts.set_index("series_id").at["T", "break_ids"] == ""


def test_zero_is_not_missing_and_latest_is_provisional():
    counts = clean_counts(figures({"series_id": "Z", "period_start": "2023-01-01", "period_end": "2023-12-31", "value": "0"},
                                  {"series_id": "Z", "value": "4"})).counts
    assert counts["value"].tolist() == [0, 4]
    assert counts["flags"].tolist() == ["", "provisional"]


def test_bad_rows_are_quarantined_and_the_rest_processed():
    result = clean_counts(figures(
        {"series_id": "S", "value": "12"},
        {"series_id": "S", "period_start": "2024-13-01", "value": "1"},
        {"series_id": "S", "period_start": "2024-12-31", "period_end": "2024-01-01", "value": "1"},
        {"series_id": "S", "value": "twelve"},
        {"series_id": "S", "value": "3", "unit": "bananas"},
        {"series_id": "S", "period_start": "", "period_end": "", "value": "3"},
    ), file="mini.csv")
    quarantine = result.quarantine.set_index("figure_id")
    assert quarantine["column"].to_dict() == {"F0002": "period_start", "F0003": "period_end", "F0004": "value",
                                              "F0005": "unit", "F0006": "period_start"}
    assert quarantine.at["F0004", "reason"].startswith("file mini.csv, row 4, column 'value', value 'twelve'")
    assert result.rows_in == result.rows_used + len(result.quarantine) == 6
    assert result.counts["value"].tolist() == [12]


def test_missing_column_is_a_schema_error():
    with pytest.raises(SchemaError, match="unit"):
        clean_counts(figures({"series_id": "S", "value": "1"}).drop(columns=["unit"]), file="mini.csv")


def test_counts_since_an_intervention_are_a_linked_sub_series_differenced_within_itself():
    registry = pd.DataFrame([
        {"break_id": "B9", "series_pattern": "S*", "date": "2024-08-28", "kind": "intervention", "marker": "",
         "what_changed": "crackdown", "source_url": "https://example.org/b"},
    ])
    result = clean_counts(figures(
        {"series_id": "S", "value": "267", "period_end": "2024-08-27"},
        {"series_id": "S", "value": "682"},
        {"series_id": "S_CRACKDOWN", "value": "300", "period_start": "2024-08-28", "period_end": "2024-10-31"},
        {"series_id": "S_CRACKDOWN", "value": "500", "period_start": "2024-08-28", "period_end": "2025-03-31"},
    ), registry)
    link = result.quality[result.quality["kind"] == "sub_series"]
    assert link["series_id"].tolist() == ["S_CRACKDOWN"] and "a sub-series of S" in link.iloc[0]["explanation"]
    pieces = result.counts[(result.counts["derivation"] == "ytd_difference") & (result.counts["series_id"] == "S_CRACKDOWN")]
    assert pieces[["period_start", "period_end", "value"]].values.tolist() == [["2024-08-28", "2024-10-31", 300.0], ["2024-11-01", "2025-03-31", 200.0]]
    main = result.counts[(result.counts["derivation"] == "ytd_difference") & (result.counts["series_id"] == "S")]
    assert main["value"].tolist() == [267.0, 415.0]  # the main series is never differenced against the sub-series
