"""maillage report: the report for elected officials (map and tables), PDF and PNG."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.analysis import report, services

from ._common import add_query_arguments, progress, query_from_options


class Command(BaseCommand):
    # read-only: no system checks at start-up (a third of a second saved on every run)
    requires_system_checks: list[str] = []
    help = (
        "Le rapport pour les élus : une carte des communes colorées selon la distance au lieu "
        "le plus proche, la couverture à 5, 10, 20 et 30 km, les communes mal desservies, le "
        "bassin de chaque lieu et une recommandation. En PDF ; en PNG avec --png ou un "
        "fichier .png."
    )

    def add_arguments(self, parser):
        add_query_arguments(parser)
        parser.add_argument(
            "--out",
            required=True,
            metavar="FICHIER.pdf|.png",
            help="le rapport : .pdf, ou .png (une image par page : x.png, x-2.png…)",
        )
        parser.add_argument(
            "--png", action="store_true", help="avec un .pdf : aussi une image PNG par page"
        )
        parser.add_argument(
            "--add",
            type=int,
            default=3,
            metavar="N",
            help="nombre de sites recommandés (défaut 3 ; 0 : pas de recommandation)",
        )
        parser.add_argument("--dpi", type=int, default=110, help="résolution des PNG (défaut 110)")
        parser.add_argument("--html", metavar="FICHIER", help="écrire aussi le HTML")

    def handle(self, *args, **options):
        query = query_from_options(options)
        out = Path(options["out"])
        if out.suffix.lower() not in (".pdf", ".png"):
            raise CommandError("--out : un fichier .pdf ou .png est attendu.")
        if not 0 <= options["add"] <= 50:
            raise CommandError("--add : entre 0 et 50.")
        if not 30 <= options["dpi"] <= 600:
            raise CommandError("--dpi : entre 30 et 600.")
        pdf_only = out.suffix.lower() == ".pdf" and not options["png"]
        steps = 3 + (3 if options["add"] else 0) + 1 + (1 if pdf_only else 2)
        with progress(self, options, steps) as bar:
            rep = report.build_report(
                query,
                add=options["add"],
                time_limit=services.COMMAND_TIME_LIMIT,
                progress=bar,
            )
            if not len(rep.analysis.territory):
                raise CommandError("aucune commune de ce territoire dans la base.")
            if options["html"]:
                Path(options["html"]).write_text(rep.html, encoding="utf-8")
            if out.suffix.lower() == ".pdf":
                bar.step("Écriture du PDF…")
                report.write_pdf(rep, out)
                self.stdout.write(f"Rapport : {out}")
                if options["png"]:
                    bar.step("Images PNG…")
                    for page in report.pdf_to_png(out, out.with_suffix(".png"), options["dpi"]):
                        self.stdout.write(f"Page : {page}")
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    bar.step("Écriture du PDF…")
                    pdf = report.write_pdf(rep, Path(tmp) / "rapport.pdf")
                    bar.step("Images PNG…")
                    for page in report.pdf_to_png(pdf, out, options["dpi"]):
                        self.stdout.write(f"Page : {page}")
