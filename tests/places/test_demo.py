"""Rules of the demo data (maillage load-demo, maillage.places.demo.load_demo)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maillage.places import hours
from maillage.places.demo import EXAMPLE_MARK, load_data, load_demo
from maillage.places.models import Closure, MobileStop, Notice, Place, PlaceFunction
from maillage.territory.geo import commune_at
from maillage.territory.importers import import_communes
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def lozere(open_data_dir):
    import_communes(
        ["48"],
        [
            open_data_dir / "communes-geojson" / "communes-48-lozere.geojson",
            open_data_dir / "communes-population-cog.json",
        ],
    )


@pytest.fixture
def demo(lozere):
    return load_demo(today=TODAY, with_open_data=False)


def snapshot():
    user_model = get_user_model()
    return tuple(
        model.objects.count()
        for model in (
            Place,
            Place.history.model,
            PlaceFunction,
            PlaceFunction.history.model,
            Closure,
            Notice,
            MobileStop,
            user_model,
            Commune,
        )
    )


def test_load_demo_imports_lozere_open_data_and_is_idempotent(settings, open_data_dir):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    settings.MAILLAGE_DEPARTEMENTS = ["48"]
    first = load_demo(today=TODAY)
    assert first.communes.total == 158
    assert first.france_services.created == 20
    assert Place.objects.filter(source="france-services", is_mobile=True).count() == 1
    before = snapshot()
    second = load_demo(today=TODAY)
    assert snapshot() == before
    assert len(second.unchanged) == len(load_data()["places"])
    assert second.france_services.unchanged == 20


def test_every_demo_place_is_marked_as_an_example(demo):
    places = Place.objects.filter(source="demo")
    assert places.count() == len(load_data()["places"]) >= 20
    for place in places:
        assert place.is_example, place
        assert EXAMPLE_MARK in place.description, place


def test_the_places_the_document_names_are_there(demo):
    names = set(Place.objects.filter(source="demo").values_list("name", flat=True))
    for name in [
        "L'Atelier",
        "L'Antirouille",
        "Polen",
        "Télécentre de Saint-Chély-d'Apcher",
        "Lozère Développement",
        "Maison de l'Emploi et de la Cohésion Sociale",
        "Coworking de Villefort (projet)",
        "Club informatique de Sainte-Croix-Vallée-Française",
        "Nouvelle Dimension",
        "Mission locale de Lozère",
        "Point Accueil Écoute Jeunes (PAEJ)",
        "Centre d'information et d'orientation (CIO) de Mende",
        "Le tiers-truck",
        "Cinéco, le cinéma ambulant",
    ]:
        assert name in names
    types = set(Place.objects.filter(source="demo").values_list("type", flat=True))
    assert {"hotel", "school", "cafe", "farm", "co-home", "mobile-unit", "youth-service"} <= types


def test_every_demo_place_and_stop_lies_in_its_commune(demo):
    for place in Place.objects.filter(source="demo"):
        assert commune_at(place.latitude, place.longitude) == place.commune, place
    for stop in MobileStop.objects.all():
        assert commune_at(stop.latitude, stop.longitude) == stop.commune, stop


def test_the_telecentre_is_in_saint_chely(demo):
    telecentre = Place.objects.get(slug="telecentre-saint-chely-d-apcher")
    assert telecentre.commune.code == "48140"
    assert telecentre.postal_code == "48200"


def test_every_demo_hour_is_valid_osm(demo):
    for place in Place.objects.filter(source="demo"):
        assert place.opening_hours
        hours.validate(place.opening_hours)
    for expression in PlaceFunction.objects.exclude(opening_hours="").values_list(
        "opening_hours", flat=True
    ):
        hours.validate(expression)
    for expression in MobileStop.objects.values_list("opening_hours", flat=True):
        hours.validate(expression)


def test_some_hours_are_seasonal_and_some_close_on_holidays(demo):
    expressions = list(Place.objects.filter(source="demo").values_list("opening_hours", flat=True))
    assert any("Jun-Sep" in e or "Apr-Oct" in e for e in expressions)
    assert any("PH off" in e for e in expressions)


def test_a_closure_is_announced_ahead_and_a_notice_is_current(demo):
    closure = Closure.objects.get()
    assert closure.start_date > TODAY
    assert not closure.place.is_open_at(
        dt.datetime.combine(closure.start_date, dt.time(10), hours.PARIS)
    )
    notice = Notice.objects.get()
    assert list(notice.place.current_notices(today=TODAY)) == [notice]


def test_mobile_units_have_stops_with_commune_spot_and_hours(demo):
    for slug in ("tiers-truck", "cineco"):
        unit = Place.objects.get(slug=slug)
        assert unit.is_mobile and unit.type == "mobile-unit"
        assert unit.stops.count() >= 3
        assert all(stop.spot and stop.opening_hours for stop in unit.stops.all())


def test_places_have_functions_networks_charter_accessibility_and_fee(demo):
    atelier = Place.objects.get(slug="l-atelier")
    assert atelier.place_functions.count() >= 5
    assert list(atelier.networks.values_list("slug", flat=True)) == ["solozere"]
    assert atelier.charter_items.filter(slug="conviviality").exists()
    assert atelier.wheelchair == "yes" and atelier.fee == "mixed"


def test_at_8_pm_the_paej_is_closed_and_l_atelier_is_open(demo):
    thursday_evening = dt.datetime(2026, 11, 26, 20, 0, tzinfo=hours.PARIS)
    assert not Place.objects.get(slug="paej-mende").is_open_at(thursday_evening)
    assert Place.objects.get(slug="l-atelier").is_open_at(thursday_evening)


def test_the_hotel_offers_desks_in_winter_only(demo):
    desks = PlaceFunction.objects.get(place__slug="hotel-des-gorges", function__slug="workspaces")
    assert desks.is_available_at(dt.datetime(2027, 1, 12, 10, 0, tzinfo=hours.PARIS))
    assert not desks.is_available_at(dt.datetime(2027, 7, 13, 10, 0, tzinfo=hours.PARIS))


def test_demo_accounts_log_in_with_their_roles(demo, client):
    assert client.login(username="coordination", password="demo-coordination")
    user_model = get_user_model()
    coordinator = user_model.objects.get(username="coordination")
    host = user_model.objects.get(username="hote")
    assert coordinator.is_coordinator and coordinator.is_staff
    assert not host.is_coordinator
    assert set(host.hosted_places.values_list("slug", flat=True)) == {
        "l-atelier",
        "telecentre-saint-chely-d-apcher",
    }
    assert host.can_edit_place(Place.objects.get(slug="l-atelier"))
    assert not host.can_edit_place(Place.objects.get(slug="polen"))
    client.logout()
    assert client.login(username="hote", password="demo-hote")


def test_a_second_load_restores_what_was_changed(demo):
    Place.objects.filter(slug="polen").update(summary="changé")
    Closure.objects.all().delete()
    report = load_demo(today=TODAY, with_open_data=False)
    assert set(report.updated) == {"polen", "telecentre-saint-chely-d-apcher"}
    assert Place.objects.get(slug="polen").summary != "changé"
    assert Closure.objects.count() == 1


def test_the_command_prints_the_logins(lozere):
    out = io.StringIO()
    call_command("load_demo", "--no-open-data", stdout=out)
    text = out.getvalue()
    assert "coordination / demo-coordination" in text
    assert "hote / demo-hote" in text


# whitenoise warns once when a fresh checkout has no collected static folder
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_the_admin_lists_and_shows_demo_places(demo, admin_client):
    assert admin_client.get("/admin/places/place/?q=atelier").status_code == 200
    atelier = Place.objects.get(slug="l-atelier")
    page = admin_client.get(f"/admin/places/place/{atelier.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Fermetures exceptionnelles" in content or "fermetures exceptionnelles" in content
    assert admin_client.get(f"/admin/places/place/{atelier.pk}/history/").status_code == 200
    for url in (
        "/admin/places/function/",
        "/admin/places/functionfamily/",
        "/admin/places/charteritem/",
        "/admin/places/network/",
    ):
        assert admin_client.get(url).status_code == 200


def test_the_admin_rejects_invalid_opening_hours(demo, rf, admin_user):
    from django.contrib.admin.sites import site

    model_admin = site._registry[Place]
    request = rf.get("/")
    request.user = admin_user
    atelier = Place.objects.get(slug="l-atelier")
    form_class = model_admin.get_form(request, atelier)
    data = {f: v for f, v in form_class(instance=atelier).initial.items() if v is not None}
    data.update(opening_hours="le mardi", networks=[], charter_items=[], hosts=[])
    form = form_class(data, instance=atelier)
    assert not form.is_valid()
    assert "opening_hours" in form.errors
