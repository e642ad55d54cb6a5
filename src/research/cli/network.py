"""``research network build``: the hosting-site network of a cleaned takedown log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research import catalogue
from research.config import SEED
from research.config import paths as project_paths
from research.errors import ResearchError
from research.i18n import message
from research.pipeline.s40_networks import write_network_outputs

NAME = "network"
app = typer.Typer(help="Hosting-site networks behind non-removal (graphs, rankings, model, exports).", no_args_is_help=True)


@app.command("build")
def build(
    takedowns: Annotated[Path, typer.Argument(help="Cleaned takedown log (takedowns.parquet or .csv).")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for everything: tables in it, exports in exports/, figures in figures/ (default: data/processed/network, reports/networks, reports/figures/networks).")] = None,
    out_processed: Annotated[Path | None, typer.Option(help="Deprecated (use --out): folder for the tables.", hidden=True)] = None,
    out_reports: Annotated[Path | None, typer.Option(help="Deprecated (use --out): folder for GEXF/GraphML and node/edge tables.", hidden=True)] = None,
    out_figures: Annotated[Path | None, typer.Option(help="Deprecated (use --out): folder for the figures.", hidden=True)] = None,
    top: Annotated[int, typer.Option(help="Domains drawn in the network figure and kept in the top rankings.")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of Louvain, k-means, folds and bootstrap.")] = SEED,
    lang: Annotated[str, typer.Option(help="Language of figure texts.")] = "en",
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="default (pandas) or dask (per partition: the driver holds site-level tables and the model's sample, never a row per URL).")] = "default",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster with a memory limit).")] = None,
) -> None:
    """Build the co-hosting network, layers, rankings, communities, concentration and model; export for Gephi.

    Examples:

        research network build data/processed/takedowns/mine/takedowns.parquet --out results/network

        research network build takedowns.parquet --engine dask --top 50 --seed 1
    """
    paths = project_paths(root)
    deprecated = [name for name, value in (("--out-processed", out_processed), ("--out-reports", out_reports), ("--out-figures", out_figures)) if value is not None]
    if deprecated:
        typer.secho(f"warning: {', '.join(deprecated)} will be removed in the next release; use --out DIR", err=True, fg="yellow")
    processed = out_processed or (out if out is not None else catalogue.path("network_tables", paths, source="", table="x").parent)
    reports = out_reports or (out / "exports" if out is not None else paths.reports / "networks")
    figures = out_figures or (out / "figures" if out is not None else catalogue.path("network_figures", paths, source=""))
    try:
        build = None
        if engine == "dask":
            from research.scale.files import network_with_dask

            build = network_with_dask(takedowns, scheduler, seed=seed)
        result, _ = write_network_outputs(takedowns, processed, reports, figures, top=top, seed=seed, lang=lang, root=paths.root, build=build)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    typer.echo(
        message(
            "networks", "built", lang,
            urls=result.urls, domains=result.domains,
            edges=len(result.co_hosting_edges), communities=len(result.communities),
        )
    )
    from research.pipeline.s40_networks import EXPORT_MAX_EDGES, hub_warning

    warning = hub_warning(result, min(len(result.co_hosting_edges), EXPORT_MAX_EDGES), lang)
    if warning:
        typer.secho(f"warning: {warning}", err=True, fg="yellow")
    if result.model.fitted:
        auc = result.model.metrics.set_index("metric").loc["auc_out_of_fold"]
        typer.echo(message("networks", "model_auc", lang, auc=f"{auc['value']:.3f}", low=f"{auc['low']:.3f}", high=f"{auc['high']:.3f}"))
        if not result.model.predictive:
            typer.echo(message("networks", "model_not_predictive", lang, low=f"{auc['low']:.2f}", high=f"{auc['high']:.2f}"))
    else:
        typer.echo(message("networks", "model_not_fitted", lang, reason=result.model.reason))
    if result.synthetic:
        typer.echo(message("networks", "synthetic_note", lang))
    typer.echo(message("networks", "written", lang, processed=processed, reports=reports, figures=figures))
