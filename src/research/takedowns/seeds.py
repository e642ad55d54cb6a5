"""The NPO's per-file funnel, read from ``data/raw/figures.csv`` (never typed in by hand).

PAPS reported (Kyodo, May 2025) removal requests for 99,266 files sent in FY2019–FY2024: 59,653
fully removed, 7,577 partly removed and 30,625 still online because sites refused or did not
answer. The remaining 1,411 files are not reported as a figure: they are the remainder
(requested − fully − partly − still online), labelled *unknown* here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from research.errors import InputError

#: Series of ``figures.csv`` (files, status as of May 2025) behind each file status.
FUNNEL_SERIES = {
    "requested": "JP_PAPS_REMOVAL_REQUESTS_TOTAL",
    "fully_removed": "JP_PAPS_FILES_FULLY_REMOVED",
    "partly_removed": "JP_PAPS_FILES_PARTLY_REMOVED",
    "still_online": "JP_PAPS_FILES_STILL_ONLINE",
}
FILE_STATUSES: tuple[str, ...] = ("fully_removed", "partly_removed", "still_online", "unknown")


@dataclass(frozen=True)
class SeedFunnel:
    """File counts per status, with the ``figure_id`` each one comes from."""

    counts: dict[str, int]
    figure_ids: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def seed_funnel(figures_csv: str | os.PathLike[str]) -> SeedFunnel:
    """Read the four file counts (and their total) from ``figures.csv``.

    Raises
    ------
    InputError
        A series is missing, ambiguous, or the counts exceed the total.
    """
    figures = pd.read_csv(figures_csv, dtype=str, keep_default_na=False)
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for status, series in FUNNEL_SERIES.items():
        rows = figures[figures["series_id"] == series]
        if len(rows) != 1:
            raise InputError(f"expected exactly one row of series {series}, found {len(rows)}", file=str(figures_csv), column="series_id", value=series)
        counts[status] = int(rows["value"].iloc[0])
        ids[status] = rows["figure_id"].iloc[0]
    requested = counts.pop("requested")
    counts["unknown"] = requested - sum(counts.values())
    if counts["unknown"] < 0:
        raise InputError("file statuses add up to more than the files requested", file=str(figures_csv), value=requested)
    ids["unknown"] = f"remainder of {ids.pop('requested')}"
    return SeedFunnel({s: counts[s] for s in FILE_STATUSES}, {s: ids[s] for s in FILE_STATUSES})


def scaled_counts(funnel: SeedFunnel, files: int) -> dict[str, int]:
    """Status counts for ``files`` files in the seed's proportions (largest remainder, exact sum)."""
    total = funnel.total
    if files == total:
        return dict(funnel.counts)
    exact = {s: c * files / total for s, c in funnel.counts.items()}
    floors = {s: int(v) for s, v in exact.items()}
    left = files - sum(floors.values())
    for status in sorted(exact, key=lambda s: (-(exact[s] - floors[s]), s))[:left]:
        floors[status] += 1
    return floors
