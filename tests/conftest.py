"""Shared test fixtures: one seed, figures closed after each test, the repository's paths."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from research.config import paths  # noqa: E402


@pytest.fixture(autouse=True)
def _seed_and_close_figures():
    np.random.seed(0)
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def repo_paths():
    """Paths of the repository itself (raw data as committed)."""
    return paths()
