"""The equations of row totals, built for all rows at once, are the ones built row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.suppression import GroupTotal, RowTotal, relation_matrix


def _row_by_row(n_rows: int, columns: list[str], relation: RowTotal) -> np.ndarray:
    """The matrix of ``relation`` written out one row (one equation) at a time."""
    index = {c: j for j, c in enumerate(columns)}
    dense = np.zeros((n_rows, len(columns) * n_rows))
    for i in range(n_rows):
        dense[i, index[relation.total] * n_rows + i] = 1.0
        for part in relation.parts:
            dense[i, index[part] * n_rows + i] -= 1.0
    return dense


@pytest.mark.parametrize("n_rows, parts", [(0, ("a", "b")), (1, ("a",)), (7, ("a", "b")), (25, ("a", "b", "c"))])
def test_row_totals_equal_the_row_by_row_equations(n_rows, parts):
    rng = np.random.default_rng(n_rows)
    columns = ["total", "a", "b", "c"]
    frame = pd.DataFrame({c: rng.integers(0, 50, n_rows) for c in columns})
    relation = RowTotal("total", parts)
    matrix, ties = relation_matrix(frame, columns, [relation])
    assert matrix.shape == (n_rows, len(columns) * n_rows)
    np.testing.assert_array_equal(matrix.toarray(), _row_by_row(n_rows, columns, relation))
    np.testing.assert_array_equal(ties, np.arange(len(columns) * n_rows))


def test_row_totals_come_first_and_other_relations_follow_in_order():
    frame = pd.DataFrame({"g": ["x", "x", "y"], "total": [4, 2, 3], "a": [3, 2, 2], "b": [1, 0, 1], "sum": [5, 5, 2]})
    columns = ["total", "a", "b", "sum"]
    matrix, ties = relation_matrix(frame, columns, [RowTotal("total", ("a", "b")), GroupTotal("sum", "a", ("g",))])
    dense = matrix.toarray()
    np.testing.assert_array_equal(dense[:3], _row_by_row(3, columns, RowTotal("total", ("a", "b"))))
    # Then group x: sum(row 0) - a(rows 0, 1) = 0, sum(row 1) = sum(row 0); group y: sum(row 2) - a(row 2) = 0.
    assert dense.shape[0] == 6 and ties[3 * 3 + 1] == 3 * 3 + 0
    values = frame[columns].to_numpy().T.ravel().astype(float)
    np.testing.assert_allclose(dense @ values, 0.0)
