"""A mobile unit's round: a dated stop overrides the weekly stop it overlaps (the
unit cannot be in two places), and a visit under way keeps its real start. Every
reader (state_at, the stop tables, the analysis of a day) follows network.visits."""

from __future__ import annotations

import datetime as dt

from maillage.places import network
from maillage.places.hours import PARIS

SAT = dt.date(2026, 12, 12)


def at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m), PARIS)


def truck(events=()) -> network.PlaceRec:
    mende = network.Stop(1, "48095", "Mende", "Foirail", 44.52, 3.50, False, "Sa 08:00-12:30")
    return network.PlaceRec(
        id=1, slug="camion", name="Camion", type="mobile-unit", lat=44.52, lon=3.5,
        is_mobile=True, hours="", commune="48095", commune_name="Mende",
        stops=(mende,), events=tuple(events),
    )  # fmt: skip


FLORAC = network.Visit(at(SAT, 9), at(SAT, 12), "48061", "Florac Trois Rivières", "Esplanade",
                       44.32, 3.59, title="Le camion à Florac")  # fmt: skip


def places(visits):
    return [(v.commune_name, v.start.hour, v.start.minute, v.end.hour) for v in visits]


def test_a_dated_stop_replaces_the_weekly_stop_it_overlaps():
    rec = truck([FLORAC])
    day = network.visits(rec, at(SAT, 0), at(SAT + dt.timedelta(days=1), 0))
    assert places(day) == [("Florac Trois Rivières", 9, 0, 12)]
    # the Saturday after, without a dated stop, the weekly round is back
    next_sat = SAT + dt.timedelta(days=7)
    assert places(network.visits(rec, at(next_sat, 0), at(next_sat, 23))) == [("Mende", 8, 0, 12)]
    # state_at follows the same round: at 8:30 the unit is nowhere (it is on its way)
    assert network.state_at(rec, at(SAT, 8, 30)) == network.CLOSED
    assert network.state_at(rec, at(SAT, 10)) == network.OPEN
    assert network.state_at(truck(), at(SAT, 8, 30)) == network.OPEN


def test_a_visit_under_way_keeps_its_real_start():
    rec = truck()
    now = at(SAT, 10, 6)
    (visit,) = network.visits(rec, now, at(SAT, 23))
    assert (visit.start, visit.end) == (at(SAT, 8), at(SAT, 12, 30))
    # a visit already over is not listed
    assert network.visits(rec, at(SAT, 12, 30), at(SAT, 23)) == []


def test_the_day_of_the_analysis_follows_the_round():
    rec = truck([FLORAC])
    mende_stop = rec.stops[0]
    where = network.Visit(at(SAT, 0), at(SAT, 0), mende_stop.commune, mende_stop.commune_name,
                          mende_stop.spot, mende_stop.lat, mende_stop.lon)  # fmt: skip
    assert network.spot_day_state(rec, SAT, mende_stop, where) == network.CLOSED
    assert network.spot_day_state(rec, SAT, None, FLORAC) == network.OPEN
    next_sat = SAT + dt.timedelta(days=7)
    assert network.spot_day_state(rec, next_sat, mende_stop, where) == network.OPEN
    assert network.spot_day_state(rec, next_sat, None, FLORAC) == network.CLOSED
