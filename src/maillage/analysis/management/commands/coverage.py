"""maillage coverage: how much of the population lives near a place, commune by commune."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from maillage.analysis import output
from maillage.analysis.services import analyse

from ._common import add_query_arguments, progress, query_from_options, write


class Command(BaseCommand):
    # read-only: no system checks at start-up (a third of a second saved on every run)
    requires_system_checks: list[str] = []
    help = (
        "La couverture du territoire : part de la population et des communes à moins de "
        "chaque seuil d'un lieu (qui propose une fonction, ouvert un jour donné), le lieu le "
        "plus proche de chaque commune, le bassin de chaque lieu et les communes mal "
        "desservies, les plus peuplées d'abord."
    )

    def add_arguments(self, parser):
        add_query_arguments(parser)
        parser.add_argument(
            "--format",
            choices=("table", "csv", "geojson"),
            default="table",
            help="table : tableaux lisibles (défaut) ; csv : une ligne par commune ; "
            "geojson : les communes et leurs chiffres",
        )
        parser.add_argument("--out", metavar="FICHIER", help="écrire dans ce fichier")
        parser.add_argument(
            "--limit",
            type=int,
            default=200,
            metavar="N",
            help="format table : au plus N lignes par tableau (0 : toutes ; défaut 200)",
        )

    def handle(self, *args, **options):
        query = query_from_options(options)
        if options["limit"] < 0:
            raise CommandError("--limit : un nombre positif ou 0 est attendu.")
        fmt = options["format"]
        with progress(self, options, 4) as bar:
            a = analyse(query, progress=bar)
            if not len(a.territory):
                raise CommandError(
                    "aucune commune de ce territoire dans la base : importez-les d'abord "
                    "(maillage import-communes --dept …)."
                )
            bar.step("Mise en forme…")
            if fmt == "csv":
                text = output.coverage_csv(a)
            elif fmt == "geojson":
                text = output.coverage_geojson(a)
            else:
                text = output.coverage_text(a, options["limit"])
        write(self, text, options["out"])
