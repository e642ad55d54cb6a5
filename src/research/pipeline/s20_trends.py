"""Stage: growth trends of every count series → ``trends.csv``, ``trend_comparisons.csv`` and figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from research import catalogue
from research.clean.breaks import read_breaks
from research.clean.series_catalogue import read_series_catalogue, series_catalogue_files
from research.config import SEED, ProjectPaths
from research.errors import ResearchError
from research.i18n import FIGURE_LANGUAGES
from research.outputs import write_table
from research.pipeline import Stage
from research.plots.trends import in_language, save_trend_figures
from research.report.mainpoints import HEADLINES
from research.trends.analysis import FORECAST_HORIZON, MIN_POINTS_FOR_FIGURE, analyse_counts, trends_table
from research.trends.compare import DEFAULT_COMPARISONS, comparisons_table
from research.trends.forecast import N_SIMULATIONS
from research.trends.interventions import MIN_PRE_FOR_TREND, PRE_WINDOW_DAYS, interventions_table
from research.trends.joinpoint import MAX_JOINPOINTS, MIN_BETWEEN, MIN_FROM_END, N_PERMUTATIONS, PERMUTATION_ALPHA, averages_table, segments_table
from research.trends.models import OVERDISPERSION_ALPHA
from research.trends.sensitivity import sensitivity_table

FIGURE_FORMATS = (".png", ".svg", ".pdf")
#: File in the figures folder recording which figures are up to date (see research.plots.trend_cache).
FIGURE_CACHE = ".figure_cache.json"
#: The series whose figures the bulletin can embed (its main points' series); only these are
#: drawn in every language, since drawing all of them four times would take minutes.
TRANSLATED_SERIES = tuple(spec.series_id for spec in HEADLINES)


def parse_pairs(items: Sequence[str]) -> list[tuple[str, str]]:
    """``["A~B", …]`` → ``[("A", "B"), …]`` (the form comparisons take in parameters and on the CLI)."""
    pairs = []
    for item in items:
        a, sep, b = str(item).partition("~")
        if not sep or not a.strip() or not b.strip():
            raise ResearchError(f"a comparison is written SERIES_A~SERIES_B, not {item!r}")
        pairs.append((a.strip(), b.strip()))
    return pairs


def translated_figures(results: Sequence, figures_dir: Path, catalogue: pd.DataFrame | None,
                       languages: Sequence[str] = FIGURE_LANGUAGES, series_ids: Sequence[str] = TRANSLATED_SERIES) -> list[Path]:
    """Draw the figures of ``series_ids`` in each of ``languages`` into ``figures_dir/<lang>/``; drop stale ones."""
    chosen = [result for result in results if result.series_id in set(series_ids)]
    written: list[Path] = []
    for lang in languages:
        folder = figures_dir / lang
        files = save_trend_figures(in_language(chosen, catalogue, lang), folder, min_points=MIN_POINTS_FOR_FIGURE, lang=lang,
                                   cache_file=folder / FIGURE_CACHE, formats=("png", "svg"))
        for stale in sorted(set(folder.iterdir()) - set(files)) if folder.exists() else []:
            if stale.suffix in FIGURE_FORMATS:
                stale.unlink()
        written += files
    return written


def build_trends(
    counts_path: Path,
    out_path: Path,
    figures_dir: Path,
    root: Path | None = None,
    lang: str = "en",
    breaks_path: Path | None = None,
    comparisons: Sequence[tuple[str, str]] = DEFAULT_COMPARISONS,
    comparisons_path: Path | None = None,
    series_path: Path | None = None,
    figure_languages: Sequence[str] = FIGURE_LANGUAGES,
    joinpoint_selection: str = "bic",
) -> list[Path]:
    """Read a counts table, fit every series × segment, write the trends table, comparisons and figures.

    ``breaks_path`` is the break registry: its ``intervention`` rows marked on a series (its
    ``break_ids``) are analysed as interrupted time series; ``series_path`` is the series
    catalogue (``data/raw/series.csv``) whose titles every output uses (without it, series ids); without it no known break is fitted. Comparisons
    (``comparisons`` plus same-span pairs) go to ``comparisons_path`` (default: beside
    ``out_path``, ``trend_comparisons.csv``); interventions as interrupted time series to
    ``interventions.csv`` beside ``out_path``; joinpoint segments and average changes to
    ``trend_segments.csv`` and ``trend_averages.csv`` beside it too; fits run again with the
    values of unresolved same-tier conflicts to ``trend_sensitivity.csv``. A figure whose inputs are unchanged since an earlier
    run is kept rather than drawn again; figures of series that no longer qualify are removed.
    The report's series are drawn again in each of ``figure_languages`` (:func:`translated_figures`).
    ``joinpoint_selection``: ``bic`` (default) or ``permutation`` (Kim et al.'s sequential tests).
    """
    if not counts_path.exists():
        raise ResearchError(f"{counts_path} does not exist: build it first (research reproduce --only counts)")
    counts = pd.read_csv(counts_path, keep_default_na=True)
    counts["row_number"] = range(1, len(counts) + 1)
    registry = read_breaks(breaks_path) if breaks_path is not None and breaks_path.exists() else None
    inputs = [counts_path] + ([breaks_path] if registry is not None else [])
    catalogue = read_series_catalogue(series_path) if series_path is not None and series_path.exists() else None
    if catalogue is not None:
        inputs += series_catalogue_files(series_path)
    results = analyse_counts(counts, file=counts_path.name, lang=lang, interventions=registry, catalogue=catalogue, joinpoint_selection=joinpoint_selection)
    parameters = {
        "seed": SEED,
        "forecast_horizon": FORECAST_HORIZON,
        "forecast_simulations": N_SIMULATIONS,
        "overdispersion_alpha": OVERDISPERSION_ALPHA,
                "lang": lang,
        "break_registry": breaks_path.name if registry is not None else "none",
    }
    written = write_table(trends_table(results), out_path, inputs=inputs, parameters=parameters, root=root)
    comparisons_path = comparisons_path or out_path.with_name("trend_comparisons.csv")
    pairs = ["~".join(p) for p in comparisons]
    written += write_table(comparisons_table(results, comparisons), comparisons_path, inputs=inputs, parameters={**parameters, "comparisons": pairs, "automatic_pairs": "same country, counted and years"}, root=root)
    models = [result.joinpoints for result in results if result.joinpoints is not None]
    joinpoint_parameters = {**parameters, "min_from_end": MIN_FROM_END, "min_between": MIN_BETWEEN, "max_joinpoints": MAX_JOINPOINTS,
                            "selection": "BIC (deviance)" if joinpoint_selection == "bic" else f"sequential permutation tests (alpha {PERMUTATION_ALPHA}, {N_PERMUTATIONS} permutations)"}
    written += write_table(segments_table(models), out_path.with_name("trend_segments.csv"), inputs=inputs, parameters=joinpoint_parameters, root=root)
    written += write_table(averages_table(models), out_path.with_name("trend_averages.csv"), inputs=inputs, parameters=joinpoint_parameters, root=root)
    sensitivity = sensitivity_table(counts, results, file=counts_path.name, lang=lang, interventions=registry, catalogue=catalogue, joinpoint_selection=joinpoint_selection)
    written += write_table(sensitivity, out_path.with_name("trend_sensitivity.csv"), inputs=inputs, parameters=parameters, root=root)
    effects = [effect for result in results for effect in result.effects]
    written += write_table(interventions_table(effects), out_path.with_name("interventions.csv"), inputs=inputs,
                           parameters={**parameters, "pre_window_days": PRE_WINDOW_DAYS, "min_pre_for_trend": MIN_PRE_FOR_TREND}, root=root)
    figures = save_trend_figures(results, figures_dir, min_points=MIN_POINTS_FOR_FIGURE, lang=lang, cache_file=figures_dir / FIGURE_CACHE)
    # A series that no longer qualifies must not keep a stale figure from an earlier run.
    for stale in sorted(set(figures_dir.iterdir()) - set(figures)) if figures_dir.exists() else []:
        if stale.suffix in FIGURE_FORMATS:
            stale.unlink()
    figures += translated_figures(results, figures_dir, catalogue, figure_languages)
    return written + figures


#: What the stage reads, by catalogue name.
READS = ("counts", "definition_breaks", "series_catalogue", "series_catalogue_additions")


def inputs(paths: ProjectPaths) -> list[Path]:
    return [p for p in (catalogue.path(name, paths) for name in READS) if p.exists()]


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    return build_trends(
        catalogue.path("counts", paths),
        catalogue.path("trends", paths),
        catalogue.path("trend_figures", paths),
        root=paths.root,
        lang=str(parameters["lang"]),
        breaks_path=catalogue.path("definition_breaks", paths),
        comparisons=parse_pairs(parameters["comparisons"]),
        comparisons_path=catalogue.path("trend_comparisons", paths),
        series_path=catalogue.path("series_catalogue", paths),
        figure_languages=tuple(parameters.get("figure_languages", FIGURE_LANGUAGES)),
        joinpoint_selection=str(parameters.get("joinpoint_selection", "bic")),
    )


STAGE = Stage(
    name="trends",
    description="count models, growth with intervals, breaks, forecasts, comparisons, summaries and figures",
    inputs=inputs,
    run=run,
    parameters={"lang": "en", "seed": SEED, "forecast_horizon": FORECAST_HORIZON, "comparisons": ["~".join(p) for p in DEFAULT_COMPARISONS],
                "figure_languages": list(FIGURE_LANGUAGES), "translated_series": list(TRANSLATED_SERIES), "joinpoint_selection": "bic"},
)
