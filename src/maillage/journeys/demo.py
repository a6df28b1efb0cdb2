"""Demo places the journeys need beyond ``places/data/demo.json`` (invented,
marked « exemple »): the youth information service of Mende, a calm connected
desk by the Gorges du Tarn, a visio room in Mende. ``load_demo_journeys()``
(the ``maillage load-demo-journeys`` command) is idempotent; run it after
``maillage load-demo`` (it needs the communes and the taxonomy).
"""

from __future__ import annotations

from django.db import transaction

from maillage.places.models import Place
from maillage.places.services import set_functions
from maillage.territory.models import Commune

SOURCE = "demo-journeys"

PLACES = [
    {
        "slug": "information-jeunesse-mende",
        "name": "Information Jeunesse de Mende (exemple)",
        "type": "youth-service",
        "commune": "48095",
        "latitude": 44.5179,
        "longitude": 3.4990,
        "opening_hours": "Mo-Fr 13:30-18:00; We 10:00-18:00; PH off",
        "wheelchair": "yes",
        "fee": "free",
        "summary": "Information sur les études, les métiers, les jobs et la vie quotidienne, pour les 13-30 ans.",
        "functions": [
            {"function": "resource-place", "audiences": ["young", "students"]},
            {"function": "public-service-orientation", "audiences": ["young", "students"]},
            {"function": "welcome", "audiences": ["young"]},
            "digital-access",
        ],
    },
    {
        "slug": "bureau-calme-des-gorges",
        "name": "Le bureau des Gorges (exemple)",
        "type": "tiers-lieu",
        "commune": "48146",
        "latitude": 44.3668,
        "longitude": 3.4098,
        "opening_hours": "Mo-Sa 08:30-19:00; Jul-Aug Su 09:00-13:00",
        "wheelchair": "limited",
        "fee": "paid",
        "summary": "Des bureaux calmes avec la fibre, au bord du Tarn, à la journée ou à la semaine.",
        "functions": [
            {"function": "workspaces", "audiences": ["tourists", "teleworkers", "independents"]},
            "digital-access",
            "meeting-rooms",
            "events-training",
        ],
    },
    {
        "slug": "salle-visio-mende",
        "name": "Salle de visioconférence de Mende (exemple)",
        "type": "public-service",
        "commune": "48095",
        "latitude": 44.5190,
        "longitude": 3.5008,
        "opening_hours": "Mo-Fr 08:00-20:00; Sa 09:00-12:00; PH off",
        "wheelchair": "yes",
        "fee": "mixed",
        "summary": "Une salle équipée pour la visioconférence, à réserver à l'heure.",
        "functions": [
            {"function": "meeting-rooms", "conditions": "Sur réservation."},
            "digital-access",
        ],
    },
]

FIELDS = ("name", "type", "latitude", "longitude", "opening_hours", "wheelchair", "fee", "summary")


def load_demo_journeys() -> dict[str, list[str]]:
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for spec in PLACES:
            commune = Commune.objects.get(code=spec["commune"])
            values = {name: spec[name] for name in FIELDS}
            values.update(
                commune=commune,
                postal_code=commune.main_postal_code,
                is_example=True,
                status=Place.Status.PUBLISHED,
            )
            place = Place.objects.filter(source=SOURCE, source_id=spec["slug"]).first()
            if place is None:
                slug = spec["slug"]
                if Place.objects.filter(slug=slug).exists():
                    slug = f"{slug}-exemple"
                place = Place.objects.create(
                    source=SOURCE, source_id=spec["slug"], slug=slug, **values
                )
                status = "created"
            else:
                changed = [k for k, v in values.items() if getattr(place, k) != v]
                for k in changed:
                    setattr(place, k, values[k])
                if changed:
                    place.save()
                status = "updated" if changed else "unchanged"
            set_functions(place, spec["functions"])
            report[status].append(spec["slug"])
    return report
