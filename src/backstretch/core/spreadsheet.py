"""CSV cells a spreadsheet shows as typed, never runs (CSV or formula injection).

A spreadsheet reads a cell that begins with =, +, -, @ (or a tab or carriage return before one) as a formula: a
name typed as `=HYPERLINK(...)` would become a live link beside other people's details. Following OWASP's CSV
Injection guidance, such text gets a leading apostrophe, which spreadsheets take as "text" and do not show. Text
that already begins with an apostrophe gets one more, so `plain_cell` gives back exactly what was typed.
Numbers, and text that is only a number, are left alone: "-3.5" is a number to a spreadsheet, not a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: object) -> object:
    """The value as a CSV cell that no spreadsheet runs."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, QUOTE)) and not _NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def plain_cell(text: str) -> str:
    """What safe_cell was given, from the cell it wrote (for reading an export back)."""
    return text[1:] if text.startswith(QUOTE) else text


class _Writes(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """csv.writer with every cell through safe_cell: the one way the app writes CSV."""

    def __init__(self, out: _Writes) -> None:
        self._writer = csv.writer(out)

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])
