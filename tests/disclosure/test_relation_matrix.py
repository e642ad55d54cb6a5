"""The equations of a table's relations, built for whole tables at once, are the ones of their
definitions written out row by row: the same equations in the same order (so the audit solves the
same programs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from research.suppression import GroupTotal, RowTotal, SumOver, relation_matrix, rows_where


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


def _relation_row_by_row(frame: pd.DataFrame, columns: list[str], relation) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The definition, one equation at a time (cells numbered column by column)."""
    n = len(frame)
    cell = {c: j * n for j, c in enumerate(columns)}
    equations: list[dict[int, float]] = []
    ties = np.arange(len(columns) * n)
    if isinstance(relation, GroupTotal):
        keys = list(zip(*(frame[c].astype("string").fillna("\0").tolist() for c in relation.by)))
        groups: dict[tuple, list[int]] = {}
        for row, key in enumerate(keys):
            groups.setdefault(key, []).append(row)
        for rows in groups.values():  # in order of first appearance
            first = cell[relation.total] + rows[0]
            equation = {first: 1.0}
            for row in rows:
                equation[cell[relation.part] + row] = -1.0
            equations.append(equation)
            for row in rows[1:]:
                equations.append({cell[relation.total] + row: 1.0, first: -1.0})
                ties[cell[relation.total] + row] = first
    else:
        part_column = relation.part_column or relation.column
        members: dict[str, list[int]] = {}
        for row in rows_where(frame, relation.parts).tolist():
            key = frame[relation.part_key].iloc[row]
            if pd.notna(key):
                members.setdefault(str(key), []).append(row)
        for row in rows_where(frame, relation.whole).tolist():
            key = frame[relation.key].iloc[row]
            parts = members.get(str(key), []) if pd.notna(key) else []
            if parts:
                equation = {cell[relation.column] + row: 1.0}
                for part in parts:
                    equation[cell[part_column] + part] = equation.get(cell[part_column] + part, 0.0) - 1.0
                equations.append(equation)
    matrix = sparse.lil_matrix((len(equations), len(columns) * n))
    for i, equation in enumerate(equations):
        for j, value in equation.items():
            matrix[i, j] = value
    return matrix.tocsr(), ties


def _random_table(rng: np.random.Generator) -> pd.DataFrame:
    n = int(rng.integers(0, 40))
    labels = np.array(["a", "b", "c", "d", None], dtype=object)
    return pd.DataFrame(
        {
            "layer": rng.choice(["site", "provider", "link"], n),
            "g1": rng.choice(labels, n),
            "g2": rng.choice(labels[:3], n),
            "key": rng.choice(labels, n),
            "link_to": rng.choice(labels, n),
            "total": rng.integers(0, 50, n).astype(float),
            "part": rng.integers(0, 50, n).astype(float),
        }
    )


def _same(left: sparse.csr_matrix, right: sparse.csr_matrix) -> bool:
    return left.shape == right.shape and (left != right).nnz == 0


def test_group_totals_are_the_equations_of_the_definition():
    rng = np.random.default_rng(11)
    for _ in range(150):
        frame = _random_table(rng)
        for by in (("g1",), ("g1", "g2")):
            relation = GroupTotal("total", "part", by)
            matrix, ties = relation_matrix(frame, ["total", "part"], [relation])
            expected, expected_ties = _relation_row_by_row(frame, ["total", "part"], relation)
            assert _same(matrix, expected)
            assert np.array_equal(ties, expected_ties)


def test_sums_over_linked_rows_are_the_equations_of_the_definition():
    rng = np.random.default_rng(12)
    relations = [
        SumOver("total", key="key", part_key="link_to", part_column="part", whole=(("layer", "provider"),), parts=(("layer", "link"),)),
        SumOver("total", key="key", part_key="link_to"),  # every row both a whole and a part
    ]
    for _ in range(150):
        frame = _random_table(rng)
        for relation in relations:
            matrix, _ = relation_matrix(frame, ["total", "part"], [relation])
            expected, _ = _relation_row_by_row(frame, ["total", "part"], relation)
            assert _same(matrix, expected)
