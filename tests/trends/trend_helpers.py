"""Helpers for trend tests: hand-made one-series counts tables."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_series(counts, exposure_days=None, first_year: int = 2015) -> pd.DataFrame:
    """A counts table of one series with calendar years (or given exposures) from ``first_year``."""
    n = len(counts)
    starts = pd.to_datetime([f"{first_year + i}-01-01" for i in range(n)])
    days = np.full(n, 365) if exposure_days is None else np.asarray(exposure_days)
    ends = starts + pd.to_timedelta(days - 1, unit="D")
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
