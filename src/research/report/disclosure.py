"""Disclosure control: applied to every table before it is written to ``reports/``.

Rules (issue 6):

* nothing below domain level — a cell holding a URL with a path, or an e-mail address, stops the
  export with a :class:`~research.errors.PrivacyError`;
* in tables derived from a takedown log (private data) counts under
  :data:`research.config.SUPPRESSION_THRESHOLD` are shown as ``"<10"``, never as 0 (primary
  suppression); where the table also shows totals or margins, further counts are shown as
  ``"[c]"`` until no ``"<10"`` cell can be worked out from the rest (secondary suppression,
  :mod:`research.suppression`); a rate whose numerator or denominator is withheld is withheld too
  (a share of a known total gives its count away);
* each table's counts, rates and relations are declared once, in :data:`SPECS`;
* rates on :data:`research.config.UNSTABLE_DENOMINATOR` cases or fewer are flagged unstable;
* already-published public statistics are shown exactly as published;
* tables made from synthetic data carry a ``synthetic`` watermark column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from research.audit import patterns
from research.config import SUPPRESSION_THRESHOLD, UNSTABLE_DENOMINATOR
from research.errors import ParseError, PrivacyError
from research.suppression import SECONDARY_LABEL, GroupTotal, Relation, RowTotal, SameTotal, SumOver, TableSpec, suppress, withheld_rates

Origin = Literal["public", "takedown_log"]

#: What lies below domain level (the export audit's detectors: one rule for both).
DETECTORS = ((patterns.find_urls_with_path, "a URL with a path"), (patterns.find_emails, "an e-mail address"), (patterns.find_phones, "a phone number"))
#: Columns of published statistics that cite their sources (URLs, publisher names such as
#: ``BreakingNews.ie/PA``): exempt from the check in public tables, as the audit allows them.
CITATION_COLUMNS = ("source_url", "source_urls", "publisher", "publishers")
WATERMARK_COLUMN = "synthetic"
WATERMARK_VALUE = "synthetic — illustrative"


#: Every table derived from a takedown log that the toolkit publishes, declared once (by file
#: stem): which columns are counts, which rates rest on which counts, and the relations between
#: counts (totals, margins) that a reader could use to work a hidden count out. Only relations
#: that hold by construction are declared (per-file counts by domain do not add up to the overall
#: count: a file can sit on several domains).
_TIME_COUNTS = ("urls", "removed", "removed_dated", "censored")
_REEMERGENCE_COUNTS = ("removals", "removals_undated", "reemerged")
SPECS: dict[str, TableSpec] = {
    "funnel": TableSpec(
        ("n", "total", "clusters"),
        # ``cluster_low``/``cluster_high`` (a bootstrap interval of n / total) bound n as closely as ``share_low``/``share_high``
        {"share": ("n", "total"), "cluster": ("n", "total")},
        (GroupTotal("total", "n", ("group_kind", "group", "unit")), SameTotal("n", "group_kind", ("unit", "status"), (("unit", "url"),))),
    ),
    # URLs per outcome detail: every group's details add up to its total, and the overall counts
    # of a detail to the same number under every grouping.
    "funnel_detail": TableSpec(
        ("n", "total"),
        {"share": ("n", "total")},
        (GroupTotal("total", "n", ("group_kind", "group", "unit")), SameTotal("n", "group_kind", ("unit", "status"))),
    ),
    # One nonparametric row per group and a row per parametric model repeating the group's counts.
    "time_to_removal": TableSpec(
        _TIME_COUNTS,
        {"share_removal_dated": ("removed_dated", "removed")},
        (RowTotal("urls", ("removed", "censored")), *(SameTotal(c, "model", ("group_kind", "group")) for c in _TIME_COUNTS)),
    ),
    "time_to_removal_medians": TableSpec(_TIME_COUNTS, {"share_removal_dated": ("removed_dated", "removed")}, (RowTotal("urls", ("removed", "censored")),)),
    # Numbers at risk fall over time by removals and censoring that are not published: no exact relation.
    "survival_curves": TableSpec(("at_risk", "removed", "censored")),
    "time_to_removal_curves": TableSpec(()),
    "time_to_removal_logrank": TableSpec(()),
    # Each row is one test: its counts are tied to the other tables (see TAKEDOWN_LOG), not to each other.
    "group_tests": TableSpec(("successes_a", "trials_a", "successes_b", "trials_b")),
    "reemergence": TableSpec(_REEMERGENCE_COUNTS, {"share": ("reemerged", "removals")}, tuple(SameTotal(c, "group_kind") for c in _REEMERGENCE_COUNTS)),
}

#: The network tables share their counts (a domain's URLs are in ``nodes``, in its layer link, in
#: its community's sum and in the concentration total), so they are suppressed together, stacked
#: into one table with a ``_table`` column and helper key columns (see
#: ``research.pipeline.s40_networks``): ``_key`` (a node, community or level), ``_source`` /
#: ``_target`` (a layer link's ends), ``_member_of`` (the community of a domain, or of a link
#: inside one) and ``_layer``. Rankings repeat the node counts and carry their suppression.
_NODE_COUNTS = ("urls", "decided", "non_removed")
_ON = {name: (("_table", name),) for name in ("nodes", "layer_edges", "communities", "edges", "concentration")}
NETWORK_RATES: dict[str, tuple[str | None, str]] = {
    "non_removal_rate": ("non_removed", "decided"),
    "eb_rate": ("non_removed", "decided"),
    "share_of_all_non_removed": ("non_removed", "decided"),
    "share": (None, "non_removed_total"),
    "auc": (None, "test_urls"),
    "observed_rate": (None, "urls"),
    # Newman's co-hosting weight is built from the shared files: withheld with their count.
    "co_hosting_weight": (None, "shared_content"),
}
SPECS["network"] = TableSpec(
    (*_NODE_COUNTS, "shared_content", "internal_shared_content", "domains", "non_removed_total"),
    NETWORK_RATES,
    (
        *(SameTotal(c, "layer", where=_ON["nodes"]) for c in _NODE_COUNTS),
        *(SumOver(c, "_key", "_source", whole=_ON["nodes"], parts=_ON["layer_edges"]) for c in _NODE_COUNTS),
        *(SumOver(c, "_key", "_target", whole=_ON["nodes"], parts=_ON["layer_edges"]) for c in _NODE_COUNTS),
        *(SumOver(c, "_key", "_member_of", whole=_ON["communities"], parts=_ON["nodes"]) for c in _NODE_COUNTS),
        SumOver("internal_shared_content", "_key", "_member_of", "shared_content", whole=_ON["communities"], parts=_ON["edges"]),
        SumOver("non_removed_total", "_key", "_layer", "non_removed", whole=_ON["concentration"], parts=_ON["nodes"]),
    ),
)
_RANKING_RELATIONS = tuple(SameTotal(c, "level") for c in _NODE_COUNTS)
SPECS["rankings"] = TableSpec(_NODE_COUNTS, {r: NETWORK_RATES[r] for r in ("non_removal_rate", "eb_rate")}, _RANKING_RELATIONS)
SPECS["nodes"] = TableSpec(_NODE_COUNTS, {r: NETWORK_RATES[r] for r in ("non_removal_rate", "eb_rate")}, SPECS["network"].relations[:3])
SPECS["layer_edges"] = TableSpec(_NODE_COUNTS)
SPECS["edges"] = TableSpec(("shared_content",), {"co_hosting_weight": NETWORK_RATES["co_hosting_weight"]})
SPECS["communities"] = TableSpec(("domains", *_NODE_COUNTS, "internal_shared_content"), {r: NETWORK_RATES[r] for r in ("non_removal_rate", "share_of_all_non_removed")})
SPECS["concentration"] = TableSpec(("non_removed_total",), {"share": NETWORK_RATES["share"]})
SPECS["model_folds"] = TableSpec(("train_urls", "test_urls", "test_domains"), {"auc": NETWORK_RATES["auc"]})
SPECS["model_calibration"] = TableSpec(("urls",), {"observed_rate": NETWORK_RATES["observed_rate"]})
SPECS["response_clusters"] = TableSpec(("domains",))
SPECS["co_hosting_summary"] = TableSpec(("files", "hub_files", "largest_file_sites", "links", "hub_file_pairs", "links_in_reports"))
for _name in ("lorenz", "eb_priors", "model_metrics", "model_effects", "model_coefficients", "response_cluster_k"):
    SPECS[_name] = TableSpec(())  # no counts: shares, priors, fitted coefficients, silhouettes


@dataclass(frozen=True)
class DisclosedTable:
    """A table that has passed disclosure control, with what was done to it.

    Attributes
    ----------
    frame
        The table as it may be published.
    origin
        ``"public"`` (shown as published) or ``"takedown_log"`` (suppressed and flagged).
    synthetic
        Whether the table was made from synthetic data (then it carries a watermark column).
    suppressed_cells
        How many count cells are withheld (shown as ``"<threshold"`` or ``"[c]"``), as
        :func:`count_suppressed` counts them in the published frame.
    values
        The count columns as numbers (withheld cells too): for computing, never for publishing.
    hidden
        Which cells of ``values`` are withheld.
    withheld_rate_cells
        Rate and interval cells blanked because a count they rest on is withheld.
    """

    frame: pd.DataFrame
    origin: Origin
    synthetic: bool
    suppressed_cells: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    values: pd.DataFrame | None = None
    hidden: pd.DataFrame | None = None
    withheld_rate_cells: int = 0


def suppressed_label(threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """The text shown instead of a small count, e.g. ``"<10"``."""
    return f"<{threshold}"


def _is_bare(url: str) -> bool:
    """A ``host.tld/path`` without a scheme or ``www.`` (publisher names such as ``BreakingNews.ie/PA``)."""
    return "://" not in url and not url.lower().startswith("www.")


def check_domain_level(table: pd.DataFrame, *, allowed: Sequence[str] = (), name: str = "table", public: bool = False) -> None:
    """Refuse a table that holds anything below domain level.

    The rule is the export audit's (:mod:`research.audit.patterns`: a URL with anything after the
    host — with a scheme, ``www.``, or a bare ``host.tld/path`` —, an e-mail address, a phone
    number), so that what disclosure lets through the audit never flags.

    Parameters
    ----------
    table
        Any table about to be exported.
    allowed
        Column names whose URLs are citations of public sources (e.g. ``source_url``), not data.
    name
        Shown in the error.
    public
        Published statistics: a bare ``host.tld/path`` there is a publisher's name or a cited
        source, which the export audit checks against the sources cited in ``data/raw/`` (the
        same detectors, with the audit's allowance); URLs with a scheme or ``www.`` are refused.

    Raises
    ------
    PrivacyError
        Naming the table, column and 1-based row; the offending value itself is never echoed.
    """
    for column in table.columns:
        if column in allowed:
            continue
        values = table[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        cells = values.astype("string").fillna("").str.replace("\n", " ", regex=False).tolist()
        text = "\n".join(cells)  # one scan per column; a cell's row is found from its offset
        for detect, what in DETECTORS:
            found = [m for m in detect(text) if not (public and m.kind == "url_path" and _is_bare(m.text))]
            if found:
                starts = np.cumsum([0] + [len(cell) + 1 for cell in cells[:-1]])
                row = int(np.searchsorted(starts, found[0].start, side="right"))
                raise PrivacyError(f"{name}: column {column!r}, row {row} holds {what}; only domains may be exported")


def suppress_counts(
    table: pd.DataFrame, count_columns: Sequence[str], threshold: int = SUPPRESSION_THRESHOLD
) -> tuple[pd.DataFrame, int]:
    """Show counts under ``threshold`` (zero included) as ``"<threshold>"`` (primary suppression only).

    Returns the new table (count columns become text: integers written without decimals, missing
    values left empty) and the number of cells suppressed. Tables with totals or margins need
    :func:`disclose` with their relations, which adds secondary suppression.
    """
    numbers, given = _parse_counts(table, count_columns, threshold)
    hidden = pd.DataFrame({c: (numbers[c] < threshold).fillna(False) | (given[c] != "") for c in count_columns}, index=table.index)
    secondary = pd.DataFrame({c: given[c] == "secondary" for c in count_columns}, index=table.index)
    out = render_counts(table, numbers, hidden, secondary, threshold)
    return out, int(hidden.to_numpy().sum())


def render_counts(
    table: pd.DataFrame, numbers: pd.DataFrame, hidden: pd.DataFrame, secondary: pd.DataFrame, threshold: int = SUPPRESSION_THRESHOLD
) -> pd.DataFrame:
    """The text of count columns as published: ``"<10"`` (primary), ``"[c]"`` (secondary), else the integer."""
    out = table.copy()
    label = suppressed_label(threshold)
    for column in numbers.columns:
        shown = _count_text(numbers[column])
        shown = shown.where(~hidden[column], label).where(~secondary[column], SECONDARY_LABEL)
        out[column] = shown.astype(object)
    return out


def _count_text(values: pd.Series) -> pd.Series:
    """Counts as text: whole numbers without decimals, others as Python writes them, missing as ``""``."""
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
    text = np.full(len(numbers), "", dtype=object)
    text[whole] = numbers[whole].astype(np.int64).astype(str).astype(object)
    other = ~whole & ~np.isnan(numbers)
    text[other] = [f"{v}" for v in numbers[other]]
    return pd.Series(text, index=values.index, dtype=object)


def _parse_counts(table: pd.DataFrame, columns: Sequence[str], threshold: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numbers of count columns (withheld cells missing) and which cells came withheld.

    The second frame holds ``"primary"`` for a ``"<threshold"`` cell, ``"secondary"`` for a
    :data:`~research.suppression.SECONDARY_LABEL` cell and ``""`` otherwise.
    """
    label = suppressed_label(threshold)
    numbers, given = {}, {}
    for column in columns:
        if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(table[column]):
            # A numeric column holds no withheld label: nothing to parse.
            numbers[column] = table[column]
            given[column] = pd.Series("", index=table.index, dtype=object)
            continue
        text = table[column].astype("string")
        mark = pd.Series("", index=table.index, dtype=object)
        mark[(text == label).fillna(False).to_numpy()] = "primary"
        mark[(text == SECONDARY_LABEL).fillna(False).to_numpy()] = "secondary"
        numbers[column] = _counts_of(table[column].where(mark == ""), column, label)
        given[column] = mark
    return pd.DataFrame(numbers, index=table.index), pd.DataFrame(given, index=table.index, dtype=object)


def count_suppressed(frame: pd.DataFrame, threshold: int = SUPPRESSION_THRESHOLD) -> int:
    """How many cells of a published table hold a suppression label (``"<10"`` or ``"[c]"``)."""
    labels = {suppressed_label(threshold), SECONDARY_LABEL}
    # A label is text: columns of numbers, dates or flags cannot hold one.
    text = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]
    return int(sum(frame[c].astype("string").isin(labels).fillna(False).sum() for c in text))


def flag_unstable(
    table: pd.DataFrame, rates: Mapping[str, str], limit: int = UNSTABLE_DENOMINATOR
) -> pd.DataFrame:
    """Add ``<rate>_unstable`` (bool) for each rate whose denominator is ``limit`` or fewer.

    Parameters
    ----------
    rates
        Maps each rate column to the column holding its denominator (number of cases).
    """
    out = table.copy()
    for rate, denominator in rates.items():
        out[f"{rate}_unstable"] = pd.to_numeric(table[denominator], errors="coerce").fillna(0) <= limit
    return out


def _counts_of(values: pd.Series, column: str, label: str) -> pd.Series:
    """Numbers of a count column; a cell that is neither a number nor empty is an error."""
    text = values.astype("string")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna() & (text.str.strip() != "")
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ParseError("not a count", column=column, row=row + 1, value=values.iloc[row])
    return numbers


def disclose(
    table: pd.DataFrame,
    *,
    origin: Origin,
    synthetic: bool = False,
    count_columns: Sequence[str] = (),
    rates: Mapping[str, tuple[str | None, str]] | None = None,
    relations: Sequence[Relation] = (),
    spec: TableSpec | str | None = None,
    allowed_url_columns: Sequence[str] = (),
    name: str = "table",
    threshold: int = SUPPRESSION_THRESHOLD,
    unstable_limit: int = UNSTABLE_DENOMINATOR,
) -> DisclosedTable:
    """Apply every disclosure rule to ``table`` and return what may be published.

    Parameters
    ----------
    table
        The table to publish (counts as numbers; cells already shown as ``"<10"`` or ``"[c]"``
        are kept withheld).
    origin
        ``"public"``: already-published statistics, shown as published (only the domain-level
        check applies). ``"takedown_log"``: counts suppressed (primary and secondary), rates
        flagged and, where a count they rest on is withheld, blanked.
    synthetic
        Adds the watermark column ``synthetic`` so the table cannot pass for real data.
    count_columns, rates, relations
        The table's disclosure spec given piecemeal; ``spec`` (a :class:`TableSpec` or the name
        of one in :data:`SPECS`) gives all three at once and wins.
    allowed_url_columns
        Columns that cite public sources by URL and are exempt from the domain-level check.
    """
    if origin not in ("public", "takedown_log"):
        raise ValueError(f"origin must be 'public' or 'takedown_log', not {origin!r}")
    allowed = (*allowed_url_columns, *(CITATION_COLUMNS if origin == "public" else ()))
    check_domain_level(table, allowed=allowed, name=name, public=origin == "public")
    out = table.copy()
    notes: list[str] = []
    values: pd.DataFrame | None = None
    hidden: pd.DataFrame | None = None
    withheld_rate_cells = 0
    suppressed = 0
    if origin == "takedown_log":
        if isinstance(spec, str):
            spec = SPECS[spec]
        if spec is None:
            spec = TableSpec(tuple(count_columns), dict(rates or {}), tuple(relations))
        counts = [c for c in spec.counts if c in table.columns]
        # a rate may be published as an interval only (``cluster_low``, ``cluster_high``)
        rates = {r: parts for r, parts in spec.rates.items() if any(f"{r}{end}" in table.columns for end in ("", "_low", "_high"))}
        numbers, given = _parse_counts(table, counts, threshold)
        keyed = pd.concat([table.drop(columns=counts), numbers], axis=1)
        done = suppress(keyed, TableSpec(tuple(counts), rates, spec.relations), threshold=threshold, name=name, given=given)
        hidden, secondary = done.hidden, done.secondary
        denominators = {d for _, d in rates.values()} - set(counts)
        extra, _ = _parse_counts(table, sorted(denominators), threshold)
        withheld = withheld_rates(pd.concat([numbers, extra], axis=1), hidden, rates, threshold)
        for rate, (_, denominator) in rates.items():
            unstable = pd.Series(pd.concat([numbers, extra], axis=1)[denominator].fillna(0).to_numpy() <= unstable_limit, index=table.index, dtype="boolean")
            if denominator in secondary.columns:
                unstable = unstable.mask(secondary[denominator])  # would bound a hidden total
            if rate in table.columns:
                out[f"{rate}_unstable"] = unstable
            for column in (rate, f"{rate}_low", f"{rate}_high"):
                if column in out.columns:
                    blanked = out.loc[withheld[rate].to_numpy(), column]  # only the withheld rows need their text
                    withheld_rate_cells += int((blanked.notna() & (blanked.astype("string") != "")).sum())
                    out[column] = out[column].astype(object).where(~withheld[rate], "")
        out = render_counts(out, numbers, hidden, secondary, threshold)
        values = numbers
        suppressed = int(hidden.to_numpy().sum())
        notes.append(
            f"counts under {threshold} shown as {suppressed_label(threshold)}; further counts shown as {SECONDARY_LABEL} "
            f"where a small count could otherwise be worked out from totals or margins (secondary suppression); "
            f"rates resting on a withheld count blanked; rates on {unstable_limit} or fewer flagged unstable"
        )
    if synthetic:
        out.insert(0, WATERMARK_COLUMN, WATERMARK_VALUE)
        notes.append("synthetic data: illustrative only")
    return DisclosedTable(out, origin, synthetic, suppressed, tuple(notes), values, hidden, withheld_rate_cells)


def disclose_together(
    tables: Mapping[str, pd.DataFrame], spec: TableSpec | str, *, synthetic: bool = False, threshold: int = SUPPRESSION_THRESHOLD, name: str = "tables"
) -> dict[str, DisclosedTable]:
    """Disclose tables that share counts as one: stacked (``_table`` = name), suppressed, split back.

    Columns whose name starts with ``_`` are keys for the relations and are dropped afterwards;
    each table keeps its own columns (plus the ``<rate>_unstable`` flags of its own rates).
    """
    spec = SPECS[spec] if isinstance(spec, str) else spec
    stacked = pd.concat([frame.assign(_table=table) for table, frame in tables.items()], ignore_index=True)
    # A count column absent from a table is missing there, never a number to suppress.
    stacked = stacked.astype({c: "Float64" for c in spec.counts if c in stacked.columns and stacked[c].dtype != object})
    whole = disclose(stacked, origin="takedown_log", spec=spec, threshold=threshold, name=name)
    out: dict[str, DisclosedTable] = {}
    for table, frame in tables.items():
        rows = (stacked["_table"] == table).to_numpy()
        keep = [c for c in frame.columns if not str(c).startswith("_")]
        keep += [f"{r}_unstable" for r in spec.rates if r in frame.columns]
        part = whole.frame.loc[rows, keep].reset_index(drop=True)
        counts = [c for c in spec.counts if c in frame.columns]
        changed = {*counts, *(f"{r}{end}" for r in spec.rates for end in ("", "_low", "_high", "_unstable"))}
        for column in (c for c in keep if c in frame.columns and c not in changed):
            part[column] = frame[column].to_numpy()  # untouched columns keep their values and types
        values = whole.values.loc[rows, counts].reset_index(drop=True) if whole.values is not None else None
        hidden = whole.hidden.loc[rows, counts].reset_index(drop=True) if whole.hidden is not None else None
        if synthetic:
            part.insert(0, WATERMARK_COLUMN, WATERMARK_VALUE)
        out[table] = DisclosedTable(part, "takedown_log", synthetic, int(hidden.to_numpy().sum()) if hidden is not None else 0, whole.notes, values, hidden)
    return out


def carry_withheld(target: pd.DataFrame, source: DisclosedTable, target_key: pd.Series, source_key: pd.Series, columns: Sequence[str], threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """``target`` with the cells it shares with ``source`` (same key, same column) withheld as there.

    For a table that repeats another's counts (rankings repeat the node counts): it must show
    exactly what the other shows, or the two together give the hidden cells away.
    """
    if source.hidden is None:
        return target
    out = target.copy()
    label = suppressed_label(threshold)
    position = pd.Series(np.arange(len(source_key)), index=source_key.to_numpy())
    matched = target_key.map(position)
    for column in columns:
        if column not in out.columns or column not in source.hidden.columns:
            continue
        hidden = source.hidden[column].to_numpy()
        primary = source.values[column].to_numpy(dtype=float) < threshold
        flags = matched.map(lambda i: bool(hidden[int(i)]) if pd.notna(i) else False).to_numpy(dtype=bool)
        small = matched.map(lambda i: bool(primary[int(i)]) if pd.notna(i) else False).to_numpy(dtype=bool)
        text = out[column].astype(object)
        text[flags & small] = label
        text[flags & ~small] = SECONDARY_LABEL
        out[column] = text
    return out
