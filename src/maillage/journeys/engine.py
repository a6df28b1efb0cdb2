"""The orientation engine: from needs, a home, a mobility and a free moment, a
journey ("parcours") through the places of the territory.

Plain library code: :func:`orient` takes place data (:class:`PlaceData`, built
from the database by :mod:`maillage.journeys.snapshot`, or by hand in tests)
and a :class:`Query`, and returns a :class:`Journey`. No view, no query.

How a journey is built (deterministic: every tie is broken by distance, then
name, then id):

1. For each need, the candidate places are those offering one of the need's
   functions to the person (an offer reserved to young people is not proposed
   to a senior, and the other way round).
2. A place is *within reach* when its distance from home is at most the limit
   of the person's mobility (:data:`REACH_KM`). Places beyond reach are only
   proposed for a need that nothing within reach answers (no place, no mobile
   unit stopping near home), and the step says so.
3. Candidates are ranked by: within reach, open when the person is free (the
   function's own hours, else the place's, dated closures cut out; unknown
   hours rank between open and closed, and the step says so), step-free
   access for reduced mobility, the number of the person's needs the place
   answers (one trip for several needs) and fit (audience and type) among
   places at a comparable distance (the same sixth of the reach), distance.
4. The best place for each need is a first step; a place best for several
   needs is one step. The second best is a "next" step (an alternative).
5. Mobile units stopping near home (within reach and :data:`MOBILE_NEAR_KM`) come next, before any place
   beyond reach (for people without a car, they come right after the first
   steps), with their stop and their next passage there. For a person without
   a car, a mobile unit whose next passage near home comes within
   :data:`MOBILE_SOON_DAYS` of the free moment comes first of all.
6. When a first step is a private place and the need has public services to
   go on to (a bar-tiers-lieu for orientation: the CIO, the mission locale),
   an "onward" step names them (those meant for the person's age first).
7. Events (an optional provider: the events capability) within reach that
   match a need and start within :data:`EVENT_HORIZON_DAYS` of the free moment.

Each step carries its reason in French, in one voice (« vous »). Distance and
travel time are said only when they mean something (:func:`distance_text`): a
place in the person's own commune is « dans votre commune »; walking and
driving times are given; a bus or on-demand transport time is not (without a
timetable it would be a guess), only the distance.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from maillage.core import french
from maillage.core.geo import distance_km as haversine_km
from maillage.core.params import ParameterError
from maillage.places import display, hours, network

from .needs import NEEDS_BY_SLUG, PUBLIC_TYPES, Need

EARTH_RADIUS_KM = 6371.0088
MOBILITIES = ("car", "no-car", "reduced")
AGE_GROUPS = ("young", "adult", "senior")
#: how far a person goes by their own means (km, as the crow flies)
REACH_KM = {"car": 45.0, "no-car": 10.0, "reduced": 4.0}
#: road distance is longer than the crow flies
DETOUR = 1.3
#: km/h: car; on foot (and beyond walking, a bus or on-demand transport)
SPEED = {"car": 50.0, "walk": 4.5, "walk-reduced": 3.0, "bus": 25.0}
WALK_KM = {"no-car": 1.5, "reduced": 0.8}
#: within reach, places in the same distance band (a sixth of the reach) compare by
#: how many of the person's needs they answer and how well they fit, then by distance
BANDS = 6
NEXT_OPENING_DAYS = 14
#: a mobile unit "comes near home" when it stops within this distance (and within reach)
MOBILE_NEAR_KM = 15.0
#: without a car, a mobile unit passing near home within this many days of the free
#: moment comes first
MOBILE_SOON_DAYS = 7
EVENT_HORIZON_DAYS = 30
MAX_ONWARD = 3
MOBILITY_LABEL = {
    "car": "en voiture",
    "no-car": "sans voiture (à pied ou en transport en commun)",
    "reduced": "à mobilité réduite",
}
#: audiences that reserve an offer to an age group
_AGE_AUDIENCES = {"young": "young", "students": "young", "seniors": "senior"}


class OrientationError(ParameterError):
    """A bad query: ``field`` names the parameter, ``message`` says why (in French)."""


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Offer:
    """A function offered at a place: its own hours ("" = the place's) and audiences."""

    function: str
    hours: str = ""
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stop:
    """Where and when a mobile unit stops."""

    commune: str
    commune_name: str
    spot: str
    lat: float
    lon: float
    hours: str
    #: dated visits at this spot (stop events), besides the weekly ``hours``
    visits: tuple[tuple[dt.datetime, dt.datetime], ...] = ()


@dataclass(frozen=True)
class PlaceData:
    id: int
    name: str
    type: str
    lat: float | None
    lon: float | None
    hours: str = ""
    offers: tuple[Offer, ...] = ()
    commune: str = ""
    commune_name: str = ""
    wheelchair: str = ""  # OSM: yes, limited, no, ""
    closures: tuple[hours.DateRange, ...] = ()
    is_mobile: bool = False
    stops: tuple[Stop, ...] = ()
    url: str = ""
    #: the place in the read model of the network (built from the fields when absent)
    rec: network.PlaceRec | None = field(default=None, compare=False, repr=False)

    @property
    def functions(self) -> frozenset[str]:
        return frozenset(o.function for o in self.offers)

    def record(self) -> network.PlaceRec:
        """The read model's record of this place: "open at" is decided by
        :func:`maillage.places.network.state_at`, the platform's one rule."""
        if self.rec is not None:
            return self.rec
        return network.PlaceRec(
            id=self.id,
            slug="",
            name=self.name,
            type=self.type,
            lat=self.lat,
            lon=self.lon,
            is_mobile=self.is_mobile,
            hours=self.hours,
            commune=self.commune,
            commune_name=self.commune_name,
            offers=tuple(
                network.Offer(o.function, o.function, "", "", o.hours, o.audiences)
                for o in self.offers
            ),
            closures=tuple(network.ClosureRec(c.start, c.end) for c in self.closures),
            stops=tuple(
                network.Stop(0, s.commune, s.commune_name, s.spot, s.lat, s.lon, False, s.hours)
                for s in self.stops
            ),
        )


@dataclass(frozen=True)
class EventData:
    """An event (from an optional provider) at a point, for some needs."""

    id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    lat: float
    lon: float
    needs: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    place_id: int | None = None
    place_name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Query:
    needs: tuple[str, ...]
    home: tuple[float, float]  # (latitude, longitude)
    mobility: str = "car"
    free_at: dt.datetime | None = None
    age_group: str | None = None
    home_label: str = ""
    #: the INSEE code of the person's commune, when known: a place there is « dans votre
    #: commune », without a distance
    home_commune: str = ""

    def check(self) -> None:
        if not self.needs:
            raise OrientationError("needs", "au moins un besoin est attendu.")
        for slug in self.needs:
            if slug not in NEEDS_BY_SLUG:
                raise OrientationError("needs", f"besoin inconnu : « {slug[:40]} ».")
        if self.mobility not in MOBILITIES:
            raise OrientationError("mobility", "car, no-car ou reduced est attendu.")
        if self.age_group is not None and self.age_group not in AGE_GROUPS:
            raise OrientationError("age_group", "young, adult ou senior est attendu.")
        lat, lon = self.home
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat + lon):
            raise OrientationError("near", "latitude et longitude hors limites.")


# --------------------------------------------------------------------------- output


@dataclass
class Step:
    kind: str  # "first", "next", "mobile", "onward", "beyond", "event"
    place_id: int | None
    name: str
    needs: list[str]
    reason: str
    distance_km: float | None
    travel_minutes: int | None
    within_reach: bool
    open_when_free: bool | None  # None: the person gave no free moment
    next_opening: dt.datetime | None = None
    place_type: str = ""
    commune: str = ""
    url: str = ""
    stop: str = ""  # a mobile unit: where it stops near home
    sent_from: int | None = None  # an onward step: the place that sends the person on
    event_id: str | None = None
    #: an event's start and end; a mobile unit's next passage at its stop near home
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    in_home_commune: bool = False


@dataclass
class Journey:
    query: Query
    steps: list[Step] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def first(self, need: str) -> Step | None:
        """The first place step answering ``need``."""
        return next(
            (s for s in self.steps if s.kind in ("first", "beyond") and need in s.needs), None
        )


# --------------------------------------------------------------------------- helpers


def travel(distance_km: float, mobility: str) -> tuple[int, str]:
    """Estimated minutes and means for ``distance_km`` as the crow flies."""
    road = distance_km * DETOUR
    if mobility == "car":
        return max(1, round(road / SPEED["car"] * 60)), "en voiture"
    walk_speed = SPEED["walk-reduced" if mobility == "reduced" else "walk"]
    if distance_km <= WALK_KM[mobility]:
        return max(1, round(road / walk_speed * 60)), "à pied"
    return max(1, round(road / SPEED["bus"] * 60)), "en bus ou en transport à la demande"


def km_text(distance_km: float) -> str:
    """« 500 m » (to 50 m) under a kilometre, else « 1,2 km »."""
    metres = round(distance_km * 1000 / 50) * 50
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{max(distance_km, 1.0):.1f} km".replace(".", ",")


def moment_text(moment: dt.datetime) -> str:
    """« jeudi 1er avril à 10 h 30 » (maillage.core.french, as every page)."""
    return french.datetime_label(hours._aware(moment))


def _state(place: PlaceData, moment: dt.datetime, functions) -> str:
    """The one rule (:func:`maillage.places.network.state_at`) for these functions."""
    return network.state_at(place.record(), moment, functions)


def _next_opening(place: PlaceData, moment: dt.datetime, functions) -> dt.datetime | None:
    return network.next_opening(place.record(), moment, functions, horizon_days=NEXT_OPENING_DAYS)


def _stop_record(unit: PlaceData, stop: Stop) -> network.PlaceRec:
    """A mobile unit reduced to one of its spots (its weekly hours there and its dated
    visits there), for the same rule."""
    return network.PlaceRec(
        id=unit.id,
        slug="",
        name=unit.name,
        type=unit.type,
        lat=stop.lat,
        lon=stop.lon,
        is_mobile=True,
        hours="",
        commune=stop.commune,
        commune_name=stop.commune_name,
        closures=tuple(network.ClosureRec(c.start, c.end) for c in unit.closures),
        stops=(
            network.Stop(
                0, stop.commune, stop.commune_name, stop.spot, stop.lat, stop.lon, False, stop.hours
            ),
        )
        if stop.hours
        else (),
        events=tuple(
            network.Visit(a, b, stop.commune, stop.commune_name, stop.spot, stop.lat, stop.lon)
            for a, b in stop.visits
        ),
    )


def _allowed(offer: Offer, age_group: str | None) -> bool:
    """An offer reserved to an age group (young people, seniors) is for that group only."""
    groups = {_AGE_AUDIENCES.get(a) for a in offer.audiences}
    if not offer.audiences or None in groups:
        return True  # open to all (or to other audiences: a preference, not a rule)
    return age_group in groups


_AUDIENCE_OF_AGE = {"young": {"young", "students"}, "senior": {"seniors"}}


@dataclass
class _Candidate:
    place: PlaceData
    need: Need
    offers: list[Offer]
    distance: float
    within_reach: bool
    open_when_free: bool | None
    fit: int
    access_rank: int
    for_age: bool
    band: int = 0
    needs_answered: int = 1

    def key(self):
        return (
            not self.within_reach,
            {True: 0, None: 1, False: 2}[self.open_when_free],
            self.access_rank,
            self.band,
            -self.needs_answered,
            -self.fit,
            round(self.distance, 3),
            self.place.name,
            self.place.id,
        )

    def hours_expression(self) -> str:
        return next((o.hours for o in self.offers if o.hours), self.place.hours)


def _candidate(place: PlaceData, need: Need, query: Query, limit: float) -> _Candidate | None:
    if place.lat is None or place.lon is None:
        return None
    offers = [
        o for o in place.offers if o.function in need.functions and _allowed(o, query.age_group)
    ]
    if not offers:
        return None
    distance = haversine_km(query.home[0], query.home[1], place.lat, place.lon)
    open_when_free = None
    if query.free_at is not None:
        state = _state(place, query.free_at, [o.function for o in offers])
        # None: the hours are unknown, the step says so
        open_when_free = None if state == network.UNKNOWN else state == network.OPEN
    fit = 0
    if place.type in need.preferred_types:
        fit += 1
    wanted = _AUDIENCE_OF_AGE.get(query.age_group or "", set())
    for_age = bool(wanted) and any(wanted & set(o.audiences) for o in offers)
    fit += for_age
    access_rank = 0
    if query.mobility == "reduced":
        access_rank = {"yes": 0, "limited": 1, "": 1}.get(place.wheelchair, 2)
    return _Candidate(
        place,
        need,
        offers,
        distance,
        distance <= limit,
        open_when_free,
        fit,
        access_rank,
        for_age,
        band=int(distance // (limit / BANDS)),
    )


# --------------------------------------------------------------------------- reasons


def _when_text(cand: _Candidate, query: Query) -> tuple[str, dt.datetime | None]:
    if query.free_at is None:
        return "", None
    if cand.open_when_free is None:
        return "Horaires non renseignés : appelez avant de venir.", None
    if cand.open_when_free:
        return f"Ouvert quand vous êtes libre ({moment_text(query.free_at)}).", None
    nxt = _next_opening(cand.place, query.free_at, [o.function for o in cand.offers])
    if nxt is None:
        return "Fermé quand vous êtes libre ; horaires à vérifier auprès du lieu.", None
    return f"Fermé quand vous êtes libre ; prochaine ouverture {moment_text(nxt)}.", nxt


def distance_text(distance: float, query: Query, commune: str = "") -> tuple[str, int]:
    """How far a place is, said only as far as it means something, and the estimated
    minutes (for the API). The rule:

    - in the person's own commune: « Dans votre commune. », no distance, no time
      (home is the commune's centre: a distance inside it says nothing);
    - walking (no car, and within :data:`WALK_KM`) or driving: the distance and the time;
    - by bus or on-demand transport: the distance only, and to check the timetable
      (the time would be a guess without one).
    """
    minutes, means = travel(distance, query.mobility)
    if query.home_commune and commune == query.home_commune:
        return "Dans votre commune.", minutes
    where = f"de {query.home_label}" if query.home_label else "de chez vous"
    if means == "en bus ou en transport à la demande":
        return (
            f"À {km_text(distance)} {where}, en bus ou en transport à la demande : "
            "renseignez-vous sur les horaires."
        ), minutes
    return f"À {km_text(distance)} {where}, environ {minutes} min {means}.", minutes


def _place_step(kind: str, cands: list[_Candidate], query: Query, limit: float) -> Step:
    cand = cands[0]
    place = cand.place
    labels = " ; ".join(str(c.need.label).lower() for c in cands)
    needs = [c.need.slug for c in cands]
    if kind == "first":
        head = f"Pour {labels} : {place.name}."
    elif kind == "next":
        head = f"Autre possibilité pour {labels} : {place.name}."
    else:
        head = (
            f"Rien à moins de {km_text(limit)} ne répond à « {labels} » "
            f"(limite pour une personne {MOBILITY_LABEL[query.mobility]}) : "
            f"le plus proche est {place.name}."
        )
    dist_text, minutes = distance_text(cand.distance, query, place.commune)
    when, nxt = _when_text(cand, query)
    parts = [head, dist_text]
    if when:
        parts.append(when)
    if query.mobility == "reduced":
        parts.append(
            {
                "yes": "Accessible en fauteuil roulant.",
                "limited": "Accessibilité partielle.",
                "no": "Non accessible en fauteuil roulant.",
            }.get(place.wheelchair, "Accessibilité non renseignée.")
        )
    if any(c.for_age for c in cands):
        parts.append("Un accueil prévu pour les personnes de votre âge.")
    return Step(
        kind=kind,
        place_id=place.id,
        name=place.name,
        needs=needs,
        reason=" ".join(parts),
        distance_km=round(cand.distance, 2),
        travel_minutes=minutes,
        within_reach=cand.within_reach,
        open_when_free=cand.open_when_free,
        next_opening=nxt,
        place_type=place.type,
        commune=place.commune_name,
        url=place.url,
        in_home_commune=bool(query.home_commune) and place.commune == query.home_commune,
    )


# --------------------------------------------------------------------------- the engine


def orient(query: Query, places: Iterable[PlaceData], events: Iterable[EventData] = ()) -> Journey:
    """The journey for ``query`` through ``places`` (and ``events``, when a provider gives some)."""
    query.check()
    needs = [NEEDS_BY_SLUG[s] for s in dict.fromkeys(query.needs)]
    limit = REACH_KM[query.mobility]
    places = list(places)
    fixed = [p for p in places if not p.is_mobile]
    mobile = [p for p in places if p.is_mobile]
    journey = Journey(query)

    # Candidates per need, then how many needs each place answers.
    per_need: dict[str, list[_Candidate]] = {}
    answers: dict[int, int] = {}
    for need in needs:
        cands = [c for p in fixed if (c := _candidate(p, need, query, limit)) is not None]
        per_need[need.slug] = cands
        for c in cands:
            answers[c.place.id] = answers.get(c.place.id, 0) + 1
    for cands in per_need.values():
        for c in cands:
            c.needs_answered = answers[c.place.id]
        cands.sort(key=_Candidate.key)

    # Mobile units stopping within reach of home.
    mobile_steps: list[Step] = []
    mobile_answers: set[str] = set()
    for unit in mobile:
        step = _mobile_step(unit, needs, query, limit)
        if step is not None:
            mobile_steps.append(step)
            mobile_answers.update(step.needs)
    mobile_steps.sort(key=lambda s: (s.open_when_free is False, s.distance_km, s.name))
    soon_steps: list[Step] = []
    if query.mobility != "car" and query.free_at is not None:
        # Without a car, a mobile unit coming near home within the week comes first.
        horizon = hours._aware(query.free_at) + dt.timedelta(days=MOBILE_SOON_DAYS)
        soon_steps = sorted(
            (s for s in mobile_steps if s.start is not None and s.start < horizon),
            key=lambda s: (s.start, s.distance_km, s.name),
        )
        mobile_steps = [s for s in mobile_steps if s not in soon_steps]

    firsts: dict[int, list[_Candidate]] = {}
    nexts: dict[int, list[_Candidate]] = {}
    beyond: dict[int, list[_Candidate]] = {}
    for need in needs:
        cands = per_need[need.slug]
        reachable = [c for c in cands if c.within_reach]
        if reachable:
            firsts.setdefault(reachable[0].place.id, []).append(reachable[0])
            if len(reachable) > 1:
                nexts.setdefault(reachable[1].place.id, []).append(reachable[1])
        elif need.slug in mobile_answers:
            continue  # a mobile unit stopping near home answers it
        elif cands:
            beyond.setdefault(cands[0].place.id, []).append(cands[0])
        else:
            journey.unanswered.append(need.slug)

    def ordered(groups: dict[int, list[_Candidate]]) -> list[list[_Candidate]]:
        return sorted(groups.values(), key=lambda cs: min(c.key() for c in cs))

    first_steps = [_place_step("first", cs, query, limit) for cs in ordered(firsts)]
    taken = {s.place_id for s in first_steps}
    onward_steps = _onward_steps(firsts, places, query, limit, taken)
    next_steps = [
        _place_step("next", cs, query, limit)
        for cs in ordered(nexts)
        if cs[0].place.id not in taken
    ]
    beyond_steps = [_place_step("beyond", cs, query, limit) for cs in ordered(beyond)]
    event_steps = _event_steps(events, needs, query, limit)

    if query.mobility == "car":
        steps = first_steps + onward_steps + next_steps + mobile_steps + event_steps
    else:
        steps = soon_steps + first_steps + mobile_steps + onward_steps + next_steps + event_steps
    journey.steps = steps + beyond_steps
    if beyond_steps:
        journey.notes.append(
            f"Certains besoins n'ont pas de réponse à moins de {km_text(limit)} de chez vous : "
            "le lieu le plus proche est indiqué, au-delà de cette distance."
        )
    for slug in journey.unanswered:
        journey.notes.append(
            f"Aucun lieu du réseau ne répond encore à « {str(NEEDS_BY_SLUG[slug].label).lower()} »."
        )
    return journey


def _mobile_step(unit: PlaceData, needs: Sequence[Need], query: Query, limit: float):
    answered = [
        n.slug
        for n in needs
        if any(o.function in n.functions and _allowed(o, query.age_group) for o in unit.offers)
    ]
    if not answered:
        return None
    best = None
    for stop in unit.stops:
        d = haversine_km(query.home[0], query.home[1], stop.lat, stop.lon)
        if d > min(limit, MOBILE_NEAR_KM):
            continue
        is_open = None
        nxt = None
        passage = None
        if query.free_at is not None:
            there = _stop_record(unit, stop)
            state = network.state_at(there, query.free_at)
            is_open = None if state == network.UNKNOWN else state == network.OPEN
            if not is_open:
                nxt = network.next_opening(there, query.free_at, horizon_days=NEXT_OPENING_DAYS)
            passage = _passage(there, query.free_at)
        key = (is_open is False, nxt is None and is_open is not True, d, stop.spot)
        if best is None or key < best[0]:
            best = (key, stop, d, is_open, nxt, passage)
    if best is None:
        return None
    _key, stop, d, is_open, nxt, passage = best
    where = f"{stop.commune_name} ({stop.spot})" if stop.spot else stop.commune_name
    labels = " ; ".join(str(NEEDS_BY_SLUG[s].label).lower() for s in answered)
    dist_text, minutes = distance_text(d, query, stop.commune)
    parts = [
        f"{unit.name} vient près de chez vous, pour {labels} : arrêt à {where}.",
        dist_text,
    ]
    if query.free_at is not None:
        if is_open:
            parts.append(f"Il est là quand vous êtes libre ({moment_text(query.free_at)}).")
        elif passage is not None and passage[0] == nxt:
            parts.append(f"Prochain passage {passage_text(*passage)}.")
        elif nxt is not None:
            parts.append(f"Prochain passage {moment_text(nxt)}.")
        else:
            parts.append("Jours de passage à vérifier.")
    return Step(
        kind="mobile",
        place_id=unit.id,
        name=unit.name,
        needs=answered,
        reason=" ".join(parts),
        distance_km=round(d, 2),
        travel_minutes=minutes,
        within_reach=True,
        open_when_free=is_open,
        next_opening=nxt,
        place_type=unit.type,
        commune=stop.commune_name,
        url=unit.url,
        stop=where,
        start=passage[0] if passage else None,
        end=passage[1] if passage else None,
        in_home_commune=bool(query.home_commune) and stop.commune == query.home_commune,
    )


def _passage(there: network.PlaceRec, free_at: dt.datetime):
    """The passage of a mobile unit at a stop that holds ``free_at`` or follows it
    (within :data:`NEXT_OPENING_DAYS`): (start, end), whole (not cut at ``free_at``)."""
    free_at = hours._aware(free_at)
    day = dt.datetime.combine(free_at.astimezone(hours.PARIS).date(), dt.time(), hours.PARIS)
    horizon = free_at + dt.timedelta(days=NEXT_OPENING_DAYS)
    found = [v for v in network.visits(there, day, horizon) if v.end > free_at]
    return (found[0].start, found[0].end) if found else None


def passage_text(start: dt.datetime, end: dt.datetime) -> str:
    """« jeudi 26 novembre, 14 h – 17 h »."""
    start, end = start.astimezone(hours.PARIS), end.astimezone(hours.PARIS)
    return f"{display.day_label(start.date())}, {display.interval_label(start, end)}"


def _onward_steps(firsts, places, query: Query, limit: float, taken: set) -> list[Step]:
    steps: list[Step] = []
    for cands in firsts.values():
        for cand in cands:
            need = cand.need
            if cand.place.type in PUBLIC_TYPES or not need.onward_types:
                continue
            targets = []
            for p in places:
                if p.is_mobile or p.id == cand.place.id or p.id in taken:
                    continue
                if p.type not in need.onward_types or p.lat is None or p.lon is None:
                    continue
                if not any(
                    o.function in need.onward_functions and _allowed(o, query.age_group)
                    for o in p.offers
                ):
                    continue
                d = haversine_km(query.home[0], query.home[1], p.lat, p.lon)
                c = _candidate(p, need, query, limit)
                fit = c.fit if c else 0
                targets.append((d > limit, -fit, d, p.name, p.id, p, d))
            targets.sort(key=lambda t: t[:5])
            reachable = [t for t in targets if not t[0]]
            chosen = (reachable or targets[:1])[:MAX_ONWARD]
            for *_k, p, d in chosen:
                taken.add(p.id)
                dist_text, minutes = distance_text(d, query, p.commune)
                c = _candidate(p, need, query, limit)
                open_when_free = c.open_when_free if c else None
                parts = [
                    f"{cand.place.name} n'est pas un service public : pour "
                    f"{str(need.label).lower()}, on peut vous y orienter vers {p.name}.",
                    dist_text,
                ]
                nxt = None
                if c is not None:
                    when, nxt = _when_text(c, query)
                    if when:
                        parts.append(when)
                if d > limit:
                    parts.append(
                        f"C'est au-delà de {km_text(limit)}, mais rien de plus proche "
                        "ne peut prendre le relais."
                    )
                steps.append(
                    Step(
                        kind="onward",
                        place_id=p.id,
                        name=p.name,
                        needs=[need.slug],
                        reason=" ".join(parts),
                        distance_km=round(d, 2),
                        travel_minutes=minutes,
                        within_reach=d <= limit,
                        open_when_free=open_when_free,
                        next_opening=nxt,
                        place_type=p.type,
                        commune=p.commune_name,
                        url=p.url,
                        sent_from=cand.place.id,
                        in_home_commune=bool(query.home_commune)
                        and p.commune == query.home_commune,
                    )
                )
    return steps


def _event_steps(events, needs: Sequence[Need], query: Query, limit: float) -> list[Step]:
    start = hours._aware(query.free_at) if query.free_at else None
    steps = []
    for ev in events:
        answered = [
            n.slug
            for n in needs
            if n.slug in ev.needs or any(f in n.functions for f in ev.functions)
        ]
        if not answered:
            continue
        if start is not None and not (
            ev.end > start and ev.start < start + dt.timedelta(days=EVENT_HORIZON_DAYS)
        ):
            continue
        d = haversine_km(query.home[0], query.home[1], ev.lat, ev.lon)
        if d > limit:
            continue
        dist_text, minutes = distance_text(d, query)
        where = f" à {ev.place_name}" if ev.place_name else ""
        steps.append(
            Step(
                kind="event",
                place_id=ev.place_id,
                name=ev.title,
                needs=answered,
                reason=f"Un rendez-vous{where} le {moment_text(ev.start)} : {ev.title}. {dist_text}",
                distance_km=round(d, 2),
                travel_minutes=minutes,
                within_reach=True,
                open_when_free=None,
                url=ev.url,
                event_id=ev.id,
                start=ev.start,
                end=ev.end,
            )
        )
    steps.sort(key=lambda s: (s.start, s.distance_km, s.name))
    return steps
