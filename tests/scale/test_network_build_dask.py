"""``network build --engine dask``: every table of the network equals the default engine's, and the
driver never holds a row per URL (it combines site-level partials and a bounded model sample)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from research.clean.takedown_files import clean_log_file
from research.config import paths
from research.networks import status as url_status
from research.networks.build import build_network
from research.scale import network as scale_network
from research.scale.engine import dask_scheduler
from research.scale.network import cleaned_parts
from research.scale.network_build import network_dask, site_tables_dask
from research.scale.synth_parquet import read_synth_parquet, write_synth_parquet
from research.takedowns.seeds import seed_funnel

#: Small enough that the sample is drawn (the log has about 1,000 decided URLs).
SMALL_SAMPLE = 400


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory, secret_key_file):
    """A generated log, cleaned by the default engine, written as eight Parquet parts of two row groups."""
    folder = tmp_path_factory.mktemp("network-build")
    write_synth_parquet(folder / "raw", 2000, seed_funnel(paths().figures_csv), seed=5, rows_per_chunk=500)
    path = folder / "log.csv"
    read_synth_parquet(folder / "raw").drop(columns="row_number").to_csv(path, index=False)
    table = clean_log_file(path, key_file=secret_key_file).table
    parts = folder / "clean"
    parts.mkdir()
    step = len(table) // 8 + 1
    for number, start in enumerate(range(0, len(table), step)):
        table.iloc[start : start + step].to_parquet(parts / f"part-{number}.parquet", index=False, row_group_size=step // 2 + 1)
    return table, parts


def _assert_same(default, dask_build) -> None:
    for field in dataclasses.fields(default):
        a, b = getattr(default, field.name), getattr(dask_build, field.name)
        if isinstance(a, pd.DataFrame):  # exactly: Newman's weights too (summed in one fixed order)
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=field.name)
        elif dataclasses.is_dataclass(a):
            for inner in dataclasses.fields(a):
                x, y = getattr(a, inner.name), getattr(b, inner.name)
                if isinstance(x, pd.DataFrame):
                    pd.testing.assert_frame_equal(x, y, check_exact=True, obj=f"{field.name}.{inner.name}")
                else:
                    assert x == y, (field.name, inner.name)
        else:
            assert a == b, field.name


@pytest.mark.parametrize("max_urls", [60_000, SMALL_SAMPLE])
def test_every_table_of_the_dask_network_equals_the_default_engine(cleaned, max_urls):
    table, parts = cleaned
    assert len(cleaned_parts(parts)) == 8
    default = build_network(table, bootstrap_replicates=20, max_urls=max_urls)
    with dask_scheduler("synchronous"):
        dask_build = network_dask(parts, bootstrap_replicates=20, max_urls=max_urls)
    _assert_same(default, dask_build)
    assert default.model.fitted and len(default.co_hosting_edges) and default.communities["community"].nunique() > 1
    metrics = default.model.metrics.set_index("metric")["value"]
    assert metrics["urls"] == url_status.latest_url_status(table)["decided"].sum() > SMALL_SAMPLE
    assert metrics["model_sample_urls"] == (SMALL_SAMPLE if max_urls == SMALL_SAMPLE else metrics["urls"])


def test_the_driver_never_collects_the_url_status(cleaned, tmp_path, monkeypatch):
    table, parts = cleaned

    def refuse(*args, **kwargs):
        raise AssertionError("the URL status was collected into one table")

    monkeypatch.setattr(url_status, "URL_STATUS", dataclasses.replace(url_status.URL_STATUS, combine=refuse))
    monkeypatch.setattr(scale_network, "read_status", refuse)
    with dask_scheduler("synchronous"):
        tables, synthetic = site_tables_dask(cleaned_parts(parts), tmp_path / "work", max_urls=SMALL_SAMPLE)
    urls, domains = tables.urls, len(tables.domains)
    assert urls == table["url_id"].nunique() and not synthetic
    # What the driver holds: per node, per link, per domain pair, and the sample (bounded by max_urls).
    assert len(tables.model_rows) == len(tables.sample.frame) == SMALL_SAMPLE
    assert len(tables.node_counts["domain"]) == len(tables.median_days.index.union(tables.node_counts["domain"]["node"])) == domains < urls
    assert tables.layer_edges["urls"].sum() == 2 * urls  # every URL on one domain→provider and one provider→country link
    assert len(tables.edges) == tables.hubs.links
    with pytest.raises(AssertionError, match="collected"):  # the check above can fail
        scale_network.url_status_dask(parts)
