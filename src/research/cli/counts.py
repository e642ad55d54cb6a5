"""``research counts``: clean public statistics in the raw figures format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.clean.counts import clean_counts_file
from research.config import paths as project_paths
from research.errors import OutputError, ResearchError
from research.outputs import write_csv

NAME = "counts"
app = typer.Typer(help="Clean sourced public statistics into tidy counts.", no_args_is_help=True)


@app.command("clean")
def clean(
    figures: Annotated[Path, typer.Argument(help="A CSV in the raw figures format (the columns of figures.csv).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for counts.csv, quarantine.csv and quality.csv.")],
    breaks: Annotated[Path | None, typer.Option(help="Definition-break registry (default: data/raw/definition_breaks.csv).", exists=True, dir_okay=False)] = None,
    lang: Annotated[str, typer.Option(help="Language of reasons and explanations (en, id).")] = "en",
) -> None:
    """Write counts.csv, quarantine.csv and quality.csv for FIGURES into --out.

    Examples:

        research counts clean data/raw/figures.csv --out results/counts --lang id
    """
    default = project_paths().raw / "definition_breaks.csv"
    registry = breaks if breaks is not None else default if default.exists() else None
    try:
        if out.exists() and not out.is_dir():
            raise OutputError("--out must be a folder, and this is a file", file=str(out))
        result = clean_counts_file(figures, registry, lang=lang)
        write_csv(result.counts, out / "counts.csv")
        write_csv(result.quarantine, out / "quarantine.csv")
        write_csv(result.quality, out / "quality.csv")
    except (ResearchError, OSError) as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    typer.echo(
        f"{result.rows_in} rows in: {result.rows_used} used, {len(result.quarantine)} quarantined; "
        f"{len(result.counts)} observations, {len(result.quality)} quality notes → {out}"
    )
