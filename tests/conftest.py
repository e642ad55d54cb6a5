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


#: A secret-like key used only by tests (real logs are cleaned with it where a test needs a key).
TEST_SECRET_KEY = "test-only-secret-key-9f3c1a7e5b2d"


@pytest.fixture(scope="session")
def secret_key_file(tmp_path_factory):
    """A key file holding :data:`TEST_SECRET_KEY`, readable by its owner only."""
    path = tmp_path_factory.mktemp("key") / "hmac.key"
    path.write_text(TEST_SECRET_KEY + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


#: Modules that run longest (the whole-pipeline build of two clones, then the full-size attackers),
#: collected first: pytest-xdist hands a module to a worker in collection order, and the longest
#: job started last is what leaves one worker busy alone at the end (Graham's longest-first rule).
LONGEST_FIRST = ("tests/test_privacy.py", "tests/disclosure/test_exports.py")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: every other test keeps its order
