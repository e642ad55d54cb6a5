"""Every notebook runs top to bottom on small parameters with the project's kernel, and stays thin."""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import pytest

from research.config import paths
from research.report.notebooks import clear_outputs, execute_notebook

NOTEBOOKS = paths().notebooks
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def test_the_four_notebooks_exist_paired():
    names = [p.stem for p in SOURCES]
    assert names == ["01_case_trends", "02_takedown_outcomes", "03_hosting_networks", "04_report"]
    for source in SOURCES:
        assert source.with_suffix(".ipynb").exists(), f"{source.name} has no paired .ipynb"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_thin_and_parameterised(source):
    notebook = jupytext.read(source)
    assert notebook.metadata["kernelspec"]["name"] == "research"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be tagged parameters"
    for cell in code:
        # IPython magics (%matplotlib inline) are not Python: drop them before parsing.
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%")))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef | ast.Lambda)], cell.source
    assert sum(c.cell_type == "markdown" for c in notebook.cells) >= 3


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_ipynb_has_no_outputs_and_matches_py(source):
    committed = jupytext.read(source.with_suffix(".ipynb"))
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in committed.cells if c.cell_type == "code")
    assert [c.source for c in committed.cells] == [c.source for c in jupytext.read(source).cells]


@pytest.mark.slow
def test_case_trends_runs_on_small_counts(small_counts):
    notebook = execute_notebook(NOTEBOOKS / "01_case_trends.py", {"counts_path": str(small_counts), "small": True}, cwd=NOTEBOOKS)
    text = "".join(str(o) for c in notebook.cells for o in c.get("outputs", []))
    assert "JP_SMALL_REPORTS" in text and "image/png" in text
    assert "0x7f" not in text


def _outputs(notebook) -> str:
    return "".join(str(o) for c in notebook.cells for o in c.get("outputs", []))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["02_takedown_outcomes", "03_hosting_networks"])
def test_takedown_notebooks_run_on_a_small_synthetic_log(name, repo_paths):
    notebook = execute_notebook(NOTEBOOKS / f"{name}.py", {"small": True, "figures_csv": str(repo_paths.figures_csv)}, cwd=NOTEBOOKS)
    text = _outputs(notebook)
    assert "synthetic: True" in text and "synthetic — illustrative" in text
    assert "<10" in text or "&lt;10" in text  # a 500-file log has small groups: disclosure shows them
    assert "http" not in text.replace("https://www.w3.org", "")


@pytest.mark.slow
def test_report_notebook_states_the_published_funnel(tmp_path, small_counts):
    root = Path(tmp_path) / "project"
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    import pandas as pd

    counts = pd.read_csv(small_counts)
    paps = counts.head(2).assign(
        series_id=["JP_PAPS_REMOVAL_REQUESTS_TOTAL", "JP_PAPS_FILES_STILL_ONLINE"], value=[99266.0, 30625.0],
        publishers="PAPS", period_end="2025-03-31",
    )
    pd.concat([counts, paps]).to_csv(root / "data" / "processed" / "counts.csv", index=False)
    notebook = execute_notebook(NOTEBOOKS / "04_report.py", {"root": str(root), "lang": "id"}, cwd=NOTEBOOKS)
    text = _outputs(notebook)
    assert "99.266" in text and "30.625" in text and "data sha256" in text


@pytest.mark.slow
def test_html_export_is_offline_and_rerun_identical(tmp_path, small_counts):
    from research.report.notebooks import write_executed

    pages = []
    for run in ("a", "b"):
        notebook = execute_notebook(NOTEBOOKS / "01_case_trends.py", {"counts_path": str(small_counts), "small": True}, cwd=NOTEBOOKS)
        ipynb, html = write_executed(notebook, tmp_path / run / "01_case_trends.ipynb")
        pages.append((ipynb.read_bytes(), html.read_bytes()))
    assert pages[0] == pages[1]
    text = pages[0][1].decode()
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "data:image/png;base64," in text
