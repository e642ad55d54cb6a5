"""Near-duplicate re-uploads: files whose PDQ perceptual hashes lie within a Hamming distance.

A re-upload is rarely byte-identical: it is re-encoded, resized or cropped, and gets a new file
id. Hash-sharing schemes such as StopNCII exchange PDQ hashes (Meta's open-source perceptual hash
for images: 256 bits, written as 64 hex digits) so that platforms can match such copies. Two hashes
are the same picture when their Hamming distance (the number of differing bits) is small. Meta's
reference code treats a distance of at most 31 of the 256 bits as a confident match
(``PDQ_CONFIDENT_MATCH_THRESHOLD = 31`` in facebook/ThreatExchange, ``python-threatexchange``,
``signal_type/pdq/pdq_utils.py``; the algorithm is described in ``hashing/hashing.pdf`` of the same
repository): that is :data:`PDQ_MATCH_DISTANCE`.

:func:`content_groups` links every pair of files within the distance and gives each connected
group one key (its smallest ``content_id``), so re-emergence can count a near-duplicate on a new
site as the same content. Matching is optional: exact ``content_id`` stays the default, and files
without a hash keep their own id. The comparison is all pairs of distinct hashes, vectorised in
blocks (XOR of four 64-bit words, ``numpy.bitwise_count``); at ~10,000 distinct hashes that is
50 million pairs, a few seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

#: Meta's confident-match threshold for PDQ (ThreatExchange): at most 31 of 256 bits differ.
PDQ_MATCH_DISTANCE = 31
#: Hashes compared against all others per block (memory: block × hashes × 4 words).
BLOCK = 1_024


def hash_words(hashes: pd.Series | np.ndarray) -> np.ndarray:
    """64-hex-digit hashes as an ``(n, 4)`` array of unsigned 64-bit words."""
    text = np.asarray(hashes, dtype=str)
    words = np.array([[int(h[i : i + 16], 16) for i in range(0, 64, 16)] for h in text], dtype=np.uint64)
    return words.reshape(len(text), 4)


def hamming_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bits differing between each hash of ``a`` and each of ``b`` (``(n, 4)`` and ``(m, 4)`` words): an ``(n, m)`` array."""
    return np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=2, dtype=np.int64)


def near_pairs(words: np.ndarray, max_distance: int = PDQ_MATCH_DISTANCE) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``i < j`` of hashes at most ``max_distance`` bits apart."""
    rows, cols = [], []
    for start in range(0, len(words), BLOCK):
        block = hamming_distances(words[start : start + BLOCK], words)
        i, j = np.nonzero(block <= max_distance)
        i = i + start
        keep = i < j
        rows.append(i[keep])
        cols.append(j[keep])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def content_groups(table: pd.DataFrame, max_distance: int = PDQ_MATCH_DISTANCE) -> pd.Series:
    """The content key of each row: its ``content_id``, or for files with near-identical hashes the group's smallest id.

    Parameters
    ----------
    table
        Rows with ``content_id`` and, optionally, ``content_hash`` (64 hex digits or missing).
    max_distance
        Largest Hamming distance (bits of 256) at which two hashes are the same picture.

    Returns
    -------
    Series
        Indexed like ``table``: the key to count the row's file by.
    """
    ids = table["content_id"].astype(str)
    if "content_hash" not in table.columns or table["content_hash"].isna().all():
        return ids
    hashed = table.loc[table["content_hash"].notna(), ["content_id", "content_hash"]].astype(str).drop_duplicates()
    distinct, code = np.unique(hashed["content_hash"].to_numpy(), return_inverse=True)
    i, j = near_pairs(hash_words(distinct), max_distance)
    # Files are nodes; a file links to its hash, hashes link when near: components are the groups.
    files, file_code = np.unique(hashed["content_id"].to_numpy(), return_inverse=True)
    n = len(files) + len(distinct)
    edges_a = np.concatenate([file_code, len(files) + i])
    edges_b = np.concatenate([len(files) + code, len(files) + j])
    graph = sparse.coo_array((np.ones(len(edges_a)), (edges_a, edges_b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    first = pd.Series(files, dtype=object).groupby(label[: len(files)]).transform("min")  # files sorted: min = first
    key = dict(zip(files, first.to_numpy(), strict=True))
    return ids.map(lambda c: key.get(c, c))
