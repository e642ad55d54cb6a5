"""Pick the observations a count model may use, and refuse series it may not.

One *series* here is one ``series_id`` × ``segment`` of the cleaned counts table: observations in
different segments are separated by a definition break and are never modelled together. Only rows
with ``unit == "count"`` and ``value_qualifier == "exact"`` are modelled; the rest are left alone
(they are not counts, or not exact enough to carry a Poisson likelihood).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.clean.periods import period_tiling
from research.errors import InputError
from research.i18n import message

#: Days in an average year: exposure and time are measured in these years.
DAYS_PER_YEAR = 365.25
#: Columns a counts table must have for trend work (see docs/CONTRACTS.md).
REQUIRED_COLUMNS = (
    "series_id",
    "unit",
    "value_qualifier",
    "value",
    "period_start",
    "period_end",
    "segment",
)


@dataclass
class SeriesRefused(InputError):
    """A series a count model may not use: ``key`` names the catalogue message, ``fields`` fill it.

    ``message`` is the English text (for logs and ``str()``); readers get
    ``message("trends", "refusal_" + key, lang, **fields)`` in their language.
    """

    key: str = ""
    fields: dict = field(default_factory=dict)

    def reason(self, lang: str = "en") -> str:
        """The reason in ``lang``, without the location."""
        return message("trends", f"refusal_{self.key}", lang, **self.fields)


def refuse(key: str, *, file: str | None = None, row: int | None = None, column: str | None = None, value: object = None, **fields: object) -> SeriesRefused:
    """A :class:`SeriesRefused` for catalogue message ``refusal_<key>``."""
    return SeriesRefused(message("trends", f"refusal_{key}", "en", **fields), file=file, row=row, column=column, value=value, key=key, fields=fields)


def check_columns(counts: pd.DataFrame, file: str | None = None) -> None:
    """Raise :class:`InputError` naming the first column the counts table lacks."""
    for column in REQUIRED_COLUMNS:
        if column not in counts.columns:
            raise InputError("counts table lacks a column that trend models need", file=file, column=column)


def modelable_rows(counts: pd.DataFrame) -> pd.Series:
    """Boolean mask of the rows a count model may use (exact counts only)."""
    return (counts["unit"] == "count") & (counts["value_qualifier"] == "exact")


def prepare_series(rows: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check one series × segment and add the columns a count model needs.

    Parameters
    ----------
    rows
        The rows of one ``series_id`` and ``segment``. A ``row_number`` column (1-based row in the
        input file) is used in error messages when present.
    file
        Name of the input file, for error messages.

    Returns
    -------
    pandas.DataFrame
        The rows sorted by period, with ``count`` (int), ``exposure_days``, ``exposure_years``
        (``exposure_days / 365.25``), ``t_mid`` (mid-period as decimal year) and ``partial``
        (period shorter than 360 days or flagged ``partial_period``).

    Raises
    ------
    SeriesRefused
        Mixed units or segments, a value that is missing, negative or not a whole number, a period
        that ends before it starts, overlapping periods, or fewer than two periods with a positive
        count (the slope of a log-linear model is then not estimable).
    """
    if rows.empty:
        raise refuse("no_rows", file=file, column="period_start")
    rows = rows.copy()
    if "row_number" not in rows.columns:
        rows["row_number"] = range(1, len(rows) + 1)
    series_id = rows["series_id"].iloc[0] if len(rows) else None
    for column in ("series_id", "segment", "unit"):
        values = sorted(rows[column].astype(str).unique())
        if len(values) > 1:
            raise refuse("mixed", file=file, column=column, value=series_id, column_name=column, values=", ".join(values))
    if rows["unit"].iloc[0] != "count" or (rows["value_qualifier"] != "exact").any():
        bad = rows.loc[(rows["unit"] != "count") | (rows["value_qualifier"] != "exact")].iloc[0]
        raise refuse("inexact", file=file, row=int(bad["row_number"]), column="unit", value=f"{bad['unit']}/{bad['value_qualifier']}")
    values = pd.to_numeric(rows["value"], errors="coerce")
    # Checked all at once (a per-row loop was a large share of the stage's time); the first bad row
    # in file order is reported, with the first problem it has.
    problems = [
        (values.isna().to_numpy(), "missing"),
        ((values < 0).to_numpy(), "negative"),
        ((values != values.round()).to_numpy() & values.notna().to_numpy(), "not_whole"),
    ]
    bad_any = np.logical_or.reduce([mask for mask, _ in problems])
    if bad_any.any():
        position = int(bad_any.nonzero()[0][0])
        text = next(text for mask, text in problems if mask[position])
        raise refuse(text, file=file, row=int(rows["row_number"].iloc[position]), column="value", value=rows["value"].iloc[position])
    rows["count"] = values.round().astype("int64")
    rows["period_start"] = pd.to_datetime(rows["period_start"], errors="coerce", format="ISO8601")
    rows["period_end"] = pd.to_datetime(rows["period_end"], errors="coerce", format="ISO8601")
    for column in ("period_start", "period_end"):
        missing = rows[column].isna()
        if missing.any():
            raise refuse("date_missing", file=file, row=int(rows.loc[missing, "row_number"].iloc[0]), column=column)
    backwards = rows["period_end"] < rows["period_start"]
    if backwards.any():
        bad = rows.loc[backwards].iloc[0]
        raise refuse("backwards", file=file, row=int(bad["row_number"]), column="period_end", value=bad["period_end"].date().isoformat())
    rows = rows.sort_values(["period_start", "period_end"], kind="mergesort").reset_index(drop=True)
    previous_end = rows["period_end"].shift()
    overlap = rows["period_start"] <= previous_end
    if overlap.any():
        i = int(overlap.to_numpy().nonzero()[0][0])
        raise refuse("overlap", file=file, row=int(rows["row_number"].iloc[i]), column="period_start", value=series_id, first=_span(rows.iloc[i - 1]), second=_span(rows.iloc[i]))
    rows["exposure_days"] = (rows["period_end"] - rows["period_start"]).dt.days + 1
    rows["exposure_years"] = rows["exposure_days"] / DAYS_PER_YEAR
    mid = rows["period_start"] + (rows["period_end"] - rows["period_start"]) / 2
    rows["t_mid"] = decimal_years(mid)
    flags = rows["flags"].fillna("").astype(str) if "flags" in rows.columns else pd.Series("", index=rows.index)
    rows["partial"] = (rows["exposure_days"] < 360) | flags.str.contains("partial_period")
    if len(rows) == 1:
        raise refuse("one_period", file=file, row=int(rows["row_number"].iloc[0]), column="value", value=series_id)
    positive_times = rows.loc[rows["count"] > 0, "t_mid"].nunique()
    if positive_times < 2:
        raise refuse("too_few_positive", file=file, column="value", value=series_id, n=len(rows), positive=positive_times)
    return rows


def set_aside_nested_periods(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into those kept and those whose period lies inside another row's period.

    Cleaning keeps both a year's total and its year-to-date increments (e.g. KNPA's 2024 total and
    the January–July, August… pieces). Modelling both would count the same cases twice, so the
    longer period is kept and the pieces inside it are set aside (and reported, never dropped
    silently). Periods that overlap without one containing the other are left for
    :func:`prepare_series` to refuse.
    """
    start = pd.to_datetime(rows["period_start"], errors="coerce", format="ISO8601").to_numpy()
    end = pd.to_datetime(rows["period_end"], errors="coerce", format="ISO8601").to_numpy()
    # contains[i, j]: row i's period contains row j's and is longer (all pairs at once).
    contains = (start[:, None] <= start[None, :]) & (end[:, None] >= end[None, :]) & ((start[:, None] < start[None, :]) | (end[:, None] > end[None, :]))
    inside = contains.any(axis=0)
    return rows.loc[~inside], rows.loc[inside]


def finest_periods(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose period contains no other row's period: the finest pieces reported.

    This is the other side of :func:`set_aside_nested_periods`: where a year total and its
    year-to-date increments both exist, the increments are kept and the total set aside, so that
    an event inside the year (e.g. a crackdown from 28 August) falls *between* periods. A piece
    reported twice for the same dates with the same value (a first year-to-date figure and the
    increment derived from it) is kept once. Pieces that still overlap are left for
    :func:`prepare_series` to refuse.
    """
    start = pd.to_datetime(rows["period_start"], errors="coerce", format="ISO8601").to_numpy()
    end = pd.to_datetime(rows["period_end"], errors="coerce", format="ISO8601").to_numpy()
    contains = (start[:, None] <= start[None, :]) & (end[:, None] >= end[None, :]) & ((start[:, None] < start[None, :]) | (end[:, None] > end[None, :]))
    atoms = rows.loc[~contains.any(axis=1)]
    return atoms.drop_duplicates(subset=["period_start", "period_end", "value"], keep="first")


def decimal_year(moment: pd.Timestamp) -> float:
    """A date as a decimal year (2021-07-02 → about 2021.5), counting the year's actual length."""
    start = pd.Timestamp(year=moment.year, month=1, day=1)
    end = pd.Timestamp(year=moment.year + 1, month=1, day=1)
    return moment.year + (moment - start) / (end - start)


def decimal_years(moments: pd.Series) -> pd.Series:
    """:func:`decimal_year` of a whole column at once."""
    index = moments.index
    moments = pd.to_datetime(moments).to_numpy(dtype="datetime64[ns]")
    start = moments.astype("datetime64[Y]")
    end = start + np.timedelta64(1, "Y")
    fraction = (moments - start.astype("datetime64[ns]")) / (end.astype("datetime64[ns]") - start.astype("datetime64[ns]"))
    return pd.Series(start.astype(int) + 1970 + fraction, index=index, dtype=float)


def _span(row: pd.Series) -> str:
    return f"{row['period_start'].date().isoformat()}–{row['period_end'].date().isoformat()}"


def tiled_periods(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit on disjoint fine pieces where they tile a longer period; keep the longer one otherwise.

    A row whose period is exactly covered, day for day and without overlap, by the finest pieces
    inside it (e.g. KNPA's 2024 total and the year-to-date increments derived from it) is set
    aside in favour of the pieces: an event inside the year then falls *between* periods, and no
    case is counted twice (cleaning compares the total with the pieces' sum in ``quality.csv``).
    Where the pieces cover only part of the longer period, the longer period is kept and the
    pieces set aside (as :func:`set_aside_nested_periods` does). The nesting is worked out by
    :func:`research.clean.periods.period_tiling`, the rule cleaning uses too.

    Returns
    -------
    used, set_aside
        The rows to model and the rows set aside (each with a ``set_aside_reason``).
    """
    if rows.empty:
        return rows, rows.assign(set_aside_reason=pd.Series(dtype=str))
    rows = rows.drop_duplicates(subset=["period_start", "period_end", "value"], keep="first")
    start = [d.date() for d in pd.to_datetime(rows["period_start"], format="ISO8601")]
    end = [d.date() for d in pd.to_datetime(rows["period_end"], format="ISO8601")]
    _, tiled, inside = period_tiling(start, end)
    keep = np.ones(len(rows), dtype=bool)
    reasons = [""] * len(rows)
    for i, pieces in tiled.items():
        keep[i] = False
        reasons[i] = f"tiled by {len(pieces)} disjoint pieces (kept as a consistency check)"
    for i, pieces in inside.items():
        for j in pieces:
            keep[j] = False
            reasons[j] = f"inside {rows['period_start'].iloc[i]}..{rows['period_end'].iloc[i]}, which the pieces do not tile"
    set_aside = rows.loc[~keep].assign(set_aside_reason=pd.Series([r for r, k in zip(reasons, keep) if not k], index=rows.index[~keep], dtype=object))
    return rows.loc[keep], set_aside


def straddling_breaks(rows: pd.DataFrame, registry: pd.DataFrame | None) -> pd.Series:
    """Per row, the dated definition break (not an intervention) whose date falls inside its period.

    Such a row counts partly under the old definition and partly under the new one: it belongs to
    neither segment and is left out of fits (an empty string means the row straddles none).
    """
    out = pd.Series("", index=rows.index, dtype=object)
    if registry is None or registry.empty or "break_ids" not in rows.columns:
        return out
    dated = registry.loc[(registry["kind"] != "intervention") & (registry["date"].astype(str) != "")]
    when = dict(zip(dated["break_id"], pd.to_datetime(dated["date"])))
    start = pd.to_datetime(rows["period_start"], errors="coerce", format="ISO8601")
    end = pd.to_datetime(rows["period_end"], errors="coerce", format="ISO8601")
    for index, cell, first, last in zip(rows.index, rows["break_ids"].fillna("").astype(str), start, end):
        hits = [b for b in (p.strip() for p in cell.split(";")) if b in when and first < when[b] <= last]
        out[index] = ";".join(sorted(hits))
    return out
