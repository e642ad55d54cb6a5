"""``research trends``: fit growth models to the cleaned counts and write the table and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from research import catalogue
from research.config import paths as project_paths
from research.errors import ResearchError
from research.pipeline.s20_trends import build_trends, parse_pairs
from research.trends.compare import DEFAULT_COMPARISONS
from research.trends.joinpoint import SELECTIONS

NAME = "trends"
app = typer.Typer(help="Growth of count series: models, intervals, breaks, forecasts, plain-language summaries.", no_args_is_help=True)


@app.command("fit")
def fit(
    counts: Annotated[Path | None, typer.Option("--counts", help="Cleaned counts table (default: data/processed/counts.csv).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for trends.csv, trend_comparisons.csv and figures/ (default: data/processed/ and reports/figures/trends). A .csv path still names the trends table (deprecated).")] = None,
    figures: Annotated[Path | None, typer.Option("--figures", help="Folder for figures (default: reports/figures/trends).")] = None,
    breaks: Annotated[Path | None, typer.Option("--breaks", help="Break registry whose interventions are fitted (default: data/raw/definition_breaks.csv).", exists=True, dir_okay=False)] = None,
    compare: Annotated[list[str] | None, typer.Option("--compare", help="Pair of series to compare, SERIES_A~SERIES_B (repeatable; default: the KR deepfake / NCMEC enticement pair).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the summaries.")] = "en",
    joinpoints: Annotated[str, typer.Option("--joinpoints", help="How the number of joinpoints is chosen: bic (default) or permutation (Kim et al. 2000 sequential tests; slower).")] = "bic",
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
) -> None:
    """Fit every series × segment of the counts table; write one row each, plus figures.

    Examples:

        research trends fit

        research trends fit --counts my/counts.csv --out results/trends --lang id

        research trends fit --compare KR_A~KR_B --out results/trends

        research trends fit --joinpoints permutation
    """
    paths = project_paths(root)
    out_path, figures_dir = catalogue.path("trends", paths), figures or catalogue.path("trend_figures", paths)
    if out is not None and out.suffix.lower() == ".csv":
        typer.secho("warning: --out FILE.csv will be removed in the next release; --out takes a folder", err=True, fg="yellow")
        out_path = out
    elif out is not None:
        out_path, figures_dir = out / catalogue.path("trends", paths).name, figures or out / "figures"
    if joinpoints not in SELECTIONS:
        typer.secho(f"error: --joinpoints must be one of {', '.join(SELECTIONS)}, not {joinpoints!r}", err=True, fg="red")
        raise typer.Exit(2)
    try:
        registry = breaks if breaks is not None else catalogue.path("definition_breaks", paths)
        if not registry.exists():
            typer.echo(f"no break registry at {registry}: no intervention is fitted")
        pairs = parse_pairs(compare) if compare else list(DEFAULT_COMPARISONS)
        written = build_trends(counts or catalogue.path("counts", paths), out_path, figures_dir, root=paths.root, lang=lang, breaks_path=registry, comparisons=pairs, series_path=catalogue.path("series_catalogue", paths),
                               joinpoint_selection=joinpoints)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    table = pd.read_csv(out_path)
    by_status = table["status"].value_counts().sort_index()
    typer.echo(", ".join(f"{count} {status}" for status, count in by_status.items()) + f" — {out_path}")
    typer.echo(f"{len(written)} files written")
