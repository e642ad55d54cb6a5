"""The content–domain bipartite graph and its domain–domain co-hosting projection.

The same reported file is re-uploaded to many sites; two domains are linked when they hosted the
same file, weighted by how many files they share. With ``B`` the binary content × domain incidence
matrix, the weights are the off-diagonal entries of ``Bᵀ B`` — one sparse product instead of a
loop over pairs of domains, so it scales to logs with millions of URLs.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse

from research.clean.arrow_text import to_series

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
    pair = np.unique(rows.astype(np.int64) * len(domains) + cols)
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


def co_hosting_edges(incidence: Incidence) -> pd.DataFrame:
    """The projection as an edge list ``domain_a < domain_b, shared_content``, sorted by the pair."""
    product = sparse.csr_array(incidence.matrix.T @ incidence.matrix)
    product.sort_indices()  # row-major with sorted columns: the pairs come out in sorted order
    coo = product.tocoo()
    del product  # the matrix, its COO copy and the text of the pairs never all coexist
    upper = coo.row < coo.col  # each pair once, without the diagonal
    rows, cols, weights = coo.row[upper], coo.col[upper], coo.data[upper].astype(np.int64)
    del coo, upper
    domains = pa.array(np.asarray(incidence.domains, dtype=object), type=pa.large_string())
    edges = pd.DataFrame({"domain_a": to_series(domains.take(pa.array(rows))).astype(str)})
    del rows
    edges["domain_b"] = to_series(domains.take(pa.array(cols))).astype(str)
    edges["shared_content"] = weights
    return edges


def co_hosting_degree(edges: pd.DataFrame, domains: pd.Index | list[str]) -> pd.Series:
    """How many other domains each domain shares content with (its degree in the co-hosting graph).

    Every domain of ``domains`` appears, isolates with 0; indexed by domain, in sorted order.
    """
    ends = pd.concat([edges["domain_a"], edges["domain_b"]], ignore_index=True).astype(str)
    counts = ends.value_counts()
    index = pd.Index(sorted(set(map(str, domains)) | set(counts.index)))
    return counts.reindex(index, fill_value=0).astype("int64")


def co_hosting_graph(edges: pd.DataFrame, domains: pd.Index | list[str] | None = None) -> nx.Graph:
    """Turn a co-hosting edge list into an undirected networkx graph with ``weight`` = shared content.

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
    graph.add_weighted_edges_from(zip(edges["domain_a"].tolist(), edges["domain_b"].tolist(), edges["shared_content"].tolist()))
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
