"""``research audit``: check exports for data below domain level, and files against their lineage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.audit.exports import audit_exports, format_findings
from research.audit.lineage import audit_lineage
from research.audit.notebooks import notebook_output_findings
from research.config import SUPPRESSION_THRESHOLD
from research.config import paths as project_paths
from research.errors import ResearchError
from research.outputs import write_csv

NAME = "audit"
app = typer.Typer(help="Audit exports (privacy) and lineage (integrity).", no_args_is_help=True)

RootOption = Annotated[Path | None, typer.Option(help="Project root (default: this repository).")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Also write the findings into this folder (a .csv path still names the file; deprecated).")]


def _findings_file(out: Path, name: str) -> Path:
    """``out/name``, or ``out`` itself when it is a ``.csv`` path (the old form, with a warning)."""
    if out.suffix.lower() == ".csv":
        typer.secho("warning: --out FILE.csv will be removed in the next release; --out takes a folder", err=True, fg="yellow")
        return out
    return out / name


@app.command("exports")
def exports(
    root: RootOption = None,
    out: OutOption = None,
    threshold: Annotated[int, typer.Option(help="Smallest count allowed in takedown-derived exports.")] = SUPPRESSION_THRESHOLD,
) -> None:
    """Scan reports/ and data/processed/ for URL paths, e-mails, phone numbers and small counts.

    Examples:

        research audit exports

        research audit exports --out reports/audit --threshold 10
    """
    paths = project_paths(root)
    try:
        audit = audit_exports(paths, threshold=threshold)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(2) from error
    if out is not None:
        write_csv(audit.findings, _findings_file(out, "export_findings.csv"))
    for name, reason in sorted(audit.skipped.items()):
        typer.echo(f"skipped {name}: {reason}", err=True)
    if audit.passed:
        typer.echo(f"export audit passed: {len(audit.scanned)} files scanned, {len(audit.skipped)} skipped, no findings")
        return
    typer.echo(format_findings(audit.findings))
    typer.secho(f"export audit FAILED: {len(audit.findings)} findings in {audit.findings['file'].nunique()} files", err=True, fg="red")
    raise typer.Exit(1)


@app.command("lineage")
def lineage(root: RootOption = None, out: OutOption = None) -> None:
    """Check raw files against data/raw/SHA256SUMS and processed files against their sidecars.

    Examples:

        research audit lineage --out reports/audit
    """
    paths = project_paths(root)
    try:
        findings = audit_lineage(paths)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(2) from error
    if out is not None:
        write_csv(findings, _findings_file(out, "lineage_findings.csv"))
    if findings.empty:
        typer.echo("lineage audit passed: raw files match the manifest, processed files match their sidecars")
        return
    typer.echo(findings.to_string(index=False))
    typer.secho(f"lineage audit FAILED: {len(findings)} findings", err=True, fg="red")
    raise typer.Exit(1)


@app.command("notebooks")
def notebooks(files: Annotated[list[Path], typer.Argument(help="Notebooks (.ipynb) to check.")]) -> None:
    """Fail if any notebook carries outputs or execution counts (used by the pre-commit hook)."""
    findings = notebook_output_findings(f for f in files if f.suffix == ".ipynb")
    if findings.empty:
        return
    typer.echo(findings.fillna("").to_string(index=False))
    typer.secho("notebooks with outputs: clear them (nbstripout) before committing", err=True, fg="red")
    raise typer.Exit(1)
