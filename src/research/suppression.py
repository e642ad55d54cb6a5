"""Cell suppression for count tables published with totals, margins and shares.

Primary suppression hides every count under the threshold (zero included). That alone is not
enough when the table also shows totals or margins: a hidden cell can then be worked out by
subtraction, and a group whose hidden cells must add up to zero gives them all away. This module
adds *secondary* (complementary) suppression in the way statistical offices do it (Hundepool et
al., *Statistical Disclosure Control*, Wiley 2012, ch. 4–5; the τ-ARGUS "audit" of feasibility
intervals; de Wolf's hypercube idea of always hiding cells in pairs along every relation):

1. the table's linear relations are declared (:class:`RowTotal`, :class:`GroupTotal`,
   :class:`SameTotal`) and turned into equations ``A x = 0`` over its count cells; only the
   equations the data satisfy exactly are kept;
2. an attacker is modelled: they know every published number, every relation, that counts are
   non-negative, that a primary cell (shown as ``"<10"``) lies in ``[0, threshold - 1]`` and that a
   secondary cell (shown as :data:`SECONDARY_LABEL`) is at least ``threshold`` (it would be primary
   otherwise);
3. for each primary cell the attacker's *feasibility interval* is computed by linear programming
   (the LP relaxation, solved by HiGHS through ``highspy``): the smallest and largest value the
   cell can take given everything published. A primary cell is protected when that interval is at
   least :data:`PROTECTION_WIDTH` wide (an exactly determined cell has width 0);
4. while a primary cell is not protected, the cheapest published cell (smallest count, as
   τ-ARGUS prices frequency tables) in one of its equations is suppressed as well, and the audit is
   repeated. Tied cells (a group total repeated on each row) are always hidden together.

The LP work is kept small: equations without hidden cells drop out, the rest fall apart into
independent components, and every LP solution is a feasible table that already proves the range
of many other cells (so most cells need no LP of their own). Each component is one HiGHS model:
between its LPs only the objective changes, and HiGHS starts from the previous optimal basis.

Everything here works on numbers and boolean masks; labels are rendered only when a table is
written (:mod:`research.report.disclosure`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from research.config import SUPPRESSION_THRESHOLD
from research.errors import PrivacyError

#: A primary cell is protected when the attacker's feasibility interval is at least this wide.
PROTECTION_WIDTH = (SUPPRESSION_THRESHOLD + 1) // 2
#: Tables with more hidden cells than this get the bound-propagation audit only (it finds every
#: cell pinned by one relation, and chains of them), not the LP audit of every cell: two LPs per
#: cell on a table of 20,000 rows take minutes. The LP audit covers the tables of the test suite.
LP_AUDIT_LIMIT = 3000
#: How a count hidden to protect another one (secondary suppression) is shown.
SECONDARY_LABEL = "[c]"
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class RowTotal:
    """On every row, ``total`` is the sum of the ``parts`` columns."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class GroupTotal:
    """Within each group of rows (same ``by`` values), ``total`` (repeated on each row) is the sum of ``part``."""

    total: str
    part: str
    by: tuple[str, ...]


@dataclass(frozen=True)
class SameTotal:
    """``column`` summed over the rows of each ``by`` value is the same for every ``by`` value.

    E.g. URLs per domain, per provider and per country all add up to the same number of URLs; an
    overall row (a ``by`` value with one row) is the margin. ``within`` splits the table first
    (one such relation per ``within`` key); ``where`` restricts it to rows with those values.
    """

    column: str
    by: str
    within: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SumOver:
    """Each row matching ``whole`` holds in ``column`` the sum of ``part_column`` over the rows
    matching ``parts`` whose ``part_key`` equals its ``key`` (links between tables stacked into one:
    a provider's URLs are the sum over the layer links into it).
    """

    column: str
    key: str
    part_key: str
    part_column: str = ""
    whole: tuple[tuple[str, str], ...] = ()
    parts: tuple[tuple[str, str], ...] = ()


Relation = RowTotal | GroupTotal | SameTotal | SumOver


def rows_where(frame: pd.DataFrame, conditions: Sequence[tuple[str, str]]) -> np.ndarray:
    """Positions of the rows whose columns hold the given values (as text)."""
    keep = np.ones(len(frame), dtype=bool)
    for column, value in conditions:
        keep &= (frame[column].astype("string") == value).fillna(False).to_numpy() if column in frame.columns else False
    return np.flatnonzero(keep)


@dataclass(frozen=True)
class TableSpec:
    """What disclosure control needs to know about one published table.

    Attributes
    ----------
    counts
        Columns holding counts of cases, URLs or files (suppressed under the threshold).
    rates
        ``{rate: (numerator or None, denominator)}``: a rate (and its ``_low``/``_high``
        interval) is withheld when a count it rests on is withheld.
    relations
        The linear relations between count cells that a reader can use.
    """

    counts: tuple[str, ...]
    rates: Mapping[str, tuple[str | None, str]] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class Suppression:
    """Which count cells are withheld, as boolean masks over the count columns."""

    primary: pd.DataFrame
    secondary: pd.DataFrame
    equations: int
    lp_solved: int

    @property
    def hidden(self) -> pd.DataFrame:
        return self.primary | self.secondary


class _Cells:
    """Count cells of a table numbered column by column: cell ``j * n_rows + i``."""

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str]):
        self.columns = list(columns)
        self.n_rows = len(frame)
        self.index = {c: j for j, c in enumerate(self.columns)}

    def ids(self, column: str, rows: np.ndarray) -> np.ndarray:
        return self.index[column] * self.n_rows + np.asarray(rows, dtype=np.int64)

    def locate(self, cell: int) -> tuple[int, str]:
        return int(cell % self.n_rows), self.columns[int(cell // self.n_rows)]


def _grouped(frame: pd.DataFrame, keys: Sequence[str], rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Row positions grouped by ``keys`` (groups in order of first appearance, rows in order within
    each), and where each group starts in them (with the end as last entry), within ``rows``."""
    positions = np.arange(len(frame)) if rows is None else np.asarray(rows)
    if not keys:
        return positions, np.array([0, len(positions)] if len(positions) else [0])
    sub = frame.iloc[positions]
    codes = pd.MultiIndex.from_frame(sub[list(keys)].astype("string").fillna("\0")).factorize()[0] if len(keys) > 1 else pd.factorize(sub[keys[0]].astype("string").fillna("\0"))[0]
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1], True]) if len(codes) else np.array([0])
    return positions[order], bounds


def _groups(frame: pd.DataFrame, keys: Sequence[str], rows: np.ndarray | None = None) -> list[np.ndarray]:
    """Row positions of each group of ``keys`` (in order of first appearance), within ``rows``."""
    members, bounds = _grouped(frame, keys, rows)
    return [members[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[0] … starts[0] + lengths[0] - 1``, then the next range, and so on (one array)."""
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))


def relation_matrix(frame: pd.DataFrame, columns: Sequence[str], relations: Sequence[Relation]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The equations ``A x = 0`` of ``relations`` over the cells of ``columns``, and which cells are tied.

    Returns the matrix (one row per equation, one column per cell) and, for each cell, the id of
    the first cell it must always equal (a repeated group total), itself otherwise.
    """
    cells = _Cells(frame, columns)
    rows_i: list[np.ndarray] = []
    cols_i: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    ties = np.arange(len(columns) * len(frame), dtype=np.int64)
    equation = 0

    def add(ids: np.ndarray, coefficients: np.ndarray) -> None:
        nonlocal equation
        rows_i.append(np.full(len(ids), equation, dtype=np.int64))
        cols_i.append(ids)
        vals.append(coefficients)
        equation += 1

    for relation in relations:
        if isinstance(relation, RowTotal):
            if not {relation.total, *relation.parts} <= set(columns):
                continue
            # One equation per row, rows in order: total - parts = 0 (built for all rows at once).
            every = np.arange(len(frame), dtype=np.int64)
            ids = np.column_stack([cells.ids(relation.total, every), *(cells.ids(p, every) for p in relation.parts)])
            rows_i.append(np.repeat(np.arange(equation, equation + len(frame), dtype=np.int64), ids.shape[1]))
            cols_i.append(ids.ravel())
            vals.append(np.tile(np.r_[1.0, -np.ones(len(relation.parts))], len(frame)))
            equation += len(frame)
        elif isinstance(relation, GroupTotal):
            if not {relation.total, relation.part} <= set(columns) or not set(relation.by) <= set(frame.columns):
                continue
            # Per group, in order: total on its first row = sum of the parts, then one equation per
            # other row (its total equals the first row's), so a group of k rows takes k equations.
            members, bounds = _grouped(frame, relation.by)
            sizes = np.diff(bounds)
            group = np.repeat(np.arange(len(sizes)), sizes)
            first_total = cells.ids(relation.total, members[bounds[:-1]])
            other = np.ones(len(members), dtype=bool)
            other[bounds[:-1]] = False
            other_total, other_first = cells.ids(relation.total, members[other]), first_total[group[other]]
            main, repeated = equation + bounds[:-1], equation + np.flatnonzero(other)
            rows_i += [main, main[group], repeated, repeated]
            cols_i += [first_total, cells.ids(relation.part, members), other_total, other_first]
            vals += [np.ones(len(main)), -np.ones(len(members)), np.ones(len(repeated)), -np.ones(len(repeated))]
            ties[other_total] = other_first
            equation += len(members)
        elif isinstance(relation, SumOver):
            part_column = relation.part_column or relation.column
            if not {relation.column, part_column} <= set(columns) or not {relation.key, relation.part_key} <= set(frame.columns):
                continue
            # One equation per whole row (in row order) whose key some part rows carry: whole = sum of
            # those parts (in row order); rows without a key take part in none.
            parts = rows_where(frame, relation.parts)
            part_keys = frame[relation.part_key].astype("string").iloc[parts]
            parts = parts[part_keys.notna().to_numpy()]
            wholes = rows_where(frame, relation.whole)
            whole_keys = frame[relation.key].astype("string").iloc[wholes]
            wholes = wholes[whole_keys.notna().to_numpy()]
            codes, _ = pd.factorize(np.concatenate([part_keys.dropna().to_numpy(dtype=object), whole_keys.dropna().to_numpy(dtype=object)]))
            part_codes, whole_codes = codes[: len(parts)], codes[len(parts) :]
            by_key = parts[np.argsort(part_codes, kind="stable")]
            counts = np.bincount(part_codes, minlength=codes.max() + 1 if len(codes) else 0)
            starts = np.cumsum(counts) - counts
            keep = counts[whole_codes] > 0
            wholes, whole_codes = wholes[keep], whole_codes[keep]
            lengths = counts[whole_codes]
            whole_eq = equation + np.arange(len(wholes))
            rows_i += [whole_eq, np.repeat(whole_eq, lengths)]
            cols_i += [cells.ids(relation.column, wholes), cells.ids(part_column, by_key[_ranges(starts[whole_codes], lengths)])]
            vals += [np.ones(len(wholes)), -np.ones(int(lengths.sum()))]
            equation += len(wholes)
        elif isinstance(relation, SameTotal):
            needed = {relation.by, *relation.within, *(c for c, _ in relation.where)}
            if relation.column not in columns or not needed <= set(frame.columns):
                continue
            keep = np.zeros(len(frame), dtype=bool)
            keep[rows_where(frame, relation.where)] = True
            for block in _groups(frame, relation.within, np.flatnonzero(keep)):
                parts = _groups(frame, (relation.by,), block)
                for first, second in zip(parts[:-1], parts[1:]):
                    add(np.r_[cells.ids(relation.column, first), cells.ids(relation.column, second)], np.r_[np.ones(len(first)), -np.ones(len(second))])
    if not rows_i:
        return sparse.csr_matrix((0, len(ties))), ties
    matrix = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))), shape=(equation, len(ties)))
    return matrix, ties


def holding_equations(matrix: sparse.csr_matrix, values: np.ndarray) -> sparse.csr_matrix:
    """Only the equations that the data satisfy (every cell known, sum exactly zero)."""
    if matrix.shape[0] == 0:
        return matrix
    finite = np.isfinite(values)
    touches_missing = (abs(matrix) @ (~finite).astype(float)) > 0
    residual = matrix @ np.where(finite, values, 0.0)
    keep = ~touches_missing & (np.abs(residual) <= _TOLERANCE)
    return matrix[np.flatnonzero(keep)]


def _bounds(primary: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    low = np.where(primary, 0.0, float(threshold))
    high = np.where(primary, float(threshold - 1), np.inf)
    return low, high


def _propagate(sub: sparse.csr_matrix, rhs: np.ndarray, low: np.ndarray, high: np.ndarray, passes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Bounds implied equation by equation (an outer bound of the LP interval: never narrower).

    A cell found narrow here is narrow for certain, without solving an LP.
    """
    low, high = low.copy(), high.copy()
    coo = sub.tocoo()
    r, j, a = coo.row, coo.col, coo.data
    for _ in range(passes):
        lo_e, hi_e = np.minimum(a * low[j], a * high[j]), np.maximum(a * low[j], a * high[j])
        sums = {}
        for key, e in (("min", lo_e), ("max", hi_e)):
            finite = np.isfinite(e)
            total = np.bincount(r, weights=np.where(finite, e, 0.0), minlength=sub.shape[0])
            infinite = np.bincount(r, weights=(~finite).astype(float), minlength=sub.shape[0])
            rest = total[r] - np.where(finite, e, 0.0)
            rest_inf = infinite[r] - (~finite)
            sums[key] = np.where(rest_inf > 0, np.inf if key == "max" else -np.inf, rest)
        # a x_j = b - (sum of the others): between b - max and b - min
        t_low, t_high = rhs[r] - sums["max"], rhs[r] - sums["min"]
        x_low = np.where(a > 0, t_low / a, t_high / a)
        x_high = np.where(a > 0, t_high / a, t_low / a)
        new_low = np.full(len(low), -np.inf)
        new_high = np.full(len(high), np.inf)
        np.maximum.at(new_low, j, np.nan_to_num(x_low, nan=-np.inf))
        np.minimum.at(new_high, j, np.nan_to_num(x_high, nan=np.inf))
        low, high = np.maximum(low, new_low), np.minimum(high, new_high)
    return low, high


def _component_lp(a_eq: sparse.csr_matrix, b_eq: np.ndarray, low: np.ndarray, high: np.ndarray) -> Callable[[np.ndarray], tuple[str, np.ndarray | None]]:
    """A solver of ``min c·x`` subject to ``a_eq x = b_eq``, ``low ≤ x ≤ high`` for any ``c``.

    One HiGHS model is built; each call changes its objective only and re-solves from the last
    basis. A call returns ``("optimal", x)``, ``("unbounded", None)`` or (HiGHS's status, ``None``).
    """
    matrix = sparse.csc_array(a_eq)
    n = matrix.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, matrix.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.asarray(low, dtype=float)
    lp.col_upper_ = np.where(np.isinf(high), highspy.kHighsInf, high).astype(float)
    lp.row_lower_ = lp.row_upper_ = np.asarray(b_eq, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    columns = np.arange(n, dtype=np.int32)
    unbounded = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)

    def solve(objective: np.ndarray) -> tuple[str, np.ndarray | None]:
        solver.changeColsCost(n, columns, np.asarray(objective, dtype=float))
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", np.asarray(solver.getSolution().col_value)
        if status in unbounded:  # the true table is feasible, so "or infeasible" is unbounded
            return "unbounded", None
        return solver.modelStatusToString(status), None

    return solve


def feasibility_intervals(
    matrix: sparse.csr_matrix,
    values: np.ndarray,
    hidden: np.ndarray,
    primary: np.ndarray,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    width: float = PROTECTION_WIDTH,
    only: np.ndarray | None = None,
) -> tuple[dict[int, tuple[float, float]], int]:
    """The attacker's interval of every primary cell narrower than ``width`` (and the LPs solved).

    ``values`` are the true counts (NaN where missing), ``hidden`` and ``primary`` boolean masks
    over the same cells; ``only`` restricts the check to some primary cells. Cells whose interval
    is proved to be at least ``width`` wide are left out.
    """
    narrow: dict[int, tuple[float, float]] = {}
    solved = 0
    hidden_ids = np.flatnonzero(hidden & np.isfinite(values))
    if not len(hidden_ids) or matrix.shape[0] == 0:
        return narrow, solved
    known = np.where(hidden | ~np.isfinite(values), 0.0, values)
    sub = matrix[:, hidden_ids].tocsr()
    used = np.flatnonzero(np.diff(sub.indptr) > 0)
    sub, rhs = sub[used], -(matrix[used] @ known)
    low, high = _bounds(primary[hidden_ids], threshold)
    # Components: hidden cells linked by a shared equation (bipartite graph cells + equations).
    n_cells, n_eq = len(hidden_ids), sub.shape[0]
    incidence = sparse.bmat([[None, sub.T], [sub, None]], format="csr") if n_eq else sparse.csr_matrix((n_cells, n_cells))
    _, labels = connected_components(incidence, directed=False)
    cell_labels, eq_labels = labels[:n_cells], labels[n_cells:]
    truth = values[hidden_ids]
    wanted = primary[hidden_ids] if only is None else primary[hidden_ids] & only[hidden_ids]
    outer_low, outer_high = _propagate(sub, rhs, low, high)
    certain = wanted & (outer_high - outer_low < width - _TOLERANCE)
    narrow.update({int(hidden_ids[t]): (float(outer_low[t]), float(outer_high[t])) for t in np.flatnonzero(certain)})
    wanted = wanted & ~certain
    if len(hidden_ids) > LP_AUDIT_LIMIT:
        return narrow, solved  # large tables: the bound-propagation audit only (documented limit)
    for label in np.unique(cell_labels[wanted]):
        members = np.flatnonzero(cell_labels == label)
        equations = np.flatnonzero(eq_labels == label)
        targets = members[wanted[members]]
        if not len(equations):
            if threshold - 1 < width:
                narrow.update({int(hidden_ids[t]): (low[t], high[t]) for t in targets})
            continue
        if len(equations) == 1:
            continue  # one equation with box bounds: the propagated interval is already exact
        solve = _component_lp(sub[equations][:, members], rhs[equations], low[members], high[members])
        seen_low, seen_high = truth[members].copy(), truth[members].copy()
        position = {int(m): k for k, m in enumerate(members)}
        # A few LPs that push all targets at once (up, down, then seeded mixed signs) prove the
        # range of most cells; only the rest get LPs of their own.
        local = np.array([position[int(t)] for t in targets])
        rng = np.random.default_rng(len(members))
        for signs in (np.ones(len(local)), -np.ones(len(local)), *(rng.choice([-1.0, 1.0], len(local)) for _ in range(4))):
            if len(local) < 4 or (seen_high[local] - seen_low[local] >= width - _TOLERANCE).all():
                break
            objective = np.zeros(len(members))
            objective[local] = -signs * (seen_high[local] - seen_low[local] < width - _TOLERANCE)
            status, x = solve(objective)
            solved += 1
            if status == "optimal":
                seen_low, seen_high = np.minimum(seen_low, x), np.maximum(seen_high, x)
        for t in targets:
            k = position[int(t)]
            for sign in (1.0, -1.0):  # maximise, then minimise
                if seen_high[k] - seen_low[k] >= width - _TOLERANCE:
                    break
                objective = np.zeros(len(members))
                objective[k] = -sign
                status, x = solve(objective)
                solved += 1
                if status == "unbounded":  # unbounded above: no upper limit
                    seen_high[k] = np.inf
                    continue
                if status != "optimal":
                    raise PrivacyError(f"suppression audit: the linear program failed ({status})")
                seen_low, seen_high = np.minimum(seen_low, x), np.maximum(seen_high, x)
            if seen_high[k] - seen_low[k] < width - _TOLERANCE:
                narrow[int(hidden_ids[t])] = (float(seen_low[k]), float(seen_high[k]))
    return narrow, solved


def _close_ties(hidden: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Hide every cell tied to a hidden one (a total repeated on several rows).

    ``ties[i]`` is the index of the cell that ``i`` repeats (itself when none), so a cell is hidden
    when its root is the root of a hidden cell: two look-ups, no sort.
    """
    hidden_root = np.zeros(len(ties), dtype=bool)
    hidden_root[ties[hidden]] = True
    return hidden | hidden_root[ties]


def _complements(matrix: sparse.csr_matrix, csc: sparse.csc_matrix, values: np.ndarray, hidden: np.ndarray, cell: int, touched: set[int]) -> list[int]:
    """Published cells to hide so that ``cell`` gains room: the cheapest in each of its equations.

    Hiding one partner along every relation of the cell is the hypercube idea in its simplest
    form. Cheapest = smallest count, counts with room to move (at least ``threshold + width``)
    first. Equations that already gained a hidden cell in this round (``touched``) are skipped;
    when none of the cell's equations has a published cell left, the search moves outward to the
    equations of the hidden cells it shares an equation with.
    """
    frontier, visited = {cell}, set()
    while frontier:
        equations = sorted(set(np.concatenate([csc.indices[csc.indptr[c] : csc.indptr[c + 1]] for c in frontier]).tolist()) - visited)
        if not equations:
            return []
        visited |= set(equations)
        chosen: list[int] = []
        for equation in equations:
            members = matrix.indices[matrix.indptr[equation] : matrix.indptr[equation + 1]]
            candidates = members[~hidden[members] & np.isfinite(values[members])]
            if not len(candidates) or equation in touched:
                continue
            roomy = values[candidates] >= SUPPRESSION_THRESHOLD + PROTECTION_WIDTH
            pool = candidates[roomy] if roomy.any() else candidates
            chosen.append(int(pool[np.lexsort((pool, values[pool]))][0]))
        if chosen:
            return sorted(set(chosen))
        if any(e in touched for e in equations):
            return []  # a partner was just added next to it: audit again first
        frontier = set(np.concatenate([matrix.indices[matrix.indptr[e] : matrix.indptr[e + 1]] for e in equations]).tolist()) - {cell}
    return []


def suppress(
    frame: pd.DataFrame,
    spec: TableSpec,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    width: float = PROTECTION_WIDTH,
    name: str = "table",
    given: pd.DataFrame | None = None,
) -> Suppression:
    """Primary and secondary suppression of the count columns of ``frame`` (numbers, NaN = missing).

    ``given`` marks cells already withheld upstream (``"primary"`` or ``"secondary"``, else empty):
    their numbers are unknown here, and they stay withheld.

    Raises
    ------
    PrivacyError
        When a small count cannot be protected whatever is hidden (never expected: hiding every
        cell of a relation always leaves the attacker the label's whole range).
    """
    columns = [c for c in spec.counts if c in frame.columns]
    values = np.concatenate([pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for c in columns]) if columns else np.zeros(0)
    primary = np.isfinite(values) & (values < threshold)
    before = np.zeros(len(values), dtype=bool)
    if given is not None and columns:
        marks = np.concatenate([given[c].astype("string").fillna("").to_numpy() if c in given.columns else np.full(len(frame), "") for c in columns])
        primary |= marks == "primary"
        before = marks == "secondary"
    matrix, ties = relation_matrix(frame, columns, spec.relations)
    matrix = holding_equations(matrix, values)
    hidden = _close_ties(primary | before, ties)
    csc = matrix.tocsc()
    solved = 0
    check = None  # first round: every primary cell; later only those found narrow (hiding more only widens)
    for _ in range(10 * len(values) + 1):
        narrow, n = feasibility_intervals(matrix, values, hidden, primary, threshold=threshold, width=width, only=check)
        solved += n
        if not narrow:
            break
        touched: set[int] = set()
        added: list[int] = []
        for cell in sorted(narrow):
            extra = _complements(matrix, csc, values, hidden, cell, touched)
            for e in extra:
                touched |= set(csc.indices[csc.indptr[e] : csc.indptr[e + 1]].tolist())
            added += extra
        if not added:
            row, column = _Cells(frame, columns).locate(min(narrow))
            raise PrivacyError(f"{name}: the small count in column {column!r}, row {row + 1} cannot be protected by suppression")
        hidden = hidden.copy()
        hidden[added] = True
        hidden = _close_ties(hidden, ties)
        check = np.zeros(len(values), dtype=bool)
        check[list(narrow)] = True
    n = len(frame)

    def mask(flags: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({c: flags[j * n : (j + 1) * n] for j, c in enumerate(columns)}, index=frame.index)

    return Suppression(mask(primary), mask(hidden & ~primary), int(matrix.shape[0]), solved)


def withheld_rates(frame: pd.DataFrame, hidden: pd.DataFrame, rates: Mapping[str, tuple[str | None, str]], threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """Which rate cells must be withheld: those resting on a withheld count (or on a small one).

    A share of a published total reveals its count, and a share of a hidden total reveals the
    total; a rate whose denominator column is not a suppressed count is withheld when that
    denominator is under the threshold.
    """
    out = {}
    for rate, (numerator, denominator) in rates.items():
        flags = np.zeros(len(frame), dtype=bool)
        for column in (numerator, denominator):
            if column is None or column not in frame.columns:
                continue
            if column in hidden.columns:
                flags |= hidden[column].to_numpy()
            else:
                flags |= (pd.to_numeric(frame[column], errors="coerce").fillna(0) < threshold).to_numpy()
        out[rate] = flags
    return pd.DataFrame(out, index=frame.index)
