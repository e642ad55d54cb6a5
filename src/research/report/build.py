"""Build the report: read what the analysis stages wrote, apply disclosure control, write outputs.

This is the only module of :mod:`research.report` that reads or writes files. Outputs:
``reports/report.html`` and ``reports/report.md`` (English), ``reports/report.<lang>.{html,md}``
(other languages), ``reports/tables/*.{csv,tex}`` and ``reports/bundles/<figure>/`` + ``.zip``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research import catalogue
from research.config import ProjectPaths
from research.i18n import message
from research.report.bundles import write_bundle
from research.report.citation import Citation, citation
from research.report.featured import FEATURED, FeaturedRatio, featured_findings
from research.report.figures import FigureEntry, collect_figures
from research.report.findings import Finding, concentration_findings, funnel_finding, public_funnel_finding, retitle, trend_findings
from research.report.render import RenderedTable, render_report, rendered_figure
from research.report.sources import Source
from research.report.tables import PaperTable, as_html, as_markdown, takedown_table, trends_table, write_paper_table

LANGUAGES = ("en", "id")
#: Trend figures drawn in the report itself (those of the key findings); every other figure is
#: listed with its sources and bundle, so that the report stays small enough to e-mail.
MAX_TREND_FIGURES = 6
#: The published takedown funnel of the seeds (PAPS, Japan): requested files and files still online.
PUBLIC_FUNNEL_REQUESTED = ("JP_PAPS_REMOVAL_REQUESTS_TOTAL", "JP_PAPS_REMOVAL_REQUESTS")
PUBLIC_FUNNEL_ONLINE = ("JP_PAPS_FILES_STILL_ONLINE", "JP_PAPS_REMOVAL_STILL_ONLINE")
#: Catalogue names of the takedown and network tables the report summarises (the example log's).
FUNNEL_TABLE = "takedown_funnel"
CONCENTRATION_TABLE = "network_concentration"


@dataclass
class ReportInputs:
    """Every table the report reads; ``None`` when the stage that writes it has not run."""

    figures: pd.DataFrame | None
    counts: pd.DataFrame | None
    trends: pd.DataFrame | None
    funnel: pd.DataFrame | None
    concentration: pd.DataFrame | None
    package: dict | None
    files: list[Path]
    #: From the tables' lineage (research.catalogue.is_synthetic), never from a folder or column.
    funnel_synthetic: bool = False
    concentration_synthetic: bool = False


def input_files(paths: ProjectPaths) -> list[Path]:
    """Files the report depends on (for the pipeline's skip check)."""
    names = ("figures", "counts", "trends", FUNNEL_TABLE, CONCENTRATION_TABLE)
    fixed = [paths.datapackage, paths.manifest] + [catalogue.path(name, paths) for name in names]
    found = [p for p in fixed if p.exists()]
    if paths.figures.exists():
        found += [p for p in paths.figures.rglob("*") if p.is_file() and p.suffix in {".png", ".csv", ".json"}]
    return sorted(set(found), key=lambda p: p.as_posix())


def read_inputs(paths: ProjectPaths) -> ReportInputs:
    """Read every input that exists."""
    package = json.loads(paths.datapackage.read_text(encoding="utf-8")) if paths.datapackage.exists() else None
    return ReportInputs(
        figures=catalogue.load("figures", paths),
        counts=catalogue.load("counts", paths),
        trends=catalogue.load("trends", paths),
        funnel=catalogue.load(FUNNEL_TABLE, paths),
        concentration=catalogue.load(CONCENTRATION_TABLE, paths),
        package=package,
        files=input_files(paths),
        funnel_synthetic=catalogue.is_synthetic(FUNNEL_TABLE, paths),
        concentration_synthetic=catalogue.is_synthetic(CONCENTRATION_TABLE, paths),
    )


def _published_value(counts: pd.DataFrame, series_ids: tuple[str, ...]) -> pd.Series | None:
    for series_id in series_ids:
        rows = counts[(counts["series_id"] == series_id) & counts["value"].notna()]
        if not rows.empty:
            return rows.sort_values("period_end", kind="stable").iloc[-1]
    return None


def titled_trends(inputs: ReportInputs) -> pd.DataFrame | None:
    """``trends.csv`` with one title per series (its most frequent indicator wording in counts)."""
    return None if inputs.trends is None else retitle(inputs.trends, inputs.counts)


def gather_findings(inputs: ReportInputs, lang: str, featured: tuple[FeaturedRatio, ...] = FEATURED) -> list[Finding]:
    """Findings: the featured series first, then trends, the published funnel, the (synthetic) funnel and concentration."""
    findings: list[Finding] = []
    trends = titled_trends(inputs)
    if inputs.counts is not None:
        findings += featured_findings(inputs.counts, trends, lang, featured)
    if trends is not None and "status" in trends.columns:
        findings += trend_findings(trends[trends["status"] == "fitted"], lang)
    if inputs.counts is not None:
        requested, online = _published_value(inputs.counts, PUBLIC_FUNNEL_REQUESTED), _published_value(inputs.counts, PUBLIC_FUNNEL_ONLINE)
        if requested is not None and online is not None:
            publisher = str(online["publishers"]).split(";")[0]
            findings.append(public_funnel_finding(publisher, str(online["period_end"])[:4], float(requested["value"]), float(online["value"]), lang))
    funnel = inputs.funnel
    if funnel is not None and {"group_kind", "unit", "status", "n", "total", "share_low", "share_high"} <= set(funnel.columns):
        online = funnel[(funnel["group_kind"] == "all") & (funnel["unit"] == "file") & (funnel["status"] == "still_online")]
        numbers = online[["n", "total", "share_low", "share_high"]].apply(pd.to_numeric, errors="coerce").dropna()
        if not numbers.empty:
            row = numbers.iloc[0]
            findings.append(funnel_finding(int(row["total"]), int(row["n"]), float(row["share_low"]), float(row["share_high"]), lang, inputs.funnel_synthetic))
    if inputs.concentration is not None:
        preferred = inputs.concentration
        if "k" in preferred.columns and (preferred["k"] == 5).any():
            preferred = preferred[preferred["k"] == 5]
        findings += concentration_findings(preferred, lang, synthetic=inputs.concentration_synthetic)
    return findings


def paper_tables(inputs: ReportInputs) -> list[PaperTable]:
    """The tables for papers that the available inputs allow."""
    tables = []
    trends = titled_trends(inputs)
    if trends is not None and not trends.empty:
        tables.append(trends_table(trends))
    if inputs.funnel is not None and not inputs.funnel.empty:
        funnel = inputs.funnel
        if "group_kind" in funnel.columns:
            funnel = funnel[funnel["group_kind"] == "all"].reset_index(drop=True)
        tables.append(takedown_table(funnel, "takedown_funnel", "table_funnel_title", synthetic=inputs.funnel_synthetic))
    if inputs.concentration is not None and not inputs.concentration.empty:
        tables.append(takedown_table(inputs.concentration, "network_concentration", "table_concentration_title", synthetic=inputs.concentration_synthetic))
    return tables


def credits(entries: list[FigureEntry]) -> list[Source]:
    """Every original producer credited by some figure, sorted."""
    return sorted({s for e in entries for s in e.sources})


def report_paths(paths: ProjectPaths, lang: str) -> tuple[Path, Path]:
    """``report.html``/``report.md`` for English, ``report.<lang>.*`` otherwise."""
    infix = "" if lang == "en" else f".{lang}"
    return paths.reports / f"report{infix}.html", paths.reports / f"report{infix}.md"


def split_figures(entries: list[FigureEntry], findings: list[Finding]) -> tuple[list[FigureEntry], list[FigureEntry]]:
    """Figures drawn in the report (trend figures of the key findings, all others) and figures only listed."""
    featured = [f.key.removeprefix("featured-") for f in findings if f.key.startswith("featured-")]
    key_series = featured + [f.key.removeprefix("trend-") for f in findings if f.key.startswith("trend-")][:MAX_TREND_FIGURES]
    shown = [e for e in entries if e.area != "trends" or e.stem in key_series]
    return shown, [e for e in entries if e not in shown]


def write_report(paths: ProjectPaths, lang: str, inputs: ReportInputs, entries: list[FigureEntry], tables: list[PaperTable], cite: Citation) -> list[Path]:
    """Render and write one language's HTML and Markdown report."""
    findings = gather_findings(inputs, lang)
    shown, listed = split_figures(entries, findings)
    figures = [rendered_figure(e, paths.reports, lang) for e in shown]
    rendered_tables = [
        RenderedTable(message("report", t.title_key, lang), t.table.synthetic, as_html(t.table.frame), as_markdown(t.table.frame))
        for t in tables
    ]
    common = dict(lang=lang, findings=findings, figures=figures, more_figures=listed, tables=rendered_tables, cite=cite, credits=credits(entries))
    html_path, md_path = report_paths(paths, lang)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_report("html", **common), encoding="utf-8")
    md_path.write_text(render_report("md", **common), encoding="utf-8")
    return [html_path, md_path]


def build_reports(paths: ProjectPaths, languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """Write tables, bundles and the report in every language; return the files written."""
    inputs = read_inputs(paths)
    cite = citation(paths)
    entries = collect_figures(paths, figures=inputs.figures, counts=inputs.counts, package=inputs.package)
    tables = paper_tables(inputs)
    written: list[Path] = []
    for table in tables:
        written += write_paper_table(table, paths.tables, message("report", table.title_key, "en"))
    for entry in entries:
        written += write_bundle(entry, paths.reports / "bundles", cite)
    for lang in languages:
        written += write_report(paths, lang, inputs, entries, tables, cite)
    return written
