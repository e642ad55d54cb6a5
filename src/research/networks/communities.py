"""Mirror clusters: communities of domains that host the same files (seeded Louvain).

Louvain is randomised; with a fixed seed and nodes added in sorted order the partition is the same
on every run. Communities are numbered by size (largest first), ties by their first domain, so the
numbering is stable too.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from research.config import SEED


def _canonical(graph: nx.Graph) -> nx.Graph:
    """The same weighted graph with nodes and edges inserted in sorted order (Louvain's input order)."""
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_weighted_edges_from(sorted((min(a, b), max(a, b), d.get("weight", 1)) for a, b, d in graph.edges(data=True)))
    return ordered


def _is_canonical(graph: nx.Graph) -> bool:
    """True if ``graph`` was built in sorted order already (as ``co_hosting_graph`` does), so the
    copy can be skipped: on a large co-hosting graph the copy costs as much as a Louvain pass."""
    nodes = list(graph.nodes)
    if type(graph) is not nx.Graph or nodes != sorted(nodes):
        return False
    # Built from a sorted edge list, every node's neighbours appear in sorted order, and only then.
    return all(list(neighbours) == sorted(neighbours) for neighbours in graph.adj.values()) and all(
        "weight" in d for _, _, d in graph.edges(data=True)
    )


def mirror_communities(graph: nx.Graph, seed: int = SEED, resolution: float = 1.0, *, sorted_input: bool = False) -> pd.DataFrame:
    """Louvain communities of the co-hosting graph, weighted by shared content.

    Parameters
    ----------
    graph
        Co-hosting graph (:func:`research.networks.bipartite.co_hosting_graph`); isolates become
        communities of one.
    seed
        Random seed of the Louvain algorithm.
    resolution
        Louvain resolution; above 1 favours smaller communities.
    sorted_input
        The caller built ``graph`` from sorted nodes and a sorted edge list (as
        ``co_hosting_graph`` does), so neither the check nor the sorted copy is needed.

    Returns
    -------
    DataFrame
        ``domain, community`` sorted by domain.
    """
    ordered = graph if sorted_input or _is_canonical(graph) else _canonical(graph)
    found = nx.community.louvain_communities(ordered, weight="weight", resolution=resolution, seed=seed)
    ranked = sorted((sorted(c) for c in found), key=lambda members: (-len(members), members[0]))
    rows = [(domain, number) for number, members in enumerate(ranked) for domain in members]
    return pd.DataFrame(rows, columns=["domain", "community"]).sort_values("domain", kind="mergesort").reset_index(drop=True)


def community_summary(membership: pd.DataFrame, status: pd.DataFrame, edges: pd.DataFrame | None = None) -> pd.DataFrame:
    """Size and non-removal of each community.

    Parameters
    ----------
    membership
        ``domain, community`` from :func:`mirror_communities`.
    status
        One row per URL.
    edges
        Co-hosting edges, to count the shared content inside each community.

    Returns
    -------
    DataFrame
        ``community, domains, urls, decided, non_removed, non_removal_rate, share_of_all_non_removed,
        internal_shared_content, largest_domains`` (up to five members by URLs, ``;``-joined).
    """
    per_url = status[["domain", "decided", "non_removed"]].merge(membership, on="domain", how="left", validate="many_to_one")
    grouped = per_url.groupby("community", sort=True)
    table = pd.DataFrame(
        {
            "domains": membership.groupby("community").size(),
            "urls": grouped.size(),
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
    sizes = status.groupby("domain").size().rename("urls").reset_index().merge(membership, on="domain")
    sizes = sizes.sort_values(["community", "urls", "domain"], ascending=[True, False, True], kind="mergesort")
    table["largest_domains"] = sizes.groupby("community")["domain"].apply(lambda s: ";".join(s.head(5)))
    table.index.name = "community"
    return table.reset_index()
