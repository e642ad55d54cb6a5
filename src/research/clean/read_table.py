"""Read a CSV exported by any spreadsheet, portal or database: encoding, delimiter, header checks.

Files reach the toolkit from Excel in Tokyo, Seoul, Jakarta and Europe. This reader finds the
encoding with a fixed, documented try-list (so the same bytes are always read the same way, and
the result says which encoding was used):

1. a byte-order mark decides: UTF-8 BOM → ``utf-8-sig``; UTF-16 BOM → ``utf-16``;
   UTF-16 without a BOM is recognised by its NUL bytes (``utf-16-le``/``utf-16-be``);
2. otherwise the first of ``utf-8``, ``cp932`` (Shift-JIS as Windows writes it), ``cp949``
   (Microsoft's superset of EUC-KR), ``cp1252`` (Western European Windows) that decodes every byte
   *and* reads plausibly: Korean bytes decoded as ``cp932`` come out as half-width katakana, and
   accented Latin decoded as ``cp932`` leaves a lone kanji between Latin letters, so either sign
   sends the reader on to the next encoding.

Plain UTF-8 files, the usual case and the large one, are parsed by ``pyarrow.csv`` straight into
Arrow text columns, in parallel and without holding the file as Python text; a file Arrow refuses
(another encoding, a ragged or badly quoted row, a quoted line break) is read again by the general
path below, which gives the same table or names the problem. Gzipped files are first streamed into
a temporary plain file, a block at a time, with a cap on the decompressed size and ratio
(:func:`gunzipped`), so memory is bounded as for a plain file. A UTF-8 file with a few invalid
bytes is refused, naming the first one, instead of being re-read as cp1252. The delimiter is sniffed among ``,`` ``;`` tab and ``|`` (``,`` when unsure). Every cell is read
as text and only empty cells become missing, so ``n/a`` or ``-`` reach the parsers as written.
Problems become toolkit errors that name the file (and the line, when there is one): an empty
file, a header with a blank or repeated column name, a line with more fields than the header, a
quote left open at the end of the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from research.clean.arrow_text import to_series
from research.errors import InputError, SchemaError

#: Bytes read from the start of a file to sniff its encoding, delimiter and header.
SAMPLE_BYTES = 1 << 20
#: Cap on what a gzipped input may decompress to (bytes), and on its decompressed/compressed ratio.
GZIP_MAX_BYTES = 64 << 30
GZIP_MAX_RATIO = 200
GZIP_BLOCK = 1 << 20
#: The try-list for files without a byte-order mark, in order.
FALLBACK_ENCODINGS: tuple[str, ...] = ("utf-8", "cp932", "cp949", "cp1252")
DELIMITERS = ",;\t|"
_HALF_WIDTH_KATAKANA = re.compile(r"[\uff61-\uff9f]")
_LONE_KANJI_IN_LATIN = re.compile(r"[A-Za-z][\u4e00-\u9fff][A-Za-z]")
_LINE_IN_MESSAGE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class ReadTable:
    """A table read as text, with how it was read."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str


def _plausible(text: str, encoding: str) -> bool:
    if encoding == "cp932":
        return not (_HALF_WIDTH_KATAKANA.search(text) or _LONE_KANJI_IN_LATIN.search(text))
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str = "input") -> tuple[str, str]:
    """Decode ``data`` with the documented try-list; return ``(text, encoding used)``.

    Raises
    ------
    InputError
        No encoding of the list reads the bytes (the first undecodable byte is named).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        utf16 = _utf16_without_bom(data)
        candidates = (utf16,) if utf16 else FALLBACK_ENCODINGS
        if not utf16:
            _refuse_damaged_utf8(data, source)
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
            continue
        if _plausible(text, encoding):
            return text, encoding
    where = f" (byte {first_error.start}: {data[first_error.start:first_error.start + 4]!r})" if first_error else ""
    raise InputError(f"cannot read the file's encoding with any of {', '.join(candidates)}{where}; save it as UTF-8", file=source)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _refuse_damaged_utf8(data: bytes, source: str) -> None:
    """Stop on a UTF-8 file with a few invalid bytes instead of re-reading it all as cp1252.

    A file that holds well-formed UTF-8 multi-byte characters and at most as many invalid bytes
    is UTF-8 with damage (one stray cp1252 byte pasted in): decoding it as a legacy encoding would
    turn every other non-ASCII character into mojibake. A legacy file (cp932, cp949, cp1252)
    almost never holds a well-formed UTF-8 sequence, so it still goes to the try-list.
    """
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError as error:
        first = error
    good = sum(1 for _ in _UTF8_MULTIBYTE.finditer(data))
    if good == 0:
        return
    bad = data.decode("utf-8", errors="replace").count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if good < bad:
        return
    row = data.count(b"\n", 0, first.start)
    raise InputError(
        f"the file is UTF-8 but byte {first.start} ({data[first.start:first.start + 1]!r}) is not: "
        f"{bad} invalid byte(s) among {good} UTF-8 characters; fix that byte or save the file as UTF-8 again "
        "(it is not re-read as another encoding, which would garble every other character)",
        file=source,
        row=row,
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text among ``, ; tab |`` (``,`` when the sniffer is unsure)."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _check_header(header: list[str], source: str) -> None:
    names = [name.strip() for name in header]
    for position, name in enumerate(names, start=1):
        if not name:
            raise SchemaError(f"header cell {position} is blank; every column needs a name", file=source, row=0)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SchemaError("column name appears twice in the header", file=source, row=0, column=name)
        seen.add(name)


#: Placeholder names of Excel's trailing header cells left blank (the columns are dropped when empty).
TRAILING_BLANK = "\x00blank-"
#: Column added to a table read by the general path when some rows have fewer fields than the
#: header: true on those rows (the cleaners quarantine them as "too few fields").
FIELDS_MISSING = "_too_few_fields"


def _named_width(header: list[str]) -> int:
    """Columns up to the last non-blank header cell (Excel saves empty trailing columns as ``,,``)."""
    width = len(header)
    while width > 1 and not header[width - 1].strip():
        width -= 1
    return width


def _short_rows(text: str, delimiter: str, width: int, rows: int) -> np.ndarray | None:
    """True for each data row with fewer than ``width`` fields (``None`` if rows cannot be matched up)."""
    records = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r and not (len(r) == 1 and not r[0].strip())]
    if len(records) - 1 != rows:
        return None
    return np.array([len(r) < width for r in records[1:]], dtype=bool)


def _first_long_row(text: str, delimiter: str, width: int) -> int | None:
    for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if len(fields) > width:
            return number
    return None


def read_text_table(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    source: str | None = None,
) -> ReadTable:
    """Read a delimited text file into a table of strings (empty cells missing, nothing else).

    Parameters
    ----------
    path
        The file.
    delimiter
        Force a delimiter instead of sniffing it.
    source
        Name shown in errors (default: the path).

    Raises
    ------
    InputError
        Unreadable encoding, empty file, a line with too many fields, an unclosed quote.
    SchemaError
        A blank or repeated column name in the header.
    """
    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        raise InputError("file not found", file=source)
    if is_gzip(path):  # logs are often shipped compressed: stream it out, then read it as a plain file
        with gunzipped(path, source) as plain:
            return read_text_table(plain, delimiter=delimiter, source=source)
    fast = _read_utf8_with_arrow(path, delimiter, source)
    if fast is not None:
        return fast
    data = path.read_bytes()
    text, encoding = decode_bytes(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the file is empty: expected a header line and data rows", file=source)
    delimiter = delimiter or sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    named = _named_width(header)
    _check_header(header[:named], source)
    names = [*header[:named], *(f"{TRAILING_BLANK}{k}" for k in range(len(header) - named))]
    try:
        with warnings.catch_warnings():
            # index_col=False: a first row longer than the header must not become an index
            # silently; pandas warns about it, and the warning is turned into an error here.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), sep=delimiter, dtype="string", keep_default_na=False, na_values=[""],
                index_col=False, engine="c", header=0, names=names,
            )
    except pd.errors.ParserWarning as error:
        row = _first_long_row(text, delimiter, len(header))
        raise InputError(f"a row has more fields than the header's {len(header)}", file=source, row=row) from error
    except pd.errors.EmptyDataError as error:  # e.g. a blank first line followed by a control character
        raise InputError("no header line with column names was found", file=source, row=1) from error
    except pd.errors.ParserError as error:
        line = _LINE_IN_MESSAGE.search(str(error))
        row = int(line.group(1)) - 1 if line else None
        raise InputError(f"the file's rows do not fit its header: {error}", file=source, row=row) from error
    for position, name in enumerate(names[named:], start=named + 1):  # Excel's empty trailing columns
        if frame[name].notna().any():
            row = int(np.flatnonzero(frame[name].notna().to_numpy())[0]) + 1
            raise SchemaError(f"header cell {position} is blank but the column holds values; every column needs a name", file=source, row=row)
        del frame[name]
    short = _short_rows(text, delimiter, named, len(frame))
    if short is not None and short.any():
        frame[FIELDS_MISSING] = pd.array(short, dtype="boolean")
    frame.columns = [str(c).strip() for c in frame.columns]
    return ReadTable(frame, encoding, delimiter)


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with the gzip magic bytes."""
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def gzip_limits() -> tuple[int, int]:
    """``(max decompressed bytes, max ratio)``: :data:`GZIP_MAX_BYTES`, :data:`GZIP_MAX_RATIO`, or the
    environment's ``RESEARCH_GZIP_MAX_BYTES`` / ``RESEARCH_GZIP_MAX_RATIO``."""
    limits = []
    for name, default in (("RESEARCH_GZIP_MAX_BYTES", GZIP_MAX_BYTES), ("RESEARCH_GZIP_MAX_RATIO", GZIP_MAX_RATIO)):
        text = os.environ.get(name)
        try:
            limits.append(int(text) if text else default)
        except ValueError:
            raise InputError(f"${name} must be a whole number", value=text) from None
    return limits[0], limits[1]


@contextmanager
def gunzipped(path: str | os.PathLike[str], source: str | None = None, folder: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Decompress a gzipped file a block at a time into a temporary file; yield its path.

    Memory stays at one block whatever the file's size. The temporary file sits in ``folder``
    (default: beside the input, so a private log stays where it was put; the system's temporary
    folder if that one is read-only) and is removed afterwards.

    Raises
    ------
    InputError
        The data grows past :func:`gzip_limits` (a decompression bomb: more than the size cap, or
        more than ``ratio`` times the compressed size), or the gzip stream is corrupt or cut short.
    """
    path = Path(path)
    source = source or str(path)
    max_bytes, max_ratio = gzip_limits()
    limit = min(max_bytes, max(max_ratio * path.stat().st_size, 1 << 20))
    try:
        work = tempfile.TemporaryDirectory(dir=folder or path.parent, prefix=".research-gunzip-")
    except OSError:
        work = tempfile.TemporaryDirectory(prefix=".research-gunzip-")
    with work as directory:
        target = Path(directory) / path.name.removesuffix(".gz")
        total = 0
        try:
            with gzip.open(path, "rb") as compressed, open(target, "wb") as plain:
                for block in iter(lambda: compressed.read(GZIP_BLOCK), b""):
                    total += len(block)
                    if total > limit:
                        raise InputError(
                            f"the gzipped file decompresses to more than {limit:,} bytes (cap: {max_bytes:,} bytes, "
                            f"{max_ratio}× its compressed size); raise RESEARCH_GZIP_MAX_BYTES / RESEARCH_GZIP_MAX_RATIO "
                            "if the file is genuine", file=source,
                        )
                    plain.write(block)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"corrupt or truncated gzip file: {error}", file=source) from None
        yield target


@dataclass(frozen=True)
class ArrowPlan:
    """How ``pyarrow.csv`` reads a plain UTF-8 file exactly as :func:`read_text_table` does."""

    header: list[str]
    encoding: str
    delimiter: str
    options: dict


def arrow_plan(path: str | os.PathLike[str], delimiter: str | None = None, source: str | None = None) -> ArrowPlan | None:
    """The Arrow reading of a plain UTF-8 file; ``None`` when the general path must decide.

    The delimiter and header are sniffed exactly as the general path does, from the first 50
    lines; when those lines do not fit in the sample, or the file is gzipped, UTF-16, not UTF-8,
    holds a quoted line break or an odd number of quotes, the general reader takes over. Both
    engines read through this plan (the Dask engine streams with it), so they see the same table.
    """
    path = Path(path)
    source = source or str(path)
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        whole = not handle.read(1)
    bom = head.startswith(b"\xef\xbb\xbf")
    if head.startswith((b"\x1f\x8b", b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return None
    try:
        sample = codecs.getincrementaldecoder("utf-8-sig" if bom else "utf-8")().decode(head, final=whole)
    except UnicodeDecodeError:
        return None
    sample = sample.replace("\r\n", "\n").replace("\r", "\n")
    if not sample.strip() or not (whole or sample.count("\n") > 50):
        return None
    delimiter = delimiter or sniff_delimiter(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=delimiter))
    if _named_width(header) < len(header):
        return None  # empty trailing columns: the general path drops them
    _check_header(header, source)
    if any("\n" in name for name in header) or _odd_quotes(path):
        return None
    options = {
        # Large blocks: Arrow parses them in parallel, and joining 50 chunks a column is ten times
        # cheaper than joining the 1,800 that its default 1 MB blocks make of a 2 GB log.
        "read_options": pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True, block_size=32 << 20),
        "parse_options": pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in header}, null_values=[""], strings_can_be_null=True,
            quoted_strings_can_be_null=True, check_utf8=True,
        ),
    }
    return ArrowPlan(header, "utf-8-sig" if bom else "utf-8", delimiter, options)


def arrow_frame(table: pa.Table, header: list[str]) -> pd.DataFrame:
    """Arrow columns as the reader's frame: names stripped, text columns, one column at a time."""
    columns = {}
    for name in header:  # one column at a time, so the chunks and the joined copy never all coexist
        columns[name.strip()] = to_series(table.column(name).combine_chunks())
        table = table.drop_columns([name])
    return pd.DataFrame(columns, copy=False)


def whitespace_only_rows(table: pa.Table) -> bool:
    """With one column, a line of spaces is a blank line to the general path but a value to Arrow."""
    return table.num_columns == 1 and bool(pc.any(pc.match_substring_regex(table.column(0), r"^\s+$")).as_py())


def _read_utf8_with_arrow(path: Path, delimiter: str | None, source: str) -> ReadTable | None:
    """Read a plain UTF-8 file with ``pyarrow.csv`` (:func:`arrow_plan`); ``None`` to fall back."""
    plan = arrow_plan(path, delimiter, source)
    if plan is None:
        return None
    try:
        table = pacsv.read_csv(path, **plan.options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if whitespace_only_rows(table):
        return None
    return ReadTable(arrow_frame(table, plan.header), plan.encoding, plan.delimiter)


def _odd_quotes(path: Path) -> bool:
    """True when the file holds an odd number of ``"``: a quote left open, which Arrow would accept."""
    count = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            count += block.count(b'"')
    return count % 2 == 1


def read_parquet_file(path: str | os.PathLike[str], columns: list[str] | None = None) -> pd.DataFrame:
    """Read a Parquet file the toolkit wrote; a truncated or corrupt file is an :class:`InputError`.

    A write interrupted before :mod:`research.outputs` wrote atomically, or a copy cut short,
    leaves a file without its footer; pyarrow's own error would surface as a traceback.
    """
    path = Path(path)
    try:
        return pd.read_parquet(path, columns=columns)
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as error:
        reason = str(error).split("\n", 1)[0]
        raise InputError(f"truncated or corrupt Parquet file ({reason}); write it again", file=str(path)) from None
