"""No CSV the platform writes can make a spreadsheet run a formula."""

from __future__ import annotations

import csv
import io

import pytest

from maillage.core import csvsafe

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1:9/","clic")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_that_a_spreadsheet_would_run_is_written_as_text(value):
    buffer = io.StringIO()
    csvsafe.writer(buffer).writerow([value, "ok"])
    csvsafe.dict_writer(buffer, fieldnames=["a", "b"]).writerow({"a": value, "b": "ok"})
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert [r[0] for r in rows] == ["'" + value] * 2


@pytest.mark.parametrize("value", ["-3.5", "+33 4 66 00 00 00", "Atelier", "", "L'Atelier"])
def test_numbers_phones_and_words_are_written_as_they_are(value):
    assert csvsafe.cell(value) == value


def test_numbers_stay_numbers():
    assert csvsafe.cell(-3.5) == -3.5 and csvsafe.cell(None) is None
