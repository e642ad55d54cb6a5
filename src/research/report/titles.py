"""Series titles in the reader's language, from the series catalogue ``data/raw/series.csv``.

The catalogue has one row per series with ``title_en``, ``title_id``, ``title_ja``, ``title_ko``.
Until a series is in it, callers fall back to their own title (the source's indicator wording).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_series_titles(path: Path) -> pd.DataFrame | None:
    """The catalogue's ``series_id`` and ``title_<lang>`` columns; ``None`` when there is no catalogue."""
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "series_id" not in table.columns:
        return None
    return table[["series_id", *[c for c in table.columns if c.startswith("title_")]]]


def series_title(titles: pd.DataFrame | None, series_id: str, lang: str) -> str:
    """The catalogue title of ``series_id`` in ``lang`` (English if that one is blank); ``""`` if absent."""
    if titles is None:
        return ""
    rows = titles[titles["series_id"] == series_id]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    for column in (f"title_{lang}", "title_en"):
        text = str(row.get(column, "") or "").strip()
        if text:
            return text
    return ""
