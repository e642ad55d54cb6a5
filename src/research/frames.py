"""Small helpers over DataFrames that several layers share."""

from __future__ import annotations

import pandas as pd


def plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its Arrow-backed string columns as plain Python-object columns.

    The values are the same strings (and missing values stay missing). Code that selects many
    small groups of rows one after another is several times cheaper on object columns: an
    Arrow-backed column pays a conversion on every selection.
    """
    text = {column: object for column in frame.columns if isinstance(frame[column].dtype, pd.StringDtype)}
    return frame.astype(text) if text else frame
