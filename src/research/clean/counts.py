"""Clean a raw figures table into ``counts.csv``, ``quarantine.csv`` and ``quality.csv``.

Steps: check the columns (a missing one is a :class:`~research.errors.SchemaError`); read each
row (an unreadable cell sends the row to quarantine with file, row, column, value and reason, and
the rest of the file goes on); reconcile the figures of one series and period
(:mod:`research.clean.reconcile`); difference cumulative releases
(:mod:`research.clean.cumulative`); mark definition breaks (:mod:`research.clean.breaks`);
check components against totals (:mod:`research.clean.components`); flag fiscal, partial and
provisional periods. Rows in = rows used + rows quarantined, always (checked on return).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.audit import patterns
from research.clean.breaks import apply_breaks, read_breaks
from research.clean.components import check_components, check_tiling
from research.clean.cumulative import derive_increments, link_sub_series
from research.clean.figures_schema import COUNTS_COLUMNS, COUNTS_SCHEMA, QUALITY_COLUMNS, QUALITY_SCHEMA, QUARANTINE_COLUMNS, QUARANTINE_SCHEMA, check_figure_columns
from research.clean.numbers import parse_number
from research.clean.periods import check_plausible_date, classify_period, exposure_days, parse_date
from research.clean.places import normalise_country
from research.clean.read_table import read_text_table
from research.clean.reconcile import reconcile
from research.clean.redact import redact_text
from research.clean.units import parse_unit
from research.config import paths
from research.errors import InputError, ParseError, ResearchError
from research.i18n import message
from research.lineage import relative_path

FLAG_ORDER = (
    "provisional", "unresolved", "conflict_resolved", "corroborated_rounded", "bound", "approximate", "partial_period",
    "fiscal_year", "ytd_derived", "cumulative_fell", "definition_mismatch", "definition_break", "coverage_change", "intervention",
    "components_gap",
)


@dataclass
class CleanResult:
    """The three tables of one cleaning run."""

    counts: pd.DataFrame
    quarantine: pd.DataFrame
    quality: pd.DataFrame
    rows_in: int
    rows_used: int


def read_figures(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a raw figures CSV as text (blank cells as ``""``) and check its columns."""
    table = read_text_table(path).frame.fillna("").astype(object)  # any encoding/delimiter; blanks as ""
    return check_figure_columns(table, file=str(path))


def _parse_row(row: pd.Series, seen: dict[str, int], lang: str) -> dict:
    """Read one raw row; raise ParseError naming the column on the first bad cell."""
    def fail(column: str, key: str, **fields) -> None:
        raise ParseError(message("counts", key, lang, **fields), column=column, value=row[column])

    for column, cell in row.items():
        if isinstance(cell, str) and patterns.CONTROL.search(cell):  # refused at read, never written
            raise ParseError(message("counts", "control_character", lang), column=str(column), value=redact_text(cell))

    for column in ("figure_id", "series_id", "publisher", "source_url"):
        if not row[column].strip():
            fail(column, "empty_field")
    if row["figure_id"] in seen:
        fail("figure_id", "duplicate_figure_id", first_row=seen[row["figure_id"]])
    if not row["period_start"].strip() and not row["period_end"].strip():
        fail("period_start", "missing_period")
    for column in ("period_start", "period_end"):
        if not row[column].strip():
            fail(column, "half_period")
    dates = {}
    for column in ("period_start", "period_end"):
        try:
            dates[column] = check_plausible_date(parse_date(row[column]))
        except ParseError as error:
            fail(column, "bad_date", error=error.message)
    if dates["period_end"] < dates["period_start"]:
        fail("period_end", "period_reversed", start=dates["period_start"], end=dates["period_end"])
    try:
        country = normalise_country(row["country"])
    except ParseError as error:
        fail("country", "bad_country", error=error.message)
    try:
        unit = parse_unit(row["unit"])
    except ParseError as error:
        fail("unit", "bad_unit", error=error.message)
    if not row["value"].strip():
        fail("value", "empty_value")
    try:
        number = parse_number(row["value"], locale="raw")
    except ParseError as error:
        fail("value", "bad_value", error=error.message)
    tier = row["source_tier"].strip()
    if not (tier.isdigit() and 1 <= int(tier) <= 5):
        fail("source_tier", "bad_tier")
    qualifier = number.qualifier if number.qualifier != "exact" else unit.qualifier
    unit_name = "ratio" if number.ratio else unit.unit
    value = number.value
    if unit_name == "count" and qualifier == "exact" and pd.notna(value) and not float(value).is_integer():
        fail("value", "count_not_whole", unit=row["unit"])
    low, high = number.low, number.high
    if qualifier == "lower_bound":
        low = value
    elif qualifier == "upper_bound":
        high = value
    return {
        "figure_id": row["figure_id"], "series_id": row["series_id"].strip(), "country": country,
        "publisher": row["publisher"].strip(), "indicator": row["indicator"].strip(),
        "start": dates["period_start"], "end": dates["period_end"], "value": value, "low": low, "high": high,
        "qualifier": qualifier, "precision": number.precision, "unit": unit_name,
        "counted": "ratio" if number.ratio else unit.counted, "unit_note": unit.note, "unit_raw": row["unit"],
        "tier": int(tier), "source_date": row["source_date"].strip(),
    }


def parse_figures(table: pd.DataFrame, file: str | None = None, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every row of a checked figures table; return (parsed rows, quarantine)."""
    parsed, quarantined = [], []
    seen: dict[str, int] = {}
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        try:
            record = _parse_row(row, seen, lang)
        except ParseError as error:
            quarantined.append({
                "figure_id": redact_text(row["figure_id"]) if isinstance(row["figure_id"], str) else row["figure_id"], "row_number": position, "column": error.column or "",
                "value": "" if error.value is None else str(error.value),
                "reason": str(ParseError(error.message, file=file, row=position, column=error.column, value=error.value)),
            })
            continue
        seen[record["figure_id"]] = position
        record["row_number"] = position
        parsed.append(record)
    return pd.DataFrame(parsed), pd.DataFrame(quarantined, columns=QUARANTINE_COLUMNS)


def _row_quality(rows: pd.DataFrame, lang: str) -> list[dict]:
    quality = []
    for row in rows.itertuples(index=False):
        period = f"{row.start}/{row.end}"
        if row.unit_note.lower().startswith("mislabelled"):
            quality.append({"kind": "mislabelled_unit", "series_id": row.series_id, "period": period, "figure_ids": row.figure_id,
                            "explanation": message("counts", "mislabelled", lang, note=row.unit_note, counted=row.counted)})
        if not row.source_date:
            quality.append({"kind": "missing_source_date", "series_id": row.series_id, "period": period, "figure_ids": row.figure_id,
                            "explanation": message("counts", "missing_source_date", lang)})
    return quality


def _period_flags(obs: dict) -> None:
    kind = obs.get("period_kind") or classify_period(obs["start"], obs["end"], obs["country"])
    obs["period_kind"] = kind
    if kind == "fiscal_year_jp":
        obs["flags"].add("fiscal_year")
    short = obs["end"].year == obs["start"].year and exposure_days(obs["start"], obs["end"]) < 365
    if kind in ("year_to_date", "ytd_increment") or (kind == "other" and short):
        obs["flags"].add("partial_period")


def _flag_provisional(observations: list[dict]) -> None:
    latest: dict[str, object] = {}
    for obs in observations:
        latest[obs["series_id"]] = max(latest.get(obs["series_id"], obs["end"]), obs["end"])
    for obs in observations:
        if obs["end"] == latest[obs["series_id"]]:
            obs["flags"].add("provisional")


def _number(value: float) -> str:
    """A value as plain digits (no grouping), whole numbers without a decimal point."""
    return f"{value:.0f}" if float(value).is_integer() else repr(float(value))


def _to_frame(observations: list[dict]) -> pd.DataFrame:
    records = []
    for obs in observations:
        records.append({
            "series_id": obs["series_id"], "country": obs["country"], "indicator": obs["indicator"],
            "unit": obs["unit"], "counted": obs["counted"], "value_qualifier": obs["value_qualifier"],
            "value": obs["value"], "value_low": obs["value_low"], "value_high": obs["value_high"],
            "period_start": obs["start"].isoformat(), "period_end": obs["end"].isoformat(),
            "period_kind": obs["period_kind"], "exposure_days": exposure_days(obs["start"], obs["end"]),
            "derivation": obs["derivation"], "source_ids": ";".join(sorted(obs["source_ids"])),
            "conflicting_source_ids": ";".join(sorted(obs["conflicting_source_ids"])),
            "publishers": ";".join(sorted(obs["publishers"])), "n_sources": len(obs["source_ids"]),
            "best_source_tier": int(obs["best_source_tier"]),
            "flags": ";".join(f for f in FLAG_ORDER if f in obs["flags"]),
            "break_ids": ";".join(sorted(obs["break_ids"])), "segment": int(obs["segment"]),
            "unresolved_values": ";".join(f"{_number(v)}={ids}" for v, ids in obs.get("unresolved_values", [])),
        })
    frame = pd.DataFrame(records, columns=COUNTS_COLUMNS)
    for column in ("value", "value_low", "value_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in ("exposure_days", "n_sources", "best_source_tier", "segment"):
        frame[column] = frame[column].astype("int64")
    order = ["series_id", "unit", "period_start", "period_end", "derivation"]
    return frame.sort_values(order, kind="mergesort").reset_index(drop=True)


def clean_counts(
    table: pd.DataFrame,
    breaks: pd.DataFrame | None = None,
    *,
    file: str | None = None,
    lang: str = "en",
) -> CleanResult:
    """Clean a raw figures table (already read as text) into counts, quarantine and quality.

    Parameters
    ----------
    table
        Raw figures (the columns of ``figures.csv``).
    breaks
        The definition-break registry (:func:`research.clean.breaks.read_breaks`); none if omitted.
    file
        Name of the input, used in every message.
    lang
        Language of the quarantine reasons and quality explanations.
    """
    table = check_figure_columns(table, file=file)
    rows, quarantine = parse_figures(table, file=file, lang=lang)
    observations: list[dict] = []
    quality: list[dict] = []
    if not rows.empty:
        quality += _row_quality(rows, lang)
        observations, problems = reconcile(rows, lang)
        quality += problems
        derived, problems = derive_increments(observations, lang)
        observations += derived
        quality += problems
        for obs in observations:
            _period_flags(obs)
        if breaks is not None and not breaks.empty:
            quality += apply_breaks(observations, breaks, lang)
            quality += link_sub_series(observations, breaks, lang)
        else:
            for obs in observations:
                obs.setdefault("break_ids", set())
                obs.setdefault("segment", 0)
        quality += check_components(observations, lang=lang)
        quality += check_tiling(observations, lang=lang)
        _flag_provisional(observations)
    counts = COUNTS_SCHEMA.validate(_to_frame(observations))
    quality_frame = pd.DataFrame(quality, columns=QUALITY_COLUMNS).sort_values(["kind", "series_id", "period", "figure_ids"], kind="mergesort").reset_index(drop=True)
    quality_frame = QUALITY_SCHEMA.validate(quality_frame)
    quarantine = QUARANTINE_SCHEMA.validate(quarantine.astype({"row_number": "int64"}))
    used_ids = set()
    for column in ("source_ids", "conflicting_source_ids"):
        for cell in counts.loc[counts["derivation"] == "reported", column]:
            used_ids.update(i for i in cell.split(";") if i)
    rows_used = len(used_ids)
    if rows_used + len(quarantine) != len(table):
        raise ResearchError(f"{file}: rows in ({len(table)}) ≠ rows used ({rows_used}) + rows quarantined ({len(quarantine)})")
    return CleanResult(counts, quarantine, quality_frame, len(table), rows_used)


def clean_counts_file(
    figures: str | os.PathLike[str],
    breaks: str | os.PathLike[str] | None = None,
    lang: str = "en",
    root: str | os.PathLike[str] | None = None,
) -> CleanResult:
    """Read and clean a figures CSV (and the break registry, if given).

    The quarantine names the file relative to ``root`` (default: the project root), or by its
    name when it lies outside: never an absolute path, so two clones give the same bytes.
    """
    table = read_figures(figures)
    if breaks is not None and not Path(breaks).is_file():
        raise InputError("the definition-break registry does not exist", file=str(breaks))
    registry = read_breaks(breaks) if breaks is not None else None
    shown = relative_path(Path(figures), Path(root) if root is not None else paths().root)
    return clean_counts(table, registry, file=shown, lang=lang)
