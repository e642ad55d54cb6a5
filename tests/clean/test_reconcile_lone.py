"""A period that one figure alone gives: the shortcut gives what the full reconciliation rules give."""

from __future__ import annotations

import pandas as pd
import pytest

import research.clean.reconcile as reconcile
from research.clean.counts import check_figure_columns, parse_figures, read_figures
from research.config import paths


@pytest.fixture(scope="module")
def lone_groups() -> list[pd.DataFrame]:
    table = check_figure_columns(read_figures(paths().figures_csv), file="figures.csv")
    rows, _ = parse_figures(table, file="figures.csv")
    rows = reconcile.plain_strings(rows)
    groups = [group for _, group in rows.groupby(["series_id", "unit", "start", "end"], sort=True) if len(group) == 1]
    return groups


def _comparable(result):
    """The observation and quality rows, with NaN written out (NaN is not equal to itself)."""
    observation, quality = result
    return {key: ("NaN", type(value)) if isinstance(value, float) and value != value else (value, type(value)) for key, value in observation.items()}, quality


def _shortcut(group: pd.DataFrame):
    return _comparable(reconcile.reconcile_group(group))


def _rules(group: pd.DataFrame, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(reconcile, "_lone_figure", lambda group: None)  # the rules alone
        return _comparable(reconcile.reconcile_group(group))


def test_lone_figures_of_the_real_table_give_what_the_rules_give(lone_groups, monkeypatch):
    qualifiers = {group["qualifier"].iloc[0] for group in lone_groups}
    assert len(lone_groups) > 500 and {"exact", "approximate", "lower_bound"} <= qualifiers
    # Every lone figure that is not an exact value, and every fifth exact one (the rules take ~16 ms each).
    exact = [group for group in lone_groups if group["qualifier"].iloc[0] == "exact"]
    chosen = [group for group in lone_groups if group["qualifier"].iloc[0] != "exact"] + exact[::5]
    assert len(chosen) > 150
    for group in chosen:
        assert _shortcut(group) == _rules(group, monkeypatch), group["figure_id"].iloc[0]


@pytest.mark.parametrize("qualifier, value, low, high", [("upper_bound", 50.0, None, 50.0), ("range", None, 10.0, 20.0), ("suspected_misprint", 7.0, None, None)])
def test_the_other_qualifiers_give_what_the_rules_give(lone_groups, monkeypatch, qualifier, value, low, high):
    group = lone_groups[0].assign(qualifier=qualifier, value=value, low=low, high=high)
    assert _shortcut(group) == _rules(group, monkeypatch)
    assert reconcile.reconcile_group(group)[0]["value_qualifier"] == qualifier


def test_a_point_figure_without_a_value_is_left_to_the_rules(lone_groups):
    assert reconcile._lone_figure(lone_groups[0].assign(qualifier="exact", value=float("nan"))) is None
