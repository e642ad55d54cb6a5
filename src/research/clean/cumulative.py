"""Cumulative (year-to-date) releases differenced into disjoint intervals.

Releases of one running total share a start date and end on their "as of" dates (KNPA 2024:
297 by 31 July, 445 by 27 August, …, 1,202 for the year). A chain is the exact count
observations of one series — a ``…_YTD`` series joined with the series of the same name without
the suffix, whose full-year figure closes the chain — that share a start and end within a year of
it, with at least two end dates. Each chain gives one ``ytd_increment`` row per release: the first
covers start–first end (the release itself), every other one the days since the previous release
(value = difference). A running total that falls is flagged and its interval left empty. Two
releases that count different things (``counted`` or ``unit`` differ: persons against cases) are
never differenced: the interval is flagged ``definition_mismatch`` and left empty, with a quality
row. The same holds for a sub-series of counts since an intervention's start released at several
dates (a chain of its own, differenced within itself).
"""

from __future__ import annotations

import fnmatch
from datetime import date, timedelta

import pandas as pd

from research.i18n import message

YTD_SUFFIX = "_YTD"


def chain_series(series_id: str) -> str:
    """The series a cumulative release belongs to (``X_YTD`` → ``X``)."""
    return series_id[: -len(YTD_SUFFIX)] if series_id.upper().endswith(YTD_SUFFIX) else series_id


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def derive_increments(observations: list[dict], lang: str = "en") -> tuple[list[dict], list[dict]]:
    """Derive disjoint-interval rows from chains of cumulative releases.

    Parameters
    ----------
    observations
        Reconciled observations (dicts with ``start``/``end`` dates).

    Returns
    -------
    derived, quality
        New ``ytd_difference`` observations and the quality rows describing them.
    """
    chains: dict[tuple, list[dict]] = {}
    for obs in observations:
        if obs["unit"] != "count" or obs["value_qualifier"] != "exact" or obs["value"] is None:
            continue
        if (obs["end"] - obs["start"]).days > 365:
            continue
        chains.setdefault((chain_series(obs["series_id"]), obs["start"]), []).append(obs)
    derived: list[dict] = []
    quality: list[dict] = []
    for (series, start), members in sorted(chains.items()):
        ends = sorted({m["end"] for m in members})
        if len(ends) < 2:
            continue
        # One release per end date: the base series' own figure first when both exist.
        by_end = {}
        for member in sorted(members, key=lambda m: (m["series_id"] != series, m["series_id"])):
            by_end.setdefault(member["end"], member)
        releases = [by_end[e] for e in ends]
        intervals = []
        previous = None
        for release in releases:
            interval_start = start if previous is None else previous["end"] + timedelta(days=1)
            flags = {"ytd_derived"}
            value = release["value"] if previous is None else release["value"] - previous["value"]
            ids = set(release["source_ids"]) | (set(previous["source_ids"]) if previous else set())
            publishers = set(release["publishers"]) | (set(previous["publishers"]) if previous else set())
            mixed = previous is not None and (release["counted"] != previous["counted"] or release["unit"] != previous["unit"])
            if mixed:
                flags.add("definition_mismatch")
                quality.append({
                    "kind": "difference_across_definitions", "series_id": series, "period": f"{interval_start}/{release['end']}",
                    "figure_ids": ";".join(sorted(ids)),
                    "explanation": message("counts", "difference_across_definitions", lang, start=start,
                                           before=f"{_fmt(previous['value'])} {previous['counted']}", before_end=previous["end"],
                                           after=f"{_fmt(release['value'])} {release['counted']}", after_end=release["end"],
                                           interval=f"{interval_start}–{release['end']}"),
                })
                value = None
            elif value < 0:
                flags.add("cumulative_fell")
                quality.append({
                    "kind": "cumulative_fell", "series_id": series, "period": f"{interval_start}/{release['end']}",
                    "figure_ids": ";".join(sorted(ids)),
                    "explanation": message("counts", "cumulative_fell", lang, before=_fmt(previous["value"]),
                                           before_end=previous["end"], after=_fmt(release["value"]), after_end=release["end"]),
                })
                value = None
            derived.append({
                **{k: release[k] for k in ("country", "indicator", "unit", "counted")},
                "series_id": series,
                "value_qualifier": "exact",
                "value": value,
                "value_low": None,
                "value_high": None,
                "start": interval_start,
                "end": release["end"],
                "derivation": "ytd_difference",
                "source_ids": sorted(ids),
                "conflicting_source_ids": [],
                "publishers": sorted(publishers),
                "best_source_tier": min(release["best_source_tier"], previous["best_source_tier"] if previous else 9),
                "flags": flags,
                "texts": release["texts"],
                "period_kind": "ytd_increment",
                "unresolved_values": [],
            })
            intervals.append(f"{interval_start}–{release['end']}: {'—' if value is None else _fmt(value)}")
            previous = release
        quality.append({
            "kind": "ytd_derived", "series_id": series, "period": f"{start}/{ends[-1]}",
            "figure_ids": ";".join(sorted({i for r in releases for i in r["source_ids"]})),
            "explanation": message("counts", "ytd_chain", lang, start=start,
                                   releases=", ".join(f"{_fmt(r['value'])} to {r['end']}" for r in releases),
                                   intervals="; ".join(intervals)),
        })
    return derived, quality


def link_sub_series(observations: list[dict], breaks: pd.DataFrame | None, lang: str = "en") -> list[dict]:
    """Link each sub-series of counts since an intervention's start to its main series.

    A sub-series is a series ``M_<suffix>`` whose exact counts all start on the date of an
    intervention in the registry that applies to it, while a series ``M`` exists (the longest
    such prefix): e.g. ``KR_KNPA_DEEPFAKE_SUSPECTS_CRACKDOWN``, suspects since the crackdown of
    28 August 2024, of ``KR_KNPA_DEEPFAKE_SUSPECTS``. Its releases at several dates are a running
    total of its own and are differenced within it (:func:`derive_increments`), never against the
    main series, whose periods start elsewhere. Returns one ``sub_series`` quality row per link.
    """
    if breaks is None or breaks.empty:
        return []
    events = breaks.loc[(breaks["kind"] == "intervention") & (breaks["date"].astype(str) != "")]
    ids = {obs["series_id"] for obs in observations}
    starts: dict[str, set[date]] = {}
    figures: dict[str, set[str]] = {}
    for obs in observations:
        if obs["unit"] == "count" and obs["derivation"] == "reported":
            starts.setdefault(obs["series_id"], set()).add(obs["start"])
            figures.setdefault(obs["series_id"], set()).update(obs["source_ids"])
    quality = []
    for series, first in sorted(starts.items()):
        mains = [m for m in ids if series.startswith(m + "_")]
        if len(first) != 1 or not mains:
            continue
        main = max(mains, key=len)
        (start,) = first
        for event in events.itertuples():
            if fnmatch.fnmatchcase(series, event.series_pattern) and str(event.date) == start.isoformat():
                releases = sorted({o["end"] for o in observations if o["series_id"] == series and o["derivation"] == "reported"})
                quality.append({
                    "kind": "sub_series", "series_id": series, "period": f"{start}/{releases[-1]}",
                    "figure_ids": ";".join(sorted(figures[series])),
                    "explanation": message("counts", "sub_series", lang, series=series, main=main, start=start, break_id=event.break_id,
                                           n=len(releases)),
                })
                break
    return quality
