"""The report takes its figures from the figure sets the catalogue declares, never by searching."""

from __future__ import annotations

import shutil

from research import catalogue
from research.report.build import build_reports, input_files
from research.report.figures import collect_figures, declared_images


def _keys(project):
    return [e.key for e in collect_figures(project, figures=None, counts=None, package=None)]


def test_an_undeclared_png_under_reports_figures_is_never_a_figure(project):
    before = _keys(project)
    assert before == ["trends-KR_TEST_CASES", "takedowns-domains_online"]
    image = project.figures / "trends" / "KR_TEST_CASES.png"
    # PNGs in no declared figure set: a folder of its own, and folders below a set's folder.
    strays = [
        project.figures / "scratch" / "old.png",
        project.figures / "takedowns" / "synthetic" / "drafts" / "funnel.png",
        project.figures / "networks" / "synthetic" / "v1" / "lorenz.png",
    ]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image, stray)
        stray.with_suffix(".csv").write_text("domain,n_urls\na.example,3\n")
    assert _keys(project) == before
    assert not set(strays) & set(declared_images(project))
    assert not set(strays) & set(input_files(project))
    build_reports(project, ("en",))
    bundles = sorted(p.name for p in (project.reports / "bundles").iterdir() if p.is_dir())
    assert not [b for b in bundles if "old" in b or "drafts" in b or "v1" in b]
    html = (project.reports / "demo.html").read_text() + (project.reports / "report.html").read_text()
    assert "scratch" not in html and "drafts" not in html


def test_a_figure_drawn_into_a_declared_set_is_picked_up_with_its_files(project):
    folder = catalogue.path("network_figures", project)
    folder.mkdir(parents=True)
    shutil.copyfile(project.figures / "trends" / "KR_TEST_CASES.png", folder / "lorenz.png")
    (folder / "ja").mkdir()
    shutil.copyfile(folder / "lorenz.png", folder / "ja" / "lorenz.png")
    assert _keys(project)[-1] == "networks-synthetic-lorenz"
    assert len(_keys(project)) == 3  # the Japanese drawing is the same figure
    files = input_files(project)
    assert folder / "lorenz.png" in files and folder / "ja" / "lorenz.png" in files
