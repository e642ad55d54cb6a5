"""The made-up internet behind the synthetic takedown log: sites, mirror clusters, providers, countries.

Everything here is invented. Site names are pronounceable nonsense plus a number, under real
public suffixes (``.com``, ``.co.jp`` …) so the Public Suffix List parses them like real sites;
providers are "<name> Hosting NN" with AS numbers from the private-use range (64512–65534);
countries are ISO 3166 user-assigned codes (``XA`` … ``XL``), which no real country uses, so no
real jurisdiction is described by synthetic compliance rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SYLLABLES = ("ka", "ri", "mo", "nu", "te", "sa", "vo", "lu", "pe", "zi", "ba", "ko", "me", "ta", "ru", "xo", "di", "fa", "ne", "yu")
SUFFIXES = ("com", "net", "org", "xyz", "io", "to", "cc", "me", "tv", "info", "co.jp", "jp", "co.kr", "kr", "co.id", "ru", "co.uk", "com.br")
SUFFIX_WEIGHTS = (30, 10, 4, 8, 4, 6, 4, 3, 3, 3, 6, 3, 3, 2, 2, 3, 1, 1)
COUNTRIES = tuple(f"X{c}" for c in "ABCDEFGHIJKL")
#: How much more (or less) likely, on the log-odds scale, sites in each made-up country comply.
COUNTRY_EFFECTS = (1.2, 0.9, 0.6, 0.4, 0.2, 0.0, -0.2, -0.5, -0.8, -1.1, -1.5, -2.0)
FIRST_PRIVATE_ASN = 64512


@dataclass(frozen=True)
class World:
    """Sites (one row per domain) and providers of the synthetic log."""

    sites: pd.DataFrame  # domain, cluster, weight, compliance, speed, provider, asn, country
    providers: pd.DataFrame  # provider, asn, country, base compliance


def _names(rng: np.random.Generator, n: int, syllables: int) -> np.ndarray:
    picks = rng.integers(0, len(SYLLABLES), size=(n, syllables))
    table = np.array(SYLLABLES)
    out = table[picks[:, 0]]
    for k in range(1, syllables):
        out = np.char.add(out, table[picks[:, k]])
    return out


def make_world(rng: np.random.Generator, n_sites: int, n_providers: int = 60) -> World:
    """Draw sites with heavy-tailed sizes grouped into mirror clusters, and their providers."""
    provider_country = rng.choice(len(COUNTRIES), size=n_providers, p=_normalise(rng.pareto(1.5, len(COUNTRIES)) + 1))
    provider_logit = rng.normal(0.8, 1.0, n_providers) + np.asarray(COUNTRY_EFFECTS)[provider_country]
    providers = pd.DataFrame(
        {
            "provider": np.char.add(np.char.add(np.char.capitalize(_names(rng, n_providers, 3)), " Hosting "), np.char.zfill(np.arange(1, n_providers + 1).astype(str), 2)),
            "asn": FIRST_PRIVATE_ASN + np.arange(n_providers),
            "country": np.asarray(COUNTRIES)[provider_country],
            "logit": provider_logit,
        }
    )
    provider_size = _normalise(rng.pareto(1.1, n_providers) + 1)
    site_provider = rng.choice(n_providers, size=n_sites, p=provider_size)
    # Mirror clusters: heavy-tailed in size, and sites in one cluster tend to share behaviour.
    n_clusters = max(3, n_sites // 12)
    site_cluster = rng.choice(n_clusters, size=n_sites, p=_normalise(rng.pareto(1.0, n_clusters) + 1))
    cluster_effect = rng.normal(0.0, 0.8, n_clusters)
    logit = provider_logit[site_provider] + cluster_effect[site_cluster] + rng.normal(0.0, 0.7, n_sites)
    suffix = rng.choice(SUFFIXES, size=n_sites, p=_normalise(np.asarray(SUFFIX_WEIGHTS, dtype=float)))
    stems = np.char.add(np.char.add(_names(rng, n_sites, 3), "-"), (np.arange(n_sites) + 1).astype(str))
    sites = pd.DataFrame(
        {
            "domain": np.char.add(np.char.add(stems, "."), suffix),
            "cluster": site_cluster,
            "weight": rng.pareto(1.05, n_sites) + 1.0,
            "compliance": 1.0 / (1.0 + np.exp(-logit)),
            # Some sites answer fast, others slowly: a multiplier on the channel's typical delay.
            "speed": np.exp(rng.normal(0.0, 0.6, n_sites)),
            "provider": providers["provider"].to_numpy()[site_provider],
            "asn": providers["asn"].to_numpy()[site_provider],
            "country": providers["country"].to_numpy()[site_provider],
        }
    )
    return World(sites, providers.drop(columns="logit"))


def _normalise(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def draw_sites(rng: np.random.Generator, sites: pd.DataFrame, home_cluster: np.ndarray, site_weight: np.ndarray, stay_home: float = 0.75) -> np.ndarray:
    """For each URL, a site: from its file's home cluster with probability ``stay_home``, else anywhere.

    Sampling within a cluster uses one global cumulative sum over sites sorted by cluster, so a
    million URLs need one ``searchsorted`` rather than a loop.
    """
    order = np.argsort(sites["cluster"].to_numpy(), kind="stable")
    clusters = sites["cluster"].to_numpy()[order]
    weights = site_weight[order]
    cumulative = np.cumsum(weights)
    n_clusters = int(clusters.max()) + 1
    cluster_total = np.bincount(clusters, weights=weights, minlength=n_clusters)
    cluster_start = np.concatenate([[0.0], np.cumsum(cluster_total)[:-1]])
    away = rng.random(len(home_cluster)) >= stay_home
    cluster = home_cluster.copy()
    cluster[away] = rng.choice(n_clusters, size=int(away.sum()), p=_normalise(cluster_total))
    target = cluster_start[cluster] + rng.random(len(cluster)) * cluster_total[cluster]
    position = np.minimum(np.searchsorted(cumulative, target, side="right"), len(order) - 1)
    return order[position]
