"""What people come for, in plain words, as data.

Each need has a stable slug (used by the API, the wizard and the tests: rename
the French labels freely, never the slugs) and says which functions of the
taxonomy (``maillage.places.taxonomy``) answer it, which kinds of places suit
it best, which kinds of bookable resources of the booking capability answer
it, and, when a private place is a first step, which public services a person
may be sent on to (as Justine, from a bar-tiers-lieu to the CIO).

A person may also say what they need in their own words: :func:`needs_for` reads
them through the search vocabulary (« imprimante », « CAF », « carte grise »: the
words of :mod:`maillage.places.vocabulary`) and names the needs they come to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from maillage.core.french import words
from maillage.places.vocabulary import functions_for

#: place types run by a public body (a person may be sent on to them)
PUBLIC_TYPES = frozenset({"france-services", "youth-service", "public-service", "town-hall"})


@dataclass(frozen=True)
class Need:
    slug: str
    label: object  # lazy French text
    functions: tuple[str, ...]  # any of them answers the need
    preferred_types: tuple[str, ...] = ()  # places of these types suit the need best
    resource_kinds: tuple[str, ...] = ()  # booking capability: kinds of bookable resources
    onward_types: tuple[str, ...] = ()  # public services a private first step sends on to
    onward_functions: tuple[str, ...] = ()  # ... offering one of these functions
    icon: str = "circle-help"


NEEDS: tuple[Need, ...] = (
    Need(
        "admin-help",
        _("Des conseils pour vos démarches administratives ou comptables"),
        ("public-service-orientation", "digital-mediation"),
        preferred_types=("france-services", "public-service", "town-hall"),
        onward_types=("france-services", "public-service"),
        onward_functions=("public-service-orientation",),
        icon="signpost",
    ),
    Need(
        "calm-desk",
        _("Un bureau calme et connecté"),
        ("workspaces",),
        preferred_types=("coworking", "telecentre", "tiers-lieu", "hotel", "co-home"),
        resource_kinds=("desk", "private-office"),
        icon="laptop",
    ),
    Need(
        "visio-room",
        _("Une salle pour une visioconférence"),
        ("meeting-rooms",),
        preferred_types=("coworking", "telecentre", "public-service", "france-services"),
        resource_kinds=("visio-room", "meeting-room"),
        icon="video",
    ),
    Need(
        "meeting-room",
        _("Une salle de réunion"),
        ("meeting-rooms",),
        preferred_types=("coworking", "telecentre", "tiers-lieu"),
        resource_kinds=("meeting-room",),
        icon="presentation",
    ),
    Need(
        "learn-digital-tools",
        _("Apprendre à vous servir des outils numériques"),
        ("digital-mediation",),
        preferred_types=("telecentre", "france-services", "association", "tiers-lieu"),
        onward_types=("france-services",),
        onward_functions=("digital-mediation",),
        icon="monitor-smartphone",
    ),
    Need(
        "internet-access",
        _("Un ordinateur, une imprimante ou une connexion internet"),
        ("digital-access",),
        resource_kinds=("computer", "printer"),
        icon="wifi",
    ),
    Need(
        "meet-local-actors",
        _("Rencontrer les acteurs du territoire"),
        ("professional-network", "citizen-agora", "pooling"),
        preferred_types=("tiers-lieu", "coworking", "telecentre", "public-service"),
        icon="network",
    ),
    Need(
        "sell-local-products",
        _("Trouver des clients, vendre des produits locaux"),
        ("professional-network", "entrepreneurship"),
        preferred_types=("mobile-unit", "tiers-lieu", "public-service"),
        resource_kinds=("market-stall",),
        onward_types=("public-service",),
        onward_functions=("entrepreneurship",),
        icon="shopping-basket",
    ),
    Need(
        "hand-over-business",
        _("Transmettre votre ferme ou votre entreprise"),
        ("business-transfer",),
        preferred_types=("public-service", "france-services"),
        onward_types=("public-service",),
        onward_functions=("business-transfer",),
        icon="handshake",
    ),
    Need(
        "start-business",
        _("Créer ou développer votre activité"),
        ("entrepreneurship",),
        preferred_types=("public-service", "coworking"),
        onward_types=("public-service",),
        onward_functions=("entrepreneurship",),
        icon="rocket",
    ),
    Need(
        "orientation-studies-work",
        _("Vous orienter pour vos études ou votre travail"),
        ("public-service-orientation", "resource-place"),
        preferred_types=("youth-service", "public-service"),
        onward_types=("youth-service", "public-service"),
        onward_functions=("public-service-orientation", "resource-place"),
        icon="compass",
    ),
    Need(
        "time-with-friends",
        _("Un endroit pour passer du temps avec des amis"),
        ("culture", "welcome", "citizen-agora"),
        preferred_types=("cafe", "youth-service", "cultural-venue", "tiers-lieu"),
        icon="coffee",
    ),
    Need(
        "association-space",
        _("Un lieu pour votre association"),
        ("meeting-rooms", "pooling", "citizen-agora"),
        preferred_types=("tiers-lieu", "public-service", "association"),
        resource_kinds=("meeting-room", "hall"),
        icon="users",
    ),
    Need(
        "get-involved",
        _("Vous rendre utile, rejoindre une association, garder le lien"),
        ("pooling", "citizen-agora", "events-training", "welcome"),
        preferred_types=("association", "telecentre", "tiers-lieu"),
        icon="heart-handshake",
    ),
    Need(
        "make-repair",
        _("Fabriquer ou réparer des objets"),
        ("fablab", "recyclery", "hackerspace"),
        preferred_types=("fablab", "association", "tiers-lieu"),
        resource_kinds=("machine", "tool"),
        icon="drill",
    ),
    Need(
        "training",
        _("Vous former"),
        ("events-training",),
        preferred_types=("tiers-lieu", "telecentre", "public-service"),
        resource_kinds=("training-room",),
        icon="graduation-cap",
    ),
    Need(
        "culture",
        _("Des spectacles, du cinéma, des expositions"),
        ("culture",),
        preferred_types=("cultural-venue", "mobile-unit", "cafe"),
        icon="drama",
    ),
    Need(
        "social-support",
        _("Être écouté, accompagné dans une période difficile"),
        ("social-support",),
        preferred_types=("public-service", "youth-service"),
        onward_types=("public-service", "youth-service", "france-services"),
        onward_functions=("social-support", "public-service-orientation"),
        icon="heart-handshake",
    ),
)

NEEDS_BY_SLUG: dict[str, Need] = {n.slug: n for n in NEEDS}
NEED_SLUGS: tuple[str, ...] = tuple(NEEDS_BY_SLUG)


def get_need(slug: str) -> Need:
    return NEEDS_BY_SLUG[slug]


def needs_for(text: str) -> tuple[str, ...]:
    """The needs that the words of ``text`` name, through the search vocabulary:
    « imprimer », « imprimante » → internet-access (its one function, digital-access);
    « CAF », « impôts », « carte grise » → admin-help.

    Each function the words name (:func:`maillage.places.vocabulary.functions_for`)
    brings the need that answers it most closely: the one with the fewest functions
    (« médiation numérique » → learn-digital-tools, not admin-help), then the one whose
    label shares the most words with the text (« salle de réunion » → meeting-room,
    « visio » → visio-room), then the first in :data:`NEEDS`. In the order of :data:`NEEDS`.
    """
    functions = functions_for(text)
    if not functions:
        return ()
    typed = [w for w in words(text) if len(w) >= 3]

    def shared(need: Need) -> int:
        label = words(str(need.label))
        return sum(any(w.startswith(t) for w in label) for t in typed)

    chosen = set()
    for function in functions:
        answering = [n for n in NEEDS if function in n.functions]
        best = min(answering, key=lambda n: (len(n.functions), -shared(n), NEEDS.index(n)))
        chosen.add(best.slug)
    return tuple(n.slug for n in NEEDS if n.slug in chosen)
