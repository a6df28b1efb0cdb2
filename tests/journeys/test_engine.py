"""The orientation engine on hand-made places (no database): rules and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.journeys import engine
from maillage.journeys.engine import (
    REACH_KM,
    EventData,
    Offer,
    OrientationError,
    PlaceData,
    Query,
    Stop,
    haversine_km,
    orient,
)
from maillage.journeys.needs import NEED_SLUGS, NEEDS, NEEDS_BY_SLUG
from maillage.places import hours
from maillage.places.search import haversine_km as search_haversine
from maillage.places.taxonomy import FAMILIES

HOME = (44.5180, 3.4990)  # Mende
TUESDAY_AFTERNOON = dt.datetime(2026, 12, 1, 15, 0, tzinfo=hours.PARIS)
SUNDAY = dt.datetime(2026, 12, 6, 15, 0, tzinfo=hours.PARIS)


def at_km(km_north: float, km_east: float = 0.0) -> tuple[float, float]:
    return HOME[0] + km_north / 111.2, HOME[1] + km_east / 79.3


def place(pid, name, functions, km=0.0, type="tiers-lieu", hours_="Mo-Fr 09:00-18:00", **kw):
    lat, lon = at_km(km)
    offers = tuple(f if isinstance(f, Offer) else Offer(f) for f in functions)
    return PlaceData(pid, name, type, lat, lon, hours_, offers, **kw)


def test_every_need_maps_to_known_functions_and_slugs_are_stable():
    known = {f[0] for fam in FAMILIES for f in fam[3]}
    for need in NEEDS:
        assert need.functions and set(need.functions) <= known, need.slug
        assert set(need.onward_functions) <= known
    for slug in (
        "admin-help",
        "calm-desk",
        "visio-room",
        "learn-digital-tools",
        "meet-local-actors",
        "sell-local-products",
        "hand-over-business",
        "orientation-studies-work",
        "time-with-friends",
        "association-space",
        "make-repair",
        "training",
    ):
        assert slug in NEEDS_BY_SLUG


def test_haversine_agrees_with_search():
    a, b = (44.5180, 3.4990), (44.7995, 3.2770)
    assert haversine_km(*a, *b) == pytest.approx(float(search_haversine(*a, b[0], b[1])))


def test_the_place_open_when_free_comes_first_and_says_so():
    places = [
        place(1, "Fermé le mardi", ["digital-mediation"], km=0.5, hours_="We-Fr 09:00-18:00"),
        place(2, "Ouvert le mardi", ["digital-mediation"], km=2.0),
    ]
    journey = orient(Query(("learn-digital-tools",), HOME, "car", TUESDAY_AFTERNOON), places)
    assert [s.name for s in journey.steps] == ["Ouvert le mardi", "Fermé le mardi"]
    assert (
        journey.steps[0].open_when_free
        and "Ouvert quand vous êtes libre" in journey.steps[0].reason
    )
    assert journey.steps[1].open_when_free is False
    assert "prochaine ouverture mercredi 2 décembre à 9\u00a0h." in journey.steps[1].reason


def test_a_function_s_own_hours_and_closures_count():
    own = Offer("digital-mediation", "Th 14:00-17:00")
    closed = (hours.DateRange(dt.date(2026, 12, 1), dt.date(2026, 12, 1)),)
    places = [
        place(1, "Médiation le jeudi", [own], km=0.2),
        place(2, "Fermé pour travaux", ["digital-mediation"], km=0.3, closures=closed),
    ]
    journey = orient(Query(("learn-digital-tools",), HOME, "car", TUESDAY_AFTERNOON), places)
    assert all(s.open_when_free is False for s in journey.steps)


def test_offers_reserved_to_young_people_are_not_proposed_to_seniors():
    places = [place(1, "Mission locale", [Offer("public-service-orientation", "", ("young",))])]
    senior = orient(Query(("admin-help",), HOME, "car", None, "senior"), places)
    young = orient(Query(("admin-help",), HOME, "car", None, "young"), places)
    assert senior.unanswered == ["admin-help"] and not senior.steps
    assert young.steps[0].name == "Mission locale"
    assert "votre âge" in young.steps[0].reason


def test_reduced_mobility_prefers_step_free_access():
    places = [
        place(1, "Escaliers", ["digital-mediation"], km=0.2, wheelchair="no"),
        place(2, "De plain-pied", ["digital-mediation"], km=0.5, wheelchair="yes"),
    ]
    journey = orient(Query(("learn-digital-tools",), HOME, "reduced"), places)
    assert journey.steps[0].name == "De plain-pied"


def test_without_a_car_far_places_only_when_nothing_nearer_and_it_says_so():
    places = [place(1, "Loin", ["fablab"], km=30.0)]
    journey = orient(Query(("make-repair",), HOME, "no-car"), places)
    (step,) = journey.steps
    assert step.kind == "beyond" and not step.within_reach
    assert "Rien à moins de 10,0 km" in step.reason and journey.notes
    nearer = [*places, place(2, "Près", ["recyclery"], km=3.0)]
    journey = orient(Query(("make-repair",), HOME, "no-car"), nearer)
    assert [s.name for s in journey.steps] == ["Près"]


def test_a_mobile_unit_stopping_near_home_answers_before_far_places():
    stop = Stop("48095", "Mende", "place du marché", *at_km(0.5), "Sa 08:00-12:30")
    unit = place(
        9,
        "Camion",
        ["digital-mediation"],
        km=40,
        type="mobile-unit",
        is_mobile=True,
        stops=(stop,),
    )
    far = place(1, "Loin", ["digital-mediation"], km=30.0)
    journey = orient(
        Query(("learn-digital-tools",), HOME, "no-car", TUESDAY_AFTERNOON), [far, unit]
    )
    assert [s.kind for s in journey.steps] == ["mobile"]
    assert (
        "Prochain passage samedi 5 décembre, 8\u00a0h – 12\u00a0h\u00a030."
        in journey.steps[0].reason
    )


def test_a_private_first_step_sends_on_to_a_public_service():
    places = [
        place(1, "Le bar", [Offer("resource-place", "", ("young",)), "culture"], type="cafe"),
        place(
            2,
            "CIO",
            [Offer("public-service-orientation", "", ("young",))],
            km=1.0,
            type="youth-service",
        ),
    ]
    needs = ("time-with-friends", "orientation-studies-work")  # the bar answers both
    journey = orient(Query(needs, HOME, "no-car", None, "young"), places)
    assert [(s.kind, s.name) for s in journey.steps] == [("first", "Le bar"), ("onward", "CIO")]
    assert journey.steps[1].sent_from == 1


def test_events_from_a_provider_match_needs_and_time():
    ev = EventData(
        "e1",
        "Atelier tablette",
        TUESDAY_AFTERNOON + dt.timedelta(days=2),
        TUESDAY_AFTERNOON + dt.timedelta(days=2, hours=2),
        *at_km(1.0),
        needs=("learn-digital-tools",),
    )
    old = EventData(
        "e0",
        "Passé",
        SUNDAY - dt.timedelta(days=60),
        SUNDAY - dt.timedelta(days=59),
        *HOME,
        needs=("learn-digital-tools",),
    )
    journey = orient(Query(("learn-digital-tools",), HOME, "car", TUESDAY_AFTERNOON), [], [ev, old])
    assert [(s.kind, s.event_id) for s in journey.steps] == [("event", "e1")]


@pytest.mark.parametrize(
    "query, field",
    [
        (Query((), HOME), "needs"),
        (Query(("nope",), HOME), "needs"),
        (Query(("calm-desk",), HOME, "bike"), "mobility"),
        (Query(("calm-desk",), HOME, "car", None, "baby"), "age_group"),
        (Query(("calm-desk",), (95.0, 3.0)), "near"),
    ],
)
def test_bad_queries_name_their_parameter(query, field):
    with pytest.raises(OrientationError) as error:
        orient(query, [])
    assert error.value.field == field


# --------------------------------------------------------------------------- properties

EXPRESSIONS = [
    "Mo-Fr 09:00-12:00,14:00-18:00; PH off",
    "Tu,Th 14:00-17:00",
    "Sa 08:00-12:30",
    "We-Su 10:00-19:00",
    "Jun-Sep Mo-Sa 09:00-19:00; Oct-May Tu,Th 09:00-17:00",
    "24/7",
    "week 1-53/2 Th 18:00-20:00",
    "",
]
FUNCTIONS = sorted({f for n in NEEDS for f in n.functions})
TYPES = ["cafe", "tiers-lieu", "france-services", "youth-service", "telecentre", "coworking"]


@st.composite
def places_strategy(draw):
    n = draw(st.integers(1, 14))
    result = []
    for i in range(n):
        offers = tuple(
            Offer(
                f,
                draw(st.sampled_from(EXPRESSIONS)),
                draw(st.sampled_from([(), ("young",), ("seniors",), ("all",)])),
            )
            for f in draw(st.lists(st.sampled_from(FUNCTIONS), min_size=1, max_size=3, unique=True))
        )
        lat, lon = at_km(draw(st.floats(-40, 40)), draw(st.floats(-40, 40)))
        mobile = draw(st.booleans()) and i % 3 == 0
        stops = ()
        if mobile:
            stops = tuple(
                Stop(
                    "48095",
                    "Mende",
                    f"arrêt {k}",
                    *at_km(draw(st.floats(-20, 20)), draw(st.floats(-20, 20))),
                    draw(st.sampled_from(EXPRESSIONS[:4])),
                )
                for k in range(draw(st.integers(1, 3)))
            )
        closures = ()
        if draw(st.booleans()):
            start = dt.date(2026, 11, 20) + dt.timedelta(days=draw(st.integers(0, 30)))
            closures = (hours.DateRange(start, start + dt.timedelta(days=draw(st.integers(0, 5)))),)
        result.append(
            PlaceData(
                i + 1,
                f"Lieu {i + 1}",
                draw(st.sampled_from(TYPES)),
                lat,
                lon,
                draw(st.sampled_from(EXPRESSIONS)),
                offers,
                wheelchair=draw(st.sampled_from(["yes", "limited", "no", ""])),
                closures=closures,
                is_mobile=mobile,
                stops=stops,
            )
        )
    return result


queries = st.builds(
    Query,
    st.lists(st.sampled_from(NEED_SLUGS), min_size=1, max_size=3, unique=True).map(tuple),
    st.just(HOME),
    st.sampled_from(engine.MOBILITIES),
    st.datetimes(dt.datetime(2026, 11, 20), dt.datetime(2027, 12, 31)).map(
        lambda m: m.replace(tzinfo=hours.PARIS)
    ),
    st.sampled_from([None, *engine.AGE_GROUPS]),
)


@settings(max_examples=150, deadline=None)
@given(places_strategy(), queries)
def test_property_a_place_closed_when_the_person_is_free_is_never_proposed_as_open(places, query):
    by_id = {p.id: p for p in places}
    journey = orient(query, places)
    for step in journey.steps:
        p = by_id[step.place_id]
        if p.is_mobile:
            really = any(hours.is_open_at(s.hours, query.free_at, p.closures) for s in p.stops)
        else:
            really = any(
                hours.is_open_at(o.hours or p.hours, query.free_at, p.closures)
                for o in p.offers
                if any(o.function in NEEDS_BY_SLUG[n].functions for n in step.needs)
            )
        if step.open_when_free:
            assert really, step.reason
            assert "Ouvert quand" in step.reason or "Il est là quand" in step.reason
        else:
            assert "Ouvert quand" not in step.reason and "Il est là quand" not in step.reason


@settings(max_examples=150, deadline=None)
@given(places_strategy(), queries.filter(lambda q: q.mobility != "car"))
def test_property_without_a_car_never_beyond_reach_unless_nothing_nearer_and_says_so(places, query):
    limit = REACH_KM[query.mobility]
    journey = orient(query, places)
    for step in journey.steps:
        if step.distance_km is None or step.distance_km <= limit + 1e-6:
            continue
        assert step.kind in ("beyond", "onward"), step
        assert "Rien à moins de" in step.reason or "rien de plus proche" in step.reason
        if step.kind == "beyond":
            for need in step.needs:
                # nothing within reach answers the need: no place, no mobile unit stopping nearby
                assert not any(
                    s.within_reach and need in s.needs and s.kind in ("first", "mobile")
                    for s in journey.steps
                )
    if any(s.kind == "beyond" for s in journey.steps):
        assert journey.notes


def test_unknown_hours_are_said_unknown_not_closed_and_rank_between():
    places = [
        place(1, "Fermé le mardi", ["digital-mediation"], km=0.2, hours_="We 09:00-12:00"),
        place(2, "Horaires inconnus", ["digital-mediation"], km=0.4, hours_=""),
        place(3, "Ouvert", ["digital-mediation"], km=0.6),
    ]
    journey = orient(Query(("learn-digital-tools",), HOME, "car", TUESDAY_AFTERNOON), places)
    assert journey.steps[0].name == "Ouvert"
    unknown = next(s for s in journey.steps if s.name == "Horaires inconnus")
    assert unknown.open_when_free is None and "Horaires non renseignés" in unknown.reason


# --------------------------------------------------------------------------- what a step says


def test_a_place_in_the_persons_own_commune_is_said_so_without_a_distance():
    own = place(1, "Ici", ["digital-mediation"], km=2.0, commune="48095")
    other = place(2, "À côté", ["digital-mediation"], km=3.0, commune="48099")
    query = Query(
        ("learn-digital-tools",), HOME, "no-car", TUESDAY_AFTERNOON, None, "Mende", "48095"
    )
    first, alternative = orient(query, [own, other]).steps
    assert first.in_home_commune and "Dans votre commune." in first.reason
    assert " km" not in first.reason and " min" not in first.reason
    assert not alternative.in_home_commune
    assert "À 3,0 km de Mende" in alternative.reason


def test_without_a_home_commune_the_distance_is_said_from_home():
    near = place(1, "Près", ["digital-mediation"], km=0.5, commune="48095")
    step = orient(Query(("learn-digital-tools",), HOME, "no-car", TUESDAY_AFTERNOON), [near])
    assert "À 500 m de chez vous, environ 9 min à pied." in step.steps[0].reason


@pytest.mark.parametrize(
    ("mobility", "km", "said", "unsaid"),
    [
        ("car", 20.0, "À 20,0 km de Mende, environ 31 min en voiture.", None),
        ("no-car", 1.0, "À 1,0 km de Mende, environ 17 min à pied.", None),
        ("reduced", 0.5, "À 500 m de Mende, environ 13 min à pied.", None),
        # by bus, a time without a timetable would be a guess: the distance only
        ("no-car", 6.0, "À 6,0 km de Mende, en bus ou en transport à la demande", " min"),
    ],
)
def test_travel_time_is_said_only_when_it_means_something(mobility, km, said, unsaid):
    there = place(1, "Là", ["digital-mediation"], km=km, commune="48099")
    query = Query(
        ("learn-digital-tools",), HOME, mobility, TUESDAY_AFTERNOON, None, "Mende", "48095"
    )
    step = orient(query, [there]).steps[0]
    assert said in step.reason
    if unsaid:
        assert unsaid not in step.reason
    assert step.travel_minutes >= 1  # the API keeps its estimate


def _truck(stop: Stop) -> PlaceData:
    return place(
        9, "Camion", ["digital-mediation"], km=40, type="mobile-unit", is_mobile=True, stops=(stop,)
    )


def test_without_a_car_a_mobile_unit_passing_within_the_week_comes_first():
    thursday = "Th 14:00-17:00"  # two days after the free moment
    unit = _truck(Stop("48095", "Mende", "place du marché", *at_km(0.5), thursday))
    fixed = place(1, "Ouvert le mardi", ["digital-mediation"], km=1.0)
    query = Query(("learn-digital-tools",), HOME, "no-car", TUESDAY_AFTERNOON)
    steps = orient(query, [fixed, unit]).steps
    assert [(s.kind, s.name) for s in steps] == [("mobile", "Camion"), ("first", "Ouvert le mardi")]
    assert steps[0].start == dt.datetime(2026, 12, 3, 14, 0, tzinfo=hours.PARIS)
    assert steps[0].end == dt.datetime(2026, 12, 3, 17, 0, tzinfo=hours.PARIS)
    assert "Prochain passage jeudi 3 décembre, 14\u00a0h – 17\u00a0h." in steps[0].reason
    # with a car, places first, as before
    by_car = orient(Query(("learn-digital-tools",), HOME, "car", TUESDAY_AFTERNOON), [fixed, unit])
    assert [s.kind for s in by_car.steps] == ["first", "mobile"]


def test_a_mobile_unit_passing_only_after_the_week_does_not_come_first():
    unit = _truck(
        Stop(
            "48095",
            "Mende",
            "place du marché",
            *at_km(0.5),
            "",
            # a dated stop (entered as an event), eight days after the free moment
            visits=(
                (
                    TUESDAY_AFTERNOON + dt.timedelta(days=8),
                    TUESDAY_AFTERNOON + dt.timedelta(days=8, hours=2),
                ),
            ),
        )
    )
    fixed = place(1, "Ouvert le mardi", ["digital-mediation"], km=1.0)
    steps = orient(
        Query(("learn-digital-tools",), HOME, "no-car", TUESDAY_AFTERNOON), [fixed, unit]
    ).steps
    assert [s.kind for s in steps] == ["first", "mobile"]
    assert "Prochain passage mercredi 9 décembre, 15\u00a0h – 17\u00a0h." in steps[1].reason


def test_a_stop_entered_as_an_event_within_the_week_comes_first_and_says_your_commune():
    visit = (
        TUESDAY_AFTERNOON + dt.timedelta(days=1, hours=-1),
        TUESDAY_AFTERNOON + dt.timedelta(days=1, hours=1),
    )
    unit = _truck(Stop("48095", "Mende", "salle des fêtes", *at_km(0.3), "", visits=(visit,)))
    fixed = place(1, "Ouvert le mardi", ["digital-mediation"], km=1.0, commune="48095")
    query = Query(
        ("learn-digital-tools",), HOME, "reduced", TUESDAY_AFTERNOON, None, "Mende", "48095"
    )
    steps = orient(query, [fixed, unit]).steps
    assert steps[0].kind == "mobile" and steps[0].in_home_commune
    assert (steps[0].start, steps[0].end) == visit
    assert "arrêt à Mende (salle des fêtes). Dans votre commune." in steps[0].reason
    assert "Prochain passage mercredi 2 décembre, 14\u00a0h – 16\u00a0h." in steps[0].reason
