"""Stage 30: takedown analysis — the cleaned synthetic log and Lumen sample, Google's aggregates.

* reads the cleaned synthetic and Lumen logs that the ``takedown_logs`` stage writes;
* reads the Google Transparency Report removal requests into an aggregated outcomes table;
* writes the tables of ``research takedowns analyse`` by channel (funnels with intervals, time to
  removal with its ``method``, survival curves, group tests, re-emergence) and the earlier
  median, curve and log-rank tables to ``reports/tables/takedowns/<source>/`` (disclosure control applied:
  nothing below domain level, counts under 10 shown as "<10", synthetic tables watermarked) and
  the funnel and Kaplan–Meier figures to ``reports/figures/takedowns/<source>/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from research.clean.google_transparency import read_google_detailed, read_google_removals
from research.clean.read_table import read_parquet_file
from research.config import SUPPRESSION_THRESHOLD, ProjectPaths
from research.errors import ResearchError
from research.i18n import FIGURE_LANGUAGES, message
from research.outputs import write_table
from research.pipeline import Stage
from research.pipeline.s25_takedown_logs import SOURCES, cleaned_log
from research.plots.style import Credit, draw_in_languages
from research.plots.takedowns import KM_HORIZON_DAYS, funnel_figure, km_figure, risk_days
from research.report.disclosure import disclose
from research.report.takedown_disclosure import disclose_log_tables
from research.takedowns.aggregates import google_country_rates, google_outcome_counts
from research.takedowns.analysis import analyse_log
from research.takedowns.funnel import with_intervals
from research.takedowns.seeds import seed_funnel
from research.takedowns.survival import group_survival, km_curves, km_on_grid, logrank_test, median_times, numbers_at_risk, removal_times

GOOGLE = "google-government-removal-requests.csv"
GOOGLE_DETAILED = "google-government-detailed-removal-requests.csv"


def _inputs(paths: ProjectPaths) -> list[Path]:
    external = paths.raw / "external"
    cleaned = [cleaned_log(paths, source) for source in SOURCES]
    return [paths.figures_csv, *[p for p in cleaned if p.exists()], external / GOOGLE, external / GOOGLE_DETAILED]


def _publish(table: pd.DataFrame, path: Path, *, origin: str, inputs, parameters, root) -> list[Path]:
    disclosed = disclose(table, origin=origin, synthetic=False, name=path.name)
    return write_table(disclosed.frame, path, inputs=inputs, parameters=parameters, root=root)


def log_tables(table: pd.DataFrame, private: bool = True, survival: list | None = None, times: pd.DataFrame | None = None) -> dict[str, tuple[pd.DataFrame, list[str], dict]]:
    """The analysis tables of one cleaned log: name → (table, count columns, rates).

    The tables of ``research takedowns analyse`` (by channel), plus the earlier names kept for
    readers of this stage: ``time_to_removal_medians`` (one nonparametric row per channel, with
    ``method``), ``time_to_removal_curves`` (read on the export grid) and
    ``time_to_removal_logrank``. ``survival`` and ``times`` (:func:`removal_times`): pass them when
    already computed.
    """
    times = times if times is not None else removal_times(table)
    survival = survival if survival is not None else group_survival(times, "channel")  # fitted once, read by every table below
    analysis = analyse_log(table, "channel", private_threshold=SUPPRESSION_THRESHOLD if private else None, survival=survival, times=times)
    out = {name: (p.frame, list(p.counts), p.rates) for name, p in analysis.items()}
    if len(times):
        out["time_to_removal_medians"] = (median_times(times, "channel", groups=survival), ["urls", "removed", "censored", "removed_dated"], {"share_removal_dated": ("removed_dated", "removed")})
        out["time_to_removal_curves"] = (km_on_grid(km_curves(times, "channel", groups=survival)).drop(columns="at_risk"), [], {})
        logrank = logrank_test(times, "channel", survival)
        if len(logrank):
            out["time_to_removal_logrank"] = (logrank, [], {})
    return out


def _run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    lang = str(parameters["lang"])
    figure_languages = tuple(parameters.get("figure_languages", FIGURE_LANGUAGES))
    params = dict(parameters)
    external = paths.raw / "external"
    processed = paths.processed / "takedowns"
    tables_dir, figures_dir = paths.tables / "takedowns", paths.figures / "takedowns"
    root = paths.root
    written: list[Path] = []

    funnel = seed_funnel(paths.figures_csv)
    for name in SOURCES:
        cleaned = cleaned_log(paths, name)
        if not cleaned.exists():
            raise ResearchError(f"{cleaned} does not exist: the takedown_logs stage writes it (research reproduce --only takedown_logs)")
        table = read_parquet_file(cleaned)
        synthetic = bool(table["synthetic"].all()) and len(table) > 0
        times = removal_times(table)
        survival = group_survival(times, "channel")
        analysis = log_tables(table, private=name != "lumen", survival=survival, times=times)
        # The tables repeat each other's counts: disclosed together (disclosure.SPECS and TAKEDOWN_LOG).
        for table_name, shown in disclose_log_tables(analysis, "channel", synthetic=synthetic).items():
            written += write_table(shown, tables_dir / name / f"{table_name}.csv", inputs=[cleaned], parameters=params, root=root)
        if name == "synthetic":
            ids = ", ".join(funnel.figure_ids.values())
            # Read the curves on a fine grid: the figure needs hundreds of steps, not every event.
            curves = km_on_grid(km_curves(times, "channel", groups=survival), tuple(np.linspace(0, KM_HORIZON_DAYS, 4 * KM_HORIZON_DAYS + 1)), last=True)
            at_risk = numbers_at_risk(times, "channel", risk_days())

            def draw(drawn_in: str, folder: Path) -> list[Path]:
                credit = Credit([message("takedowns", "synthetic_source", drawn_in, figure_ids=ids)], synthetic=True, lang=drawn_in)
                return funnel_figure(analysis["funnel"][0], folder / "funnel", credit, note=message("takedowns", "synthetic_note", drawn_in)) + km_figure(
                    curves, folder / "time_to_removal", credit, at_risk=at_risk
                )

            # Drawn in the stage's language, then again in each other page language (``<lang>/``).
            written += draw_in_languages(draw, figures_dir / name, lang, figure_languages)

    google_inputs = [external / GOOGLE, external / GOOGLE_DETAILED]
    removals = read_google_removals(external / GOOGLE)
    written += write_table(removals, processed / "google" / "removal_outcomes.csv", inputs=google_inputs, parameters=params, parquet=True, root=root)
    written += write_table(read_google_detailed(external / GOOGLE_DETAILED), processed / "google" / "removal_requests_by_reason.csv", inputs=google_inputs, parameters=params, parquet=True, root=root)
    # Published aggregates: shown as published (no suppression), estimates flagged approximate.
    by_country = with_intervals(google_outcome_counts(removals, "country"))
    by_requester = with_intervals(google_outcome_counts(removals, "requester"))
    for table_name, table in (("funnel_by_country", by_country), ("funnel_by_requester", by_requester), ("non_removal_ranking_by_country", google_country_rates(removals))):
        written += _publish(table, tables_dir / "google" / f"{table_name}.csv", origin="public", inputs=google_inputs, parameters=params, root=root)
    return written


STAGE = Stage(
    name="takedowns",
    description="synthetic example log, Lumen sample, Google aggregates: funnels, time to removal, re-emergence",
    inputs=_inputs,
    run=_run,
    parameters={"lang": "en", "figure_languages": list(FIGURE_LANGUAGES)},
)
