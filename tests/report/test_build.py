"""The report built from the stand-in project: findings, sources, disclosure, bundles, tables, languages."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from research.i18n import LOCALES_DIR
from research.report.build import build_reports
from research.report.render import png_size
from tests.report.conftest import make_project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the stand-in project shared by the tests that only read it (a rebuild must give the same bytes)."""
    project = make_project(tmp_path_factory.mktemp("report"))
    return project, build_reports(project)


def _keys(path):
    # break_<ID> entries translate the registry's English text; English reads the registry itself.
    return {k for k in yaml.safe_load(path.read_text(encoding="utf-8")) if not k.startswith("break_B")}


def test_every_language_has_every_key():
    catalogues = {p.parent.name: _keys(p) for p in LOCALES_DIR.glob("*/report.yml")}
    assert {"en", "id", "ja", "ko"} <= set(catalogues)
    for lang, keys in catalogues.items():
        assert keys == catalogues["en"], f"{lang}: {sorted(keys ^ catalogues['en'])}"


def test_every_registry_break_is_translated():
    registry = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "raw" / "definition_breaks.csv")
    for lang in ("id", "ja", "ko"):
        entries = yaml.safe_load((LOCALES_DIR / lang / "report.yml").read_text(encoding="utf-8"))
        missing = [b for b in registry["break_id"] if f"break_{b}" not in entries]
        assert not missing, f"{lang} lacks translations of {missing}"


def test_japanese_and_korean_text_is_translated_not_copied():
    en = yaml.safe_load((LOCALES_DIR / "en" / "report.yml").read_text(encoding="utf-8"))
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
    for lang in ("ja", "ko"):
        entries = yaml.safe_load((LOCALES_DIR / lang / "report.yml").read_text(encoding="utf-8"))
        # Every sentence-like entry (more than two words in English) carries Japanese or Korean script.
        untranslated = [k for k, v in en.items() if len(str(v).split()) > 2 and not cjk.search(str(entries[k]))]
        assert not untranslated, f"{lang}: {untranslated}"


def test_report_states_findings_with_intervals_and_sources(built):
    # Changed by issue 13: a two-point trend is no main point; the growth table is in the appendix.
    root, _ = built
    html = (root.reports / "report.html").read_text()
    assert "99,266" in html and "30,625" in html and "30.9%" in html
    appendix = (root.reports / "appendix.html").read_text()
    assert "KR_TEST_CASES" in appendix and "1.026" in appendix
    assert "Korean National Police Agency (2022). Deepfake sex crime cases. https://police.example/news/1" in html
    assert "How to cite and reuse this report" in html


def test_report_is_self_contained(built):
    root, _ = built
    for page in ("report.html", "report.ja.html", "demo.html", "appendix.ko.html"):
        html = (root.reports / page).read_text()
        assert "<link" not in html and "<script" not in html and 'src="http' not in html, page
        assert html.count("<img") == html.count('<img src="data:image/png;base64,'), page
    # The main page draws the published funnel; the synthetic figure is on the demonstration page only.
    assert (root.reports / "report.html").read_text().count("<img") == 1
    assert (root.reports / "demo.html").read_text().count("<img") == 1


def test_indonesian_report_uses_its_catalogue_and_separators(built):
    root, _ = built
    html = (root.reports / "report.id.html").read_text()
    assert "Pokok-pokok temuan" in html and "Cara mengutip dan menggunakan ulang laporan ini" in html
    assert "99.266" in html and "30,9%" in html
    assert (root.reports / "report.id.md").exists()


def test_synthetic_figure_is_watermarked_and_its_table_suppressed(built):
    root, _ = built
    bundle = root.reports / "bundles" / "takedowns-domains_online"
    data = pd.read_csv(bundle / "data.csv", dtype=str, keep_default_na=False)
    assert data["synthetic"].str.startswith("synthetic").all()
    assert data["n_urls"].tolist() == ["40", "<10"]
    assert data["online"].tolist() == ["12", "<10"]
    meta = json.loads((bundle / "metadata.json").read_text())
    assert meta["synthetic"] is True and meta["origin"] == "takedown_log"
    assert meta["suppressed_cells"] == int(data.isin(["<10", "[c]"]).to_numpy().sum()) == 2  # issue 13 item 8
    # Changed by issue 13: the synthetic figure lives on the watermarked demonstration page only.
    assert "SYNTHETIC" not in (root.reports / "report.md").read_text()
    assert "SYNTHETIC — ILLUSTRATIVE" in (root.reports / "demo.html").read_text()


def test_public_figure_bundle_keeps_published_values_and_sources(built):
    root, _ = built
    bundle = root.reports / "bundles" / "trends-KR_TEST_CASES"
    data = pd.read_csv(bundle / "data.csv")
    assert data["value"].tolist() == [156.0, 160.0]
    meta = json.loads((bundle / "metadata.json").read_text())
    assert {s["url"] for s in meta["sources"]} == {"https://police.example/news/1", "https://police.example/news/2"}
    with zipfile.ZipFile(root.reports / "bundles" / "trends-KR_TEST_CASES.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and "trends-KR_TEST_CASES/README.md" in names
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_paper_tables_written_as_csv_and_tex(built):
    root, _ = built
    tex = (root.tables / "trends_growth.tex").read_text()
    assert "\\toprule" in tex and "KR\\_TEST\\_CASES" in tex
    assert pd.read_csv(root.tables / "trends_growth.csv")["growth_factor"].tolist() == [1.0256]


def test_rebuild_gives_identical_bytes(built):
    root, first = built
    before = {p: p.read_bytes() for p in first}
    second = build_reports(root)
    assert sorted(second) == sorted(first)
    assert all(p.read_bytes() == before[p] for p in second)


def test_png_size_reads_header(built):
    root, _ = built
    width, height = png_size((root.figures / "trends" / "KR_TEST_CASES.png").read_bytes())
    assert (width, height) == (1125, 675)


def test_trend_bundle_holds_only_its_own_series(project):
    import pandas as pd

    counts = pd.read_csv(project.processed / "counts.csv")
    longer = counts.head(1).assign(series_id="KR_TEST_CASES_MALE", value=7.0)
    pd.concat([counts, longer]).to_csv(project.processed / "counts.csv", index=False)
    build_reports(project, ("en",))
    data = pd.read_csv(project.reports / "bundles" / "trends-KR_TEST_CASES" / "data.csv")
    assert data["series_id"].unique().tolist() == ["KR_TEST_CASES"]


def test_without_a_repository_address_the_page_says_so_and_how_to_cite(built):
    root, _ = built
    for page, words in (("report.html", "No public address of the code repository is recorded yet"), ("report.ja.html", "公開アドレスはまだ記録されていない")):
        html = (root.reports / page).read_text()
        cite = html.split('<section id="cite">', 1)[1]
        assert words in cite and "git checkout" in cite, page
        assert re.search(r"commit [0-9a-f]{7,}|コミット [0-9a-f]{7,}", cite) and re.search(r"sha256 [0-9a-f]{64}", cite), page
        assert "http" not in cite.split("</p>", 1)[0]  # no address is made up
    readme = (root.reports / "bundles" / "trends-KR_TEST_CASES" / "README.md").read_text()
    assert "No public address of the code repository is recorded yet" in readme


def test_a_recorded_repository_address_is_cited_and_the_note_goes(project):
    (project.root / "CITATION.cff").write_text("cff-version: 1.2.0\nrepository-code: https://code.example/research\n")
    build_reports(project, ("en",))
    html = (project.reports / "report.html").read_text()
    assert "https://code.example/research" in html and "No public address of the code repository" not in html
    meta = json.loads((project.reports / "bundles" / "trends-KR_TEST_CASES" / "metadata.json").read_text())
    assert meta["report_version"]["repository"] == "https://code.example/research"


def test_bundle_readme_has_columns_sources_with_tier_and_access_date_and_the_withheld_count(built):
    root, _ = built
    readme = (root.reports / "bundles" / "takedowns-domains_online" / "README.md").read_text()
    data = pd.read_csv(root.reports / "bundles" / "takedowns-domains_online" / "data.csv", dtype=str, keep_default_na=False)
    for column in data.columns:
        assert f"- `{column}`: " in readme
    withheld = int(data.isin(["<10", "[c]"]).to_numpy().sum())
    assert f"Cells withheld: {withheld} " in readme
    public = (root.reports / "bundles" / "trends-KR_TEST_CASES" / "README.md").read_text()
    assert "https://police.example/news/1" in public and re.search(r"source tier 1", public)
    assert "MIT" in public and "CC BY 4.0" in public


def test_report_build_out_writes_elsewhere_and_keeps_reports(project, tmp_path):
    from typer.testing import CliRunner

    from research.cli import app

    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(app, ["report", "build", "--root", str(project.root), "--lang", "en", "--lang", "ja", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").exists() and (out / "report.ja.md").exists() and (out / "bundles" / "trends-KR_TEST_CASES.zip").exists()
    assert not (project.reports / "report.html").exists()
    # Links from a page written elsewhere still reach the project's figures.
    md = (out / "report.md").read_text()
    links = re.findall(r"\]\(([^)]+\.png)\)", md)
    assert links
    for link in links:
        target = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", link)  # CommonMark backslash escapes
        assert (out / target).resolve().exists(), link


def test_a_language_page_refuses_to_show_another_languages_drawing(project):
    from research.errors import ResearchError
    from research.report.build import localised_image
    from research.report.figures import collect_figures

    entry = collect_figures(project, figures=None, counts=None, package=None)[0]
    assert localised_image(entry, "en") == entry.image
    with pytest.raises(ResearchError, match="ja page needs its own drawing"):
        localised_image(entry, "ja")
    (entry.image.parent / "ja").mkdir()
    (entry.image.parent / "ja" / entry.image.name).write_bytes(entry.image.read_bytes())
    assert localised_image(entry, "ja") == entry.image.parent / "ja" / entry.image.name
    # Another language's drawing is the same figure, not an entry of its own.
    assert [e.key for e in collect_figures(project, figures=None, counts=None, package=None)] == [e.key for e in [entry]] + ["takedowns-domains_online"]


def test_the_published_funnel_credits_its_sources_with_tier_and_access_date(built):
    root, _ = built
    readme = (root.reports / "bundles" / "report-paps_funnel" / "README.md").read_text()
    assert "https://news.example/paps" in readme and "source tier 3" in readme
    html = (root.reports / "report.html").read_text()
    funnel = html.split('id="figure-report-paps_funnel"', 1)[1].split("</figure>", 1)[0]
    assert "https://news.example/paps" in funnel
