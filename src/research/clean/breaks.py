"""Definition breaks, coverage changes and interventions marked on observations.

The registry is ``data/raw/definition_breaks.csv`` (``break_id, series_pattern, date, kind,
marker, what_changed`` and its source). A break matches the series whose id fits
``series_pattern`` (shell-style, case-sensitive):

* ``definition``, ``legal`` and ``coverage`` breaks with a date mark every observation that ends
  on or after the date (flag ``definition_break``; ``coverage_change`` for coverage) and start a
  new ``segment`` for observations that start on or after it: segments are not comparable;
* a break with a ``marker`` (and no date) marks the observations whose sources mention the marker
  (e.g. IWF figures counting newsgroups as well as webpages), without a new segment;
* an ``intervention`` (e.g. a police crackdown) marks observations ending after it (flag
  ``intervention``) but starts no segment: it is a real change to estimate, not a new definition.
"""

from __future__ import annotations

import fnmatch
from datetime import date

import pandas as pd

from research.errors import SchemaError
from research.i18n import message

BREAK_COLUMNS = ["break_id", "series_pattern", "date", "kind", "marker", "what_changed", "source_url"]
BREAK_KINDS = ("definition", "legal", "coverage", "intervention")


def read_breaks(path) -> pd.DataFrame:
    """Read and check the definition-break registry."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in BREAK_COLUMNS if c not in table.columns]
    if missing:
        raise SchemaError(f"missing column(s) {', '.join(missing)}", file=str(path), row=0, column=missing[0])
    for row_number, row in enumerate(table.itertuples(index=False), start=1):
        if row.kind not in BREAK_KINDS:
            raise SchemaError(f"kind must be one of {', '.join(BREAK_KINDS)}", file=str(path), row=row_number, column="kind", value=row.kind)
        if not row.date and not row.marker:
            raise SchemaError("a break needs a date or a marker", file=str(path), row=row_number, column="date", value=row.date)
        if not row.source_url:
            raise SchemaError("every break needs a source", file=str(path), row=row_number, column="source_url", value=row.source_url)
    return table


def apply_breaks(observations: list[dict], breaks: pd.DataFrame, lang: str = "en") -> list[dict]:
    """Set ``break_ids``, ``segment`` and break flags on each observation; return quality rows."""
    quality: list[dict] = []
    for obs in observations:
        obs.setdefault("break_ids", set())
        obs.setdefault("segment", 0)
    for brk in breaks.itertuples(index=False):
        affected = []
        when = date.fromisoformat(brk.date) if brk.date else None
        for obs in observations:
            if not fnmatch.fnmatchcase(obs["series_id"], brk.series_pattern):
                continue
            if brk.marker:
                hit = brk.marker.lower() in obs["texts"].lower()
            else:
                hit = obs["end"] >= when
            if not hit:
                continue
            affected.append(obs)
            obs["break_ids"].add(brk.break_id)
            if brk.kind == "intervention":
                obs["flags"].add("intervention")
                continue
            obs["flags"].add("coverage_change" if brk.kind == "coverage" else "definition_break")
            if when is not None and obs["start"] >= when:
                obs["segment"] += 1
        if not affected:
            continue
        series = sorted({o["series_id"] for o in affected})
        ids = sorted({i for o in affected for i in o["source_ids"]})
        if brk.marker:
            text = message("counts", "break_marker", lang, kind=brk.kind, break_id=brk.break_id, what=brk.what_changed, n=len(affected), marker=brk.marker)
        elif brk.kind == "intervention":
            text = message("counts", "intervention_marked", lang, break_id=brk.break_id, date=brk.date, what=brk.what_changed, n=len(affected))
        else:
            text = message("counts", "break_marked", lang, kind=brk.kind, break_id=brk.break_id, date=brk.date, what=brk.what_changed, n=len(affected))
        kind = {"coverage": "coverage_change", "intervention": "intervention"}.get(brk.kind, "definition_break")
        quality.append({"kind": kind, "series_id": ";".join(series), "period": brk.date or "", "figure_ids": ";".join(ids), "explanation": text})
    return quality
