"""Numbers as printed in English, Indonesian, Japanese and Korean publications.

:func:`parse_number` turns ``"1,202"``, ``"59.653"`` (Indonesian), ``"1천202"``, ``"3万"``,
``"1億2000万"``, ``"１２０２"``, ``"36.2 million"``, ``"20,5 juta"``, ``"20-25"``, ``"1 in 7"``
or ``"over 1,000"`` into a :class:`ParsedNumber`: a value (or a range), a qualifier and the place
value of the last digit written (its precision).

Separator rule (an explicit decision): with ``locale="en"``, ``"ja"`` or ``"ko"`` a comma groups
thousands and a point is decimal; with ``"id"`` the reverse; ``"raw"`` (the ``value`` column of
``figures.csv``) reads a point as decimal and a comma only as a thousands separator in groups of
three (``1,094``, ``36,210,368`` — unambiguous once the point is decimal). Without a locale a number is read
only when its reading is unique: ``"1,202"`` (comma groups of three) and ``"20,5"`` are clear,
but ``"1.234"`` could be 1.234 or 1234, so it raises :class:`~research.errors.ParseError` asking
for a locale, unless a scale word names the language (``juta`` → Indonesian, ``million`` →
English).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from research.errors import ParseError

QUALIFIERS = ("exact", "approximate", "lower_bound", "upper_bound", "range", "suspected_misprint")

# Words before or after a number that make it something other than an exact count.
_PREFIX_QUALIFIERS: list[tuple[str, str]] = [
    (r"more than|over|above|exceeding|just over|at least|lebih dari|minimal|setidaknya", "lower_bound"),
    (r"up to|fewer than|less than|under|nearly|almost|within|hingga|sampai|hampir|kurang dari", "upper_bound"),
    (r"about|approx\.?|approximately|around|roughly|some|close to|c\.|~|sekitar|kurang lebih|약|約|およそ", "approximate"),
]
_SUFFIX_QUALIFIERS: list[tuple[str, str]] = [
    (r"이상|以上|超|余り|あまり|여|넘게|plus|\+", "lower_bound"),
    (r"미만|未満|이하|以下|弱", "upper_bound"),
    (r"가량|정도|쯤|程度|ほど|前後", "approximate"),
]
_WORD_SCALES = {
    "thousand": (1e3, "en"), "million": (1e6, "en"), "billion": (1e9, "en"), "trillion": (1e12, "en"),
    "k": (1e3, "en"), "m": (1e6, "en"), "bn": (1e9, "en"),
    "ribu": (1e3, "id"), "rb": (1e3, "id"), "juta": (1e6, "id"), "jt": (1e6, "id"),
    "miliar": (1e9, "id"), "milyar": (1e9, "id"), "triliun": (1e12, "id"),
}
_CJK_BIG = {"万": 1e4, "萬": 1e4, "만": 1e4, "億": 1e8, "억": 1e8, "兆": 1e12, "조": 1e12}
_CJK_SMALL = {"千": 1e3, "천": 1e3, "百": 1e2, "백": 1e2, "十": 1e1, "십": 1e1}
_LOCALES = {"en", "id", "ja", "ko", "raw", None}


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text.

    ``value`` is empty for ranges (``low``/``high`` hold them); ``precision`` is the place value of
    the last digit written (``1`` for ``1,202``, ``100000`` for ``36.2 million``).
    """

    value: float | None
    qualifier: str = "exact"
    low: float | None = None
    high: float | None = None
    precision: float = 1.0
    percent: bool = False
    ratio: bool = False


def _normalise(text: str) -> str:
    # NFKC folds full-width digits and punctuation (１２０２, ，) into ASCII.
    text = unicodedata.normalize("NFKC", str(text)).strip()
    return text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-").replace("〜", "~")


def _decimal_digits(text: str, locale: str | None, source: str) -> tuple[float, float]:
    """Read a plain digit string with separators; return (value, precision)."""
    if not re.fullmatch(r"\d[\d,.' ]*", text) or re.search(r"[,.' ]{2}", text) or text[-1] in ",.' ":
        raise ParseError("not a number", value=source)
    if locale in ("en", "ja", "ko"):
        group, decimal = ",", "."
    elif locale == "id":
        group, decimal = ".", ","
    elif locale == "raw":
        group, decimal = ",", "."
    else:
        has_comma, has_point = "," in text, "." in text
        if has_comma and has_point:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
            group = "." if decimal == "," else ","
        elif has_comma:
            grouped = re.fullmatch(r"\d{1,3}(,\d{3})+", text)
            group, decimal = (",", ".") if grouped else ("", ",")
        elif has_point:
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                raise ParseError(
                    "ambiguous number: the point may group thousands (Indonesian) or mark decimals (English); pass a locale",
                    value=source,
                )
            group, decimal = "", "."
        else:
            group, decimal = "", "."
    body = text.replace(" ", "").replace("'", "")
    if body.count(decimal) > 1:
        raise ParseError(f"more than one decimal mark {decimal!r}", value=source)
    integer, _, fraction = body.partition(decimal)
    if group and group in fraction:
        raise ParseError(f"thousands separator {group!r} after the decimal mark {decimal!r}", value=source)
    if group and group in integer:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+", integer):
            raise ParseError(f"misplaced thousands separator {group!r}: digits are grouped in threes (e.g. 1{group}094)", value=source)
        integer = integer.replace(group, "")
    stray = next((mark for mark in ",." if mark in integer), None)
    if stray is not None:
        raise ParseError(f"unexpected {stray!r}: this locale uses {decimal!r} for decimals" + (f" and {group!r} for thousands" if group else ""), value=source)
    value = float(f"{integer}.{fraction}" if fraction else integer)
    if fraction:
        precision = 10.0 ** -len(fraction)
    else:
        stripped = integer.rstrip("0")
        precision = 10.0 ** (len(integer) - len(stripped)) if stripped else 1.0
    return value, precision


def _cjk_number(text: str, locale: str | None, source: str) -> tuple[float, float]:
    """Read numbers written with 万/億/千 or 만/억/천 (``1億2000万``, ``1천202``, ``3万``)."""
    total = 0.0
    section = 0.0
    precision = math.inf
    section_place = math.inf
    for digits, unit in re.findall(r"([\d.,]*)([万萬만億억兆조千천百백十십]?)", text):
        if not digits and not unit:
            continue
        if digits:
            number, place = _decimal_digits(digits, locale or "en", source)
        else:
            number, place = 1.0, 1.0
        if unit in _CJK_BIG:
            if not digits and section:
                number, place = 0.0, math.inf
            total += (section + number) * _CJK_BIG[unit]
            precision = min(precision, min(place, section_place) * _CJK_BIG[unit])
            section, section_place = 0.0, math.inf
        elif unit in _CJK_SMALL:
            section += number * _CJK_SMALL[unit]
            section_place = min(section_place, place * _CJK_SMALL[unit])
        else:
            section += number
            section_place = min(section_place, place)
    precision = min(precision, section_place)
    return total + section, (precision if math.isfinite(precision) else 1.0)


def _magnitude(text: str, locale: str | None, source: str) -> tuple[float, float]:
    """A number with an optional scale word or CJK units; no qualifier, no range."""
    if re.search(r"[万萬만億억兆조千천百백十십]", text):
        if not re.fullmatch(r"[\d.,万萬만億억兆조千천百백十십 ]+", text):
            raise ParseError("not a number", value=source)
        return _cjk_number(text.replace(" ", ""), locale, source)
    match = re.fullmatch(r"([\d.,' ]*\d)\s*([a-zA-Z]+)?", text)
    if not match:
        raise ParseError("not a number", value=source)
    digits, word = match.group(1), (match.group(2) or "").lower()
    scale = 1.0
    if word:
        if word not in _WORD_SCALES:
            raise ParseError(f"unknown scale word {word!r}", value=source)
        scale, language = _WORD_SCALES[word]
        locale = locale or language
    value, place = _decimal_digits(digits.strip(), locale, source)
    if word and place == 1.0 and "." not in digits and "," not in digits:
        place = 1.0  # "29 million": the last written digit is the millions digit
    return value * scale, place * scale


def _strip_qualifier(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for pattern, qualifier in _PREFIX_QUALIFIERS:
        match = re.match(rf"(?:{pattern})\s*", lowered)
        if match and match.end() > 0:
            return text[match.end():].strip(), qualifier
    for pattern, qualifier in _SUFFIX_QUALIFIERS:
        match = re.search(rf"\s*(?:{pattern})$", text)
        if match and match.start() > 0:
            return text[: match.start()].strip(), qualifier
    return text, "exact"


def parse_number(text: object, locale: str | None = None) -> ParsedNumber:
    """Read a printed number into value, qualifier and precision.

    Parameters
    ----------
    text
        The number as printed (``"1,202"``, ``"3万"``, ``"over 18 million"``, ``"20-25"``, ``"1 in 7"``).
    locale
        ``"en"``, ``"id"``, ``"ja"``, ``"ko"``, ``"raw"`` or ``None`` (infer; refuse if ambiguous).

    Returns
    -------
    ParsedNumber

    Raises
    ------
    ParseError
        Empty, unreadable or ambiguous input (the message says why).
    """
    if locale not in _LOCALES:
        raise ParseError(f"unknown locale {locale!r}", value=locale)
    source = "" if text is None else str(text)
    body = _normalise(source)
    if not body:
        raise ParseError("empty number", value=source)
    percent = body.endswith("%")
    body = body.rstrip("%").strip()
    qualifier = "exact"
    for _ in range(2):  # "1만여 건", "10万人以上": counters and suffix qualifiers in either order
        body = re.sub(r"\s*(명|건|件|人|개|個|名)$", "", body)  # counters of people/cases/items
        if qualifier == "exact":
            body, qualifier = _strip_qualifier(body)
    ratio = re.fullmatch(r"(\d+)\s*(?:in|out of|dari|of)\s*(\d+)", body, flags=re.IGNORECASE)
    if ratio:
        numerator, denominator = float(ratio.group(1)), float(ratio.group(2))
        if denominator == 0:
            raise ParseError("ratio with a zero denominator", value=source)
        return ParsedNumber(numerator / denominator, qualifier, precision=0.0, ratio=True)
    span = re.fullmatch(r"(.+?)\s*(?:-|~|to|sampai|から|에서)\s*(.+)", body)
    if span and re.search(r"\d", span.group(1)) and re.search(r"\d", span.group(2)):
        low_text, high_text = span.group(1).strip(), span.group(2).strip()
        scale_word = re.search(r"\s*[a-zA-Z]+$|[万萬만億억兆조]$", high_text)
        if scale_word and not re.search(r"[a-zA-Z万萬만億억兆조]$", low_text):
            low_text += scale_word.group(0)  # "20 to 25 million": the scale word covers both ends
        low, low_place = _magnitude(low_text, locale, source)
        high, high_place = _magnitude(high_text, locale, source)
        if high < low:
            raise ParseError("range whose upper end is below its lower end", value=source)
        return ParsedNumber(None, "range", low, high, max(low_place, high_place), percent)
    value, precision = _magnitude(body, locale, source)
    if not math.isfinite(value):
        raise ParseError("number too large to represent", value=source)
    low = value if qualifier == "lower_bound" else None
    high = value if qualifier == "upper_bound" else None
    return ParsedNumber(value, qualifier, low, high, precision, percent)
