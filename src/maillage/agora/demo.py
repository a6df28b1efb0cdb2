"""Example ideas at the demo places (``maillage load-demo-agora``, after ``load-demo``
and ``load-demo-events``).

Idempotent: an idea is found again by its title among the examples and updated.
Every idea is marked as an example (``is_example`` and « (Idée d'exemple.) » in
its text). Ideas from the seed document's spirit: a repair café, a summer school
« de la bidouille », a peasant shop, a bus stop closer to the France Services.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.core import clock
from maillage.events.models import Occurrence
from maillage.places.models import Function, Place
from maillage.territory.models import Commune

from .models import Idea, Status, Step

EXAMPLE = "(Idée d'exemple.)"

# title, place slug (or None), commune code (or None), theme, text, status, paper signature
IDEAS = [
    (
        "Un repair café un samedi par mois",
        "l-atelier",
        None,
        "events-training",
        "Réparer ensemble grille-pain, vélos et ordinateurs plutôt que jeter ; "
        "des bénévoles bricoleurs sont prêts à donner un coup de main.",
        Status.DISCUSSED,
        "",
    ),
    (
        "Une « summer school » de la bidouille",
        "polen",
        None,
        "fablab",
        "Une semaine l'été pour apprendre à bidouiller : électronique, impression 3D, "
        "couture, pour les jeunes et les moins jeunes.",
        Status.PROPOSED,
        "",
    ),
    (
        "Une boutique paysanne au café",
        "nouvelle-dimension",
        None,
        "pooling",
        "Un coin où les fermes d'à côté déposent leurs produits, ouvert aux heures du café.",
        Status.ADOPTED,
        "Marie-Louise",
    ),
    (
        "Rapprocher l'arrêt de bus de la France Services",
        None,
        "48095",
        "public-service-orientation",
        "L'arrêt est à dix minutes à pied en montée : difficile pour les personnes âgées "
        "qui viennent faire leurs démarches.",
        Status.PROPOSED,
        "",
    ),
    (
        "Un banc devant le café",
        "l-atelier",
        None,
        "welcome",
        "Pour attendre le bus à l'abri, et se dire bonjour.",
        Status.PROPOSED,
        "Gérard",
    ),
    (
        "Une carte commune des covoiturages vers les lieux",
        None,
        None,
        "welcome",
        "Pour venir aux événements sans voiture : une carte des trajets proposés entre lieux.",
        Status.PROPOSED,
        "",
    ),
]


def _place(slug):
    return Place.objects.filter(slug=slug).first() or Place.objects.filter(source_id=slug).first()


def load_demo_agora() -> list[Idea]:
    author = get_user_model().objects.filter(username="hote", is_active=True).first()
    ideas = []
    with transaction.atomic():
        for title, place_slug, commune_code, theme, text, status, signature in IDEAS:
            place = _place(place_slug) if place_slug else None
            if place_slug and place is None:
                continue
            commune = Commune.objects.filter(code=commune_code).first() if commune_code else None
            if commune_code and commune is None:
                continue
            on_paper = bool(signature) or author is None
            if on_paper and place is None:
                place = _place("l-atelier")  # a paper idea is handed in at a place
                if place is None:
                    continue
                commune = None
            occurrence = None
            if status == Status.DISCUSSED and place is not None:
                occurrence = (
                    Occurrence.objects.active()
                    .upcoming()
                    .filter(event__place=place)
                    .order_by("start")
                    .first()
                )
                if occurrence is None:
                    status = Status.PROPOSED
            fields = {
                "text": f"{text} {EXAMPLE}",
                "place": place,
                "commune": commune,
                "theme": Function.objects.filter(slug=theme).first(),
                "author": None if on_paper else author,
                "on_paper": on_paper,
                "paper_signature": signature,
                "status": status,
                "occurrence": occurrence,
                "is_example": True,
            }
            idea = Idea.objects.filter(title=title, is_example=True).first()
            if idea is None:
                idea = Idea.objects.create(title=title, **fields)
            else:
                changed = False
                for name, value in fields.items():
                    if getattr(idea, name) != value:
                        setattr(idea, name, value)
                        changed = True
                if changed:
                    idea.status_changed_at = clock.now()
                    idea.save()
            if not idea.steps.filter(status=Status.PROPOSED).exists():
                Step.objects.create(idea=idea, status=Status.PROPOSED, at=idea.created_at)
            if status != Status.PROPOSED and not idea.steps.filter(status=status).exists():
                Step.objects.create(
                    idea=idea,
                    status=status,
                    occurrence=occurrence,
                    reason="" if status != Status.ADOPTED else "Adoptée en réunion du lieu.",
                )
            ideas.append(idea)
    return ideas
