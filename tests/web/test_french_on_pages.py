"""The pages write French the one way (maillage.core.french): « 1er », « 10 h 30 »,
« 0 lieu », months and weekdays in lower case."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from maillage.core import clock
from maillage.places.models import Closure, Place

from .htmlscan import page_of

pytestmark = pytest.mark.django_db


def first_of_next_month() -> dt.date:
    today = clock.today()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_the_place_page_and_the_list_write_french(client, demo):
    place = Place.objects.get(slug="fablab-florac")
    first = first_of_next_month()
    Closure.objects.create(
        place=place, start_date=first, end_date=first + dt.timedelta(days=2), reason="Inventaire"
    )
    text = page_of(client.get(place.get_absolute_url())).text
    weekday = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    assert f"du {weekday[first.weekday()]} 1er " in text  # « du mardi 1er décembre au … »
    assert (
        re.search(
            r"\b1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
            r"octobre|novembre|décembre)\b",
            text,
        )
        is None
    )
    assert not re.search(r"\b(Lun|Mar|Mer|Jeu|Ven|Sam|Dim|Déc|Jan|Fév|Avr|Juil|Aoû)\b", text)
    assert not re.search(r"\d\d:\d\d", text)  # hours are « 9 h 30 », never 09:30
    # The history says when the closure was announced, the French way too.
    assert "Fermeture annoncée du " in text and "1er " in text

    assert "0 lieu" in page_of(client.get("/?q=introuvable")).text
    assert "0 lieux" not in page_of(client.get("/?q=introuvable")).text
    assert "1 lieu" in page_of(client.get("/?function=fablab")).text
    assert "6 lieux" in page_of(client.get("/")).text
