"""An attacker who reads a published table and works out what its hidden counts can be.

Written independently of :mod:`research.suppression` on purpose: it sees only what a reader sees —
the published text (``"<10"``, ``"[c]"``, numbers, blanks), the table's declared relations
(totals, margins) and the rule that a ``"<10"`` cell is under the threshold and a ``"[c]"`` cell is
not. For every hidden cell it solves two linear programs (HiGHS through ``highspy``, the solver
behind ``scipy.optimize.linprog``; non-negative counts, integrality relaxed): the smallest and the
largest value the cell can take.
A ``"<10"`` cell whose interval is narrower than the protection width is a leak, and so is a share
or interval published beside a hidden count it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import highspy
from scipy import sparse

from research.suppression import GroupTotal, RowTotal, SameTotal, SumOver

PRIMARY, SECONDARY = "<10", "[c]"


@dataclass(frozen=True)
class Leak:
    """A hidden cell an attacker can pin down, or a published value that gives one away."""

    row: int
    column: str
    low: float
    high: float
    why: str


def _cells(table: pd.DataFrame, counts: Sequence[str], threshold: int) -> tuple[dict, dict]:
    """Known values and hidden cells (with the attacker's a priori bounds) keyed by (row, column)."""
    known, hidden = {}, {}
    for column in counts:
        for row, text in enumerate(table[column].astype(str).tolist()):
            if text == PRIMARY:
                hidden[(row, column)] = (0.0, threshold - 1.0)
            elif text == SECONDARY:
                hidden[(row, column)] = (float(threshold), None)
            elif text.strip() not in ("", "nan", "<NA>"):
                known[(row, column)] = float(text)
    return known, hidden


def _equations(table: pd.DataFrame, relations: Sequence[object]) -> list[dict[tuple[int, str], float]]:
    """Each declared relation as equations {cell: coefficient} (sum = 0), built from the keys."""
    out: list[dict[tuple[int, str], float]] = []
    for relation in relations:
        if isinstance(relation, RowTotal):
            for row in range(len(table)):
                eq = {(row, relation.total): 1.0}
                eq.update({(row, p): -1.0 for p in relation.parts})
                out.append(eq)
        elif isinstance(relation, GroupTotal):
            for _, rows in table.groupby(list(relation.by), sort=False, dropna=False).indices.items():
                rows = sorted(rows)
                eq = {(rows[0], relation.total): 1.0}
                for r in rows:
                    eq[(r, relation.part)] = eq.get((r, relation.part), 0.0) - 1.0
                out.append(eq)
                out += [{(r, relation.total): 1.0, (rows[0], relation.total): -1.0} for r in rows[1:]]
        elif isinstance(relation, SumOver):
            def matching(conditions):
                ok = pd.Series(True, index=table.index)
                for column, value in conditions:
                    ok &= table[column].astype(str) == value
                return np.flatnonzero(ok.to_numpy())

            part_column = relation.part_column or relation.column
            members: dict[str, list[int]] = {}
            for r in matching(relation.parts):
                key = str(table[relation.part_key].iloc[r])
                if key not in ("", "nan", "<NA>"):
                    members.setdefault(key, []).append(int(r))
            for r in matching(relation.whole):
                rows = members.get(str(table[relation.key].iloc[r]), [])
                if rows:
                    eq = {(int(r), relation.column): 1.0}
                    eq.update({(m, part_column): -1.0 for m in rows})
                    out.append(eq)
        elif isinstance(relation, SameTotal):
            rows_ok = pd.Series(True, index=table.index)
            for column, value in relation.where:
                rows_ok &= table[column].astype(str) == value
            sub = table[rows_ok.to_numpy()]
            blocks = sub.groupby(list(relation.within), sort=False).indices.values() if relation.within else [np.arange(len(sub))]
            positions = np.flatnonzero(rows_ok.to_numpy())
            for block in blocks:
                block_rows = positions[np.asarray(block)]
                by_value: dict[str, list[int]] = {}
                for r in block_rows:
                    by_value.setdefault(str(table[relation.by].iloc[r]), []).append(int(r))
                groups = list(by_value.values())
                for first, second in zip(groups[:-1], groups[1:]):
                    eq = {(r, relation.column): 1.0 for r in first}
                    eq.update({(r, relation.column): -1.0 for r in second})
                    out.append(eq)
    return out


def _extremes(a_eq: np.ndarray, b_eq: np.ndarray, bounds: Sequence[tuple[float, float | None]], cells: Sequence[int]) -> list[tuple[float, float]]:
    """The smallest and largest value of each of ``cells`` subject to ``a_eq x = b_eq`` within ``bounds``.

    One HiGHS model for the whole component; for each cell only the objective changes (+1, then
    −1 on that cell), and HiGHS restarts from the previous optimal basis.
    """
    if not cells:
        return []
    matrix = sparse.csc_array(a_eq)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a_eq.shape[1], a_eq.shape[0]
    lp.col_cost_ = np.zeros(a_eq.shape[1])
    lp.col_lower_ = np.array([low for low, _ in bounds], dtype=float)
    lp.col_upper_ = np.array([highspy.kHighsInf if high is None else high for _, high in bounds], dtype=float)
    lp.row_lower_ = lp.row_upper_ = np.asarray(b_eq, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    out = []
    for cell in cells:
        extremes = []
        for sign in (1.0, -1.0):
            solver.changeColCost(cell, sign)
            solver.run()
            if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise AssertionError(f"the published table is inconsistent with its relations ({solver.modelStatusToString(solver.getModelStatus())})")
            extremes.append(solver.getSolution().col_value[cell])
        solver.changeColCost(cell, 0.0)
        out.append((extremes[0], extremes[1]))
    return out


def attack(
    table: pd.DataFrame,
    counts: Sequence[str],
    relations: Sequence[object] = (),
    rates: Mapping[str, tuple[str | None, str]] | None = None,
    *,
    threshold: int = 10,
    width: float = 5,
) -> list[Leak]:
    """Every leak an attacker finds in the published ``table`` (text cells, as read from the CSV)."""
    counts = [c for c in counts if c in table.columns]
    known, hidden = _cells(table, counts, threshold)
    leaks: list[Leak] = []
    for rate, (numerator, denominator) in (rates or {}).items():
        for column in (rate, f"{rate}_low", f"{rate}_high"):
            if column not in table.columns:
                continue
            shown = ~table[column].astype(str).str.strip().isin(["", "nan", "<NA>"])
            for part in (numerator, denominator):
                if part and part in table.columns:
                    withheld = table[part].astype(str).isin([PRIMARY, SECONDARY])
                    for row in np.flatnonzero((shown & withheld).to_numpy()):
                        leaks.append(Leak(int(row), column, np.nan, np.nan, f"published beside hidden {part}"))
    equations = []
    for eq in _equations(table, relations):
        if any(cell not in known and cell not in hidden for cell in eq):
            continue  # a blank cell: the relation cannot be used
        if any(cell in hidden for cell in eq):
            equations.append(eq)
        elif abs(sum(coef * known[cell] for cell, coef in eq.items())) > 1e-6:
            raise AssertionError(f"a declared relation does not hold on the published numbers: {eq}")
    variables = sorted(hidden)
    index = {cell: k for k, cell in enumerate(variables)}
    if not variables:
        return leaks
    a_eq = np.zeros((len(equations), len(variables)))
    b_eq = np.zeros(len(equations))
    for i, eq in enumerate(equations):
        for cell, coef in eq.items():
            if cell in hidden:
                a_eq[i, index[cell]] += coef
            else:
                b_eq[i] -= coef * known[cell]
    bounds = [hidden[cell] for cell in variables]
    # Cells linked by no equation keep their a priori bounds; the rest are solved component-wise.
    linked = np.zeros(len(variables), dtype=bool) if not len(equations) else (a_eq != 0).any(axis=0)
    parent = list(range(len(variables)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for row in a_eq:
        members = np.flatnonzero(row)
        for m in members[1:]:
            parent[find(int(m))] = find(int(members[0]))
    components: dict[int, list[int]] = {}
    for k in np.flatnonzero(linked):
        components.setdefault(find(int(k)), []).append(int(k))
    for members in components.values():
        rows = np.flatnonzero((a_eq[:, members] != 0).any(axis=1))
        sub_a, sub_b = a_eq[np.ix_(rows, members)], b_eq[rows]
        sensitive = [position for position, k in enumerate(members) if bounds[k][1] is not None]  # only "<10" cells
        for position, (low, high) in zip(sensitive, _extremes(sub_a, sub_b, [bounds[m] for m in members], sensitive), strict=True):
            if high - low < width - 1e-6:
                row, column = variables[members[position]]
                leaks.append(Leak(row, column, float(low), float(high), "exactly determined" if high - low < 1e-6 else "interval too narrow"))
    return leaks
