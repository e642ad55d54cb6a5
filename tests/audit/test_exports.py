"""The export audit on a small hand-made project tree: each rule, each format."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from research.audit.exports import audit_exports, is_count_column, is_takedown_export
from research.config import paths as project_paths
from research.plots.style import save_figure

SOURCE_URL = "https://www.stop.or.kr/home/kor/board.do?act=detail&idx=1"


@pytest.fixture
def tree(tmp_path):
    """A project with one cited source URL and no exports yet."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "figures.csv").write_text(f"figure_id,value,source_url,source_date\nF1,245416,{SOURCE_URL},2025-04-10\n", encoding="utf-8")
    (raw / "datapackage.json").write_text(json.dumps({"sources": [{"path": "https://lumendatabase.org/about"}]}))
    (tmp_path / "data" / "processed").mkdir()
    (tmp_path / "reports").mkdir()
    return project_paths(tmp_path)


def _write(paths, relative, text):
    target = paths.root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _kinds(audit):
    return sorted(zip(audit.findings["file"], audit.findings["kind"]))


def test_an_empty_tree_passes(tree):
    audit = audit_exports(tree)
    assert audit.passed and audit.scanned == []


def test_cited_source_urls_are_allowed_in_public_reports_only(tree):
    _write(tree, "reports/report.md", f"Source: <{SOURCE_URL}>, about https://lumendatabase.org/about.\n")
    _write(tree, "reports/tables/takedowns/sources.md", f"Source: {SOURCE_URL}\n")
    audit = audit_exports(tree)
    assert _kinds(audit) == [("reports/tables/takedowns/sources.md", "url_path")]


def test_html_entities_are_decoded_before_comparing_to_the_allowed_list(tree):
    escaped = SOURCE_URL.replace("&", "&amp;")
    _write(tree, "reports/report.html", f'<p><a href="{escaped}">source</a> <img src="data:image/png;base64,iVBORw0KGgo/AAA+bbb=="></p>\n')
    assert audit_exports(tree).passed


def test_an_uncited_url_path_in_a_report_is_a_finding_with_its_line(tree):
    _write(tree, "reports/report.md", "# Findings\n\nsee https://mirror-3.net/v/8812 for the clip\n")
    findings = audit_exports(tree).findings
    assert findings[["file", "line", "kind"]].values.tolist() == [["reports/report.md", 3, "url_path"]]
    assert "8812" not in findings["excerpt"].iloc[0]


def test_internal_takedown_tables_may_hold_small_counts_but_never_urls(tree):
    _write(tree, "data/processed/takedowns/synthetic/takedowns.csv", "url_id,domain,n\nab12,site-1.com,1\ncd34,site-2.com,2\n")
    assert audit_exports(tree).passed
    _write(tree, "data/processed/takedowns/synthetic/quarantine.csv", f"row_number,column,value,reason\n7,url,{SOURCE_URL},bad\n")
    findings = audit_exports(tree).findings
    assert findings[["file", "line", "row", "column", "kind"]].values.tolist() == [
        ["data/processed/takedowns/synthetic/quarantine.csv", 2, 1, "value", "url_path"]
    ]


def test_small_counts_in_takedown_exports_are_findings_and_suppressed_ones_are_not(tree):
    _write(
        tree,
        "reports/tables/takedowns/funnel_by_domain.csv",
        "domain,n_requests,removed,removal_rate,median_days\nsite-1.com,<10,<10,,3\nsite-2.com,40,0,0.0,12\nsite-3.com,12,11,0.92,2\n",
    )
    findings = audit_exports(tree).findings
    assert findings[["line", "row", "column", "kind"]].values.tolist() == [[3, 2, "removed", "small_count"]]


def test_small_counts_in_public_statistics_are_shown_as_published(tree):
    _write(tree, "reports/tables/counts_by_year.csv", "year,cases\n2018,3\n2019,7\n")
    assert audit_exports(tree).passed


def test_network_exports_are_takedown_derived_including_parquet(tree):
    target = tree.processed / "network" / "edges.parquet"
    target.parent.mkdir(parents=True)
    pd.DataFrame({"source": ["a.com", "b.com"], "target": ["b.com", "c.com"], "weight": [25, 4]}).to_parquet(target)
    findings = audit_exports(tree).findings
    assert findings[["file", "row", "column", "kind"]].values.tolist() == [["data/processed/network/edges.parquet", 2, "weight", "small_count"]]


def test_parquet_text_columns_are_scanned_with_row_numbers(tree):
    target = tree.processed / "summary.parquet"
    pd.DataFrame({"note": ["fine", "ring 010-1234-5678"]}).to_parquet(target)
    findings = audit_exports(tree).findings
    assert findings[["row", "column", "kind"]].values.tolist() == [[2, "note", "phone"]]


def test_figures_svg_pdf_png_text_is_scanned_and_namespaces_are_allowed(tree):
    fig, ax = plt.subplots()
    ax.set_title("contact +82 2-123-4567")
    save_figure(fig, tree.figures / "leaky")
    kinds = _kinds(audit_exports(tree))
    assert ("reports/figures/leaky.svg", "phone") in kinds
    assert all(kind == "phone" for _, kind in kinds)  # w3.org namespace URIs are not findings


def _png_with_text(key: str, value: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"tEXt", f"{key}\0{value}".encode("latin-1")) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_png_metadata_chunks_are_scanned(tree):
    (tree.figures).mkdir(parents=True)
    (tree.figures / "x.png").write_bytes(_png_with_text("Source", "https://mirror-3.net/v/1"))
    findings = audit_exports(tree).findings
    assert findings[["file", "column", "kind"]].values.tolist() == [["reports/figures/x.png", "PNG Source", "url_path"]]


def test_zip_members_and_notebook_outputs_are_scanned(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bundle/data.csv", "domain,note\nsite.com,mail me@example.org\n")
    (tree.reports / "bundle.zip").write_bytes(buffer.getvalue())
    notebook = {"cells": [{"cell_type": "code", "outputs": [{"text": "https://mirror-3.net/v/1"}], "source": ""}]}
    _write(tree, "reports/notebooks/02_takedown_outcomes.ipynb", json.dumps(notebook, indent=1))
    assert _kinds(audit_exports(tree)) == [
        ("reports/bundle.zip!bundle/data.csv", "email"),
        ("reports/notebooks/02_takedown_outcomes.ipynb", "url_path"),
    ]


def test_unreadable_binaries_are_findings_and_listed_as_skipped(tree):
    # Since issue 15 the audit fails closed: a file it cannot scan is a finding (it was only listed).
    tree.figures.mkdir(parents=True)
    (tree.figures / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\0")
    (tree.processed / "broken.parquet").write_bytes(b"PAR1 not really")
    audit = audit_exports(tree)
    assert list(audit.skipped) == ["reports/figures/photo.jpg"]
    assert _kinds(audit) == [("data/processed/broken.parquet", "unreadable"), ("reports/figures/photo.jpg", "unscannable")]


@pytest.mark.parametrize(
    "name, expected",
    [("n_requests", True), ("removed", True), ("still_online", True), ("weight", True), ("n", True),
     ("removal_rate", False), ("removed_share", False), ("median_days", False), ("community_id", False),
     ("year", False), ("asn", False), ("removal_rate_low", False)],
)
def test_count_columns_are_recognised_by_name(name, expected):
    assert is_count_column(name) is expected


@pytest.mark.parametrize(
    "relative, expected",
    [("reports/tables/takedowns/funnel.csv", True), ("reports/networks/cohosting.gexf", True),
     ("reports/figures/networks/lorenz.svg", True), ("reports/tables/takedown_funnel.csv", True),
     ("data/processed/network/nodes.csv", True), ("data/processed/takedowns/x/takedowns.csv", False),
     ("reports/tables/trends.csv", False), ("reports/report.html", False)],
)
def test_the_path_rule_for_takedown_derived_exports(relative, expected):
    assert is_takedown_export(relative) is expected


def test_gzipped_files_are_scanned_and_only_a_generated_raw_log_may_keep_urls(tree):
    # Since issue 15: the generator's marker decides, not the log's `synthetic` column.
    import gzip

    from research.clean.synthetic_marker import write_marker

    folder = tree.processed / "takedowns" / "synthetic"
    folder.mkdir(parents=True)
    log = "request_id,url,synthetic\nR1,https://site-9.com/v/1,true\nR2,https://site-9.com/v/2,true\n"
    (folder / "synthetic_log.csv.gz").write_bytes(gzip.compress(log.encode(), mtime=0))
    assert _kinds(audit_exports(tree)) == [("data/processed/takedowns/synthetic/synthetic_log.csv.gz", "url_path")] * 2  # no marker
    write_marker(folder / "synthetic_log.csv.gz", "research.takedowns.synth")
    assert audit_exports(tree).passed
    (folder / "synthetic_log.csv.gz").write_bytes(gzip.compress(log.replace("v/2,true", "v/3,true").encode(), mtime=0))
    (folder / "export.csv.gz").write_bytes(gzip.compress(log.encode()))
    assert _kinds(audit_exports(tree)) == [("data/processed/takedowns/synthetic/export.csv.gz", "url_path")] * 2 + [
        ("data/processed/takedowns/synthetic/synthetic_log.csv.gz", "url_path")
    ] * 2


def test_published_aggregates_beside_takedown_tables_are_shown_as_published(tree):
    _write(tree, "reports/tables/takedowns/google/funnel_by_country.csv", "country,requests,items\nKR,3,7\n")
    assert audit_exports(tree).passed
    assert not is_takedown_export("reports/tables/takedowns/google/funnel_by_country.csv")


def test_fractional_values_are_not_counts_and_public_publisher_text_is_allowed(tree):
    (tree.raw / "figures.csv").write_text("figure_id,publisher,source_url\nF1,Irish Times (via BreakingNews.ie/PA),\n", encoding="utf-8")
    _write(tree, "data/processed/counts.csv", "series_id,publishers\nS1,Irish Times (via BreakingNews.ie/PA);Garda\n")
    _write(tree, "data/processed/network/clusters.csv", "cluster,mean_urls,urls\n1,3.74,12\n")
    assert audit_exports(tree).passed


def test_several_processes_give_the_same_audit_as_one(tree):
    tree.figures.mkdir(parents=True)
    (tree.figures / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\0")
    (tree.processed / "broken.parquet").write_bytes(b"PAR1 not really")
    _write(tree, "reports/takedowns/funnel.csv", "outcome,n_requests\nremoved,3\nonline,<10\n")
    _write(tree, "reports/page.html", f"<p>{SOURCE_URL} and https://mirror-3.net/v/1 and me@example.org</p>")
    for index in range(12):
        _write(tree, f"reports/tables/t{index:02d}.csv", f"country,value\nKR,{index}\n")
    one, two = audit_exports(tree), audit_exports(tree, workers=2)
    assert len(one.findings) == 5 and one.scanned == sorted(one.scanned) and len(one.scanned) == 14
    pd.testing.assert_frame_equal(two.findings, one.findings)
    assert (two.scanned, two.skipped) == (one.scanned, one.skipped)
