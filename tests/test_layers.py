"""The import graph: arrows point down (analysis never imports the CLI or the pipeline; takedowns
and networks never import each other; research.stats imports no analysis package)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "research"
ANALYSIS = ("takedowns", "networks", "trends", "stats")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (also inside functions), as dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(SRC)): _imports(p) for p in sorted((SRC / package).rglob("*.py"))}


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{file} imports {name}"
        for file, names in _package_imports(package).items()
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_takedowns_and_networks_never_import_each_other():
    assert _offenders("takedowns", ("research.networks",)) == []
    assert _offenders("networks", ("research.takedowns",)) == []


@pytest.mark.parametrize("package", ANALYSIS)
def test_analysis_never_imports_cli_or_pipeline(package):
    assert _offenders(package, ("research.cli", "research.pipeline")) == []


def test_stats_is_the_ground_floor():
    assert _offenders("stats", tuple(f"research.{p}" for p in ("takedowns", "networks", "trends", "clean", "plots", "report"))) == []


def test_the_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from research.networks.rankings import ranking\n", encoding="utf-8")
    assert "research.networks.rankings" in _imports(module)
