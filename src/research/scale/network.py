"""Clean + funnel + domain network of a log larger than memory, partition by partition with Dask.

Each step needs all rows of some key in one partition; the task that holds a partition splits it
by the hash of that key into pieces on disk (:mod:`research.scale.shuffle`), and the next step's
task reads one bucket of pieces. Every task runs the default engine's own function on its
partition, writes the large results itself and sends back only per-domain (or per-group) sums,
combined in a tree:

======================  ==================  ==========================================================
step                    rows grouped by     per partition → combined
======================  ==================  ==========================================================
cleaning                ``request_id``      ``clean_takedown_log`` → table, quarantine written; quality
                                            counts summed (:mod:`research.scale.engine`)
URL status              ``url_id``          ``latest_url_status`` → written; ``node_counts`` per
                                            domain, provider, country summed → ``node_rates``' table
funnel                  ``content_id``      ``funnel_count_blocks`` (groups × statuses) → summed
                                            per group → long shape, ``with_intervals``, written
                                            ~1M rows at a time (``funnel_table_chunks``)
co-hosting projection   ``content_id``      ``B_pᵀB_p`` in global domain codes → triplets written in
                                            blocks of domains → summed per block → edge parts
======================  ==================  ==========================================================

The cleaning task writes the splits the status and funnel steps read, and the status task the
``(content_id, domain)`` pairs the projection reads, so the cleaned table is read from disk
once per step. Every per-partition result and the way it combines is the one the default
engine's kernel declares beside itself (:mod:`research.reducers`), which also says why the sums
are exact; nothing here restates a rule. Memory: each task holds one
partition (or one bucket, or one block of domain pairs); the driver holds the distinct domains,
per-group counts and the combined quality counts — never a row per URL. The co-hosting edge list
is written in blocks of ``domain_a`` and never collected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import pandas as pd

from research.networks import status as url_status
from research.networks.bipartite import CO_HOSTING, DOMAINS
from research.networks.layers import LAYER_EDGES
from research.networks.model import MODEL_SAMPLE_URLS, ModelSample
from research.networks.profiles import removal_days
from research.networks.rankings import LEVELS, NODE_RATES
from research.outputs import write_csv, write_csv_chunks
from research.scale.engine import CleanedParts, clean_partitions, parquet_parts, tree_reduce
from research.scale.shuffle import bucket_of, present_buckets, read_bucket, row_groups, split_parquet, write_buckets
from research.takedowns import funnel as funnel_kernel

#: Columns of the cleaned table that the URL status and the funnel read, as their modules declare them.
STATUS_INPUT = list(url_status.INPUT_COLUMNS)
FUNNEL_INPUT = list(funnel_kernel.INPUT_COLUMNS)


# --- URL status ---------------------------------------------------------------------------------


def _status_task(
    split: Path, bucket: int, folder: Path | None, source: str | None, pairs: Path | None, buckets: int, days: Path | None = None, model: Mapping[str, object] | None = None
) -> dict[str, object] | None:
    part = read_bucket(split, bucket)
    if not len(part):
        return None
    status = url_status.URL_STATUS.partial(part, source)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        status.to_parquet(folder / f"part-{bucket:05d}.parquet", index=False)
    if pairs is not None:  # the incidence's (file, domain) pairs, split by file for the projection
        unique = status[["content_id", "domain"]].drop_duplicates()
        write_buckets(unique, bucket_of(unique["content_id"], buckets), pairs, bucket)
    partials: dict[str, object] = {"urls": len(status), "domains": DOMAINS.partial(status), **{level: NODE_RATES.partial(status, level) for level in LEVELS}}
    if days is not None:  # the whole network: removal times split by domain (a median needs all of a domain's)
        removal = removal_days(status)
        write_buckets(removal, bucket_of(removal["domain"], buckets), days, bucket)
        partials |= {
            "synthetic": url_status.SYNTHETIC.partial(part),
            "layers": LAYER_EDGES.partial(status),
            "sample": MODEL_SAMPLE_URLS.partial(status, **(model or {})),
        }
    return partials


#: How the status tasks' partial results combine, by name (the reducers declared beside the kernels).
STATUS_COMBINE: dict[str, Callable[[list], object]] = {
    "domains": DOMAINS.combine,
    "synthetic": url_status.SYNTHETIC.combine,
    "layers": LAYER_EDGES.combine,
    "sample": MODEL_SAMPLE_URLS.combine,
    **dict.fromkeys(LEVELS, NODE_RATES.combine),
}


@dataclass(frozen=True)
class StatusParts:
    """Per-URL status written to ``folder`` (``part-NNNNN.parquet``, each sorted by ``url_id``) and its sums.

    ``pairs`` (if asked for) holds the distinct ``content_id, domain`` pairs split by file, and
    ``days`` (if asked for) the removal times (:func:`research.networks.profiles.removal_days`)
    split by domain; then ``synthetic``, ``layers`` and ``sample`` are the combined partials of
    :data:`~research.networks.status.SYNTHETIC`, :data:`~research.networks.layers.LAYER_EDGES`
    and :data:`~research.networks.model.MODEL_SAMPLE_URLS`.
    """

    folder: Path | None
    urls: int
    node_counts: dict[str, pd.DataFrame | None]
    domains: np.ndarray
    pairs: Path | None = None
    days: Path | None = None
    synthetic: bool = False
    layers: pd.DataFrame | None = None
    sample: ModelSample | None = None

    @property
    def files(self) -> list[Path]:
        return [] if self.folder is None else parquet_parts(self.folder)


def status_to_parquet(
    split: str | os.PathLike[str],
    folder: str | os.PathLike[str] | None,
    source: str | None = None,
    pairs: str | os.PathLike[str] | None = None,
    days: str | os.PathLike[str] | None = None,
    model: Mapping[str, object] | None = None,
) -> StatusParts:
    """One row per URL (:func:`research.networks.status.latest_url_status`) per ``url_id`` bucket.

    ``split`` holds the cleaned table split by ``url_id`` (:mod:`research.scale.shuffle`). The
    status parts are written by the workers (not at all when ``folder`` is ``None``); URL counts,
    per-node counts (:func:`research.networks.rankings.node_counts` for every level) and the
    status's distinct domains come back, summed in a tree. With ``days``, so do the synthetic
    flag, the layer links' counts and the model's sample (``model``: its ``max_urls`` and ``seed``).
    """
    folder = None if folder is None else Path(folder)
    buckets = present_buckets(split)
    for target in (folder, pairs, days):
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
    pieces = max(buckets, default=0) + 1  # the pairs are split into as many buckets as the status
    optional = [None if target is None else Path(target) for target in (pairs, days)]
    tasks = [dask.delayed(_status_task)(Path(split), b, folder, source, optional[0], pieces, optional[1], model) for b in buckets]
    names = ["domains", *LEVELS] + (["synthetic", "layers", "sample"] if days is not None else [])
    combined = {name: tree_reduce([dask.delayed(_partial)(t, name) for t in tasks], STATUS_COMBINE[name]) for name in names}
    combined["urls"] = tree_reduce([dask.delayed(_partial)(t, "urls") for t in tasks], _sum)
    combined = dask.compute(combined)[0]
    extra = {"days": optional[1], "synthetic": bool(combined["synthetic"]), "layers": combined["layers"], "sample": combined["sample"]} if days is not None else {}
    counts = {level: combined[level] for level in LEVELS}
    return StatusParts(folder, int(combined["urls"]), counts, combined["domains"], optional[0], **extra)


def _partial(value: dict[str, object] | None, name: str) -> object:
    return None if value is None else value[name]


def _sum(values: list[int | None]) -> int:
    return int(sum(v for v in values if v is not None))


def node_rates_dask(status: StatusParts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`research.networks.rankings.node_rates` of every level from the summed node counts.

    Returns
    -------
    (DataFrame, DataFrame)
        Rates of all levels (``level`` column), and the fitted priors (``level, alpha, beta,
        prior_mean, prior_strength``), as ``research.networks.build`` lists them.
    """
    tables, priors = [], []
    for level in LEVELS:
        counts = status.node_counts[level]
        if counts is None:
            continue
        table, prior = NODE_RATES.finish(counts, level)
        tables.append(table)
        priors.append({"level": level, "alpha": prior.alpha, "beta": prior.beta, "prior_mean": prior.mean, "prior_strength": prior.strength})
    rates = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return rates, pd.DataFrame(priors)


# --- Funnel -------------------------------------------------------------------------------------


def _funnel_task(split: Path, bucket: int) -> tuple | None:
    part = read_bucket(split, bucket)
    if not len(part):
        return None
    return funnel_kernel.FUNNEL.partial(part), int(part["content_id"].nunique())


def funnel_dask(split: str | os.PathLike[str]) -> tuple[list[funnel_kernel.CountBlock] | None, int]:
    """The counts of :func:`research.takedowns.funnel.funnel_tables` of the whole log, from ``content_id`` buckets.

    ``split`` holds the cleaned table split by ``content_id``. Returns the summed count blocks
    (``FUNNEL.finish`` of them is ``funnel_tables`` of the whole table: same rows, order and
    values) and the number of files.
    """
    tasks = [dask.delayed(_funnel_task)(Path(split), bucket) for bucket in present_buckets(split)]
    counts = tree_reduce([dask.delayed(_first_item)(t) for t in tasks], funnel_kernel.FUNNEL.combine, fan_in=4)
    files = tree_reduce([dask.delayed(_second_item)(t) for t in tasks], _sum)
    counts, files = dask.compute(counts, files)
    return counts, int(files)


def _first_item(value: tuple | None) -> object:
    return None if value is None else value[0]


def _second_item(value: tuple | None) -> int:
    return 0 if value is None else value[1]


# --- Co-hosting projection ----------------------------------------------------------------------


def block_of(codes: np.ndarray, n_domains: int, blocks: int) -> np.ndarray:
    """Block (0 … ``blocks`` − 1) of each domain code: equal ranges of the sorted domain list."""
    return (np.asarray(codes, dtype=np.int64) * blocks) // max(n_domains, 1)


def _triplets_task(pairs: Path, bucket: int, domains: np.ndarray, work: Path, blocks: int) -> int:
    """Write ``B_pᵀB_p``'s upper triangle of one file bucket, split into blocks of ``domain_a``."""
    triplets = CO_HOSTING.partial(read_bucket(pairs, bucket).drop_duplicates(), domains)
    if not len(triplets):
        return 0
    block = block_of(triplets["a"].to_numpy(), len(domains), blocks)
    write_buckets(triplets, block, work, bucket)
    return len(triplets)


def _edges_task(work: Path, block: int, domains: np.ndarray, folder: Path) -> int:
    """Sum one block's partial products into edges and write them as ``part-KKKKK.parquet``."""
    edges = CO_HOSTING.finish(CO_HOSTING.combine([read_bucket(work, block)]), domains)
    if len(edges):
        edges.to_parquet(folder / f"part-{block:05d}.parquet", index=False)
    return len(edges)


def co_hosting_dask(status: StatusParts, folder: str | os.PathLike[str], blocks: int | None = None, work: str | os.PathLike[str] | None = None) -> int:
    """The co-hosting edge list of the status, written to ``folder`` in blocks of ``domain_a``.

    The status's distinct ``(content_id, domain)`` pairs are split by file (``status.pairs``); each
    bucket's product ``B_pᵀB_p`` (:func:`research.networks.bipartite.co_hosting_matrix` of its
    :func:`~research.networks.bipartite.incidence_matrix`, recoded to the global sorted domain list)
    is written as ``a < b, n`` triplets split into ``blocks`` equal ranges of ``a``; each block is
    then summed on its own. Reading ``part-*.parquet`` in name order gives exactly
    ``co_hosting_edges(incidence_matrix(status))``. Memory per task: one bucket's pairs, or one
    block's partial triplets (about one partition's worth when ``blocks`` = partitions).

    Returns
    -------
    int
        Number of edges.
    """
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if status.pairs is None:
        raise ValueError("status_to_parquet was run without pairs=: nothing to project")
    buckets = present_buckets(status.pairs)
    if not buckets or not len(status.domains):
        return 0
    blocks = blocks or len(buckets)
    work = Path(work) if work is not None else status.pairs.parent / "triplets"
    shutil.rmtree(work, ignore_errors=True)
    domains = dask.delayed(status.domains)  # one copy in the graph, shared by every task
    dask.compute(*[dask.delayed(_triplets_task)(status.pairs, bucket, domains, work, blocks) for bucket in buckets])
    counts = dask.compute(*[dask.delayed(_edges_task)(work, block, domains, folder) for block in present_buckets(work)])
    shutil.rmtree(work, ignore_errors=True)
    return int(sum(counts))


# --- The whole path -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DaskNetwork:
    """What :func:`takedown_network_dask` computed; large tables stay on disk under ``folder``.

    Attributes
    ----------
    folder
        ``takedowns/``, ``quarantine/``, ``status/``, ``co_hosting_edges/`` (Parquet parts) and
        ``quality.csv``, ``funnel.csv``, ``node_rates.csv``, ``eb_priors.csv``.
    quality, rates, priors
        The small tables, also written as CSV.
    funnel_blocks
        The funnel's summed counts; ``funnel.csv`` was written from them piece by piece, and
        :attr:`funnel` makes the whole table again (for 700,000 sites, 11 million rows).
    urls, edges
        Rows of the status and of the co-hosting edge list.
    """

    folder: Path
    quality: pd.DataFrame
    funnel_blocks: list[funnel_kernel.CountBlock] | None
    rates: pd.DataFrame
    priors: pd.DataFrame
    urls: int
    edges: int

    @property
    def funnel(self) -> pd.DataFrame:
        """``funnel_tables`` of the whole log, made from :attr:`funnel_blocks` when asked for."""
        return funnel_kernel.FUNNEL.finish(self.funnel_blocks)


def takedown_network_dask(
    raw_files: list[Path],
    out_dir: str | os.PathLike[str],
    *,
    key: bytes,
    synthetic: bool = False,
    source: str = "log",
    blocks: int | None = None,
    steps: dict[str, float] | None = None,
    **words: object,
) -> DaskNetwork:
    """Clean + funnel + domain network of a partitioned raw log, in memory bounded by the partition.

    Run it inside :func:`research.scale.engine.dask_scheduler`. Every output equals the default
    engine's on the same input (``tests/scale``): the cleaned table and quarantine (as parts), the
    quality counts, ``funnel_tables``, ``latest_url_status`` (as parts), ``node_rates`` of every
    level and ``co_hosting_edges(incidence_matrix(status))`` (as parts, in order).

    Parameters
    ----------
    raw_files
        Parquet parts of the raw log (text columns plus ``row_number``).
    out_dir
        Output folder (see :class:`DaskNetwork`); earlier contents of its sub-folders are replaced.
    key, synthetic, source, words
        Passed on to :func:`research.clean.takedowns.clean_takedown_log`.
    blocks
        Blocks of domains for the co-hosting sums (default: as many as partitions).
    steps
        If given, receives the wall-clock seconds of each step (``clean``, ``status``, ``funnel``,
        ``rates``, ``co_hosting``, ``write``), for benchmarks.
    """
    lap = time.perf_counter()

    def step(name: str) -> None:
        nonlocal lap
        now = time.perf_counter()
        if steps is not None:
            steps[name] = round(now - lap, 1)
        lap = now

    out_dir = Path(out_dir)
    work = out_dir / "_work"
    for name in ("takedowns", "quarantine", "status", "co_hosting_edges", "_work"):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    options = {"key": key, "synthetic": synthetic, "source": source, **words}
    splits = {"status": ("url_id", STATUS_INPUT), "funnel": ("content_id", FUNNEL_INPUT)}
    cleaned: CleanedParts = clean_partitions(raw_files, out_dir, options, splits=splits, work=work)
    step("clean")
    status = status_to_parquet(work / "status", out_dir / "status", source, pairs=work / "pairs")
    shutil.rmtree(work / "status", ignore_errors=True)
    step("status")
    funnel_blocks, files = funnel_dask(work / "funnel")
    shutil.rmtree(work / "funnel", ignore_errors=True)
    write_csv_chunks(funnel_kernel.funnel_table_chunks(funnel_blocks), out_dir / "funnel.csv")  # never whole in memory
    step("funnel")
    rates, priors = node_rates_dask(status)
    step("rates")
    edges = co_hosting_dask(status, out_dir / "co_hosting_edges", blocks, work=work / "triplets")
    shutil.rmtree(work, ignore_errors=True)
    step("co_hosting")
    quality = cleaned.quality({"files": files, "urls": status.urls}, synthetic)
    for name, table in {"quality": quality, "node_rates": rates, "eb_priors": priors}.items():
        write_csv(table, out_dir / f"{name}.csv")
    step("write")
    return DaskNetwork(out_dir, quality, funnel_blocks, rates, priors, status.urls, edges)


def read_status(folder: str | os.PathLike[str]) -> pd.DataFrame | None:
    """Collect status parts into one table sorted by ``url_id`` (what ``latest_url_status`` returns)."""
    return url_status.URL_STATUS.combine([pd.read_parquet(p) for p in parquet_parts(folder)])


def cleaned_parts(cleaned: str | os.PathLike[str] | list[Path]) -> list[Path]:
    """The Parquet files of a cleaned log given as ``takedowns.parquet``, a folder of parts, or a list of parts."""
    return cleaned if isinstance(cleaned, list) else ([Path(cleaned)] if Path(cleaned).is_file() else parquet_parts(cleaned))


def split_by_url(files: list[Path], work: Path) -> Path:
    """Split a cleaned log's status columns by ``url_id`` into ``work`` (one bucket per row group); returns ``work``."""
    split_parquet(files, "url_id", work, max(1, row_groups(files)), columns=STATUS_INPUT)
    return work


def url_status_dask(cleaned: str | os.PathLike[str] | list[Path], source: str | None = None, work_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per URL, computed per ``url_id`` bucket and then collected (small logs only: it is one table).

    ``cleaned`` is a cleaned ``takedowns.parquet``, a folder of parts, or a list of parts; it is
    split by ``url_id`` (one task per row group) under a temporary folder in ``work_dir``.
    """
    with tempfile.TemporaryDirectory(dir=work_dir) as work:
        status_to_parquet(split_by_url(cleaned_parts(cleaned), Path(work) / "split"), Path(work) / "status", source)
        collected = read_status(Path(work) / "status")
    return url_status.URL_STATUS.finish(collected, source)


def run_summary(network: DaskNetwork, extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """Sizes of a run, for logs and benchmarks."""
    quality = dict(zip(network.quality["metric"], network.quality["value"]))
    return {"rows_in": int(quality["rows_in"]), "rows": int(quality["rows_out"]), "urls": network.urls, "edges": network.edges,
            "domains": int(quality["domains"]), **(extra or {})}
