"""maillage import-france-services: the ANCT's list of France Services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.opendata import DataError, DownloadError
from maillage.places.importers.france_services import import_france_services


class Command(BaseCommand):
    help = (
        "Importe la liste des France Services publiée par l'ANCT sur data.gouv.fr (CSV tel que "
        "publié). Sans SOURCE : les données ouvertes (MAILLAGE_OPEN_DATA, sinon le "
        "téléchargement). Tout ou rien : une ligne fautive arrête l'importation en nommant "
        "fichier, ligne et champ. Une nouvelle importation met à jour sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            metavar="FICHIER|URL",
            help="le CSV à lire (défaut : les données ouvertes)",
        )
        parser.add_argument(
            "--dept",
            action="append",
            dest="departements",
            metavar="CODE",
            help="département à importer, à répéter (défaut : le territoire, MAILLAGE_DEPARTEMENTS, "
            f"actuellement {','.join(settings.MAILLAGE_DEPARTEMENTS)})",
        )
        parser.add_argument(
            "--all-france",
            action="store_true",
            help="importer toute la France (au lieu du seul territoire)",
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            metavar="AAAA-MM-JJ",
            help="date des données (défaut : celle du nom du fichier)",
        )
        parser.add_argument(
            "--refresh", action="store_true", help="télécharger à nouveau la source"
        )

    def handle(self, *args, source, departements, all_france, as_of, refresh, **options):
        if all_france and departements:
            raise CommandError("--all-france et --dept s'excluent : choisissez l'un ou l'autre.")
        # The territory by default, as every other command; all of France when asked.
        scope = None if all_france else (departements or list(settings.MAILLAGE_DEPARTEMENTS))
        try:
            report = import_france_services(
                source,
                scope,
                as_of=as_of,
                refresh=refresh,
                progress=None if options["verbosity"] > 0 else False,
            )
        except (DataError, DownloadError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.summary(verbose=options["verbosity"] > 1):
            self.stdout.write(line)
