"""`research audit …` exit codes, and the last pipeline stage failing the build on a finding."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.config import paths as project_paths
from research.errors import PrivacyError
from research.pipeline import run_pipeline
from research.pipeline.s99_audit import LineageMismatch, STAGE

runner = CliRunner()


@pytest.fixture
def tree(tmp_path):
    paths = project_paths(tmp_path)
    paths.raw.mkdir(parents=True)
    (paths.raw / "figures.csv").write_text("figure_id,source_url\nF1,https://src.example.org/stats/2024\n")
    paths.tables.mkdir(parents=True)
    (paths.tables / "counts.csv").write_text("year,cases,source\n2024,3,https://src.example.org/stats/2024\n")
    return paths


def test_audit_exports_passes_then_fails_on_a_leak(tree, tmp_path):
    result = runner.invoke(app, ["audit", "exports", "--root", str(tree.root)])
    assert result.exit_code == 0, result.output
    assert "1 files scanned" in result.output
    (tree.tables / "takedowns").mkdir()
    (tree.tables / "takedowns" / "by_site.csv").write_text("domain,n_urls\nsite.com,4\n")
    out = tmp_path / "findings.csv"
    result = runner.invoke(app, ["audit", "exports", "--root", str(tree.root), "--out", str(out)])
    assert result.exit_code == 1
    assert "small_count" in result.output and out.read_text().count("\n") == 2


def test_audit_lineage_fails_without_a_manifest_and_passes_with_one(tree):
    assert runner.invoke(app, ["audit", "lineage", "--root", str(tree.root)]).exit_code == 1
    from research.lineage import sha256_file

    tree.manifest.write_text(f"{sha256_file(tree.raw / 'figures.csv')}  figures.csv\n")
    result = runner.invoke(app, ["audit", "lineage", "--root", str(tree.root)])
    assert result.exit_code == 0, result.output


def test_audit_notebooks_refuses_outputs(tmp_path):
    clean = tmp_path / "clean.ipynb"
    clean.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [], "execution_count": None}]}))
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": [{"text": "x"}], "execution_count": 1}]}))
    assert runner.invoke(app, ["audit", "notebooks", str(clean)]).exit_code == 0
    result = runner.invoke(app, ["audit", "notebooks", str(clean), str(dirty)])
    assert result.exit_code == 1 and "dirty.ipynb" in result.output


def test_the_stage_writes_its_findings_and_raises_privacy_error(tree):
    (tree.tables / "contacts.md").write_text("helpline 010-1234-5678\n")
    with pytest.raises(PrivacyError, match="contacts.md"):
        STAGE.run(tree, STAGE.parameters)
    findings = (tree.reports / "audit" / "export_findings.csv").read_text()
    assert "phone" in findings and "1234" not in findings


def test_the_stage_raises_on_a_tampered_processed_file(tree):
    import pandas as pd

    from research.outputs import write_table

    write_table(pd.DataFrame({"a": [1]}), tree.processed / "t.csv", inputs=[tree.raw / "figures.csv"], root=tree.root)
    (tree.processed / "t.csv").write_text("a\n2\n")
    with pytest.raises(LineageMismatch, match="output_changed"):
        STAGE.run(tree, STAGE.parameters)


def test_the_stage_passes_then_is_skipped_on_a_rerun(tree):
    first = run_pipeline(tree, only=["audit"], progress=False)
    second = run_pipeline(tree, only=["audit"], progress=False)
    assert [r.status for r in first] == ["built"] and [r.status for r in second] == ["skipped"]
    assert (tree.reports / "audit" / "export_findings.csv").read_text() == "file,line,row,column,kind,excerpt\n"
