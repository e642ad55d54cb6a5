"""``research takedowns``: clean a takedown log, or generate the synthetic example log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.config import SEED
from research.config import paths as project_paths
from research.errors import InputError, OutputError, ResearchError
from research.i18n import message

NAME = "takedowns"
app = typer.Typer(help="Takedown logs: clean a log into the documented table, analyse it, or make the synthetic example.", no_args_is_help=True)


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


@app.command("analyse")
def analyse(
    takedowns: Annotated[Path, typer.Argument(help="Cleaned takedown log (takedowns.parquet or .csv from `research takedowns clean`).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for funnel.csv, time_to_removal.csv, survival_curves.csv, group_tests.csv, reemergence.csv and figures/.")],
    by: Annotated[str, typer.Option("--by", help="Groups compared: channel, domain, site, provider or country.")] = "channel",
    interval: Annotated[str, typer.Option("--interval", help="Interval of shares: auto (Clopper–Pearson for small or extreme counts, Wilson otherwise), clopper_pearson or wilson.")] = "auto",
    public: Annotated[bool, typer.Option("--public", help="The log is already public in full (e.g. a published audit): counts shown as published, every curve step kept.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the parametric fits' subsample on very large logs.")] = SEED,
    lang: Annotated[str, typer.Option("--lang", help="Language of figures and summary.")] = "en",
    hash_distance: Annotated[
        int | None,
        typer.Option("--hash-distance", help="Re-emergence: files whose PDQ content_hash differ in at most N of 256 bits are the same content (Meta's threshold: 31). Default: match by content_id."),
    ] = None,
) -> None:
    """Analyse a cleaned log: funnel, time to removal (observed or censored), survival curves, group tests, re-emergence.

    Example: research takedowns analyse out/takedowns.parquet --out out/analysis --by channel
    """
    from research.config import SUPPRESSION_THRESHOLD
    from research.outputs import write_table
    from research.pipeline.s40_networks import read_log
    from research.plots.style import Credit
    from research.plots.takedowns import funnel_figure, km_figure, risk_days
    from research.report.takedown_disclosure import disclose_log_tables
    from research.takedowns.analysis import BY_CHOICES, analyse_log
    from research.takedowns.survival import km_curves, numbers_at_risk, removal_times

    try:
        if out.exists() and not out.is_dir():
            raise OutputError("--out must be a folder, and this is a file", file=str(out))
        if by not in BY_CHOICES:
            raise InputError(f"--by must be one of {', '.join(BY_CHOICES)}", value=by)
        log = read_log(takedowns)
        column = BY_CHOICES[by]
        if column not in log.columns:
            raise InputError(f"the log has no column {column!r} for --by {by}", file=str(takedowns), column=column)
        if hash_distance is not None and not 0 <= hash_distance <= 256:
            raise InputError("--hash-distance is a number of bits, 0 to 256 (Meta's PDQ threshold is 31)", value=hash_distance)
        if hash_distance is not None and ("content_hash" not in log.columns or log["content_hash"].isna().all()):
            raise InputError("--hash-distance needs PDQ hashes, and the log has no content_hash values", file=str(takedowns), column="content_hash")
        synthetic = bool(len(log)) and "synthetic" in log.columns and bool(log["synthetic"].astype(bool).all())
        tables = analyse_log(log, column, seed=seed, interval_method=interval, private_threshold=None if public else SUPPRESSION_THRESHOLD, max_hash_distance=hash_distance)
        parameters = {"by": by, "interval": interval, "public": public, "seed": seed, "hash_distance": hash_distance}
        written = []
        shown = disclose_log_tables({stem: (t.frame, t.counts, t.rates) for stem, t in tables.items()}, column, synthetic=synthetic, public=public)
        for stem, frame in shown.items():
            written += write_table(frame, out / f"{stem}.csv", inputs=[takedowns], parameters=parameters)
        credit = Credit([message("takedowns", "synthetic_label" if synthetic else "source_log", lang, name=takedowns.name)], synthetic, lang)
        figures = funnel_figure(tables["funnel"].frame, out / "figures" / "funnel", credit)
        curves = km_curves(removal_times(log), column)  # the figure draws every step; the table may be coarser
        if len(curves):
            shown_from = None if public or synthetic else SUPPRESSION_THRESHOLD  # numbers at risk of a private log: "<10"
            at_risk = numbers_at_risk(removal_times(log), column, risk_days())
            figures += km_figure(curves, out / "figures" / "time_to_removal", credit, at_risk=at_risk, min_count=shown_from)
    except (ResearchError, ValueError) as error:
        typer.secho(f"error: {error}", err=True, fg="red")
        raise typer.Exit(1) from error
    times = tables["time_to_removal"].frame
    missing = sorted(set(times.loc[times["method"] == "not_estimable", "group"].astype(str)))
    if missing:
        typer.echo(message("takedowns", "analyse_not_estimable", lang, groups=", ".join(missing)))
    urls = int(tables["funnel"].frame.query("group_kind == 'all' and unit == 'url'")["n"].sum())
    files = int(tables["funnel"].frame.query("group_kind == 'all' and unit == 'file'")["n"].sum())
    typer.echo(message("takedowns", "analyse_summary", lang, urls=urls, files=files, by=by, tables=len(tables), figures=len(figures), out=out))
