"""The catalogue: every output declared once; "synthetic" comes from recorded lineage only."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from research import catalogue
from research.cli import app
from research.config import paths
from research.lineage import sidecar_path, write_sidecar
from research.pipeline import discover_stages
from research.pipeline.s40_networks import STAGE as NETWORKS
from research.report.build import gather_findings, read_inputs
from research.report.figures import figure_is_synthetic
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log, write_synth_log
from tests.scale.test_engines import HEADER, ROWS


def test_every_entry_resolves_inside_the_project_and_names_a_known_stage(tmp_path):
    project = paths(tmp_path)
    stages = {s.name for s in discover_stages()} | {"raw"}
    for item in catalogue.ENTRIES:
        assert item.stage in stages, item.name
        assert catalogue.path(item.name, project, table="x").is_relative_to(project.root)
        assert all(i in catalogue.CATALOGUE for i in item.inputs), item.name
        if item.schema is not None:
            assert item.pandera_schema() is not None
    with pytest.raises(KeyError, match="no table 'nope'"):
        catalogue.entry("nope")


def test_synthetic_is_inherited_through_lineage_and_not_from_a_column(tmp_path):
    made = tmp_path / "made.csv"
    made.write_text("synthetic\ntrue\n")
    write_sidecar(made, [], synthetic=True, synthetic_evidence="generator sha256:0")
    derived = tmp_path / "derived.csv"
    derived.write_text("a\n1\n")
    write_sidecar(derived, [made])
    user = tmp_path / "user.csv"
    user.write_text("synthetic\ntrue\n")  # a user's column named "synthetic" is ordinary data
    other = tmp_path / "other.csv"
    other.write_text("a\n1\n")
    write_sidecar(other, [user])
    assert catalogue.file_is_synthetic(derived)
    assert json.loads(sidecar_path(derived).read_text())["synthetic_evidence"] == "generator sha256:0"
    assert not catalogue.file_is_synthetic(user) and not catalogue.file_is_synthetic(other)
    assert json.loads(sidecar_path(other).read_text())["synthetic"] is False


def _clean_and_build(runner: CliRunner, raw, out, key, *network_args: str) -> None:
    result = runner.invoke(app, ["takedowns", "clean", str(raw), "--out", str(out), "--key-file", str(key)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["network", "build", str(out / "takedowns.parquet"), "--top", "5", *network_args])
    assert result.exit_code == 0, result.output


def test_a_real_log_built_into_the_default_network_folder_is_never_synthetic(tmp_path):
    project = paths(tmp_path / "project")
    raw = tmp_path / "export.csv"  # a user's log in the documented format
    raw.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    key = tmp_path / "hmac.key"
    key.write_text("a private key that only this user holds\n")
    runner = CliRunner()
    _clean_and_build(runner, raw, project.processed / "takedowns" / "mine", key, "--root", str(project.root))
    real = catalogue.path("network_concentration", project, source="")
    assert real == project.processed / "network" / "concentration.csv" and real.exists()
    assert not catalogue.is_synthetic("network_concentration", project, source="")
    assert not catalogue.is_synthetic("network_figures", project, source="")
    assert "synthetic" not in real.read_text(encoding="utf-8")
    assert not figure_is_synthetic(project, project.figures / "networks" / "lorenz.png")
    # The report does not pick the user's table up (it reads the example's, by name) ...
    inputs = read_inputs(project)
    assert inputs.concentration is None and not inputs.concentration_synthetic

    # ... and once the example exists, made from a log the generator wrote (with its verified marker),
    # that one is synthetic by inheritance while the user's still is not.
    generated = write_synth_log(synth_log(scaled_counts(seed_funnel(paths().figures_csv), 60), seed=5), tmp_path / "generated.csv")
    example = catalogue.path("takedowns", project).parent
    result = runner.invoke(app, ["takedowns", "clean", str(generated), "--out", str(example)])
    assert result.exit_code == 0, result.output
    assert catalogue.is_synthetic("takedowns", project)
    NETWORKS.run(project, {**NETWORKS.parameters, "top": 5})
    inputs = read_inputs(project)
    assert inputs.concentration is not None and inputs.concentration_synthetic
    assert catalogue.is_synthetic("network_figures", project)
    assert figure_is_synthetic(project, project.figures / "networks" / "synthetic" / "lorenz.png")
    assert not catalogue.is_synthetic("network_concentration", project, source="")
    concentration = [f for f in gather_findings(inputs, "en") if f.key.startswith("concentration")]
    assert concentration and all(f.synthetic for f in concentration)
