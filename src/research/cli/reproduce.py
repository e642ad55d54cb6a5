"""``research reproduce``: the command behind ``make reproduce``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.config import paths as project_paths
from research.errors import ResearchError
from research.pipeline import run_pipeline, summarise


def reproduce(
    force: Annotated[bool, typer.Option("--force", help="Rebuild every stage, even if up to date.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only the named stage(s).")] = None,
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
) -> None:
    """Rebuild data/processed/ and reports/ from data/raw/, skipping steps whose inputs did not change."""
    paths = project_paths(root)
    try:
        results = run_pipeline(paths, force=force, only=only)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    typer.echo(summarise(results, paths))


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` as a top-level command."""
    app.command("reproduce")(reproduce)
