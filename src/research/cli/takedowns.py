"""``research takedowns``: clean a takedown log, or generate the synthetic example log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.config import SEED
from research.config import paths as project_paths
from research.errors import InputError, ResearchError
from research.i18n import message

NAME = "takedowns"
app = typer.Typer(help="Takedown logs: clean a log into the documented table, or make the synthetic example.", no_args_is_help=True)


@app.command("clean")
def clean(
    log: Annotated[Path, typer.Argument(help="The log file: CSV (generic) or Lumen JSON.", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder for takedowns.parquet/.csv, quarantine.csv, quality.csv.")],
    log_format: Annotated[str, typer.Option("--format", help="generic (CSV in the documented format or with --mapping) or lumen.")] = "generic",
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML/CSV file naming your export's columns (and extra words).", exists=True, dir_okay=False)] = None,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Require a log made by `research takedowns synth` (its marker must verify); such a log is recognised without this flag, and nothing in a log's columns makes it synthetic.")] = False,
    public_sample: Annotated[bool, typer.Option("--public-sample", help="The log is a published sample shipped with the toolkit (Lumen's): use the published demo key. Refused for any other file.")] = False,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="HMAC key file for real data; wins over $RESEARCH_HMAC_KEY (default: $RESEARCH_HMAC_KEY, else ~/.config/research/hmac.key).")] = None,
    keep_ids: Annotated[bool, typer.Option("--keep-ids", help="Keep request_id and content_id as written instead of replacing them by keyed pseudonyms (rows whose ids hold an e-mail address, phone number or URL are quarantined).")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the summary.")] = "en",
    engine: Annotated[str, typer.Option("--engine", help="default (pandas, in memory) or dask (partitioned Parquet; UTF-8 CSV in the documented format).")] = "default",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster with a memory limit).")] = None,
) -> None:
    """Clean LOG: normalise URLs into pseudonyms and domains, map outcome words, quarantine the rest.

    Examples:

        research takedowns clean data/raw/private/export.csv --out data/processed/takedowns/mine

        research takedowns clean notices.json --format lumen --public-sample --out results/lumen

        research takedowns clean big.csv --engine dask --out data/processed/takedowns/big
    """
    from research.clean.takedown_files import clean_log_file, write_cleaned

    try:
        parameters = {"format": log_format, "mapping": mapping.name if mapping else None, "synthetic": synthetic, "public_sample": public_sample, "keep_ids": keep_ids}
        if engine == "dask":
            from research.scale.files import clean_with_dask

            if log_format != "generic" or mapping is not None:
                raise InputError("--engine dask reads CSV in the documented format only (no --format lumen, no --mapping)", file=str(log), value=log_format if log_format != "generic" else str(mapping))
            # Writes the same files as write_cleaned, one block of rows at a time.
            result = clean_with_dask(log, out, synthetic=synthetic, public_sample=public_sample, key_file=key_file, scheduler=scheduler, inputs=[log], parameters=parameters, pseudonymise_ids=not keep_ids)
        else:
            result = clean_log_file(log, log_format, mapping, synthetic=synthetic, public_sample=public_sample, key_file=key_file, pseudonymise_ids=not keep_ids)
            write_cleaned(result, out, inputs=[log] + ([mapping] if mapping else []), parameters=parameters)
    except ResearchError as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    quality = dict(zip(result.quality["metric"], result.quality["value"], strict=True))
    typer.echo(message("takedowns", "clean_summary", lang, rows_in=quality["rows_in"], rows_out=quality["rows_out"], rows_quarantined=quality["rows_quarantined"], out=out))


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder for synthetic_log.csv.gz (a .csv or .csv.gz path still names the file; deprecated).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = SEED,
    files: Annotated[int | None, typer.Option("--files", help="Number of files (default: the NPO's 99,266); statuses keep its proportions.")] = None,
    root: Annotated[Path | None, typer.Option(help="Project root (default: this repository).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the summary.")] = "en",
) -> None:
    """Generate the seeded synthetic example log (synthetic — illustrative) in the documented format.

    Examples:

        research takedowns synth --out examples/ --files 2000 --seed 7
    """
    if out.name.lower().endswith((".csv", ".csv.gz")):
        typer.secho("warning: --out FILE will be removed in the next release; --out takes a folder", err=True, fg="yellow")
    else:
        out = out / "synthetic_log.csv.gz"
    from research.takedowns.seeds import scaled_counts, seed_funnel
    from research.takedowns.synth import synth_log, write_synth_log

    try:
        funnel = seed_funnel(project_paths(root).figures_csv)
        counts = scaled_counts(funnel, files if files is not None else funnel.total)
        log = synth_log(counts, seed=seed)
        write_synth_log(log, out)
    except (ResearchError, ValueError) as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    typer.echo(message("takedowns", "synth_summary", lang, files=sum(counts.values()), rows=len(log), out=out))
