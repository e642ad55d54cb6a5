"""Allocator settings for large logs: Arrow's pool and glibc's mmap threshold."""

from __future__ import annotations

import platform

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from research.scale.memory import MMAP_THRESHOLD_BYTES, return_freed_memory


@pytest.fixture
def restore_pool():
    before = pa.default_memory_pool()
    yield
    pa.set_memory_pool(before)


def test_arrow_allocates_from_the_system_pool_afterwards(restore_pool):
    settings = return_freed_memory()
    assert settings["arrow_pool"] == "system"
    assert pa.default_memory_pool().backend_name == "system"
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert settings["glibc_mmap_threshold"] == str(MMAP_THRESHOLD_BYTES)


def test_calling_twice_is_harmless_and_results_do_not_change(restore_pool):
    text = pa.array([f"https://site{i % 7}.example/{i}" for i in range(20_000)], type=pa.large_string())
    before = pc.utf8_upper(text)
    return_freed_memory()
    return_freed_memory()
    after = pc.utf8_upper(text)
    assert after.equals(before)
    assert pa.default_memory_pool().backend_name == "system"


def test_the_command_leaves_the_allocator_alone_unless_asked(restore_pool, monkeypatch):
    from typer.testing import CliRunner

    from research.cli import app
    from research.config import RETURN_FREED_MEMORY_ENV

    pa.set_memory_pool(pa.mimalloc_memory_pool() if hasattr(pa, "mimalloc_memory_pool") else pa.jemalloc_memory_pool())
    chosen = pa.default_memory_pool().backend_name
    monkeypatch.delenv(RETURN_FREED_MEMORY_ENV, raising=False)
    assert CliRunner().invoke(app, ["reproduce", "--help"]).exit_code == 0
    assert pa.default_memory_pool().backend_name == chosen
    monkeypatch.setenv(RETURN_FREED_MEMORY_ENV, "1")
    assert CliRunner().invoke(app, ["reproduce", "--help"]).exit_code == 0
    assert pa.default_memory_pool().backend_name == "system"


def test_local_dask_workers_start_with_the_same_settings_when_asked(monkeypatch):
    from research.config import RETURN_FREED_MEMORY_ENV
    from research.scale.engine import dask_scheduler
    from research.scale.memory import worker_environment

    monkeypatch.delenv(RETURN_FREED_MEMORY_ENV, raising=False)
    assert worker_environment() == {}
    monkeypatch.setenv(RETURN_FREED_MEMORY_ENV, "1")
    with dask_scheduler(None, workers=1, memory_limit="1GB") as client:
        pool = client.submit(lambda: pa.default_memory_pool().backend_name, pure=False).result()
        threshold = client.run(lambda: __import__("os").environ.get("MALLOC_MMAP_THRESHOLD_"))
    assert pool == "system"
    assert list(threshold.values()) == [str(MMAP_THRESHOLD_BYTES)]
