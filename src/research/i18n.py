"""Message catalogues: every sentence shown to readers comes from ``locales/<lang>/<domain>.yml``.

A catalogue is a flat YAML mapping ``key: template``; templates use ``str.format`` fields. Adding a
language means adding a folder with the same keys; a missing key falls back to English and a test
checks that every language has every key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from research.errors import ResearchError

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "en"
#: The languages pages and figures are published in (English first: the entry point).
LANGUAGES = ("en", "id", "ja", "ko")
#: The languages whose figures are drawn again beside the English ones, in ``<folder>/<lang>/``.
FIGURE_LANGUAGES = LANGUAGES[1:]


def available_languages() -> list[str]:
    """Language codes that have a catalogue folder."""
    return sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())


@cache
def catalogue(domain: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The messages of ``domain`` (e.g. ``"trends"``, ``"report"``) in ``lang``."""
    path = LOCALES_DIR / lang / f"{domain}.yml"
    if not path.exists():
        if lang == DEFAULT_LANG:
            raise ResearchError(f"no message catalogue {path}")
        return {}
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def message(domain: str, key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """Format message ``key`` of ``domain`` in ``lang`` (falling back to English)."""
    if lang not in available_languages():
        raise ResearchError(f"unknown language {lang!r}; available: {', '.join(available_languages())}")
    template = catalogue(domain, lang).get(key)
    if template is None:
        template = catalogue(domain, DEFAULT_LANG).get(key)
    if template is None:
        raise ResearchError(f"message {key!r} missing from the {domain!r} catalogue")
    return template.format(**fields)
