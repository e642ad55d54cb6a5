"""Gather the report's figures: the image, the table behind it, its sources and what it may show.

Figures are the images of the figure sets the catalogue declares (:func:`declared_images`):
``reports/figures/<area>[/<source>]/<stem>.png``; nothing else under ``reports/figures/`` is picked up. The table behind a figure is
``<stem>.csv`` beside it when the module that drew it wrote one; otherwise the area's own rule
applies (a trends figure named after a series shows that series' rows of ``counts.csv``). An
optional ``<stem>.meta.json`` beside the figure may give ``title``, ``origin`` and
``figure_ids`` (rows of ``figures.csv`` it draws on). Whether a figure is synthetic is read from
the lineage of the tables behind it (:mod:`research.catalogue`), never from its folder's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from research import catalogue
from research.audit.exports import is_count_column
from research.clean.series_catalogue import series_title
from research.config import ProjectPaths
from research.i18n import available_languages
from research.report.disclosure import DisclosedTable, Origin, count_suppressed, disclose
from research.report.sources import Source, datapackage_sources, figure_sources, split_ids, synthetic_source


@dataclass(frozen=True)
class AreaSpec:
    """What the report knows about one folder of figures."""

    origin: Origin
    synthetic: bool
    notebook: str
    module: str


AREAS: dict[str, AreaSpec] = {
    "trends": AreaSpec("public", False, "01_case_trends", "research.trends"),
    "takedowns": AreaSpec("takedown_log", True, "02_takedown_outcomes", "research.takedowns"),
    "networks": AreaSpec("takedown_log", True, "03_hosting_networks", "research.networks"),
}
#: Folder under ``data/processed/`` where each area keeps its tables.
PROCESSED_DIRS = {"takedowns": "takedowns", "networks": "network"}
#: The table behind a figure when no ``<stem>.csv`` lies beside it (figure stem → table stem).
FIGURE_TABLES = {"co_hosting_network": "rankings", "lorenz": "lorenz", "funnel": "funnel", "time_to_removal": "time_to_removal_medians"}
#: Integer columns in takedown-derived tables that identify rather than count (never suppressed).
IDENTIFIER_COLUMNS = {"year", "month", "segment", "community", "cluster", "rank", "k", "top_k", "row_number", "period", "step"}
#: Columns that hold the number of cases a rate rests on, in order of preference.
DENOMINATOR_COLUMNS = ("n", "requests", "requested", "n_requests", "urls", "n_urls", "files", "n_files", "total", "at_risk", "denominator")


@dataclass
class FigureEntry:
    """One figure of the report, ready to render and bundle."""

    area: str
    stem: str
    image: Path
    title: str
    sources: list[Source]
    table: DisclosedTable
    notebook: str
    module: str
    inputs: list[Path] = field(default_factory=list)
    key: str = ""

    @property
    def synthetic(self) -> bool:
        return self.table.synthetic


def _humanise(stem: str) -> str:
    return stem.replace("_", " ").replace("-", " ").strip().capitalize()


def _title_from(data: pd.DataFrame, catalogue: pd.DataFrame | None) -> str:
    """The series catalogue's (English) title of a public series, when the table names one."""
    if data.empty or "series_id" not in data.columns or catalogue is None:
        return ""
    return series_title(catalogue, str(data.iloc[0]["series_id"]), "en")


def image_in(image: Path, lang: str) -> Path:
    """The figure drawn in ``lang``: ``<folder>/<lang>/<stem>.png`` beside the English one (itself for English)."""
    return image if lang == "en" else image.parent / lang / image.name


def _read_meta(image: Path) -> dict:
    meta = image.with_name(image.stem + ".meta.json")
    return json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}


def count_and_rate_columns(frame: pd.DataFrame) -> tuple[list[str], dict[str, tuple[str | None, str]]]:
    """Which columns of a takedown-derived table are counts, and which rates rest on which counts.

    A count is a column the export audit calls a count by its name, or any integer column that
    does not identify something: over-suppressing an identifier is a readability cost,
    under-suppressing a count is a privacy leak.
    """
    counts = [
        c for c in frame.columns
        if count_suppressed(frame[[c]]) > 0  # read back from a published CSV: already withheld cells
        or (pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        and (is_count_column(c) or (pd.api.types.is_integer_dtype(frame[c]) and c.lower() not in IDENTIFIER_COLUMNS)))
    ]
    denominator = next((c for c in DENOMINATOR_COLUMNS if c in frame.columns), None)
    rates: dict[str, tuple[str | None, str]] = {}
    if denominator is not None:
        for column in frame.columns:
            lowered = column.lower()
            if pd.api.types.is_float_dtype(frame[column]) and any(w in lowered for w in ("rate", "share", "proportion")) and not lowered.endswith(("_low", "_high")):
                rates[column] = (None, denominator)
    return counts, rates


def _trend_rows(counts: pd.DataFrame | None, stem: str) -> pd.DataFrame:
    if counts is None or "series_id" not in counts.columns:
        return pd.DataFrame()
    # Trend figures are named exactly after their series (research.plots.trends.save_trend_figures).
    return counts[counts["series_id"].astype(str) == stem].reset_index(drop=True)


def figure_entry(
    image: Path,
    area: str,
    *,
    figures: pd.DataFrame | None,
    counts: pd.DataFrame | None,
    package: dict | None,
    key: str | None = None,
    table_candidates: tuple[Path, ...] = (),
    synthetic: bool = False,
    catalogue: pd.DataFrame | None = None,
) -> FigureEntry:
    """Describe one figure: its title, the disclosed table behind it and its sources.

    ``synthetic`` comes from recorded provenance (:func:`figure_is_synthetic`), never from the
    figure's folder or a column of its table.
    """
    spec = AREAS.get(area, AreaSpec("takedown_log", True, "04_report", "research"))
    meta = _read_meta(image)
    beside = next((c for c in table_candidates if c.exists()), image.with_suffix(".csv"))
    inputs: list[Path] = []
    if beside.exists():
        data = pd.read_csv(beside, dtype={"synthetic": "string"}, low_memory=False)
        inputs.append(beside)
    elif area == "trends":
        data = _trend_rows(counts, image.stem)
    else:
        data = pd.DataFrame()
    label = (key or image.stem).lower()
    is_public = area == "trends" or any(m in label for m in ("google", "transparency"))
    origin: Origin = meta.get("origin", "public" if is_public else spec.origin)
    # The watermark column of a disclosed table is re-added by disclose() below when synthetic.
    data = data.drop(columns="synthetic", errors="ignore")
    sources: list[Source] = []
    figure_ids = list(meta.get("figure_ids", []))
    if "source_ids" in data.columns:
        figure_ids += [i for cell in data["source_ids"] for i in split_ids(cell)]
    if figures is not None and figure_ids:
        sources += figure_sources(figures, figure_ids)
    if origin == "public" and package and area != "trends":
        sources += datapackage_sources(package)
    if synthetic:
        sources.append(synthetic_source(f"Synthetic takedown log ({area})"))
    if origin == "takedown_log":
        count_columns, rates = count_and_rate_columns(data)
        table = disclose(data, origin=origin, synthetic=synthetic, count_columns=count_columns, rates=rates, name=str(beside.name))
    else:
        table = disclose(data, origin="public", synthetic=synthetic, allowed_url_columns=("source_url",), name=str(beside.name))
    title = str(meta.get("title") or _title_from(data, catalogue) or _humanise(image.stem))
    return FigureEntry(area, image.stem, image, title, sorted(set(sources)), table, spec.notebook, spec.module, inputs, key or f"{area}-{image.stem}")


def collect_figures(paths: ProjectPaths, *, figures: pd.DataFrame | None, counts: pd.DataFrame | None, package: dict | None,
                    catalogue: pd.DataFrame | None = None) -> list[FigureEntry]:
    """Every figure of the figure sets the catalogue declares (:func:`declared_images`), areas in the
    report's order, files sorted by name. Trend titles come from the series ``catalogue``."""
    order = {name: i for i, name in enumerate(AREAS)}
    images = sorted(declared_images(paths), key=lambda p: (order.get(_area(paths, p), len(order)), p.relative_to(paths.figures).as_posix()))
    return [
        figure_entry(
            p, _area(paths, p), figures=figures, counts=counts, package=package, key=_key(paths, p),
            table_candidates=table_candidates(paths, p), synthetic=figure_is_synthetic(paths, p), catalogue=catalogue,
        )
        for p in images
    ]


#: The figure sets the report shows and bundles: what the catalogue's ``bundles`` entry is made from.
REPORTED_SETS = catalogue.entry("bundles").inputs
#: Figure folders under ``reports/figures/`` → their catalogue figure set.
FIGURE_SETS = {catalogue.entry(name).pattern.split("/")[2]: name for name in REPORTED_SETS}
#: The logs whose figure sets are shown: the pipeline's example, and the default folder of a command
#: run without one (``research network build``); a set's translations are never sources.
FIGURE_SOURCES = ("", catalogue.EXAMPLE_SOURCE)


def figure_set_folders(paths: ProjectPaths) -> list[tuple[str, Path]]:
    """``(figure set, folder)`` of every declared figure set the report shows, for each of :data:`FIGURE_SOURCES`."""
    found: list[tuple[str, Path]] = []
    for name in REPORTED_SETS:
        item = catalogue.entry(name)
        for source in FIGURE_SOURCES if "{source}" in item.pattern else ("",):
            found.append((name, item.path(paths, source=source)))
    return found


def declared_images(paths: ProjectPaths) -> list[Path]:
    """The figures of the declared figure sets: the PNGs directly in each set's folder.

    Nothing else under ``reports/figures/`` is a figure of the report: not a PNG outside every set's
    folder, nor one in a folder below a set's (its drawings in other languages, ``<lang>/<stem>.png``,
    see :func:`image_in`, are the same figure, not figures of their own).
    """
    found = {p for _, folder in figure_set_folders(paths) if folder.is_dir() for p in folder.iterdir() if p.suffix == ".png" and p.is_file()}
    return sorted(found, key=lambda p: p.as_posix())


def figure_files(paths: ProjectPaths) -> list[Path]:
    """The files the report reads for its figures: each declared image, its drawings in other
    languages, its ``.meta.json`` and the tables behind it that exist."""
    found: set[Path] = set()
    for image in declared_images(paths):
        found |= {image_in(image, lang) for lang in available_languages()}
        found |= {image.with_name(image.stem + ".meta.json"), *table_candidates(paths, image)}
    return sorted((p for p in found if p.is_file()), key=lambda p: p.as_posix())


def figure_is_synthetic(paths: ProjectPaths, image: Path) -> bool:
    """Whether ``image`` was drawn from synthetic data, by the lineage of the tables behind it.

    The table beside or behind the figure decides when it has a lineage sidecar; otherwise the
    catalogue's figure set (``reports/figures/<area>/<source>/``) answers from its tables.
    """
    recorded = [c for c in table_candidates(paths, image) if catalogue.lineage(c) is not None]
    if recorded:
        return catalogue.file_is_synthetic(recorded[0])
    relative = image.relative_to(paths.figures).parts
    figure_set = FIGURE_SETS.get(relative[0])
    if figure_set is None:
        return False
    source = "/".join(relative[1:-1])
    return catalogue.is_synthetic(figure_set, paths, source=source)


def table_candidates(paths: ProjectPaths, image: Path) -> tuple[Path, ...]:
    """Where the table behind ``image`` may be: beside it, then in its area's processed or report folder."""
    relative = image.relative_to(paths.figures)
    area, sub = relative.parts[0], Path(*relative.parts[1:-1]) if len(relative.parts) > 2 else Path()
    stem = FIGURE_TABLES.get(image.stem, image.stem)
    found = [image.with_suffix(".csv")]
    if area in PROCESSED_DIRS:
        found.append(paths.processed / PROCESSED_DIRS[area] / sub / f"{stem}.csv")
    found += [paths.tables / area / sub / f"{stem}.csv", paths.reports / area / sub / f"{stem}.csv"]
    return tuple(found)


def _area(paths: ProjectPaths, image: Path) -> str:
    return image.relative_to(paths.figures).parts[0]


def _key(paths: ProjectPaths, image: Path) -> str:
    """``networks/synthetic/lorenz.png`` → ``networks-synthetic-lorenz``."""
    return "-".join(image.relative_to(paths.figures).with_suffix("").parts)
