"""The raw data package: Frictionless-valid, manifest intact, every figure sourced."""

from __future__ import annotations

import shutil

import pandas as pd
from frictionless import validate

from research.config import paths
from research.sources import citations, read_manifest, resources, verify_manifest


def test_package_validates_with_frictionless(repo_paths):
    report = validate(str(repo_paths.datapackage))
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_manifest_matches_every_raw_file(repo_paths):
    assert verify_manifest(repo_paths) == []
    assert "figures.csv" in read_manifest(repo_paths)


def test_manifest_catches_an_edited_file(tmp_path, repo_paths):
    shutil.copytree(repo_paths.raw, tmp_path / "data" / "raw", ignore=shutil.ignore_patterns("private"))
    copy = paths(tmp_path)
    with open(copy.figures_csv, "a", encoding="utf-8") as handle:
        handle.write("\n")
    (copy.raw / "extra.csv").write_text("a\n1\n")
    problems = verify_manifest(copy)
    assert any(p.startswith("figures.csv: sha256 differs") for p in problems)
    assert any(p.startswith("extra.csv: not listed") for p in problems)


def test_every_resource_has_licence_and_dated_sources(repo_paths):
    assert all(path.exists() for path in resources(repo_paths).values())
    cites = citations(repo_paths)
    assert {c.resource for c in cites} == set(resources(repo_paths))
    assert all(c.title and c.path and c.publisher and c.date_accessed == "2026-11-22" and c.licences for c in cites)


def test_every_figure_has_a_source_url_and_the_undated_ones_are_known(repo_paths):
    figures = pd.read_csv(repo_paths.figures_csv, dtype=str, keep_default_na=False)
    assert (figures["source_url"].str.match(r"https?://")).all()
    undated = set(figures.loc[figures["source_date"] == "", "figure_id"])
    # 14 rows of the shared compilation carry no source date; cleaning lists each in quality.csv.
    assert len(undated) == 14
    assert {"F0070", "F0132", "F0366"} <= undated


def test_definition_breaks_are_sourced(repo_paths):
    breaks = pd.read_csv(repo_paths.raw / "definition_breaks.csv", dtype=str, keep_default_na=False)
    assert (breaks["source_url"].str.match(r"https?://")).all()
    assert {"definition", "legal", "coverage", "intervention"} <= set(breaks["kind"])
    figures = pd.read_csv(repo_paths.figures_csv, dtype=str, keep_default_na=False)
    from_figures = breaks["source_url"].isin(set(figures["source_url"]))
    # Every break cites a page already in figures.csv, except the two laws found separately.
    assert set(breaks.loc[~from_figures, "break_id"]) == {"B02", "B03", "B07"}
