"""Louvain mirror clusters are seeded and stable; layers link domain → provider → country."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from research.networks.communities import community_summary, mirror_communities
from research.networks.layers import layer_edges, layered_graph
from research.networks.rankings import node_counts


def _two_cliques() -> nx.Graph:
    graph = nx.Graph()
    for group in (["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"]):
        graph.add_weighted_edges_from((u, v, 20) for i, u in enumerate(group) for v in group[i + 1 :])
    graph.add_edge("a1", "b1", weight=1)
    graph.add_node("solo")
    return graph


def test_louvain_finds_the_mirror_clusters_numbered_by_size():
    membership = mirror_communities(_two_cliques(), seed=1).set_index("domain")["community"]
    assert membership[["a1", "a2", "a3", "a4"]].nunique() == 1 and membership["a1"] == 0
    assert membership[["b1", "b2", "b3"]].tolist() == [1, 1, 1]
    assert membership["solo"] == 2


def test_louvain_is_deterministic_with_the_seed():
    graph = nx.gnm_random_graph(60, 150, seed=3)
    graph = nx.relabel_nodes(graph, {n: f"site{n}.com" for n in graph})
    nx.set_edge_attributes(graph, {e: (i % 7) + 1 for i, e in enumerate(graph.edges)}, "weight")
    runs = [mirror_communities(graph, seed=42) for _ in range(3)]
    assert runs[0].equals(runs[1]) and runs[1].equals(runs[2])
    assert runs[0]["community"].nunique() > 1


def test_community_summary_counts_non_removed_share():
    membership = pd.DataFrame({"domain": ["a.com", "b.com", "c.com"], "community": [0, 0, 1]})
    status = pd.DataFrame(
        {
            "domain": ["a.com", "a.com", "b.com", "c.com", "c.com"],
            "decided": [True, True, True, True, False],
            "non_removed": [True, False, True, True, False],
        }
    )
    edges = pd.DataFrame({"domain_a": ["a.com", "a.com"], "domain_b": ["b.com", "c.com"], "shared_content": [4, 2]})
    table = community_summary(membership, node_counts(status, "domain"), edges).set_index("community")
    assert table.loc[0, "urls"] == 3 and table.loc[0, "non_removed"] == 2
    assert table.loc[0, "non_removal_rate"] == pytest.approx(2 / 3)
    assert table.loc[0, "share_of_all_non_removed"] == pytest.approx(2 / 3)
    assert table.loc[1, "non_removal_rate"] == pytest.approx(1.0)
    assert table.loc[0, "internal_shared_content"] == 4 and table.loc[1, "internal_shared_content"] == 0
    assert table.loc[0, "largest_domains"] == "a.com;b.com"


def test_layers_link_domains_providers_countries():
    status = pd.DataFrame(
        {
            "domain": ["a.com", "a.com", "b.com"],
            "hosting_provider": ["HostX", "HostX", "HostY"],
            "country": ["NL", "NL", "NL"],
            "decided": [True, True, True],
            "non_removed": [True, False, True],
        }
    )
    edges = layer_edges(status)
    assert len(edges) == 4
    graph = layered_graph(edges)
    assert graph["domain:a.com"]["provider:HostX"]["urls"] == 2
    assert graph["provider:HostY"]["country:NL"]["non_removed"] == 1
    assert graph.nodes["country:NL"]["layer"] == "country" and graph.in_degree("country:NL") == 2


def test_a_graph_without_links_gives_one_community_per_domain():
    graph = nx.Graph()
    graph.add_nodes_from(["b.com", "a.com"])
    assert mirror_communities(graph).to_dict("records") == [{"domain": "a.com", "community": 0}, {"domain": "b.com", "community": 1}]
    assert mirror_communities(nx.Graph()).empty
