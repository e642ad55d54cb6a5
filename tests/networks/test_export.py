"""GEXF and GraphML exports read back with networkx: same nodes, edges and attributes."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from research.errors import ResearchError
from research.networks.export import graph_from_tables, write_gexf, write_graphml

NODES = pd.DataFrame(
    {
        "id": ["b.net", "a.com", "c.org"],
        "urls": ["<10", "120", "35"],
        "eb_rate": [None, 0.25, 0.75],
        "community": [1, 0, 0],
        "synthetic": [True, True, True],
    }
)
EDGES = pd.DataFrame({"source": ["a.com", "a.com"], "target": ["c.org", "b.net"], "shared_content": ["12", "<10"], "weight": [12.0, None]})


def _graph(directed: bool = False) -> nx.Graph:
    graph = graph_from_tables(NODES, EDGES, directed=directed)
    graph.graph["synthetic"] = True
    return graph


def _same(read: nx.Graph, original: nx.Graph) -> None:
    assert sorted(read.nodes) == sorted(original.nodes)
    assert sorted(map(sorted, read.edges)) == sorted(map(sorted, original.edges))
    for node, data in original.nodes(data=True):
        got = {k: v for k, v in read.nodes[node].items() if k not in ("label", "id")}
        assert got == data, node
    for u, v, data in original.edges(data=True):
        got = {k: val for k, val in read.edges[u, v].items() if k not in ("id",)}
        assert got == data, (u, v)


def test_missing_values_are_left_out_not_written_as_nan():
    graph = _graph()
    assert "eb_rate" not in graph.nodes["b.net"] and graph.nodes["a.com"]["eb_rate"] == 0.25
    assert "weight" not in graph.edges["a.com", "b.net"]


@pytest.mark.parametrize("directed", [False, True])
def test_graphml_round_trip(tmp_path, directed):
    original = _graph(directed)
    read = nx.read_graphml(write_graphml(original, tmp_path / "g.graphml"))
    assert read.is_directed() == directed
    _same(read, original)
    assert read.graph["synthetic"] is True


def test_gexf_round_trip(tmp_path):
    original = _graph()
    read = nx.read_gexf(write_gexf(original, tmp_path / "g.gexf"))
    _same(read, original)
    assert isinstance(read.nodes["a.com"]["community"], int) and read.nodes["a.com"]["urls"] == "120"


def test_exports_are_byte_identical(tmp_path):
    a = write_gexf(_graph(), tmp_path / "a.gexf").read_bytes()
    b = write_gexf(_graph(), tmp_path / "b.gexf").read_bytes()
    assert a == b and b"lastmodifieddate" not in a
    assert write_graphml(_graph(), tmp_path / "a.graphml").read_bytes() == write_graphml(_graph(), tmp_path / "b.graphml").read_bytes()


def test_non_scalar_attribute_is_refused(tmp_path):
    graph = _graph()
    graph.nodes["a.com"]["members"] = ["x", "y"]
    with pytest.raises(ResearchError, match="members"):
        write_graphml(graph, tmp_path / "bad.graphml")
