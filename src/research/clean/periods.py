"""Periods: ISO dates, Japanese fiscal years and eras, half-years, quarters, year-to-date releases.

A period is a pair of inclusive dates. :func:`classify_period` names its kind (the vocabulary of
``counts.csv``'s ``period_kind``) and :func:`exposure_days` its length; :func:`parse_period`
reads the ways publications write periods (``2024``, ``FY2023``, ``令和3年度``, ``2024H1``,
``2024Q3``, ``2024-08``, ``2024-01-01/2024-07-31``, ``YTD 2024-07-31``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from research.errors import ParseError

PERIOD_KINDS = (
    "calendar_year", "fiscal_year_jp", "half_year", "quarter", "month",
    "year_to_date", "ytd_increment", "multi_year", "other",
)
#: No series on online sexual abuse or its takedown starts before this day; an earlier date is a typo.
EARLIEST_PLAUSIBLE_DATE = date(1990, 1, 1)
#: First year of each Japanese era (year 1 of the era).
JAPANESE_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926, "R": 2019, "H": 1989, "S": 1926}


@dataclass(frozen=True)
class Period:
    """An inclusive date interval."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ParseError(f"period ends ({self.end}) before it starts ({self.start})", value=f"{self.start}/{self.end}")

    @property
    def exposure_days(self) -> int:
        return exposure_days(self.start, self.end)


def parse_date(text: object) -> date:
    """Read an ISO ``YYYY-MM-DD`` date (full-width digits allowed)."""
    raw = "" if text is None else str(text)
    body = unicodedata.normalize("NFKC", raw).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", body)
    if not match:
        raise ParseError("not an ISO date (YYYY-MM-DD)", value=raw)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as error:
        raise ParseError(f"impossible date ({error})", value=raw) from error


def check_plausible_date(day: date, today: date | None = None) -> date:
    """Return ``day`` if it lies between 1990-01-01 and ``today`` (default: the UTC date now).

    A published count or a takedown check cannot be dated in the future, and nothing in these
    series predates 1990, so such a date is a typo to quarantine, never to correct. ``today`` is a
    parameter so that tests and re-runs of old data can pin it; valid data give the same output
    whenever they are cleaned.
    """
    latest = today or datetime.now(UTC).date()
    if day < EARLIEST_PLAUSIBLE_DATE:
        raise ParseError(f"date {day} is before {EARLIEST_PLAUSIBLE_DATE}: no series here starts that early", value=str(day))
    if day > latest:
        raise ParseError(f"date {day} is in the future (after {latest})", value=str(day))
    return day


def parse_loose_date(text: object) -> tuple[date, date]:
    """Read a date known to a day, month or year (``2024-10-22``, ``2024-08``, ``2025``).

    Returns the first and last day it may stand for. Trailing notes in brackets are ignored
    (``2025 (repo snapshot)``); ``2025/2026`` spans both years.
    """
    raw = "" if text is None else str(text)
    body = re.sub(r"\s*\(.*\)\s*$", "", unicodedata.normalize("NFKC", raw).strip())
    body = body[:10] if re.match(r"\d{4}-\d{2}-\d{2}T", body) else body
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", body):
        day = parse_date(body)
        return day, day
    match = re.fullmatch(r"(\d{4})-(\d{2})", body)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ParseError("impossible month", value=raw)
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    match = re.fullmatch(r"(\d{4})(?:/(\d{4}))?", body)
    if match:
        first = int(match.group(1))
        last = int(match.group(2) or first)
        return date(first, 1, 1), date(last, 12, 31)
    raise ParseError("not a date (YYYY-MM-DD, YYYY-MM or YYYY)", value=raw)


def exposure_days(start: date, end: date) -> int:
    """Days covered by the inclusive period ``start``–``end``."""
    return (end - start).days + 1


def japanese_fiscal_year(year: int) -> Period:
    """Japanese fiscal year ``year``: 1 April ``year`` to 31 March ``year + 1``."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31))


def _year_end(day: date) -> bool:
    return day.month == 12 and day.day == 31


def _month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def classify_period(start: date, end: date, country: str | None = None) -> str:
    """Name the kind of the period ``start``–``end`` (see :data:`PERIOD_KINDS`).

    Japanese fiscal years (1 April–31 March) are recognised for ``country == "JP"`` only; a
    period from 1 January that ends before 31 December, and is not a month, quarter or half,
    is a year-to-date release.
    """
    if end < start:
        raise ParseError(f"period ends ({end}) before it starts ({start})", value=f"{start}/{end}")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole_months = start.day == 1 and _month_end(end)
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return "calendar_year"
    if country == "JP" and start == date(start.year, 4, 1) and end == date(start.year + 1, 3, 31):
        return "fiscal_year_jp"
    if whole_months and months == 6 and start.month in (1, 7):
        return "half_year"
    if whole_months and months == 3 and start.month in (1, 4, 7, 10):
        return "quarter"
    if whole_months and months == 1:
        return "month"
    if start.month == 1 and start.day == 1 and end.year == start.year and not _year_end(end):
        return "year_to_date"
    if whole_months and months > 12 and months % 12 == 0:
        return "multi_year"
    return "other"


def parse_period(text: object, country: str | None = None) -> Period:
    """Read a period as publications write it.

    Accepted: ``2024``; ``FY2023`` or ``2023年度`` (Japanese fiscal year); ``令和3年``/``R3`` (era
    year) and ``令和3年度`` (era fiscal year); ``2024H1``/``H2 2024``; ``2024Q3``; ``2024-08``;
    ``2024-01-01/2024-07-31``; ``YTD 2024-07-31`` (1 January to that date).
    """
    raw = "" if text is None else str(text)
    body = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    upper = body.upper()
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", body):
        return Period(parse_date(match.group(1)), parse_date(match.group(2)))
    if match := re.fullmatch(r"YTD(\d{4}-\d{2}-\d{2})", upper):
        end = parse_date(match.group(1))
        return Period(date(end.year, 1, 1), end)
    if match := re.fullmatch(r"(?:FY(\d{4})|(\d{4})年度)", upper):
        return japanese_fiscal_year(int(match.group(1) or match.group(2)))
    if match := re.fullmatch(r"(令和|平成|昭和|R|H|S)(\d{1,2}|元)年(度)?", body):
        era_year = 1 if match.group(2) == "元" else int(match.group(2))
        year = JAPANESE_ERAS[match.group(1)] + era_year - 1
        return japanese_fiscal_year(year) if match.group(3) else Period(date(year, 1, 1), date(year, 12, 31))
    if match := re.fullmatch(r"(\d{4})H([12])|H([12])(\d{4})", upper):
        year = int(match.group(1) or match.group(4))
        half = int(match.group(2) or match.group(3))
        return Period(date(year, 1, 1), date(year, 6, 30)) if half == 1 else Period(date(year, 7, 1), date(year, 12, 31))
    if match := re.fullmatch(r"(\d{4})Q([1-4])", upper):
        year, quarter = int(match.group(1)), int(match.group(2))
        first = 3 * quarter - 2
        return Period(date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1]))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", body):
        start, end = parse_loose_date(body)
        return Period(start, end)
    if match := re.fullmatch(r"(\d{4})年?", body):
        year = int(match.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31))
    raise ParseError("not a period this parser knows", value=raw)


def period_tiling(start: Sequence[date], end: Sequence[date]) -> tuple[list[bool], dict[int, list[int]], dict[int, list[int]]]:
    """How a set of periods nest: the finest ones, and which longer ones they tile.

    A period is *finest* when it contains no other (strictly shorter) period of the set. A longer
    period is *tiled* when the finest periods inside it cover it day for day, without overlap or
    gap (KNPA's 2024 total and the year-to-date increments derived from it).

    Returns
    -------
    finest, tiled, inside
        Per period whether it is finest; for each tiled period, the finest periods tiling it (in
        date order); for each longer period that is not tiled, the finest periods inside it.
    """
    n = len(start)
    contains = [[start[i] <= start[j] and end[i] >= end[j] and (start[i] < start[j] or end[i] > end[j]) for j in range(n)] for i in range(n)]
    finest = [not any(row) for row in contains]
    tiled: dict[int, list[int]] = {}
    inside: dict[int, list[int]] = {}
    for i in range(n):
        if finest[i]:
            continue
        pieces = sorted((j for j in range(n) if contains[i][j] and finest[j]), key=lambda j: (start[j], end[j]))
        joined = all(start[b] == end[a] + timedelta(days=1) for a, b in zip(pieces, pieces[1:]))
        if len(pieces) > 1 and start[pieces[0]] == start[i] and end[pieces[-1]] == end[i] and joined:
            tiled[i] = pieces
        else:
            inside[i] = pieces
    return finest, tiled, inside
