"""Mirror clusters: communities of domains that host the same files (seeded Louvain).

Louvain (Blondel et al. 2008) runs in igraph's C implementation (``community_multilevel``), on
integer domain codes: on the 14 million co-hosting links of a 10-million-row log it takes seconds,
where networkx's pure-Python ``louvain_communities`` takes many minutes and gigabytes for the
graph alone. Louvain is randomised; igraph draws from a ``random.Random(seed)`` installed for the
call, and domains enter in sorted order with edges sorted by the pair, so the partition is the
same on every run. Communities are numbered by size (largest first), ties by their first domain,
so the numbering is stable too.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import igraph
import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research.clean.arrow_text import to_arrow
from research.config import SEED

#: Links handed to igraph per call: its Python interface copies them through lists, which for the
#: 14 million links of a 10-million-row log would briefly take more memory than the log itself.
EDGE_BLOCK = 2_000_000


def communities_from_edges(
    edges: pd.DataFrame, domains: Sequence[str], seed: int = SEED, resolution: float = 1.0, weight: str = "shared_content"
) -> pd.DataFrame:
    """Louvain communities of a weighted edge list ``domain_a, domain_b, <weight>``.

    Parameters
    ----------
    edges
        One row per undirected link (e.g. :func:`research.networks.bipartite.co_hosting_edges`).
    domains
        Every domain, linked or not; isolates become communities of one.
    seed
        Random seed of the Louvain algorithm.
    resolution
        Louvain resolution; above 1 favours smaller communities.
    weight
        Column of ``edges`` holding the link weights.

    Returns
    -------
    DataFrame
        ``domain, community`` sorted by domain.
    """
    ends = [pd.Index(edges[column].unique()).astype(str) for column in ("domain_a", "domain_b")]
    names = pd.Index(sorted(set(map(str, domains)).union(*ends)))
    known = pa.array(names.to_numpy(dtype=object), type=pa.large_string())

    def codes(column: str) -> np.ndarray:  # looked up by Arrow in C++, not as millions of Python strings
        return pc.index_in(to_arrow(edges[column].astype("string")), value_set=known).to_numpy(zero_copy_only=False)

    a, b = codes("domain_a"), codes("domain_b")
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    del a, b
    order = np.lexsort((high, low))  # the same edge order whatever order the table came in
    weights = edges[weight].to_numpy(dtype=float)[order]
    graph = igraph.Graph(n=len(names), directed=False)
    for start in range(0, len(order), EDGE_BLOCK):  # igraph copies edges through Python lists: in blocks
        rows = order[start : start + EDGE_BLOCK]
        graph.add_edges(np.column_stack([low[rows], high[rows]]))
    previous = igraph.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_multilevel(weights=weights, resolution=resolution).membership
    finally:
        igraph.set_random_number_generator(previous if previous is not None else random)
    members: dict[int, list[str]] = {}
    for name, label in zip(names, found):
        members.setdefault(label, []).append(str(name))
    ranked = sorted(members.values(), key=lambda group: (-len(group), group[0]))
    rows = [(domain, number) for number, group in enumerate(ranked) for domain in group]
    return pd.DataFrame(rows, columns=["domain", "community"]).sort_values("domain", kind="mergesort").reset_index(drop=True)


def mirror_communities(graph: nx.Graph, seed: int = SEED, resolution: float = 1.0) -> pd.DataFrame:
    """Louvain communities of a co-hosting graph held as networkx, weighted by ``weight``.

    The same as :func:`communities_from_edges` on the graph's edge list (isolates become
    communities of one); returns ``domain, community`` sorted by domain.
    """
    edges = pd.DataFrame(
        [(a, b, d.get("weight", 1)) for a, b, d in graph.edges(data=True)], columns=["domain_a", "domain_b", "shared_content"]
    )
    return communities_from_edges(edges, [str(n) for n in graph.nodes], seed=seed, resolution=resolution)


def community_summary(membership: pd.DataFrame, domain_counts: pd.DataFrame, edges: pd.DataFrame | None = None) -> pd.DataFrame:
    """Size and non-removal of each community.

    Parameters
    ----------
    membership
        ``domain, community`` from :func:`mirror_communities`.
    domain_counts
        Per domain, ``node, urls, decided, non_removed``
        (:func:`research.networks.rankings.node_counts` at level ``domain``).
    edges
        Co-hosting edges, to count the shared content inside each community.

    Returns
    -------
    DataFrame
        ``community, domains, urls, decided, non_removed, non_removal_rate, share_of_all_non_removed,
        internal_shared_content, largest_domains`` (up to five members by URLs, ``;``-joined).
    """
    sizes = domain_counts.rename(columns={"node": "domain"})[["domain", "urls", "decided", "non_removed"]]
    sizes = sizes.merge(membership, on="domain", how="left", validate="one_to_one")
    grouped = sizes.groupby("community", sort=True)
    table = pd.DataFrame(
        {
            "domains": membership.groupby("community").size(),
            "urls": grouped["urls"].sum(),
            "decided": grouped["decided"].sum(),
            "non_removed": grouped["non_removed"].sum(),
        }
    ).fillna(0).astype("int64")
    decided = table["decided"].where(table["decided"] > 0)
    table["non_removal_rate"] = table["non_removed"] / decided
    total = table["non_removed"].sum()
    table["share_of_all_non_removed"] = table["non_removed"] / total if total else float("nan")
    internal = pd.Series(0, index=table.index, dtype="int64")
    if edges is not None and len(edges):
        lookup = membership.set_index("domain")["community"]
        same = edges.assign(ca=edges["domain_a"].map(lookup), cb=edges["domain_b"].map(lookup))
        same = same[same["ca"] == same["cb"]]
        internal = internal.add(same.groupby("ca")["shared_content"].sum(), fill_value=0).astype("int64")
    table["internal_shared_content"] = internal
    sizes = sizes.dropna(subset=["community"]).sort_values(["community", "urls", "domain"], ascending=[True, False, True], kind="mergesort")
    table["largest_domains"] = sizes.groupby("community")["domain"].apply(lambda s: ";".join(s.head(5)))
    table.index.name = "community"
    return table.reset_index()
