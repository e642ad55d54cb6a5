"""Small hand-made cleaned logs for the takedown analyses."""

from __future__ import annotations

import pandas as pd


def cleaned(rows: list[tuple]) -> pd.DataFrame:
    """Rows of ``(content_id, url_id, domain, outcome, requested_day, checked_day, resolved_day, channel)``.

    Days count from 2024-01-01 (UTC); ``resolved_day`` may be None.
    """
    start = pd.Timestamp("2024-01-01", tz="UTC")
    frame = pd.DataFrame(rows, columns=["content_id", "url_id", "domain", "outcome", "req", "chk", "res", "channel"])

    def day(values: pd.Series) -> pd.Series:
        return (start + pd.to_timedelta(pd.to_numeric(values), unit="D")).astype("datetime64[us, UTC]")

    return pd.DataFrame(
        {
            "row_number": range(1, len(frame) + 1),
            "request_id": "R" + frame["content_id"] + frame["domain"],
            "content_id": frame["content_id"],
            "url_id": frame["url_id"],
            "domain": frame["domain"],
            "requested_at": day(frame["req"]),
            "checked_at": day(frame["chk"]),
            "resolved_at": day(frame["res"]),
            "outcome": frame["outcome"],
            "channel": frame["channel"],
            "hosting_provider": pd.NA,
            "country": pd.NA,
            "synthetic": True,
        }
    )
