"""Channel words of takedown logs → ``legal_notice``, ``platform_report``, ``copyright_notice``, ``police``,
``host_abuse_report``, ``registrar``, ``search_delisting``.

The channel is how a removal was asked for: of the site itself (a platform's report form, a
legal or copyright notice), of the company hosting it (its abuse desk), of the domain's
registrar, of a search engine (a delisting request: the file leaves the search results and stays
online, see ``delisted`` in :mod:`research.clean.outcomes`), or through the police. It is optional: a blank stays blank, but a word
that is not known is quarantined rather than guessed (as for outcomes).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from research.clean.outcomes import build_lookup, map_words

CHANNELS: tuple[str, ...] = ("legal_notice", "platform_report", "copyright_notice", "police", "host_abuse_report", "registrar", "search_delisting")

CHANNEL_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "legal_notice": {
        "en": ("legal notice", "legal", "lawyer letter", "attorney letter", "court order", "cease and desist"),
        "ja": ("法的通知", "弁護士", "内容証明", "送信防止措置依頼", "裁判所命令"),
        "ko": ("법적 통지", "법적 조치", "내용증명", "법원 명령"),
        "id": ("somasi", "pemberitahuan hukum", "surat hukum", "perintah pengadilan"),
    },
    "platform_report": {
        "en": ("platform report", "report form", "abuse report", "user report", "in app report", "report"),
        "ja": ("通報", "違反報告", "プラットフォーム通報", "削除依頼フォーム"),
        "ko": ("신고", "플랫폼 신고", "신고 양식"),
        "id": ("laporan platform", "lapor", "pelaporan", "formulir laporan"),
    },
    "copyright_notice": {
        "en": ("copyright notice", "copyright", "dmca", "dmca notice", "dmca takedown"),
        "ja": ("著作権侵害通知", "著作権", "著作権通知"),
        "ko": ("저작권 신고", "저작권", "저작권 침해 신고"),
        "id": ("pemberitahuan hak cipta", "hak cipta"),
    },
    "police": {
        "en": ("police", "law enforcement", "police referral"),
        "ja": ("警察", "警察通報", "警察相談"),
        "ko": ("경찰", "수사기관", "경찰 신고"),
        "id": ("polisi", "kepolisian", "laporan polisi"),
    },
    "host_abuse_report": {
        "en": ("host abuse report", "hosting abuse report", "abuse desk", "hosting provider report", "report to host"),
        "ja": ("ホスティング事業者への通報", "ホスティング通報", "サーバー会社への通報"),
        "ko": ("호스팅 신고", "호스팅 업체 신고"),
        "id": ("laporan ke hosting", "laporan penyedia hosting"),
    },
    "registrar": {
        "en": ("registrar", "registrar report", "registrar abuse report", "domain registrar"),
        "ja": ("レジストラ", "レジストラへの通報", "ドメイン登録業者"),
        "ko": ("등록대행자", "도메인 등록기관", "등록기관 신고"),
        "id": ("pendaftar domain", "laporan registrar"),
    },
    "search_delisting": {
        "en": ("search delisting", "delisting request", "search removal request", "deindexing request", "search engine removal"),
        "ja": ("検索結果削除依頼", "検索エンジン削除申請", "検索削除依頼"),
        "ko": ("검색 결과 삭제 요청", "검색 제외 요청"),
        "id": ("penghapusan hasil pencarian", "permintaan penghapusan pencarian"),
    },
}


def channel_lookup(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The channel vocabulary, optionally extended by an organisation's own words."""
    return build_lookup(CHANNEL_WORDS, extra, kind="channel")


def map_channels(values: pd.Series, extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Map channel words in any of the four languages to :data:`CHANNELS` (see ``map_words``)."""
    return map_words(values, channel_lookup(extra))
