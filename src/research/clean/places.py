"""Places: the ``country`` column mapped to one documented scheme.

ISO 3166-1 alpha-2 codes (checked with pycountry) for figures about one country, with these
documented exceptions, because the compilers of ``figures.csv`` wrote what the source said:

========================  ========  ==========================================================
as written                code      why
========================  ========  ==========================================================
``UK``                    ``GB``    ISO's code for the United Kingdom
``EU``                    ``EU``    European Union (ISO reserves ``EU`` for it)
``GLOBAL``, ``WORLD``     ``WORLD`` a figure about the whole world (no ISO code exists)
``EUROPE``                ``150``   UN M49 code for Europe (the continent, not the EU)
``NORTH AMERICA``         ``003``   UN M49 code for North America
``ONION``                 ``ZZ``    content on .onion (Tor) services: no location; CLDR "unknown region"
========================  ========  ==========================================================
"""

from __future__ import annotations

import pycountry

from research.errors import ParseError

SPECIAL_PLACES = {
    "UK": "GB",
    "EU": "EU",
    "GLOBAL": "WORLD",
    "WORLD": "WORLD",
    "EUROPE": "150",
    "NORTH AMERICA": "003",
    "ONION": "ZZ",
}


def normalise_country(text: object) -> str:
    """Map a country as written (alpha-2, alpha-3, English name or a special place) to the scheme above."""
    raw = "" if text is None else str(text)
    key = raw.strip().upper()
    if not key:
        raise ParseError("empty country", value=raw)
    if key in SPECIAL_PLACES:
        return SPECIAL_PLACES[key]
    record = None
    if len(key) == 2:
        record = pycountry.countries.get(alpha_2=key)
    elif len(key) == 3:
        record = pycountry.countries.get(alpha_3=key)
    if record is None:
        try:
            record = pycountry.countries.lookup(raw.strip())
        except LookupError:
            record = None
    if record is None:
        raise ParseError("unknown country or region", value=raw)
    return record.alpha_2
