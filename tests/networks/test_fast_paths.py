"""The fast paths give the answers of the slow, obvious ones on small hand-checkable inputs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from research.networks.bipartite import co_hosting_degree, co_hosting_edges, co_hosting_graph, incidence_matrix
from research.networks.communities import communities_from_edges, mirror_communities
from research.networks.export import graph_from_tables, strongest_edges
from research.networks.model import weighted_aucs


def test_all_bootstrap_aucs_at_once_equal_roc_auc_score_per_replicate():
    rng = np.random.default_rng(7)
    y = rng.random(400) < 0.3
    score = np.round(rng.random(400), 1)  # many ties, counted half as roc_auc_score does
    groups = rng.integers(0, 12, 400)
    weights = rng.integers(0, 3, size=(12, 6)).astype(float)
    fast = weighted_aucs(y, score, groups, weights, batch=4)
    slow = [roc_auc_score(y, score, sample_weight=weights[groups, r]) for r in range(6)]
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)


def test_auc_is_missing_when_a_replicate_draws_one_class_only():
    y = np.array([True, False])
    assert np.isnan(weighted_aucs(y, np.array([0.9, 0.1]), np.array([0, 1]), np.array([[2.0], [0.0]])))[0]


def test_louvain_on_the_edge_list_does_not_depend_on_row_or_node_order():
    pairs = pd.DataFrame({"content_id": list("aabbbcccdde"), "domain": ["x.com", "y.com", "x.com", "y.com", "z.com", "p.net", "q.net", "r.net", "p.net", "q.net", "s.org"]})
    incidence = incidence_matrix(pairs)
    edges = co_hosting_edges(incidence)
    fast = communities_from_edges(edges, incidence.domains, seed=3)
    reversed_edges = edges.iloc[::-1].rename(columns={"domain_a": "domain_b", "domain_b": "domain_a"})
    assert fast.equals(communities_from_edges(reversed_edges, list(reversed(incidence.domains)), seed=3))
    graph = co_hosting_graph(edges, incidence.domains)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(graph.nodes)))
    shuffled.add_weighted_edges_from(reversed([(b, a, d["weight"]) for a, b, d in graph.edges(data=True)]))
    assert fast.equals(mirror_communities(shuffled, seed=3))
    assert fast.set_index("domain")["community"].to_dict() == {"p.net": 0, "q.net": 0, "r.net": 0, "x.com": 1, "y.com": 1, "z.com": 1, "s.org": 2}


def test_co_hosting_degree_equals_the_networkx_degree_with_isolates():
    rng = np.random.default_rng(5)
    pairs = pd.DataFrame({"content_id": rng.integers(0, 60, 300).astype(str), "domain": "d" + pd.Series(rng.integers(0, 40, 300)).astype(str) + ".com"})
    incidence = incidence_matrix(pairs)
    edges = co_hosting_edges(incidence)
    domains = [*incidence.domains, "lonely.org"]
    degree = co_hosting_degree(edges, domains)
    graph = co_hosting_graph(edges, domains)
    assert degree.to_dict() == dict(graph.degree()) and degree["lonely.org"] == 0
    assert list(degree.index) == sorted(domains)


def test_igraph_louvain_recovers_planted_mirror_groups_as_networkx_louvain_does():
    # Four groups of 25 sites; files are re-uploaded within a group, rarely across groups.
    rng = np.random.default_rng(11)
    rows = []
    for file in range(800):
        group = file % 4
        sites = rng.choice(25, size=4, replace=False) + 25 * group
        if rng.random() < 0.05:
            sites[0] = rng.integers(0, 100)
        rows += [(f"f{file}", f"site{s:03d}.example") for s in sites]
    incidence = incidence_matrix(pd.DataFrame(rows, columns=["content_id", "domain"]))
    edges = co_hosting_edges(incidence)
    ours = communities_from_edges(edges, incidence.domains, seed=20241202).set_index("domain")["community"]
    theirs = nx.community.louvain_communities(co_hosting_graph(edges, incidence.domains), weight="weight", seed=20241202)
    planted = {f"site{s:03d}.example": s // 25 for s in range(100)}
    assert ours.nunique() == 4 and len(theirs) == 4
    for group in range(4):
        members = [d for d, g in planted.items() if g == group]
        assert ours[members].nunique() == 1  # each planted group is one community
    assert sorted(sorted(c) for c in theirs) == sorted(sorted(ours.index[ours == c]) for c in ours.unique())


def test_strongest_edges_keeps_the_heaviest_and_puts_suppressed_last():
    edges = pd.DataFrame({"source": ["a", "a", "b", "c"], "target": ["b", "c", "c", "d"], "weight": [3.0, None, 5.0, 3.0]})
    kept = strongest_edges(edges, 2)
    assert list(zip(kept["source"], kept["target"])) == [("a", "b"), ("b", "c")]
    assert strongest_edges(edges, 10) is edges
    graph = graph_from_tables(pd.DataFrame({"id": list("abcd")}), strongest_edges(edges, 3))
    assert sorted(graph.edges) == [("a", "b"), ("b", "c"), ("c", "d")] and graph.edges["a", "b"]["weight"] == 3.0
