"""Who produced a number: the sources a figure or finding credits (publisher, title, year, URL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

#: The synthetic takedown log is made by code in this repository, not by any outside producer.
SYNTHETIC_PUBLISHER = "research toolkit (synthetic generator, fixed seed)"


@dataclass(frozen=True, order=True)
class Source:
    """One cited publication. ``url`` is the public page of the publication itself."""

    publisher: str
    title: str
    year: str
    url: str
    #: Quality tier of the source (``source_tier`` of figures.csv: 1 best … 5); empty when unknown.
    tier: str = ""
    #: When the project read the source (``source_date`` or the data package's access date).
    accessed: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def as_text(self, tier_label: str = "source tier") -> str:
        """``Publisher (year). Title. URL [source tier N]`` — the form used in captions and credits."""
        parts = [f"{self.publisher} ({self.year})." if self.year else f"{self.publisher}.", f"{self.title}."]
        if self.url:
            parts.append(self.url)
        if self.tier:
            parts.append(f"[{tier_label} {self.tier}]")
        return " ".join(parts)


def _year(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text[:4] if text[:4].isdigit() else ""


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _tier_text(value: object) -> str:
    text = _text(value)
    try:
        return str(int(float(text))) if text else ""
    except ValueError:
        return ""


def figure_sources(figures: pd.DataFrame, figure_ids: Iterable[str]) -> list[Source]:
    """The sources of raw figures (rows of ``data/raw/figures.csv``) named by ``figure_id``.

    The title is the indicator as the source worded it; the year is the year of the publication
    (``source_date``), falling back to the end of the period it reports.
    """
    wanted = {i.strip() for i in figure_ids if i and i.strip()}
    rows = figures[figures["figure_id"].isin(wanted)]
    found = {
        Source(
            publisher=str(row.publisher),
            title=str(row.indicator),
            year=_year(row.source_date) or _year(row.period_end),
            url=str(row.source_url) if pd.notna(row.source_url) else "",
            tier=_tier_text(getattr(row, "source_tier", "")),
            accessed=_text(getattr(row, "source_date", "")),
        )
        for row in rows.itertuples(index=False)
    }
    return sorted(found)


def split_ids(cell: object) -> list[str]:
    """The ids of a ``;``-joined cell (``source_ids`` in the counts table)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [part for part in str(cell).split(";") if part]


def synthetic_source(title: str) -> Source:
    """The credit line of a table or figure made from the seeded synthetic takedown log."""
    return Source(publisher=SYNTHETIC_PUBLISHER, title=title, year="", url="")


def datapackage_sources(package: dict, resource_name: str | None = None) -> list[Source]:
    """Sources of a Frictionless data package (or of one of its resources)."""
    entries: list[dict] = []
    for resource in package.get("resources", []):
        if resource_name is None or resource.get("name") == resource_name:
            entries.extend(resource.get("sources", []))
    if resource_name is None:
        entries.extend(package.get("sources", []))
    found = {
        Source(
            publisher=str(e.get("publisher") or e.get("title", "")),
            title=str(e.get("title", "")),
            year=_year(e.get("date_published") or e.get("version") or ""),
            url=str(e.get("path") or e.get("url") or ""),
            tier=_tier_text(e.get("tier", e.get("source_tier", ""))),
            accessed=_text(e.get("date_accessed") or e.get("accessed") or ""),
        )
        for e in entries
    }
    return sorted(found)
