"""Posters and flyers as PDF: one page, rendered to PNG by pdftoppm, text checked by pdftotext."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from maillage.places.models import Function, PlaceFunction

from .conftest import paris

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.tools("pdftoppm", "pdftotext", "pdfinfo"),
]


def check_pdf(data: bytes, tmp_path: Path, name: str, size: str) -> str:
    """One page of the right size, rendered to PNG; returns its text."""
    assert data.startswith(b"%PDF")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    width = {"A4": "595.", "A5": "419."}[size]
    assert re.search(rf"^Page size:\s+{width}", info, re.M), info
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / name)], check=True)
    (png,) = tmp_path.glob(f"{name}*.png")
    assert png.stat().st_size > 5000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all("DejaVu" in row and " yes yes " in row for row in rows), fonts.stdout
    if os.environ.get("EVENTS_PRINT_OUT"):  # to look at them
        shutil.copy(pdf, Path(os.environ["EVENTS_PRINT_OUT"]) / pdf.name)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


@pytest.fixture
def offering(atelier):
    for slug in ("workspaces", "digital-mediation", "fablab"):
        PlaceFunction.objects.create(place=atelier, function=Function.objects.get(slug=slug))
    atelier.opening_hours = "Tu-Sa 09:00-18:00"
    atelier.save()
    return atelier


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_place_poster(client, offering, workshop, tmp_path, size):
    response = client.get(f"/agenda/imprimer/lieux/l-atelier.pdf?format={size}")
    assert response["Content-Type"] == "application/pdf"
    text = check_pdf(response.content, tmp_path, f"place-{size}", size)
    assert "L'Atelier" in text
    assert "Médiation numérique" in text and "Fablab" in text
    assert "Horaires" in text and "9 h" in text
    assert "Atelier réparation" in text
    assert "http://testserver/lieux/l-atelier/" in text


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_event_poster(client, workshop, tmp_path, size):
    response = client.get(f"/agenda/imprimer/evenements/{workshop.slug}.pdf?format={size}")
    text = check_pdf(response.content, tmp_path, f"event-{size}", size)
    text = text.replace("\u00a0", " ")
    assert "Atelier réparation" in text and "mercredi 9 décembre 2026 à 14 h – 16 h" in text
    assert "Gratuit" in text and "sur inscription" in text and "(2 places)" in text
    assert f"/agenda/evenements/{workshop.slug}/" in text


def test_commune_flyer(client, atelier, telecentre, mende, tmp_path):
    response = client.get("/agenda/imprimer/communes/48095.pdf")
    text = check_pdf(response.content, tmp_path, "commune-A4", "A4")
    assert "Les lieux partagés près de chez vous" in text
    assert "L'Atelier" in text and "Mende" in text
    assert "Télécentre de Florac" not in text  # 22 km away: beyond 20 km


def test_legend(client, tmp_path):
    response = client.get("/agenda/imprimer/pictogrammes.pdf")
    text = check_pdf(response.content, tmp_path, "legend-A4", "A4")
    assert "Les pictogrammes des lieux partagés" in text
    assert "Médiation numérique" in text and "Lien social" in text


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_a_crowded_commune_still_fits_on_one_page(client, atelier, mende, tmp_path, size):
    from maillage.events import services
    from maillage.places.models import Place

    functions = list(Function.objects.all()[:6])
    for n in range(14):
        place = Place.objects.create(
            name=f"Lieu partagé numéro {n} avec un nom assez long pour passer à la ligne",
            slug=f"lieu-{n}",
            type="tiers-lieu",
            commune=mende,
            latitude=44.518 + n * 0.001,
            longitude=3.50,
        )
        for function in functions:
            PlaceFunction.objects.create(place=place, function=function)
    for n in range(8):
        start = paris(2026, 12, 1 + n, 18, 0)
        services.create_event(
            place=atelier,
            title=f"Soirée {n}",
            start=start,
            end=start.replace(hour=20),
            description="Une soirée. " * 80,
        )
    response = client.get(f"/agenda/imprimer/communes/48095.pdf?format={size}")
    text = check_pdf(response.content, tmp_path, f"crowded-{size}", size)
    assert "Les lieux partagés près de chez vous" in text
    assert "http://testserver/communes/48095/" in text  # the footer made it onto the page


def test_the_place_photo_is_on_the_poster(client, atelier, tmp_path, settings):
    from django.core.files.base import ContentFile
    from PIL import Image

    from maillage.places.models import PlacePhoto

    settings.MEDIA_ROOT = str(tmp_path / "media")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), (21, 70, 80)).save(buffer, "JPEG")
    photo = PlacePhoto(place=atelier, alt="La salle")
    photo.image.save("salle.jpg", ContentFile(buffer.getvalue()))
    response = client.get("/agenda/imprimer/lieux/l-atelier.pdf")
    check_pdf(response.content, tmp_path, "photo-A4", "A4")
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "photo-A4.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert any(" 800   400 " in line for line in images.splitlines()), images
