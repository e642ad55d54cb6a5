"""The toolkit's own errors. Every one names the file, row, column and value it is about."""

from __future__ import annotations

from dataclasses import dataclass


class ResearchError(Exception):
    """Base class of every error the toolkit raises on purpose."""


@dataclass
class InputError(ResearchError):
    """A problem in an input file, located as precisely as it can be.

    ``row`` is the 1-based data row (the header is row 0), as a spreadsheet user counts it.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ParseError(InputError, ValueError):
    """A single value (number, date, period, URL, outcome word) that cannot be read."""


class SchemaError(InputError):
    """A table that does not have the columns or types a step needs."""


class PrivacyError(ResearchError):
    """Something would expose data below site level, or a key for real data is missing."""


@dataclass
class OutputError(ResearchError):
    """An output that could not be written (full disk, no permission, a folder in the way)."""

    message: str
    file: str | None = None

    def __str__(self) -> str:
        return f"file {self.file}: {self.message}" if self.file is not None else self.message
