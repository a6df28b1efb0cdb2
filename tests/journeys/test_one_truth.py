"""The demo's contradictions, each asked of every reader of the network: the place
page, the list card, the API, the orientation engine, the commune page and
booking's view of the place and the mesh analysis answer the same (they all read the
one read model, maillage.places.network)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from maillage.analysis import adapter
from maillage.booking.demo import load_demo_booking
from maillage.booking.models import Resource
from maillage.events.demo import load_demo_events
from maillage.journeys.engine import Query, orient
from maillage.journeys.snapshot import load_places
from maillage.places import network
from maillage.places.hours import PARIS
from maillage.places.models import MobileStop, Place, PlaceType
from maillage.territory.models import Commune

MONDAY_7_DEC = dt.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
FRIDAY_11_DEC = dt.datetime(2026, 12, 11, 10, 0, tzinfo=PARIS)


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body)).replace("\u00a0", " ")


def api_place(client, slug, **params):
    found = client.get("/api/places/", params).json()["results"]
    return next((p for p in found if p["slug"] == slug), None)


def test_the_hotel_in_december_is_closed_to_the_public_and_its_room_still_bookable(
    client, demo, frozen_clock
):
    load_demo_booking()
    hotel = Place.objects.get(slug="hotel-des-gorges")
    frozen_clock.move_to(MONDAY_7_DEC)
    rec = network.current().get(hotel.pk)
    assert network.state_at(rec, MONDAY_7_DEC) == network.CLOSED  # to tourists
    assert network.state_at(rec, MONDAY_7_DEC, ["meeting-rooms"]) == network.OPEN

    page = text(client.get(hotel.get_absolute_url()))
    assert "Fermé au public" in page
    assert "Restent ouverts : espaces de travail jusqu'à 18 h, salles de réunion" in page

    # The list at that moment, the API and the orientation engine agree.
    card = text(client.get("/", {"quand": "le", "open_at": "2026-12-07T10:00",
                                 "function": "meeting-rooms"}))  # fmt: skip
    assert "Hôtel des Gorges" in card
    assert api_place(client, "hotel-des-gorges", open_at="2026-12-07T10:00",
                     function="meeting-rooms") is not None  # fmt: skip
    assert api_place(client, "hotel-des-gorges", open_at="2026-12-07T10:00") is None
    assert api_place(client, "hotel-des-gorges")["open_now"] is False
    hotel_data = next(p for p in load_places() if p.id == hotel.pk)
    journey = orient(
        Query(needs=("visio-room",), home=(44.3653, 3.4125), free_at=MONDAY_7_DEC),
        [hotel_data],
    )
    step = journey.first("visio-room")
    assert step is None or step.open_when_free is True

    # Booking's view of the place says the same, above a bookable room.
    room = Resource.objects.get(place=hotel)
    booking_page = text(client.get(f"/reserver/ressource/{room.pk}/"))
    assert "Fermé au public" in booking_page
    assert "salles de réunion" in booking_page


def test_the_hotel_on_a_winter_saturday_says_when_its_rooms_open_again(client, demo, frozen_clock):
    """Closed to tourists until April and its workspaces closed at the weekend: the page
    does not send a freelancer away until April, it says Monday."""
    load_demo_booking()
    hotel = Place.objects.get(slug="hotel-des-gorges")
    frozen_clock.move_to(dt.datetime(2026, 12, 5, 10, 0, tzinfo=PARIS))
    page = text(client.get(hotel.get_absolute_url()))
    assert "Fermé au public" in page
    assert re.search(r"Dès lundi( 7 décembre)? à 9 h : espaces de travail", page), page[:4000]


def test_the_tiers_truck_stops_in_florac_on_friday_everywhere(client, demo, frozen_clock):
    frozen_clock.move_to(dt.datetime(2026, 12, 4, 9, 0, tzinfo=PARIS))
    load_demo_events(today=dt.date(2026, 12, 4))  # its stop event: Friday 11, 9:00-12:00
    truck = Place.objects.get(slug="tiers-truck")
    rec = network.current().get(truck.pk)
    assert network.state_at(rec, FRIDAY_11_DEC) == network.OPEN

    own_table = text(client.get(truck.get_absolute_url()))
    assert re.search(r"Vendredi 11 décembre 9 h – 12 h Florac", own_table), own_table[:3000]
    florac = text(client.get("/communes/48061/"))
    assert "Le tiers-truck" in florac and "vendredi 11 décembre" in florac.lower()
    assert "pas dans les deux semaines" not in florac
    assert api_place(client, "tiers-truck", commune="48061",
                     open_at="2026-12-11T10:00") is not None  # fmt: skip
    card = text(client.get("/", {"quand": "le", "open_at": "2026-12-11T10:00",
                                 "dans_commune": "48061", "ou": "Florac"}))  # fmt: skip
    assert "Le tiers-truck" in card

    # the maps: the truck where it stops, once per spot, on its page and Florac's
    def map_data(response):
        found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>',
                          response.content.decode(), re.S)  # fmt: skip
        return json.loads(found.group(1))

    own_map = map_data(client.get(truck.get_absolute_url()))
    points = [(m["lat"], m["lon"]) for m in own_map["stops"] + own_map["places"]]
    assert len(points) == len(set(points)) and own_map["places"] == []
    assert any(m["where"].startswith("Florac") for m in own_map["stops"])
    florac_map = map_data(client.get("/communes/48061/"))
    assert [m["name"] for m in florac_map["stops"]] == ["Le tiers-truck"]

    # the analysis of that Friday counts the truck in Florac, not of the Thursday
    def truck_spots(day):
        counted = adapter.load_places(["48"], types=["mobile-unit"], on=day).open_now()
        return {str(c) for i, c in zip(counted.ids, counted.commune_codes, strict=True)
                if str(i).startswith("tiers-truck@")}  # fmt: skip

    assert "48061" in truck_spots(FRIDAY_11_DEC.date())
    assert "48061" not in truck_spots(dt.date(2026, 12, 10))


def test_a_mobile_unit_without_hours_is_open_where_it_stops_on_its_page_and_in_the_api(
    client, demo
):
    bus = Place.objects.create(
        name="Bus sans horaires", slug="bus-sans-horaires", type=PlaceType.MOBILE_UNIT,
        is_mobile=True, latitude=44.52, longitude=3.50,
    )  # fmt: skip
    MobileStop.objects.create(place=bus, commune=Commune.objects.get(code="48095"),
                              spot="Foirail", opening_hours="We 08:00-12:00")  # fmt: skip
    # FROZEN_NOW is Wednesday 25 November, 9:00.
    assert api_place(client, "bus-sans-horaires")["open_now"] is True
    page = text(client.get(bus.get_absolute_url()))
    assert "Ouvert maintenant" in page and "Horaires non renseignés" not in page
    assert "En ce moment à Mende, Foirail" in page
    MobileStop.objects.filter(place=bus).update(opening_hours="Th 08:00-12:00")
    assert api_place(client, "bus-sans-horaires")["open_now"] is False
    assert "Fermé" in text(client.get(bus.get_absolute_url()))
    MobileStop.objects.filter(place=bus).delete()
    assert api_place(client, "bus-sans-horaires")["open_now"] is None  # unknown, said so
    assert "Horaires non renseignés" in text(client.get(bus.get_absolute_url()))


def test_the_saturday_list_shows_saturday_s_status_on_each_card(client, demo):
    page = text(client.get("/", {"quand": "le", "open_at": "2026-11-28T10:00"}))
    listed = int(re.search(r"(\d+) lieux", page).group(1))
    assert listed > 3
    assert page.count("Ouvert samedi à 10 h") == listed  # each card, at that moment
    assert page.count("Ouvert maintenant") == 1  # the form's choice, no card
