"""Orientation as the API and the wizard ask for it: parameters in, journey out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.db import transaction

from maillage.core import clock
from maillage.core.params import in_bounds
from maillage.places import hours
from maillage.territory.geo import commune_at
from maillage.territory.models import Commune

from . import engine, snapshot
from .engine import Journey, OrientationError, Query
from .needs import NEEDS_BY_SLUG, needs_for

MAX_NEEDS = 8
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def _one(params: Mapping, name: str) -> str | None:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [v for v in values if v is not None]
    if len(values) > 1:
        raise OrientationError(name, "une seule valeur est attendue.")
    value = values[0].strip() if values else None
    if value is not None and ("\x00" in value or len(value) > 200):
        raise OrientationError(name, "valeur trop longue ou invalide.")
    return value or None


def parse_query(params: Mapping) -> tuple[Query, Commune | None]:
    """A :class:`Query` from ``needs`` and/or ``words`` (what the person needs, in their
    own words: :func:`maillage.journeys.needs.needs_for`), ``commune`` or ``near``,
    ``mobility``, ``free_at`` and ``age_group``; raises :class:`OrientationError` naming
    the bad parameter."""
    raw_needs, text = _one(params, "needs"), _one(params, "words")
    if not raw_needs and not text:
        raise OrientationError(
            "needs", "au moins un besoin est attendu (needs=admin-help,... ou words=imprimante)."
        )
    needs = [n.strip() for n in (raw_needs or "").split(",") if n.strip()]
    for slug in needs:
        if slug not in NEEDS_BY_SLUG:
            raise OrientationError("needs", f"besoin inconnu : « {slug[:40]} ».")
    if text:
        from_words = needs_for(text)
        if not from_words and not needs:
            raise OrientationError("words", f"aucun besoin reconnu dans « {text[:40]} ».")
        needs = list(dict.fromkeys([*needs, *from_words]))
    if len(needs) > MAX_NEEDS:
        raise OrientationError("needs", f"au plus {MAX_NEEDS} besoins.")
    code, near = _one(params, "commune"), _one(params, "near")
    if code and near:
        raise OrientationError("near", "commune et near s'excluent.")
    commune = None
    if code:
        if not _INSEE.match(code.upper()):
            raise OrientationError("commune", f"un code INSEE est attendu, pas « {code[:20]} ».")
        commune = Commune.objects.filter(code=code.upper()).first()
        if commune is None or commune.centroid_lat is None:
            raise OrientationError("commune", f"commune inconnue : « {code[:20]} ».")
        home = (commune.centroid_lat, commune.centroid_lon)
    elif near:
        try:
            lat, lon = (float(x) for x in near.split(","))
        except ValueError:
            raise OrientationError("near", "near=LATITUDE,LONGITUDE est attendu.") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
            raise OrientationError("near", "latitude et longitude hors limites.")
        home = (lat, lon)
    else:
        raise OrientationError("commune", "commune (code INSEE) ou near (lat,lon) est attendu.")
    mobility = _one(params, "mobility") or "car"
    if mobility not in engine.MOBILITIES:
        raise OrientationError("mobility", "car, no-car ou reduced est attendu.")
    age_group = _one(params, "age_group")
    if age_group is not None and age_group not in engine.AGE_GROUPS:
        raise OrientationError("age_group", "young, adult ou senior est attendu.")
    free_at = None
    raw = _one(params, "free_at")
    if raw:
        try:
            free_at = dt.datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
        except ValueError:
            raise OrientationError(
                "free_at", "une date et heure ISO est attendue (2026-12-01T14:30)."
            ) from None
        if not in_bounds(free_at):
            raise OrientationError("free_at", "free_at doit tomber entre 1970 et 2200.")
        free_at = hours._aware(free_at)
    query = Query(
        tuple(needs),
        home,
        mobility,
        free_at,
        age_group,
        home_label=commune.name if commune else "",
        home_commune=commune.code if commune else "",
    )
    return query, commune


def orientation(query: Query) -> Journey:
    """The journey through the published places (and the events providers give)."""
    events = []
    if query.free_at is not None:
        events = snapshot.load_events(
            query.free_at, query.free_at + dt.timedelta(days=engine.EVENT_HORIZON_DAYS)
        )
    return engine.orient(query, snapshot.load_places(), events)


def home_commune(query: Query) -> Commune | None:
    return commune_at(*query.home)


# --------------------------------------------------------------------------- referrals


class InvalidAction(Exception):
    """A write refused: the message says why, in French."""


def _hosts_or_coordinates(user, place) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_coordinator or place.hosts.filter(pk=user.pk).exists())
    )


@transaction.atomic
def send_referral(
    from_place, to_place, need: str, *, by, consent: bool, person_name: str = "", note: str = ""
):
    """A host of ``from_place`` sends a person on to ``to_place`` for ``need``, with the
    person's consent. The receiving hosts are told by e-mail (without the person's name)."""

    from maillage.core import mail

    from .models import Referral

    if not consent:
        raise InvalidAction("La personne doit avoir donné son accord pour être orientée.")
    if not _hosts_or_coordinates(by, from_place):
        raise InvalidAction("Seuls les hôtes du lieu peuvent orienter depuis ce lieu.")
    if from_place.pk == to_place.pk:
        raise InvalidAction("On oriente vers un autre lieu.")
    if need not in NEEDS_BY_SLUG:
        raise InvalidAction("Besoin inconnu.")
    referral = Referral.objects.create(
        from_place=from_place,
        to_place=to_place,
        need=need,
        consent_at=clock.now(),
        person_name=person_name.strip()[:60],
        note=note.strip()[:500],
        sent_by=by,
    )
    mail.enqueue(
        [u.email for u in to_place.hosts.filter(is_active=True)],
        "journeys/email/referral",
        {"referral": referral, "need": NEEDS_BY_SLUG[need].label},
    )
    return referral


def mark_followed_up(referral, *, by):
    """The receiving host marks the referral followed up; the person's name and the
    note are erased then (only the counts remain)."""

    from .models import Referral

    if not _hosts_or_coordinates(by, referral.to_place):
        raise InvalidAction("Seuls les hôtes du lieu qui reçoit peuvent marquer le suivi.")
    if referral.status == Referral.Status.FOLLOWED_UP:
        return referral
    referral.status = Referral.Status.FOLLOWED_UP
    referral.followed_up_at = clock.now()
    referral.followed_up_by = by
    referral.person_name = ""
    referral.note = ""
    referral.save()
    return referral


def referral_flows(since=None) -> list[dict]:
    """How places orient people to each other: counts only, no personal data."""
    from django.db.models import Count, Q

    from .models import Referral

    rows = Referral.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    flows = (
        rows.values("from_place_id", "from_place__name", "to_place_id", "to_place__name", "need")
        .annotate(count=Count("id"), followed_up=Count("id", filter=Q(status="followed-up")))
        .order_by("-count", "from_place__name", "to_place__name", "need")
    )
    return [
        {
            "from_place": {"id": f["from_place_id"], "name": f["from_place__name"]},
            "to_place": {"id": f["to_place_id"], "name": f["to_place__name"]},
            "need": f["need"],
            "count": f["count"],
            "followed_up": f["followed_up"],
        }
        for f in flows
    ]


# --------------------------------------------------------------------------- mutual help

MAX_SKILLS = 20
MAX_PENDING_REQUESTS_PER_DAY = 10


def _skills(values) -> list[str]:
    seen: dict[str, str] = {}
    for value in values or ():
        text = " ".join(str(value).split())[:60]
        if text:
            seen.setdefault(text.casefold(), text)
    return list(seen.values())[:MAX_SKILLS]


def save_help_profile(user, **values):
    """Create or update ``user``'s profile (opt-in is explicit: ``opted_in=True``)."""
    from .models import HelpProfile

    profile, _created = HelpProfile.objects.get_or_create(user=user)
    places = values.pop("places", None)
    for name in ("skills_offered", "skills_sought"):
        if name in values:
            values[name] = _skills(values[name])
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    if places is not None:
        profile.places.set(places)
    return profile


def hide_help_profile(user) -> None:
    from .models import HelpProfile

    HelpProfile.objects.filter(user=user).update(visibility=HelpProfile.Visibility.HIDDEN)


def delete_help_profile(user) -> None:
    """Delete the profile and every contact request sent or received by its owner."""
    from .models import ContactRequest, HelpProfile

    ContactRequest.objects.filter(sender=user).delete()
    ContactRequest.objects.filter(recipient=user).delete()
    HelpProfile.objects.filter(user=user).delete()


def visible_profiles():
    from .models import HelpProfile

    return (
        HelpProfile.objects.filter(opted_in=True, user__is_active=True)
        .exclude(visibility=HelpProfile.Visibility.HIDDEN)
        .select_related("user", "commune")
    )


def suggestions(user, limit: int = 10) -> list[tuple[object, list[str], str]]:
    """People to meet: whose offered skills match what ``user`` seeks (or who seek what
    ``user`` offers), near each other or at the same places. Only visible profiles, and
    only for a user who opted in themselves. (profile, matching skills, why) triples."""
    from .models import HelpProfile

    mine = HelpProfile.objects.filter(user=user, opted_in=True).first()
    if mine is None:
        return []
    sought = {s.casefold() for s in mine.skills_sought}
    offered = {s.casefold() for s in mine.skills_offered}
    my_places = set(mine.places.values_list("id", flat=True))
    found = []
    for other in visible_profiles().exclude(user=user).prefetch_related("places"):
        gives = [s for s in other.skills_offered if s.casefold() in sought]
        wants = [s for s in other.skills_sought if s.casefold() in offered]
        if mine.peer_learning and other.peer_learning:
            common = [s for s in other.skills_sought if s.casefold() in sought]
        else:
            common = []
        if not (gives or wants or common):
            continue
        shared_places = my_places & {p.id for p in other.places.all()}
        distance = None
        if mine.commune and other.commune and mine.commune.centroid_lat is not None:
            distance = engine.haversine_km(
                mine.commune.centroid_lat,
                mine.commune.centroid_lon,
                other.commune.centroid_lat,
                other.commune.centroid_lon,
            )
        why = []
        if gives:
            why.append("propose " + ", ".join(gives))
        if wants:
            why.append("cherche " + ", ".join(wants))
        if common:
            why.append("veut apprendre comme vous : " + ", ".join(common))
        if shared_places:
            why.append("fréquente les mêmes lieux que vous")
        elif distance is not None:
            why.append(f"à {engine.km_text(distance)} de chez vous")
        key = (
            not shared_places,
            distance if distance is not None else 1e9,
            -(len(gives) + len(wants) + len(common)),
            other.pk,
        )
        found.append((key, other, gives + wants + common, " ; ".join(why)))
    found.sort(key=lambda t: t[0])
    return [(other, skills, why) for _k, other, skills, why in found[:limit]]


@transaction.atomic
def request_contact(sender, recipient, message: str):
    """Relay a contact request (no e-mail address is shown to either person yet)."""
    import datetime as dt_

    from maillage.core import mail

    from .models import ContactRequest, HelpProfile

    me = HelpProfile.objects.filter(user=sender, opted_in=True).first()
    if me is None:
        raise InvalidAction("Participez d'abord à l'entraide (votre profil) pour contacter.")
    target = HelpProfile.objects.filter(user=recipient).first()
    if sender.pk == recipient.pk or target is None or not target.is_visible:
        raise InvalidAction("Cette personne n'est pas joignable.")
    message = message.strip()
    if not message:
        raise InvalidAction("Écrivez un petit message.")
    limit = ContactRequest._meta.get_field("message").max_length
    if len(message) > limit:
        raise InvalidAction(
            f"Votre message fait {len(message)} caractères : au plus {limit}, raccourcissez-le."
        )
    since = clock.now() - dt_.timedelta(days=1)
    if (
        ContactRequest.objects.filter(sender=sender, created_at__gte=since).count()
        >= MAX_PENDING_REQUESTS_PER_DAY
    ):
        raise InvalidAction("Trop de demandes aujourd'hui : réessayez demain.")
    if ContactRequest.objects.filter(
        sender=sender, recipient=recipient, status=ContactRequest.Status.PENDING
    ).exists():
        raise InvalidAction("Une demande attend déjà sa réponse.")
    request = ContactRequest.objects.create(sender=sender, recipient=recipient, message=message)
    mail.enqueue([recipient.email], "journeys/email/contact_request", {"request": request})
    return request


@transaction.atomic
def answer_contact(request, *, by, accept: bool):
    """The recipient accepts (both e-mails are then revealed to each other) or declines."""

    from maillage.core import mail

    from .models import ContactRequest

    if by.pk != request.recipient_id:
        raise InvalidAction("Seule la personne contactée répond.")
    if request.status != ContactRequest.Status.PENDING:
        raise InvalidAction("Cette demande a déjà reçu une réponse.")
    request.status = ContactRequest.Status.ACCEPTED if accept else ContactRequest.Status.DECLINED
    request.answered_at = clock.now()
    request.save(update_fields=["status", "answered_at"])
    if accept:
        mail.enqueue(
            [request.sender.email], "journeys/email/contact_accepted", {"request": request}
        )
    return request


def contact_email(request, viewer) -> str | None:
    """The other person's e-mail as ``viewer`` may see it: only once accepted."""
    from .models import ContactRequest

    if request.status != ContactRequest.Status.ACCEPTED:
        return None
    if viewer.pk == request.sender_id:
        return request.recipient.email
    if viewer.pk == request.recipient_id:
        return request.sender.email
    return None
