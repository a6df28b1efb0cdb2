"""CSV files that a spreadsheet opens as data, never as formulas.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel and LibreOffice (« CSV injection »): a room named
``=HYPERLINK(...)`` in an export would become a live link. Every CSV the
platform writes goes through :func:`writer` / :func:`dict_writer`, which
prefix such a text cell with an apostrophe (OWASP's advice). Numbers are
written as numbers: ``-3.5`` stays ``-3.5``, and so does a text that is only a
signed number or phone number (``+33 4 66 00 00 00``, ``-0.5``): without a
letter or a symbol it cannot call anything, and open data keeps its values.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s().,]*$")


def cell(value: Any) -> Any:
    """The value, with a leading apostrophe when a spreadsheet would run it."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _SIGNED_NUMBER.match(value)
    ):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row: Iterable[Any]):
        return self._inner.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, inner: csv.DictWriter):
        self._inner = inner
        self.fieldnames = inner.fieldnames

    def writeheader(self):
        return self._inner.writeheader()

    def writerow(self, row: Mapping[str, Any]):
        return self._inner.writerow({k: cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> _SafeWriter:
    """``csv.writer`` whose text cells cannot become formulas."""
    return _SafeWriter(csv.writer(stream, **options))


def dict_writer(stream, fieldnames, **options) -> _SafeDictWriter:
    """``csv.DictWriter`` whose text cells cannot become formulas."""
    return _SafeDictWriter(csv.DictWriter(stream, fieldnames=fieldnames, **options))
