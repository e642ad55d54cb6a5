"""Shared array helpers: the same answers as the NumPy calls they replace."""

from __future__ import annotations

import numpy as np
import pytest

from research.frames import distinct_sorted


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32, np.int8])
@pytest.mark.parametrize("n", [0, 1, 2, 1_000, 100_000])
def test_distinct_sorted_is_numpy_unique(dtype, n):
    rng = np.random.default_rng(n)
    info = np.iinfo(dtype)
    values = rng.integers(info.min, info.max, size=n, dtype=dtype, endpoint=True)
    if n > 10:
        values[: n // 3] = values[n // 3 : 2 * (n // 3)]  # a third repeated
        values[-1], values[0] = info.max, info.min  # the extremes
    got = distinct_sorted(values)
    expected = np.unique(values)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n", [0, 1, 2, 1_000, 50_000])
def test_distinct_sorted_strings_are_numpy_unique(n):
    """Code point order, beyond ASCII too (é, ß, kana, hangul, an emoji beyond the BMP)."""
    rng = np.random.default_rng(n)
    letters = np.array(list("abcxyz.-0é\u00dfか한\U0001f600"), dtype=object)
    values = np.array(["".join(rng.choice(letters, size=rng.integers(0, 6))) for _ in range(n)], dtype=object)
    expected = np.unique(values.astype(str)).astype(object)
    for given in (values, values.astype(str)):
        got = distinct_sorted(given)
        assert got.dtype == object
        assert got.tolist() == expected.tolist()


def test_distinct_sorted_refuses_what_is_not_integer_or_text():
    with pytest.raises(TypeError, match="integers"):
        distinct_sorted(np.array([0.5, 0.5]))
    with pytest.raises(TypeError, match="strings"):
        distinct_sorted(np.array(["a", None], dtype=object))
