"""Fits run both ways where sources of the same tier disagree: the sensitivity table.

Cleaning does not decide between two sources of the same tier (``unresolved`` in
``quality.csv``): the row carries one value and ``unresolved_values`` the others
(``value=figure_id[,figure_id];…``). Here every series × segment with such a row is fitted again
with the other values, and ``trend_sensitivity.csv`` puts the fits side by side: variant ``kept``
(the table's values, as in ``trends.csv``) and ``alternative_1`` … (the row's *i*-th other value,
or its last one when it has fewer). If the answers differ, the finding depends on which source is
right, and the summary must not lean on either.
"""

from __future__ import annotations

import pandas as pd

from research.trends.analysis import SeriesTrend, analyse_series, trend_row

SENSITIVITY_COLUMNS = [
    "series_id",
    "segment",
    "variant",
    "values",
    "status",
    "n_points",
    "growth_factor",
    "growth_factor_low",
    "growth_factor_high",
    "rate_ratio",
    "rate_ratio_low",
    "rate_ratio_high",
    "known_break",
    "break_level_factor",
    "break_level_low",
    "break_level_high",
]


def parse_unresolved(cell: object) -> list[tuple[float, str]]:
    """``"153600=F0679;150000=F0700,F0701"`` → ``[(153600.0, "F0679"), (150000.0, "F0700,F0701")]``."""
    text = "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell)
    out = []
    for item in (part.strip() for part in text.split(";")):
        if item:
            value, _, ids = item.partition("=")
            out.append((float(value), ids))
    return out


def alternative_rows(rows: pd.DataFrame, variant: int) -> tuple[pd.DataFrame, str]:
    """The rows with each unresolved value replaced by its ``variant``-th alternative (1-based).

    A running total's release also fixes the pieces derived from it (``derivation ==
    "ytd_difference"``): the piece of the same dates takes the new value and the piece that starts
    the day after it changes by the same amount the other way, as differencing the other value
    would have given.

    Returns the rows and a description of the values used (``period: value (figure ids)``).
    """
    rows = rows.copy()
    derived = rows["derivation"].astype(str) == "ytd_difference" if "derivation" in rows.columns else pd.Series(False, index=rows.index)
    used = []
    for index, cell in rows["unresolved_values"].items():
        options = parse_unresolved(cell)
        if not options or derived.at[index]:
            continue
        value, ids = options[min(variant, len(options)) - 1]
        shift = value - float(rows.at[index, "value"])
        start, end = rows.at[index, "period_start"], rows.at[index, "period_end"]
        rows.at[index, "value"] = value
        same = derived & (rows["period_start"] == start) & (rows["period_end"] == end)
        rows.loc[same, "value"] = value
        following = (pd.Timestamp(end) + pd.Timedelta(days=1)).date().isoformat()
        rows.loc[derived & (rows["period_start"] == following), "value"] -= shift
        used.append(f"{start}..{end}: {value:,.0f} ({ids})")
    return rows, "; ".join(used)


def _kept_values(rows: pd.DataFrame) -> str:
    flagged = rows.loc[rows["unresolved_values"].fillna("").astype(str) != ""]
    if "derivation" in rows.columns:
        flagged = flagged.loc[flagged["derivation"].astype(str) != "ytd_difference"]
    return "; ".join(f"{r.period_start}..{r.period_end}: {float(r.value):,.0f} ({r.source_ids})" for r in flagged.itertuples())


def _row(result: SeriesTrend, variant: str, values: str) -> dict:
    full = trend_row(result)
    row = {column: full.get(column) for column in SENSITIVITY_COLUMNS if column in full}
    return {**row, "variant": variant, "values": values}


def sensitivity_table(counts: pd.DataFrame, results: list[SeriesTrend], **options: object) -> pd.DataFrame:
    """``trend_sensitivity.csv``: the kept fit and one refit per alternative value.

    ``counts`` is the counts table the ``results`` were fitted on; ``options`` are passed to
    :func:`research.trends.analysis.analyse_series` (``file``, ``lang``, ``interventions``,
    ``catalogue``, ``joinpoint_selection``).
    """
    if "unresolved_values" not in counts.columns:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    counts = counts.copy()
    counts["segment"] = pd.to_numeric(counts["segment"], errors="coerce").fillna(0).astype(int)
    by_key = {(r.series_id, r.segment): r for r in results}
    rows = []
    for (series_id, segment), group in counts.groupby(["series_id", "segment"], sort=True):
        options_per_row = [len(parse_unresolved(c)) for c in group["unresolved_values"]]
        if not any(options_per_row):
            continue
        kept = by_key.get((str(series_id), int(segment)))
        if kept is None:
            continue
        n_segments = counts.loc[counts["series_id"] == series_id, "segment"].nunique()
        rows.append(_row(kept, "kept", _kept_values(group)))
        for variant in range(1, max(options_per_row) + 1):
            changed, values = alternative_rows(group, variant)
            result = analyse_series(changed, n_segments=n_segments, **options)  # type: ignore[arg-type]
            rows.append(_row(result, f"alternative_{variant}", values))
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
