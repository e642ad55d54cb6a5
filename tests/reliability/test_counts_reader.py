"""Issue 15: the figures reader refuses control characters, and its outputs do not depend on where the clone lives."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.counts import clean_counts_file
from research.config import SEED, paths
from research.pipeline.s10_counts import STAGE as COUNTS
from tests.reliability import damage as d
from tests.reliability.test_corrupted_inputs import FIGURES_HEADER, FIGURES_ROWS


SMALL = [[c.replace("{local}", "Cases") for c in row] for row in FIGURES_ROWS]


def _write(path, rows) -> None:
    path.write_text(d.csv_text(FIGURES_HEADER, rows), encoding="utf-8")


@pytest.fixture
def figures(tmp_path):
    path = tmp_path / "figures.csv"
    _write(path, SMALL)
    return path


def _damage(path, row: int, column: str, text: str) -> None:
    """Put ``text`` into one cell of data row ``row`` (1-based) of the small figures table."""
    _, rows = d.set_cell((FIGURES_HEADER, SMALL), row - 1, column, text)
    _write(path, rows)


@pytest.mark.parametrize("column, text", [("indicator", "Cases\x00 reported"), ("publisher", "Police\x1b[31m"), ("figure_id", "f\x7f1")])
def test_control_characters_in_a_figures_cell_are_quarantined(figures, column, text):
    _damage(figures, 3, column, text)
    result = clean_counts_file(figures, root=figures.parent)
    rows = result.quarantine[result.quarantine["row_number"] == 3]
    assert len(rows) == 1 and rows["column"].iloc[0] == column
    assert "control character" in rows["reason"].iloc[0]
    for value in result.quarantine.astype(str).to_numpy().ravel():  # shown as <U+hhhh>, never written
        assert not any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 0x7F for ch in value)
    assert "<U+" in rows["value"].iloc[0]
    assert result.rows_used + len(result.quarantine) == result.rows_in


def test_control_characters_on_the_cli_exit_zero_and_write_a_clean_quarantine(figures, tmp_path):
    _damage(figures, 2, "indicator", "bad\x00cell")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["counts", "clean", str(figures), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "quarantine.csv").read_text(encoding="utf-8")
    assert "control character" in text and "\x00" not in text


def test_the_quarantine_names_the_input_without_its_absolute_path(figures):
    _damage(figures, 2, "value", "not a number")
    result = clean_counts_file(figures, root=figures.parent.parent)
    reasons = " ".join(result.quarantine["reason"])
    assert f"{figures.parent.name}/figures.csv" in reasons and str(figures.parent.parent) not in reasons
    outside = clean_counts_file(figures, root=figures.parent / "elsewhere")
    assert "file figures.csv," in " ".join(outside.quarantine["reason"])


def test_two_clones_give_byte_identical_counts_outputs(tmp_path, repo_paths):
    """The same inputs in two folders: every file of the counts stage is the same, byte for byte."""
    built = []
    for clone in ("first-clone", "a/much/deeper/second"):
        root = tmp_path / clone
        (root / "data" / "raw").mkdir(parents=True)
        _write(root / "data" / "raw" / "figures.csv", SMALL)
        shutil.copy(repo_paths.raw / "definition_breaks.csv", root / "data" / "raw" / "definition_breaks.csv")
        _damage(root / "data" / "raw" / "figures.csv", 2, "value", "not a number")  # a quarantined row names its file
        project = paths(root)
        COUNTS.run(project, {"lang": "en", "seed": SEED})
        built.append({p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(project.processed.rglob("*")) if p.is_file()})
    assert built[0].keys() == built[1].keys() and "data/processed/quarantine.csv" in built[0]
    assert b"data/raw/figures.csv" in built[0]["data/processed/quarantine.csv"]
    for name in built[0]:
        assert built[0][name] == built[1][name], name
