"""Cluster bootstrap of a pooled proportion: URLs of one site (or request) are not independent.

A binomial interval treats every URL as an independent trial. URLs on one site share its
policy, so a share pooled over sites varies more than that: resampling whole sites with
replacement (the cluster, or "pairs", bootstrap; Davison & Hinkley 1997, §3.8; Cameron, Gelbach
& Miller 2008) gives an interval that reflects it. Each replicate draws the number of times
every cluster is picked from a multinomial, so a replicate is one matrix product, not a loop.
The percentile interval is reported; with fewer than :data:`MIN_CLUSTERS` clusters the
bootstrap itself is unreliable and no interval is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Fewer clusters than this: no bootstrap interval (the resampling distribution is too coarse).
MIN_CLUSTERS = 10
#: Bootstrap replicates.
REPLICATES = 1000


@dataclass(frozen=True)
class ClusterBootstrap:
    """Percentile intervals of ``sum(successes) / sum(trials)`` per group, resampling clusters."""

    groups: np.ndarray
    share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    clusters: np.ndarray
    replicates: int

    def tidy(self) -> pd.DataFrame:
        """``group, share, cluster_low, cluster_high, clusters``."""
        return pd.DataFrame({"group": self.groups, "share": self.share, "cluster_low": self.low, "cluster_high": self.high, "clusters": self.clusters})


def cluster_bootstrap(groups, clusters, successes, trials, *, alpha: float = 0.05, replicates: int = REPLICATES, seed: int = 0, min_clusters: int = MIN_CLUSTERS) -> ClusterBootstrap:
    """Cluster-bootstrap interval of each group's pooled share.

    Parameters
    ----------
    groups, clusters
        Per row, its group (e.g. channel) and cluster (e.g. site); rows are summed per
        (group, cluster) first.
    successes, trials
        Per row counts (a URL: 1 and 1, or 0 and 1).
    alpha
        One minus the confidence level.
    replicates, seed
        Number of bootstrap replicates and the seed (the same inputs give the same interval).
    min_clusters
        Groups with fewer clusters get no interval (``NaN``).
    """
    frame = pd.DataFrame({"g": np.asarray(groups, dtype=object), "c": np.asarray(clusters, dtype=object), "k": np.asarray(successes, dtype=float), "n": np.asarray(trials, dtype=float)})
    summed = frame.groupby(["g", "c"], sort=True)[["k", "n"]].sum().reset_index()
    rng = np.random.default_rng(seed)
    names, shares, lows, highs, sizes = [], [], [], [], []
    for group, rows in summed.groupby("g", sort=True):
        k, n = rows["k"].to_numpy(), rows["n"].to_numpy()
        size = len(rows)
        names.append(group)
        sizes.append(size)
        shares.append(k.sum() / n.sum() if n.sum() > 0 else np.nan)
        if size < min_clusters or n.sum() == 0:
            lows.append(np.nan)
            highs.append(np.nan)
            continue
        picks = rng.multinomial(size, np.full(size, 1.0 / size), size=replicates).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            replicate = (picks @ k) / (picks @ n)
        low, high = np.nanquantile(replicate, [alpha / 2, 1 - alpha / 2])
        lows.append(float(low))
        highs.append(float(high))
    return ClusterBootstrap(np.asarray(names, dtype=object), np.asarray(shares), np.asarray(lows), np.asarray(highs), np.asarray(sizes, dtype=np.int64), replicates)
