"""Turn any exported file into texts the leak detectors can scan, with a way back to line and column.

Formats and what is read from them:

* text formats (CSV, TSV, JSON, notebooks, Markdown, HTML, SVG, TeX, GEXF, GraphML, XML, YAML…)
  and any other file that decodes as UTF-8: the whole text. Markup has its entities decoded and
  its ``data:`` URIs (embedded images) blanked; phone numbers are looked for in text outside tags
  only, since SVG coordinates and attributes are strings of digits;
* Parquet: every column, values joined one per line (row numbers come back exact);
* PNG: the ``tEXt``/``zTXt``/``iTXt`` metadata chunks (pixels cannot hold a readable URL);
* PDF: everything outside ``stream … endstream`` (the document information dictionary, link
  annotations, outline titles). Page content streams are compressed drawing operators: the
  toolkit's figures draw text as glyph outlines, and the HTML/Markdown report and the CSV behind
  each figure carry the same words and are scanned as text;
* ZIP: each member, by its own suffix; gzip: the decompressed file, by its inner suffix.

Anything else (JPEG, fonts, other binaries, text that is not UTF-8) raises :class:`Skipped`, with
the reason, and the audit counts it as a finding: a file that cannot be scanned is not clean. A
text file is read whatever control characters it holds (a NUL byte no longer hides a file), and
the audit reports those characters too.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

MARKUP_SUFFIXES = {".html", ".htm", ".svg", ".xml", ".gexf", ".graphml", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".tsv"}
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_TAG = re.compile(r"<(?!!--)[^>]*>")  # comments stay: SVG keeps its text there
_TEX_ESCAPE = re.compile(r"\\([_%&#$])")
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)


@dataclass(frozen=True)
class Location:
    """Where a match sits: a text line, a data row, and a column name, as far as known."""

    line: int | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class ScanText:
    """A text to scan; ``prose`` is the same text with markup blanked (used for phone numbers)."""

    text: str
    prose: str
    locate: Callable[[int], Location]
    #: Whether control characters in ``text`` are findings (not for PDF objects or PNG chunks).
    controls: bool = True


class Skipped(Exception):
    """A file the scanner cannot read as text; the message says why."""


def _blank(match: re.Match[str]) -> str:
    # Keep newlines so that offsets still map to the right line.
    return "\n".join(" " * len(line) for line in match.group().split("\n"))


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _line_locator(text: str, column: str | None = None) -> Callable[[int], Location]:
    starts: list[int] = []

    def locate(offset: int) -> Location:
        if not starts:  # computed only when there is something to locate
            starts.extend(_line_starts(text))
        return Location(line=bisect.bisect_right(starts, offset), column=column)

    return locate


def _csv_field_index(line: str, offset: int, delimiter: str) -> int:
    """Index of the CSV field holding character ``offset`` of ``line`` (quotes respected)."""
    index, quoted = 0, False
    for ch in line[:offset]:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            index += 1
    return index


def _table_locator(text: str, delimiter: str) -> Callable[[int], Location]:
    header = next(csv.reader([text.split("\n", 1)[0]], delimiter=delimiter), [])
    starts: list[int] = []

    def locate(offset: int) -> Location:
        if not starts:
            starts.extend(_line_starts(text))
        line = bisect.bisect_right(starts, offset)
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(text)
        field = _csv_field_index(text[start:end], offset - start, delimiter)
        column = header[field] if field < len(header) else f"field {field + 1}"
        return Location(line=line, row=line - 1 if line > 1 else None, column=column)

    return locate


def _text_scans(name: str, text: str) -> list[ScanText]:
    suffix = PurePosixPath(name).suffix.lower()
    text = _DATA_URI.sub(_blank, text)
    if suffix in MARKUP_SUFFIXES:
        text = html.unescape(text)
        return [ScanText(text, _TAG.sub(_blank, text), _line_locator(text))]
    if suffix == ".tex":
        text = _TEX_ESCAPE.sub(r"\1", text)
    if suffix in TABLE_SUFFIXES:
        return [ScanText(text, text, _table_locator(text, "\t" if suffix == ".tsv" else ","))]
    return [ScanText(text, text, _line_locator(text))]


def _parquet_scans(data: bytes) -> list[ScanText]:
    table = pq.read_table(io.BytesIO(data))
    scans = []
    for name in table.column_names:
        # Distinct values only (categorical columns repeat); a match names the first row holding it.
        # Arrow writes dates and times as ISO text (pandas takes seconds per column of a large log).
        column = table.column(name)
        column = column.cast(pa.large_string()) if pa.types.is_temporal(column.type) else column
        distinct = column.to_pandas().astype("string").fillna("").str.replace("\n", " ", regex=False).drop_duplicates()
        first_rows = (distinct.index.to_numpy() + 1).tolist()
        joined = "\n".join(distinct.tolist())
        starts = _line_starts(joined)
        scans.append(
            ScanText(
                joined, joined,
                lambda offset, s=starts, r=first_rows, c=name: Location(row=r[bisect.bisect_right(s, offset) - 1], column=c),
            )
        )
    return scans


def _png_text_chunks(data: bytes) -> Iterator[tuple[str, str]]:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise Skipped("not a PNG file")
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            yield key.decode("latin-1"), value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, value = body.partition(b"\0")
            yield key.decode("latin-1"), zlib.decompress(value[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, value = rest.partition(b"\0")
            value = zlib.decompress(value) if compressed else value
            yield key.decode("latin-1"), value.decode("utf-8", "replace")
        elif kind == b"IEND":
            break


def _png_scans(data: bytes) -> list[ScanText]:
    return [ScanText(value, value, _line_locator(value, f"PNG {key}"), controls=False) for key, value in _png_text_chunks(data)]


def _pdf_scans(data: bytes) -> list[ScanText]:
    outside_streams = _PDF_STREAM.sub(b"stream endstream", data).decode("latin-1")
    return [ScanText(outside_streams, outside_streams, _line_locator(outside_streams, "PDF objects"), controls=False)]


def _decode_text(data: bytes) -> str:
    # NUL and other control characters are valid UTF-8: the text is scanned, and they are findings.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Skipped(f"not UTF-8 text ({error.reason} at byte {error.start})") from error


def scans_for(name: str, data: bytes) -> Iterator[tuple[str, ScanText]]:
    """Yield ``(name, text)`` pairs to scan for file ``name`` with bytes ``data``.

    Members of a ZIP archive come back as ``archive.zip!member``. Raises :class:`Skipped` for a
    file that cannot be read as text.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".parquet":
        yield from ((name, s) for s in _parquet_scans(data))
    elif suffix == ".png":
        yield from ((name, s) for s in _png_scans(data))
    elif suffix == ".pdf":
        yield from ((name, s) for s in _pdf_scans(data))
    elif suffix == ".gz":
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ValueError(f"corrupt gzip: {error}") from error
        inner_name = name[: -len(".gz")]
        yield from ((name, s) for _, s in scans_for(inner_name, inner))
    elif suffix == ".zip":
        unscanned = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith("/"):
                    continue
                try:
                    yield from scans_for(f"{name}!{member}", archive.read(member))
                except Skipped as reason:
                    unscanned.append(f"{member} ({reason})")
        if unscanned:  # the other members were scanned; these make the archive a finding
            raise Skipped("members that cannot be scanned: " + "; ".join(unscanned))
    elif suffix in {".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf"}:
        raise Skipped(f"binary {suffix} file: images and fonts hold no table or text the toolkit writes")
    else:
        yield from ((name, s) for s in _text_scans(name, _decode_text(data)))
