"""Export graphs for Gephi and other tools: GEXF, GraphML, and plain node/edge tables.

Both formats only hold scalar attributes (text, whole numbers, decimals, yes/no), so a graph is
checked before writing. A missing value is left out of that node's attributes rather than written
as ``nan`` (which Gephi cannot read). Files are byte-identical across runs: nodes and edges are
written in sorted order and GEXF's "last modified" date is removed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from research.errors import ResearchError

SCALAR_TYPES = (str, int, float, bool)
_GEXF_DATE = re.compile(r'\s+lastmodifieddate="[^"]*"')


def _python_scalar(value: object) -> object:
    """numpy scalars → Python scalars, so writers pick the right attribute type."""
    return value.item() if isinstance(value, np.generic) else value


def _attributes(row: pd.Series) -> dict[str, object]:
    return {k: _python_scalar(v) for k, v in row.items() if not (pd.isna(v) or v == "")}


def graph_from_tables(nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool = False) -> nx.Graph:
    """Build a graph from a node table (column ``id``) and an edge table (``source``, ``target``).

    Every other column becomes an attribute; empty or missing values are left out. Nodes and edges
    are added in sorted order so that exports are stable.
    """
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for _, row in nodes.sort_values("id", kind="mergesort").iterrows():
        graph.add_node(str(row["id"]), **_attributes(row.drop("id")))
    for _, row in edges.sort_values(["source", "target"], kind="mergesort").iterrows():
        graph.add_edge(str(row["source"]), str(row["target"]), **_attributes(row.drop(["source", "target"])))
    return graph


def check_scalar_attributes(graph: nx.Graph) -> None:
    """Raise :class:`ResearchError` if a graph, node or edge attribute is not a plain scalar."""
    places = [("graph", None, graph.graph)]
    places += [("node", n, d) for n, d in graph.nodes(data=True)]
    places += [("edge", (u, v), d) for u, v, d in graph.edges(data=True)]
    for kind, where, data in places:
        for key, value in data.items():
            if not isinstance(value, SCALAR_TYPES) or (isinstance(value, float) and not np.isfinite(value)):
                raise ResearchError(f"{kind} {where!r}: attribute {key!r} = {value!r} is not a finite scalar; GEXF/GraphML need scalars")


def write_gexf(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as GEXF 1.2 (Gephi's own format) without a run-dependent date."""
    check_scalar_attributes(graph)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True)) + "\n"
    path.write_text(_GEXF_DATE.sub("", text), encoding="utf-8")
    return path


def write_graphml(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as GraphML (readable by Gephi, Cytoscape, igraph, yEd)."""
    check_scalar_attributes(graph)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def graph_tables(graph: nx.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables of ``graph`` (``id`` + attributes; ``source, target`` + attributes)."""
    nodes = pd.DataFrame([{"id": n, **d} for n, d in graph.nodes(data=True)], columns=None)
    if nodes.empty:
        nodes = pd.DataFrame(columns=["id"])
    edges = pd.DataFrame([{"source": u, "target": v, **d} for u, v, d in graph.edges(data=True)])
    if edges.empty:
        edges = pd.DataFrame(columns=["source", "target"])
    return (
        nodes.sort_values("id", kind="mergesort").reset_index(drop=True),
        edges.sort_values(["source", "target"], kind="mergesort").reset_index(drop=True),
    )
