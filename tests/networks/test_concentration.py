"""Gini, Lorenz and top-k shares against values computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.networks.concentration import concentration_tables, gini, lorenz_curve, top_k_shares
from research.networks.rankings import node_counts


def test_gini_by_hand():
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    # One of four holds everything: (2·4 − 4 − 1)·1 / (4·1) = 3/4.
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    # [1, 2, 3]: ((−2)·1 + 0·2 + 2·3) / (3·6) = 4/18.
    assert gini([3, 1, 2]) == pytest.approx(4 / 18)
    assert np.isnan(gini([0, 0]))


def test_lorenz_curve_by_hand():
    curve = lorenz_curve([3, 1, 0, 6])
    assert curve["population_share"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    assert curve["value_share"].tolist() == pytest.approx([0, 0, 0.1, 0.4, 1.0])


def test_top_k_shares_with_ties_in_name_order():
    held = pd.Series({"c.com": 5, "a.com": 5, "b.com": 10, "d.com": 0})
    table = top_k_shares(held, ks=(1, 2, 10))
    assert table["share"].tolist() == pytest.approx([0.5, 0.75, 1.0])
    assert table["top_nodes"].tolist()[1] == "b.com;a.com"
    assert table["nodes_in_top"].tolist() == [1, 2, 4]


def test_concentration_tables_per_level():
    status = pd.DataFrame({"domain": ["a", "a", "b", "c"], "country": ["JP", "JP", "JP", "US"], "non_removed": [True, True, True, False]})
    counts = {level: node_counts(status.assign(decided=True), level) for level in ("domain", "country")}
    summary, curves = concentration_tables(counts, ["domain", "country"], ks=(1,))
    by_level = summary.set_index("level")
    assert by_level.loc["domain", "share"] == pytest.approx(2 / 3)
    assert by_level.loc["country", "share"] == pytest.approx(1.0)
    assert by_level.loc["country", "gini"] == pytest.approx(0.5)  # [0, 3]: (−1·0 + 1·3)/(2·3)
    assert len(curves[curves["level"] == "domain"]) == 4
