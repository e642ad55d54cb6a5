"""Outcome words of takedown logs → ``removed``, ``online``, ``pending``, ``unknown``, and the word's own meaning.

Logs record the result of a removal request in the words of whoever kept them: English,
Japanese, Korean or Indonesian, with or without spaces, in any case. Each word known here maps to
one *detail* — what the source said (``refused``, ``no_response``, ``removed_by_host``,
``delisted`` …, :data:`OUTCOME_DETAILS`) — and each detail to one of the four outcomes. A word
that is not known is *not guessed* — the row goes to quarantine, and the word can be added to the
vocabulary (or to a mapping file) once someone has checked what it means.

``delisted`` (removed from a search engine's results, still hosted) is a non-removal: the file
can still be reached at its URL, so its outcome is ``online`` and it is counted apart from
removal wherever details are shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from research.clean.arrow_text import distinct_trimmed

OUTCOMES: tuple[str, ...] = ("removed", "online", "pending", "unknown")

#: What the source said, and the outcome each meaning counts as. The four outcomes are details too
#: (a word that says no more than "online" keeps ``online``).
OUTCOME_DETAILS: dict[str, str] = {
    "removed": "removed",
    "removed_by_host": "removed",
    "online": "online",
    "refused": "online",
    "no_response": "online",
    "no_action": "online",
    "delisted": "online",
    "pending": "pending",
    "unknown": "unknown",
}

#: Words (already normalised by :func:`normalise_word`) for each detail, by language.
DETAIL_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "removed": {
        "en": ("removed", "taken down", "takedown", "deleted", "content removed"),
        "ja": ("削除済み", "削除済", "削除", "削除完了", "削除された", "削除確認"),
        "ko": ("삭제", "삭제됨", "삭제완료", "삭제 완료", "삭제 확인"),
        "id": ("dihapus", "terhapus", "sudah dihapus", "diturunkan", "sudah diturunkan"),
    },
    "removed_by_host": {
        "en": ("removed by host", "host removed", "removed by hosting provider", "suspended by host"),
        "ja": ("ホスト側で削除", "サーバー側で削除", "プロバイダが削除"),
        "ko": ("호스팅 삭제", "호스팅 업체 삭제"),
        "id": ("dihapus oleh hosting", "dihapus penyedia hosting"),
    },
    "online": {
        "en": ("online", "still online", "live", "not removed", "active", "available"),
        "ja": ("掲載中", "未削除", "削除されず", "公開中", "残存"),
        "ko": ("게시중", "게시 중", "미삭제", "삭제 안됨", "유지"),
        "id": ("masih tayang", "masih online", "masih ada", "belum dihapus", "tidak dihapus", "aktif"),
    },
    "refused": {
        "en": ("refused", "declined", "rejected", "request refused"),
        "ja": ("拒否", "削除拒否", "対応拒否"),
        "ko": ("거부", "삭제 거부"),
        "id": ("ditolak", "permintaan ditolak"),
    },
    "no_response": {
        "en": ("no response", "no reply", "no answer", "ignored", "unanswered"),
        "ja": ("無回答", "回答なし", "返信なし", "無視"),
        "ko": ("무응답", "응답 없음", "답변 없음"),
        "id": ("tidak ada tanggapan", "tidak ada jawaban", "tidak dijawab", "diabaikan"),
    },
    "no_action": {
        "en": ("no action", "no action taken"),
        "ja": ("対応なし",),
        "ko": ("조치 없음",),
        "id": ("tidak ada tindakan",),
    },
    "delisted": {
        "en": ("delisted", "de listed", "deindexed", "de indexed", "removed from search", "removed from search results"),
        "ja": ("検索結果から削除", "検索除外", "検索削除"),
        "ko": ("검색 제외", "검색 결과 삭제", "검색결과 삭제"),
        "id": ("dihapus dari pencarian", "dihapus dari hasil pencarian"),
    },
    "pending": {
        "en": ("pending", "in progress", "waiting", "awaiting response", "sent", "requested", "under review"),
        "ja": ("処理中", "対応中", "申請中", "確認中", "依頼済み", "回答待ち"),
        "ko": ("대기", "대기중", "대기 중", "처리중", "처리 중", "검토중", "검토 중"),
        "id": ("menunggu", "diproses", "sedang diproses", "dalam proses", "ditinjau"),
    },
    "unknown": {
        "en": ("unknown", "not checked", "unverified", "cannot verify"),
        "ja": ("不明", "確認不能", "未確認"),
        "ko": ("알 수 없음", "불명", "미확인"),
        "id": ("tidak diketahui", "belum dicek", "tidak dapat diverifikasi"),
    },
}

#: The same words by outcome (every detail's words under the outcome it counts as).
OUTCOME_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    outcome: {
        language: tuple(word for detail, by_language in DETAIL_WORDS.items() if OUTCOME_DETAILS[detail] == outcome for word in by_language.get(language, ()))
        for language in ("en", "ja", "ko", "id")
    }
    for outcome in OUTCOMES
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_word(word: object) -> str:
    """Fold a vocabulary word to a comparable key: NFKC, case-folded, separators as one space.

    Full-width letters (``ＲＥＭＯＶＥＤ``), ``still_online`` and ``Still-Online`` all meet.
    """
    if word is None or (isinstance(word, float) and pd.isna(word)) or word is pd.NA:
        return ""
    text = unicodedata.normalize("NFKC", str(word)).casefold().strip()
    return _SEPARATORS.sub(" ", text).strip(" .!。")


def build_lookup(
    words: Mapping[str, Mapping[str, Iterable[str]]], extra: Mapping[str, str] | None = None, kind: str = "category"
) -> dict[str, str]:
    """Flatten ``{category: {language: words}}`` (plus ``{word: category}`` extras) to ``{key: category}``.

    Each category also maps to itself, so an already-clean log needs no vocabulary. Extras must
    map to one of the categories (``kind`` names them in the error).
    """
    bad = sorted({c for c in (extra or {}).values() if c not in words})
    if bad:
        raise ValueError(f"mapping sends words to unknown {kind}(s) {bad}; allowed: {', '.join(words)}")
    lookup: dict[str, str] = {}
    for category, by_language in words.items():
        lookup[normalise_word(category)] = category
        for group in by_language.values():
            for word in group:
                lookup[normalise_word(word)] = category
    for word, category in (extra or {}).items():
        lookup[normalise_word(word)] = category
    return lookup


def map_words(values: pd.Series, lookup: Mapping[str, str]) -> pd.DataFrame:
    """Map raw words to categories, working once per distinct word.

    Returns
    -------
    DataFrame
        Indexed like ``values`` with ``category`` (missing where blank or unknown), ``is_blank``
        and ``is_unknown`` (a non-blank word that the vocabulary does not know).
    """
    codes, uniques = distinct_trimmed(values)
    keys = [normalise_word(u) for u in uniques]
    mapped = pd.array([lookup.get(k) for k in keys] + [None], dtype="string")
    blank = np.array([k == "" for k in keys] + [True], dtype=bool)
    category = mapped.take(codes)  # -1 (missing) picks the trailing sentinel entry
    is_blank = blank[codes]
    return pd.DataFrame(
        {"category": category, "is_blank": is_blank, "is_unknown": ~is_blank & pd.isna(category)},
        index=values.index,
    )


def outcome_lookup(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The outcome vocabulary, ``{word: outcome}``, optionally extended by an organisation's own words.

    ``extra`` maps words to an outcome or to a detail of :data:`OUTCOME_DETAILS`.
    """
    return {word: OUTCOME_DETAILS[detail] for word, detail in detail_lookup(extra).items()}


def detail_lookup(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The detail vocabulary, ``{word: detail}`` (extras may name an outcome or a detail)."""
    return build_lookup(DETAIL_WORDS, extra, kind="outcome")


def map_outcomes(values: pd.Series, extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Map outcome words in any of the four languages to :data:`OUTCOMES` (see :func:`map_words`).

    Besides ``category`` (the outcome), the result carries ``detail``: the word's own meaning,
    one of :data:`OUTCOME_DETAILS` (missing where the outcome is).
    """
    mapped = map_words(values, detail_lookup(extra))
    detail = mapped.pop("category")
    outcome = detail.map(OUTCOME_DETAILS).astype("string")
    return pd.DataFrame({"category": outcome, "detail": detail, "is_blank": mapped["is_blank"], "is_unknown": mapped["is_unknown"]}, index=values.index)
