"""The break registry as readers see it: each break's text under every figure and finding it touches.

Which series a break touches was decided once, by cleaning (``break_ids`` in ``counts.csv``). The
English text is the registry's own ``what_changed``; other languages take the ``break_<ID>`` entry
of their ``report`` catalogue (a test checks that every registry row has one in every language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

from research.i18n import DEFAULT_LANG, catalogue, message

DOMAIN = "report"


@dataclass(frozen=True, order=True)
class BreakNote:
    """One registry break, worded for one language.

    Attributes
    ----------
    date
        When the series changed (ISO date, as the registry gives it).
    break_id
        The registry's id (``B01`` …).
    kind
        The registry's kind of break: ``coverage``, ``definition``, ``legal`` or ``intervention``.
    text
        What changed, in the page's language.
    source_title, source_url
        The publication that documents the break.
    """

    date: str
    break_id: str
    kind: str
    text: str
    source_title: str
    source_url: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def translation_key(break_id: str) -> str:
    return f"break_{break_id}"


def break_text(row: pd.Series | dict, lang: str = DEFAULT_LANG) -> str:
    """The registry's explanation of a break in ``lang`` (the registry's own words in English)."""
    key = translation_key(str(row["break_id"]))
    if lang != DEFAULT_LANG and key in catalogue(DOMAIN, lang):
        return message(DOMAIN, key, lang)
    return str(row["what_changed"])


def _cell(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def marked_break_ids(counts: pd.DataFrame | None, series_ids: Iterable[str]) -> list[str]:
    """The break ids cleaning marked on the rows of ``series_ids``, sorted."""
    if counts is None or "break_ids" not in counts.columns:
        return []
    rows = counts[counts["series_id"].astype(str).isin(set(series_ids))]
    return sorted({part.strip() for cell in rows["break_ids"].dropna().astype(str) for part in cell.split(";") if part.strip()})


def break_notes(registry: pd.DataFrame | None, break_ids: Iterable[str], lang: str = DEFAULT_LANG) -> list[BreakNote]:
    """Notes for ``break_ids`` in ``lang``, by date; ids missing from the registry are left out."""
    if registry is None or registry.empty:
        return []
    wanted = set(break_ids)
    rows = registry[registry["break_id"].astype(str).isin(wanted)]
    notes = [
        BreakNote(_cell(r["date"]), str(r["break_id"]), _cell(r["kind"]), break_text(r, lang), _cell(r.get("source_title")), _cell(r.get("source_url")))
        for _, r in rows.iterrows()
    ]
    return sorted(notes)


def notes_for_series(registry: pd.DataFrame | None, counts: pd.DataFrame | None, series_ids: Iterable[str], lang: str = DEFAULT_LANG) -> list[BreakNote]:
    """Break notes for the series a figure or finding shows."""
    return break_notes(registry, marked_break_ids(counts, series_ids), lang)
