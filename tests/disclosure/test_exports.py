"""Every table the pipeline exports passes the attacker: no hidden count can be worked out."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from research.config import SEED, paths
from research.pipeline.s30_takedowns import STAGE as TAKEDOWNS
from research.report.disclosure import SPECS
from tests.disclosure.attacker import PRIMARY, SECONDARY, attack


@pytest.fixture(scope="module")
def project(tmp_path_factory, repo_paths):
    root = tmp_path_factory.mktemp("project")
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copy(repo_paths.figures_csv, root / "data" / "raw" / "figures.csv")
    shutil.copytree(repo_paths.raw / "external", root / "data" / "raw" / "external")
    project = paths(root)
    TAKEDOWNS.run(project, {"lang": "en", "seed": SEED, "files": 400})
    return project


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("source", ["synthetic", "lumen"])
def test_takedown_tables_pass_the_attacker(project, source):
    folder = project.tables / "takedowns" / source
    tables = sorted(folder.glob("*.csv"))
    assert {"funnel.csv"} <= {t.name for t in tables}
    for path in tables:
        spec = SPECS[path.stem]  # every takedown-derived table has a declared spec
        table = _read(path)
        leaks = attack(table, spec.counts, spec.relations, spec.rates)
        assert leaks == [], f"{path.name}: {leaks[:3]}"


@pytest.mark.parametrize("source", ["synthetic", "lumen"])
def test_funnels_needed_secondary_suppression(project, source):
    """The funnels have small counts beside totals: some complementary cells must be hidden."""
    funnel = _read(project.tables / "takedowns" / source / "funnel.csv")
    assert (funnel["n"] == PRIMARY).any() and (funnel[["n", "total"]] == SECONDARY).to_numpy().any()


def test_google_tables_are_published_aggregates_with_nothing_hidden(project):
    for path in sorted((project.tables / "takedowns" / "google").glob("*.csv")):
        table = _read(path)
        assert not table.isin([PRIMARY, SECONDARY]).to_numpy().any(), path.name
