"""``research report``: build the advocate report, its tables and bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.config import paths as project_paths
from research.errors import ResearchError
from research.i18n import available_languages
from research.report.build import LANGUAGES, build_reports

NAME = "report"
app = typer.Typer(help="The advocate report (self-contained HTML and Markdown), tables for papers, download bundles.", no_args_is_help=True)


@app.command("build")
def build(
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Language(s) to build (default: en, id, ja and ko).")] = None,
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the pages, tables/, bundles/ and report_figures/ (default: reports/ of the project).")] = None,
) -> None:
    """Write report[.<lang>].{html,md}, demo[.<lang>].html, appendix[.<lang>].html, tables/ and bundles/ into reports/ (or --out).

    Examples:

        research report build

        research report build --lang ja --lang ko --out results/report
    """
    languages = tuple(lang or LANGUAGES)
    unknown = sorted(set(languages) - set(available_languages()))
    if unknown:
        typer.secho(f"error: no catalogue for {', '.join(unknown)}; available: {', '.join(available_languages())}", err=True, fg="red")
        raise typer.Exit(2)
    paths = project_paths(root)
    try:
        written = build_reports(paths, languages, out=out)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    pages = out if out is not None else paths.reports
    for path in sorted(p for p in written if p.suffix in {".html", ".md"} and p.parent == pages):
        typer.echo(path.relative_to(paths.root).as_posix() if path.is_relative_to(paths.root) else path.as_posix())
    typer.echo(f"{len(written)} files written")
