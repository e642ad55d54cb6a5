"""The partitioned synthetic generator: deterministic, labelled synthetic, one coherent log across chunks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from research.clean.pseudonyms import DEMO_KEY
from research.clean.takedowns import clean_takedown_log
from research.config import paths
from research.scale.synth_parquet import DONE_FILE, chunk_files, chunk_seed, read_synth_parquet, synth_parquet_rows, write_synth_parquet
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log


@pytest.fixture(scope="module")
def funnel():
    return seed_funnel(paths().figures_csv)


@pytest.fixture(scope="module")
def small(tmp_path_factory, funnel):
    folder = tmp_path_factory.mktemp("synth") / "log"
    return folder, write_synth_parquet(folder, 2500, funnel, seed=11, rows_per_chunk=600)


def test_file_counts_per_chunk_add_up():
    assert chunk_files(2500, 600) == [140, 140, 140, 139, 139]  # 698 files (2,500 / 3.58) in 5 chunks
    assert chunk_files(1, 1_000_000) == [1]
    with pytest.raises(ValueError):
        chunk_files(0)


def test_same_size_and_seed_give_the_same_bytes(tmp_path, small, funnel):
    _, parts = small
    again = write_synth_parquet(tmp_path / "again", 2500, funnel, seed=11, rows_per_chunk=600)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in parts]
    other = write_synth_parquet(tmp_path / "other", 2500, funnel, seed=12, rows_per_chunk=600)
    assert other[0].read_bytes() != parts[0].read_bytes()


def test_log_is_labelled_synthetic_and_numbered(small):
    folder, parts = small
    log = read_synth_parquet(folder)
    assert len(parts) == 5
    assert (log["synthetic"] == "true").all()
    assert log["row_number"].tolist() == list(range(1, len(log) + 1))
    assert synth_parquet_rows(folder) == len(log)
    assert json.loads((folder / DONE_FILE).read_text())["synthetic"] is True
    assert abs(len(log) - 2500) < 500  # about the size asked for


def test_each_chunk_is_the_generator_with_chunk_prefixed_ids(small, funnel):
    folder, parts = small
    chunk = pd.read_parquet(parts[2])
    expected = synth_log(scaled_counts(funnel, chunk_files(2500, 600)[2]), seed=chunk_seed(11, 2))
    assert chunk["request_id"].str.startswith("SYN-R00002-").all() and chunk["content_id"].str.startswith("syn-file-00002-").all()
    assert chunk["request_id"].str.replace("00002-", "", regex=False).tolist() == expected["request_id"].tolist()
    assert chunk["content_id"].str.replace("00002-", "", regex=False).tolist() == expected["content_id"].tolist()
    assert chunk["url"].str.replace("/00002-", "/", regex=False).tolist() == expected["url"].tolist()
    assert chunk["outcome"].tolist() == expected["outcome"].tolist()


def test_ids_are_disjoint_across_chunks_so_the_whole_is_one_log(small):
    folder, parts = small
    log = pd.concat([pd.read_parquet(p).assign(part=number) for number, p in enumerate(parts)], ignore_index=True)
    for column in ("request_id", "content_id", "url"):
        assert (log.groupby(column)["part"].nunique() == 1).all(), column
    assert log["url"].nunique() == len(log)
    log = log.drop(columns="part")
    cleaned = clean_takedown_log(log.drop(columns="synthetic").replace("", pd.NA), key=DEMO_KEY, synthetic=True)
    assert len(cleaned.quarantine) == 0  # no URL repeated within a request, nothing unreadable
    assert cleaned.table["url_id"].nunique() == len(log)  # URL tokens differ between chunks
