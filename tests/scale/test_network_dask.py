"""The bounded Dask path (clean + funnel + URL status + domain rates + co-hosting) equals the default engine.

Two logs, each split into tiny partitions so that every shuffle matters: the hand-made log of
``test_engines`` (repeated URLs, bad rows, blanks) and a small synthetic Parquet log of five chunks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.clean.pseudonyms import load_key
from research.clean.takedown_files import clean_log_file
from research.config import paths
from research.networks.bipartite import co_hosting_edges, incidence_matrix
from research.networks.rankings import LEVELS, node_rates
from research.networks.status import latest_url_status
from research.outputs import write_csv
from research.scale.engine import csv_to_parquet, dask_scheduler, parquet_parts, read_parts
from research.scale.network import read_status, takedown_network_dask
from research.scale.synth_parquet import read_synth_parquet, write_synth_parquet
from research.takedowns.funnel import FUNNEL, funnel_tables
from research.takedowns.seeds import seed_funnel
from tests.scale.test_engines import HEADER, ROWS


def _hand_log(folder):
    path = folder / "log.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path, csv_to_parquet(path, folder / "raw", rows_per_partition=3)


def _synthetic_log(folder):
    parts = write_synth_parquet(folder / "raw", 3000, seed_funnel(paths().figures_csv), seed=3, rows_per_chunk=650)
    path = folder / "log.csv"
    read_synth_parquet(folder / "raw").drop(columns="row_number").to_csv(path, index=False)
    return path, parts


@pytest.fixture(scope="module", params=["hand", "synthetic"])
def both_engines(request, tmp_path_factory, secret_key_file):
    folder = tmp_path_factory.mktemp(request.param)
    path, parts = (_hand_log if request.param == "hand" else _synthetic_log)(folder)
    default = clean_log_file(path, key_file=secret_key_file)
    with dask_scheduler("synchronous"):
        network = takedown_network_dask(parts, folder / "out", key=load_key(key_file=secret_key_file), source=path.name)
    return request.param, default, network, parts


def test_partitions_are_tiny(both_engines):
    name, default, network, parts = both_engines
    assert len(parts) >= 4
    assert len(parquet_parts(network.folder / "status")) >= 2


def test_cleaned_table_quarantine_and_quality_equal(both_engines):
    name, default, network, _ = both_engines
    table = read_parts(network.folder / "takedowns").sort_values("row_number", kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(table, default.table)
    quarantine = read_parts(network.folder / "quarantine")
    if len(default.quarantine):
        quarantine = quarantine.sort_values(["row_number", "column", "reason"], kind="mergesort").reset_index(drop=True)
        pd.testing.assert_frame_equal(quarantine, default.quarantine)
    else:
        assert quarantine is None
    expected = default.quality[default.quality["metric"] != "hmac_key"].reset_index(drop=True)
    assert network.quality["metric"].tolist() == expected["metric"].tolist()  # same metrics, same order
    assert network.quality["value"].tolist() == expected["value"].tolist()
    # Values are typed in memory (ints, bools) and written as text.
    assert pd.read_csv(network.folder / "quality.csv", dtype=str)["value"].tolist() == [str(v) for v in expected["value"]]


def test_funnel_equals_funnel_tables(both_engines, tmp_path):
    _, default, network, _ = both_engines
    pd.testing.assert_frame_equal(network.funnel, funnel_tables(default.table))
    write_csv(funnel_tables(default.table), tmp_path / "funnel.csv")  # written in one piece
    assert (network.folder / "funnel.csv").read_bytes() == (tmp_path / "funnel.csv").read_bytes()
    assert network.funnel["group_kind"].nunique() == 6  # overall + domain, site, provider, country, channel


def test_url_status_equals_latest_url_status(both_engines):
    name, default, network, _ = both_engines
    expected = latest_url_status(default.table)
    pd.testing.assert_frame_equal(read_status(network.folder / "status"), expected)
    assert network.urls == len(expected)
    if name == "hand":
        assert expected["requests"].max() == 2  # b.net/y reported in two requests


def test_node_rates_and_priors_equal(both_engines):
    _, default, network, _ = both_engines
    status = latest_url_status(default.table)
    for level in LEVELS:
        expected, prior = node_rates(status, level)
        got = network.rates[network.rates["level"] == level].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
        row = network.priors.set_index("level").loc[level]
        assert (row["alpha"], row["beta"]) == (prior.alpha, prior.beta)


def test_co_hosting_edges_equal_in_order(both_engines):
    name, default, network, _ = both_engines
    expected = co_hosting_edges(incidence_matrix(latest_url_status(default.table)))
    edges = read_parts(network.folder / "co_hosting_edges")  # parts in name order, no sorting
    pd.testing.assert_frame_equal(edges, expected, check_exact=True)
    assert network.edges == len(expected) > 0
    if name == "synthetic":
        assert len(parquet_parts(network.folder / "co_hosting_edges")) >= 2
        assert not (network.folder / "_work").exists()  # pieces of the hash splits removed


def test_more_blocks_same_edges(tmp_path, secret_key_file):
    path, parts = _synthetic_log(tmp_path)
    with dask_scheduler("synchronous"):
        few = takedown_network_dask(parts, tmp_path / "few", key=load_key(key_file=secret_key_file), blocks=1)
        steps: dict[str, float] = {}
        many = takedown_network_dask(parts, tmp_path / "many", key=load_key(key_file=secret_key_file), blocks=17, steps=steps)
    assert list(steps) == ["clean", "status", "funnel", "rates", "co_hosting", "write"] and all(t >= 0 for t in steps.values())
    assert len(parquet_parts(tmp_path / "few" / "co_hosting_edges")) == 1
    assert len(parquet_parts(tmp_path / "many" / "co_hosting_edges")) > 5
    pd.testing.assert_frame_equal(read_parts(tmp_path / "many" / "co_hosting_edges"), read_parts(tmp_path / "few" / "co_hosting_edges"))


def test_funnel_sums_over_content_disjoint_splits(tmp_path, secret_key_file):
    path, _ = _hand_log(tmp_path)
    table = clean_log_file(path, key_file=secret_key_file).table
    pieces = [table[table["content_id"] == c] for c in sorted(table["content_id"].unique())]
    pd.testing.assert_frame_equal(FUNNEL.reduce([*pieces, table.iloc[:0]]), funnel_tables(table))
    # A split that cuts a file in two is not content-disjoint: the counts then differ.
    halves = [table.iloc[::2], table.iloc[1::2]]
    cut = FUNNEL.reduce(halves)
    assert not np.array_equal(cut["n"].to_numpy(), funnel_tables(table)["n"].to_numpy())

