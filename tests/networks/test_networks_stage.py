"""The pipeline stage reads the synthetic log and labels everything it writes as synthetic."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from research.config import paths
from research.pipeline.s40_networks import STAGE, synthetic_log
from tests.networks.test_network_cli import _log


def test_stage_labels_synthetic_outputs(tmp_path):
    project = paths(tmp_path)
    log_path = synthetic_log(project)
    log_path.parent.mkdir(parents=True)
    _log().assign(synthetic=True).to_parquet(log_path, index=False)
    assert STAGE.inputs(project) == [log_path]
    written = STAGE.run(project, STAGE.parameters)
    nodes = pd.read_csv(project.processed / "network" / "synthetic" / "nodes.csv", dtype=str, keep_default_na=False)
    assert (nodes["synthetic"] == "synthetic — illustrative").all()
    graph = nx.read_graphml(project.reports / "networks" / "synthetic" / "co_hosting.graphml")
    assert graph.graph["synthetic"] is True
    figure = project.figures / "networks" / "synthetic" / "lorenz.svg"
    assert figure in written and figure.stat().st_size > 0
