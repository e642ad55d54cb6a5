"""Every network measure from one cleaned takedown log, in memory (no files read or written).

The pipeline stage and ``research network build`` call :func:`build_network` and then write its
tables through disclosure control; notebooks can call it directly. Everything is computed from the
site-level tables of the log's URL status (:mod:`research.networks.site_tables`) by
:func:`network_from_tables`, which the Dask engine calls on the same tables combined from partitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

from research.config import SEED
from research.networks.bipartite import HubSummary, co_hosting_degree, co_hosting_graph
from research.networks.communities import communities_from_edges, community_summary
from research.networks.concentration import concentration_tables
from research.networks.layers import node_id
from research.networks.model import MODEL_SAMPLE, ModelResult, fit_sampled_model
from research.networks.profiles import ProfileClusters, cluster_domains, domain_profiles
from research.networks.rankings import LEVELS, ranking, rates_from_counts
from research.networks.site_tables import SiteTables, site_tables
from research.networks.status import is_synthetic, latest_url_status


@dataclass(frozen=True)
class NetworkBuild:
    """The results of :func:`build_network`; every table is sorted and ready to write."""

    synthetic: bool
    urls: int
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

    @property
    def domains(self) -> int:
        """Domains (sites) in the network."""
        return int((self.nodes["layer"] == "domain").sum())


def build_network(
    log: pd.DataFrame, *, seed: int = SEED, source: str | None = None, bootstrap_replicates: int = 200, max_urls: int | None = MODEL_SAMPLE
) -> NetworkBuild:
    """Build the co-hosting graph, layers, rates, rankings, communities, concentration and model.

    Parameters
    ----------
    log
        A cleaned takedown log (``takedowns.parquet`` contract).
    seed
        Seed of Louvain, k-means, the model's sample, the cross-validation folds and the bootstrap.
    source
        The log's file name, for error messages.
    bootstrap_replicates
        Replicates of the AUC's cluster bootstrap.
    max_urls
        Decided URLs the model is fitted on at most (:func:`research.networks.model.fit_non_removal_model`).

    Returns
    -------
    NetworkBuild
        ``nodes`` holds every domain, provider and country (``id`` = ``layer:name``) with its
        counts, rates and intervals; domains also carry their mirror community, response cluster
        and co-hosting degree.
    """
    status = latest_url_status(log, source)
    tables = site_tables(status, max_urls=max_urls, seed=seed)
    return network_from_tables(tables, synthetic=is_synthetic(log), seed=seed, bootstrap_replicates=bootstrap_replicates)


def network_from_tables(tables: SiteTables, *, synthetic: bool, seed: int = SEED, bootstrap_replicates: int = 200) -> NetworkBuild:
    """Every network measure from the site-level tables of a URL status (both engines call this).

    Parameters
    ----------
    tables
        :func:`research.networks.site_tables.site_tables` of the status, or the Dask engine's
        equal tables combined from partitions.
    synthetic
        Whether the log comes from the synthetic generator.
    seed, bootstrap_replicates
        As in :func:`build_network`.
    """
    edges, domains = tables.edges, tables.domains
    # Louvain on Newman's weights: a file mirrored on thousands of sites does not weld them into one community.
    membership = communities_from_edges(edges, domains, seed=seed, weight="co_hosting_weight")

    rates, priors = [], []
    for level in LEVELS:
        table, prior = rates_from_counts(tables.node_counts[level], level)
        rates.append(table)
        priors.append({"level": level, "alpha": prior.alpha, "beta": prior.beta, "prior_mean": prior.mean, "prior_strength": prior.strength})
    all_rates = pd.concat(rates, ignore_index=True)
    rankings = pd.concat([ranking(t) for t in rates], ignore_index=True)

    degree = co_hosting_degree(edges, domains)
    profile = domain_profiles(rates[0], tables.median_days, degree)
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

    concentration, lorenz = concentration_tables(tables.node_counts, LEVELS)
    return NetworkBuild(
        synthetic=synthetic,
        urls=tables.urls,
        nodes=nodes,
        priors=pd.DataFrame(priors),
        rankings=rankings,
        co_hosting_edges=edges,
        layer_edges=tables.layer_edges,
        communities=community_summary(membership, tables.node_counts["domain"], edges),
        concentration=concentration,
        lorenz=lorenz,
        model=fit_sampled_model(tables.sample, tables.model_rows, seed=seed, bootstrap_replicates=bootstrap_replicates),
        profiles=clusters,
        hubs=tables.hubs,
    )
