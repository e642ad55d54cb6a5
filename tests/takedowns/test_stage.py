"""The takedown_logs and takedowns pipeline stages on a small synthetic log: outputs, disclosure, determinism."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from research.config import SEED, paths
from research.pipeline.s25_takedown_logs import STAGE as LOGS
from research.pipeline.s30_takedowns import STAGE
from research.report.disclosure import check_domain_level

pytestmark = pytest.mark.slow  # runs the takedown_logs and takedowns stages end to end, twice


@pytest.fixture(scope="module")
def built(tmp_path_factory, repo_paths):
    root = tmp_path_factory.mktemp("project")
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copy(repo_paths.figures_csv, root / "data" / "raw" / "figures.csv")
    shutil.copytree(repo_paths.raw / "external", root / "data" / "raw" / "external")
    project = paths(root)
    logs = {"seed": SEED, "files": 1500}
    # Figures in the stage's language only: the whole-pipeline test draws every language.
    analysis = {**STAGE.parameters, "figure_languages": ["en"]}
    first = LOGS.run(project, logs) + STAGE.run(project, analysis)
    snapshot = {p: p.read_bytes() for p in first if p.suffix == ".csv"}
    second = LOGS.run(project, logs) + STAGE.run(project, analysis)
    return project, first, second, snapshot


def test_outputs_exist(built):
    project, written, _, _ = built
    for rel in (
        "data/processed/takedowns/synthetic/takedowns.parquet",
        "data/processed/takedowns/lumen/takedowns.csv",
        "data/processed/takedowns/google/removal_outcomes.csv",
        "reports/tables/takedowns/synthetic/funnel.csv",
        "reports/tables/takedowns/synthetic/time_to_removal_medians.csv",
        "reports/tables/takedowns/synthetic/reemergence.csv",
        "reports/tables/takedowns/google/non_removal_ranking_by_country.csv",
        "reports/figures/takedowns/synthetic/funnel.png",
        "reports/figures/takedowns/synthetic/time_to_removal.svg",
    ):
        assert project.root / rel in written, rel


def test_report_tables_are_disclosure_controlled(built):
    project, _, _, _ = built
    funnel = pd.read_csv(project.tables / "takedowns" / "synthetic" / "funnel.csv", dtype=str, keep_default_na=False)
    assert (funnel["synthetic"] == "synthetic — illustrative").all()
    by_domain = funnel[funnel["group_kind"] == "domain"]
    assert (by_domain["n"] == "<10").any()  # small counts suppressed
    numeric = pd.to_numeric(funnel["n"], errors="coerce").dropna()
    assert (numeric >= 10).all()
    for table in (project.tables / "takedowns").rglob("*.csv"):
        check_domain_level(pd.read_csv(table, dtype=str, keep_default_na=False), name=table.name)


def test_no_raw_url_in_processed_or_reports(built):
    project, _, _, _ = built
    log = pd.read_csv(project.processed / "takedowns" / "synthetic" / "synthetic_log.csv.gz", dtype=str)
    paths_only = log["url"].str.replace(r"^https?://[^/]+", "", regex=True).str.replace(r"/?\?.*$", "", regex=True)
    sample = set(paths_only.sample(50, random_state=0)) | {"/?utm_source=share"}
    for folder in (project.processed / "takedowns" / "synthetic", project.reports):
        for path in folder.rglob("*.csv"):
            if path.name == "synthetic_log.csv.gz":
                continue
            text = path.read_text(encoding="utf-8")
            assert "https://" not in text and not any(p in text for p in sample if len(p) > 4), path


def test_same_inputs_same_bytes(built):
    _, _, second, snapshot = built
    for path, content in snapshot.items():
        assert path.read_bytes() == content, path.name


def test_provenance_marks_the_generated_log_and_only_what_is_made_from_it(built):
    from research import catalogue

    project, _, _, _ = built
    assert catalogue.file_is_synthetic(catalogue.path("synthetic_log", project))
    assert catalogue.is_synthetic("takedowns", project) and catalogue.is_synthetic("takedown_funnel", project)
    assert catalogue.is_synthetic("takedown_figures", project)
    assert not catalogue.is_synthetic("takedowns", project, source="lumen")
    assert not catalogue.is_synthetic("google_removals", project)
