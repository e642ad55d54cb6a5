"""The catalogue: every table and figure set the toolkit publishes, declared once.

Each :class:`Entry` names one output: where it lives (a path pattern under the project root,
resolved through :mod:`research.config`), which stage writes it, what it is made from (other
entries), its pandera schema where one exists, its origin and its disclosure rule. Code that reads
an output asks for it by name (:func:`path`, :func:`load`) instead of spelling or globbing paths.

Whether an output is synthetic is never read from a folder name, a flag or a column a user's file
could carry: it is the ``synthetic`` key of the output's lineage sidecar, which the writers set
from the inputs' sidecars (:func:`research.lineage.write_sidecar`), rooted in the marker the
toolkit's own generator leaves. :func:`is_synthetic` reads it; a figure set, which has no sidecar,
is synthetic when a table it is drawn from is.

A pattern may hold ``{source}`` (which log: ``synthetic`` and ``lumen`` in the pipeline, or empty
for the default folder of ``research network build``) and ``{table}`` (one of a family of tables).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from research.config import ProjectPaths
from research.lineage import sidecar_path

Origin = Literal["public", "takedown_log", "derived"]
Kind = Literal["table", "figures", "file"]

#: The log the pipeline builds and analyses: the seeded example made by the toolkit's generator.
EXAMPLE_SOURCE = "synthetic"


@dataclass(frozen=True)
class Disclosure:
    """The disclosure rule of a table (see :func:`research.report.disclosure.disclose`).

    ``origin`` ``public`` means published aggregates shown as published; ``takedown_log`` means
    counts under the threshold are suppressed, rates resting on them blanked, nothing below site
    level. ``counts`` and ``rates`` are the columns the rule applies to, when fixed.
    """

    origin: Literal["public", "takedown_log"]
    counts: tuple[str, ...] = ()
    rates: Mapping[str, tuple[str | None, str]] = field(default_factory=dict)


PUBLIC = Disclosure("public")
TAKEDOWN = Disclosure("takedown_log")


@dataclass(frozen=True)
class Entry:
    """One published table, file or figure set.

    Parameters
    ----------
    name
        Catalogue name (what code asks for).
    pattern
        Path relative to the project root; may hold ``{source}`` and ``{table}``.
    stage
        The pipeline stage that writes it (``research reproduce --only STAGE``).
    origin
        ``public`` (published figures), ``takedown_log`` (derived from a takedown log) or
        ``derived`` (built from other entries, e.g. the report).
    description
        What it holds, in a few words.
    inputs
        Catalogue names it is made from (for figure sets: the tables drawn).
    schema
        ``module:ATTRIBUTE`` of its pandera schema, where the toolkit has one.
    disclosure
        Its disclosure rule, for tables that leave the machine.
    kind
        ``table`` (CSV/Parquet with a lineage sidecar), ``file`` or ``figures`` (a folder).
    """

    name: str
    pattern: str
    stage: str
    origin: Origin
    description: str
    inputs: tuple[str, ...] = ()
    schema: str | None = None
    disclosure: Disclosure | None = None
    kind: Kind = "table"

    def path(self, paths: ProjectPaths, **fields: str) -> Path:
        """Where this entry lives in ``paths`` (``fields`` fill ``{source}`` and ``{table}``)."""
        relative = self.pattern.format(**{"source": EXAMPLE_SOURCE, **fields})
        # An empty field ("network build" without a source) leaves "a//b", which Path folds.
        return paths.root / Path(*[part for part in relative.split("/") if part])

    def pandera_schema(self) -> Any:
        """The pandera schema object, or ``None``."""
        if self.schema is None:
            return None
        module, _, attribute = self.schema.partition(":")
        return getattr(importlib.import_module(module), attribute)


_TD = "reports/tables/takedowns/{source}"
_NET = "data/processed/network/{source}"

ENTRIES: tuple[Entry, ...] = (
    # Stage counts: the sourced figures, cleaned.
    Entry("figures", "data/raw/figures.csv", "raw", "public", "published figures, one row per printed number", schema="research.clean.figures_schema:FIGURES_SCHEMA", disclosure=PUBLIC),
    Entry("definition_breaks", "data/raw/definition_breaks.csv", "raw", "public", "registry of definition breaks and interventions", kind="file"),
    Entry("series_catalogue", "data/raw/series.csv", "raw", "public", "one row per series: titles in four languages, what is counted, flow or stock", kind="file"),
    Entry("series_catalogue_additions", "data/raw/series_added_2026-12-01.csv", "raw", "public", "series catalogued after series.csv was published (same columns)", kind="file"),
    Entry(
        "counts", "data/processed/counts.csv", "counts", "public", "tidy count observations (+ counts.parquet)", ("figures", "definition_breaks"), "research.clean.figures_schema:COUNTS_SCHEMA", PUBLIC
    ),
    Entry("counts_quarantine", "data/processed/quarantine.csv", "counts", "public", "figure rows not used, with the reason", ("figures",), "research.clean.figures_schema:QUARANTINE_SCHEMA", PUBLIC),
    Entry(
        "counts_quality",
        "data/processed/quality.csv",
        "counts",
        "public",
        "conflicts, corroborations and gaps found while cleaning",
        ("figures",),
        "research.clean.figures_schema:QUALITY_SCHEMA",
        PUBLIC,
    ),
    # Stage trends.
    Entry("trends", "data/processed/trends.csv", "trends", "public", "growth of every series × segment with intervals", ("counts", "definition_breaks", "series_catalogue"), disclosure=PUBLIC),
    Entry("trend_comparisons", "data/processed/trend_comparisons.csv", "trends", "public", "ratios of growth between series", ("counts", "definition_breaks", "series_catalogue"), disclosure=PUBLIC),
    Entry(
        "trend_segments",
        "data/processed/trend_segments.csv",
        "trends",
        "public",
        "joinpoint segments with annual percent change",
        ("counts", "definition_breaks", "series_catalogue"),
        disclosure=PUBLIC,
    ),
    Entry(
        "trend_averages",
        "data/processed/trend_averages.csv",
        "trends",
        "public",
        "average annual percent change over fixed windows",
        ("counts", "definition_breaks", "series_catalogue"),
        disclosure=PUBLIC,
    ),
    Entry(
        "trend_sensitivity",
        "data/processed/trend_sensitivity.csv",
        "trends",
        "public",
        "fits run both ways where same-tier sources disagree",
        ("counts", "definition_breaks"),
        disclosure=PUBLIC,
    ),
    Entry(
        "interventions",
        "data/processed/interventions.csv",
        "trends",
        "public",
        "rate ratios around interventions (interrupted time series)",
        ("counts", "definition_breaks", "series_catalogue"),
        disclosure=PUBLIC,
    ),
    Entry("trend_figures", "reports/figures/trends", "trends", "public", "one figure per fitted series", ("counts", "trends"), kind="figures"),
    # Stage takedown_logs: the example log and the Lumen sample, cleaned.
    Entry(
        "synthetic_log",
        "data/processed/takedowns/synthetic/synthetic_log.csv.gz",
        "takedown_logs",
        "takedown_log",
        "the seeded synthetic example log (raw format)",
        ("figures",),
        "research.clean.takedown_schema:TAKEDOWN_LOG_SCHEMA",
        kind="file",
    ),
    Entry(
        "takedowns",
        "data/processed/takedowns/{source}/takedowns.parquet",
        "takedown_logs",
        "takedown_log",
        "a cleaned takedown log, one row per request × URL (+ .csv)",
        ("synthetic_log",),
        schema="research.clean.takedown_schema:CLEAN_TAKEDOWNS_SCHEMA",
    ),
    Entry("takedowns_quarantine", "data/processed/takedowns/{source}/quarantine.csv", "takedown_logs", "takedown_log", "log rows not used, with the reason"),
    Entry("takedowns_quality", "data/processed/takedowns/{source}/quality.csv", "takedown_logs", "takedown_log", "rows in, out, quarantined; mapping notes"),
    # Stage takedowns: the logs' analysis; Google's aggregates.
    Entry(
        "takedown_funnel",
        f"{_TD}/funnel.csv",
        "takedowns",
        "takedown_log",
        "outcome funnel with Wilson intervals",
        ("takedowns",),
        disclosure=Disclosure("takedown_log", ("n", "total"), {"share": ("n", "total")}),
    ),
    Entry("takedown_tables", f"{_TD}/{{table}}.csv", "takedowns", "takedown_log", "outcome details, time to removal, group tests, log-rank test, re-emergence", ("takedowns",), disclosure=TAKEDOWN),
    Entry("takedown_figures", "reports/figures/takedowns/{source}", "takedowns", "takedown_log", "funnel and time-to-removal figures", ("takedown_funnel",), kind="figures"),
    Entry("google_removals", "data/processed/takedowns/google/removal_outcomes.csv", "takedowns", "public", "Google government removal requests with outcome shares (+ .parquet)", disclosure=PUBLIC),
    Entry(
        "google_requests_by_reason",
        "data/processed/takedowns/google/removal_requests_by_reason.csv",
        "takedowns",
        "public",
        "Google detailed removal requests by reason (+ .parquet)",
        disclosure=PUBLIC,
    ),
    Entry(
        "google_tables", "reports/tables/takedowns/google/{table}.csv", "takedowns", "public", "Google funnels by country and requester, non-removal ranking", ("google_removals",), disclosure=PUBLIC
    ),
    # Stage networks (and `research network build`, which writes the same tables elsewhere).
    Entry("network_tables", f"{_NET}/{{table}}.csv", "networks", "takedown_log", "nodes, edges, co-hosting summary, layers, rankings, communities, priors, model", ("takedowns",), disclosure=TAKEDOWN),
    Entry(
        "network_concentration",
        f"{_NET}/concentration.csv",
        "networks",
        "takedown_log",
        "share of non-removal held by the top k sites",
        ("takedowns",),
        disclosure=Disclosure("takedown_log", ("non_removed_total",), {"share": (None, "non_removed_total")}),
    ),
    Entry("network_rankings", f"{_NET}/rankings.csv", "networks", "takedown_log", "non-removal rates by level with intervals and shrinkage", ("takedowns",), disclosure=TAKEDOWN),
    Entry("network_exports", "reports/networks/{source}/{table}.csv", "networks", "takedown_log", "node and edge tables beside the GEXF/GraphML exports", ("takedowns",), disclosure=TAKEDOWN),
    Entry("network_graphs", "reports/networks/{source}/{table}.gexf", "networks", "takedown_log", "co-hosting and layer graphs for Gephi (+ .graphml)", ("network_exports",), kind="file"),
    Entry("network_figures", "reports/figures/networks/{source}", "networks", "takedown_log", "co-hosting network and Lorenz curve", ("network_rankings", "network_concentration"), kind="figures"),
    # Stages notebooks, report, audit.
    Entry(
        "notebooks",
        "reports/notebooks",
        "notebooks",
        "derived",
        "executed notebooks (.ipynb, .html)",
        ("counts", "trends", "takedowns", "takedown_funnel", "network_rankings", "network_concentration", "network_figures"),
        kind="figures",
    ),
    Entry("paper_tables", "reports/tables/{table}.csv", "report", "derived", "tables for papers (+ .tex)", ("trends", "takedown_funnel", "network_concentration")),
    Entry(
        "demo",
        "reports/demo.html",
        "report",
        "derived",
        "the synthetic demonstration page, apart from the report (+ demo.<lang>.html)",
        ("takedown_funnel", "takedown_tables", "takedown_figures", "network_rankings", "network_concentration", "network_figures"),
        kind="file",
    ),
    Entry(
        "appendix",
        "reports/appendix.html",
        "report",
        "derived",
        "full tables behind the report (+ appendix.<lang>.html)",
        ("trends", "trend_segments", "trend_averages", "interventions", "paper_tables"),
        kind="file",
    ),
    Entry("report_figures", "reports/report_figures", "report", "derived", "the report's own figures, one folder per language", ("counts", "figures"), kind="figures"),
    Entry("report", "reports/report.html", "report", "derived", "the advocate report (+ .md, report.<lang>.*)", ("counts", "trends", "takedown_funnel", "network_concentration"), kind="file"),
    Entry("bundles", "reports/bundles", "report", "derived", "one download bundle per figure", ("trend_figures", "takedown_figures", "network_figures"), kind="figures"),
    Entry(
        "audit_findings",
        "reports/audit/{table}.csv",
        "audit",
        "derived",
        "export and lineage audit findings: every other output is scanned",
        ("report", "bundles", "paper_tables", "notebooks", "network_exports", "network_tables", "takedown_tables", "google_tables", "counts", "trends"),
        kind="file",
    ),
)

CATALOGUE: dict[str, Entry] = {e.name: e for e in ENTRIES}


def entry(name: str) -> Entry:
    """The catalogue entry called ``name`` (a clear error for an unknown name)."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"no table {name!r} in the catalogue; known: {', '.join(sorted(CATALOGUE))}") from None


def path(name: str, paths: ProjectPaths, **fields: str) -> Path:
    """Where the output ``name`` lives (``fields`` fill ``{source}``, ``{table}``)."""
    return entry(name).path(paths, **fields)


def load(name: str, paths: ProjectPaths, **fields: str) -> pd.DataFrame | None:
    """Read the table ``name`` (CSV or Parquet by suffix), or ``None`` if it has not been built."""
    target = path(name, paths, **fields)
    if not target.is_file():
        return None
    # low_memory=False: column types from the whole file, not per chunk (no DtypeWarning, whose text
    # would carry this file's absolute path into the executed notebooks).
    return pd.read_parquet(target) if target.suffix == ".parquet" else pd.read_csv(target, low_memory=False)


def lineage(target: Path) -> dict | None:
    """The lineage sidecar of ``target`` as a dict, or ``None`` when it has none (or is unreadable)."""
    sidecar = sidecar_path(target)
    try:
        return json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def file_is_synthetic(target: Path) -> bool:
    """True when ``target``'s lineage says it was made from the toolkit's synthetic generator."""
    record = lineage(target)
    return bool(record is not None and record.get("synthetic") is True)


def is_synthetic(name: str, paths: ProjectPaths, **fields: str) -> bool:
    """Whether the output ``name`` is synthetic, from recorded provenance only.

    A table's answer is its lineage sidecar's ``synthetic`` key; a figure set's (which has no
    sidecar) is that of any table it is drawn from, with the same ``fields``.
    """
    item = entry(name)
    if item.kind == "figures":
        return any(is_synthetic(source, paths, **fields) for source in item.inputs if entry(source).kind != "figures")
    return file_is_synthetic(item.path(paths, **fields))


def stage_outputs(stage: str) -> list[Entry]:
    """The entries a stage writes, in catalogue order."""
    return [e for e in ENTRIES if e.stage == stage]


#: Files written beside a catalogued table or page, which belong to it: the same table as Parquet or
#: LaTeX, the page as Markdown, the page in another language, the lineage sidecar.
_TWINS = (
    (re.compile(r"\.lineage\.json$"), ""),
    (re.compile(r"\.synthetic\.json$"), ""),
    (re.compile(r"\.(parquet|tex)$"), ".csv"),
    (re.compile(r"\.csv$"), ".parquet"),
    (re.compile(r"\.graphml$"), ".gexf"),
    (re.compile(r"\.md$"), ".html"),
    (re.compile(r"\.(en|id|ja|ko)\.html$"), ".html"),
)


def _matcher(item: Entry) -> re.Pattern[str]:
    pattern = re.escape(item.pattern).replace(r"\{source\}", "[^/]*").replace(r"\{table\}", "[^/]+").replace("//", "/")
    return re.compile(f"^{pattern}(/.+)?$" if item.kind == "figures" else f"^{pattern}$")


def entry_for(relative: str) -> Entry | None:
    """The entry a written file belongs to (``relative`` to the project root, POSIX), or ``None``.

    A file belongs to an entry when its path matches the entry's pattern, or is a twin of such a
    path (``.parquet``/``.tex`` of a ``.csv`` table or the reverse, ``.md`` or ``.<lang>.html`` of a
    page, ``.graphml`` of a ``.gexf`` graph, a ``.lineage.json`` sidecar or the generator's
    ``.synthetic.json`` marker); a file inside a figure set's folder belongs to the set. Where a
    family (``{table}``) and a named entry both match, the named one is meant; two equally specific
    matches are an error in the catalogue.
    """
    candidates = {relative}
    for _ in range(3):  # a twin of a twin: report.ja.md → report.ja.html → report.html
        candidates |= {twin.sub(replacement, c) for c in candidates for twin, replacement in _TWINS}
    found = [item for item in ENTRIES if any(_matcher(item).match(c) for c in candidates)]
    if not found:
        return None
    specificity = {item.name: item.pattern.count("{") for item in found}
    best = min(specificity.values())
    named = [item for item in found if specificity[item.name] == best]
    if len(named) > 1:
        raise ValueError(f"{relative} matches {', '.join(e.name for e in named)} equally: the catalogue declares it twice")
    return named[0]
