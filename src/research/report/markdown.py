"""Text from data written into Markdown (``report*.md``, bundle READMEs) as text, never as markup.

Source titles, publisher and provider names, series titles and break notes come from data files
(and hosting-provider names from WHOIS records that abusive hosts control). Put into Markdown as
they are, ``[x](javascript:alert(1))`` becomes a link, ``<script>`` raw HTML, and a ``|`` a new
table column. :func:`escape_markdown` backslash-escapes every character CommonMark (and GitHub's
tables, strikethrough and autolinks) gives a meaning — a backslash escape shows the character
itself (CommonMark 0.31, section 2.4) — so ``<`` can open no HTML tag or autolink, ``[`` no link
and ``|`` no cell; line breaks become spaces, so a value cannot start a block (a heading, a
quote, a list); control characters are dropped. An ``http(s)`` address is written as an autolink
(``<https://…>``), in which nothing is markup, so it keeps its exact characters.

:class:`MarkdownText` marks text that is already Markdown made by the toolkit (a table built by
:func:`research.report.tables.as_markdown`, a link it writes, its own catalogue sentences); the
Markdown template environment escapes every other value it prints.
"""

from __future__ import annotations

import re

#: Characters with a meaning in CommonMark or GitHub Flavored Markdown anywhere in a line
#: (parentheses only follow a ``]``, which is escaped, and ``!`` only precedes a ``[``).
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
#: What makes a line a list item, quote or heading when a value starts it.
_LEADING = re.compile(r"^(?:(\d{1,9})([.)])(?=\s|$)|([-+])(?=\s|$)|([-=])(?=[-=]*$))")
#: A web address: written as an autolink (``<https://…>``), where nothing is markup and no escape is
#: needed, so the address stays as it is (the export audit matches cited sources exactly).
_URL = re.compile(r"https?://[^\s<>|`\\]+", re.IGNORECASE)
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MarkdownText(str):
    """Markdown the toolkit wrote itself: printed as it is by the Markdown templates."""


def escape_markdown(value: object) -> MarkdownText:
    """``value`` as literal text in Markdown (see the module docstring); ``MarkdownText`` is kept.

    Examples
    --------
    >>> print(escape_markdown("[x](javascript:alert(1)) <script> a | b"))
    \\[x\\](javascript:alert(1)) \\<script\\> a \\| b
    >>> print(escape_markdown("1. not a list"))
    1\\. not a list
    """
    if isinstance(value, MarkdownText):
        return value
    text = _CONTROL.sub("", _BREAKS.sub(" ", "" if value is None else str(value))).strip()
    parts, last = [], 0
    for found in _URL.finditer(text):
        url = found.group().rstrip(".,;:!?'\"")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]  # "(see https://x.org/a)": the parenthesis is the sentence's
        parts += [_SPECIAL.sub(r"\\\1", text[last : found.start()]), f"<{url}>"]
        last = found.start() + len(url)
    parts.append(_SPECIAL.sub(r"\\\1", text[last:]))
    text = "".join(parts)
    return MarkdownText(_LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3) or m.group(4)}", text))


def code_span(value: object) -> MarkdownText:
    """``value`` as inline code: backticks, line breaks and control characters cannot end it."""
    text = _CONTROL.sub("", _BREAKS.sub(" ", str(value))).replace("`", "'")
    return MarkdownText(f"`{text}`")
