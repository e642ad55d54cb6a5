"""Helpers for trend tests: hand-made one-series counts tables."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_series(counts, exposure_days=None, first_year: int = 2015) -> pd.DataFrame:
    """A counts table of one series: calendar years from ``first_year``, or periods of the given days
    starting on 1 January of successive years."""
    n = len(counts)
    starts = pd.to_datetime([f"{first_year + i}-01-01" for i in range(n)])
    if exposure_days is None:
        ends = pd.to_datetime([f"{first_year + i}-12-31" for i in range(n)])
    else:
        ends = starts + pd.to_timedelta(np.asarray(exposure_days) - 1, unit="D")
    return pd.DataFrame(
        {
            "series_id": "TEST",
            "country": "KR",
            "indicator": "test cases",
            "unit": "count",
            "counted": "cases",
            "value_qualifier": "exact",
            "value": counts,
            "period_start": starts.strftime("%Y-%m-%d"),
            "period_end": ends.strftime("%Y-%m-%d"),
            "segment": 0,
            "publishers": "Test Agency",
            "source_ids": "T1",
            "flags": "",
        }
    )
