"""Reconcile the figures that several sources give for one series and period into one observation.

Rules (issue 2, item 3):

* the same value from several outlets → one observation keeping every source;
* a rounded figure (marked approximate, or an integer ending in two or more zeros) that lies
  within one unit of its own last digit of another value corroborates it (NCMEC 2021: 29
  million, 29.3 million and 29,397,681) → the most precise value is kept with every source;
* other differing values conflict → the value of the most authoritative source is kept (tier 1
  primary < 2 compiled/academic < 3 press < 4 reprint < 5 low confidence), the losers are listed as
  conflicting sources and in quality.csv;
* differing values from sources of the *same* tier are not decided: the conflict is ``unresolved``
  in quality.csv (kind ``unresolved``, flag ``unresolved``), the row carries one of them (the more
  precise, the better supported, then the lower figure_id — an order, not a judgement) and the
  others in ``unresolved_values`` (``value=figure_id[,figure_id];…``), so that trend fits can be run with each
  (a sensitivity analysis);
* a value marked as an apparent typo never wins over another value;
* bounds (over, at least, up to) and ranges are never used as exact counts: they join the sources
  when the kept value satisfies them and are listed as conflicts when it does not.
"""

from __future__ import annotations

import pandas as pd

from research.frames import plain_strings
from research.i18n import message

POINT_QUALIFIERS = ("exact", "approximate", "suspected_misprint")


def rounding_unit(qualifier: str, precision: float) -> float:
    """How far a printed figure may be from the true value because it was rounded (0 = exact)."""
    if qualifier == "approximate":
        return precision
    if precision >= 100:
        return precision
    return 0.0


def agree(a: pd.Series, b: pd.Series) -> bool:
    """Whether two point figures agree, each read at its own precision."""
    if a["value"] == b["value"]:
        return True
    tolerance = max(a["rounding"], b["rounding"])
    return abs(a["value"] - b["value"]) < tolerance


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _bound_holds(bound: pd.Series, value: float) -> bool:
    if bound["qualifier"] == "lower_bound":
        return value >= bound["low"]
    if bound["qualifier"] == "upper_bound":
        return value <= bound["high"]
    return bound["low"] <= value <= bound["high"]


def reconcile_group(group: pd.DataFrame, lang: str = "en") -> tuple[dict, list[dict]]:
    """Reconcile the parsed rows of one (series, unit, period) into an observation.

    Returns the observation (a dict of counts.csv fields, without period and break fields) and
    the quality rows it raised.
    """
    if len(group) == 1 and (lone := _lone_figure(group)) is not None:
        return lone, []
    group = group.sort_values("figure_id")
    group = group.assign(rounding=[rounding_unit(q, p) for q, p in zip(group["qualifier"], group["precision"])])
    points = group[group["qualifier"].isin(POINT_QUALIFIERS)]
    others = group[~group["qualifier"].isin(POINT_QUALIFIERS)]
    quality: list[dict] = []
    period = f"{group['start'].iloc[0]}/{group['end'].iloc[0]}"
    series = group["series_id"].iloc[0]

    sources: list[str] = []
    conflicting: list[str] = []
    alternatives: list[tuple[float, str]] = []
    flags: set[str] = set()
    if not points.empty:
        support = {i: sum(agree(points.loc[i], points.loc[j]) for j in points.index) for i in points.index}
        anchor_key = min(
            points.index,
            key=lambda i: (points.at[i, "qualifier"] == "suspected_misprint", points.at[i, "tier"],
                           points.at[i, "rounding"], -support[i], points.at[i, "figure_id"]),
        )
        anchor = points.loc[anchor_key]
        cluster = points[[agree(anchor, points.loc[i]) and (points.at[i, "qualifier"] != "suspected_misprint" or points.at[i, "value"] == anchor["value"]) for i in points.index]]
        chosen = cluster.sort_values(["rounding", "precision", "tier", "figure_id"]).iloc[0]
        value = chosen["value"]
        sources = cluster["figure_id"].tolist()
        losers = points.drop(cluster.index)
        rounded = cluster[cluster["value"] != value]
        if not rounded.empty:
            flags.add("corroborated_rounded")
            quality.append(_quality("rounded_corroboration", series, period, cluster["figure_id"], message(
                "counts", "rounded", lang, values=", ".join(_fmt(v) for v in sorted(rounded["value"].unique())), kept=_fmt(value))))
        misprints = losers[losers["qualifier"] == "suspected_misprint"]
        for _, row in misprints.iterrows():
            quality.append(_quality("suspected_misprint", series, period, [row["figure_id"], chosen["figure_id"]], message(
                "counts", "misprint", lang, value=_fmt(row["value"]), kept=_fmt(value))))
        real_conflicts = losers[losers["qualifier"] != "suspected_misprint"]
        same_tier = real_conflicts[real_conflicts["tier"] == anchor["tier"]]
        if not same_tier.empty:
            flags.add("unresolved")
            alternatives = [(v, ",".join(sorted(same_tier.loc[same_tier["value"] == v, "figure_id"]))) for v in sorted(same_tier["value"].unique())]
            listed = pd.concat([cluster, same_tier])
            values = "; ".join(
                f"{_fmt(v)} ({', '.join(f'{r.figure_id}' for r in listed[listed['value'] == v].itertuples())})"
                for v in sorted(listed["value"].unique())
            )
            quality.append(_quality("unresolved", series, period, listed["figure_id"], message(
                "counts", "unresolved", lang, n=listed["value"].nunique(), values=values, tier=int(anchor["tier"]), kept=_fmt(value))))
            real_conflicts = real_conflicts.drop(same_tier.index)
        if not real_conflicts.empty:
            flags.add("conflict_resolved")
            listed = pd.concat([cluster, real_conflicts])
            values = "; ".join(
                f"{_fmt(v)} ({', '.join(f'{r.figure_id} tier {r.tier}' for r in listed[listed['value'] == v].itertuples())})"
                for v in sorted(listed["value"].unique())
            )
            quality.append(_quality("conflict", series, period, listed["figure_id"], message(
                "counts", "conflict", lang, n=listed["value"].nunique(), values=values, kept=_fmt(value), tier=int(anchor["tier"]))))
        conflicting += losers["figure_id"].tolist()
        qualifier = chosen["qualifier"]
        low = high = None
        for idx, row in others.iterrows():
            if _bound_holds(row, value):
                sources.append(row["figure_id"])
            else:
                conflicting.append(row["figure_id"])
                flags.add("conflict_resolved")
                bound = _fmt(row["low"] if row["qualifier"] != "upper_bound" else row["high"])
                quality.append(_quality("bound_conflict", series, period, [row["figure_id"], chosen["figure_id"]], message(
                    "counts", "bound_conflict", lang, bound=bound, qualifier=row["qualifier"], figure_id=row["figure_id"], kept=_fmt(value))))
    else:
        chosen = others.sort_values(["tier", "figure_id"]).iloc[0]
        qualifier = chosen["qualifier"]
        value = None if qualifier == "range" else chosen["value"]
        low, high = chosen["low"], chosen["high"]
        sources = others["figure_id"].tolist()
    if qualifier in ("lower_bound", "upper_bound"):
        flags.add("bound")
        low, high = chosen["low"], chosen["high"]
    if qualifier == "approximate":
        flags.add("approximate")
    used = group[group["figure_id"].isin(sources)]
    observation = _observation(
        chosen, qualifier, value, low, high, sources, conflicting, sorted(set(used["publisher"])), int(used["tier"].min()), flags,
        " ".join(group["unit_raw"].tolist() + group["indicator"].tolist()), alternatives,
    )
    return observation, quality


def _lone_figure(group: pd.DataFrame) -> dict | None:
    """The observation of a period that one figure alone gives, or ``None`` to leave it to the rules.

    With one figure the rules of :func:`reconcile_group` reduce to taking it: it agrees with
    itself, nothing conflicts and nothing is raised. Most periods have one figure, and this is
    what the rules would give, without their many selections. A point figure without a value is
    left to the rules.
    """
    chosen = group.iloc[0]
    qualifier = chosen["qualifier"]
    if qualifier in POINT_QUALIFIERS:
        if pd.isna(chosen["value"]):
            return None
        value, low, high = chosen["value"], None, None
    else:
        value = None if qualifier == "range" else chosen["value"]
        low, high = chosen["low"], chosen["high"]
    flags = {"bound"} if qualifier in ("lower_bound", "upper_bound") else {"approximate"} if qualifier == "approximate" else set()
    return _observation(chosen, qualifier, value, low, high, [chosen["figure_id"]], [], [chosen["publisher"]], int(chosen["tier"]), flags,
                        " ".join([chosen["unit_raw"], chosen["indicator"]]), [])


def _observation(chosen: pd.Series, qualifier: str, value, low, high, sources: list[str], conflicting: list[str], publishers: list[str],
                 tier: int, flags: set[str], texts: str, alternatives: list[tuple[float, str]]) -> dict:
    """The observation (a dict of counts.csv fields, without period and break fields) that ``chosen`` heads."""
    return {
        "series_id": chosen["series_id"],
        "country": chosen["country"],
        "indicator": chosen["indicator"],
        "unit": chosen["unit"],
        "counted": chosen["counted"],
        "value_qualifier": qualifier,
        "value": value,
        "value_low": low,
        "value_high": high,
        "start": chosen["start"],
        "end": chosen["end"],
        "derivation": "reported",
        "source_ids": sorted(sources),
        "conflicting_source_ids": sorted(conflicting),
        "publishers": publishers,
        "best_source_tier": tier,
        "flags": flags,
        "texts": texts,
        "unresolved_values": alternatives,
    }


def _quality(kind: str, series: str, period: str, figure_ids, explanation: str) -> dict:
    return {
        "kind": kind,
        "series_id": series,
        "period": period,
        "figure_ids": ";".join(sorted(set(figure_ids))),
        "explanation": explanation,
    }


def reconcile(rows: pd.DataFrame, lang: str = "en") -> tuple[list[dict], list[dict]]:
    """Reconcile every (series, unit, period) group of parsed figure rows."""
    observations: list[dict] = []
    quality: list[dict] = []
    rows = plain_strings(rows)  # a group holds a handful of rows: its many small selections stay cheap
    for _, group in rows.groupby(["series_id", "unit", "start", "end"], sort=True):
        observation, problems = reconcile_group(group, lang)
        observations.append(observation)
        quality.extend(problems)
    return observations, quality
