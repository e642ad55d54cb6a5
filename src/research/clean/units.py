"""The controlled unit vocabulary, and how each raw ``unit`` of ``figures.csv`` maps onto it.

A raw unit is a noun with an optional note in brackets: ``reports``, ``cases (approx.)``,
``percent (more than)``, ``complaints per month``, ``cases (apparent typo for 1,355)``.
:func:`parse_unit` returns

* ``unit`` — one of :data:`UNITS`;
* ``counted`` — the noun one unit counts (``reports``, ``urls``, ``victims``);
* ``qualifier`` — from the note (see :data:`NOTE_QUALIFIERS`), ``exact`` without one;
* ``note`` — the rest of the note, kept for the quality report.

A noun that is not in :data:`COUNT_NOUNS` (or a rate/duration/currency form) raises
:class:`~research.errors.ParseError`: cleaning quarantines that row with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from research.errors import ParseError

#: unit → meaning (documented for readers of counts.csv).
UNITS = {
    "count": "a number of things (the `counted` noun) in the period",
    "count_change": "a difference between two periods' counts (e.g. '6.9 million fewer incidents')",
    "percent": "a share, 0–100",
    "ratio": "a share written as 'n in m', stored as n/m",
    "rate_per_day": "mean number per day over the period",
    "mean_per_month": "mean number per month over the period",
    "duration_hours": "a time in hours (mean, median or maximum: see the indicator)",
    "duration_days": "a time in days (mean, median or maximum: see the indicator)",
    "currency_usd": "an amount in US dollars",
}

#: Nouns that make a plain count (lower-case, as written in figures.csv).
COUNT_NOUNS = frozenset({
    "reports", "reports confirmed", "persons", "people", "individuals", "users", "unique visitors",
    "cases", "cases/people", "people/cases", "offences", "incidents", "judgments", "items",
    "content items", "urls", "content urls", "webpages", "sites", "images", "videos",
    "images/videos", "files", "hashes", "consultations", "inquiries", "complaints", "notices",
    "requests", "referrals", "linkages", "services", "platforms", "companies", "ngo partners",
    "countries", "views", "deaths", "victims",
})
_PERCENT_NOUNS = {"percent", "share of respondents"}
_DURATIONS = {"days": "duration_days", "hours": "duration_hours"}
_CURRENCIES = {"usd": "currency_usd"}

#: Words in a bracketed note and the qualifier they give.
NOTE_QUALIFIERS = {
    "approx.": "approximate", "about": "approximate", "around": "approximate", "roughly": "approximate",
    "close to": "approximate", "equivalent": "approximate",
    "over": "lower_bound", "more than": "lower_bound", "at least": "lower_bound", "just over": "lower_bound",
    "above": "lower_bound", "exceeding": "lower_bound",
    "almost": "upper_bound", "nearly": "upper_bound", "up to": "upper_bound", "within": "upper_bound",
}


@dataclass(frozen=True)
class UnitInfo:
    """A raw unit read into the controlled vocabulary."""

    unit: str
    counted: str
    qualifier: str = "exact"
    note: str = ""


def _note_qualifier(note: str) -> tuple[str, str]:
    """The qualifier a bracketed note gives, and what of the note is left."""
    lowered = note.lower().strip()
    if lowered.startswith("apparent typo"):
        return "suspected_misprint", note
    if re.fullmatch(r"\d+ (in|out of) \d+", lowered):
        # The compilers turned "1 in 17" into a percent: a converted, rounded share.
        return "approximate", note
    parts = [p.strip() for p in lowered.split(",")]
    qualifiers = [NOTE_QUALIFIERS[p] for p in parts if p in NOTE_QUALIFIERS]
    rest = ", ".join(p for p in parts if p not in NOTE_QUALIFIERS)
    return (qualifiers[0] if qualifiers else "exact"), rest


def parse_unit(raw: object) -> UnitInfo:
    """Map a raw ``unit`` string onto the controlled vocabulary.

    Raises
    ------
    ParseError
        An empty unit or a noun outside the vocabulary.
    """
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ParseError("empty unit", value=raw)
    match = re.fullmatch(r"([^()]+?)\s*(?:\((.*)\))?", text)
    if not match:
        raise ParseError("unit not of the form 'noun (note)'", value=raw)
    noun, note = match.group(1).strip().lower(), (match.group(2) or "").strip()
    if note.lower().startswith("mislabelled"):
        # "(mislabelled; = victims)": the value is right, the noun was wrong in the source.
        corrected = note.split("=", 1)[1].strip().lower() if "=" in note else noun
        return UnitInfo("count", corrected, "exact", note)
    if note.lower() == "fewer":
        return UnitInfo("count_change", noun, "exact", note)
    qualifier, rest = _note_qualifier(note) if note else ("exact", "")
    if note.lower() in ("each", "mean, approx.", "median", "average", "reports", "urls", "webpages + newsgroups"):
        rest = note
    rate = re.fullmatch(r"(.+?) per (day|month)", noun)
    if rate:
        counted, per = rate.group(1), rate.group(2)
        if counted not in COUNT_NOUNS:
            raise ParseError(f"unknown counted noun {counted!r} in a rate", value=raw)
        return UnitInfo("rate_per_day" if per == "day" else "mean_per_month", counted, qualifier, rest)
    if noun in _PERCENT_NOUNS:
        return UnitInfo("percent", "percent", qualifier, rest)
    if noun in _DURATIONS:
        return UnitInfo(_DURATIONS[noun], noun, qualifier, rest)
    if noun in _CURRENCIES:
        return UnitInfo(_CURRENCIES[noun], "usd", qualifier, rest)
    if noun in COUNT_NOUNS:
        return UnitInfo("count", noun, qualifier, rest)
    raise ParseError(f"unknown unit {noun!r}: not in the controlled vocabulary", value=raw)
