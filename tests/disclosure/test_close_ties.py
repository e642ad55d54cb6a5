"""Tied cells (a total repeated on several rows) are hidden together, whatever the chain of ties."""

from __future__ import annotations

import numpy as np

from research.suppression import _close_ties


def test_close_ties_hides_every_cell_sharing_a_root_with_a_hidden_one():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        ties = np.arange(n)
        tied = rng.random(n) < 0.4
        ties[tied] = rng.integers(0, n, tied.sum())  # some cells repeat another (possibly a repeat itself)
        hidden = rng.random(n) < 0.2
        # the definition: hidden, or tied to the same cell as a hidden one
        expected = hidden | np.isin(ties, np.unique(ties[hidden]))
        assert np.array_equal(_close_ties(hidden, ties), expected)


def test_no_hidden_cell_hides_nothing():
    ties = np.array([0, 0, 2, 2, 4])
    assert not _close_ties(np.zeros(5, dtype=bool), ties).any()
    assert _close_ties(np.array([False, True, False, False, False]), ties).tolist() == [True, True, False, False, False]
