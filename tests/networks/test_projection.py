"""The sparse co-hosting projection gives exactly networkx's weighted projection."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from networkx.algorithms import bipartite as nx_bipartite

from research.networks.bipartite import (
    bipartite_graph,
    co_hosting_edges,
    co_hosting_graph,
    co_hosting_matrix,
    incidence_matrix,
)


def _projection_weights(pairs: pd.DataFrame) -> dict[frozenset, int]:
    incidence = incidence_matrix(pairs)
    graph = co_hosting_graph(co_hosting_edges(incidence), incidence.domains)
    return {frozenset((a, b)): d["weight"] for a, b, d in graph.edges(data=True)}


def _networkx_weights(pairs: pd.DataFrame) -> dict[frozenset, int]:
    graph = bipartite_graph(pairs)
    domains = [n for n, d in graph.nodes(data=True) if d["bipartite"] == 1]
    projected = nx_bipartite.weighted_projected_graph(graph, domains)
    return {frozenset((a, b)): d["weight"] for a, b, d in projected.edges(data=True)}


HAND_MADE = pd.DataFrame(
    {
        # file f1 on a, b, c; f2 on a, b; f3 on c only; f4 twice on d (one file, counts once) and on a.
        "content_id": ["f1", "f1", "f1", "f2", "f2", "f3", "f4", "f4", "f4"],
        "domain": ["a.com", "b.net", "c.org", "a.com", "b.net", "c.org", "d.io", "d.io", "a.com"],
    }
)


def test_hand_made_weights_checked_by_hand():
    edges = co_hosting_edges(incidence_matrix(HAND_MADE))
    got = {(r.domain_a, r.domain_b): r.shared_content for r in edges.itertuples()}
    assert got == {("a.com", "b.net"): 2, ("a.com", "c.org"): 1, ("a.com", "d.io"): 1, ("b.net", "c.org"): 1}
    assert _projection_weights(HAND_MADE) == _networkx_weights(HAND_MADE)


def test_matrix_is_symmetric_with_zero_diagonal():
    matrix = co_hosting_matrix(incidence_matrix(HAND_MADE)).toarray()
    assert (matrix == matrix.T).all()
    assert (np.diag(matrix) == 0).all()
    assert matrix.sum() == 2 * (2 + 1 + 1 + 1)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_random_graphs_match_networkx(seed):
    rng = np.random.default_rng(seed)
    n_pairs = int(rng.integers(20, 120))
    pairs = pd.DataFrame(
        {
            "content_id": rng.integers(0, 30, n_pairs).astype(str),
            "domain": np.char.add("site", rng.integers(0, 15, n_pairs).astype(str)).astype(str) + ".com",
        }
    )
    mine = _projection_weights(pairs)
    assert mine == _networkx_weights(pairs)
    assert len(mine) > 0


def test_isolated_domains_stay_in_the_graph():
    pairs = pd.DataFrame({"content_id": ["x", "y"], "domain": ["lonely.com", "alone.org"]})
    incidence = incidence_matrix(pairs)
    graph = co_hosting_graph(co_hosting_edges(incidence), incidence.domains)
    assert sorted(graph.nodes) == ["alone.org", "lonely.com"] and graph.number_of_edges() == 0
    assert nx.is_bipartite(bipartite_graph(pairs))
