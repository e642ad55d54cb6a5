"""A seeded, realistic, entirely synthetic takedown log whose per-file funnel matches the NPO's.

Each file's status (fully removed / partly removed / still online / unknown) is fixed first, in
exactly the counts of :func:`research.takedowns.seeds.seed_funnel`; the URLs are then placed on
sites so that the log behaves like a real one: heavy-tailed site sizes, files mirrored within
clusters of sites, providers and (made-up) countries with different compliance, delays that
depend on the channel and the site, re-uploads found after earlier copies were removed.

The result is a raw-like log in the documented format (outcome and channel words partly in
Japanese, Korean and Indonesian, some URLs with tracking parameters or upper-case hosts), with a
``synthetic`` column set to ``true``. Everything derived from it is *synthetic — illustrative*.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd

from research.config import SEED
from research.takedowns.seeds import FILE_STATUSES
from research.takedowns.synth_world import draw_sites, make_world

START = pd.Timestamp("2019-04-01", tz="UTC")  # FY2019 begins
END = pd.Timestamp("2025-03-31", tz="UTC")  # FY2024 ends
SNAPSHOT = pd.Timestamp("2025-05-31", tz="UTC")  # "status as of May 2025"
CHANNELS = ("platform_report", "copyright_notice", "legal_notice", "police")
CHANNEL_SHARES = (0.45, 0.2, 0.25, 0.1)
#: Typical days from request to removal, by channel (multiplied by each site's speed).
CHANNEL_MEDIAN_DAYS = (3.0, 5.0, 14.0, 9.0)
#: How much a channel shifts a site's willingness to comply (log-odds).
CHANNEL_EFFECTS = (0.0, 0.2, 0.5, 0.8)
LANGUAGES = ("ja", "en", "ko", "id")
LANGUAGE_SHARES = (0.6, 0.25, 0.1, 0.05)
WORDS = {
    "ja": {"removed": "削除済み", "online": "掲載中", "pending": "処理中", "unknown": "不明",
           "platform_report": "通報", "copyright_notice": "著作権侵害通知", "legal_notice": "送信防止措置依頼", "police": "警察"},
    "en": {"removed": "removed", "online": "still online", "pending": "pending", "unknown": "unknown",
           "platform_report": "platform report", "copyright_notice": "DMCA", "legal_notice": "legal notice", "police": "police"},
    "ko": {"removed": "삭제됨", "online": "게시중", "pending": "대기", "unknown": "미확인",
           "platform_report": "신고", "copyright_notice": "저작권 신고", "legal_notice": "법적 통지", "police": "경찰"},
    "id": {"removed": "dihapus", "online": "masih tayang", "pending": "menunggu", "unknown": "tidak diketahui",
           "platform_report": "laporan platform", "copyright_notice": "hak cipta", "legal_notice": "somasi", "police": "polisi"},
}
OUTCOME_CODES = ("removed", "online", "pending", "unknown")


def _urls_per_file(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    # Most files are found on one to a few sites; a few are mirrored on dozens.
    k = 1 + np.floor(rng.pareto(1.7, len(status)) * 2.2).astype(np.int64)
    k = np.minimum(k, 150)
    partly = status == FILE_STATUSES.index("partly_removed")
    k[partly] = np.maximum(k[partly], 2)
    return k


def synth_log(counts: dict[str, int], seed: int = SEED) -> pd.DataFrame:
    """Generate the synthetic log.

    Parameters
    ----------
    counts
        Files per status (keys of :data:`~research.takedowns.seeds.FILE_STATUSES`), e.g. from
        :func:`~research.takedowns.seeds.seed_funnel` or ``scaled_counts``.
    seed
        Random seed; the same seed and counts give the same log, byte for byte.

    Returns
    -------
    DataFrame
        Text columns of the documented format plus ``synthetic`` (``"true"``), sorted by
        ``request_id`` and URL.
    """
    rng = np.random.default_rng(seed)
    n_files = sum(counts.values())
    status = rng.permutation(np.repeat(np.arange(len(FILE_STATUSES)), [counts[s] for s in FILE_STATUSES]))
    world = make_world(rng, n_sites=max(40, n_files // 40))
    sites = world.sites
    k = _urls_per_file(rng, status)
    file_of_url = np.repeat(np.arange(n_files), k)
    url_status = status[file_of_url]
    n_urls = len(file_of_url)

    # Files that end up fully removed sit mostly on compliant sites, still-online files on the rest.
    compliance = sites["compliance"].to_numpy()
    base = sites["weight"].to_numpy()
    cluster_weights = np.bincount(sites["cluster"], weights=base)
    home = rng.choice(len(cluster_weights), size=n_files, p=cluster_weights / cluster_weights.sum())[file_of_url]
    site = np.empty(n_urls, dtype=np.int64)
    for code, tilt in enumerate((compliance**2, None, (1 - compliance) ** 2, None)):
        mask = url_status == code
        site[mask] = draw_sites(rng, sites, home[mask], base * tilt if tilt is not None else base)

    # One request per file and site; its channel and language are drawn once.
    request_code, request_index = np.unique(file_of_url * len(sites) + site, return_inverse=True)
    n_requests = len(request_code)
    channel = rng.choice(len(CHANNELS), size=n_requests, p=CHANNEL_SHARES)[request_index]
    language = rng.choice(len(LANGUAGES), size=n_requests, p=LANGUAGE_SHARES)[request_index]

    outcome = _outcomes(rng, url_status, file_of_url, compliance[site], np.asarray(CHANNEL_EFFECTS)[channel])
    times = _times(rng, file_of_url, n_files, outcome, channel, sites["speed"].to_numpy()[site])
    return _as_text(rng, world, site, file_of_url, request_index, channel, language, outcome, times)


def _outcomes(rng, url_status, file_of_url, site_compliance, channel_effect) -> np.ndarray:
    codes = {name: i for i, name in enumerate(OUTCOME_CODES)}
    outcome = np.full(len(url_status), codes["removed"], dtype=np.int64)
    online = url_status == FILE_STATUSES.index("still_online")
    outcome[online] = np.where(rng.random(int(online.sum())) < 0.04, codes["pending"], codes["online"])
    # Partly removed: each URL removed as its site tends to; then at least one of each kind.
    partly = url_status == FILE_STATUSES.index("partly_removed")
    logit = np.log(site_compliance / (1 - site_compliance)) + channel_effect
    removed = rng.random(len(url_status)) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame({"file": file_of_url[partly], "removed": removed[partly], "p": site_compliance[partly]}, index=np.flatnonzero(partly))
    n_removed = frame.groupby("file")["removed"].transform("sum")
    size = frame.groupby("file")["removed"].transform("size")
    force_online = frame[n_removed == size].groupby("file")["p"].idxmin()
    force_removed = frame[n_removed == 0].groupby("file")["p"].idxmax()
    frame.loc[force_online.to_numpy(), "removed"] = False
    frame.loc[force_removed.to_numpy(), "removed"] = True
    outcome[frame.index] = np.where(frame["removed"], codes["removed"], codes["online"])
    # Unknown files: never checked, or removed from some sites with the rest never checked.
    unknown = np.flatnonzero(url_status == FILE_STATUSES.index("unknown"))
    outcome[unknown] = np.where(rng.random(len(unknown)) < 0.3, codes["removed"], codes["unknown"])
    last_of_file = np.r_[file_of_url[1:] != file_of_url[:-1], True]
    outcome[unknown[last_of_file[unknown]]] = codes["unknown"]
    return outcome


def _times(rng, file_of_url, n_files, outcome, channel, speed) -> dict[str, pd.Series]:
    days = (END - START).days
    first_seen = rng.integers(0, days + 1, n_files)[file_of_url].astype(float)
    # Copies after the first are found later: re-uploads and mirrors the monitoring picks up.
    first_of_file = np.r_[True, file_of_url[1:] != file_of_url[:-1]]
    delay_found = np.where(first_of_file, 0.0, rng.exponential(40.0, len(file_of_url)))
    requested = np.minimum(first_seen + delay_found, days) + rng.random(len(file_of_url))
    removal_days = np.asarray(CHANNEL_MEDIAN_DAYS)[channel] * speed * np.exp(rng.normal(0, 0.9, len(file_of_url)))
    horizon = (SNAPSHOT - START).days
    resolved = np.minimum(requested + removal_days, horizon - 0.5)
    is_removed = outcome == OUTCOME_CODES.index("removed")
    checked = np.where(is_removed, np.minimum(resolved + rng.random(len(outcome)) * 3, horizon), horizon - rng.random(len(outcome)) * 30)
    checked = np.maximum(checked, requested)
    resolved_known = is_removed & (rng.random(len(outcome)) >= 0.03)

    def stamp(values: np.ndarray, keep: np.ndarray | None = None) -> pd.Series:
        times = START + pd.to_timedelta(np.round(values * 86400), unit="s")
        text = pd.Series(times.strftime("%Y-%m-%dT%H:%M:%SZ"), dtype="string")
        return text if keep is None else text.where(keep, "")

    return {"requested_at": stamp(requested), "checked_at": stamp(checked), "resolved_at": stamp(resolved, resolved_known)}


def _as_text(rng, world, site, file_of_url, request_index, channel, language, outcome, times) -> pd.DataFrame:
    sites = world.sites
    n = len(site)
    domain = sites["domain"].to_numpy()[site].astype(object)
    # Hosts and paths as people paste them: www., upper case, tracking parameters, trailing slashes.
    www = rng.random(n) < 0.3
    host = pd.Series(np.where(www, "www.", ""), dtype="string") + pd.Series(domain, dtype="string")
    upper = rng.random(n) < 0.05
    host = host.where(~upper, host.str.upper())
    # A bijective scramble of the row number: unique, but not in row order.
    token = pd.Series(np.arange(n) * 7919 % 1_000_003 + 1_000_003 * (np.arange(n) // 1_000_003)).astype("string")
    kind = pd.Series(rng.choice(np.array(["v", "watch", "img", "p"]), size=n), dtype="string")
    tail = pd.Series(np.select([rng.random(n) < 0.1, rng.random(n) < 0.1], ["/?utm_source=share&utm_medium=x", "/"], ""), dtype="string")
    url = "https://" + host + "/" + kind + "/" + token.astype("string") + tail
    outcome_words = np.array([[WORDS[lg][o] for o in OUTCOME_CODES] for lg in LANGUAGES], dtype=object)
    channel_words = np.array([[WORDS[lg][c] for c in CHANNELS] for lg in LANGUAGES], dtype=object)
    outcome_word = outcome_words[language, outcome]
    channel_word = channel_words[language, channel]
    table = pd.DataFrame(
        {
            "request_id": "SYN-R" + pd.Series(request_index + 1).astype("string").str.zfill(7),
            "content_id": "syn-file-" + pd.Series(file_of_url + 1).astype("string").str.zfill(6),
            "url": url,
            **times,
            "outcome": pd.Series(outcome_word, dtype="string"),
            "channel": pd.Series(channel_word, dtype="string"),
            "hosting_provider": pd.Series(sites["provider"].to_numpy()[site], dtype="string"),
            "asn": "AS" + pd.Series(sites["asn"].to_numpy()[site]).astype("string"),
            "country": pd.Series(sites["country"].to_numpy()[site], dtype="string"),
            "synthetic": "true",
        }
    )
    return table.sort_values(["request_id", "url"], kind="mergesort").reset_index(drop=True)


def write_synth_log(log: pd.DataFrame, path) -> Path:
    """Write the synthetic log as CSV; ``.gz`` paths are gzipped with a fixed timestamp and no file name
    in the header (the same bytes in every run, process and clone).

    The generator's marker (``<path>.synthetic.json``, :mod:`research.clean.synthetic_marker`) is
    written after the log: it is what makes cleaning treat the log as synthetic. The log's own
    ``synthetic`` column is kept for readers of the file, but cleaning ignores it.
    """
    from research.clean.synthetic_marker import write_marker
    from research.outputs import atomic_target

    path = Path(path)
    with atomic_target(path) as partial:  # a folder or file in the way, a full disk: OutputError
        if path.suffix == ".gz":
            # Not pandas' gzip: it names the temporary file (with its process id) in the gzip header.
            with (
                open(partial, "wb") as raw,
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0) as packed,
                io.TextIOWrapper(packed, encoding="utf-8", newline="") as text,
            ):
                log.to_csv(text, index=False, lineterminator="\n")
        else:
            log.to_csv(partial, index=False, lineterminator="\n", encoding="utf-8")
    write_marker(path, "research.takedowns.synth")
    return path
