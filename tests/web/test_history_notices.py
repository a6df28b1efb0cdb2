import datetime as dt

import pytest

from maillage.places.models import Notice, Place
from maillage.web.history import place_history


@pytest.mark.django_db
def test_a_notice_published_then_withdrawn_shows_in_the_place_history():
    place = Place.objects.create(name="Le Fournil", slug="le-fournil", type="tiers-lieu")
    notice = Notice.objects.create(
        place=place,
        message="Fermé pour inventaire",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 3),
    )
    notice.delete()
    what = [entry.what for entry in place_history(place)]
    assert "Annonce publiée : « Fermé pour inventaire »" in what
    assert "Annonce retirée : « Fermé pour inventaire »" in what
