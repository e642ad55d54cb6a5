"""Hub files: Newman's 1/(k−1) co-hosting weights, the hub summary, and bounded edge lists under reports/."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.networks.bipartite import co_hosting_edges, hub_summary, incidence_matrix, newman_file_weights
from tests.networks.test_network_cli import _log


def _pairs(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["content_id", "domain"])


def test_newman_weights_by_hand():
    # f1 on a, b, c (k = 3: 1/2 to each pair); f2 on a, b (k = 2: 1); f3 on c only (links nothing).
    pairs = _pairs([("f1", "a"), ("f1", "b"), ("f1", "c"), ("f2", "a"), ("f2", "b"), ("f3", "c")])
    edges = co_hosting_edges(incidence_matrix(pairs))
    assert edges[["domain_a", "domain_b"]].values.tolist() == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert edges["shared_content"].tolist() == [2, 1, 1]
    assert edges["co_hosting_weight"].tolist() == pytest.approx([1.5, 0.5, 0.5])
    assert newman_file_weights(incidence_matrix(pairs)).tolist() == pytest.approx([0.5, 1.0, 0.0])


def test_a_hub_gives_each_site_a_total_weight_of_one():
    # One file on 200 sites makes 19,900 links; each site's links sum to 1, not to 199.
    pairs = _pairs([("hub", f"s{i:03d}.example") for i in range(200)] + [("f", "s000.example"), ("f", "s001.example")])
    incidence = incidence_matrix(pairs)
    edges = co_hosting_edges(incidence)
    assert len(edges) == 200 * 199 // 2
    strength = pd.concat([edges[["domain_a", "co_hosting_weight"]].set_axis(["d", "w"], axis=1), edges[["domain_b", "co_hosting_weight"]].set_axis(["d", "w"], axis=1)]).groupby("d")["w"].sum()
    assert strength.drop(["s000.example", "s001.example"]).to_numpy() == pytest.approx(np.ones(198))
    assert strength["s000.example"] == pytest.approx(2.0)  # the hub plus the file shared with s001 only
    summary = hub_summary(incidence, len(edges))
    assert (summary.files, summary.hub_files, summary.largest_sites, summary.links_from_hubs) == (2, 1, 200, 19_900)
    assert hub_summary(incidence, len(edges), min_sites=201).has_hubs is False


def test_stage_keeps_a_bounded_edge_list_under_reports_and_warns(tmp_path, monkeypatch, capsys):
    from research.config import paths
    from research.networks import bipartite
    from research.pipeline import s40_networks
    from research.pipeline.s40_networks import STAGE, synthetic_log

    monkeypatch.setattr(s40_networks, "EXPORT_MAX_EDGES", 5)
    monkeypatch.setattr(bipartite, "HUB_MIN_SITES", 5)
    monkeypatch.setattr(bipartite.hub_summary, "__defaults__", (5,))
    project = paths(tmp_path)
    log_path = synthetic_log(project)
    log_path.parent.mkdir(parents=True)
    _log().assign(synthetic=True).to_parquet(log_path, index=False)
    STAGE.run(project, STAGE.parameters)
    reports = project.reports / "networks" / "synthetic"
    processed = project.processed / "network" / "synthetic"
    shown = pd.read_csv(reports / "co_hosting_edges.csv", dtype=str, keep_default_na=False)
    full = pd.read_csv(processed / "edges.csv", dtype=str, keep_default_na=False)
    assert len(shown) == 5 < len(full) == 21  # seven sites all share files: 21 links in all
    # the five kept are the strongest by Newman's weight
    weights = pd.to_numeric(full["co_hosting_weight"], errors="coerce").fillna(-1)
    assert sorted(pd.to_numeric(shown["weight"]).round(9)) == sorted(weights.nlargest(5).round(9))
    summary = pd.read_csv(processed / "co_hosting_summary.csv", dtype=str, keep_default_na=False).iloc[0]
    assert summary["links"] == "21" and summary["weighting"].startswith("newman")
    assert "warning:" in capsys.readouterr().err
