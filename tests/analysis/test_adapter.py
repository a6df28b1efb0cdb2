"""The adapter: Lozère from the database equals an independent computation from the
published files, and what counts on a date (hours, seasons, closures, a mobile
unit's stop days) follows places.hours."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from maillage.analysis import adapter, services
from maillage.places.models import Closure, Function, MobileStop, Place, PlaceFunction
from maillage.territory.models import Commune

THURSDAY = "2026-11-26"
FRIDAY = "2026-11-27"
TUESDAY = "2026-12-01"
WEDNESDAY = "2026-12-02"
SUMMER = "2026-07-15"  # a Wednesday


def make_place(slug, commune_code, functions, *, hours="", point=None, **fields):
    commune = Commune.objects.get(code=commune_code)
    lat, lon = point or (commune.centroid_lat, commune.centroid_lon)
    place = Place.objects.create(
        name=fields.pop("name", slug.replace("-", " ").title()),
        slug=slug,
        type=fields.pop("type", "tiers-lieu"),
        commune=commune,
        latitude=lat,
        longitude=lon,
        opening_hours=hours,
        **fields,
    )
    for f in functions:
        f, own = f if isinstance(f, tuple) else (f, "")
        PlaceFunction.objects.create(
            place=place, function=Function.objects.get(slug=f), opening_hours=own
        )
    return place


def fs_query(**kw):
    return services.make_query(departements=["48"], types=["france-services"], **kw)


def cost_of(a: services.Analysis, code: str) -> float:
    return float(a.result.cost[a.territory.demand.index[code]])


# --------------------------------------------------------------------------- Lozère figures


def test_the_communes_are_lozere_s_158_at_their_lambert93_centroids(lozere, independent):
    codes, xy, pop, _names, _fxy = independent
    t = adapter.load_territory(["48"])
    assert list(t.codes) == codes and len(t) == 158
    # the centroid goes through the database in WGS84 (7 decimals): a few centimetres
    assert np.abs(t.demand.xy - xy).max() < 0.05
    assert np.array_equal(t.demand.weights, pop) and t.population == 76_486
    assert len(t.without_population) == 6 and not t.without_centroid


def test_the_france_services_are_lozere_s_20(lozere, independent):
    _codes, _xy, _pop, names, fxy = independent
    ps = adapter.load_places(["48"], types=["france-services"])
    assert len(ps) == 20 and not ps.is_stop.any()
    # the same points (the database keeps the CSV's coordinates)
    d = np.sqrt(((ps.facilities.xy[:, None, :] - fxy[None, :, :]) ** 2).sum(-1))
    assert np.all(d.min(axis=1) < 0.05)
    assert set(map(str, ps.place_names)) == set(names)


def test_lozere_figures_equal_an_independent_computation(lozere, independent):
    codes, xy, pop, _names, fxy = independent
    a = services.analyse(fs_query())
    near_km = np.sqrt(((xy[:, None, :] - fxy[None, :, :]) ** 2).sum(-1)).min(axis=1) / 1000
    assert np.allclose(a.result.cost, near_km, atol=1e-4)
    for t in (5.0, 10.0, 20.0, 30.0):
        assert a.result.covered_weight[t] == pop[near_km <= t].sum()
        assert a.result.covered_points[t] == int((near_km <= t).sum())
    # the figures: 84.9 % of Lozère's population within 10 km of a France Services
    assert a.result.covered_weight[10.0] == 64_907
    assert round(100 * a.result.weight_share[10.0], 1) == 84.9
    # ... and within 5 km 44,705 / 76,486 = 58.449 %: "58.5 %" is 58.45 rounded again
    assert a.result.covered_weight[5.0] == 44_705
    assert round(100 * a.result.weight_share[5.0], 2) == 58.45
    assert a.result.catchment.sum() == 76_486


def test_summary_rows_and_underserved_agree(lozere):
    a = services.analyse(fs_query())
    s = a.summary()
    assert s["population"] == 76_486 and s["communes"] == 158 and s["places"] == 20
    rows = a.commune_rows()
    assert sum(r["population"] for r in rows if r["covered"]) == 64_907
    assert sum(r["covered"] for r in rows) == 119
    under = a.underserved_rows()
    assert len(under) == 158 - 119 == s["underserved"]
    pops = [r["population"] for r in under]
    assert pops == sorted(pops, reverse=True) and under[0]["name"] == "Peyre en Aubrac"
    assert all(r["cost"] > 10 for r in under)
    # catchments function by function: each function's places share the whole population
    tables = a.catchment_tables()
    assert {t["function"] for t in tables} == {
        "digital-access",
        "digital-mediation",
        "public-service-orientation",
    }
    for t in tables:
        assert sum(r["population"] for r in t["rows"]) == pytest.approx(76_486)
        assert t["rows"][0]["name"] == "France services de Mende"
    assert len(a.catchment_rows()) == 3 * 20
    # every commune's count within 30 km matches its row
    assert all(r["within"]["30"] >= 1 for r in rows)


# --------------------------------------------------------------------------- what counts on a date


def test_a_place_with_a_dated_closure_does_not_count_that_day(lozere):
    open_thursday = set(services.analyse(fs_query(on=THURSDAY)).counted.ids)
    assert "france-services-de-mende" in open_thursday
    mende = Place.objects.get(slug="france-services-de-mende")
    Closure.objects.create(
        place=mende,
        start_date=dt.date(2026, 11, 26),
        end_date=dt.date(2026, 11, 26),
        reason="Inventaire",
    )
    closed_day = services.analyse(fs_query(on=THURSDAY))
    assert set(closed_day.counted.ids) == open_thursday - {"france-services-de-mende"}
    assert closed_day.places.closed["france-services-de-mende"] == "Inventaire"
    assert "france-services-de-mende" in set(services.analyse(fs_query(on=FRIDAY)).counted.ids)
    # its catchment moves to the others: the whole population is still someone's
    assert closed_day.result.catchment.sum() == 76_486


def test_a_place_closed_by_its_weekly_hours_does_not_count(lozere):
    # Saint-Germain-de-Calberte's France Services opens on Mondays only
    slug = "france-services-multisites-de-la-vallee-francaise-site-de-saint-germain-de-calberte"
    assert slug not in set(services.analyse(fs_query(on=THURSDAY)).counted.ids)
    assert slug in set(services.analyse(fs_query(on="2026-11-30")).counted.ids)
    # without a date, every place counts
    assert slug in set(services.analyse(fs_query()).counted.ids)


def test_a_seasonal_place_counts_in_its_season_only(lozere):
    make_place(
        "gite-d-ete", "48096", ["workspaces"], hours="Jun-Sep Mo-Su 09:00-18:00", type="hotel"
    )
    q = dict(departements=["48"], function="workspaces")
    summer = services.analyse(services.make_query(on=SUMMER, **q))
    winter = services.analyse(services.make_query(on=THURSDAY, **q))
    assert list(summer.counted.ids) == ["gite-d-ete"]
    assert len(winter.counted) == 0 and winter.places.closed == {"gite-d-ete": "horaires"}
    assert cost_of(summer, "48096") < 5 and np.isinf(cost_of(winter, "48096"))


def test_a_mobile_unit_counts_at_its_stops_on_their_days_only(lozere):
    bus = make_place(
        "fablab-mobile", "48095", ["fablab"], type="mobile-unit", is_mobile=True
    )  # parked in Mende
    MobileStop.objects.create(
        place=bus, commune=Commune.objects.get(code="48104"), opening_hours="Tu 09:00-12:00"
    )
    q = dict(departements=["48"], function="fablab")
    tuesday = services.analyse(services.make_query(on=TUESDAY, **q))
    wednesday = services.analyse(services.make_query(on=WEDNESDAY, **q))
    anyday = services.analyse(services.make_query(**q))
    # the stop (at Nasbinals' centre, no coordinates of its own) counts on Tuesdays
    assert list(tuesday.counted.ids) == ["fablab-mobile@48104"]
    assert tuesday.counted.is_stop.all() and cost_of(tuesday, "48104") == pytest.approx(0, abs=1e-3)
    assert len(wednesday.counted) == 0 and np.isinf(cost_of(wednesday, "48104"))
    # without a date the stop counts, and the unit's parking place never does
    assert list(anyday.counted.ids) == ["fablab-mobile@48104"]
    assert cost_of(anyday, "48095") > 30
    # the stop's days, read from its OSM hours
    assert anyday.counted.facilities.availability[0].weekdays == frozenset({1})


def test_a_function_s_own_hours_decide_for_that_function(lozere):
    make_place(
        "tiers-lieu-test",
        "48061",
        [("digital-mediation", "We 14:00-17:00"), "workspaces"],
        hours="Mo-Fr 09:00-17:00",
    )
    dm = dict(departements=["48"], function="digital-mediation", types=["tiers-lieu"])
    ws = dict(departements=["48"], function="workspaces", types=["tiers-lieu"])
    assert len(services.analyse(services.make_query(on=THURSDAY, **dm)).counted) == 0
    assert len(services.analyse(services.make_query(on=WEDNESDAY, **dm)).counted) == 1
    assert len(services.analyse(services.make_query(on=THURSDAY, **ws)).counted) == 1


def test_unknown_hours_are_not_guessed_they_are_listed_with_what_they_would_change(lozere):
    """The network's one policy: unknown hours are unknown. On a date such a place does
    not count (the figures are what is known open), is listed, and the analysis says
    what the figure would be if it were open; without a date it counts."""
    make_place("sans-horaires", "48061", ["fablab"])
    make_place("horaires-illisibles", "48095", ["fablab"], hours="tous les jours sauf pluie")
    q = dict(departements=["48"], function="fablab")
    a = services.analyse(services.make_query(on=THURSDAY, **q))
    assert len(a.counted) == 0
    s = a.summary()
    assert s["unknown_hours"] == ["sans-horaires"]
    assert s["invalid_hours"] == ["horaires-illisibles"]
    assert "sans-horaires" not in s["closed"]
    # if both were open: the population within the target of either, computed apart
    both = services.analyse(services.make_query(**q))
    assert set(both.counted.ids) == {"sans-horaires", "horaires-illisibles"}
    within = next(t for t in both.summary()["thresholds"] if t["threshold"] == both.target)
    assert s["if_unknown_open"] == within["population"] > 0
    # a place whose hours are known says nothing of the kind
    make_place("ouvert-jeudi", "48061", ["workspaces"], hours="Th 09:00-12:00")
    known = services.analyse(services.make_query(on=THURSDAY, departements=["48"],
                                                 function="workspaces"))  # fmt: skip
    assert list(known.counted.ids) == ["ouvert-jeudi"]
    assert known.summary()["if_unknown_open"] is None


def test_a_mobile_unit_counts_where_its_dated_stop_events_take_it(lozere):
    """The tiers-truck's Friday stop in Florac entered as an event (not a weekly stop)
    counts in Florac on that Friday and not the day before, as the agenda and the
    commune page show it; the unit's weekly stop counts on its own days."""
    from maillage.events.services import create_event
    from maillage.places.hours import PARIS

    truck = make_place(
        "camion-test", "48095", ["digital-mediation"], type="mobile-unit", is_mobile=True
    )
    MobileStop.objects.create(
        place=truck, commune=Commune.objects.get(code="48104"), opening_hours="Tu 09:00-12:00"
    )
    friday = dt.datetime(2026, 11, 27, 10, tzinfo=PARIS)
    create_event(place=truck, title="Le camion à Florac", start=friday,
                 end=friday + dt.timedelta(hours=4), functions=[])  # fmt: skip
    q = dict(departements=["48"], function="digital-mediation", types=["mobile-unit"])
    on_friday = services.analyse(services.make_query(on=FRIDAY, **q))
    on_thursday = services.analyse(services.make_query(on=THURSDAY, **q))
    on_tuesday = services.analyse(services.make_query(on=TUESDAY, **q))
    # the event without a stop of its own stands at the unit's commune (Mende)
    assert list(on_friday.counted.ids) == ["camion-test@48095"]
    assert on_friday.counted.is_stop.all()
    assert len(on_thursday.counted) == 0
    assert on_thursday.places.closed == {"camion-test@48104": "horaires",
                                         "camion-test@48095": "horaires"}  # fmt: skip
    assert list(on_tuesday.counted.ids) == ["camion-test@48104"]
    anyday = services.analyse(services.make_query(**q))
    days = dict(zip(anyday.counted.ids, anyday.counted.facilities.availability, strict=True))
    assert days["camion-test@48104"].weekdays == frozenset({1})
    assert days["camion-test@48095"].weekdays == frozenset({4})


def test_archived_places_and_other_departements_do_not_count(lozere):
    make_place("archive", "48061", ["fablab"], status=Place.Status.ARCHIVED)
    Commune.objects.create(
        code="12145", name="Millau", departement="12", centroid_lat=44.1, centroid_lon=3.08
    )
    make_place("millau", "12145", ["fablab"])
    a = services.analyse(services.make_query(departements=["48"], function="fablab"))
    assert len(a.counted) == 0
    b = services.analyse(services.make_query(departements=["12"], function="fablab"))
    assert list(b.counted.ids) == ["millau"] and len(b.territory) == 1
    # a commune without population weighs 0
    assert b.territory.without_population == ["12145"]


def test_time_travel_gives_minutes(lozere):
    a = services.analyse(fs_query(travel="mountain", thresholds=["20min"]))
    km = services.analyse(fs_query())
    assert a.unit == "min" and a.thresholds == (20.0,)
    # 1.4 x km / 50 km/h x 60
    assert np.allclose(a.result.cost, km.result.cost * 1.4 / 50 * 60)


def test_scenario_close_and_open(lozere):
    q = fs_query(thresholds=["10km"])
    s = services.scenario(q, close=["france-services-marvejols"], open_at=["48104"])
    rows = s.rows()
    assert rows[0]["population_before"] == 64_907
    # recompute the "after" side by hand: the same places without Marvejols, plus Nasbinals
    before = services.analyse(q)
    keep = before.counted.take(before.counted.ids != "france-services-marvejols")
    fac = keep.facilities.plus(
        adapter.new_sites_at_communes(before.territory, ["48104"]).facilities
    )
    from maillage import mesh

    after = mesh.coverage(before.territory.demand, fac, mesh.StraightLine(), (10.0,))
    assert rows[0]["population_after"] == after.covered_weight[10.0]
    assert s.closed[0]["id"] == "france-services-marvejols"
    assert s.opened[0]["commune"]["code"] == "48104"
    changed = {c["code"] for c in s.changed_communes(limit=None)}
    assert "48104" in changed and "48092" in changed


def test_recommendations_are_proven_and_agree_with_coverage(lozere):
    q = fs_query(thresholds=["10km"])
    o = services.recommend(q, 3)
    assert o.proven_optimal and o.gap == 0 and o.after == 72_978 and o.before == 64_907
    codes = [c["commune"]["code"] for c in o.chosen]
    assert len(codes) == 3 and sum(c["gain"] for c in o.chosen) == o.after - o.before
    s = services.scenario(q, open_at=codes)
    assert s.rows()[0]["population_after"] == 72_978
    sc = services.set_cover(q, 0.95)
    assert len(sc.chosen) == 3 and sc.lower_bound == 3 and sc.proven_optimal
