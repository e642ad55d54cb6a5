"""Clusters of domains by how they respond to takedown requests (k-means, k by silhouette).

A domain's response profile: its shrunken non-removal rate, the share of its URLs with no decided
outcome (pending or unknown), how long removal took when it happened, its size in the log and how
many other sites share its files. Features are standardised so none dominates by its unit; k is
the value in 2…8 with the best silhouette score; k-means runs with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from research.config import SEED
from research.reducers import Reducer, declare

PROFILE_FEATURES: tuple[str, ...] = ("eb_rate", "undecided_share", "median_days_to_removal", "log_urls", "log_co_hosting_degree")


@dataclass(frozen=True)
class ProfileClusters:
    """Cluster of each domain, the mean profile of each cluster and the silhouette of each k tried."""

    membership: pd.DataFrame
    profiles: pd.DataFrame
    silhouettes: pd.DataFrame


def removal_days(status: pd.DataFrame) -> pd.DataFrame:
    """``domain, days``: days from request to removal of every removed URL with both dates recorded."""
    removed = status[status["outcome"].eq("removed") & status["resolved_at"].notna() & status["requested_at"].notna()]
    days = (removed["resolved_at"] - removed["requested_at"]).dt.total_seconds() / 86400
    return pd.DataFrame({"domain": removed["domain"].to_numpy(), "days": days.to_numpy(dtype=float)})


def median_days(days: pd.DataFrame) -> pd.Series:
    """Median of ``days`` per domain (rows of :func:`removal_days`), indexed by domain in sorted order."""
    return days.groupby("domain", sort=True)["days"].median()


def combine_medians(parts: Sequence[pd.Series | None]) -> pd.Series | None:
    """Medians of partitions disjoint in ``domain``: every domain's median is in one part, so they sit side by side."""
    found = [p for p in parts if p is not None and len(p)]
    return pd.concat(found).sort_index(kind="mergesort") if found else None


def _medians(medians: pd.Series | None) -> pd.Series:
    return pd.Series(dtype=float, index=pd.Index([], dtype=object, name="domain"), name="days") if medians is None else medians


#: The median days to removal per domain, over partitions of :func:`removal_days` disjoint in
#: ``domain``: a median does not add up, so each domain's durations must all be in one partition.
REMOVAL_DAYS = declare(Reducer("median_days_to_removal", "domain", median_days, combine_medians, _medians))


def median_days_to_removal(status: pd.DataFrame) -> pd.Series:
    """Median days from request to removal per domain of a URL status (:data:`REMOVAL_DAYS` of the whole)."""
    return REMOVAL_DAYS.whole(removal_days(status))


def domain_profiles(domain_rates: pd.DataFrame, medians: pd.Series, degree: pd.Series | None = None) -> pd.DataFrame:
    """One row per domain with the response-profile features (sorted by domain).

    Parameters
    ----------
    domain_rates
        :func:`research.networks.rankings.node_rates` at level ``domain``.
    medians
        :func:`median_days_to_removal` (by domain).
    degree
        Co-hosting degree by domain (0 when not given).

    ``median_days_to_removal`` is missing for a domain that removed nothing with a recorded date;
    it is filled with the median over domains before clustering (and kept missing in this table).
    """
    rates = domain_rates.set_index("node")
    profile = pd.DataFrame(index=rates.index.rename("domain"))
    profile["eb_rate"] = rates["eb_rate"]
    profile["undecided_share"] = 1 - rates["decided"] / rates["urls"]
    profile["median_days_to_removal"] = medians
    profile["log_urls"] = np.log1p(rates["urls"])
    degrees = degree if degree is not None else pd.Series(0, index=profile.index)
    profile["log_co_hosting_degree"] = np.log1p(degrees.reindex(profile.index).fillna(0).astype(float))
    return profile.sort_index().reset_index()


def cluster_domains(profile: pd.DataFrame, seed: int = SEED, k_range: range = range(2, 9)) -> ProfileClusters:
    """k-means on standardised profiles, choosing k by the silhouette score.

    With fewer than four domains there is nothing to cluster: every domain is put in cluster 0.
    """
    features = profile[list(PROFILE_FEATURES)].astype(float)
    features = features.fillna(features.median()).fillna(0.0)
    scaled = StandardScaler().fit_transform(features)
    candidates = [k for k in k_range if k < len(profile)]
    rows, labels_by_k = [], {}
    for k in candidates:
        # One thread: on a small, busy machine OpenMP threads spin against each other (40 s vs 3 s).
        with threadpool_limits(limits=1):
            labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(scaled)
        if len(np.unique(labels)) < 2:
            continue
        labels_by_k[k] = labels
        rows.append({"k": k, "silhouette": float(silhouette_score(scaled, labels))})
    silhouettes = pd.DataFrame(rows, columns=["k", "silhouette"])
    if silhouettes.empty:
        labels, chosen = np.zeros(len(profile), dtype=int), 1
    else:
        chosen = int(silhouettes.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])
        labels = labels_by_k[chosen]
    silhouettes["chosen"] = silhouettes["k"].eq(chosen)
    # Renumber clusters by their mean shrunken rate (0 = most compliant) so numbers mean something.
    order = pd.Series(profile["eb_rate"].to_numpy()).groupby(labels).mean().sort_values(kind="mergesort")
    renumber = {old: new for new, old in enumerate(order.index)}
    membership = pd.DataFrame({"domain": profile["domain"], "cluster": [renumber[x] for x in labels]})
    profiles = profile.assign(cluster=membership["cluster"]).groupby("cluster")[list(PROFILE_FEATURES)].mean()
    profiles.insert(0, "domains", membership.groupby("cluster").size())
    return ProfileClusters(membership, profiles.reset_index(), silhouettes)
