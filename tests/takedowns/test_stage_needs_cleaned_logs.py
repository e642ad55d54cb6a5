"""The takedowns stage reads the cleaned logs of the takedown_logs stage, and says so when they are missing."""

from __future__ import annotations

import shutil

import pytest

from research.config import paths
from research.errors import ResearchError
from research.pipeline.s25_takedown_logs import cleaned_log
from research.pipeline.s30_takedowns import STAGE


def test_missing_cleaned_log_names_the_stage_that_writes_it(tmp_path, repo_paths):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copy(repo_paths.figures_csv, tmp_path / "data" / "raw" / "figures.csv")
    project = paths(tmp_path)
    with pytest.raises(ResearchError, match=r"synthetic/takedowns\.parquet does not exist: the takedown_logs stage writes it"):
        STAGE.run(project, STAGE.parameters)


def test_inputs_are_the_cleaned_logs_once_written(tmp_path):
    project = paths(tmp_path)
    assert cleaned_log(project, "synthetic") not in STAGE.inputs(project)
    target = cleaned_log(project, "synthetic")
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    assert target in STAGE.inputs(project)
