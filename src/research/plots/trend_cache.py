"""Skip redrawing a trend figure whose inputs have not changed since its files were saved.

A figure's *key* hashes everything that shapes it: the observations and fitted numbers of each
segment, the drawing code (:mod:`research.plots.trends` and :mod:`research.plots.style`), the
message catalogue of the language and matplotlib's version. The cache file maps each series id
to its key and the sha256 of the files saved; a figure is reused only when both still match.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import matplotlib

from research.i18n import LOCALES_DIR
from research.lineage import sha256_file
from research.outputs import write_json

_CODE_FILES = ("trends.py", "style.py", "trend_cache.py")
#: Analysis code the drawing calls directly (design matrix, decimal years).
_ANALYSIS_FILES = ("models.py", "series.py")


def _code_digest(lang: str) -> str:
    digest = hashlib.sha256(matplotlib.__version__.encode())
    here = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    for name in _ANALYSIS_FILES:
        digest.update((here.parent / "trends" / name).read_bytes())
    for catalogue in sorted({LOCALES_DIR / "en" / "trends.yml", LOCALES_DIR / lang / "trends.yml"}):
        if catalogue.exists():
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


def _frame_text(frame) -> str:
    return "" if frame is None else frame.to_csv(index=False, float_format="%.17g")


def figure_key(results: Sequence, lang: str) -> str:
    """The hash of everything that shapes the figure of one series id (its segments' results)."""
    digest = hashlib.sha256(_code_digest(lang).encode())
    digest.update(lang.encode())
    for result in results:
        parts = [result.series_id, result.segment, result.status, json.dumps(result.meta, sort_keys=True, default=str), _frame_text(result.observed), _frame_text(result.series), _frame_text(result.forecast)]
        fit = result.fit
        if fit is not None:
            parts += [fit.family, fit.n_obs, fit.n_params, repr(fit.centre), _frame_text(fit.params.to_frame()), _frame_text(fit.cov)]
        parts += [(effect.event.date, effect.event.label, effect.summary) for effect in result.effects]
        digest.update(repr(parts).encode())
    return digest.hexdigest()


def read_cache(path: str | os.PathLike[str]) -> dict[str, dict]:
    """The cache file's entries (empty when the file is missing or unreadable)."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def reusable(entry: dict | None, key: str, folder: Path) -> list[Path] | None:
    """The figure's files when ``entry`` has ``key`` and every file is as recorded, else ``None``."""
    if not entry or entry.get("key") != key or not entry.get("files"):
        return None
    files = []
    for name, digest in sorted(entry["files"].items()):
        path = folder / name
        if not path.is_file() or sha256_file(path) != digest:
            return None
        files.append(path)
    return files


def write_cache(path: str | os.PathLike[str], entries: dict[str, dict]) -> None:
    """Write the entries (files recorded by name and sha256), sorted."""
    record = {
        series_id: {"key": entry["key"], "files": {Path(p).name: sha256_file(p) for p in entry["files"]}}
        for series_id, entry in sorted(entries.items())
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_json(record, path)
