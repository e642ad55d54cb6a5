"""Stage: growth trends of every count series → ``trends.csv`` and ``reports/figures/trends/``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from research.config import SEED, ProjectPaths
from research.errors import ResearchError
from research.pipeline import Stage
from research.plots.trends import save_trend_figures
from research.outputs import write_table
from research.trends.analysis import FORECAST_HORIZON, MIN_POINTS_FOR_FIGURE, analyse_counts, trends_table
from research.trends.breaks import IC_MARGIN
from research.trends.models import OVERDISPERSION_ALPHA

FIGURE_FORMATS = (".png", ".svg", ".pdf")
#: File in the figures folder recording which figures are up to date (see research.plots.trend_cache).
FIGURE_CACHE = ".figure_cache.json"


def counts_csv(paths: ProjectPaths) -> Path:
    return paths.processed / "counts.csv"


def trends_csv(paths: ProjectPaths) -> Path:
    return paths.processed / "trends.csv"


def trend_figures_dir(paths: ProjectPaths) -> Path:
    return paths.figures / "trends"


def build_trends(counts_path: Path, out_path: Path, figures_dir: Path, root: Path | None = None, lang: str = "en") -> list[Path]:
    """Read a counts table, fit every series × segment, write the trends table and the figures.

    A figure whose inputs are unchanged since an earlier run is kept rather than drawn again;
    figures of series that no longer qualify are removed.
    """
    if not counts_path.exists():
        raise ResearchError(f"{counts_path} does not exist: build it first (research reproduce --only counts)")
    counts = pd.read_csv(counts_path, keep_default_na=True)
    counts["row_number"] = range(1, len(counts) + 1)
    results = analyse_counts(counts, file=counts_path.name, lang=lang)
    table = trends_table(results)
    parameters = {"seed": SEED, "forecast_horizon": FORECAST_HORIZON, "overdispersion_alpha": OVERDISPERSION_ALPHA, "ic_margin": IC_MARGIN, "lang": lang}
    written = write_table(table, out_path, inputs=[counts_path], parameters=parameters, root=root)
    figures = save_trend_figures(results, figures_dir, min_points=MIN_POINTS_FOR_FIGURE, lang=lang, cache_file=figures_dir / FIGURE_CACHE)
    # A series that no longer qualifies must not keep a stale figure from an earlier run.
    for stale in sorted(set(figures_dir.iterdir()) - set(figures)) if figures_dir.exists() else []:
        if stale.suffix in FIGURE_FORMATS:
            stale.unlink()
    written += figures
    return written


def inputs(paths: ProjectPaths) -> list[Path]:
    return [p for p in [counts_csv(paths)] if p.exists()]


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    return build_trends(counts_csv(paths), trends_csv(paths), trend_figures_dir(paths), root=paths.root, lang=str(parameters["lang"]))


STAGE = Stage(
    name="trends",
    description="count models, growth with intervals, breaks, forecasts, summaries and figures",
    inputs=inputs,
    run=run,
    parameters={"lang": "en", "seed": SEED, "forecast_horizon": FORECAST_HORIZON},
)
