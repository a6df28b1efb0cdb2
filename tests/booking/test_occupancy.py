"""The network's occupancy view, for coordinators."""

from __future__ import annotations

import csv
import datetime as dt
import io

from maillage.booking import occupancy
from maillage.booking.models import Booking, Status

from .conftest import make_resource, paris


def test_occupancy_rates(room, pool, person):
    Booking.objects.create(
        resource=room,
        user=person,
        start=paris(2026, 12, 1, 9),
        end=paris(2026, 12, 1, 19),
        status=Status.CONFIRMED,
    )
    Booking.objects.create(
        resource=room,
        user=person,
        start=paris(2026, 12, 2, 9),
        end=paris(2026, 12, 2, 10),
        status=Status.CANCELLED,
    )
    Booking.objects.create(
        resource=pool,
        user=person,
        start=paris(2026, 12, 1, 9),
        end=paris(2026, 12, 1, 19),
        seats=5,
        status=Status.CONFIRMED,
    )
    rows = {
        (r.resource.name, r.month): r
        for r in occupancy.rows(dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    }
    december_open = 23 * 11 * 60  # 23 weekdays of 11 hours
    room_row = rows[("Salle visio", "2026-12")]
    assert room_row.open_minutes == december_open and room_row.booked_minutes == 600
    pool_row = rows[("Open space", "2026-12")]
    assert pool_row.open_minutes == december_open * 10 and pool_row.booked_minutes == 600 * 5


def test_page_and_csv_for_coordinators(client, room, person, coordinator, atelier):
    make_resource(atelier, name="Atelier bois", kind="workshop")
    client.force_login(person)
    assert client.get("/reserver/reseau/").status_code == 403
    client.force_login(coordinator)
    page = client.get("/reserver/reseau/", {"from": "2026-11", "to": "2026-12"})
    html = page.content.decode()
    assert page.status_code == 200 and "Atelier bois" in html and "hiver 2026-2027" in html
    exported = client.get(
        "/reserver/reseau/", {"from": "2026-11", "to": "2026-12", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert len(rows) == 4 and {r["mois"] for r in rows} == {"2026-11", "2026-12"}


def test_seasons():
    assert occupancy.season_of("2026-12") == "hiver 2026-2027"
    assert occupancy.season_of("2027-02") == "hiver 2026-2027"
    assert occupancy.season_of("2027-07") == "été 2027"
