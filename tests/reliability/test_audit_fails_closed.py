"""Issue 15 item 2: the export audit fails closed; control characters are findings."""

from __future__ import annotations

import io
import zipfile

import pytest
from typer.testing import CliRunner

from research.audit.exports import audit_exports
from research.cli import app
from research.config import paths as project_paths


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "processed").mkdir()
    (tmp_path / "reports").mkdir()
    return project_paths(tmp_path)


def _kinds(audit):
    return sorted(zip(audit.findings["file"], audit.findings["kind"]))


def test_a_nul_byte_no_longer_hides_a_quarantine_with_a_url_and_an_email(tree):
    folder = tree.processed / "takedowns" / "mylog"
    folder.mkdir(parents=True)
    (folder / "quarantine.csv").write_bytes(
        b"row_number,column,value,reason\n1,request_id,\x00,x\n2,note,https://victim-site.com/private/path?u=jane,shifted\n3,note,jane@mail-host.com,shifted\n"
    )
    audit = audit_exports(tree)
    name = "data/processed/takedowns/mylog/quarantine.csv"
    assert _kinds(audit) == [(name, "control_character"), (name, "email"), (name, "url_path")]
    excerpts = set(audit.findings["excerpt"])
    assert "U+0000" in excerpts and not any("private" in e or "jane@" in e for e in excerpts)


def test_a_file_that_cannot_be_scanned_is_a_finding(tree):
    (tree.reports / "tables").mkdir()
    (tree.reports / "tables" / "latin1.csv").write_bytes("name\nCafé\n".encode("cp1252"))
    audit = audit_exports(tree)
    assert _kinds(audit) == [("reports/tables/latin1.csv", "unscannable")]
    assert "not UTF-8" in audit.findings["excerpt"].iloc[0] and not audit.passed


def test_an_archive_member_that_cannot_be_scanned_makes_the_archive_a_finding(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bundle/data.csv", "a\nwho@mail-host.com\n")
        archive.writestr("bundle/photo.jpg", b"\xff\xd8\xff\xe0\x00\x00")
    (tree.reports / "bundle.zip").write_bytes(buffer.getvalue())
    assert _kinds(audit_exports(tree)) == [("reports/bundle.zip", "unscannable"), ("reports/bundle.zip!bundle/data.csv", "email")]


def test_control_characters_in_parquet_cells_are_findings(tree):
    import pandas as pd

    pd.DataFrame({"hosting_provider": ["Host\x1bA", "HostB"]}).to_parquet(tree.processed / "x.parquet")
    audit = audit_exports(tree)
    assert _kinds(audit) == [("data/processed/x.parquet", "control_character")]
    assert audit.findings["row"].tolist() == [1]


def test_the_cli_exits_non_zero_on_an_unscannable_file(tree):
    (tree.reports / "font.woff2").write_bytes(b"wOF2\x00\x01")
    result = CliRunner().invoke(app, ["audit", "exports", "--root", str(tree.root)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "unscannable" in result.output
