"""Every language has every trend message with the same fields; refusals are catalogue messages."""

from __future__ import annotations

import string

import pandas as pd

from research.i18n import available_languages, catalogue
from research.trends.analysis import analyse_counts, trends_table

from tests.trends.trend_helpers import make_series


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_the_english_keys_and_fields():
    english = catalogue("trends", "en")
    assert "id" in available_languages()
    for lang in available_languages():
        messages = catalogue("trends", lang)
        assert set(messages) == set(english), lang
        for key, template in messages.items():
            assert template.strip(), (lang, key)
            assert fields(template) == fields(english[key]), (lang, key)


def test_refusal_reasons_and_summaries_follow_the_language():
    rows = pd.concat([make_series([5, -1, 7]).assign(series_id="NEG"), make_series([40, 45]).assign(series_id="SHARE", unit="percent")], ignore_index=True)
    english = trends_table(analyse_counts(rows, file="counts.csv")).set_index("series_id")
    indonesian = trends_table(analyse_counts(rows, file="counts.csv", lang="id")).set_index("series_id")
    assert english.loc["NEG", "reason"] == "a count cannot be negative (row 2 of counts.csv)"
    assert indonesian.loc["NEG", "reason"] == "jumlah tidak boleh negatif (baris 2 dari counts.csv)"
    assert english.loc["NEG", "reason_code"] == indonesian.loc["NEG", "reason_code"] == "negative"
    assert "tren tidak diperkirakan karena jumlah tidak boleh negatif" in indonesian.loc["NEG", "summary"]
    assert indonesian.loc["SHARE", "reason"] == "tidak ada jumlah yang pasti (satuan: percent)"
    assert indonesian.loc["SHARE", "reason_code"] == "no_exact_counts"
