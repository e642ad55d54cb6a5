"""Committed notebooks must carry no outputs: an output can hold a table of real data."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

NOTEBOOK_COLUMNS = ["file", "cell", "kind"]


def notebook_output_findings(notebooks: Iterable[str | Path]) -> pd.DataFrame:
    """Cells with outputs or execution counts in the given ``.ipynb`` files (1-based cell numbers).

    An unreadable notebook is a finding too (``unreadable``), since it cannot be shown clean.
    """
    rows = []
    for notebook in sorted(Path(n) for n in notebooks):
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            rows.append({"file": notebook.as_posix(), "cell": None, "kind": "unreadable"})
            continue
        for number, cell in enumerate(cells, start=1):
            if cell.get("outputs"):
                rows.append({"file": notebook.as_posix(), "cell": number, "kind": "outputs"})
            elif cell.get("execution_count") is not None:
                rows.append({"file": notebook.as_posix(), "cell": number, "kind": "execution_count"})
    return pd.DataFrame(rows, columns=NOTEBOOK_COLUMNS).astype({"cell": "Int64"})
