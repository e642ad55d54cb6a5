"""The lineage audit catches a tampered raw file, a hand-edited processed file and a changed input."""

from __future__ import annotations

import pandas as pd
import pytest

from research.audit.lineage import audit_lineage, read_manifest
from research.config import paths as project_paths
from research.errors import InputError
from research.lineage import sha256_file
from research.outputs import write_table


@pytest.fixture
def tree(tmp_path):
    paths = project_paths(tmp_path)
    paths.raw.mkdir(parents=True)
    (paths.raw / "figures.csv").write_text("figure_id,value\nF1,10\n")
    (paths.raw / "external").mkdir()
    (paths.raw / "external" / "google.csv").write_text("period,requests\n2020H1,5\n")
    paths.private.mkdir()
    (paths.private / "real_log.csv").write_text("url\nhttps://x.com/secret\n")
    lines = [f"{sha256_file(paths.raw / name)}  {name}" for name in ("figures.csv", "external/google.csv")]
    paths.manifest.write_text("\n".join(lines) + "\n")
    write_table(pd.DataFrame({"value": [10]}), paths.processed / "counts.csv", inputs=[paths.raw / "figures.csv"], root=paths.root)
    return paths


def test_an_untouched_tree_passes_and_private_files_need_no_manifest_entry(tree):
    assert audit_lineage(tree).empty


def test_a_tampered_raw_file_is_found(tree):
    (tree.raw / "external" / "google.csv").write_text("period,requests\n2020H1,6\n")
    assert audit_lineage(tree)[["file", "kind"]].values.tolist() == [["data/raw/external/google.csv", "raw_changed"]]


def test_a_tampered_input_shows_in_the_manifest_and_in_the_sidecar(tree):
    (tree.raw / "figures.csv").write_text("figure_id,value\nF1,11\n")
    assert audit_lineage(tree)[["file", "kind"]].values.tolist() == [
        ["data/processed/counts.csv", "input_changed"],
        ["data/raw/figures.csv", "raw_changed"],
    ]


def test_a_hand_edited_processed_file_is_found(tree):
    (tree.processed / "counts.csv").write_text("value\n12\n")
    assert audit_lineage(tree)[["file", "kind"]].values.tolist() == [["data/processed/counts.csv", "output_changed"]]


def test_missing_unlisted_and_sidecarless_files_are_listed(tree):
    (tree.raw / "external" / "google.csv").unlink()
    (tree.raw / "new.csv").write_text("a\n1\n")
    (tree.processed / "loose.csv").write_text("a\n1\n")
    assert audit_lineage(tree)[["file", "kind"]].values.tolist() == [
        ["data/processed/loose.csv", "no_sidecar"],
        ["data/raw/external/google.csv", "raw_missing"],
        ["data/raw/new.csv", "raw_unlisted"],
    ]


def test_a_sidecar_whose_file_is_gone_is_found(tree):
    (tree.processed / "counts.csv").unlink()
    assert audit_lineage(tree)[["file", "kind"]].values.tolist() == [["data/processed/counts.csv", "output_missing"]]


def test_a_malformed_manifest_line_names_file_and_line(tree):
    tree.manifest.write_text("0" * 64 + "  figures.csv\nnot a hash line\n")
    with pytest.raises(InputError) as caught:
        read_manifest(tree.manifest)
    assert caught.value.row == 2 and "SHA256SUMS" in str(caught.value.file)


def test_manifest_paths_may_be_root_relative_and_marked_binary(tree):
    tree.manifest.write_text(
        f"{sha256_file(tree.raw / 'figures.csv')} *data/raw/figures.csv\n{sha256_file(tree.raw / 'external' / 'google.csv')}  external/google.csv\n"
    )
    assert audit_lineage(tree).empty
