"""``research reproduce``: the command behind ``make reproduce``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.config import paths as project_paths
from research.errors import ResearchError
from research.parallel import available_cpus
from research.pipeline import plan, run_pipeline, summarise, summarise_plan


def reproduce(
    force: Annotated[bool, typer.Option("--force", help="Rebuild every stage, even if up to date.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only the named stage(s).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show which stages would run and why; run nothing.")] = False,
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Stages run at once when they do not depend on each other (default: the CPUs available).")] = None,
) -> None:
    """Rebuild data/processed/ and reports/ from data/raw/, skipping steps whose inputs did not change.

    A stage runs when its input files, its parameters or its own code changed since its last run,
    or when a stage it depends on produced different outputs.

    Examples:

        research reproduce

        research reproduce --dry-run

        research reproduce --only trends --force

        research reproduce --jobs 1
    """
    paths = project_paths(root)
    try:
        if dry_run:
            typer.echo(summarise_plan(plan(paths, force=force, only=only)))
            return
        results = run_pipeline(paths, force=force, only=only, jobs=jobs or available_cpus())
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    typer.echo(summarise(results, paths))


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` as a top-level command."""
    app.command("reproduce")(reproduce)
