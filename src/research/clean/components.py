"""Components that should add up to a total, and parts that cannot exceed their whole.

The relations are facts about the published series (which series are parts of which), written
here as data: ``sum`` — the parts partition the total, so a difference is a gap to report;
``part`` — each part is contained in the total (NCMEC's platform total is part of its grand total).
"""

from __future__ import annotations

from research.clean.periods import period_tiling
from research.i18n import message

RELATIONS: list[dict] = [
    {"kind": "sum", "total": "JP_PAPS_REMOVAL_REQUESTS_TOTAL",
     "parts": ["JP_PAPS_FILES_FULLY_REMOVED", "JP_PAPS_FILES_PARTLY_REMOVED", "JP_PAPS_FILES_STILL_ONLINE"]},
    {"kind": "sum", "total": "JP_PAPS_REMOVAL_REQUESTS",
     "parts": ["JP_PAPS_REMOVAL_FULL", "JP_PAPS_REMOVAL_PARTIAL", "JP_PAPS_REMOVAL_STILL_ONLINE"]},
    {"kind": "sum", "total": "KR_DSC_CENTER_DELETIONS",
     "parts": ["KR_DSC_CENTER_DELETIONS_ON_REQUEST", "KR_DSC_CENTER_DELETIONS_PROACTIVE"]},
    {"kind": "part", "total": "ncmec_cybertipline_total_reports", "parts": ["ncmec_esp_reports_esp_total"]},
]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def check_components(observations: list[dict], relations: list[dict] | None = None, lang: str = "en") -> list[dict]:
    """Flag totals whose components do not add up (``components_gap``); return quality rows."""
    relations = RELATIONS if relations is None else relations
    exact = {}
    for obs in observations:
        if obs["derivation"] == "reported" and obs["value_qualifier"] == "exact" and obs["value"] is not None:
            exact[(obs["series_id"], obs["start"], obs["end"])] = obs
    quality: list[dict] = []
    for relation in relations:
        totals = [o for (s, _, _), o in exact.items() if s == relation["total"]]
        for total in totals:
            period = (total["start"], total["end"])
            parts = [exact.get((p, *period)) for p in relation["parts"]]
            label = f"{total['start']}/{total['end']}"
            if relation["kind"] == "sum":
                if any(p is None for p in parts):
                    continue
                summed = sum(p["value"] for p in parts)
                gap = total["value"] - summed
                if gap == 0:
                    continue
                total["flags"].add("components_gap")
                ids = set(total["source_ids"]) | {i for p in parts for i in p["source_ids"]}
                quality.append({
                    "kind": "components_gap", "series_id": relation["total"], "period": label,
                    "figure_ids": ";".join(sorted(ids)),
                    "explanation": message("counts", "components_gap", lang,
                                           parts=" + ".join(_fmt(p["value"]) for p in parts), sum=_fmt(summed),
                                           total=_fmt(total["value"]), gap=_fmt(gap), share=f"{100 * gap / total['value']:.1f}"),
                })
            else:
                for name, part in zip(relation["parts"], parts):
                    if part is not None and part["value"] > total["value"]:
                        total["flags"].add("components_gap")
                        quality.append({
                            "kind": "component_exceeds_total", "series_id": relation["total"], "period": label,
                            "figure_ids": ";".join(sorted(set(total["source_ids"]) | set(part["source_ids"]))),
                            "explanation": message("counts", "component_exceeds", lang, part=name, part_value=_fmt(part["value"]),
                                                   total=relation["total"], total_value=_fmt(total["value"])),
                        })
    return quality


def check_tiling(observations: list[dict], lang: str = "en") -> list[dict]:
    """Compare each total with the disjoint pieces that tile it (``tiling_check``); return quality rows.

    Within one series, unit and segment, a period tiled day for day by finer exact counts (see
    :func:`research.clean.periods.period_tiling`) is the sum of those pieces: trends fit the
    pieces and keep the total as a check. A difference (a revision, a rounded total, a piece from
    another release) is reported; equal sums are not. Pieces left empty (a running total that
    fell, a difference across definitions) make no tiling.
    """
    groups: dict[tuple, list[dict]] = {}
    for obs in observations:
        if obs["unit"] == "count" and obs["value_qualifier"] == "exact" and obs["value"] is not None:
            groups.setdefault((obs["series_id"], obs["unit"], obs.get("segment", 0)), []).append(obs)
    quality: list[dict] = []
    for (series, _, _), members in sorted(groups.items(), key=lambda item: str(item[0])):
        # One observation per period, a reported figure before one derived from a running total.
        first: dict[tuple, dict] = {}
        for member in sorted(members, key=lambda m: m["derivation"] != "reported"):
            first.setdefault((member["start"], member["end"]), member)
        unique = list(first.values())
        _, tiled, _ = period_tiling([m["start"] for m in unique], [m["end"] for m in unique])
        for i, pieces in sorted(tiled.items()):
            total = unique[i]
            summed = sum(unique[j]["value"] for j in pieces)
            gap = total["value"] - summed
            if gap == 0:
                continue
            ids = set(total["source_ids"]) | {s for j in pieces for s in unique[j]["source_ids"]}
            quality.append({
                "kind": "tiling_check", "series_id": series, "period": f"{total['start']}/{total['end']}",
                "figure_ids": ";".join(sorted(ids)),
                "explanation": message("counts", "tiling_check", lang, total=_fmt(total["value"]), period=f"{total['start']}–{total['end']}",
                                       sum=_fmt(summed), n=len(pieces), gap=_fmt(gap), share=f"{100 * gap / total['value']:.1f}" if total["value"] else "—"),
            })
    return quality
