"""The content–domain bipartite graph and its domain–domain co-hosting projection.

The same reported file is re-uploaded to many sites; two domains are linked when they hosted the
same file. With ``B`` the binary content × domain incidence matrix, ``shared_content`` (how many
files two domains share) is the off-diagonal of ``Bᵀ B`` — one sparse product instead of a loop
over pairs of domains, so it scales to logs with millions of URLs.

A *hub file* found on thousands of sites links every pair of them: one file on 4,000 sites makes
eight million links, and an unweighted projection then says those sites belong together as
strongly as two sites that share everything. ``co_hosting_weight`` follows Newman's weighting
for one-mode projections of collaboration networks (M. E. J. Newman, "Scientific collaboration
networks. II. Shortest paths, weighted networks, and centrality", *Phys. Rev. E* 64, 016132,
2001): a file on ``k`` sites adds ``1/(k − 1)`` to each of its pairs, so every file gives each of
its sites a total weight of 1 however widely it was mirrored. It is ``Bᵀ D B`` with ``D`` the
diagonal of ``1/(k − 1)`` (files on one site link nothing). Communities and figures use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse

from research.clean.arrow_text import to_series
from research.frames import distinct_sorted
from research.reducers import Reducer, declare

#: Prefix of content nodes in the bipartite graph, so a content id can never clash with a domain.
CONTENT_PREFIX = "content:"


@dataclass(frozen=True)
class Incidence:
    """Binary content × domain incidence: ``matrix[i, j] = 1`` if content ``i`` was on domain ``j``."""

    matrix: sparse.csr_array
    content_ids: pd.Index
    domains: pd.Index


def incidence_matrix(pairs: pd.DataFrame) -> Incidence:
    """Build the sparse incidence matrix from rows carrying ``content_id`` and ``domain``.

    Parameters
    ----------
    pairs
        Any table with ``content_id`` and ``domain`` (e.g. one row per URL); repeated pairs count once.

    Returns
    -------
    Incidence
        Rows and columns in sorted order of content id and domain.
    """
    rows, content_ids = pd.factorize(pairs["content_id"].astype(str), sort=True)
    cols, domains = pd.factorize(pairs["domain"].astype(str), sort=True)
    # Repeated (content, domain) pairs count once: keep the distinct integer pairs.
    pair = distinct_sorted(rows.astype(np.int64) * len(domains) + cols)
    data = np.ones(len(pair), dtype=np.int64)
    matrix = sparse.csr_array((data, (pair // len(domains), pair % len(domains))), shape=(len(content_ids), len(domains)))
    return Incidence(matrix, pd.Index(content_ids, name="content_id"), pd.Index(domains, name="domain"))


def co_hosting_matrix(incidence: Incidence) -> sparse.csr_array:
    """Domain × domain matrix of shared content: ``Bᵀ B`` with a zero diagonal.

    Entry ``(a, b)`` is the number of distinct files found on both domain ``a`` and domain ``b``.
    """
    product = (incidence.matrix.T @ incidence.matrix).tocoo()
    off_diagonal = product.row != product.col
    return sparse.csr_array(
        (product.data[off_diagonal], (product.row[off_diagonal], product.col[off_diagonal])),
        shape=product.shape,
    )


def newman_weight(sites: np.ndarray) -> np.ndarray:
    """A file's weight ``1/(k − 1)`` for its ``k`` sites (0 for a file on one site): Newman (2001)."""
    k = np.asarray(sites, dtype=float)
    return np.divide(1.0, k - 1.0, out=np.zeros_like(k), where=k > 1)


def newman_file_weights(incidence: Incidence) -> np.ndarray:
    """Each file's Newman weight (:func:`newman_weight` of its number of sites)."""
    return newman_weight(np.asarray(incidence.matrix.sum(axis=1)).ravel())


def _upper(product: sparse.sparray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    product = sparse.csr_array(product)
    product.sort_indices()  # row-major with sorted columns: the pairs come out in sorted order
    coo = product.tocoo()
    upper = coo.row < coo.col  # each pair once, without the diagonal
    return coo.row[upper], coo.col[upper], coo.data[upper]


def pair_counts_by_size(incidence: Incidence) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Domain codes ``a < b``, file size ``k`` and ``n``: how many files on ``k`` sites both domains host.

    One sparse product ``B_kᵀB_k`` per size ``k`` (files sorted by size once, so each ``B_k`` is
    a slice of rows); sorted by ``(a, b, k)``. Integer counts add up exactly over any split of the
    files, and Newman's weight is ``Σ_k n · 1/(k − 1)`` (:func:`pair_sums`).
    """
    sites = np.asarray(incidence.matrix.sum(axis=1)).ravel().astype(np.int64)
    order = np.argsort(sites, kind="stable")
    by_size, sizes = sparse.csr_array(incidence.matrix[order]), sites[order]
    found = []
    for size in np.unique(sizes[sizes > 1]):
        block = by_size[np.searchsorted(sizes, size, "left") : np.searchsorted(sizes, size, "right")]
        rows, cols, n = _upper(block.T @ block)
        # int32 codes and sizes: a log's domains and a file's sites stay far below 2³¹.
        found.append((rows.astype(np.int32), cols.astype(np.int32), np.full(len(rows), size, dtype=np.int32), n.astype(np.int64)))
    if not found:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    a, b, k, n = (np.concatenate(column) for column in zip(*found))
    order = np.lexsort((k, b, a))
    return a[order], b[order], k[order], n[order]


def pair_sums(a: np.ndarray, b: np.ndarray, k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pair ``a < b`` (rows sorted by ``(a, b, k)``, one per size): ``shared_content`` and Newman's weight.

    The weight's terms are added one size at a time, smallest ``k`` first, so it is the same
    float whichever engine or partitioning produced the counts (a float sum in another order may
    differ in its last digit).
    """
    if not len(a):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0, dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])])
    shared = np.add.reduceat(n, starts).astype(np.int64)
    terms = n * newman_weight(k)
    lengths = np.diff(np.r_[starts, len(a)])
    weight = np.zeros(len(starts))
    runs = np.arange(len(starts))
    for step in range(int(lengths.max())):
        runs = runs[lengths[runs] > step]
        weight[runs] += terms[starts[runs] + step]
    return a[starts], b[starts], shared, weight


def co_hosting_pairs(incidence: Incidence) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Domain codes ``a < b`` of every co-hosting link, sorted, with ``shared_content`` and Newman's weight."""
    return pair_sums(*pair_counts_by_size(incidence))


def co_hosting_edges(incidence: Incidence) -> pd.DataFrame:
    """The projection as an edge list ``domain_a < domain_b, shared_content, co_hosting_weight``, sorted by the pair.

    ``co_hosting_weight`` is Newman's (2001) weight: each shared file adds ``1/(k − 1)``, ``k``
    being the number of sites it was found on (see the module docstring).
    """
    rows, cols, weights, newman = co_hosting_pairs(incidence)
    domains = pa.array(np.asarray(incidence.domains, dtype=object), type=pa.large_string())
    edges = pd.DataFrame({"domain_a": to_series(domains.take(pa.array(rows))).astype(str)})
    del rows
    edges["domain_b"] = to_series(domains.take(pa.array(cols))).astype(str)
    edges["shared_content"] = weights
    edges["co_hosting_weight"] = newman.astype(float)
    return edges


def sorted_domains(pairs: pd.DataFrame) -> np.ndarray:
    """The sorted distinct domains of ``pairs`` (the columns of :func:`incidence_matrix`), as an object array."""
    return union_sorted([pairs["domain"].to_numpy(dtype=object)])


def union_sorted(parts: Sequence[np.ndarray | None]) -> np.ndarray:
    """Sorted distinct strings of several arrays: the domain list of the union of partitions (any split)."""
    arrays = [np.asarray(p, dtype=object) for p in parts if p is not None and len(p)]
    if not arrays:
        return np.array([], dtype=object)
    return distinct_sorted(np.concatenate(arrays))


def _domain_list(domains: np.ndarray | None) -> np.ndarray:
    return union_sorted([domains])


#: The incidence's domains over any split of the pairs: the union of the partitions' sorted domains.
DOMAINS = declare(Reducer("domains", "domain", sorted_domains, union_sorted, _domain_list))


def co_hosting_triplets(pairs: pd.DataFrame, domains: np.ndarray) -> pd.DataFrame:
    """Upper triangles of ``B_kᵀB_k`` per file size ``k`` for one content-disjoint partition, in global domain codes.

    The co-hosting counts are the off-diagonal entries of ``BᵀB = Σ_p B_pᵀB_p`` when the rows of
    the content × domain incidence ``B`` are split into content-disjoint blocks ``B_p``: with every
    domain coded by its position in one global sorted list, the partial products add entry by entry.
    Kept per file size ``k``, the counts are integers that add up exactly, and Newman's weight is
    summed from them in one fixed order (:func:`pair_sums`) in every engine.

    Parameters
    ----------
    pairs
        ``content_id, domain`` rows of one partition holding *every* URL of its files (so each
        file's number of sites, and its weight ``1/(k − 1)``, is known within the partition).
    domains
        The log's sorted distinct domains (:data:`DOMAINS`); a domain's code is its position here.

    Returns
    -------
    DataFrame
        ``a < b`` (int32 codes), ``k`` (a file size) and ``n`` (files of this partition on ``k``
        sites, both of them among them), one row per pair and size (:func:`pair_counts_by_size`).
    """
    if not len(pairs):
        return _triplets()
    incidence = incidence_matrix(pairs)  # local codes, in sorted order like the global list
    to_global = np.searchsorted(domains, incidence.domains.to_numpy(dtype=object).astype(str))
    if not np.array_equal(np.asarray(domains[to_global], dtype=str), incidence.domains.to_numpy(dtype=object).astype(str)):
        raise ValueError("a domain of the partition is missing from the global domain list")
    a, b, k, n = pair_counts_by_size(incidence)
    return pd.DataFrame({"a": to_global[a].astype("int32"), "b": to_global[b].astype("int32"), "k": k.astype("int32"), "n": n})


def _triplets() -> pd.DataFrame:
    return pd.DataFrame({"a": pd.Series(dtype="int32"), "b": pd.Series(dtype="int32"), "k": pd.Series(dtype="int32"), "n": pd.Series(dtype="int64")})


def combine_triplets(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
    """Partial counts of content-disjoint partitions (or of earlier sums) summed per pair and file size, sorted."""
    found = [t for t in parts if t is not None and len(t)]
    if not found:
        return _triplets()
    summed = pd.concat(found, ignore_index=True).groupby(["a", "b", "k"], sort=True)["n"].sum()
    return summed.reset_index()


def edges_from_triplets(summed: pd.DataFrame | None, domains: np.ndarray) -> pd.DataFrame:
    """Summed counts as :func:`co_hosting_edges` gives them: codes follow the sorted domain list, so sorted codes sort names."""
    summed = _triplets() if summed is None else summed
    a, b, shared, weight = pair_sums(*(summed[c].to_numpy(dtype=np.int64) for c in ("a", "b", "k", "n")))
    return pd.DataFrame(
        {
            "domain_a": domains[a].astype(str),
            "domain_b": domains[b].astype(str),
            "shared_content": shared,
            "co_hosting_weight": weight.astype(np.float64),
        }
    )


#: ``co_hosting_edges(incidence_matrix(pairs))`` over partitions of the pairs disjoint in ``content_id``
#: (``domains=`` the whole list, :data:`DOMAINS`, as context).
CO_HOSTING = declare(Reducer("co_hosting_edges", "content_id", co_hosting_triplets, combine_triplets, edges_from_triplets))


#: A file found on at least this many sites is reported as a hub (it alone makes ≥ 4,950 links).
HUB_MIN_SITES = 100


@dataclass(frozen=True)
class HubSummary:
    """How much of the co-hosting graph a few widely mirrored files make.

    Attributes
    ----------
    files, hub_files
        Files in the log, and those on at least ``min_sites`` sites.
    min_sites
        The hub threshold (:data:`HUB_MIN_SITES`).
    links, links_from_hubs
        Co-hosting links, and file–pair incidences contributed by hub files (``Σ k(k−1)/2``; an
        upper bound on the links that exist only because of them).
    largest_sites
        Sites of the most widely mirrored file.
    """

    files: int
    hub_files: int
    min_sites: int
    links: int
    links_from_hubs: int
    largest_sites: int
    sites_of_hubs: tuple[int, ...] = field(default=())

    @property
    def has_hubs(self) -> bool:
        return self.hub_files > 0


def hub_summary(incidence: Incidence, links: int, min_sites: int = HUB_MIN_SITES) -> HubSummary:
    """Hub files of an incidence matrix (files on ``min_sites`` or more sites) and the links they make."""
    k = np.asarray(incidence.matrix.sum(axis=1)).ravel().astype(np.int64)
    return summary_of_hubs(file_hubs(k, min_sites), links)


@dataclass(frozen=True)
class FileHubs:
    """What :class:`HubSummary` needs from the files of a log, as sums that add up over files."""

    files: int
    min_sites: int
    largest_sites: int
    hub_files: int
    links_from_hubs: int
    sites_of_hubs: tuple[int, ...]


#: Hub files listed by their number of sites in :attr:`HubSummary.sites_of_hubs`.
HUBS_LISTED = 10


def file_hubs(sites: np.ndarray, min_sites: int) -> FileHubs:
    """:class:`FileHubs` of files on ``sites`` sites each."""
    hubs = np.sort(sites[sites >= min_sites])[::-1]
    return FileHubs(
        files=int(len(sites)),
        min_sites=min_sites,
        largest_sites=int(sites.max()) if len(sites) else 0,
        hub_files=int(len(hubs)),
        links_from_hubs=int((hubs * (hubs - 1) // 2).sum()),
        sites_of_hubs=tuple(int(v) for v in hubs[:HUBS_LISTED]),
    )


def summary_of_hubs(hubs: FileHubs, links: int) -> HubSummary:
    """The :class:`HubSummary` of a log with ``links`` co-hosting links."""
    return HubSummary(hubs.files, hubs.hub_files, hubs.min_sites, int(links), hubs.links_from_hubs, hubs.largest_sites, hubs.sites_of_hubs)


def pair_hubs(pairs: pd.DataFrame, min_sites: int | None = None) -> FileHubs:
    """:class:`FileHubs` of ``content_id, domain`` rows holding every URL of their files (repeats count once)."""
    sites = pairs.drop_duplicates(["content_id", "domain"]).groupby("content_id", sort=False).size().to_numpy(dtype=np.int64)
    return file_hubs(sites, HUB_MIN_SITES if min_sites is None else min_sites)


def combine_hubs(parts: Sequence[FileHubs | None]) -> FileHubs | None:
    """:class:`FileHubs` of the union of content-disjoint partitions: counts add, the largest are merged."""
    found = [p for p in parts if p is not None]
    if not found:
        return None
    listed = sorted((v for p in found for v in p.sites_of_hubs), reverse=True)[:HUBS_LISTED]
    return FileHubs(
        files=sum(p.files for p in found),
        min_sites=found[0].min_sites,
        largest_sites=max(p.largest_sites for p in found),
        hub_files=sum(p.hub_files for p in found),
        links_from_hubs=sum(p.links_from_hubs for p in found),
        sites_of_hubs=tuple(listed),
    )


def _file_hubs(hubs: FileHubs | None, min_sites: int | None = None) -> FileHubs:
    return hubs if hubs is not None else file_hubs(np.zeros(0, dtype=np.int64), HUB_MIN_SITES if min_sites is None else min_sites)


#: The files' hub counts (:func:`file_hubs`, what :func:`hub_summary` needs besides the number of
#: links) over partitions of the ``(content_id, domain)`` pairs disjoint in ``content_id`` (each
#: file's number of sites is known in its partition); ``min_sites=`` defaults to :data:`HUB_MIN_SITES`.
HUBS = declare(Reducer("file_hubs", "content_id", pair_hubs, combine_hubs, _file_hubs))


def co_hosting_degree(edges: pd.DataFrame, domains: pd.Index | list[str]) -> pd.Series:
    """How many other domains each domain shares content with (its degree in the co-hosting graph).

    Every domain of ``domains`` appears, isolates with 0; indexed by domain, in sorted order.
    """
    ends = pd.concat([edges["domain_a"], edges["domain_b"]], ignore_index=True).astype(str)
    counts = ends.value_counts()
    index = pd.Index(sorted(set(map(str, domains)) | set(counts.index)))
    return counts.reindex(index, fill_value=0).astype("int64")


def co_hosting_graph(edges: pd.DataFrame, domains: pd.Index | list[str] | None = None, weight: str = "shared_content") -> nx.Graph:
    """Turn a co-hosting edge list into an undirected networkx graph with ``weight`` = ``edges[weight]`` (shared content by default).

    Parameters
    ----------
    edges
        Output of :func:`co_hosting_edges`.
    domains
        Every domain to include as a node, also those that share nothing (isolates).
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(domains) if domains is not None else [])
    # Plain lists zip faster than itertuples; edges arrive sorted by pair, so the graph is canonical.
    graph.add_weighted_edges_from(zip(edges["domain_a"].tolist(), edges["domain_b"].tolist(), edges[weight].tolist()))
    return graph


def bipartite_graph(pairs: pd.DataFrame) -> nx.Graph:
    """The content–domain bipartite graph (``bipartite`` = 0 for content, 1 for domains).

    Content nodes are named ``"content:<content_id>"``; domain nodes by the domain. This graph
    holds content ids and is for analysis only: it is never exported (exports stop at domain level).
    """
    incidence = incidence_matrix(pairs)
    coo = incidence.matrix.tocoo()
    content_nodes = [CONTENT_PREFIX + c for c in incidence.content_ids]
    graph = nx.Graph()
    graph.add_nodes_from(content_nodes, bipartite=0)
    graph.add_nodes_from(incidence.domains, bipartite=1)
    graph.add_edges_from(zip(np.asarray(content_nodes, dtype=object)[coo.row], incidence.domains[coo.col]))
    return graph
