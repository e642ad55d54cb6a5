"""Outcome and channel words in English, Japanese, Korean and Indonesian; unknown words are not guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.channels import map_channels
from research.clean.outcomes import map_outcomes, normalise_word


@pytest.mark.parametrize(
    ("word", "outcome"),
    [
        ("removed", "removed"), ("Taken down", "removed"), ("削除済み", "removed"), ("削除", "removed"),
        ("삭제", "removed"), ("삭제됨", "removed"), ("dihapus", "removed"), ("terhapus", "removed"),
        ("still online", "online"), ("掲載中", "online"), ("未削除", "online"), ("게시중", "online"),
        ("미삭제", "online"), ("masih tayang", "online"), ("masih online", "online"), ("refused", "online"),
        ("pending", "pending"), ("処理中", "pending"), ("대기", "pending"), ("menunggu", "pending"),
        ("unknown", "unknown"), ("不明", "unknown"), ("미확인", "unknown"), ("tidak diketahui", "unknown"),
    ],
)
def test_words_in_four_languages(word, outcome):
    assert map_outcomes(pd.Series([word]))["category"].iloc[0] == outcome


def test_case_width_and_separators_do_not_matter():
    words = pd.Series(["STILL_ONLINE", "Still-Online", "ＲＥＭＯＶＥＤ", "  masih   tayang "])
    assert map_outcomes(words)["category"].tolist() == ["online", "online", "removed", "online"]
    assert normalise_word("Still-Online") == "still online"


def test_unknown_words_are_flagged_not_guessed():
    out = map_outcomes(pd.Series(["removed", "gone fishing", "", None, "blocked"]))
    assert out["category"].isna().tolist() == [False, True, True, True, True]
    assert out["is_unknown"].tolist() == [False, True, False, False, True]
    assert out["is_blank"].tolist() == [False, False, True, True, False]


def test_extra_words_from_a_mapping_and_their_check():
    out = map_outcomes(pd.Series(["taken offline"]), extra={"taken offline": "removed"})
    assert out["category"].iloc[0] == "removed"
    with pytest.raises(ValueError, match="unknown outcome"):
        map_outcomes(pd.Series(["x"]), extra={"x": "vanished"})


@pytest.mark.parametrize(
    ("word", "channel"),
    [
        ("legal notice", "legal_notice"), ("送信防止措置依頼", "legal_notice"), ("법적 통지", "legal_notice"), ("somasi", "legal_notice"),
        ("platform report", "platform_report"), ("通報", "platform_report"), ("신고", "platform_report"), ("laporan platform", "platform_report"),
        ("DMCA", "copyright_notice"), ("著作権侵害通知", "copyright_notice"), ("저작권 신고", "copyright_notice"), ("hak cipta", "copyright_notice"),
        ("police", "police"), ("警察", "police"), ("경찰", "police"), ("polisi", "police"),
    ],
)
def test_channels_in_four_languages(word, channel):
    assert map_channels(pd.Series([word]))["category"].iloc[0] == channel


def test_unknown_channel_flagged_blank_channel_allowed():
    out = map_channels(pd.Series(["carrier pigeon", ""]))
    assert out["is_unknown"].tolist() == [True, False]
    assert out["is_blank"].tolist() == [False, True]


def test_a_mapping_to_an_unknown_category_is_refused_by_name():
    import pytest

    from research.clean.channels import channel_lookup
    from research.clean.outcomes import outcome_lookup

    with pytest.raises(ValueError, match=r"unknown outcome\(s\) \['deleted-ish'\]"):
        outcome_lookup({"gone": "deleted-ish"})
    with pytest.raises(ValueError, match=r"unknown channel\(s\) \['fax'\]"):
        channel_lookup({"by fax": "fax"})
    assert outcome_lookup({"taken offline": "removed"})["taken offline"] == "removed"


@pytest.mark.parametrize(
    ("word", "outcome", "detail"),
    [
        ("拒否", "online", "refused"), ("無回答", "online", "no_response"), ("refused", "online", "refused"),
        ("거부", "online", "refused"), ("무응답", "online", "no_response"), ("ditolak", "online", "refused"),
        ("tidak ada tanggapan", "online", "no_response"), ("対応なし", "online", "no_action"),
        ("removed by host", "removed", "removed_by_host"), ("delisted", "online", "delisted"),
        ("検索結果から削除", "online", "delisted"), ("掲載中", "online", "online"), ("削除済み", "removed", "removed"),
    ],
)
def test_the_source_word_keeps_its_meaning_beside_the_outcome(word, outcome, detail):
    out = map_outcomes(pd.Series([word]))
    assert (out["category"].iloc[0], out["detail"].iloc[0]) == (outcome, detail)


def test_a_mapping_may_name_a_detail_and_the_outcome_follows():
    out = map_outcomes(pd.Series(["keine antwort", "vom hoster gelöscht"]), extra={"keine antwort": "no_response", "vom hoster gelöscht": "removed_by_host"})
    assert out["category"].tolist() == ["online", "removed"]
    assert out["detail"].tolist() == ["no_response", "removed_by_host"]


def test_new_channels_host_abuse_registrar_search():
    out = map_channels(pd.Series(["abuse desk", "registrar", "search delisting", "レジストラ", "검색 결과 삭제 요청"]))
    assert out["category"].tolist() == ["host_abuse_report", "registrar", "search_delisting", "registrar", "search_delisting"]
