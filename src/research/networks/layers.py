"""Domain → hosting provider → country: the layers behind a site's response to takedown requests.

A site answers (or ignores) a request, but the provider hosting it and the jurisdiction behind the
provider shape that answer. The layers are kept as linked edge lists (one table) and as a directed
networkx graph whose node ids carry their layer (``domain:…``, ``provider:…``, ``country:…``), so a
domain called like a provider can never merge with it.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

LAYERS: tuple[tuple[str, str], ...] = (("domain", "hosting_provider"), ("hosting_provider", "country"))
LAYER_NAMES = {"domain": "domain", "hosting_provider": "provider", "country": "country"}


def node_id(layer: str, name: str) -> str:
    """The graph id of a node of ``layer`` (``"domain"``, ``"hosting_provider"`` or ``"country"``)."""
    return f"{LAYER_NAMES[layer]}:{name}"


def layer_edges(status: pd.DataFrame) -> pd.DataFrame:
    """URLs and non-removed URLs on each domain→provider and provider→country link.

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`).

    Returns
    -------
    DataFrame
        ``source_layer, source, target_layer, target, urls, decided, non_removed``, sorted.
    """
    tables = []
    for source, target in LAYERS:
        grouped = status.groupby([source, target], sort=True)
        table = pd.DataFrame(
            {"urls": grouped.size(), "decided": grouped["decided"].sum(), "non_removed": grouped["non_removed"].sum()}
        ).astype("int64")
        table.index.names = ["source", "target"]
        table = table.reset_index()
        table.insert(0, "source_layer", LAYER_NAMES[source])
        table.insert(2, "target_layer", LAYER_NAMES[target])
        tables.append(table)
    edges = pd.concat(tables, ignore_index=True)
    return edges.sort_values(["source_layer", "source", "target"], kind="mergesort").reset_index(drop=True)


def layered_graph(edges: pd.DataFrame) -> nx.DiGraph:
    """A directed graph of the layers: node attribute ``layer`` and ``name``; edge counts as attributes."""
    graph = nx.DiGraph()
    reverse = {v: k for k, v in LAYER_NAMES.items()}
    for side in ("source", "target"):
        nodes = edges[[f"{side}_layer", side]].drop_duplicates()
        graph.add_nodes_from(
            (node_id(reverse[layer], name), {"layer": layer, "name": name})
            for layer, name in nodes.itertuples(index=False, name=None)
        )
    for row in edges.itertuples(index=False):
        graph.add_edge(
            node_id(reverse[row.source_layer], row.source),
            node_id(reverse[row.target_layer], row.target),
            urls=int(row.urls),
            decided=int(row.decided),
            non_removed=int(row.non_removed),
        )
    return graph
