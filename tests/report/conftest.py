"""A small stand-in project: two raw figures, their counts and trend, one trend and one takedown figure."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import paths
from research.lineage import write_sidecar
from research.plots.style import new_figure, save_figure, source_caption, watermark_synthetic

FIGURES_CSV = """figure_id,series_id,country,publisher,indicator,period_start,period_end,value,unit,source_url,source_date,source_domain,source_tier
F1,KR_TEST_CASES,KR,Korean National Police Agency,Deepfake sex crime cases,2021-01-01,2021-12-31,156,cases,https://police.example/news/1,2022-02-01,police.example,1
F2,KR_TEST_CASES,KR,Korean National Police Agency,Deepfake sex crime cases,2022-01-01,2022-12-31,160,cases,https://police.example/news/2,2023-02-01,police.example,1
F3,JP_PAPS_REMOVAL_REQUESTS_TOTAL,JP,PAPS,Files whose removal was requested,2019-04-01,2025-03-31,99266,files,https://news.example/paps,2025-05-20,news.example,3
F4,JP_PAPS_FILES_STILL_ONLINE,JP,PAPS,Files still online,2019-04-01,2025-03-31,30625,files,https://news.example/paps,2025-05-20,news.example,3
"""
#: The stand-in synthetic figure's title in each page language.
DOMAINS_TITLES = {"en": "URLs still online by domain", "id": "URL yang masih daring per domain", "ja": "ドメイン別のオンラインのURL", "ko": "도메인별 온라인 URL"}


@pytest.fixture()
def project(tmp_path):
    """A project tree whose report contents can be checked by hand."""
    return make_project(tmp_path)


def make_project(tmp_path):
    """Write the stand-in project under ``tmp_path`` and return its paths."""
    root = paths(tmp_path)
    root.raw.mkdir(parents=True)
    root.figures_csv.write_text(FIGURES_CSV)
    counts = pd.DataFrame(
        {
            "series_id": ["KR_TEST_CASES", "KR_TEST_CASES", "JP_PAPS_REMOVAL_REQUESTS_TOTAL", "JP_PAPS_FILES_STILL_ONLINE"],
            "country": ["KR", "KR", "JP", "JP"],
            "unit": ["count"] * 4,
            "value": [156.0, 160.0, 99266.0, 30625.0],
            "period_start": ["2021-01-01", "2022-01-01", "2019-04-01", "2019-04-01"],
            "period_end": ["2021-12-31", "2022-12-31", "2025-03-31", "2025-03-31"],
            "source_ids": ["F1", "F2", "F3", "F4"],
            "publishers": ["Korean National Police Agency", "Korean National Police Agency", "PAPS", "PAPS"],
        }
    )
    root.processed.mkdir(parents=True)
    counts.to_csv(root.processed / "counts.csv", index=False)
    trends = pd.DataFrame(
        {
            "series_id": ["KR_TEST_CASES"], "segment": [0], "country": ["KR"], "indicator": ["Deepfake sex crime cases"],
            "counted": ["cases"], "status": ["fitted"], "n_points": [2], "model": ["poisson"],
            "first_period_start": ["2021-01-01"], "last_period_end": ["2022-12-31"],
            "growth_factor": [1.0256], "growth_factor_low": [0.8234], "growth_factor_high": [1.2775],
            "doubling_time_years": [27.4], "summary": ["no clear change"],
        }
    )
    trends.to_csv(root.processed / "trends.csv", index=False)
    fig, ax = new_figure()
    ax.plot([2021, 2022], [156, 160])
    source_caption(fig, ["Korean National Police Agency"])
    save_figure(fig, root.figures / "trends" / "KR_TEST_CASES", formats=("png",))
    # The synthetic figure, drawn in every page language as the analysis stages draw theirs.
    for lang, title in DOMAINS_TITLES.items():
        fig, ax = new_figure()
        ax.bar(["a.example", "b.example"], [40, 3])
        ax.set_title(title).set_gid("figure-title")
        watermark_synthetic(fig)
        folder = root.figures / "takedowns" if lang == "en" else root.figures / "takedowns" / lang
        save_figure(fig, folder / "domains_online", formats=("png", "svg"))
    table = root.figures / "takedowns" / "domains_online.csv"
    pd.DataFrame({"domain": ["a.example", "b.example"], "n_urls": [40, 3], "online": [12, 0], "non_removal_rate": [0.3, 0.0], "synthetic": [True, True]}).to_csv(table, index=False)
    # Synthetic by recorded provenance (as the toolkit's writers leave it), not by the column.
    write_sidecar(table, [], synthetic=True, synthetic_evidence="test fixture: made by the synthetic generator")
    return root
