"""The series catalogue ``data/raw/series.csv``: one plain title per series, in four languages.

Columns: ``series_id, title_en, title_id, title_ja, title_ko, counted, kind, definition, notes``.
``kind`` is ``flow`` (a number counted per period) or ``stock`` (a level measured at a date, e.g.
partner platforms or a running total). Every title in figures, tables, summaries and the report is
read from here with :func:`series_title`; the source's own indicator wording stays in
``counts.csv``.

Raw files never change once published: a series catalogued later is a row of a new file beside
``series.csv``, listed in :data:`SERIES_FILES` (and in ``datapackage.json`` and ``SHA256SUMS``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from research.errors import SchemaError
from research.i18n import LANGUAGES

CATALOGUE_COLUMNS = ["series_id", "title_en", "title_id", "title_ja", "title_ko", "counted", "kind", "definition", "notes"]
KINDS = ("flow", "stock")
#: The catalogue's files in ``data/raw/``, oldest first: ``series.csv`` as first published, then the
#: additions published later (each a new file, so that no published raw file is edited).
SERIES_FILES = ("series.csv", "series_added_2026-12-01.csv")


def check_series_catalogue(table: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check columns, unique ids, kinds and that every title is written; return the table."""
    for column in CATALOGUE_COLUMNS:
        if column not in table.columns:
            raise SchemaError("series catalogue lacks a column", file=file, column=column)
    table = table.fillna("").astype(str)
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        if not row.series_id.strip():
            raise SchemaError("empty series_id", file=file, row=row_number, column="series_id", value=row.series_id)
        if row.kind not in KINDS:
            raise SchemaError(f"kind must be one of {', '.join(KINDS)}", file=file, row=row_number, column="kind", value=row.kind)
        for lang in LANGUAGES:
            if not getattr(row, f"title_{lang}").strip():
                raise SchemaError("every series needs a title in every language", file=file, row=row_number, column=f"title_{lang}", value="")
    duplicated = table["series_id"].duplicated()
    if duplicated.any():
        row_number = int(duplicated.to_numpy().nonzero()[0][0]) + 2
        raise SchemaError("series_id listed twice", file=file, row=row_number, column="series_id", value=table["series_id"][duplicated].iloc[0])
    return table


def series_catalogue_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path`` (``series.csv``) and the additions of :data:`SERIES_FILES` that stand beside it."""
    path = Path(path)
    return [path, *(p for p in (path.parent / name for name in SERIES_FILES[1:]) if p.is_file())]


def read_series_catalogue(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and check ``series.csv`` together with its later additions (:func:`series_catalogue_files`).

    Each file is checked on its own (errors name its rows); a series listed in two files is an error.
    """
    tables, seen = [], set()
    for file in series_catalogue_files(path):
        table = check_series_catalogue(pd.read_csv(file, dtype=str, keep_default_na=False), file=str(file))
        again = table["series_id"].isin(seen)
        if again.any():
            row_number = int(again.to_numpy().nonzero()[0][0]) + 2
            raise SchemaError("series_id already listed in an earlier catalogue file", file=str(file), row=row_number, column="series_id", value=table["series_id"][again].iloc[0])
        seen |= set(table["series_id"])
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def series_title(catalogue: pd.DataFrame | None, series_id: str, lang: str = "en") -> str:
    """The catalogue title of ``series_id`` in ``lang`` (English if that language has none).

    A series the catalogue does not list keeps its id as its title: a title is never made up
    from one row's indicator wording.
    """
    if catalogue is None or catalogue.empty:
        return series_id
    # Positions, not a filtered copy: the report asks for thousands of titles.
    hits = (catalogue["series_id"].to_numpy() == series_id).nonzero()[0]
    if not len(hits):
        return series_id
    column = f"title_{lang}" if f"title_{lang}" in catalogue.columns else "title_en"
    return str(catalogue[column].iat[hits[0]] or catalogue["title_en"].iat[hits[0]])


def series_kind(catalogue: pd.DataFrame | None, series_id: str) -> str:
    """``flow`` or ``stock`` (``flow`` when the catalogue does not list the series)."""
    if catalogue is None or catalogue.empty:
        return "flow"
    rows = catalogue.loc[catalogue["series_id"] == series_id, "kind"]
    return str(rows.iloc[0]) if len(rows) else "flow"
