"""maillage fetch-open-data: build a local open-data folder from the official sources."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.opendata import DownloadError
from maillage.opendata.reference import fetch_reference_data


class Command(BaseCommand):
    help = (
        "Télécharge une fois, depuis leurs sources officielles, les données ouvertes de référence "
        "(France Services, communes et contours de toute la France, populations, standard de la "
        "médiation numérique) dans un dossier organisé comme MAILLAGE_OPEN_DATA."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--into",
            default=str(Path(settings.DATA_DIR) / "open-data-reference"),
            metavar="DOSSIER",
            help="dossier à remplir (défaut : %(default)s)",
        )
        parser.add_argument(
            "--mirror",
            default="",
            metavar="URL",
            help="lire chaque fichier depuis URL/<nom du fichier> (un miroir organisé pareil)",
        )
        parser.add_argument(
            "--dept",
            action="append",
            dest="departements",
            metavar="CODE",
            help="ne prendre les contours que de ces départements (défaut : toute la France)",
        )

    def handle(self, *args, into, mirror, departements, **options):
        quiet = options["verbosity"] == 0
        try:
            folder = fetch_reference_data(
                Path(into),
                mirror=mirror,
                departements=departements,
                progress=False if quiet else None,
                say=(lambda line: None) if quiet else self.stderr.write,
            )
        except DownloadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"MAILLAGE_OPEN_DATA={folder.resolve()}")
