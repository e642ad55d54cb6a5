"""Execute the jupytext notebooks and export them, with byte-identical results across runs.

A notebook is read from its py:percent file (the reviewed source), its ``parameters`` cell is
overridden with papermill's parameter injection, it is run by nbclient with the project's kernel
in the notebooks folder, and everything that changes from run to run is removed: execution
timings, kernel session data, random cell ids and memory addresses in text outputs. The HTML export
loads nothing from the network: it is nbconvert's ``basic`` body in a small page of our own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    import nbformat

# jupytext, nbformat, nbclient, nbconvert and papermill are imported where they are used: they
# take seconds to import (nbformat's JSON-schema formats alone compile a grammar), and every
# ``research`` command imports this module through the pipeline's stages.

#: The kernel ``make venv`` installs into .venv (``ipykernel install --sys-prefix --name research``).
KERNEL = "research"
TIMEOUT_SECONDS = 600
MEMORY_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
#: Notebook-level metadata a rerun would change, or that names the machine.
VOLATILE_METADATA = ("papermill", "widgets", "execution")
#: nbconvert's "basic" template gives the cells alone: no CDN scripts, no third-party CSS (whose
#: comments cite URLs); the page around them comes from ``templates/notebook.html.j2``.
EXPORT_TEMPLATE = "basic"
PAGE_TEMPLATE = Path(__file__).resolve().parent / "templates" / "notebook.html.j2"


def read_notebook(source: Path) -> nbformat.NotebookNode:
    """Read a py:percent (or .ipynb) notebook."""
    import jupytext

    return jupytext.read(source)


def _scrub_output(output: nbformat.NotebookNode) -> None:
    output.get("metadata", {}).pop("execution", None)
    if "text" in output:
        output["text"] = MEMORY_ADDRESS.sub("0x…", "".join(output["text"]) if isinstance(output["text"], list) else output["text"])
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") and isinstance(value, str | list):
            output["data"][mime] = MEMORY_ADDRESS.sub("0x…", "".join(value) if isinstance(value, list) else value)


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what changes between runs; cell ids become ``cell-000``, ``cell-001`` …"""
    notebook = copy.deepcopy(notebook)
    for key in VOLATILE_METADATA:
        notebook.metadata.pop(key, None)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
        for key in VOLATILE_METADATA:
            cell.metadata.pop(key, None)
        if not cell.metadata.get("tags", True):
            del cell.metadata["tags"]
        for output in cell.get("outputs", []):
            _scrub_output(output)
    return notebook


def clear_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as committed: no outputs, no execution counts, stable ids."""
    notebook = strip_volatile(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def execute_notebook(
    source: Path,
    parameters: Mapping[str, object] | None = None,
    *,
    cwd: Path | None = None,
    kernel: str = KERNEL,
    timeout: int = TIMEOUT_SECONDS,
) -> nbformat.NotebookNode:
    """Run ``source`` top to bottom with ``parameters`` injected after its ``parameters`` cell.

    Raises ``nbclient.exceptions.CellExecutionError`` naming the failing cell when one fails.
    """
    from nbclient import NotebookClient
    from papermill.parameterize import parameterize_notebook

    notebook = read_notebook(source)
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": "Python (research)", "language": "python"}
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])  # papermill looks for tags on every cell
    notebook.metadata.setdefault("papermill", {})
    if parameters:
        notebook = parameterize_notebook(notebook, dict(parameters), report_mode=False)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(cwd or source.parent)}},
        record_timing=False,
    )
    client.execute()
    return strip_volatile(notebook)


def write_executed(notebook: nbformat.NotebookNode, ipynb: Path) -> list[Path]:
    """Write the executed notebook and its HTML export beside it (``.html``)."""
    import nbformat
    from nbconvert import HTMLExporter

    ipynb.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, ipynb)
    exporter = HTMLExporter(template_name=EXPORT_TEMPLATE)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": ipynb.stem}})
    page = jinja2.Template(PAGE_TEMPLATE.read_text(encoding="utf-8"), autoescape=True).render(title=ipynb.stem, body=body)
    html = ipynb.with_suffix(".html")
    html.write_text(page, encoding="utf-8")
    return [ipynb, html]
