"""maillage report: the PDF for Lozère says the figures (checked with poppler's
pdftotext) and renders to PNG pages (pdftoppm)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.management import call_command

from maillage.analysis import report, services
from maillage.core.french import PARIS

pytestmark = pytest.mark.tools("pdftotext", "pdftoppm")


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
    return out.stdout.decode()


def test_the_lozere_report_in_pdf_and_png(lozere, tmp_path):
    pdf = tmp_path / "lozere.pdf"
    out = io.StringIO()
    call_command(
        "report", "--dept", "48", "--type", "france-services", "--out", str(pdf), "--png",
        "--dpi", "50", stdout=out,
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    flat = re.sub(r"\s+", " ", text.replace("\u202f", " "))
    assert "Qui vit près d'un lieu ?" in flat and "Lozère (48)" in flat
    assert "84,9 %" in flat and "64 907" in flat and "58,4 %" in flat
    assert "Les communes à plus de 10 km" in flat and "Peyre en Aubrac" in flat
    assert "Le bassin de chaque lieu" in flat and "France services de Mende" in flat
    assert "Où ouvrir les 3 prochains lieux ?" in flat and "72 978" in flat
    assert "c'est prouvé" in flat
    pages = sorted(tmp_path.glob("lozere*.png"))
    assert [p.name for p in pages] == ["lozere-2.png", "lozere-3.png", "lozere.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    assert "Page :" in out.getvalue()


def test_a_png_out_and_a_date(lozere, tmp_path):
    png = tmp_path / "samedi.png"
    call_command(
        "report", "--dept", "48", "--function", "digital-mediation", "--date", "2026-11-28",
        "--add", "0", "--out", str(png), "--dpi", "40", stdout=io.StringIO(),
    )  # fmt: skip
    assert png.read_bytes().startswith(b"\x89PNG")
    assert not list(tmp_path.glob("*.pdf"))


def test_report_bad_out(lozere, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="pdf"):
        call_command("report", "--out", str(tmp_path / "x.docx"), stdout=io.StringIO())


def test_the_report_writes_its_dates_the_french_way(lozere, frozen_clock):
    frozen_clock.move_to(dt.datetime(2027, 4, 1, 9, 0, tzinfo=PARIS))
    query = services.make_query(departements=["48"], on="2026-12-01")
    html = re.sub(r"\s+", " ", report.build_report(query, add=0).html)
    assert "lieux ouverts le mardi 1er décembre 2026" in html
    assert "· 1er avril 2027</span>" in html  # the note's heading
    assert "Maillage, logiciel libre, le 1er avril 2027." in html
