"""The engines' contract: every result the Dask path combines has a reducer declared beside the
default engine's kernel, and reducing any split of a log gives exactly the whole-log result."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from research.clean.pseudonyms import load_key
from research.clean.takedown_mapping import read_generic_log
from research.clean.takedowns import DISTINCT_METRICS, clean_takedown_log
from research.config import paths
from research.networks.bipartite import co_hosting_edges, hub_summary, incidence_matrix
from research.networks.layers import layer_edges
from research.networks.model import mirror_sites, sample_ranks
from research.networks.profiles import median_days_to_removal, removal_days
from research.networks.rankings import LEVELS, node_rates
from research.networks.site_tables import SiteTables
from research.networks.status import is_synthetic, latest_url_status
from research.reducers import REDUCERS
from research.scale.engine import request_keys
from research.scale.network import DaskNetwork
from research.takedowns.funnel import funnel_table_chunks, funnel_tables
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log

#: Which declared reducer gives each result of the bounded Dask path (a new result needs one).
RESULT_REDUCERS = {"quality": "quality", "funnel_blocks": "funnel", "rates": "node_rates", "priors": "node_rates", "urls": "url_status", "edges": "co_hosting_edges"}
#: Which declared reducer gives each site-level table the network is built from (``network build --engine dask``).
SITE_REDUCERS = {
    "urls": "url_status", "node_counts": "node_rates", "domains": "domains", "edges": "co_hosting_edges", "layer_edges": "layer_edges",
    "median_days": "median_days_to_removal", "hubs": "file_hubs", "sample": "model_sample", "model_rows": "mirror_sites",
}


@pytest.fixture(scope="module")
def log(tmp_path_factory, secret_key_file):
    """A generated log with damage (unknown outcomes, bad dates, repeated URLs), raw and cleaned."""
    raw = synth_log(scaled_counts(seed_funnel(paths().figures_csv), 300), seed=11).drop(columns="synthetic")
    raw.loc[[3, 17, 40], "outcome"] = "perhaps"
    raw.loc[[5, 60], "requested_at"] = "yesterday"
    raw = pd.concat([raw, raw.iloc[[8, 9, 30]]], ignore_index=True)  # the same URLs again in their requests
    path = tmp_path_factory.mktemp("reducers") / "log.csv"
    raw.to_csv(path, index=False)
    text = read_generic_log(path)
    options = {"key": load_key(key_file=secret_key_file), "source": path.name}
    cleaned = clean_takedown_log(text, **options)
    assert len(cleaned.quarantine) and cleaned.quarantine["reason"].nunique() >= 2
    return text, cleaned, options


def split(table: pd.DataFrame, key: pd.Series, parts: int, seed: int) -> list[pd.DataFrame]:
    """``table`` cut into ``parts`` partitions disjoint in ``key``, the values dealt out at random."""
    codes, values = pd.factorize(key.astype(str))
    deal = np.random.default_rng(seed).integers(0, parts, len(values))
    return [table[deal[codes] == p].reset_index(drop=True) for p in range(parts)]


def test_every_result_of_the_dask_path_has_a_declared_reducer():
    fields = {f.name for f in dataclasses.fields(DaskNetwork)} - {"folder"}
    assert set(RESULT_REDUCERS) == fields
    assert set(RESULT_REDUCERS.values()) <= set(REDUCERS)
    assert set(SITE_REDUCERS) == {f.name for f in dataclasses.fields(SiteTables)}
    assert set(SITE_REDUCERS.values()) | {"synthetic"} <= set(REDUCERS)
    for reducer in REDUCERS.values():
        assert reducer.key and callable(reducer.partial) and callable(reducer.combine) and callable(reducer.finish)


@pytest.mark.parametrize("parts", [2, 7])
def test_funnel_status_and_node_rates_of_any_split_equal_the_whole(log, parts):
    _, cleaned, _ = log
    table = cleaned.table
    funnel = REDUCERS["funnel"]
    pd.testing.assert_frame_equal(funnel.whole(table), funnel_tables(table))
    pd.testing.assert_frame_equal(funnel.reduce(split(table, table["content_id"], parts, parts)), funnel_tables(table))
    status = REDUCERS["url_status"]
    expected = latest_url_status(table)
    pd.testing.assert_frame_equal(status.reduce(split(table, table["url_id"], parts, parts)), expected)
    rates = REDUCERS["node_rates"]
    for level in LEVELS:
        whole, prior = node_rates(expected, level)
        reduced, reduced_prior = rates.reduce(split(expected, expected["url_id"], parts, parts), level=level)
        pd.testing.assert_frame_equal(reduced, whole)
        assert (reduced_prior.alpha, reduced_prior.beta) == pytest.approx((prior.alpha, prior.beta))


@pytest.mark.parametrize("parts", [2, 7])
def test_domains_and_co_hosting_of_any_split_equal_the_whole(log, parts):
    _, cleaned, _ = log
    pairs = latest_url_status(cleaned.table)[["content_id", "domain"]]
    incidence = incidence_matrix(pairs)
    domains = REDUCERS["domains"].reduce(split(pairs, pairs["content_id"], parts, parts))  # any split
    assert list(domains) == list(incidence.domains)
    edges = REDUCERS["co_hosting_edges"].reduce(split(pairs, pairs["content_id"], parts, parts), domains=domains)
    pd.testing.assert_frame_equal(edges, co_hosting_edges(incidence), check_exact=True)  # Newman's float weights too
    assert len(edges) and edges["co_hosting_weight"].nunique() > 5


@pytest.mark.parametrize("parts", [1, 4])
def test_quality_of_any_split_by_request_equals_the_whole(log, parts):
    text, cleaned, options = log
    quality = REDUCERS["quality"]
    table = cleaned.table
    # The distinct counts the declaration asks for, each over a split by its own column.
    distinct = {m: sum(int(p[c].nunique()) for p in split(table, table[c], parts, parts)) for m, c in DISTINCT_METRICS.items()}
    reduced = quality.reduce(split(text, request_keys(text["request_id"]), parts, parts), distinct=distinct, **options)
    pd.testing.assert_frame_equal(reduced, cleaned.quality)
    values = dict(zip(reduced["metric"], reduced["value"], strict=True))
    assert values["rows_in"] == len(text) and values["rows_balance_ok"] is True and values["synthetic"] is False
    assert any(m.startswith("quarantine: ") for m in values)


def test_funnel_blocks_combine_in_any_tree(log):
    """The Dask path combines partials a few at a time, level by level: any grouping gives the whole."""
    _, cleaned, _ = log
    table = cleaned.table
    funnel = REDUCERS["funnel"]
    partials = [funnel.partial(p) for p in split(table, table["content_id"], 7, 3)]
    nested = funnel.combine([funnel.combine(partials[:3]), None, funnel.combine([funnel.combine(partials[3:5]), partials[5]]), partials[6]])
    pd.testing.assert_frame_equal(funnel.finish(nested), funnel_tables(table))
    blocks = {(b.group_kind, b.unit): b for b in nested}
    assert len(blocks) == len(nested)  # each block once
    site, every = blocks["site", "url"], blocks["all", "url"]
    names = site.groups.to_pylist()
    assert names == sorted(names) and len(set(names)) == len(names) > 10
    assert site.counts.sum() == every.counts.sum() > 0


@pytest.mark.parametrize("rows", [1, 7, 100, 10**9])
def test_funnel_table_chunks_are_the_funnel_in_order(log, rows):
    """The Dask path writes the funnel piece by piece: the pieces, joined, are the whole table."""
    _, cleaned, _ = log
    funnel = REDUCERS["funnel"]
    blocks = funnel.partial(cleaned.table)
    chunks = list(funnel_table_chunks(blocks, rows=rows))
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), funnel.finish(blocks))
    assert max(len(c) for c in chunks) <= max(rows, max(len(b.statuses) for b in blocks))
    assert len(chunks) >= len(blocks)
    empty = list(funnel_table_chunks(None))
    assert len(empty) == 1 and empty[0].empty and list(empty[0].columns) == list(funnel.finish(None).columns)


def test_funnel_blocks_are_compact_and_their_sums_exact(log):
    """Blocks keep a grouping's names once and counts in one byte where they fit; sums never wrap."""
    _, cleaned, _ = log
    blocks = {(b.group_kind, b.unit): b for b in REDUCERS["funnel"].partial(cleaned.table)}
    assert blocks["site", "file"].groups is blocks["site", "url"].groups  # one array of names per grouping
    site = blocks["site", "url"]
    assert site.counts.dtype == np.uint8 and 0 < site.counts.max() < 256
    # 200 partitions, each with this one block: every count is 200 times larger, past one byte.
    total = REDUCERS["funnel"].combine([[site]] * 200)[0]
    assert total.counts.dtype == np.uint16 and total.counts.max() > 255
    np.testing.assert_array_equal(total.counts.astype(np.int64), 200 * site.counts.astype(np.int64))
    assert total.groups.equals(site.groups)
    long = total.long()
    assert long["n"].dtype == np.int64 and int(long["n"].sum()) == 200 * int(site.counts.sum())


def test_funnel_blocks_of_different_statuses_do_not_combine(log):
    _, cleaned, _ = log
    funnel = REDUCERS["funnel"]
    block = funnel.partial(cleaned.table)[0]
    other = dataclasses.replace(block, statuses=block.statuses[::-1])
    with pytest.raises(ValueError, match="disagree"):
        funnel.combine([[block], [other]])


def test_a_split_that_cuts_a_key_does_not_reduce_to_the_whole(log):
    """The key matters: cutting files in two changes the funnel (so the checks above can fail)."""
    _, cleaned, _ = log
    table = cleaned.table
    halves = [table.iloc[::2].reset_index(drop=True), table.iloc[1::2].reset_index(drop=True)]
    assert not REDUCERS["funnel"].reduce(halves)["n"].equals(funnel_tables(table)["n"])


@pytest.mark.parametrize("parts", [2, 7])
def test_the_network_tables_of_any_split_equal_the_whole(log, parts):
    _, cleaned, _ = log
    table = cleaned.table
    status = latest_url_status(table)
    by_url = split(status, status["url_id"], parts, parts)
    pd.testing.assert_frame_equal(REDUCERS["layer_edges"].reduce(by_url), layer_edges(status))
    synthetic = REDUCERS["synthetic"]
    assert synthetic.reduce(split(table, table["url_id"], parts, parts)) is is_synthetic(table) is False
    marked = table.assign(synthetic=table.index == 7)  # one synthetic row makes the whole log synthetic
    assert synthetic.reduce(split(marked, marked["url_id"], parts, parts)) is True
    for cap in (None, 10_000, 25):
        sample = REDUCERS["model_sample"]
        whole, reduced = sample.whole(status, max_urls=cap, seed=4), sample.reduce(by_url, max_urls=cap, seed=4)
        pd.testing.assert_frame_equal(reduced.frame, whole.frame)
        assert reduced.decided == whole.decided == int(status["decided"].sum())
        assert len(whole.frame) == (25 if cap == 25 else whole.decided) and whole.frame["url_id"].is_monotonic_increasing
    pairs = status[["content_id", "domain"]]
    by_file = split(pairs, pairs["content_id"], parts, parts)
    ids = status["content_id"].drop_duplicates().iloc[::3]
    pd.testing.assert_series_equal(REDUCERS["mirror_sites"].reduce(by_file, content_ids=ids), mirror_sites(pairs, ids))
    hubs = REDUCERS["file_hubs"].reduce(by_file, min_sites=2)
    expected = hub_summary(incidence_matrix(pairs), 0, min_sites=2)
    assert (hubs.files, hubs.hub_files, hubs.largest_sites, hubs.links_from_hubs, hubs.sites_of_hubs) == (
        expected.files, expected.hub_files, expected.largest_sites, expected.links_from_hubs, expected.sites_of_hubs)
    assert hubs.hub_files > 0
    days = removal_days(status)
    medians = REDUCERS["median_days_to_removal"].reduce(split(days, days["domain"], parts, parts))
    pd.testing.assert_series_equal(medians, median_days_to_removal(status))
    assert medians.notna().sum() > 3


def test_a_split_that_cuts_a_domain_does_not_give_its_median(log):
    _, cleaned, _ = log
    days = removal_days(latest_url_status(cleaned.table))
    halves = [days.iloc[::2].reset_index(drop=True), days.iloc[1::2].reset_index(drop=True)]
    with pytest.raises(AssertionError):
        pd.testing.assert_series_equal(REDUCERS["median_days_to_removal"].reduce(halves), median_days_to_removal(latest_url_status(cleaned.table)))


def test_the_model_sample_is_uniform_over_seeds():
    """Each URL is drawn with probability k/n (bottom-k by a seeded hash): inclusion counts over 400 seeds."""
    from scipy import stats

    n, k, seeds = 300, 60, 400
    url_ids = pd.Series([f"u{i:04d}" for i in range(n)])
    drawn = np.zeros(n)
    for seed in range(seeds):
        drawn[np.argsort(sample_ranks(url_ids, seed), kind="stable")[:k]] += 1
    # Binomial(seeds, k/n) per URL: the counts' dispersion matches it (chi-square over URLs).
    p = k / n
    chi2 = float((((drawn - seeds * p) ** 2) / (seeds * p * (1 - p))).sum())
    assert stats.chi2.sf(chi2, n - 1) > 0.001
    assert abs(drawn.mean() - seeds * p) < 1e-9  # exactly k per seed


def test_url_status_does_not_depend_on_the_rows_order(log):
    """Ties of checked_at and requested_at go to the larger row_number, however the rows are shuffled
    (a Dask bucket holds its pieces in partition order, not in the log's order)."""
    _, cleaned, _ = log
    table = cleaned.table
    tied = table.iloc[[0, 1, 2, 3]].copy()  # the same URLs, checked at the same times, other outcomes
    tied["row_number"] = table["row_number"].max() + np.arange(1, 5)
    tied["outcome"] = np.where(table["outcome"].iloc[[0, 1, 2, 3]].eq("removed"), "online", "removed")
    tied["request_id"] = tied["request_id"] + "-again"
    with_ties = pd.concat([table, tied], ignore_index=True)
    expected = latest_url_status(with_ties)
    assert (expected.set_index("url_id").loc[tied["url_id"], "outcome"].to_numpy() == tied["outcome"].to_numpy()).all()
    status = REDUCERS["url_status"]
    for seed in range(3):
        shuffled = with_ties.sample(frac=1, random_state=seed).reset_index(drop=True)
        pd.testing.assert_frame_equal(latest_url_status(shuffled), expected)
        parts = [p.sample(frac=1, random_state=seed).reset_index(drop=True) for p in split(with_ties, with_ties["url_id"], 3, seed)]
        pd.testing.assert_frame_equal(status.reduce(parts), expected)


def test_a_bad_row_is_named_by_its_place_in_the_log_in_any_row_order(log):
    from research.errors import ParseError

    _, cleaned, _ = log
    table = cleaned.table.copy()
    table.loc[[5, 9], "outcome"] = "perhaps"
    first = int(table["row_number"].iloc[5])
    shuffled = table.iloc[::-1].reset_index(drop=True)  # row 9 now comes before row 5
    for frame in (table, shuffled):
        with pytest.raises(ParseError) as error:
            latest_url_status(frame)
        assert error.value.row == first
