"""Every network measure from one cleaned takedown log, in memory (no files read or written).

The pipeline stage and ``research network build`` call :func:`build_network` and then write its
tables through disclosure control; notebooks can call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from research.config import SEED
from research.networks.bipartite import HubSummary, co_hosting_degree, co_hosting_edges, co_hosting_graph, hub_summary, incidence_matrix
from research.networks.communities import communities_from_edges, community_summary
from research.networks.concentration import concentration_tables
from research.networks.layers import layer_edges, node_id
from research.networks.model import ModelResult, fit_non_removal_model
from research.networks.profiles import ProfileClusters, cluster_domains, domain_profiles
from research.networks.rankings import LEVELS, node_rates, ranking
from research.networks.status import is_synthetic, latest_url_status


@dataclass(frozen=True)
class NetworkBuild:
    """The results of :func:`build_network`; every table is sorted and ready to write."""

    synthetic: bool
    status: pd.DataFrame
    nodes: pd.DataFrame
    priors: pd.DataFrame
    rankings: pd.DataFrame
    co_hosting_edges: pd.DataFrame
    layer_edges: pd.DataFrame
    communities: pd.DataFrame
    concentration: pd.DataFrame
    lorenz: pd.DataFrame
    model: ModelResult
    profiles: ProfileClusters
    hubs: HubSummary

    @property
    def co_hosting(self) -> nx.Graph:
        """The co-hosting graph as networkx (``weight`` = Newman's co-hosting weight), built on request.

        On a log of millions of URLs this graph takes gigabytes; the tables above hold the same
        information (``co_hosting_edges``; domains in ``nodes``).
        """
        domains = self.nodes.loc[self.nodes["layer"] == "domain", "name"]
        return co_hosting_graph(self.co_hosting_edges, list(domains), weight="co_hosting_weight")


def build_network(
    log: pd.DataFrame, *, seed: int = SEED, source: str | None = None, bootstrap_replicates: int = 200, status: pd.DataFrame | None = None
) -> NetworkBuild:
    """Build the co-hosting graph, layers, rates, rankings, communities, concentration and model.

    Parameters
    ----------
    log
        A cleaned takedown log (``takedowns.parquet`` contract).
    seed
        Seed of Louvain, k-means, the cross-validation folds and the bootstrap.
    source
        The log's file name, for error messages.
    bootstrap_replicates
        Replicates of the AUC's cluster bootstrap.
    status
        The log's one-row-per-URL status if already computed (the Dask engine computes it per
        partition); by default :func:`latest_url_status` of ``log``.

    Returns
    -------
    NetworkBuild
        ``nodes`` holds every domain, provider and country (``id`` = ``layer:name``) with its
        counts, rates and intervals; domains also carry their mirror community, response cluster
        and co-hosting degree.
    """
    status = latest_url_status(log, source) if status is None else status
    incidence = incidence_matrix(status)
    edges = co_hosting_edges(incidence)
    # Louvain on Newman's weights: a file mirrored on thousands of sites does not weld them into one community.
    membership = communities_from_edges(edges, incidence.domains, seed=seed, weight="co_hosting_weight")

    rates, priors = [], []
    for level in LEVELS:
        table, prior = node_rates(status, level)
        rates.append(table)
        priors.append({"level": level, "alpha": prior.alpha, "beta": prior.beta, "prior_mean": prior.mean, "prior_strength": prior.strength})
    all_rates = pd.concat(rates, ignore_index=True)
    rankings = pd.concat([ranking(t) for t in rates], ignore_index=True)

    degree = co_hosting_degree(edges, incidence.domains)
    domain_rates = rates[0]
    profile = domain_profiles(status, domain_rates, degree)
    clusters = cluster_domains(profile, seed=seed)

    nodes = all_rates.rename(columns={"level": "layer", "node": "name"})
    nodes.insert(0, "id", [node_id(layer, name) for layer, name in zip(nodes["layer"], nodes["name"])])
    nodes["layer"] = nodes["id"].str.split(":", n=1).str[0]
    per_domain = membership.merge(clusters.membership, on="domain").assign(co_hosting_degree=lambda d: d["domain"].map(degree).astype("int64"))
    per_domain = per_domain.rename(columns={"community": "mirror_community", "cluster": "response_cluster"})
    nodes = nodes.merge(per_domain.assign(id="domain:" + per_domain["domain"]).drop(columns="domain"), on="id", how="left")
    for column in ("mirror_community", "response_cluster", "co_hosting_degree"):
        nodes[column] = nodes[column].astype("Int64")
    nodes = nodes.drop(columns=["prior_mean", "prior_strength"]).sort_values("id", kind="mergesort").reset_index(drop=True)

    concentration, lorenz = concentration_tables(status, LEVELS)
    return NetworkBuild(
        synthetic=is_synthetic(log) or is_synthetic(status),
        status=status,
        nodes=nodes,
        priors=pd.DataFrame(priors),
        rankings=rankings,
        co_hosting_edges=edges,
        layer_edges=layer_edges(status),
        communities=community_summary(membership, status, edges),
        concentration=concentration,
        lorenz=lorenz,
        model=fit_non_removal_model(status, seed=seed, bootstrap_replicates=bootstrap_replicates),
        profiles=clusters,
        hubs=hub_summary(incidence, len(edges)),
    )
