"""Fixtures for trend tests: a small counts table transcribed from data/raw/figures.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def small_counts() -> pd.DataFrame:
    """KNPA deepfake cases, NCMEC enticement and total reports (with the 2024 bundling break)."""
    return pd.read_csv(FIXTURES / "counts_small.csv")
