"""The whole network of a cleaned log with Dask (``research network build --engine dask``), bounded.

:func:`research.networks.build.network_from_tables` computes every network measure from the
site-level tables of a URL status (:class:`research.networks.site_tables.SiteTables`). This
module computes those tables from partitions, each by the reducer declared beside its kernel,
so the driver never holds a row per URL:

=========================  ================  ===============================================================
table                      rows grouped by   per partition → combined
=========================  ================  ===============================================================
node counts, domains       ``url_id``        ``NODE_RATES`` / ``DOMAINS`` partials, summed / merged
layer links                ``url_id``        ``LAYER_EDGES``: counts per (domain, provider), (provider, country)
synthetic                  ``url_id``        ``SYNTHETIC``: true if any partition is
model sample               ``url_id``        ``MODEL_SAMPLE_URLS``: each partition's bottom-k by seeded hash,
                                             merged keeping the bottom k (at most ``max_urls`` rows)
co-hosting edges           ``content_id``    ``CO_HOSTING`` (:func:`research.scale.network.co_hosting_dask`),
                                             edge parts read back (one row per domain pair)
hub files                  ``content_id``    ``HUBS``: per-file site counts summed into hub counts
mirror sites of sampled    ``content_id``    ``MIRROR_SITES`` of the sampled files only
files
median days to removal     ``domain``        ``REMOVAL_DAYS``: each domain's removal times in one bucket,
                                             its exact median there
=========================  ================  ===============================================================

Memory of the driver: per-node counts, per-link counts, the edge list (domain pairs), per-domain
medians, the model's sample (``max_urls`` rows with their features) — and Louvain, the k-means
clustering and the model's fit run on those, as in the default engine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import dask
import numpy as np
import pandas as pd

from research.config import SEED
from research.errors import InputError
from research.networks.bipartite import CO_HOSTING, HUBS, summary_of_hubs
from research.networks.build import NetworkBuild, network_from_tables
from research.networks.layers import LAYER_EDGES
from research.networks.model import MIRROR_SITES, MODEL_SAMPLE, MODEL_SAMPLE_URLS, model_rows
from research.networks.profiles import REMOVAL_DAYS
from research.networks.site_tables import SiteTables
from research.scale.engine import read_parts, tree_reduce
from research.scale.network import StatusParts, cleaned_parts, co_hosting_dask, split_by_url, status_to_parquet
from research.scale.shuffle import present_buckets, read_bucket


def _files_task(pairs: Path, bucket: int, content_ids: pd.Series) -> tuple:
    part = read_bucket(pairs, bucket)
    return HUBS.partial(part), MIRROR_SITES.partial(part, content_ids)


def _item(value: tuple, index: int) -> object:
    return value[index]


def _days_task(days: Path, bucket: int) -> pd.Series:
    return REMOVAL_DAYS.partial(read_bucket(days, bucket))


def file_tables_dask(status: StatusParts, content_ids: pd.Series) -> tuple[object, pd.Series]:
    """Hub counts of every file, and the mirror sites of the files ``content_ids``, from the pairs split by file."""
    if status.pairs is None:
        raise ValueError("status_to_parquet was run without pairs=")
    ids = dask.delayed(content_ids)  # one copy in the graph
    tasks = [dask.delayed(_files_task)(status.pairs, bucket, ids) for bucket in present_buckets(status.pairs)]
    hubs = tree_reduce([dask.delayed(_item)(t, 0) for t in tasks], HUBS.combine)
    sites = tree_reduce([dask.delayed(_item)(t, 1) for t in tasks], MIRROR_SITES.combine)
    hubs, sites = dask.compute(hubs, sites)
    return HUBS.finish(hubs), MIRROR_SITES.finish(sites)


def median_days_dask(status: StatusParts) -> pd.Series:
    """Median days to removal per domain, one task per domain bucket of the removal times."""
    if status.days is None:
        raise ValueError("status_to_parquet was run without days=")
    tasks = [dask.delayed(_days_task)(status.days, bucket) for bucket in present_buckets(status.days)]
    return REMOVAL_DAYS.finish(dask.compute(tree_reduce(tasks, REMOVAL_DAYS.combine))[0])


def site_tables_dask(files: list[Path], work: Path, *, source: str | None = None, max_urls: int | None = MODEL_SAMPLE, seed: int = SEED, blocks: int | None = None) -> tuple[SiteTables, bool]:
    """:func:`research.networks.site_tables.site_tables` of a cleaned log's status, and whether it is synthetic.

    Parameters
    ----------
    files
        Parquet files of a cleaned log.
    work
        A folder for the hash splits (removed step by step).
    source
        The log's name, for error messages.
    max_urls, seed
        The model's sample size and seed.
    blocks
        Blocks of domains for the co-hosting sums (default: as many as partitions).
    """
    model = {"max_urls": max_urls, "seed": seed}
    status = status_to_parquet(split_by_url(files, work / "split"), None, source, pairs=work / "pairs", days=work / "days", model=model)
    shutil.rmtree(work / "split", ignore_errors=True)
    if not status.urls:
        raise InputError("the cleaned log has no rows: there is no network to build", file=source)
    co_hosting_dask(status, work / "edges", blocks, work=work / "triplets")
    edges = read_parts(work / "edges")
    edges = CO_HOSTING.finish(None, status.domains) if edges is None else edges
    sample = MODEL_SAMPLE_URLS.finish(status.sample, **model)
    hubs, sites = file_tables_dask(status, sample.frame["content_id"])
    counts = {level: frame for level, frame in status.node_counts.items() if frame is not None}
    domain_urls = counts["domain"].set_index("node")["urls"]
    tables = SiteTables(
        urls=status.urls,
        node_counts=counts,
        domains=np.asarray(status.domains, dtype=object),
        edges=edges,
        layer_edges=LAYER_EDGES.finish(status.layers),
        median_days=median_days_dask(status),
        hubs=summary_of_hubs(hubs, len(edges)),
        sample=sample,
        model_rows=model_rows(sample, domain_urls, sites),
    )
    return tables, status.synthetic


def network_dask(
    cleaned: str | os.PathLike[str] | list[Path],
    *,
    seed: int = SEED,
    bootstrap_replicates: int = 200,
    max_urls: int | None = MODEL_SAMPLE,
    source: str | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    blocks: int | None = None,
) -> NetworkBuild:
    """:func:`research.networks.build.build_network` of a cleaned log, from partitions (inside a Dask scheduler).

    ``cleaned`` is a cleaned ``takedowns.parquet``, a folder of parts, or a list of parts; the
    hash splits go to a temporary folder in ``work_dir``. Every table equals the default engine's.
    """
    with tempfile.TemporaryDirectory(dir=work_dir, prefix=".dask-network-") as work:
        tables, synthetic = site_tables_dask(cleaned_parts(cleaned), Path(work), source=source, max_urls=max_urls, seed=seed, blocks=blocks)
    return network_from_tables(tables, synthetic=synthetic, seed=seed, bootstrap_replicates=bootstrap_replicates)
