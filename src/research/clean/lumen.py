"""Lumen notices (JSON, as served by the Lumen API) → rows of the documented takedown format.

One row per infringing URL. What maps, and what Lumen does not record:

* ``request_id`` = ``lumen-<notice id>``; ``content_id`` = ``lumen-<notice id>-w<k>``, the k-th
  *work* of the notice (Lumen identifies the work only by description or copyrighted URL, which
  samples often leave empty, so the notice's work number is the stable id available);
* ``requested_at`` = ``date_sent``, or ``date_received`` when the sender's date is missing;
  ``checked_at`` = ``date_received`` (Lumen never re-checks a URL: there is no later check);
* ``outcome`` from the notice-level ``action_taken``: ``Yes`` → removed, ``No`` → online,
  ``Partial`` or blank → unknown (which URLs were acted on is not recorded);
* ``channel`` from ``type``: ``DMCA`` → copyright_notice, ``CourtOrder`` → legal_notice,
  ``LawEnforcementRequest`` → police; other types are left blank rather than guessed;
* ``hosting_provider`` = ``recipient_name`` (the service the notice was sent to);
  ``country`` = the first of ``jurisdictions`` if any;
* not available: ``resolved_at`` (no removal date), ``asn``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from research.errors import InputError, SchemaError

#: Lumen's notice-level answers, added to the outcome vocabulary when cleaning a Lumen file.
LUMEN_OUTCOME_WORDS = {"yes": "removed", "no": "online", "partial": "unknown"}
LUMEN_CHANNELS = {"dmca": "copyright_notice", "courtorder": "legal_notice", "lawenforcementrequest": "police"}


def lumen_rows(notices: list[dict], source: str = "lumen") -> pd.DataFrame:
    """Flatten Lumen notices to one text row per infringing URL, in the documented columns."""
    rows = []
    for position, notice in enumerate(notices, start=1):
        if not isinstance(notice, dict) or "id" not in notice:
            raise SchemaError("a Lumen notice needs an 'id'", file=source, row=position, column="id")
        notice_type = str(notice.get("type") or "")
        channel = LUMEN_CHANNELS.get(notice_type.replace(" ", "").lower(), "")
        jurisdictions = notice.get("jurisdictions") or []
        received = notice.get("date_received") or ""
        action = notice.get("action_taken")
        for work_number, work in enumerate(notice.get("works") or [], start=1):
            for item in work.get("infringing_urls") or []:
                rows.append(
                    {
                        "request_id": f"lumen-{notice['id']}",
                        "content_id": f"lumen-{notice['id']}-w{work_number}",
                        "url": item.get("url") or item.get("url_original") or "",
                        "requested_at": notice.get("date_sent") or received,
                        "checked_at": received,
                        "outcome": "unknown" if action in (None, "") else str(action),
                        "resolved_at": "",
                        "channel": channel,
                        "hosting_provider": str(notice.get("recipient_name") or ""),
                        "asn": "",
                        "country": str(jurisdictions[0]).upper() if jurisdictions else "",
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
