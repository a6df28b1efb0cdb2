"""The ten personas of the workshop (seed document, workshop 2) as orientation
queries, for the tests, the bench and the demo. Where the document is silent
(an exact home, the day the person is free), the value is invented and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maillage.places.hours import PARIS

from .engine import Query


@dataclass(frozen=True)
class Persona:
    name: str
    who: str
    commune: str  # INSEE code of home
    query: Query
    outcome: str  # what the document says should happen


def _at(y, m, d, hh, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=PARIS)


PERSONAS: dict[str, Persona] = {
    p.name: p
    for p in [
        Persona(
            "Catherine",
            "45 ans, enseignante à Florac, vit à Mende",
            "48095",
            Query(
                ("visio-room", "meet-local-actors"),
                (44.5200, 3.5020),  # invented: a street of Mende
                "car",
                _at(2026, 12, 2, 17),  # a Wednesday afternoon she does not teach (invented)
                "adult",
            ),
            "Une salle de visioconférence à Mende, près de chez elle.",
        ),
        Persona(
            "Marie-Louise",
            "80 ans, infirmière retraitée, à mobilité réduite, sans voiture",
            "48140",
            Query(
                ("learn-digital-tools", "get-involved"),
                (44.7900, 3.2850),  # invented: a hamlet just outside Saint-Chély-d'Apcher
                "reduced",
                _at(2026, 12, 1, 14, 30),  # a Tuesday afternoon (invented)
                "senior",
            ),
            "Le télécentre de Saint-Chély-d'Apcher et les unités mobiles qui passent près "
            "de chez elle, avant tout lieu hors de sa portée.",
        ),
        Persona(
            "Justine",
            "16 ans, lycéenne à Mende",
            "48095",
            Query(
                ("time-with-friends", "orientation-studies-work"),
                (44.5180, 3.4990),  # invented: near the lycée Chaptal
                "no-car",
                _at(2026, 12, 3, 18, 30),  # a Thursday evening after school (invented)
                "young",
            ),
            "L'Atelier, puis les services d'information et d'orientation des jeunes "
            "(CIO, mission locale, Information Jeunesse).",
        ),
        Persona(
            "Jean",
            "62 ans, éleveur dans l'Aubrac",
            "48165",
            Query(
                ("admin-help", "hand-over-business"),
                (44.5960, 3.2050),  # invented: Saint-Laurent-de-Muret, on the Aubrac's edge
                "car",
                _at(2026, 12, 1, 15),  # a Tuesday afternoon (invented)
                "adult",
            ),
            "La France Services de Marvejols comme lieu ressource.",
        ),
        Persona(
            "Basile",
            "35 ans, restaurateur installé à Villefort",
            "48198",
            Query(
                ("admin-help", "meet-local-actors", "sell-local-products"),
                (44.4390, 3.9310),
                "car",
                _at(2026, 12, 3, 10),  # a Thursday morning, before service (invented)
                "adult",
            ),
            "La France Services de Villefort (Murielle) pour ses démarches et ses premiers "
            "clients ; le tiers-truck pour des dégustations au marché.",
        ),
        Persona(
            "Dan",
            "50 ans, touriste néerlandais dans les gorges du Tarn",
            "48088",
            Query(
                ("calm-desk",),
                (44.3010, 3.3190),  # invented: a campsite at La Malène
                "car",
                _at(2027, 7, 20, 10),  # a summer holiday morning (invented)
                "adult",
            ),
            "Un bureau calme et connecté près des gorges.",
        ),
        Persona(
            "Luc",
            "35 ans, cofondateur d'une entreprise de services numériques à Mende",
            "48095",
            Query(
                ("meeting-room", "meet-local-actors", "start-business"),
                (44.5170, 3.5000),
                "car",
                _at(2026, 12, 1, 10),  # invented
                "adult",
            ),
            "Des salles de réunion (Polen) et un réseau professionnel ; Lozère Développement "
            "pour de nouveaux bureaux.",
        ),
        Persona(
            "Marie",
            "42 ans, potière, vit dans un château",
            "48034",
            Query(
                ("sell-local-products", "culture", "meet-local-actors"),
                (44.4315, 3.2155),  # invented: the château-gîte near La Canourgue
                "car",
                _at(2026, 12, 5, 15),  # a Saturday (invented)
                "adult",
            ),
            "Des événements et des projets culturels où montrer et vendre ses poteries.",
        ),
        Persona(
            "Gérard",
            "60 ans, président d'une communauté de communes",
            "48080",
            Query(
                ("meet-local-actors", "admin-help"),
                (44.7270, 3.8550),  # invented: Langogne
                "car",
                _at(2026, 12, 1, 10),  # invented
                "adult",
            ),
            "La France Services explique les besoins des habitants ; les tiers-lieux privés "
            "à côté d'elle.",
        ),
        Persona(
            "Roald",
            "28 ans, designer indépendant, près de Marvejols",
            "48092",
            Query(
                ("meet-local-actors", "visio-room", "make-repair"),
                (44.5600, 3.2800),  # invented: just outside Marvejols
                "car",
                _at(2026, 12, 2, 11),  # invented
                "adult",
            ),
            "Un réseau de lieux aux compétences complémentaires, des salles pour les "
            "réunions et la visio, un lieu pour fabriquer.",
        ),
    ]
}
