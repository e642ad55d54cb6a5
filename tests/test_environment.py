"""The conda environment, the lock file and pyproject.toml list the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
#: PyPI name → conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {"igraph": "python-igraph", "duckdb": "python-duckdb"}


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _direct_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"]) + [s for extra in project["optional-dependencies"].values() for s in extra]
    return {_canon(Requirement(s).name) for s in specs}


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_canon(name)] = version
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            pins[_canon(name)] = version
        else:  # the pip section: exact pins of what conda-forge does not carry at the lock's version
            for line in dep.get("pip", []):
                if "==" in line:
                    name, _, version = line.partition("==")
                    pins[_canon(name)] = version
    return pins


def test_every_lock_line_is_an_exact_pin():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), line


def test_direct_dependencies_are_pinned_in_the_lock():
    missing = _direct_dependencies() - set(_lock_pins())
    assert not missing, f"in pyproject.toml but not in requirements.lock: {sorted(missing)}"


def test_environment_yml_lists_the_same_packages_at_the_lock_versions():
    lock, conda = _lock_pins(), _conda_pins()
    direct = _direct_dependencies()
    conda_packages = {n for n in conda if n not in {"python", "pip"}}
    expected = {CONDA_NAMES.get(n, n) for n in direct}
    assert conda_packages == expected, (
        f"only in environment.yml: {sorted(conda_packages - expected)}; "
        f"only in pyproject.toml: {sorted(expected - conda_packages)}"
    )
    for name in direct:
        assert conda[CONDA_NAMES.get(name, name)] == lock[name], f"{name}: environment.yml {conda[CONDA_NAMES.get(name, name)]} vs lock {lock[name]}"


def test_environment_yml_python_matches_pyproject():
    conda = _conda_pins()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11" and conda["python"].startswith("3.11")
