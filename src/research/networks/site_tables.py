"""What every network measure needs from a URL status, at site level: no table with a row per URL.

:func:`research.networks.build.network_from_tables` computes the whole network from a
:class:`SiteTables`. The default engine makes one from the whole status (:func:`site_tables`);
the Dask engine from partitions, each table by the reducer declared beside its kernel
(:mod:`research.scale.network`), so the driver holds per-node, per-link and per-pair tables and
the model's bounded sample, never the status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.config import SEED
from research.networks.bipartite import HubSummary, co_hosting_edges, hub_summary, incidence_matrix
from research.networks.layers import layer_edges
from research.networks.model import MODEL_SAMPLE, ModelSample, model_inputs, model_rows
from research.networks.profiles import median_days_to_removal
from research.networks.rankings import LEVELS, node_counts


@dataclass(frozen=True)
class SiteTables:
    """The site-level results of a URL status that the network is built from.

    Attributes
    ----------
    urls
        URLs (rows of the status).
    node_counts
        Per level of :data:`research.networks.rankings.LEVELS`, ``node, urls, decided, non_removed``.
    domains
        The sorted distinct domains (the incidence matrix's columns).
    edges
        ``co_hosting_edges(incidence_matrix(status))``.
    layer_edges
        :func:`research.networks.layers.layer_edges`.
    median_days
        :func:`research.networks.profiles.median_days_to_removal`.
    hubs
        :func:`research.networks.bipartite.hub_summary`.
    sample, model_rows
        The model's sample of decided URLs and its rows with features (:func:`research.networks.model.model_rows`).
    """

    urls: int
    node_counts: dict[str, pd.DataFrame]
    domains: np.ndarray
    edges: pd.DataFrame
    layer_edges: pd.DataFrame
    median_days: pd.Series
    hubs: HubSummary
    sample: ModelSample
    model_rows: pd.DataFrame


def site_tables(status: pd.DataFrame, *, max_urls: int | None = MODEL_SAMPLE, seed: int = SEED) -> SiteTables:
    """The :class:`SiteTables` of a whole URL status (the default engine).

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`).
    max_urls
        The model's sample size (:func:`research.networks.model.fit_non_removal_model`).
    seed
        Seed of the model's sample.
    """
    incidence = incidence_matrix(status)
    edges = co_hosting_edges(incidence)
    sample, domain_urls, sites = model_inputs(status, max_urls, seed)
    return SiteTables(
        urls=len(status),
        node_counts={level: node_counts(status, level) for level in LEVELS},
        domains=np.asarray(incidence.domains, dtype=object),
        edges=edges,
        layer_edges=layer_edges(status),
        median_days=median_days_to_removal(status),
        hubs=hub_summary(incidence, len(edges)),
        sample=sample,
        model_rows=model_rows(sample, domain_urls, sites),
    )
