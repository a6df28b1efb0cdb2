"""maillage import-communes: communes, populations, postal codes and boundaries."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core.progress import Progress
from maillage.opendata import DataError, DownloadError
from maillage.territory.importers import import_communes


class Command(BaseCommand):
    help = (
        "Importe les communes (nom, population, codes postaux, contour) des départements "
        "indiqués, depuis les données ouvertes (MAILLAGE_OPEN_DATA, sinon geo.api.gouv.fr) "
        "ou depuis les sources indiquées. Une nouvelle importation met à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dept",
            action="append",
            dest="departements",
            metavar="CODE",
            help="code de département, à répéter (défaut : MAILLAGE_DEPARTEMENTS, "
            f"actuellement {','.join(settings.MAILLAGE_DEPARTEMENTS)})",
        )
        parser.add_argument(
            "--source",
            action="append",
            dest="sources",
            metavar="FICHIER_OU_URL",
            help="fichier ou URL à lire, à répéter : GeoJSON de geo.api.gouv.fr ou de "
            "france-geojson, liste JSON /communes de geo.api.gouv.fr (défaut : les données ouvertes)",
        )
        parser.add_argument(
            "--refresh", action="store_true", help="télécharger à nouveau les sources"
        )

    def handle(self, *args, departements, sources, refresh, **options):
        loud = options["verbosity"] > 0
        try:
            with Progress(self.stderr if loud else None, 2) as steps:
                report = import_communes(
                    departements or None,
                    sources or None,
                    progress=None if loud else False,
                    refresh=refresh,
                    steps=steps,
                )
        except (DataError, DownloadError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.summary():
            self.stdout.write(line)
