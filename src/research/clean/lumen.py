"""Lumen notices (JSON, as served by the Lumen API) → rows of the documented takedown format.

One row per infringing URL. What maps, and what Lumen does not record:

* ``request_id`` = ``lumen-<notice id>``; ``content_id`` = ``lumen-<notice id>-w<k>``, the k-th
  *work* of the notice (Lumen identifies the work only by description or copyrighted URL, which
  samples often leave empty, so the notice's work number is the stable id available);
* ``requested_at`` = ``date_sent``, or ``date_received`` when the sender's date is missing;
  ``checked_at`` = ``date_received`` (Lumen never re-checks a URL: there is no later check);
* ``outcome`` from the notice-level ``action_taken``: ``Yes`` → removed, ``No`` → online (detail
  ``no_action``), ``Partial`` or blank → unknown (which URLs were acted on is not recorded). A
  notice asking a search engine to delist (:func:`is_search_delisting`) has channel
  ``search_delisting`` and ``Yes`` means *delisted* — dropped from the search results, not removed
  from the site that hosts it (outcome ``online``, detail ``delisted``);
* ``channel`` from ``type``: ``DMCA`` → copyright_notice, ``CourtOrder`` → legal_notice,
  ``LawEnforcementRequest`` → police; other types are left blank rather than guessed;
* ``hosting_provider`` = ``recipient_name`` (the service the notice was sent to);
* ``country`` is left blank: ``jurisdictions`` names the law a notice invokes (or the country of
  its sender), not where the content is hosted;
* not available: ``resolved_at`` (no removal date), ``asn``.

Lumen's search API answers a request without a researcher's token with each work's infringing
URLs *counted by host* (``{"domain": "example.com", "count": 3}``) instead of listed. Those
responses are read too: each counted URL becomes one row on that host, with a placeholder
address (``https://<host>/lumen-url/<notice>/<work>/<i>``) that is only ever pseudonymised, so
funnels and site counts are right while URL-level matching across notices is not possible.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

from research.errors import InputError, SchemaError

#: Lumen's notice-level answers, added to the outcome vocabulary when cleaning a Lumen file.
LUMEN_OUTCOME_WORDS = {"yes": "removed", "no": "no_action", "partial": "unknown"}
LUMEN_CHANNELS = {"dmca": "copyright_notice", "courtorder": "legal_notice", "lawenforcementrequest": "police"}
#: Recipients that are web search engines, and the title Lumen gives notices to Google's web search
#: ("… Complaint to Google"; notices to Google's hosting products name the product, e.g. Blogger).
SEARCH_RECIPIENT = re.compile(r"\b(bing|yandex|duckduckgo|baidu|naver)\b|\bsearch\b", re.IGNORECASE)
SEARCH_TITLE = re.compile(r"\bsearch\b|complaint to google\s*$", re.IGNORECASE)


def is_search_delisting(notice: dict) -> bool:
    """Whether a Lumen notice asks a search engine to drop URLs from its results.

    The rule reads the recipient (a search engine by name) and the title (``… search …`` or
    Lumen's ``… Complaint to Google`` for Google web search); it is a documented heuristic, not a
    field of Lumen's.
    """
    recipient = str(notice.get("recipient_name") or "")
    title = str(notice.get("title") or "")
    return bool(SEARCH_RECIPIENT.search(recipient) or SEARCH_TITLE.search(title))


def _infringing_urls(notice_id: object, work_number: int, items: list, source: str, position: int) -> list[str]:
    """The URLs of one work: listed (``url``/``url_original``) or counted by host (``domain``, ``count``)."""
    urls: list[str] = []
    for item in items:
        item = item if isinstance(item, dict) else {}
        listed = item.get("url") or item.get("url_original")
        if listed or "count" not in item:
            urls.append(str(listed or ""))
            continue
        count, host = item.get("count"), str(item.get("domain") or "").strip()
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise SchemaError("a URL count by domain must be a whole number ≥ 0", file=source, row=position, column="infringing_urls.count", value=count)
        # A blank host gives blank URLs, which cleaning quarantines ("missing value") one by one.
        start = len(urls)
        urls += [f"https://{host}/lumen-url/{notice_id}/{work_number}/{start + i + 1}" if host else "" for i in range(count)]
    return urls


def lumen_rows(notices: list[dict], source: str = "lumen") -> pd.DataFrame:
    """Flatten Lumen notices to one text row per infringing URL, in the documented columns."""
    rows = []
    for position, notice in enumerate(notices, start=1):
        if not isinstance(notice, dict) or "id" not in notice:
            raise SchemaError("a Lumen notice needs an 'id'", file=source, row=position, column="id")
        notice_type = str(notice.get("type") or "")
        search = is_search_delisting(notice)
        channel = "search_delisting" if search else LUMEN_CHANNELS.get(notice_type.replace(" ", "").lower(), "")
        received = notice.get("date_received") or ""
        action = notice.get("action_taken")
        outcome = "unknown" if action in (None, "") else str(action)
        if search and outcome.strip().lower() == "yes":
            outcome = "delisted"
        for work_number, work in enumerate(notice.get("works") or [], start=1):
            items = (work.get("infringing_urls") if isinstance(work, dict) else None) or []
            for url in _infringing_urls(notice["id"], work_number, items, source, position):
                rows.append(
                    {
                        "request_id": f"lumen-{notice['id']}",
                        "content_id": f"lumen-{notice['id']}-w{work_number}",
                        "url": url,
                        "requested_at": notice.get("date_sent") or received,
                        "checked_at": received,
                        "outcome": outcome,
                        "resolved_at": "",
                        "channel": channel,
                        "hosting_provider": str(notice.get("recipient_name") or ""),
                        "asn": "",
                        "country": "",
                    }
                )
    table = pd.DataFrame(rows, columns=["request_id", "content_id", "url", "requested_at", "checked_at", "outcome", "resolved_at", "channel", "hosting_provider", "asn", "country"])
    table = table.astype("string").replace("", pd.NA)
    table.insert(0, "row_number", pd.Series(range(1, len(table) + 1), dtype="int64"))
    return table


def read_lumen(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Lumen JSON file (``{"notices": [...]}`` or a bare list) into documented-format rows."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read Lumen JSON: {error}", file=str(path)) from error
    notices = payload.get("notices") if isinstance(payload, dict) else payload
    if not isinstance(notices, list):
        raise SchemaError("expected a list of notices (or an object with 'notices')", file=str(path), column="notices")
    return lumen_rows(notices, source=str(path))
