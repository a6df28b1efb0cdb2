"""The demo: Lozère's real open data plus the places the workshop report names.

``load_demo()`` (the ``maillage load-demo`` command, run by ``make demo-setup``
and by tests) is idempotent: it imports the communes and France Services of
the territory (``settings.MAILLAGE_DEPARTEMENTS``, and Lozère, whose places
the demo describes) from the open-data source, then creates or updates the
places, closures, notices, stops and accounts of ``places/data/demo.json``.
Run twice, it changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import clock
from maillage.territory.importers import CommuneImport, import_communes

from .importers.france_services import FranceServicesImport, import_france_services
from .models import CharterItem, Closure, MobileStop, Network, Notice, Place
from .services import ensure_network, set_functions
from .taxonomy import sync_taxonomy

DATA_FILE = Path(__file__).parent / "data" / "demo.json"
SOURCE = "demo"
DEMO_DEPARTEMENT = "48"
EXAMPLE_MARK = "(exemple)"
PLACE_FIELDS = {
    "name": "",
    "type": "",
    "summary": "",
    "description": "",
    "people": "",
    "communities": "",
    "operator": "",
    "address": "",
    "postal_code": "",
    "latitude": None,
    "longitude": None,
    "is_mobile": False,
    "email": "",
    "phone": "",
    "website": "",
    "opening_hours": "",
    "hours_note": "",
    "appointment_only": False,
    "wheelchair": "",
    "accessibility_note": "",
    "fee": "",
    "fee_note": "",
}


@dataclass
class DemoReport:
    communes: CommuneImport | None = None
    france_services: FranceServicesImport | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: (username, password, what the account is for)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = []
        if self.communes:
            lines += self.communes.summary()[:1]
        if self.france_services:
            lines += self.france_services.summary()[:1]
        lines.append(
            _(
                "Lieux de démonstration : %(created)s créés, %(updated)s mis à jour, %(unchanged)s inchangés."
            )
            % {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
            }
        )
        lines.append(_("Comptes de démonstration (identifiant / mot de passe) :"))
        lines += [f"  {u} / {p}  ({what})" for u, p, what in self.logins]
        return lines


def load_data(path: Path = DATA_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_demo(
    *, today: dt.date | None = None, with_open_data: bool = True, progress: bool | None = False
) -> DemoReport:
    """Load (or refresh) the demo. ``today`` anchors the dates of closures and notices."""
    today = today or timezone.localdate()
    report = DemoReport()
    sync_taxonomy()
    data = load_data()
    for network in data["networks"]:
        ensure_network(**network)
    if with_open_data:
        departements = list(dict.fromkeys([*settings.MAILLAGE_DEPARTEMENTS, DEMO_DEPARTEMENT]))
        report.communes = import_communes(departements, progress=progress)
        report.france_services = import_france_services(
            departements=departements, progress=progress
        )
    with transaction.atomic():
        places = {}
        for spec in data["places"]:
            place, status = _upsert_place(spec, today)
            getattr(report, status).append(spec["slug"])
            places[spec["slug"]] = place
        for account in data["users"]:
            report.logins.append(_upsert_user(account, places))
    return report


def _upsert_place(spec: dict, today: dt.date) -> tuple[Place, str]:
    values = {name: spec.get(name, default) for name, default in PLACE_FIELDS.items()}
    values["commune_id"] = spec["commune"]
    values["is_example"] = True
    values["status"] = Place.Status.PUBLISHED
    if not values["postal_code"]:
        from maillage.territory.models import Commune

        values["postal_code"] = Commune.objects.get(code=spec["commune"]).main_postal_code
    place = Place.objects.filter(source=SOURCE, source_id=spec["slug"]).first()
    if place is None:
        slug = spec["slug"]
        if Place.objects.filter(slug=slug).exists():  # taken by a real place: keep both
            slug = f"{slug}-exemple"
        place = Place.objects.create(source=SOURCE, source_id=spec["slug"], slug=slug, **values)
        status = "created"
    else:
        changed = [name for name, value in values.items() if getattr(place, name) != value]
        if changed:
            for name in changed:
                setattr(place, name, values[name])
            place.save()
        status = "updated" if changed else "unchanged"
    before = _related_state(place)
    _sync_relations(place, spec, today)
    if status == "unchanged" and _related_state(place) != before:
        status = "updated"
    return place, status


def _related_state(place: Place):
    return (
        sorted(place.networks.values_list("slug", flat=True)),
        sorted(place.charter_items.values_list("slug", flat=True)),
        sorted(
            place.place_functions.values_list(
                "function__slug", "opening_hours", "conditions", "fee"
            )
        ),
        sorted(place.closures.values_list("start_date", "end_date", "reason")),
        sorted(place.notices.values_list("starts_on", "ends_on", "message")),
        sorted(
            place.stops.values_list(
                "commune_id", "spot", "opening_hours", "latitude", "longitude", "note"
            )
        ),
    )


def _sync_relations(place: Place, spec: dict, today: dt.date) -> None:
    _set_m2m(place.networks, Network.objects.filter(slug__in=spec.get("networks", [])))
    _set_m2m(place.charter_items, CharterItem.objects.filter(slug__in=spec.get("charter", [])))
    set_functions(place, spec.get("functions", []))
    _sync_rows(
        place.closures,
        "reason",
        {
            c["reason"]: {
                "start_date": today + dt.timedelta(days=c["starts_in_days"]),
                "end_date": today + dt.timedelta(days=c["starts_in_days"] + c["days"] - 1),
            }
            for c in spec.get("closures", [])
        },
        lambda key, values: Closure(place=place, reason=key, **values),
    )
    _sync_rows(
        place.notices,
        "message",
        {
            n["message"]: {
                "starts_on": today + dt.timedelta(days=n["starts_in_days"]),
                "ends_on": today + dt.timedelta(days=n["starts_in_days"] + n["days"] - 1),
            }
            for n in spec.get("notices", [])
        },
        lambda key, values: Notice(place=place, message=key, **values),
    )
    _sync_rows(
        place.stops,
        "spot",
        {
            s["spot"]: {
                "commune_id": s["commune"],
                "latitude": s.get("latitude"),
                "longitude": s.get("longitude"),
                "opening_hours": s["opening_hours"],
                "note": s.get("note", ""),
            }
            for s in spec.get("stops", [])
        },
        lambda key, values: MobileStop(place=place, spot=key, **values),
    )


def _set_m2m(manager, wanted) -> None:
    wanted = set(wanted)
    current = set(manager.all())
    if current != wanted:
        manager.set(wanted)


def _sync_rows(manager, key_field: str, wanted: dict, build) -> None:
    """Make the related rows exactly ``wanted`` (key -> values); save only what differs."""
    for row in manager.all():
        key = getattr(row, key_field)
        if key not in wanted:
            row.delete()
            continue
        values = wanted.pop(key)
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    for key, values in wanted.items():
        build(key, values).save()


def _upsert_user(account: dict, places: dict[str, Place]) -> tuple[str, str, str]:
    user_model = get_user_model()
    user = user_model.objects.filter(username=account["username"]).first()
    if user is None:
        user = user_model(username=account["username"])
    wanted = {
        "email": account["email"],
        "role": account["role"],
        "display_name": account["display_name"],
        "is_active": True,
    }
    changed = user.pk is None or any(getattr(user, k) != v for k, v in wanted.items())
    for name, value in wanted.items():
        setattr(user, name, value)
    if hasattr(user, "email_confirmed_at") and user.email_confirmed_at is None:
        user.email_confirmed_at, changed = clock.now(), True
    if not user.check_password(account["password"]):
        user.set_password(account["password"])
        changed = True
    if changed:
        user.save()
    for slug in account["hosts"]:
        places[slug].hosts.add(user)
    hosted = ", ".join(places[s].name for s in account["hosts"])
    role = user.get_role_display()
    if hosted:
        role = _("%(role)s ; hôte de %(places)s") % {"role": role, "places": hosted}
    return account["username"], account["password"], str(role)
