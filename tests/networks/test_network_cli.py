"""`research network build` on a small hand-made log that no other test uses."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app

SITES = {
    # domain: (provider, country, URLs, of which still online)
    "alpha.example": ("HostA", "NL", 14, 1),
    "beta.example": ("HostA", "NL", 12, 2),
    "gamma.example": ("HostB", "US", 12, 6),
    "delta.example": ("HostB", "US", 11, 5),
    "epsilon.example": ("HostC", "SC", 15, 13),
    "zeta.example": ("HostC", "SC", 12, 11),
    "eta.example": ("HostD", "RU", 3, 3),
}


def _log() -> pd.DataFrame:
    rows = []
    for s, (domain, (provider, country, urls, online)) in enumerate(SITES.items()):
        for u in range(urls):
            rows.append(
                {
                    "row_number": len(rows) + 1,
                    "request_id": f"r{s}{u}",
                    # Files f0..f9 recur on every site, so all sites share content (mirrors).
                    "content_id": f"f{u % 10}",
                    "url_id": f"{s:02d}{u:014d}",
                    "domain": domain,
                    "requested_at": pd.Timestamp("2024-03-01", tz="UTC"),
                    "checked_at": pd.Timestamp("2024-04-01", tz="UTC"),
                    "resolved_at": pd.NaT if u < online else pd.Timestamp("2024-03-05", tz="UTC"),
                    "outcome": "online" if u < online else "removed",
                    "channel": "legal_notice" if u % 2 else "platform_report",
                    "hosting_provider": provider,
                    "asn": "64500",
                    "country": country,
                    "synthetic": False,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_network_build_on_an_unseen_log(tmp_path):
    log_path = tmp_path / "takedowns.parquet"
    _log().to_parquet(log_path, index=False)
    processed, reports, figures = tmp_path / "processed", tmp_path / "reports", tmp_path / "figures"
    result = CliRunner().invoke(
        app,
        ["network", "build", str(log_path), "--out-processed", str(processed), "--out-reports", str(reports), "--out-figures", str(figures), "--top", "5", "--root", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "79 reported URLs on 7 domains" in result.output

    nodes = pd.read_csv(processed / "nodes.csv", dtype=str, keep_default_na=False).set_index("id")
    assert nodes.loc["domain:alpha.example", "urls"] == "14" and nodes.loc["domain:alpha.example", "non_removed"] == "<10"
    assert nodes.loc["domain:epsilon.example", "non_removed"] == "13"
    # 3 URLs: counts suppressed and the rates that rest on them blanked.
    assert nodes.loc["domain:eta.example", "urls"] == "<10" and nodes.loc["domain:eta.example", "eb_rate"] == ""
    assert nodes.loc["country:SC", "non_removed"] == "24"
    assert "synthetic" not in nodes.columns  # a real-format log, not the generator's

    rankings = pd.read_csv(processed / "rankings.csv", dtype=str, keep_default_na=False)
    domains = rankings[rankings["level"] == "domain"]
    assert domains["node"].iloc[0] in {"epsilon.example", "zeta.example"}  # not the 3-URL site

    graph = nx.read_gexf(reports / "co_hosting.gexf")
    table = pd.read_csv(reports / "co_hosting_nodes.csv", dtype=str, keep_default_na=False)
    assert sorted(graph.nodes) == sorted(table["id"]) == sorted(SITES)
    assert graph.number_of_edges() == 21  # every pair of the 7 sites shares a file
    assert graph.nodes["gamma.example"]["urls"] == "12"
    layers = nx.read_graphml(reports / "layers.graphml")
    assert layers.has_edge("domain:alpha.example", "provider:HostA") and layers.has_edge("provider:HostC", "country:SC")

    assert (processed / "model_metrics.csv").exists() and (processed / "concentration.csv").exists()
    for stem in ("co_hosting_network", "lorenz"):
        assert (figures / f"{stem}.png").stat().st_size > 0 and (figures / f"{stem}.svg").exists()
    assert (processed / "nodes.csv.lineage.json").exists()


def test_missing_log_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["network", "build", str(tmp_path / "nope.parquet"), "--root", str(tmp_path)])
    assert result.exit_code == 1 and "nope.parquet" in result.output
