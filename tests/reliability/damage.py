"""Kinds of damage real exports suffer, applied programmatically to a valid table.

A table is a header plus rows of strings; each damage returns the bytes of the damaged file and
the number of data rows a reader must account for (rows out + rows quarantined), so that nothing
can be dropped silently.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

Table = tuple[list[str], list[list[str]]]


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class Damaged:
    data: bytes
    rows: int  # data rows in the damaged file


def _utf8(header, rows, **kw) -> Damaged:
    return Damaged(csv_text(header, rows, **kw).encode("utf-8"), len(rows))


def set_cell(table: Table, row: int, column: str, value: str) -> Table:
    header, rows = table
    rows = [list(r) for r in rows]
    rows[row][header.index(column)] = value
    return header, rows


def encoded(encoding: str, bom: bytes = b"") -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        header, rows = table
        return Damaged(bom + csv_text(header, rows).encode(encoding), len(rows))

    return apply


def delimiter(sep: str) -> Callable[[Table], Damaged]:
    return lambda table: _utf8(*table, delimiter=sep)


def crlf(table: Table) -> Damaged:
    return _utf8(*table, newline="\r\n")


def missing_column(name: str) -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        header, rows = table
        i = header.index(name)
        return _utf8(header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])

    return apply


def extra_column(table: Table) -> Damaged:
    header, rows = table
    return _utf8(header + ["internal_note"], [r + ["checked by staff"] for r in rows])


def renamed_column(old: str, new: str) -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        header, rows = table
        return _utf8([new if h == old else h for h in header], rows)

    return apply


def duplicated_column(name: str) -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        header, rows = table
        i = header.index(name)
        # The copy disagrees with the original: a reader must not pick one silently.
        return _utf8(header + [name], [r + [r[i] + "0"] for r in rows])

    return apply


def empty_file(table: Table) -> Damaged:
    return Damaged(b"", 0)


def header_only(table: Table) -> Damaged:
    return _utf8(table[0], [])


def duplicate_rows(table: Table) -> Damaged:
    header, rows = table
    return _utf8(header, rows + [rows[0]])


def blank_line_inside(table: Table) -> Damaged:
    header, rows = table
    text = csv_text(header, rows)
    lines = text.split("\n")
    lines.insert(2, "")
    return Damaged("\n".join(lines).encode("utf-8"), len(rows))


def padded_cells(table: Table) -> Damaged:
    header, rows = table
    return _utf8([f" {h} " for h in header], [[f"  {c} " for c in r] for r in rows])


def truncated_last_line(table: Table) -> Damaged:
    """The export stopped mid-row: the last line has only its first few fields, no newline."""
    text = csv_text(*table).rstrip("\n")
    last = text.rsplit("\n", 1)[1]
    keep = last[: len(last) // 3]
    return Damaged((text[: len(text) - len(last)] + keep).encode("utf-8"), len(table[1]))


def unclosed_quote(table: Table) -> Damaged:
    text = csv_text(*table)
    return Damaged((text + '"unterminated,cell\n').encode("utf-8"), len(table[1]) + 1)


def embedded_delimiters(column: str) -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        header, rows = set_cell(table, 0, column, 'a "quoted", multi-line\nvalue; with | separators')
        return _utf8(header, rows)

    return apply


def cell(row: int, column: str, value: str) -> Callable[[Table], Damaged]:
    return lambda table: _utf8(*set_cell(table, row, column, value))


def cells(changes: list[tuple[int, str, str]]) -> Callable[[Table], Damaged]:
    def apply(table: Table) -> Damaged:
        for row, column, value in changes:
            table = set_cell(table, row, column, value)
        return _utf8(*table)

    return apply


#: Hostile or broken column mappings and the words their error must contain (used through the API
#: and through the CLI).
BAD_MAPPINGS = [
    ("columns: !!python/object/apply:os.system ['echo hi']\n", "YAML tags"),
    ("a: &a ['x','x','x']\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\ncolumns: {}\n", "anchors and aliases"),
    ("columns:\n  url: Link\n  content_id: Link\n", "same column"),
    ("columns:\n  url: Link\noutcomes:\n  gone: erased\n", "unknown outcome category"),
    ("timezone: Mars/Olympus\n", "unknown time zone"),
    ("columns: [\n", "not a valid YAML"),
]
