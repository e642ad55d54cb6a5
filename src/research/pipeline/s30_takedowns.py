"""Stage 30: takedown logs — the synthetic example log, the Lumen sample, Google's aggregates.

* builds the seeded synthetic log (a derived, raw-like file) and cleans it like any log;
* cleans the Lumen notice sample (public: hashed with the published demo key);
* reads the Google Transparency Report removal requests into an aggregated outcomes table;
* writes funnels with Wilson intervals, Kaplan–Meier medians and curves, the log-rank test and
  re-emergence tables to ``reports/tables/takedowns/<source>/`` (disclosure control applied:
  nothing below domain level, counts under 10 shown as "<10", synthetic tables watermarked) and
  the funnel and Kaplan–Meier figures to ``reports/figures/takedowns/<source>/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from research.clean.google_transparency import read_google_detailed, read_google_removals
from research.clean.takedown_files import clean_log_file, write_cleaned
from research.config import SEED, ProjectPaths
from research.i18n import message
from research.outputs import write_table
from research.pipeline import Stage
from research.plots.takedowns import KM_HORIZON_DAYS, funnel_figure, km_figure
from research.report.disclosure import disclose
from research.takedowns.aggregates import google_country_rates, google_outcome_counts
from research.takedowns.funnel import funnel_tables, with_intervals
from research.takedowns.reemergence import reemergence_events, reemergence_summary
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.survival import km_curves, km_on_grid, logrank_test, median_times, removal_times
from research.takedowns.synth import synth_log, write_synth_log

LUMEN = "lumen-notices-sample.json"
GOOGLE = "google-government-removal-requests.csv"
GOOGLE_DETAILED = "google-government-detailed-removal-requests.csv"


def _inputs(paths: ProjectPaths) -> list[Path]:
    external = paths.raw / "external"
    return [paths.figures_csv, external / LUMEN, external / GOOGLE, external / GOOGLE_DETAILED]


def _publish(table: pd.DataFrame, path: Path, *, synthetic: bool, origin: str, inputs, parameters, root) -> list[Path]:
    # Takedown-derived tables: the disclosure spec is declared once, by table name (SPECS).
    spec = path.stem if origin == "takedown_log" else None
    disclosed = disclose(table, origin=origin, synthetic=synthetic, spec=spec, name=path.name)
    return write_table(disclosed.frame, path, inputs=inputs, parameters=parameters, root=root)


def log_tables(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The analysis tables of one cleaned log by name (their disclosure specs: ``disclosure.SPECS``)."""
    times = removal_times(table)
    events = reemergence_events(table)
    out = {"funnel": funnel_tables(table)}
    if len(times) and times["removed"].sum() > 0:
        out["time_to_removal_medians"] = median_times(times, "channel")
        out["time_to_removal_curves"] = km_on_grid(km_curves(times, "channel"))
        if times["channel"].nunique() > 1:
            out["time_to_removal_logrank"] = logrank_test(times, "channel")
    if len(events):
        out["reemergence"] = pd.concat([reemergence_summary(events), reemergence_summary(events, "domain")], ignore_index=True)
    return out


def _run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    seed, lang = int(parameters["seed"]), str(parameters["lang"])
    params = dict(parameters)
    external = paths.raw / "external"
    processed = paths.processed / "takedowns"
    tables_dir, figures_dir = paths.tables / "takedowns", paths.figures / "takedowns"
    root = paths.root
    written: list[Path] = []

    funnel = seed_funnel(paths.figures_csv)
    files = parameters.get("files")
    counts = funnel.counts if files is None else scaled_counts(funnel, int(files))
    log_path = write_synth_log(synth_log(counts, seed=seed), processed / "synthetic" / "synthetic_log.csv.gz")
    written.append(log_path)
    sources = {
        "synthetic": (log_path, clean_log_file(log_path, "generic"), [paths.figures_csv]),
        "lumen": (external / LUMEN, clean_log_file(external / LUMEN, "lumen", public_sample=True), [external / LUMEN]),
    }
    for name, (path, result, inputs) in sources.items():
        written += write_cleaned(result, processed / name, inputs=[path, *inputs], parameters=params, root=root)
        synthetic = bool(result.table["synthetic"].all()) and len(result.table) > 0
        analysis = log_tables(result.table)
        for table_name, table in analysis.items():
            written += _publish(table, tables_dir / name / f"{table_name}.csv", synthetic=synthetic, origin="takedown_log", inputs=[path], parameters=params, root=root)
        if name == "synthetic":
            ids = ", ".join(funnel.figure_ids.values())
            caption = [message("takedowns", "synthetic_source", lang, figure_ids=ids)]
            written += funnel_figure(analysis["funnel"], figures_dir / name / "funnel", sources=caption, synthetic=True, lang=lang, note=message("takedowns", "synthetic_note", lang))
            # Read the curves on a fine grid: the figure needs hundreds of steps, not every event.
            curves = km_on_grid(km_curves(removal_times(result.table), "channel"), tuple(np.linspace(0, KM_HORIZON_DAYS, 4 * KM_HORIZON_DAYS + 1)))
            written += km_figure(curves, figures_dir / name / "time_to_removal", sources=caption, synthetic=True, lang=lang)

    google_inputs = [external / GOOGLE, external / GOOGLE_DETAILED]
    removals = read_google_removals(external / GOOGLE)
    written += write_table(removals, processed / "google" / "removal_outcomes.csv", inputs=google_inputs, parameters=params, parquet=True, root=root)
    written += write_table(read_google_detailed(external / GOOGLE_DETAILED), processed / "google" / "removal_requests_by_reason.csv", inputs=google_inputs, parameters=params, parquet=True, root=root)
    # Published aggregates: shown as published (no suppression), estimates flagged approximate.
    by_country = with_intervals(google_outcome_counts(removals, "country"))
    by_requester = with_intervals(google_outcome_counts(removals, "requester"))
    for table_name, table in (("funnel_by_country", by_country), ("funnel_by_requester", by_requester), ("non_removal_ranking_by_country", google_country_rates(removals))):
        written += _publish(table, tables_dir / "google" / f"{table_name}.csv", synthetic=False, origin="public", inputs=google_inputs, parameters=params, root=root)
    return written


STAGE = Stage(
    name="takedowns",
    description="synthetic example log, Lumen sample, Google aggregates: cleaned tables, funnels, time to removal, re-emergence",
    inputs=_inputs,
    run=_run,
    # files=None: the NPO's 99,266 files (tests pass a smaller number).
    parameters={"lang": "en", "seed": SEED, "files": None},
)
