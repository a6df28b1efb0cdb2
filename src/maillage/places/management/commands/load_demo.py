"""maillage load-demo: Lozère's real open data plus the demo places and accounts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from maillage.opendata import DataError, DownloadError
from maillage.places.demo import load_demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration : communes et France Services de la Lozère depuis les données "
        "ouvertes (MAILLAGE_OPEN_DATA, sinon téléchargement), puis les lieux cités par l'atelier "
        "Softplace (détails inventés marqués « exemple ») et deux comptes de démonstration. "
        "Peut être relancée sans rien dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-open-data",
            action="store_true",
            help="ne pas (ré)importer communes et France Services (déjà importées)",
        )

    def handle(self, *args, no_open_data, **options):
        try:
            report = load_demo(
                with_open_data=not no_open_data,
                progress=None if options["verbosity"] > 0 else False,
            )
        except (DataError, DownloadError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.summary():
            self.stdout.write(line)
