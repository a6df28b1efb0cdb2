"""Rules of place search (maillage.places.search): parsing, filters, distance, hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from maillage.places import search
from maillage.places.hours import PARIS
from maillage.places.models import (
    Closure,
    Function,
    MobileStop,
    Network,
    Place,
    PlaceFunction,
)
from maillage.places.search import (
    FilterError,
    PlaceFilter,
    bounding_box,
    haversine_km,
    parse_filter,
    search_places,
)
from maillage.territory.models import Commune

MENDE = (44.5181, 3.5006)
MARVEJOLS = (44.5539, 3.2917)
FLORAC = (44.3244, 3.5931)
PARIS_POINT = (48.8566, 2.3522)

WEEKDAY_HOURS = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
# Wednesday 2026-11-25 is today in the brief; Thursday 26 November 2026 is a plain weekday.
THURSDAY_MORNING = dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
THURSDAY_LUNCH = dt.datetime(2026, 11, 26, 12, 30, tzinfo=PARIS)
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)


def make_place(name, point=None, functions=(), **fields):
    lat, lon = point if point else (None, None)
    place = Place.objects.create(
        name=name,
        slug=fields.pop("slug", None) or name.lower().replace(" ", "-").replace("'", "-"),
        type=fields.pop("type", "tiers-lieu"),
        latitude=lat,
        longitude=lon,
        **fields,
    )
    for slug in functions:
        if isinstance(slug, tuple):
            slug, extra = slug
        else:
            extra = {}
        PlaceFunction.objects.create(place=place, function=Function.objects.get(slug=slug), **extra)
    return place


@pytest.fixture
def communes(db):
    return {
        "mende": Commune.objects.create(
            code="48095",
            name="Mende",
            departement="48",
            postal_codes=["48000"],
            centroid_lat=44.5287,
            centroid_lon=3.4873,
        ),
        "florac": Commune.objects.create(
            code="48061",
            name="Florac Trois Rivières",
            departement="48",
            postal_codes=["48400"],
            centroid_lat=44.3244,
            centroid_lon=3.5931,
        ),
        "langogne": Commune.objects.create(
            code="48080",
            name="Langogne",
            departement="48",
            postal_codes=["48300"],
            centroid_lat=44.7275,
            centroid_lon=3.8553,
        ),
    }


@pytest.fixture
def places(communes):
    return {
        "mende": make_place(
            "France Services Mende",
            MENDE,
            ["digital-mediation", "public-service-orientation"],
            type="france-services",
            commune=communes["mende"],
            opening_hours=WEEKDAY_HOURS,
            fee="free",
            wheelchair="yes",
        ),
        "marvejols": make_place(
            "Coworking Marvejols",
            MARVEJOLS,
            ["workspaces", "meeting-rooms"],
            type="coworking",
            opening_hours="Mo-Sa 08:00-19:00",
            fee="paid",
        ),
        "florac": make_place(
            "Tiers-lieu de Florac",
            FLORAC,
            [("digital-mediation", {"opening_hours": "Tu 14:00-17:00"}), "fablab"],
            commune=communes["florac"],
            opening_hours="Mo-Sa 09:00-18:00",
            fee="mixed",
            wheelchair="limited",
        ),
        "paris": make_place(
            "Lieu à Paris",
            PARIS_POINT,
            ["digital-mediation"],
            opening_hours="24/7",
        ),
    }


# --------------------------------------------------------------------------- parsing


def test_parse_filter_reads_every_parameter():
    f = parse_filter(
        {
            "near": "44.5215,3.4965",
            "radius_km": "15",
            "function": ["digital-mediation", "fablab"],
            "family": "makers",
            "type": "france-services,coworking",
            "commune": "48095",
            "open_at": "2026-11-26T10:00",
            "free": "1",
            "accessible": "oui",
            "mobile": "0",
            "q": " Mende ",
        }
    )
    assert f.near == (44.5215, 3.4965)
    assert f.radius_km == 15
    assert f.functions == ["digital-mediation", "fablab"]
    assert f.family == "makers"
    assert f.types == ["france-services", "coworking"]
    assert f.commune == "48095"
    assert f.open_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
    assert f.free and f.accessible and f.mobile is False
    assert f.q == "Mende"


def test_parse_filter_accepts_a_querydict_with_repeated_and_comma_separated_functions():
    f = parse_filter(QueryDict("function=fablab&function=workspaces,meeting-rooms&page=2"))
    assert f.functions == ["fablab", "workspaces", "meeting-rooms"]


def test_an_empty_query_is_an_empty_filter():
    assert parse_filter({}).is_empty
    assert parse_filter(QueryDict("near=&q=&open_now=")).is_empty


def test_naive_open_at_is_paris_time_and_aware_is_kept():
    assert parse_filter({"open_at": "2026-07-14 10:00"}).open_at.utcoffset() == dt.timedelta(
        hours=2
    )
    f = parse_filter({"open_at": "2026-11-26T09:00:00Z"})
    assert f.open_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"near": "44.5"}, "near", "latitude,longitude"),
        ({"near": "abc,3"}, "near", "degrés"),
        ({"near": "95,3"}, "near", "latitude"),
        ({"near": "44,200"}, "near", "longitude"),
        ({"near": "nan,3"}, "near", "degrés"),
        ({"radius_km": "10"}, "radius_km", "near"),
        ({"near": "44,3", "radius_km": "-1"}, "radius_km", "positif"),
        ({"near": "44,3", "radius_km": "0"}, "radius_km", "positif"),
        ({"near": "44,3", "radius_km": "inf"}, "radius_km", "positif"),
        ({"near": "44,3", "radius_km": "5000"}, "radius_km", "1000"),
        ({"near": "44,3", "radius_km": "ten"}, "radius_km", "nombre"),
        ({"function": "teleportation"}, "function", "teleportation"),
        ({"family": "magic"}, "family", "magic"),
        ({"type": "castle"}, "type", "castle"),
        ({"commune": "Mende"}, "commune", "INSEE"),
        ({"open_at": "tomorrow"}, "open_at", "ISO 8601"),
        ({"open_now": "maybe"}, "open_now", "1 ou 0"),
        ({"free": "2"}, "free", "1 ou 0"),
        ({"mobile": "x"}, "mobile", "1 ou 0"),
        ({"q": "x" * 201}, "q", "200"),
        ({"near": ["44,3", "45,3"]}, "near", "une fois"),
    ],
)
def test_a_bad_parameter_raises_filter_error_naming_it_and_why(params, field, words):
    with pytest.raises(FilterError) as caught:
        parse_filter(params)
    assert caught.value.field == field
    assert words in caught.value.message
    assert caught.value.as_dict() == {
        "error": "bad_parameter",
        "parameter": field,
        "message": caught.value.message,
    }


def test_to_params_round_trips_through_parse_filter():
    f = parse_filter(
        {
            "near": "44.5215,3.4965",
            "radius_km": "15",
            "function": "fablab",
            "type": "coworking",
            "commune": "48095",
            "open_at": "2026-11-26T10:00",
            "free": "1",
            "mobile": "1",
            "q": "x",
        }
    )
    again = parse_filter(QueryDict(mutable=True) | {})  # empty QueryDict works
    assert again.is_empty
    pairs = f.to_params()
    qd = QueryDict(mutable=True)
    for key, value in pairs:
        qd.appendlist(key, value)
    assert parse_filter(qd) == f


# --------------------------------------------------------------------------- geometry


def test_haversine_matches_a_known_distance():
    # Mende to Paris (Notre-Dame): about 490 km as the crow flies.
    (d,) = haversine_km(*MENDE, [PARIS_POINT[0]], [PARIS_POINT[1]])
    assert 485 < d < 495
    assert haversine_km(*MENDE, [MENDE[0]], [MENDE[1]])[0] == 0


def test_the_bounding_box_encloses_the_whole_circle():
    min_lat, max_lat, ((lo, hi),) = bounding_box(44.5, 3.5, 20)
    for bearing_point in [(min_lat, 3.5), (max_lat, 3.5)]:
        assert haversine_km(44.5, 3.5, [bearing_point[0]], [bearing_point[1]])[0] == pytest.approx(
            20, rel=1e-6
        )
    # The widest point of the circle is not on the centre's parallel, but inside the box.
    assert haversine_km(44.5, 3.5, [44.5], [hi])[0] >= 20 - 1e-6


def test_the_bounding_box_splits_at_the_antimeridian():
    _, _, ranges = bounding_box(-17.7, 179.9, 50)
    assert len(ranges) == 2


# --------------------------------------------------------------------------- filters


@pytest.mark.django_db
def test_near_returns_places_within_the_radius_nearest_first_with_their_distance(places):
    hits = list(search_places(parse_filter({"near": "44.5215,3.4965", "radius_km": "30"})))
    assert [h.place.name for h in hits] == [
        "France Services Mende",
        "Coworking Marvejols",  # 16.6 km
        "Tiers-lieu de Florac",  # 23.2 km
    ]
    assert hits[0].distance_km == pytest.approx(0.48, abs=0.05)
    assert all(a.distance_km <= b.distance_km for a, b in zip(hits, hits[1:]))
    assert all(h.distance_km <= 30 for h in hits)


def test_near_without_radius_sorts_everything_and_puts_places_without_coordinates_last(places):
    make_place("Lieu virtuel", None, type="virtual")
    hits = list(search_places(parse_filter({"near": "44.5215,3.4965"})))
    assert hits[0].place.name == "France Services Mende"
    assert hits[-1].place.name == "Lieu virtuel" and hits[-1].distance_km is None
    assert hits[-2].place.name == "Lieu à Paris"


def test_without_near_places_come_by_name_accents_and_case_ignored(places):
    make_place("éco-lieu", MENDE)
    names = [h.place.name for h in search_places(PlaceFilter())]
    assert names == [
        "Coworking Marvejols",
        "éco-lieu",
        "France Services Mende",
        "Lieu à Paris",
        "Tiers-lieu de Florac",
    ]
    assert all(h.distance_km is None for h in search_places(PlaceFilter()))


def test_archived_places_are_never_found(places):
    places["mende"].status = Place.Status.ARCHIVED
    places["mende"].save()
    assert "France Services Mende" not in [h.place.name for h in search_places(PlaceFilter())]


def test_function_filter_keeps_places_offering_any_of_the_functions(places):
    names = {h.place.name for h in search_places(parse_filter({"function": "fablab,workspaces"}))}
    assert names == {"Tiers-lieu de Florac", "Coworking Marvejols"}


def test_family_filter_keeps_places_offering_a_function_of_the_family(places):
    names = {h.place.name for h in search_places(parse_filter({"family": "infrastructure"}))}
    assert names == {"Coworking Marvejols"}


def test_type_commune_free_accessible_and_text_filters(places):
    def names(**params):
        return {h.place.name for h in search_places(parse_filter(params))}

    assert names(type="coworking,france-services") == {
        "Coworking Marvejols",
        "France Services Mende",
    }
    assert names(commune="48061") == {"Tiers-lieu de Florac"}
    assert names(free="1") == {"France Services Mende", "Tiers-lieu de Florac"}
    assert names(accessible="1") == {"France Services Mende"}
    assert names(q="florac") == {"Tiers-lieu de Florac"}
    assert names(q="services mende") == {"France Services Mende"}
    assert names(q="48000") == set()  # postal code of the place itself, not set here


def test_free_counts_a_free_function_within_a_paid_place(places):
    PlaceFunction.objects.filter(place=places["marvejols"], function__slug="meeting-rooms").update(
        fee="free"
    )
    assert "Coworking Marvejols" in {
        h.place.name for h in search_places(parse_filter({"free": "1"}))
    }
    found = {
        h.place.name for h in search_places(parse_filter({"free": "1", "function": "workspaces"}))
    }
    assert "Coworking Marvejols" not in found


def test_open_at_honours_hours_lunch_break_saturday_and_public_holidays(places):
    def names(moment):
        return {h.place.name for h in search_places(PlaceFilter(open_at=moment))}

    assert names(THURSDAY_MORNING) == {
        "France Services Mende",
        "Coworking Marvejols",
        "Tiers-lieu de Florac",
        "Lieu à Paris",
    }
    assert names(THURSDAY_LUNCH) == {"Coworking Marvejols", "Tiers-lieu de Florac", "Lieu à Paris"}
    assert names(SATURDAY) == {"Coworking Marvejols", "Tiers-lieu de Florac", "Lieu à Paris"}
    christmas = dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)  # a Friday, public holiday
    assert "France Services Mende" not in names(christmas)


def test_open_at_agrees_with_place_is_open_at_for_every_place(places):
    for moment in [THURSDAY_MORNING, THURSDAY_LUNCH, SATURDAY]:
        expected = {p.name for p in Place.objects.all() if p.is_open_at(moment)}
        assert {h.place.name for h in search_places(PlaceFilter(open_at=moment))} == expected


def test_closures_close_a_place_for_the_whole_day(places):
    Closure.objects.create(
        place=places["marvejols"], start_date=dt.date(2026, 11, 26), end_date=dt.date(2026, 11, 27)
    )
    assert "Coworking Marvejols" not in {
        h.place.name for h in search_places(PlaceFilter(open_at=THURSDAY_MORNING))
    }
    assert "Coworking Marvejols" in {
        h.place.name for h in search_places(PlaceFilter(open_at=SATURDAY))
    }


def test_with_a_function_filter_open_at_uses_the_function_s_own_hours(places):
    tuesday_afternoon = dt.datetime(2026, 12, 1, 15, 0, tzinfo=PARIS)

    def names(moment):
        f = PlaceFilter(functions=["digital-mediation"], open_at=moment)
        return {h.place.name for h in search_places(f)}

    # Florac's place is open Thursday morning, but its digital help desk only on Tuesday afternoons.
    assert "Tiers-lieu de Florac" not in names(THURSDAY_MORNING)
    assert "Tiers-lieu de Florac" in names(tuesday_afternoon)
    assert "France Services Mende" in names(tuesday_afternoon)  # no own hours: the place's
    for moment in [THURSDAY_MORNING, tuesday_afternoon]:
        expected = {
            pf.place.name
            for pf in PlaceFunction.objects.filter(function__slug="digital-mediation")
            if pf.is_available_at(moment)
        }
        assert names(moment) == expected


def test_open_now_uses_the_current_time(places):
    f = PlaceFilter(open_now=True)
    assert {h.place.name for h in search_places(f, now=THURSDAY_LUNCH)} == {
        "Coworking Marvejols",
        "Tiers-lieu de Florac",
        "Lieu à Paris",
    }


def test_open_now_and_open_at_together_keep_places_open_at_both_moments(places):
    def names(**fields):
        return {h.place.name for h in search_places(PlaceFilter(**fields), now=THURSDAY_MORNING)}

    now_only, then_only = names(open_now=True), names(open_at=THURSDAY_LUNCH)
    both = names(open_now=True, open_at=THURSDAY_LUNCH)
    assert both == now_only & then_only
    in_sql = search_places(
        PlaceFilter(open_now=True, open_at=THURSDAY_LUNCH), now=THURSDAY_MORNING, use_index=False
    )
    assert {h.place.name for h in in_sql} == both
    assert "France Services Mende" in now_only and "France Services Mende" not in both
    assert parse_filter({"open_now": "1", "open_at": "2026-11-26T12:30"}).moments(
        THURSDAY_MORNING
    ) == (dt.datetime(2026, 11, 26, 12, 30, tzinfo=PARIS), THURSDAY_MORNING)


def test_a_mobile_unit_is_as_near_as_its_nearest_stop_and_found_in_the_communes_it_stops_at(
    communes, places
):
    bus = make_place(
        "France Services itinérante",
        MARVEJOLS,
        ["public-service-orientation"],
        type="mobile-unit",
        is_mobile=True,
    )
    MobileStop.objects.create(
        place=bus, commune=communes["langogne"], opening_hours="Th 09:00-12:00"
    )
    MobileStop.objects.create(
        place=bus,
        commune=communes["florac"],
        spot="Place du marché",
        latitude=44.3250,
        longitude=3.5940,
        opening_hours="Sa 09:00-12:00",
    )
    langogne = (44.7275, 3.8553)
    hits = list(search_places(PlaceFilter(near=langogne, radius_km=5)))
    assert [h.place.name for h in hits] == ["France Services itinérante"]
    assert hits[0].distance_km == pytest.approx(0, abs=0.01)
    found_at_florac = {h.place.name for h in search_places(parse_filter({"commune": "48061"}))}
    assert found_at_florac == {"Tiers-lieu de Florac", "France Services itinérante"}
    assert {h.place.name for h in search_places(PlaceFilter(mobile=True))} == {
        "France Services itinérante"
    }
    # No hours of its own: open when one of its stops is.
    assert "France Services itinérante" in {
        h.place.name for h in search_places(PlaceFilter(open_at=THURSDAY_MORNING))
    }
    assert "France Services itinérante" not in {
        h.place.name for h in search_places(PlaceFilter(open_at=THURSDAY_LUNCH))
    }


# --------------------------------------------------------------------------- result


def test_the_result_pages_with_django_s_paginator_and_loads_only_the_page(places):
    for i in range(30):
        make_place(f"Lieu {i:02d}", (44.5 + i / 1000, 3.5), ["workspaces"])
    result = search_places(parse_filter({"function": "workspaces"}))
    assert len(result) == 31
    page = Paginator(result, 10).page(2)
    assert [h.place.name for h in page.object_list] == [f"Lieu {i:02d}" for i in range(9, 19)]
    assert result[0].place.name == "Coworking Marvejols"
    assert result[-1].place.name == "Lieu 29"


def test_a_search_takes_a_fixed_number_of_queries_whatever_the_number_of_places(places):
    network = Network.objects.create(slug="solozere", name="Solozère")
    for i in range(40):
        p = make_place(
            f"Lieu {i:02d}", (44.5 + i / 1000, 3.5), ["workspaces", "fablab"], opening_hours="24/7"
        )
        p.networks.add(network)
        Closure.objects.create(
            place=p, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 1, 2)
        )
    f = parse_filter(
        {"near": "44.5,3.5", "radius_km": "20", "function": "fablab", "open_at": "2026-11-26T10:00"}
    )
    search_places(f)  # the read model is built (a fixed number of queries too)
    with CaptureQueriesContext(connection) as ctx:
        hits = list(search_places(f))
        for hit in hits:
            [pf.function.family.slug for pf in hit.place.place_functions.all()]
            [n.slug for n in hit.place.networks.all()]
            hit.place.is_open_at(THURSDAY_MORNING)
            hit.place.commune  # noqa: B018
            list(hit.place.stops.all())
    assert len(hits) == 40  # Florac, 21 km away, is out
    assert len(ctx.captured_queries) <= 10


def test_a_caller_s_queryset_restricts_the_search(places):
    only = Place.objects.filter(type="coworking")
    assert [h.place.name for h in search_places(PlaceFilter(), queryset=only)] == [
        "Coworking Marvejols"
    ]


# --------------------------------------------------------------------------- the in-process index


def _same(f, now=None):
    by_index = search_places(f, now=now, use_index=True)
    by_sql = search_places(f, now=now, use_index=False)
    assert by_index.ids == by_sql.ids, f
    for a, b in zip(by_index.distances, by_sql.distances, strict=True):
        assert (a is None and b is None) or a == pytest.approx(b, abs=1e-9), f
    return by_index


@pytest.fixture
def many_places(communes, places):
    """60 more places around Lozère, deterministic, with functions, hours, closures, stops."""
    import random

    rng = random.Random(48)
    slugs = sorted(Function.objects.values_list("slug", flat=True))
    all_hours = [WEEKDAY_HOURS, "Mo-Sa 08:00-19:00", "Tu 14:00-17:00", "24/7", "", "not hours"]
    communes_list = list(communes.values())
    for i in range(60):
        functions = [
            (
                slug,
                {
                    "opening_hours": rng.choice(["", "", "Sa 09:00-12:00"]),
                    "fee": rng.choice(["", "free"]),
                },
            )
            for slug in rng.sample(slugs, rng.randint(1, 4))
        ]
        mobile = i % 15 == 0
        place = make_place(
            f"{rng.choice(['Le', 'la', 'Éco', 'Café'])} lieu {i}",
            None if i % 20 == 7 else (44.2 + rng.random() * 0.7, 3.1 + rng.random() * 0.9),
            functions,
            type="mobile-unit"
            if mobile
            else rng.choice(["tiers-lieu", "coworking", "fablab", "cafe"]),
            is_mobile=mobile,
            commune=rng.choice(communes_list),
            opening_hours="" if mobile else rng.choice(all_hours),
            fee=rng.choice(["", "free", "paid", "mixed"]),
            wheelchair=rng.choice(["", "yes", "no"]),
        )
        if mobile:
            MobileStop.objects.create(
                place=place, commune=rng.choice(communes_list), opening_hours="Th 09:00-12:00"
            )
            MobileStop.objects.create(
                place=place,
                commune=rng.choice(communes_list),
                latitude=44.6,
                longitude=3.7,
                opening_hours="Sa 09:00-12:00",
            )
        if i % 9 == 0:
            Closure.objects.create(
                place=place, start_date=dt.date(2026, 11, 26), end_date=dt.date(2026, 11, 26)
            )
    Place.objects.create(
        name="Archivé", slug="archive", type="cafe", latitude=44.5, longitude=3.5, status="archived"
    )


INDEX_CASES = [
    {},
    {"near": "44.5215,3.4965"},
    {"near": "44.5215,3.4965", "radius_km": "20"},
    {"near": "44.5215,3.4965", "radius_km": "40", "function": "digital-mediation"},
    {"near": "44.6,3.7", "radius_km": "3"},
    {"function": "fablab,workspaces"},
    {"family": "infrastructure"},
    {"family": "makers", "function": "fablab,workspaces"},
    {"family": "makers", "function": "workspaces"},
    {"type": "coworking,cafe"},
    {"commune": "48080"},
    {"free": "1"},
    {"free": "1", "function": "meeting-rooms"},
    {"accessible": "1", "mobile": "0"},
    {"mobile": "1"},
    {"open_at": "2026-11-26T10:00"},
    {"open_at": "2026-11-26T12:30", "function": "digital-mediation"},
    {"open_at": "2026-11-28T10:00", "near": "44.5,3.5", "radius_km": "50"},
    {"open_at": "2026-12-01T15:00", "family": "public-services"},
    {"near": "-17.7,179.9", "radius_km": "100"},
]


@pytest.mark.parametrize("params", INDEX_CASES, ids=[str(p) for p in INDEX_CASES])
def test_the_index_answers_exactly_as_sql(many_places, params):
    _same(parse_filter(params))


def test_the_index_and_sql_agree_on_random_filters(many_places):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from maillage.places.search import FAMILY_SLUGS, FUNCTION_SLUGS, TYPE_SLUGS

    filters = st.builds(
        PlaceFilter,
        near=st.one_of(st.none(), st.tuples(st.floats(44.0, 45.0), st.floats(3.0, 4.2))),
        functions=st.lists(st.sampled_from(sorted(FUNCTION_SLUGS)), max_size=3, unique=True),
        family=st.one_of(st.none(), st.sampled_from(sorted(FAMILY_SLUGS))),
        types=st.lists(st.sampled_from(sorted(TYPE_SLUGS)), max_size=2, unique=True),
        commune=st.one_of(st.none(), st.sampled_from(["48095", "48061", "48080"])),
        open_at=st.one_of(
            st.none(),
            st.datetimes(dt.datetime(2026, 11, 23), dt.datetime(2026, 11, 30)).map(
                lambda d: d.replace(tzinfo=PARIS)
            ),
        ),
        free=st.booleans(),
        accessible=st.booleans(),
        mobile=st.one_of(st.none(), st.booleans()),
    )

    @given(f=filters, radius=st.one_of(st.none(), st.floats(0.5, 80)))
    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(f, radius):
        if f.near is not None:
            f.radius_km = radius
        _same(f)

    check()


def test_the_index_sees_every_kind_of_write_at_once(places):
    near = parse_filter({"near": "44.5215,3.4965", "radius_km": "15", "function": "fablab"})
    assert search_places(near, use_index=True).ids == []
    florac_fablab = PlaceFunction.objects.get(place=places["florac"], function__slug="fablab")
    make_place("Nouveau fablab", (44.52, 3.50), ["fablab"])  # ORM create
    assert [h.place.name for h in search_places(near, use_index=True)] == ["Nouveau fablab"]
    Place.objects.filter(name="Nouveau fablab").update(status=Place.Status.ARCHIVED)  # bulk update
    assert search_places(near, use_index=True).ids == []
    florac_fablab.delete()
    assert "Tiers-lieu de Florac" not in {
        h.place.name for h in search_places(parse_filter({"function": "fablab"}), use_index=True)
    }


def test_every_kind_of_write_bumps_the_network_version_in_its_own_transaction(places):
    from django.db import transaction

    from maillage.places import network as read_model

    v0 = read_model.database_version()
    p = make_place("Écrit ici", (44.5, 3.5))  # ORM create
    v1 = read_model.database_version()
    assert v1 > v0
    Place.objects.filter(pk=p.pk).update(name="Renommé")  # bulk update
    v2 = read_model.database_version()
    assert v2 > v1
    with connection.cursor() as cursor:  # raw SQL, no ORM at all
        cursor.execute("UPDATE places_place SET summary = 'x' WHERE id = %s", [p.pk])
    v3 = read_model.database_version()
    assert v3 > v2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT place_id FROM places_networkchange WHERE version > %s", [v0]
        )
        assert {r[0] for r in cursor.fetchall()} == {p.pk}
    try:
        with transaction.atomic():
            Place.objects.filter(pk=p.pk).update(name="Jamais")
            assert read_model.database_version() > v3  # the writer sees its own version
            raise RuntimeError
    except RuntimeError:
        pass
    assert read_model.database_version() == v3  # rolled back with the write
    assert read_model.current().get(p.pk).name == "Renommé"


def test_an_incremental_update_equals_a_rebuild(places):
    from maillage.places import network as read_model

    before = read_model.current()
    p = make_place("Nouveau", (44.52, 3.50), ["fablab"])
    Closure.objects.create(place=places["florac"], start_date=dt.date(2026, 11, 20),
                           end_date=dt.date(2026, 11, 30))  # fmt: skip
    places["mende"].delete()
    patched = read_model.current()
    assert patched is not before and patched.version > before.version
    rebuilt = read_model.Network(read_model.load_records(), patched.version, patched.db)
    assert patched.records == rebuilt.records
    f = parse_filter({"near": "44.5,3.5", "radius_km": "80"})
    assert search.model_find(patched, f) == search.model_find(rebuilt, f)
    assert search.model_find(patched, PlaceFilter()) == search.model_find(rebuilt, PlaceFilter())
    assert p.pk in patched and places["mende"].pk not in patched
