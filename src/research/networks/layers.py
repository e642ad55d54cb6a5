"""Domain → hosting provider → country: the layers behind a site's response to takedown requests.

A site answers (or ignores) a request, but the provider hosting it and the jurisdiction behind the
provider shape that answer. The layers are kept as linked edge lists (one table) and as a directed
networkx graph whose node ids carry their layer (``domain:…``, ``provider:…``, ``country:…``), so a
domain called like a provider can never merge with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import pandas as pd

from research.reducers import Reducer, declare

LAYERS: tuple[tuple[str, str], ...] = (("domain", "hosting_provider"), ("hosting_provider", "country"))
LAYER_NAMES = {"domain": "domain", "hosting_provider": "provider", "country": "country"}
#: The counts of a layer link.
LINK_COUNTS = ["urls", "decided", "non_removed"]


def node_id(layer: str, name: str) -> str:
    """The graph id of a node of ``layer`` (``"domain"``, ``"hosting_provider"`` or ``"country"``)."""
    return f"{LAYER_NAMES[layer]}:{name}"


def layer_counts(status: pd.DataFrame) -> pd.DataFrame:
    """URLs, decided and non-removed URLs on each domain→provider and provider→country link of ``status``.

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`), or a partition of it.

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
    return _sorted(pd.concat(tables, ignore_index=True))


def _sorted(edges: pd.DataFrame) -> pd.DataFrame:
    return edges.sort_values(["source_layer", "source", "target"], kind="mergesort").reset_index(drop=True)


def combine_layer_counts(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame | None:
    """:func:`layer_counts` of the union of status partitions disjoint in ``url_id``: the counts add up per link."""
    found = [p for p in parts if p is not None and len(p)]
    if not found:
        return None
    keys = ["source_layer", "source", "target_layer", "target"]
    summed = pd.concat(found, ignore_index=True).groupby(keys, sort=True)[LINK_COUNTS].sum().astype("int64")
    return _sorted(summed.reset_index())


def _layer_table(counts: pd.DataFrame | None) -> pd.DataFrame:
    if counts is not None:
        return counts
    empty = {c: pd.Series(dtype=object) for c in ("source_layer", "source", "target_layer", "target")}
    return pd.DataFrame({**empty, **{c: pd.Series(dtype="int64") for c in LINK_COUNTS}})


#: :func:`layer_edges` over partitions of the URL status disjoint in ``url_id``: per-link sums.
LAYER_EDGES = declare(Reducer("layer_edges", "url_id", layer_counts, combine_layer_counts, _layer_table))


def layer_edges(status: pd.DataFrame) -> pd.DataFrame:
    """URLs and non-removed URLs on each domain→provider and provider→country link.

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`).

    Returns
    -------
    DataFrame
        ``source_layer, source, target_layer, target, urls, decided, non_removed``, sorted
        (:data:`LAYER_EDGES` of the whole status, as the Dask engine combines it from partitions).
    """
    return LAYER_EDGES.whole(status)


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
