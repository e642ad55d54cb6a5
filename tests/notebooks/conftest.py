"""Small inputs for executing the notebooks quickly: a hand-made counts table."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture()
def small_counts(tmp_path):
    """Two count series of four calendar years each (the second doubles every year)."""
    rows = []
    for series_id, values in (("KR_SMALL_CASES", [100, 110, 125, 130]), ("JP_SMALL_REPORTS", [10, 20, 40, 80])):
        for year, value in zip(range(2020, 2024), values):
            rows.append(
                {
                    "series_id": series_id, "country": series_id[:2], "indicator": f"{series_id.lower()} reported", "unit": "count",
                    "counted": "cases", "value_qualifier": "exact", "value": float(value), "value_low": None, "value_high": None,
                    "period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "period_kind": "calendar_year",
                    "exposure_days": 366 if year % 4 == 0 else 365, "derivation": "reported", "source_ids": f"F{year}",
                    "publishers": "Test Agency", "n_sources": 1, "best_source_tier": 1, "flags": "", "break_ids": "", "segment": 0,
                }
            )
    path = tmp_path / "counts.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
