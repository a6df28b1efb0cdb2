"""One rule for "open at", checked over generated places and moments: seasonal hours,
public holidays, dated closures, functions with their own hours, mobile units with
stops and stop events, unknown (empty or unreadable) hours. The place page's status,
the list card at that moment, the API's open_now and open_at, the orientation engine,
the commune page's and agenda's mobile stops, booking's view of the place and the
mesh analysis of that day all answer the same."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.analysis import adapter
from maillage.events.services import create_event
from maillage.journeys import engine
from maillage.journeys.snapshot import load_places
from maillage.places import display, network
from maillage.places.exports import open_now_value
from maillage.places.hours import PARIS
from maillage.places.models import Closure, Function, MobileStop, Place, PlaceFunction
from maillage.places.search import PlaceFilter, search_places
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

HOURS = [
    "",  # unknown
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Apr-Oct Mo-Su 08:00-21:00",  # seasonal: closed in winter
    "Nov-Mar Mo-Fr 09:00-18:00",
    "Sa 08:00-12:30",
    "24/7",
    "Mo-Su 10:00-18:00; Dec 25 off",
    "pas des horaires",  # unreadable: unknown
]
FUNCTIONS = ["workspaces", "meeting-rooms", "digital-access"]
START = dt.datetime(2026, 11, 23, tzinfo=PARIS)

moments = st.integers(0, 6 * 7 * 24 * 4).map(lambda q: START + dt.timedelta(minutes=15 * q))
places = st.fixed_dictionaries(
    {
        "hours": st.sampled_from(HOURS),
        "closures": st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), max_size=2),
        "functions": st.lists(
            st.tuples(st.sampled_from(FUNCTIONS), st.sampled_from(HOURS)),
            max_size=3,
            unique_by=lambda f: f[0],
        ),
        "mobile": st.booleans(),
        "stops": st.lists(st.sampled_from(HOURS[1:7]), max_size=2),
        "events": st.lists(st.tuples(st.integers(0, 40), st.integers(6, 20)), max_size=2),
    }
)


@pytest.fixture
def world(db):
    commune = Commune.objects.create(
        code="48095", name="Mende", departement="48", centroid_lat=44.52, centroid_lon=3.5
    )
    return {"commune": commune, "functions": {f.slug: f for f in Function.objects.all()}}


def build(spec, world) -> Place:
    place = Place.objects.create(
        name="Lieu généré",
        slug="lieu-genere",
        type="mobile-unit" if spec["mobile"] else "tiers-lieu",
        commune=world["commune"],
        latitude=44.52,
        longitude=3.5,
        is_mobile=spec["mobile"],
        opening_hours=spec["hours"],
    )
    for offset, days in spec["closures"]:
        start = START.date() + dt.timedelta(days=offset)
        Closure.objects.create(
            place=place, start_date=start, end_date=start + dt.timedelta(days=days)
        )
    for slug, own in spec["functions"]:
        PlaceFunction.objects.create(
            place=place, function=world["functions"][slug], opening_hours=own
        )
    if spec["mobile"]:
        for expression in spec["stops"]:
            MobileStop.objects.create(
                place=place, commune=world["commune"], opening_hours=expression
            )
        for k, (offset, hour) in enumerate(spec["events"]):
            start = START + dt.timedelta(days=offset, hours=hour)
            create_event(place=place, title=f"Passage {k}", start=start,
                         end=start + dt.timedelta(hours=3), now=START)  # fmt: skip
    return place


def test_every_reader_answers_as_the_one_rule(world, client, frozen_clock):
    @given(spec=places, moment=moments)
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(spec, moment):
        place = build(spec, world)
        try:
            frozen_clock.move_to(moment)
            rec = network.current().get(place.pk)
            state = network.state_at(rec, moment)

            # the place page, and booking's view of the place
            assert display.status_at(rec, moment, moment).state == state
            assert display.place_status(place, moment).state == state
            # the list card at that moment (« Ouvert le … »)
            card = display.place_row(place, None, START, PlaceFilter(open_at=moment))
            assert card.status.state == state
            # the API: open_now at that moment, open_at at that moment
            listed = client.get("/api/places/").json()["results"]
            assert [p["open_now"] for p in listed] == [open_now_value(state)]
            found = client.get("/api/places/", {"open_at": moment.isoformat()}).json()
            assert (found["count"] == 1) == (state == network.OPEN)
            for slug, _own in spec["functions"]:
                by_function = network.state_at(rec, moment, [slug])
                ids = search_places(PlaceFilter(open_at=moment, functions=[slug])).ids
                assert (place.pk in ids) == (by_function == network.OPEN)
                # the orientation engine, for a need this function answers
                data = next(p for p in load_places() if p.id == place.pk)
                assert engine._state(data, moment, [slug]) == by_function
            # the mobile stops the commune page and the agenda list
            if spec["mobile"] and rec.closure_on(moment.date()) is None:
                visits = display.stop_visits(
                    [rec], moment - dt.timedelta(days=1), days=3, commune="48095"
                )
                here_now = any(v.start <= moment < v.end for v in visits)
                if here_now:
                    assert state == network.OPEN
                if not spec["hours"] or network.expression_state(spec["hours"], moment) != "open":
                    assert (state == network.OPEN) == here_now
            # the mesh analysis of that day: a place counts when the rule opens it at
            # some moment of the day; unknown is listed, never guessed open or closed
            day = moment.date()
            quarters = [
                dt.datetime.combine(day, dt.time(), PARIS) + dt.timedelta(minutes=15 * q)
                for q in range(96)
            ]
            has_round = spec["mobile"] and (spec["stops"] or spec["events"])
            for functions in [None] + [[slug] for slug, _own in spec["functions"]]:
                analysed = adapter.load_places(["48"], functions=functions, on=day)
                counted = set(analysed.open_now().ids)
                if functions and not set(functions) & rec.functions:
                    continue
                if has_round:
                    # a unit with a round is where its stops are, that day
                    visits = display.stop_visits([rec], quarters[0], days=1, commune="48095")
                    assert bool(counted) == bool(visits)
                    assert all(analysed.is_stop)
                    continue
                states = {network.state_at(rec, q, functions) for q in quarters}
                assert (counted == {"lieu-genere"}) == (network.OPEN in states)
                uncertain = {*analysed.unknown_hours, *analysed.invalid_hours}
                expected = network.OPEN not in states and network.UNKNOWN in states
                assert (uncertain == {"lieu-genere"}) == expected
        finally:
            place.delete()
            network.reset()

    check()
