"""Rank groups by a conservative rate: small groups cannot top a table by chance.

A raw rate ranks a site with 3 of 3 URLs still online above one with 900 of 1,000. Ranking by
the *lower bound* of the rate's interval instead puts a group high only when its data show the
rate is high (the rule of Wilson-bound sorting; see Agresti & Coull 1998 on the score interval).
Groups with fewer than ``min_size`` trials are listed but get no rank, and the minimum is
written in the table so a reader sees it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Default minimum number of requests (reported URLs) for a group to be ranked.
MIN_REQUESTS = 10


def conservative_ranking(
    table: pd.DataFrame,
    key: str,
    *,
    size: str,
    trials: str,
    name: str,
    min_size: int = MIN_REQUESTS,
) -> pd.DataFrame:
    """Order ``table`` by ``key`` (descending) and number the eligible rows.

    Parameters
    ----------
    table
        One row per group.
    key
        The conservative quantity to rank by (e.g. the lower bound of the rate's interval).
    size
        Column counted against ``min_size`` (e.g. requests).
    trials
        The rate's denominator: a group without trials has no rate and no rank.
    name
        Group name column, the last tie-breaker (after more trials).
    min_size
        Groups with fewer than this many in ``size`` are kept at the bottom without a rank.

    Returns
    -------
    DataFrame
        ``table`` sorted, with ``rank`` (``Int64``, missing when not ranked), ``rank_by`` (the
        key's name) and ``min_requests`` (the minimum used).
    """
    eligible = (table[trials] > 0) & (table[size] >= min_size) & table[key].notna()
    ordered = table.assign(_eligible=eligible).sort_values(["_eligible", key, trials, name], ascending=[False, False, False, True], kind="mergesort")
    ranks = np.arange(1, len(ordered) + 1)
    ordered["rank"] = pd.array(np.where(ordered["_eligible"], ranks, 0), dtype="Int64")
    ordered.loc[~ordered["_eligible"], "rank"] = pd.NA
    ordered["rank_by"] = key
    ordered["min_requests"] = int(min_size)
    return ordered.drop(columns="_eligible").reset_index(drop=True)
