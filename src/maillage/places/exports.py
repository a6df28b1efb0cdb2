"""Open data out: a place as the API lists it, GeoJSON, CSV, data·inclusion v1 and
« lieux de médiation numérique » v1.0.2.

Every export takes places as :func:`maillage.places.search.search_places`
returns them (functions, closures, networks, stops and commune prefetched), so
the API's ``/api/places.geojson?function=...`` and ``maillage export`` share the
filters of the directory. The schemas' rules and vocabularies are data in
:mod:`maillage.places.opendata_schemas`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from maillage.core import clock, csvsafe, french, phones

from . import hours, network
from . import opendata_schemas as S
from .models import (
    Place,
    PlaceType,
)
from .search import PlaceHit

UrlFor = Callable[[Place], str]
COORDINATE_DECIMALS = 6  # ~0.1 m: RFC 7946 §11.2 advises no more


def url_builder(base: str = "") -> UrlFor:
    """A fast ``place (or its slug) → URL of its web page`` (``base`` makes it absolute)."""
    marker = "__slug__"
    template = base.rstrip("/") + reverse("web:place", kwargs={"slug": marker})
    head, tail = template.split(marker)
    return lambda place: f"{head}{place if isinstance(place, str) else place.slug}{tail}"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def function_brief(place_function) -> dict:
    function = place_function.function
    return {
        "slug": function.slug,
        "name": function.name,
        "family": function.family.slug,
        "icon": function.icon,
    }


def open_now_value(state: str) -> bool | None:
    """The API's ``open_now``/``available_now``: true, false, or null when unknown."""
    return None if state == network.UNKNOWN else state == network.OPEN


def summary_of(rec: network.PlaceRec) -> dict:
    """What a summary says that depends on the data alone (not on the time, the
    distance or the host), from the read model: no query."""
    return {
        "id": rec.id,
        "slug": rec.slug,
        "name": rec.name,
        "type": rec.type,
        "summary": rec.summary,
        "address": rec.address,
        "postal_code": rec.postal_code,
        "commune": {"code": rec.commune, "name": rec.commune_name} if rec.commune else None,
        "latitude": rec.lat,
        "longitude": rec.lon,
        "is_mobile": rec.is_mobile,
        "functions": [
            {"slug": o.slug, "name": o.name, "family": o.family, "icon": o.icon} for o in rec.offers
        ],
        "opening_hours": rec.hours,
        "open_now": None,
        "wheelchair": rec.wheelchair,
        "fee": rec.fee,
        "networks": [{"slug": slug, "name": name} for slug, name in rec.networks],
        "website": rec.website,
        "email": rec.email,
        "phone": rec.phone,
        "url": "",
        "last_checked_at": _iso(rec.last_checked_at),
        "is_example": rec.is_example,
        "distance_km": None,
    }


def place_summary(
    place: Place, *, distance_km: float | None = None, now: dt.datetime, url_for: UrlFor
) -> dict:
    """A place as ``/api/places/`` lists it (the same keys as PlaceListSerializer)."""
    rec = network.record_for(place.pk)
    out = summary_of(rec)
    out["open_now"] = open_now_value(network.state_at(rec, now))
    out["url"] = url_for(place)
    out["distance_km"] = None if distance_km is None else round(distance_km, 3)
    return out


def summaries(
    ids: list[int],
    distances: list[float | None],
    *,
    now: dt.datetime,
    url_for: UrlFor,
) -> list[dict]:
    """:func:`place_summary` of many places at once, from the read model: what
    ``/api/places/`` answers (summaries are kept with the model, dropped with it)."""
    if not ids:
        return []
    net = network.current()
    cache = net.summaries
    out = []
    for place_id, distance in zip(ids, distances, strict=True):
        rec = net.get(place_id)
        if rec is None:
            rec = network.record_for(place_id)
            if rec is None:  # deleted meanwhile
                continue
            static = summary_of(rec)
        else:
            static = cache.get(place_id)
            if static is None:
                static = cache[place_id] = summary_of(rec)
        summary = dict(static)
        summary["open_now"] = open_now_value(network.state_at(rec, now))
        summary["url"] = url_for(summary["slug"])
        summary["distance_km"] = None if distance is None else round(distance, 3)
        out.append(summary)
    return out


# --------------------------------------------------------------------------- GeoJSON, CSV


def _export_properties(hit: PlaceHit, now: dt.datetime, url_for: UrlFor) -> dict:
    props = place_summary(hit.place, distance_km=hit.distance_km, now=now, url_for=url_for)
    own = {pf.function.slug: pf.opening_hours for pf in hit.place.place_functions.all()}
    for item in props["functions"]:
        item["opening_hours"] = own.get(item["slug"], "")  # "": the place's hours
    props["hours_note"] = hit.place.hours_note
    props["appointment_only"] = hit.place.appointment_only
    return props


def geojson_feature(hit: PlaceHit, now: dt.datetime, url_for: UrlFor) -> dict:
    props = _export_properties(hit, now, url_for)
    lat, lon = props.pop("latitude"), props.pop("longitude")
    geometry = None
    if lat is not None and lon is not None:
        geometry = {
            "type": "Point",
            "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)],
        }
    return {"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props}


def iter_geojson(
    hits: Iterable[PlaceHit], *, now: dt.datetime | None = None, url_for: UrlFor | None = None
) -> Iterator[str]:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84, [longitude, latitude], no
    ``crs``), in pieces, so that a large export is never one huge string."""
    now = now or clock.now()
    url_for = url_for or url_builder()
    yield '{"type":"FeatureCollection","features":['
    first = True
    for hit in hits:
        piece = json.dumps(
            geojson_feature(hit, now, url_for), ensure_ascii=False, separators=(",", ":")
        )
        yield piece if first else "," + piece
        first = False
    yield "]}"


CSV_COLUMNS = (
    "id",
    "slug",
    "name",
    "type",
    "summary",
    "address",
    "postal_code",
    "commune_code",
    "commune_name",
    "latitude",
    "longitude",
    "is_mobile",
    "functions",
    "families",
    "opening_hours",
    "functions_opening_hours",
    "hours_note",
    "appointment_only",
    "open_now",
    "wheelchair",
    "fee",
    "networks",
    "website",
    "email",
    "phone",
    "url",
    "last_checked_at",
    "is_example",
    "distance_km",
)
CSV_LIST_SEPARATOR = "|"


def csv_row(hit: PlaceHit, now: dt.datetime, url_for: UrlFor) -> dict:
    p = _export_properties(hit, now, url_for)
    commune = p.pop("commune") or {}
    functions = p.pop("functions")
    return {
        **{k: v for k, v in p.items() if k in CSV_COLUMNS},
        "commune_code": commune.get("code", ""),
        "commune_name": commune.get("name", ""),
        "functions": CSV_LIST_SEPARATOR.join(f["slug"] for f in functions),
        "families": CSV_LIST_SEPARATOR.join(dict.fromkeys(f["family"] for f in functions)),
        "functions_opening_hours": CSV_LIST_SEPARATOR.join(
            f"{f['slug']}: {f['opening_hours']}" for f in functions if f["opening_hours"]
        ),
        "networks": CSV_LIST_SEPARATOR.join(n["slug"] for n in p["networks"]),
        "latitude": "" if p["latitude"] is None else round(p["latitude"], COORDINATE_DECIMALS),
        "longitude": "" if p["longitude"] is None else round(p["longitude"], COORDINATE_DECIMALS),
        "distance_km": "" if p["distance_km"] is None else p["distance_km"],
        "last_checked_at": p["last_checked_at"] or "",
    }


def iter_csv(
    hits: Iterable[PlaceHit], *, now: dt.datetime | None = None, url_for: UrlFor | None = None
) -> Iterator[str]:
    """CSV (UTF-8, comma, header line; lists joined by ``|``), in pieces."""
    now = now or clock.now()
    url_for = url_for or url_builder()
    buffer = io.StringIO()
    writer = csvsafe.dict_writer(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for hit in hits:
        writer.writerow(csv_row(hit, now, url_for))
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --------------------------------------------------------------------------- shared helpers


def default_source() -> str:
    return slugify(f"maillage {settings.MAILLAGE_NETWORK_NAME}")


def date_maj(place: Place) -> str:
    """The day the record last changed or was checked, in Paris."""
    moments = [m for m in (place.updated_at, place.last_checked_at) if m]
    latest = max(moments) if moments else clock.now()
    return timezone.localtime(latest, hours.PARIS).date().isoformat()


def e164(place: Place) -> str | None:
    """The place's phone number in E.164, read in its département's numbering region
    (an overseas France Services' ``02 62 …`` is ``+262 262 …``), None when it is not one."""
    commune = place.commune
    departement = commune.departement if commune else None
    return phones.e164(place.phone, departement)


def _postal_code(place: Place) -> str:
    if re.fullmatch(r"\d{5}", place.postal_code or ""):
        return place.postal_code
    if place.commune and place.commune.postal_codes:
        return place.commune.main_postal_code
    return ""


def _type_label(place: Place) -> str:
    return str(PlaceType(place.type).label) if place.type in PlaceType.values else place.type


def _fit(text: str, low: int, high: int, padding: Iterable[str]) -> str:
    """``text`` made at least ``low`` characters long (adding ``padding`` sentences)
    and at most ``high`` (cut at a word, with an ellipsis)."""
    text = " ".join(text.split())
    for sentence in padding:
        if len(text) >= low:
            break
        text = f"{text} {sentence}".strip()
    if len(text) > high:
        text = text[: high - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def _nom(name: str, place: Place) -> str:
    low, high = S.DI_NOM_LENGTH
    name = " ".join(name.split()).rstrip(".").strip()
    if len(name) < low and place.commune:
        name = f"{name} – {place.commune.name}"
    if len(name) > high:
        name = name[: high - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    return name


def _padding(place: Place) -> list[str]:
    where = f" {french.at_name(place.commune.name)}" if place.commune else ""
    functions = ", ".join(pf.function.name.lower() for pf in place.place_functions.all())
    network = settings.MAILLAGE_NETWORK_NAME
    return [
        f"{place.name} : {_type_label(place).lower()}{where}.",
        f"On y trouve : {functions}." if functions else "",
        f"Fiche du réseau {network}, publiée avec Maillage.",
        "Horaires, accès et contacts sur la fiche du lieu.",
    ]


def _valid_hours(expression: str) -> str | None:
    try:
        hours.validate(expression)
    except hours.InvalidOpeningHours:
        return None
    return expression or None


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], ())}


# --------------------------------------------------------------------------- data·inclusion v1


def _di_services_of(place: Place) -> list:
    return [
        pf for pf in place.place_functions.all() if S.FUNCTION_VOCABULARIES[pf.function.slug][0]
    ]


def _di_reseaux(place: Place) -> list[str]:
    found = [S.NETWORK_TO_DI_RESEAU.get(n.slug) for n in place.networks.all()]
    found.append(S.TYPE_TO_DI_RESEAU.get(place.type))
    return sorted({r for r in found if r})


def di_structure(place: Place, source: str) -> dict:
    low, high = S.DI_DESCRIPTION_LENGTH
    description = _fit(
        " ".join(t for t in (place.summary, place.description) if t), low, high, _padding(place)
    )
    commune = place.commune
    return _drop_empty(
        {
            "source": source,
            "id": f"{source}--{place.pk}",
            "nom": _nom(place.name, place),
            "description": description,
            "date_maj": date_maj(place),
            "commune": commune.name if commune else None,
            "code_postal": _postal_code(place) or None,
            "code_insee": commune.code if commune else None,
            "adresse": place.address,
            "longitude": place.longitude,
            "latitude": place.latitude,
            "telephone": e164(place) or place.phone,
            "courriel": place.email,
            "site_web": place.website,
            "horaires_accueil": _valid_hours(place.opening_hours),
            "reseaux_porteurs": _di_reseaux(place),
        }
    )


def di_service(place: Place, place_function, source: str) -> dict:
    function = place_function.function
    thematiques, service_type, _mednum = S.FUNCTION_VOCABULARIES[function.slug]
    low, high = S.DI_DESCRIPTION_LENGTH
    where = f" {french.at_name(place.commune.name)}" if place.commune else ""
    conditions = place_function.conditions.strip()
    if conditions and not conditions.endswith((".", "!", "?")):
        conditions += "."
    description = _fit(
        " ".join(
            t
            for t in (str(function.description), conditions, f"Proposé par {place.name}{where}.")
            if t
        ),
        low,
        high,
        _padding(place),
    )
    fee = place_function.fee or place.fee
    publics = sorted(
        {
            S.AUDIENCE_TO_DI_PUBLIC[a]
            for a in place_function.audiences
            if a in S.AUDIENCE_TO_DI_PUBLIC
        }
    )
    commune = place.commune
    return _drop_empty(
        {
            "source": source,
            "structure_id": f"{source}--{place.pk}",
            "id": f"{source}--{place.pk}--{function.slug}",
            "nom": _nom(str(function.name), place),
            "description": description,
            "date_maj": date_maj(place),
            "type": service_type,
            "thematiques": list(thematiques),
            "frais": S.FEE_TO_DI_FRAIS.get(fee),
            "frais_precisions": place.fee_note,
            "publics": publics,
            "conditions_acces": place_function.conditions,
            "commune": commune.name if commune else None,
            "code_postal": _postal_code(place) or None,
            "code_insee": commune.code if commune else None,
            "adresse": place.address,
            "longitude": place.longitude,
            "latitude": place.latitude,
            "telephone": e164(place) or place.phone,
            "courriel": place.email,
            "modes_accueil": ["en-presentiel"],
            "horaires_accueil": _valid_hours(place_function.opening_hours or place.opening_hours),
        }
    )


def data_inclusion_structures(places: Iterable[Place], source: str | None = None) -> list[dict]:
    """Structures: the places offering at least one service data·inclusion knows."""
    source = source or default_source()
    return [di_structure(p, source) for p in places if _di_services_of(p)]


def data_inclusion_services(places: Iterable[Place], source: str | None = None) -> list[dict]:
    """Services: one per function of a place that maps to data·inclusion thématiques."""
    source = source or default_source()
    return [di_service(p, pf, source) for p in places for pf in _di_services_of(p)]


# --------------------------------------------------------------------------- médiation numérique 1.0.2


def offers_digital_mediation(place: Place) -> bool:
    return any(pf.function.slug in S.MEDNUM_FUNCTIONS for pf in place.place_functions.all())


def _mednum_address(place: Place) -> str:
    if place.address:
        return place.address
    if place.is_mobile:  # a mobile unit: where it is based, else its first stop
        for stop in place.stops.all():
            if stop.spot:
                return stop.spot
    return ""


def _joined(values: Iterable[str]) -> str:
    return S.MEDNUM_LIST_SEPARATOR.join(dict.fromkeys(v for v in values if v))


def mednum_lieu(place: Place, source: str | None = None) -> dict:
    functions = list(place.place_functions.all())
    services = [s for pf in functions for s in S.FUNCTION_VOCABULARIES[pf.function.slug][2]]
    network_slugs = {n.slug for n in place.networks.all()}
    typologies = [S.TYPE_TO_MEDNUM_TYPOLOGIE.get(place.type, "Autre")]
    is_france_services = place.type == "france-services" or "france-services" in network_slugs
    if is_france_services:
        typologies.insert(0, "RFS")
    digital = [pf for pf in functions if pf.function.slug in S.MEDNUM_FUNCTIONS]
    publics = [
        S.AUDIENCE_TO_MEDNUM_PUBLIC[a]
        for pf in digital
        for a in pf.audiences
        if a in S.AUDIENCE_TO_MEDNUM_PUBLIC
    ]
    access = ["Se présenter"] if not place.appointment_only else []
    if e164(place):
        access.append("Téléphoner")
    if place.email:
        access.append("Contacter par mail")
    commune = place.commune
    code_insee = (
        commune.code if commune and S.MEDNUM_PATTERNS["code_insee"].match(commune.code) else None
    )
    resume = place.summary
    if len(resume) > S.MEDNUM_RESUME_MAX:
        resume = resume[: S.MEDNUM_RESUME_MAX - 1].rsplit(" ", 1)[0] + "…"
    return _drop_empty(
        {
            "id": f"{default_source()}-{place.pk}",
            "pivot": S.MEDNUM_NO_PIVOT,
            "nom": " ".join(place.name.split()),
            "commune": commune.name if commune else "",
            "code_postal": _postal_code(place),
            "code_insee": code_insee,
            "adresse": _mednum_address(place),
            "latitude": place.latitude,
            "longitude": place.longitude,
            "typologie": _joined(typologies),
            "telephone": e164(place),
            "courriels": place.email,
            "site_web": place.website,
            "horaires": _valid_hours(place.opening_hours),
            "presentation_resume": resume,
            "presentation_detail": place.description,
            "source": source or settings.MAILLAGE_NETWORK_NAME,
            "itinerance": "Itinérant" if place.is_mobile else "Fixe",
            "structure_parente": place.operator,
            "date_maj": date_maj(place),
            "services": _joined(services),
            "publics_specifiquement_adresses": _joined(publics),
            "frais_a_charge": _joined(S.FEE_TO_MEDNUM_FRAIS.get(place.fee, ())),
            "dispositif_programmes_nationaux": "France Services" if is_france_services else "",
            "modalites_acces": _joined(access),
        }
    )


def mednum_lieux(
    places: Iterable[Place], source: str | None = None
) -> tuple[list[dict], list[tuple[Place, str]]]:
    """The « lieux de médiation numérique » among ``places`` (those offering digital
    mediation or digital access), and the ones left out because a required
    field is missing, with the reason."""
    rows, skipped = [], []
    for place in places:
        if not offers_digital_mediation(place):
            continue
        row = mednum_lieu(place, source)
        missing = [f for f in S.MEDNUM_REQUIRED if not row.get(f)]
        if missing:
            skipped.append((place, "champ obligatoire manquant : " + ", ".join(missing)))
        else:
            rows.append(row)
    return rows, skipped


def iter_mednum_csv(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csvsafe.dict_writer(buffer, S.MEDNUM_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    yield buffer.getvalue()
