"""How concentrated non-removal is: top-k shares, the Lorenz curve and the Gini coefficient.

If a handful of sites, providers or countries hold most of the content still online, pressure on
them would remove most of it; these measures say how few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, → 1 = all held by one).

    Uses ``G = Σᵢ (2i − n − 1) xᵢ / (n Σ x)`` over the values sorted ascending, ``i`` from 1.
    ``NaN`` for an empty or all-zero input, where concentration is undefined.
    """
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return float("nan")
    if (x < 0).any():
        raise ValueError("gini needs non-negative values")
    i = np.arange(1, x.size + 1)
    return float(((2 * i - x.size - 1) * x).sum() / (x.size * x.sum()))


def lorenz_curve(values: Sequence[float] | np.ndarray) -> pd.DataFrame:
    """Points of the Lorenz curve: ``population_share`` (nodes, smallest first) vs ``value_share``.

    Starts at (0, 0) and ends at (1, 1); ``n + 1`` points for ``n`` values.
    """
    x = np.sort(np.asarray(values, dtype=float))
    total = x.sum()
    population = np.arange(x.size + 1) / max(x.size, 1)
    cumulative = np.concatenate([[0.0], np.cumsum(x)]) / (total or 1.0)
    return pd.DataFrame({"population_share": population, "value_share": cumulative})


def top_k_shares(values: pd.Series, ks: Sequence[int] = (1, 5, 10)) -> pd.DataFrame:
    """Share of the total held by the ``k`` largest nodes, for each ``k`` (capped at the node count).

    Returns
    -------
    DataFrame
        ``k, nodes_in_top, share, top_nodes`` (``;``-joined names, largest first).
    """
    # Largest first; equal values in name order, so the listed top nodes are stable.
    frame = pd.DataFrame({"name": values.index.astype(str), "value": values.to_numpy()})
    frame = frame.sort_values(["value", "name"], ascending=[False, True], kind="mergesort")
    ordered = pd.Series(frame["value"].to_numpy(), index=frame["name"].to_numpy())
    total = float(ordered.sum())
    rows = []
    for k in ks:
        top = ordered.head(k)
        rows.append({"k": int(k), "nodes_in_top": len(top), "share": float(top.sum()) / total if total else float("nan"), "top_nodes": ";".join(map(str, top.index))})
    return pd.DataFrame(rows)


def concentration_tables(node_counts: Mapping[str, pd.DataFrame], levels: Sequence[str], ks: Sequence[int] = (1, 5, 10)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Top-k shares with Gini, and Lorenz points, of non-removed URLs at each level.

    Parameters
    ----------
    node_counts
        Per level, the node counts ``node, urls, decided, non_removed`` sorted by node
        (:func:`research.networks.rankings.node_counts`; the Dask engine sums them over partitions).
    levels
        The levels to summarise, in order.
    ks
        The top-k sizes.

    Returns
    -------
    (DataFrame, DataFrame)
        ``level, nodes, non_removed_total, gini, k, nodes_in_top, share, top_nodes`` and
        ``level, population_share, value_share``.
    """
    summaries, curves = [], []
    for level in levels:
        counts = node_counts[level]
        held = pd.Series(counts["non_removed"].to_numpy(dtype="int64"), index=counts["node"].to_numpy())
        shares = top_k_shares(held, ks)
        shares.insert(0, "level", level)
        shares.insert(1, "nodes", len(held))
        shares.insert(2, "non_removed_total", int(held.sum()))
        shares.insert(3, "gini", gini(held.to_numpy()))
        summaries.append(shares)
        curve = lorenz_curve(held.to_numpy())
        curve.insert(0, "level", level)
        curves.append(curve)
    return pd.concat(summaries, ignore_index=True), pd.concat(curves, ignore_index=True)
