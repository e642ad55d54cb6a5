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


def _records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as attribute dicts, missing or empty values left out (one pass, no ``iterrows``)."""
    return [{k: _python_scalar(v) for k, v in record.items() if not (v is None or v is pd.NA or v == "" or (isinstance(v, float) and np.isnan(v)))} for record in table.to_dict("records")]


def strongest_edges(edges: pd.DataFrame, max_edges: int, weight: str = "weight") -> pd.DataFrame:
    """The ``max_edges`` edges of largest ``weight`` (missing weights last, ties by pair), sorted by pair.

    Gephi and GraphML readers slow to a crawl on hundreds of thousands of edges, and a drawing of
    them shows nothing; exports keep the strongest links while the full edge list stays in CSV.
    """
    if len(edges) <= max_edges:
        return edges
    ranked = edges.assign(_w=pd.to_numeric(edges[weight], errors="coerce").fillna(-np.inf))
    ranked = ranked.sort_values(["_w", "source", "target"], ascending=[False, True, True], kind="mergesort").head(max_edges)
    return ranked.drop(columns="_w").sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)


def graph_from_tables(nodes: pd.DataFrame, edges: pd.DataFrame, *, directed: bool = False) -> nx.Graph:
    """Build a graph from a node table (column ``id``) and an edge table (``source``, ``target``).

    Every other column becomes an attribute; empty or missing values are left out. Nodes and edges
    are added in sorted order so that exports are stable.
    """
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    nodes = nodes.sort_values("id", kind="mergesort")
    graph.add_nodes_from(zip(nodes["id"].astype(str).tolist(), _records(nodes.drop(columns="id"))))
    edges = edges.sort_values(["source", "target"], kind="mergesort")
    ends = zip(edges["source"].astype(str).tolist(), edges["target"].astype(str).tolist(), _records(edges.drop(columns=["source", "target"])))
    graph.add_edges_from(ends)
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
