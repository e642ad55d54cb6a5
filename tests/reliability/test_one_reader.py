"""Issue 14 item 5: one CSV reader — both engines read every file to the same table."""

from __future__ import annotations

import gzip
import random

import pandas as pd
import pytest

from research.clean.read_table import read_text_table
from research.errors import InputError
from research.scale.engine import csv_to_parquet

PIECES = ["a", "Café", "削除", " x ", "", '""', '"q,uote"', '"say ""hi"""', '"two\nlines"', "1", "-", "n/a", "  ", "\t", "NULL", "#N/A"]


def _random_file(rng: random.Random) -> str:
    width = rng.randint(1, 4)
    lines = [",".join(f"{rng.choice(['id', 'name', ' w', 'x y'])}{i}" for i in range(width))]
    for _ in range(rng.randint(0, 6)):
        lines.append("" if rng.random() < 0.1 else ",".join(rng.choice(PIECES) for _ in range(width)))
    end = rng.choice(["\n", "\r\n"])
    return ("\ufeff" if rng.random() < 0.1 else "") + end.join(lines) + (end if rng.random() < 0.7 else "")


def _dask_frame(path, tmp_path):
    parts = csv_to_parquet(path, tmp_path / f"parts-{path.stem}", rows_per_partition=2)
    frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).drop(columns="row_number")
    return frame.astype("string")


@pytest.mark.parametrize("seed", range(4))
def test_both_engines_read_random_utf8_files_alike(tmp_path, seed):
    rng = random.Random(seed)
    for number in range(100):
        text = _random_file(rng)
        path = tmp_path / f"f{number}.csv"
        path.write_bytes(text.encode("utf-8"))
        try:
            default = read_text_table(path).frame.astype("string")
        except InputError as error:
            with pytest.raises(InputError):
                _dask_frame(path, tmp_path)
            continue
        pd.testing.assert_frame_equal(_dask_frame(path, tmp_path), default, check_dtype=False, obj=repr(text))


def test_the_dask_engine_reads_legacy_encodings_and_gzip_like_the_default(tmp_path):
    text = "request_id,word\nR1,削除済み\nR2,掲載中\n"
    for name, data in (("sjis.csv", text.encode("cp932")), ("log.csv.gz", gzip.compress(text.encode(), mtime=0))):
        path = tmp_path / name
        path.write_bytes(data)
        pd.testing.assert_frame_equal(_dask_frame(path, tmp_path), read_text_table(path).frame.astype("string"), check_dtype=False)
