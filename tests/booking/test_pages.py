"""The booking pages without a browser: search, book, my bookings, the host's calendar."""

from __future__ import annotations

import pytest

from maillage.booking.models import Booking

from .conftest import make_resource


@pytest.fixture
def open_all_week(atelier):
    atelier.opening_hours = "Mo-Su 08:00-20:00"
    atelier.save()
    return atelier


def test_search_book_approve(client, open_all_week, person, host):
    room = make_resource(open_all_week, approval_required=True, price_hour="12.00")
    page = client.get(
        "/reserver/",
        {
            "commune": "48095",
            "period": "afternoon",
            "seats": 2,
            "equipment": "visio",
            "rank": "functional",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Salle visio" in html and "commission" in html
    link = f"/reserver/ressource/{room.pk}/?"
    assert link in html
    client.force_login(person)
    booking_page = client.get(html[html.index(link) :].split('"')[0].replace("&amp;", "&"))
    form = booking_page.context["form"]
    data = {k: form.initial.get(k) for k in ("date", "start", "end", "seats")}
    data["purpose"] = "Visio avec la région"
    response = client.post(f"/reserver/ressource/{room.pk}/", data)
    assert response.status_code == 302, response.context["refused"]
    booking = Booking.objects.get()
    assert booking.status == "pending"
    assert "Visio avec la région" not in client.get("/reserver/").content.decode()
    assert str(room.name) in client.get("/reserver/mes-reservations/").content.decode()
    # refused at the same time, with the nearest free slots proposed
    again = client.post(f"/reserver/ressource/{room.pk}/", data)
    assert again.status_code == 200 and again.context["refused"] and again.context["alternatives"]
    client.force_login(host)
    calendar = client.get(
        f"/reserver/lieu/{open_all_week.slug}/", {"semaine": form.initial["date"]}
    )
    assert calendar.status_code == 200 and "Accepter" in calendar.content.decode()
    [row] = calendar.context["week_rows"]
    assert [b.pk for cell in row["cells"] for b in cell["bookings"]] == [booking.pk]
    client.post(
        f"/reserver/reservation/{booking.pk}/approve/",
        {"next": f"/reserver/lieu/{open_all_week.slug}/"},
    )
    assert Booking.objects.get().status == "confirmed"


def test_host_calendar_is_for_hosts(client, open_all_week, person):
    client.force_login(person)
    assert client.get(f"/reserver/lieu/{open_all_week.slug}/").status_code == 403


def test_place_page_lists_resources(client, open_all_week):
    make_resource(open_all_week, charm="Sous les voûtes")
    html = client.get(open_all_week.get_absolute_url()).content.decode()
    assert "Sous les voûtes" in html


def test_host_shortens_the_season_and_decides(client, open_all_week, host, person):
    from maillage.booking import services

    from .conftest import NOW, paris

    room = make_resource(open_all_week)
    booking = services.book(person, room, paris(2026, 12, 2, 10), paris(2026, 12, 2, 11), now=NOW)
    client.force_login(host)
    form = {
        "name": room.name,
        "kind": room.kind,
        "capacity": 8,
        "equipment": ["visio"],
        "opening_hours": "",
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 600,
        "buffer_minutes": 0,
        "horizon_days": 730,
        "checkin_grace_minutes": 15,
        "is_active": "on",
        "seasons-TOTAL_FORMS": 1,
        "seasons-INITIAL_FORMS": 0,
        "seasons-0-start_month": 1,
        "seasons-0-start_day": 1,
        "seasons-0-end_month": 11,
        "seasons-0-end_day": 30,
        "blocks-TOTAL_FORMS": 0,
        "blocks-INITIAL_FORMS": 0,
    }
    response = client.post(
        f"/reserver/lieu/{open_all_week.slug}/ressource/{room.pk}/", form, follow=True
    )
    assert response.redirect_chain and "rien n&#x27;est annulé" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert response.context["conflicts"][0][0].pk == booking.pk
    bad = client.post(
        f"/reserver/lieu/{open_all_week.slug}/ressource/",
        {**form, "opening_hours": "n'importe quand"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors["opening_hours"]
    client.force_login(person)
    assert client.get(f"/reserver/lieu/{open_all_week.slug}/ressource/").status_code == 403


def test_near_any_commune_of_the_territory_typed_as_people_type_it(client, open_all_week, settings):
    """« Près de » takes any commune of the territory (not only those with rooms), by name
    without accents or hyphens, postal code or INSEE code; what cannot be resolved is
    said, and the text typed stays in the field."""
    from maillage.territory.models import Commune

    settings.MAILLAGE_DEPARTEMENTS = ["48"]
    make_resource(open_all_week)
    Commune.objects.create(
        code="48061", name="Florac Trois Rivières", departement="48", postal_codes=["48400"],
        centroid_lat=44.3240, centroid_lon=3.5930,
    )  # fmt: skip
    Commune.objects.create(
        code="48027", name="Le Buisson", departement="48", postal_codes=["48000"],
        centroid_lat=44.59, centroid_lon=3.34,
    )  # fmt: skip
    query = {"period": "afternoon", "seats": 1, "rank": "functional"}
    for typed in ("florac trois rivieres", "FLORAC-TROIS-RIVIÈRES", "48400", "48061", "Mende"):
        page = client.get("/reserver/", {**query, "commune": typed})
        assert page.context["form"].is_valid(), (typed, page.context["form"].errors)
        assert "Salle visio" in page.content.decode()  # Mende's room is within 30 km
    ambiguous = client.get("/reserver/", {**query, "commune": "48000"}).content.decode()
    assert "Plusieurs communes correspondent : " in ambiguous and "Le Buisson" in ambiguous
    unknown = client.get("/reserver/", {**query, "commune": "Atlantide"}).content.decode()
    assert "Aucune commune du territoire ne s&#x27;appelle « Atlantide »" in unknown
    assert 'value="Atlantide"' in unknown


def test_my_bookings_show_what_comes_soonest_first_then_the_past(
    client, frozen_clock, person, room, atelier
):
    from .conftest import paris

    room.price_hour = 5
    room.save()
    atelier.address = "2 rue de l'Ange"
    atelier.save()
    for day, purpose in ((20, "Dans longtemps"), (1, "Déjà passé"), (3, "Bientôt")):
        month = 11 if day == 1 else 12
        Booking.objects.create(
            resource=room, user=person, start=paris(2026, month, day, 10),
            end=paris(2026, month, day, 11), status="confirmed", purpose=purpose,
        )  # fmt: skip
    client.force_login(person)
    page = client.get("/reserver/mes-reservations/").content.decode()
    coming, past = page.split("À venir", 1)[1].split("Passées", 1)
    assert coming.index("Bientôt") < coming.index("Dans longtemps")
    assert "Déjà passé" in past and "Déjà passé" not in coming
    assert "2 rue de l&#x27;Ange, Mende" in coming and "5 €/h" in coming
    assert coming.count("Annuler la réservation") == 2 and "Annuler la réservation" not in past
