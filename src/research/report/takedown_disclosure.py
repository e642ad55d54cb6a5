"""Disclosure control of the analysis tables of one takedown log, applied to them together.

The tables of ``research takedowns analyse`` (and of stage 30) repeat each other's counts: the
URLs removed in a group are a cell of the funnel, of ``time_to_removal`` and of the group tests;
a group's URLs still online or pending add up to its censored URLs; a test's trials are the
group's URLs. Suppressed one by one, a count hidden in one table can be read off (or worked out
by subtraction from) another. So the tables are stacked into one, with key columns linking the
cells that must agree (:data:`TAKEDOWN_LOG`), suppressed as one table, split back, and then each
is disclosed with its own spec (:data:`research.report.disclosure.SPECS`), which keeps every cell
the stack withheld and withholds the rates resting on them.

A takedown-derived table without an entry in ``SPECS`` is refused (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from research.config import SUPPRESSION_THRESHOLD
from research.errors import PrivacyError
from research.report.disclosure import SPECS, disclose
from research.suppression import GroupTotal, RowTotal, SameTotal, SumOver, TableSpec

#: The tables' cross-table links: a table's rows are ``("_table", name)``.
_FUNNEL = (("_table", "funnel"),)
_DETAIL = (("_table", "funnel_detail"),)
_TIMES = (("_table", "time_to_removal"),)
_NONPARAMETRIC = (("_table", "time_to_removal"), ("model", "nonparametric"))
_MEDIANS = (("_table", "time_to_removal_medians"),)
_TESTS = (("_table", "group_tests"),)
_REEMERGENCE = (("_table", "reemergence"),)
_TIME_COUNTS = ("urls", "removed", "removed_dated", "censored")

#: The relations between the tables of one log that hold by construction:
#:
#: * funnel: each group's ``total`` is the sum of its statuses; URLs by any grouping add up to all;
#: * ``time_to_removal`` (per group of ``by``): ``urls = removed + censored``; the parametric rows
#:   repeat the nonparametric row's counts; ``removed`` is the funnel's removed URLs of the
#:   group and ``censored`` its online and pending URLs (unknown outcomes are left out);
#: * ``time_to_removal_medians`` repeats the nonparametric rows;
#: * ``group_tests``: a group's ``successes`` are its removed URLs, its ``trials`` its decided URLs
#:   (= ``urls`` of ``time_to_removal``);
#: * ``reemergence``: removals, undated removals and re-emergences by domain add up to all;
#: * ``funnel_detail``: a group's URLs of each outcome (``online``: refused + no_response +
#:   delisted + …) are the funnel's URLs of that outcome in that group; details by group add up to all.
#:
#: Survival curves are not linked: their numbers at risk fall by removals and censoring between
#: the days shown, which are not published.
TAKEDOWN_LOG = TableSpec(
    (*dict.fromkeys(c for spec in ("funnel", "time_to_removal", "survival_curves", "group_tests", "reemergence") for c in SPECS[spec].counts),),
    {},
    (
        GroupTotal("total", "n", ("_table", "group_kind", "group", "unit")),
        SameTotal("n", "group_kind", ("unit", "status"), (*_FUNNEL, ("unit", "url"))),
        RowTotal("urls", ("removed", "censored")),
        *(SameTotal(c, "model", ("group_kind", "group"), _TIMES) for c in _TIME_COUNTS),
        SumOver("removed", "_removed_key", "_key", "n", whole=_TIMES, parts=_FUNNEL),
        SumOver("censored", "_censored_key", "_censored_of", "n", whole=_TIMES, parts=_FUNNEL),
        *(SumOver(c, "_group", "_group", c, whole=_MEDIANS, parts=_NONPARAMETRIC) for c in _TIME_COUNTS),
        *(SumOver(f"successes_{side}", f"_{side}_removed", "_key", "n", whole=_TESTS, parts=_FUNNEL) for side in "ab"),
        *(SumOver(f"trials_{side}", f"_{side}", "_group", "urls", whole=_TESTS, parts=_NONPARAMETRIC) for side in "ab"),
        *(SameTotal(c, "group_kind", where=_REEMERGENCE) for c in ("removals", "removals_undated", "reemerged")),
        SameTotal("n", "group_kind", ("unit", "status"), _DETAIL),
        SumOver("n", "_key", "_outcome_key", "n", whole=_FUNNEL, parts=_DETAIL),
    ),
)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string")


def linked(name: str, frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """``frame`` with the key columns (``_key``, ``_group`` …) that :data:`TAKEDOWN_LOG` links on."""
    out = frame.copy()
    na = pd.Series(pd.NA, index=out.index, dtype="string")
    if name == "funnel":
        base = _text(out["group_kind"]) + ":" + _text(out["group"])
        out["_key"] = base + ":" + _text(out["unit"]) + ":" + _text(out["status"])
        open_urls = (out["unit"] == "url") & out["status"].isin(["online", "pending"])
        out["_censored_of"] = (base + ":censored").where(open_urls, na)
    elif name == "funnel_detail":
        out["_outcome_key"] = _text(out["group_kind"]) + ":" + _text(out["group"]) + ":url:" + _text(out["outcome"])
    elif name == "time_to_removal":
        base = _text(out["group_kind"]) + ":" + _text(out["group"])
        out["_removed_key"] = base + ":url:removed"
        out["_censored_key"] = base + ":censored"
        out["_group"] = base.where(out["model"] == "nonparametric", na)
    elif name == "time_to_removal_medians":
        out["_group"] = by + ":" + _text(out["group"])
    elif name == "group_tests":
        for side in "ab":
            group = _text(out[f"group_{side}"])
            out[f"_{side}"] = by + ":" + group
            out[f"_{side}_removed"] = by + ":" + group + ":url:removed"
    return out


def disclose_log_tables(
    tables: Mapping[str, tuple[pd.DataFrame, Sequence[str], Mapping[str, tuple[str | None, str]]]],
    by: str,
    *,
    synthetic: bool,
    public: bool = False,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict[str, pd.DataFrame]:
    """The analysis tables of one log as they may be published, by file stem.

    Parameters
    ----------
    tables
        ``stem → (table, count columns, rates)`` (``research.takedowns.analysis.analyse_log``
        and the stage's extra tables).
    by
        The column the groups of ``time_to_removal`` and ``group_tests`` come from.
    synthetic
        Adds the watermark column.
    public
        A log already public in full: shown as published (only the domain-level check).

    Raises
    ------
    PrivacyError
        A table without a disclosure spec in :data:`research.report.disclosure.SPECS`.
    """
    if public:
        return {stem: disclose(frame, origin="public", synthetic=synthetic, name=f"{stem}.csv").frame for stem, (frame, _, _) in tables.items()}
    missing = sorted(set(tables) - set(SPECS))
    if missing:
        raise PrivacyError(f"no disclosure spec (research.report.disclosure.SPECS) for the takedown table(s) {', '.join(missing)}: not exported")
    specs = {stem: TableSpec(tuple(dict.fromkeys([*SPECS[stem].counts, *counts])), {**dict(rates), **SPECS[stem].rates}, SPECS[stem].relations) for stem, (_, counts, rates) in tables.items()}
    counts = tuple(dict.fromkeys([*TAKEDOWN_LOG.counts, *(c for spec in specs.values() for c in spec.counts)]))
    frames = {stem: frame.reset_index(drop=True) for stem, (frame, _, _) in tables.items()}
    stacked = pd.concat([linked(stem, frame, by).assign(_table=stem) for stem, frame in frames.items()], ignore_index=True)
    # A count column absent from a table is missing there, never a number to suppress.
    stacked = stacked.astype({c: "Float64" for c in counts if c in stacked.columns and stacked[c].dtype != object})
    together = disclose(stacked, origin="takedown_log", spec=TableSpec(counts, {}, TAKEDOWN_LOG.relations), threshold=threshold, name="takedown tables").frame
    out: dict[str, pd.DataFrame] = {}
    for stem, frame in frames.items():
        part = frame.copy()
        rows = (stacked["_table"] == stem).to_numpy()
        for column in (c for c in specs[stem].counts if c in frame.columns):
            part[column] = together.loc[rows, column].to_numpy()  # "<10" and "[c]" where the stack withheld them
        out[stem] = disclose(part, origin="takedown_log", synthetic=synthetic, spec=specs[stem], threshold=threshold, name=f"{stem}.csv").frame
    return out
