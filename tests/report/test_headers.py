"""Table headers on the pages come from the header catalogue, complete in every language."""

from __future__ import annotations

import pandas as pd
import pytest

from research.errors import ResearchError
from research.i18n import LANGUAGES, catalogue
from research.report.build import APPENDIX_TREND_COLUMNS, with_headers
from research.report.tables import TREND_COLUMNS
from research.trends.interventions import INTERVENTION_COLUMNS
from research.trends.joinpoint import AVERAGE_COLUMNS, SEGMENT_COLUMNS

SHOWN = {*APPENDIX_TREND_COLUMNS, *SEGMENT_COLUMNS, *AVERAGE_COLUMNS, *INTERVENTION_COLUMNS, *(names[0] for names in TREND_COLUMNS)}


@pytest.mark.parametrize("domain", ["headers", "figures", "report", "columns", "trends", "takedowns", "networks", "counts"])
def test_every_language_has_the_english_keys(domain):
    english = catalogue(domain, "en")
    for lang in LANGUAGES:
        if domain == "columns" and lang != "en":
            continue  # the bundles' column dictionary is English (bundles are shared by every page)
        # Break texts: English is the registry's own text; other languages translate it here.
        messages = {k for k in catalogue(domain, lang) if not (domain == "report" and k.startswith("break_B"))}
        assert messages == set(english), (domain, lang, set(english) ^ messages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_column_the_appendix_shows_has_a_header(lang):
    frame = pd.DataFrame(columns=sorted(SHOWN))
    headed = with_headers(frame, lang)
    assert not set(headed.columns) & (SHOWN - {"segment"} if lang == "en" else SHOWN)  # renamed, not passed through
    assert all(str(h).strip() for h in headed.columns)


def test_a_column_without_a_header_fails_closed():
    with pytest.raises(ResearchError, match=r"no ja header for column.*made_up_column"):
        with_headers(pd.DataFrame(columns=["series_id", "made_up_column"]), "ja")
