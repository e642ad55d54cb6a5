"""Build the report: read what the analysis stages wrote, apply disclosure control, write outputs.

This is the only module of :mod:`research.report` that reads or writes files. Pages, in every
language (English without an infix): the bulletin ``reports/report[.<lang>].{html,md}`` (published
data only), the method illustration ``reports/demo[.<lang>].html`` (everything derived from the
synthetic log) and ``reports/appendix[.<lang>].html`` (full tables). Also
``reports/tables/*.{csv,tex}``, ``reports/report_figures/<lang>/*.{png,svg}`` (the figures the report
draws itself) and ``reports/bundles/<figure>/`` + ``.zip``. With ``out``, all of these go to that
folder instead of ``reports/`` (the inputs, figures included, are still read from the project).
"""

from __future__ import annotations

import html as html_module
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from research import catalogue
from research.clean.breaks import read_breaks
from research.clean.series_catalogue import read_series_catalogue, series_catalogue_files, series_title
from research.config import ProjectPaths
from research.errors import ResearchError
from research.i18n import LANGUAGES, message
from research.i18n import catalogue as messages
from research.outputs import write_csv
from research.plots.style import save_figure
from research.report.breaks import BreakNote, break_notes, marked_break_ids, notes_for_series
from research.report.bundles import write_bundle
from research.report.citation import Citation, citation, citation_note, citation_text
from research.report.disclosure import disclose
from research.report.drawn import DrawnFigure, close, funnel_figure, lead_figure
from research.report.featured import FEATURED, FeaturedRatio, featured_findings
from research.report.figures import FigureEntry, collect_figures, figure_files, image_in
from research.report.findings import Finding, concentration_findings, format_number, funnel_finding, public_funnel_finding, retitle, trend_findings
from research.report.mainpoints import MainPoint, funnel_numbers, main_point_candidates, select_main_points, with_producers
from research.report.markdown import MarkdownText, escape_markdown
from research.report.render import LanguageLink, RenderedFigure, RenderedTable, data_uri, relative, render_page, rendered_figure, svg_beside
from research.report.sources import Source, access_date, figure_sources, with_tier
from research.report.tables import PaperTable, as_html, as_markdown, takedown_table, trends_table, write_paper_table
from research.report.takedown_points import google_outcomes, lumen_summary, outcome_display

#: The bulletin shows at most this many figures (the issue's bound; a test checks it).
MAX_MAIN_FIGURES = 12
#: The published takedown funnel of the seeds (PAPS, Japan): requested files and files still online.
PUBLIC_FUNNEL_REQUESTED = ("JP_PAPS_REMOVAL_REQUESTS_TOTAL", "JP_PAPS_REMOVAL_REQUESTS")
PUBLIC_FUNNEL_ONLINE = ("JP_PAPS_FILES_STILL_ONLINE", "JP_PAPS_REMOVAL_STILL_ONLINE")
#: Catalogue names of the takedown and network tables the report summarises (the example log's).
FUNNEL_TABLE = "takedown_funnel"
CONCENTRATION_TABLE = "network_concentration"
#: Trend-stage tables shown in full in the appendix (those not yet built are left out).
TREND_TABLES = (("trends", "table_trends_title"), ("trend_segments", "table_segments_title"),
                ("interventions", "table_interventions_title"), ("trend_averages", "table_averages_title"))
#: Which page section a main point's topic belongs to.
SECTION_OF_TOPIC = {"korea_deepfake": "korea", "korea": "korea", "japan": "japan", "global": "global", "takedowns": "takedowns"}
SECTIONS = ("korea", "japan", "global", "takedowns")


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
    registry: pd.DataFrame | None = None
    google: pd.DataFrame | None = None
    lumen: pd.DataFrame | None = None
    #: The series catalogue (``data/raw/series.csv``): every series title comes from it.
    titles: pd.DataFrame | None = None
    trend_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: From the tables' lineage (research.catalogue.is_synthetic), never from a folder or column.
    funnel_synthetic: bool = False
    concentration_synthetic: bool = False


def _lumen_csv(paths: ProjectPaths) -> Path:
    return catalogue.path("takedowns", paths, source="lumen").with_suffix(".csv")


def input_files(paths: ProjectPaths) -> list[Path]:
    """Files the report depends on (for the pipeline's skip check)."""
    fixed = [paths.figures_csv, paths.datapackage, paths.manifest, paths.processed / "counts.csv", paths.raw / "definition_breaks.csv",
             *series_catalogue_files(paths.raw / "series.csv"), catalogue.path("google_removals", paths), paths.root / "CITATION.cff",
             catalogue.path(FUNNEL_TABLE, paths), catalogue.path(CONCENTRATION_TABLE, paths), _lumen_csv(paths)]
    fixed += [paths.processed / f"{name}.csv" for name, _ in TREND_TABLES]
    found = [p for p in fixed if p.exists()] + figure_files(paths)
    return sorted(set(found), key=lambda p: p.as_posix())


def read_inputs(paths: ProjectPaths) -> ReportInputs:
    """Read every input that exists."""
    def table(path: Path | None) -> pd.DataFrame | None:
        return pd.read_csv(path) if path is not None and path.exists() else None

    package = json.loads(paths.datapackage.read_text(encoding="utf-8")) if paths.datapackage.exists() else None
    registry_path = paths.raw / "definition_breaks.csv"
    trend_tables = {name: frame for name, _ in TREND_TABLES if (frame := table(paths.processed / f"{name}.csv")) is not None}
    return ReportInputs(
        figures=table(paths.figures_csv),
        counts=table(paths.processed / "counts.csv"),
        trends=table(paths.processed / "trends.csv"),
        funnel=catalogue.load(FUNNEL_TABLE, paths),
        concentration=catalogue.load(CONCENTRATION_TABLE, paths),
        package=package,
        files=input_files(paths),
        registry=read_breaks(registry_path) if registry_path.exists() else None,
        google=catalogue.load("google_removals", paths),
        lumen=table(_lumen_csv(paths)),
        titles=read_series_catalogue(paths.raw / "series.csv") if (paths.raw / "series.csv").exists() else None,
        trend_tables=trend_tables,
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
    """``trends.csv`` with each series titled from the series catalogue (English)."""
    return None if inputs.trends is None else retitle(inputs.trends, inputs.titles)


def gather_findings(inputs: ReportInputs, lang: str, featured: tuple[FeaturedRatio, ...] = FEATURED) -> list[Finding]:
    """Every finding the tables allow: featured, trends, published funnel, synthetic funnel and concentration.

    The bulletin states only :func:`main_points`; the synthetic findings go to the demonstration page.
    """
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
    return findings + synthetic_findings(inputs, lang)


def synthetic_findings(inputs: ReportInputs, lang: str) -> list[Finding]:
    """Findings from the synthetic log (funnel and concentration): for the demonstration page only."""
    findings: list[Finding] = []
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


def main_points(inputs: ReportInputs, lang: str) -> list[MainPoint]:
    """The bulletin's main points (published data only), by the rule of :mod:`research.report.mainpoints`."""
    points = select_main_points(main_point_candidates(inputs.counts, titled_trends(inputs), inputs.registry, lang))
    return with_producers(points, inputs.figures)


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


def source_tiers(paths: ProjectPaths) -> dict[str, str]:
    """``source_domain → tier`` from ``data/raw/source_tiers.csv`` (for sources credited by URL only)."""
    path = paths.raw / "source_tiers.csv"
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str)
    return dict(zip(table["source_domain"], table["source_tier"]))


def credits(entries: list[FigureEntry], tiers: dict[str, str] | None = None) -> list[Source]:
    """Every original producer credited by some figure, with its tier, sorted.

    A source whose address is a folder of the repository itself (the compilers' working notes) is
    not a publication and is not credited.
    """
    found = {s for e in entries for s in e.sources if s.url.startswith(("http://", "https://")) or not s.url}
    return sorted(with_tier(s, tiers or {}) for s in found)


def page_name(page: str, lang: str, suffix: str = "html") -> str:
    """``report.html`` for English, ``report.<lang>.html`` otherwise (same for demo, appendix)."""
    infix = "" if lang == "en" else f".{lang}"
    return f"{page}{infix}.{suffix}"


def report_paths(out: Path, lang: str) -> tuple[Path, Path]:
    """``report.html``/``report.md`` for English, ``report.<lang>.*`` otherwise, in the pages folder ``out``."""
    return out / page_name("report", lang), out / page_name("report", lang, "md")


def language_links(page: str, languages: tuple[str, ...]) -> list[LanguageLink]:
    return [LanguageLink(code, message("report", "lang_name", code), page_name(page, code)) for code in languages]


@dataclass
class Block:
    """A titled part of a section: paragraphs and an optional table."""

    heading: str
    paragraphs: list[str]
    table: RenderedTable | None = None


@dataclass
class Section:
    key: str
    heading: str
    intro: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[RenderedFigure] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def drawn_figures(pages: Path, inputs: ReportInputs, lang: str) -> tuple[list[tuple[DrawnFigure, Path]], list[Path]]:
    """Draw and save (PNG and SVG) the report's own figures for ``lang``; return them with their image paths."""
    out: list[tuple[DrawnFigure, Path]] = []
    written: list[Path] = []
    folder = pages / "report_figures" / lang
    if inputs.counts is None:
        return out, written
    lead_notes = notes_for_series(inputs.registry, inputs.counts, [FEATURED[0].series_id], lang)
    made = [lead_figure(inputs.counts, lead_notes, lang)]
    found = funnel_numbers(inputs.counts)
    if found is not None:
        # The funnel's rows name the series, so its bundle and caption credit their sources.
        made.append(funnel_figure(found[0], str(found[1].iloc[-1]["publishers"]).split(";")[0].strip(), lang, tuple(found[1]["series_id"])))
    for drawn in made:
        if drawn is None:
            continue
        written += save_figure(drawn.figure, folder / drawn.stem, formats=("png", "svg"))
        close(drawn)
        out.append((drawn, folder / f"{drawn.stem}.png"))
    return out, written


def drawn_entry(drawn: DrawnFigure, image: Path, inputs: ReportInputs) -> FigureEntry:
    """A bundle entry for a figure the report drew (public data, shown as published)."""
    ids: list[str] = []
    if inputs.counts is not None and drawn.series_ids:
        rows = inputs.counts[inputs.counts["series_id"].isin(drawn.series_ids)]
        ids = [i for cell in rows.get("source_ids", pd.Series(dtype=str)).dropna() for i in str(cell).split(";") if i]
    sources = figure_sources(inputs.figures, ids) if inputs.figures is not None and ids else []
    table = disclose(drawn.table, origin="public", name=drawn.stem)
    return FigureEntry("report", drawn.stem, image, drawn.title, sources, table, "04_report", "research.report.drawn", [], f"report-{drawn.stem}")


def _rendered_drawn(drawn: DrawnFigure, image: Path, pages: Path, entry: FigureEntry, notes: list[BreakNote]) -> RenderedFigure:
    uri, width, height = data_uri(image)
    return RenderedFigure(f"report-{drawn.stem}", drawn.title, uri, width, height, relative(image, pages),
                          f"bundles/{entry.key}.zip", "", tuple(entry.sources), tuple(notes), False, svg=svg_beside(image, pages))


#: In HTML tables, text columns longer than this on average (summaries, notes) are left to the CSV.
MAX_HTML_TEXT = 60


def _rendered(table: pd.DataFrame, title: str, name: str = "", csv: str = "", tex: str = "", note: str = "", synthetic: bool = False) -> RenderedTable:
    """A table for a page: every column in Markdown, long text columns only in the CSV for HTML."""
    long_text = [c for c in table.columns if (table[c].dtype == object or pd.api.types.is_string_dtype(table[c])) and table[c].dropna().astype(str).str.len().mean() > MAX_HTML_TEXT]
    return RenderedTable(title, synthetic, as_html(table.drop(columns=long_text)), as_markdown(table), name, len(table), csv, tex, note)


def localised_image(entry: FigureEntry, lang: str) -> Path:
    """The drawing of a figure in ``lang``; fails closed rather than show another language's figure."""
    image = image_in(entry.image, lang)
    if not image.exists():
        raise ResearchError(f"{image} is missing: the {lang} page needs its own drawing of {entry.stem} (run: research reproduce --only {entry.area} --force)")
    return image


def main_sections(pages: Path, inputs: ReportInputs, lang: str, points: list[MainPoint], entries: list[FigureEntry],
                  drawn: list[tuple[DrawnFigure, Path]], drawn_entries: dict[str, FigureEntry]) -> list[Section]:
    """The topic sections of the bulletin, each with its figures (drawn in ``lang``) and break notes."""
    sections = {key: Section(key, message("report", f"section_{key}", lang), message("report", f"section_{key}_intro", lang)) for key in SECTIONS}
    by_stem = {d.stem: (d, image) for d, image in drawn}
    if "knpa_deepfake_per_day" in by_stem:
        d, image = by_stem["knpa_deepfake_per_day"]
        notes = notes_for_series(inputs.registry, inputs.counts, d.series_ids, lang)
        sections["korea"].figures.append(_rendered_drawn(d, image, pages, drawn_entries[d.stem], notes))
    trend_entries = {e.stem: e for e in entries if e.area == "trends" and not e.synthetic}
    for point in points:
        section = sections[SECTION_OF_TOPIC.get(point.topic, "global")]
        for series_id in point.series_ids:
            entry = trend_entries.get(series_id)
            if entry is None or series_id == FEATURED[0].series_id:
                continue
            notes = tuple(notes_for_series(inputs.registry, inputs.counts, [series_id], lang))
            title = series_title(inputs.titles, series_id, lang)
            section.figures.append(rendered_figure(entry, pages, lang, title=title, breaks=notes, image=localised_image(entry, lang)))
    takedowns = sections["takedowns"]
    found = funnel_numbers(inputs.counts) if inputs.counts is not None else None
    if found is not None:
        funnel = found[0]
        period = message("report", "period_month_span", lang, m1=_month(found[1].iloc[-1]["start"], lang), y1=found[1].iloc[-1]["start"].year,
                         m2=_month(found[1].iloc[-1]["end"], lang), y2=found[1].iloc[-1]["end"].year)
        takedowns.paragraphs.append(message("report", "takedown_paps", lang, requested=format_number(funnel.requested, lang), period=period,
                                            full=format_number(funnel.full or 0, lang), partial=format_number(funnel.partial or 0, lang),
                                            online=format_number(funnel.online, lang), unknown=format_number(funnel.unknown or 0, lang)))
    if "paps_funnel" in by_stem:
        d, image = by_stem["paps_funnel"]
        takedowns.figures.append(_rendered_drawn(d, image, pages, drawn_entries[d.stem], []))
    google = google_outcomes(inputs.google, lang) if inputs.google is not None else None
    if google is not None:
        takedowns.blocks.append(Block(message("report", "takedown_google_heading", lang), [message("report", "takedown_google_caveat", lang), google.point.text],
                                      _rendered(outcome_display(google.table, lang), message("report", "takedown_google_table", lang))))
    lumen = lumen_summary(inputs.lumen, lang) if inputs.lumen is not None else None
    paragraphs = [message("report", "takedown_lumen_caveat", lang)] + ([lumen] if lumen else [])
    takedowns.blocks.append(Block(message("report", "takedown_lumen_heading", lang), paragraphs))
    ordered = [sections[key] for key in SECTIONS]
    number = 0
    for section in ordered:
        kept = []
        for fig in section.figures:
            if number >= MAX_MAIN_FIGURES:
                break
            number += 1
            kept.append(RenderedFigure(**{**fig.__dict__, "number": number}))
        section.figures = kept
    return ordered


def _month(moment: pd.Timestamp, lang: str) -> str:
    return [m.strip() for m in message("report", "month_abbreviations", lang).split(",")][moment.month - 1]


def write_main(pages: Path, lang: str, inputs: ReportInputs, entries: list[FigureEntry], cite: Citation, languages: tuple[str, ...],
               drawn: list[tuple[DrawnFigure, Path]], drawn_entries: dict[str, FigureEntry], tiers: dict[str, str]) -> list[Path]:
    """Render and write one language's bulletin (HTML and Markdown)."""
    points = main_points(inputs, lang)
    points_context = [dict(p.__dict__, breaks=break_notes(inputs.registry, p.break_ids, lang)) for p in points]
    # A break a main point explains in full is referred to, not repeated, under the figures below.
    explained: dict[str, tuple[int, str]] = {}
    for number, point in enumerate(points_context, start=1):
        for note in point["breaks"]:
            explained.setdefault(note.break_id, (number, point["key"]))
    sections = main_sections(pages, inputs, lang, points, entries, drawn, drawn_entries)
    link = message("report", "demo_link_text", lang)
    demo_href = page_name("demo", lang)
    demo_sentence = html_module.escape(message("report", "ntk_demo", lang, link="\0")).replace("\0", f'<a href="{demo_href}">{html_module.escape(link)}</a>')
    shown_entries = [e for e in entries if not e.synthetic] + list(drawn_entries.values())
    common = dict(
        languages=language_links("report", languages), cite=cite, main_points=points_context, sections=sections,
        credits=credits(shown_entries, tiers), citation_text=citation_text(cite, lang), citation_note=citation_note(cite, lang), explained=explained, appendix_href=page_name("appendix", lang),
    )
    html_path, md_path = report_paths(pages, lang)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_page("report", "html", lang, demo_sentence=demo_sentence, **common), encoding="utf-8")
    # Markdown the toolkit writes itself (links); every other value is escaped by the template.
    switch = MarkdownText(" · ".join(f"[{escape_markdown(link.name)}]({page_name('report', link.code, 'md')})" for link in common["languages"]))
    demo_sentence_md = MarkdownText(message("report", "ntk_demo", lang, link=f"[{escape_markdown(link)}]({demo_href})"))
    md_path.write_text(render_page("report", "md", lang, demo_sentence_md=demo_sentence_md,
                                   language_line=switch, **common), encoding="utf-8")
    return [html_path, md_path]


def write_demo(pages: Path, lang: str, inputs: ReportInputs, entries: list[FigureEntry], tables: list[PaperTable], cite: Citation,
               languages: tuple[str, ...]) -> list[Path]:
    """The method illustration: every synthetic finding, figure and table, watermarked."""
    figures = [rendered_figure(e, pages, lang, image=localised_image(e, lang)) for e in entries if e.synthetic]
    synthetic_tables = [_rendered(t.table.frame, message("report", t.title_key, lang), synthetic=True) for t in tables if t.table.synthetic]
    path = pages / page_name("demo", lang)
    path.write_text(render_page("demo", "html", lang, languages=language_links("demo", languages), cite=cite, findings=synthetic_findings(inputs, lang),
                                figures=figures, tables=synthetic_tables, report_href=page_name("report", lang)), encoding="utf-8")
    return [path]


#: The columns of the trend stage's growth table shown on the appendix page (its CSV has all of them).
APPENDIX_TREND_COLUMNS = ("series_id", "segment", "country", "status", "reason_code", "n_points", "first_period_start", "last_period_end", "model",
                          "growth_factor", "growth_factor_low", "growth_factor_high", "doubling_time_years",
                          "rate_ratio", "rate_ratio_low", "rate_ratio_high", "rate_ratio_periods")


def with_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its column names replaced by their headers in ``lang`` (``locales/<lang>/headers.yml``).

    Fails closed: a column without a header is an error, not an English name on another language's page.
    """
    headers = messages("headers", lang)
    missing = [c for c in frame.columns if c not in headers]
    if missing:
        raise ResearchError(f"no {lang} header for column(s) {', '.join(map(str, missing))}: add them to src/research/locales/{lang}/headers.yml")
    return frame.rename(columns=headers)


def appendix_tables(inputs: ReportInputs, tables: list[PaperTable], lang: str) -> list[RenderedTable]:
    """Full tables of the appendix: the trend stage's tables, then the real takedown aggregates, headed in ``lang``."""
    shown: list[RenderedTable] = []
    papers = [t for t in tables if not t.table.synthetic]
    for t in papers:
        fitted = papers_rows(t.table.frame) if t.name == "trends_growth" else t.table.frame
        shown.append(_rendered(with_headers(fitted, lang), f"{message('report', 'appendix_tables_for_papers', lang)}: {message('report', t.title_key, lang)}", t.name,
                               f"tables/{t.name}.csv", f"tables/{t.name}.tex", message("report", "appendix_tables_for_papers_intro", lang)))
    for name, key in TREND_TABLES:
        frame = inputs.trend_tables.get(name)
        if frame is None:
            continue
        note = ""
        if name == "trends":
            columns = [c for c in APPENDIX_TREND_COLUMNS if c in frame.columns]
            note = message("report", "appendix_columns_note", lang, shown=len(columns), total=len(frame.columns))
            frame = frame[columns]
        shown.append(_rendered(with_headers(frame, lang), message("report", key, lang), name, f"tables/{name}.csv", note=note))
    if inputs.google is not None:
        google = google_outcomes(inputs.google, lang)
        if google is not None:
            shown.append(_rendered(outcome_display(google.table, lang), message("report", "table_google_title", lang), "google_outcomes", "tables/google_outcomes.csv"))
    return shown


def papers_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows fit for a paper: fitted, at least four periods, a finite interval."""
    rows = frame
    if "status" in rows.columns:
        rows = rows[rows["status"] == "fitted"]
    n = next((c for c in ("n_points", "n_obs", "n") if c in rows.columns), None)
    if n is not None:
        rows = rows[pd.to_numeric(rows[n], errors="coerce") >= 4]
    for column in ("growth_factor_low", "growth_factor_high"):
        if column in rows.columns:
            rows = rows[pd.to_numeric(rows[column], errors="coerce").map(lambda v: pd.notna(v) and abs(v) != float("inf"))]
    return rows.reset_index(drop=True)


def write_appendix(pages: Path, lang: str, inputs: ReportInputs, entries: list[FigureEntry], tables: list[PaperTable], cite: Citation,
                   languages: tuple[str, ...]) -> list[Path]:
    """The appendix: full tables, and every published figure's bundle under its title in ``lang``."""
    path = pages / page_name("appendix", lang)
    more = [dict(key=e.key, synthetic=False, title=series_title(inputs.titles, e.stem, lang) if e.area == "trends" and inputs.titles is not None else e.title)
            for e in entries if not e.synthetic]
    path.write_text(render_page("appendix", "html", lang, languages=language_links("appendix", languages), cite=cite,
                                tables=appendix_tables(inputs, tables, lang), more_figures=more,
                                report_href=page_name("report", lang)), encoding="utf-8")
    return [path]


def write_full_tables(tables_dir: Path, inputs: ReportInputs) -> list[Path]:
    """The appendix's full tables as CSV under ``tables_dir`` (public data, shown as published)."""
    written = []
    for name, _ in TREND_TABLES:
        frame = inputs.trend_tables.get(name)
        if frame is not None:
            written.append(write_csv(disclose(frame, origin="public", name=name).frame, tables_dir / f"{name}.csv"))
    if inputs.google is not None:
        google = google_outcomes(inputs.google, "en")
        if google is not None:
            written.append(write_csv(google.table, tables_dir / "google_outcomes.csv"))
    return written


def build_reports(paths: ProjectPaths, languages: tuple[str, ...] = LANGUAGES, out: Path | None = None) -> list[Path]:
    """Write tables, bundles and every page in every language; return the files written.

    ``out`` is the folder for all of them (default ``reports/``); inputs are read from ``paths``.
    """
    pages = out if out is not None else paths.reports
    inputs = read_inputs(paths)
    cite = citation(paths)
    tiers = source_tiers(paths)
    entries = collect_figures(paths, figures=inputs.figures, counts=inputs.counts, package=inputs.package, catalogue=inputs.titles)
    tables = paper_tables(inputs)
    written: list[Path] = []
    for table in tables:
        written += write_paper_table(table, pages / "tables", message("report", table.title_key, "en"))
    written += write_full_tables(pages / "tables", inputs)
    drawn_by_lang = {}
    for lang in languages:
        drawn, files = drawn_figures(pages, inputs, lang)
        drawn_by_lang[lang] = drawn
        written += files
    first = drawn_by_lang[languages[0]] if languages else []
    drawn_entries = {d.stem: drawn_entry(d, image, inputs) for d, image in first}
    for entry in entries + list(drawn_entries.values()):
        written += write_bundle(entry, pages / "bundles", cite, breaks=break_notes(inputs.registry, _entry_breaks(entry, inputs), "en"),
                                tiers=tiers, accessed=access_date(inputs.package))
    for lang in languages:
        written += write_main(pages, lang, inputs, entries, cite, languages, drawn_by_lang[lang], drawn_entries, tiers)
        written += write_demo(pages, lang, inputs, entries, tables, cite, languages)
        written += write_appendix(pages, lang, inputs, entries, tables, cite, languages)
    return written


def _entry_breaks(entry: FigureEntry, inputs: ReportInputs) -> list[str]:
    """Break ids that apply to a figure: those marked on its series (trend figures and drawn figures)."""
    if entry.area == "trends":
        return marked_break_ids(inputs.counts, [entry.stem])
    if entry.key == "report-knpa_deepfake_per_day":
        return marked_break_ids(inputs.counts, [FEATURED[0].series_id])
    return []

