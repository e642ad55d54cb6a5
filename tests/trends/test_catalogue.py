"""The series catalogue: checked, one title per language, used for every title; stocks not rated."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.series_catalogue import CATALOGUE_COLUMNS, check_series_catalogue, read_series_catalogue, series_kind, series_title
from research.errors import SchemaError
from research.trends.analysis import analyse_counts, trends_table

from tests.trends.trend_helpers import make_series


@pytest.fixture(scope="module")
def catalogue(repo_paths) -> pd.DataFrame:
    return read_series_catalogue(repo_paths.raw / "series.csv")


def test_catalogue_lists_real_series_with_every_title(catalogue, repo_paths):
    figures = pd.read_csv(repo_paths.raw / "figures.csv", dtype=str)
    assert list(catalogue.columns) == CATALOGUE_COLUMNS
    assert set(catalogue["series_id"]) <= set(figures["series_id"])
    for lang in ("en", "id", "ja", "ko"):
        assert catalogue[f"title_{lang}"].str.strip().ne("").all()
    assert {"KR_KNPA_DEEPFAKE_CASES", "ncmec_cybertipline_total_reports"} <= set(catalogue["series_id"])
    assert series_kind(catalogue, "stopncii_industry_partners") == "stock"


def test_titles_by_language_and_fallback_to_the_id(catalogue):
    assert series_title(catalogue, "ncmec_cybertipline_total_reports", "en") == "Reports to NCMEC's CyberTipline"
    assert series_title(catalogue, "ncmec_cybertipline_total_reports", "ko").startswith("NCMEC")
    assert series_title(catalogue, "not_listed", "ja") == "not_listed"
    assert series_title(None, "x") == "x"


def test_bad_catalogue_rows_name_row_and_column():
    table = pd.DataFrame([["A", "a", "a", "a", "", "cases", "flow", "d", ""]], columns=CATALOGUE_COLUMNS)
    with pytest.raises(SchemaError, match="title_ko"):
        check_series_catalogue(table, file="series.csv")
    with pytest.raises(SchemaError, match="kind"):
        check_series_catalogue(table.assign(title_ko="a", kind="level"), file="series.csv")


def test_summaries_use_the_catalogue_title_and_stocks_are_not_rates():
    catalogue = pd.DataFrame([["TEST", "Plain test title", "Judul", "題", "제목", "cases", "flow", "d", ""],
                              ["STOCK", "Partner platforms", "Platform", "数", "수", "platforms", "stock", "d", ""]], columns=CATALOGUE_COLUMNS)
    rows = pd.concat([make_series([10, 20, 30, 40, 50]), make_series([5, 10, 15, 20]).assign(series_id="STOCK")], ignore_index=True)
    table = trends_table(analyse_counts(rows, catalogue=catalogue)).set_index("series_id")
    assert table.loc["TEST", "summary"].startswith("Plain test title")
    assert table.loc["TEST", "title"] == "Plain test title"
    assert table.loc["STOCK", "status"] == "not_modelled" and table.loc["STOCK", "reason_code"] == "stock"


def test_later_series_come_from_an_addition_file_and_series_csv_stays_as_published(repo_paths, tmp_path):
    """Raw files are immutable: series catalogued later are rows of a new file read with series.csv."""
    import shutil

    from research.clean.series_catalogue import SERIES_FILES, series_catalogue_files

    files = series_catalogue_files(repo_paths.raw / "series.csv")
    assert [f.name for f in files] == list(SERIES_FILES)
    both = read_series_catalogue(repo_paths.raw / "series.csv")
    assert {"KR_DSC_CENTER_DELETIONS", "JP_PAPS_SEXTORTION_CONSULTATIONS"} <= set(both["series_id"])
    original = pd.read_csv(repo_paths.raw / "series.csv", dtype=str)
    assert "KR_DSC_CENTER_DELETIONS" not in set(original["series_id"])
    # The same series in two files is refused, naming the later file and its row.
    shutil.copy(repo_paths.raw / "series.csv", tmp_path / "series.csv")
    original.head(1).to_csv(tmp_path / SERIES_FILES[1], index=False)
    with pytest.raises(SchemaError, match="already listed"):
        read_series_catalogue(tmp_path / "series.csv")
