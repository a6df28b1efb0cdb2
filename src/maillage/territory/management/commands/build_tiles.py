"""maillage build-tiles: the territory's base map (communes) as one PMTiles archive."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.territory.models import Commune
from maillage.territory.tiles import MAX_ZOOM, MIN_ZOOM, build_territory_archive


class Command(BaseCommand):
    help = (
        "Construit le fond de carte du territoire (contours et noms des communes, contour du "
        "département) en tuiles vectorielles, dans une seule archive PMTiles servie par Maillage "
        "(défaut : MAILLAGE_TERRITORY_TILES_PATH). Importez d'abord les communes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, metavar="FICHIER")
        parser.add_argument("--min-zoom", type=int, default=MIN_ZOOM)
        parser.add_argument("--max-zoom", type=int, default=MAX_ZOOM)

    def handle(self, *args, output, min_zoom, max_zoom, **options):
        if not 0 <= min_zoom <= max_zoom <= 16:
            raise CommandError("--min-zoom et --max-zoom : 0 ≤ min ≤ max ≤ 16.")
        path = Path(output or settings.MAILLAGE_TERRITORY_TILES_PATH)
        communes = Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS)
        started = time.perf_counter()
        try:
            count = build_territory_archive(
                path, communes, min_zoom, max_zoom, name=settings.MAILLAGE_NETWORK_NAME
            )
        except ValueError as exc:
            raise CommandError(
                "Aucune commune avec un contour : lancez d'abord « maillage import-communes »."
            ) from exc
        self.stdout.write(
            f"{count} tuiles (zooms {min_zoom}–{max_zoom}) dans {path} "
            f"({path.stat().st_size // 1024} Ko, {time.perf_counter() - started:.1f} s)"
        )
