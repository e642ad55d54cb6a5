"""Google Transparency Report government removal requests → an aggregated outcomes table.

These files count requests and items per half-year, country and requester (or reason); they
have no URLs. The summary file gives each row's share of items per outcome, in percent; the
source leaves a share *blank when it is zero*, so blank is read as 0 (as the source says), never
as missing. The detailed file counts requests by product and reason, without outcomes.

Outcome columns are mapped to the takedown vocabulary for comparisons with URL logs:
removed ← *Removed – legal*, *Removed – policy*, *Content already removed*; online ← *No action
taken*, *Not enough information*; unknown ← *Content not found*. The raw shares are kept too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from research.errors import InputError, SchemaError

SHARE_COLUMNS = {
    "% Removed-Legal": "pct_removed_legal",
    "% Removed-Policy": "pct_removed_policy",
    "% Content Not Found": "pct_content_not_found",
    "% Not Enough Information": "pct_not_enough_information",
    "% No Action Taken": "pct_no_action_taken",
    "% Content Already Removed": "pct_content_already_removed",
}
OUTCOME_OF_SHARE = {
    "pct_removed_legal": "removed",
    "pct_removed_policy": "removed",
    "pct_content_already_removed": "removed",
    "pct_no_action_taken": "online",
    "pct_not_enough_information": "online",
    "pct_content_not_found": "unknown",
}
#: Shares are rounded to whole percents by the source; sums off by more than this are flagged.
SHARE_SUM_TOLERANCE = 3.0


def _read(path: str | os.PathLike[str], required: list[str]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    table = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8-sig")
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SchemaError(f"missing column(s) {missing}", file=str(path), column=missing[0])
    return table


def _integers(table: pd.DataFrame, column: str, path) -> pd.Series:
    numbers = pd.to_numeric(table[column].str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError("not a whole number", file=str(path), row=row + 1, column=column, value=table[column].iloc[row])
    return numbers.astype("int64")


def _periods(table: pd.DataFrame, path) -> tuple[pd.Series, pd.Series]:
    end = pd.to_datetime(table["Period Ending"], format="%Y-%m-%d", errors="coerce")
    if end.isna().any():
        row = int(end.isna().to_numpy().nonzero()[0][0])
        raise InputError("unreadable date", file=str(path), row=row + 1, column="Period Ending", value=table["Period Ending"].iloc[row])
    # Each row covers the half-year ending on that date.
    start = (end + pd.Timedelta(days=1)) - pd.DateOffset(months=6)
    return start.dt.strftime("%Y-%m-%d"), end.dt.strftime("%Y-%m-%d")


def _period_and_place(table: pd.DataFrame, path) -> dict[str, pd.Series]:
    """The half-year and the country columns both Google files share."""
    start, end = _periods(table, path)
    return {
        "period_start": start,
        "period_end": end,
        "country": table["CLDR Territory Code"].str.strip().str.upper(),
        "country_name": table["Country/Region"].str.strip(),
    }


def read_google_removals(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the summary file into one row per period, country and requester.

    Returns
    -------
    DataFrame
        ``period_start, period_end, country`` (ISO alpha-2 from the CLDR code; empty for bodies
        such as Europol, whose name stays in ``country_name``), ``country_name, requester,
        requests, items``, the six ``pct_*`` shares (blank → 0), ``pct_sum``, ``pct_removed``,
        ``pct_online``, ``pct_unknown`` (mapped outcomes) and ``shares_sum_off`` (flag).
    """
    table = _read(path, ["Period Ending", "Country/Region", "CLDR Territory Code", "Requestor", "Number of Requests", "Items Requested To Be Removed", *SHARE_COLUMNS])
    out = pd.DataFrame(
        {
            **_period_and_place(table, path),
            "requester": table["Requestor"].str.strip(),
            "requests": _integers(table, "Number of Requests", path),
            "items": _integers(table, "Items Requested To Be Removed", path),
        }
    )
    for source, column in SHARE_COLUMNS.items():
        text = table[source].str.strip()
        numbers = pd.to_numeric(text.mask(text == "", "0"), errors="coerce")
        if numbers.isna().any():
            row = int(numbers.isna().to_numpy().nonzero()[0][0])
            raise InputError("not a percentage", file=str(path), row=row + 1, column=source, value=text.iloc[row])
        out[column] = numbers.astype("float64")
    shares = list(SHARE_COLUMNS.values())
    out["pct_sum"] = out[shares].sum(axis=1)
    for outcome in ("removed", "online", "unknown"):
        out[f"pct_{outcome}"] = out[[c for c in shares if OUTCOME_OF_SHARE[c] == outcome]].sum(axis=1)
    out["shares_sum_off"] = (out["pct_sum"] - 100).abs() > SHARE_SUM_TOLERANCE
    return out.sort_values(["period_end", "country", "country_name", "requester"], kind="mergesort").reset_index(drop=True)


def read_google_detailed(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the detailed file: requests per period, country, product and reason (no outcomes)."""
    table = _read(path, ["Period Ending", "Country/Region", "CLDR Territory Code", "Product", "Reason", "Total"])
    out = pd.DataFrame(
        {
            **_period_and_place(table, path),
            "product": table["Product"].str.strip(),
            "reason": table["Reason"].str.strip(),
            "requests": _integers(table, "Total", path),
        }
    )
    return out.sort_values(["period_end", "country", "country_name", "product", "reason"], kind="mergesort").reset_index(drop=True)
