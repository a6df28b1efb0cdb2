"""The arguments the analysis commands share (territory, places, travel, thresholds)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from maillage.analysis import params
from maillage.analysis.params import ParameterError
from maillage.analysis.services import Query, make_query
from maillage.core.progress import SILENT, Progress


def add_query_arguments(parser, *, thresholds_help: str | None = None) -> None:
    parser.add_argument(
        "--dept",
        action="append",
        dest="departements",
        metavar="CODE",
        help="code de département, à répéter ou séparer par des virgules "
        f"(défaut : MAILLAGE_DEPARTEMENTS, actuellement {','.join(settings.MAILLAGE_DEPARTEMENTS)})",
    )
    parser.add_argument(
        "--all", action="store_true", help="toutes les communes de la base (toute la France)"
    )
    parser.add_argument(
        "--function",
        metavar="FONCTION",
        help="les lieux qui proposent cette fonction (ou l'une de f1,f2) : "
        + ", ".join(params.FUNCTION_SLUGS),
    )
    parser.add_argument(
        "--family",
        metavar="FAMILLE",
        help="les lieux qui proposent une fonction de cette famille : "
        + ", ".join(params.FAMILY_FUNCTIONS),
    )
    parser.add_argument(
        "--type",
        action="append",
        dest="types",
        metavar="TYPE",
        help="les lieux de ce type (à répéter), par exemple france-services",
    )
    parser.add_argument(
        "--threshold",
        action="append",
        dest="thresholds",
        metavar="SEUIL",
        help=thresholds_help
        or "seuil, à répéter : 10km, 20min (défaut : 5, 10, 20 et 30 km ; 10, 20 et 30 min)",
    )
    parser.add_argument(
        "--target",
        metavar="SEUIL",
        help="au-delà, une commune est mal desservie (défaut : 10 km ou 20 min s'il est "
        "parmi les seuils, sinon le premier)",
    )
    parser.add_argument(
        "--date",
        metavar="AAAA-MM-JJ",
        help="ne compter que les lieux ouverts ce jour-là (horaires, saisons, fermetures ; "
        "une unité mobile le jour de ses arrêts)",
    )
    parser.add_argument(
        "--travel",
        choices=params.TRAVEL_CHOICES,
        help="straight : km à vol d'oiseau (défaut) ; mountain, rural, periurban, urban : "
        "minutes estimées (détour et vitesse du milieu)",
    )
    parser.add_argument(
        "--od-matrix",
        metavar="FICHIER.csv",
        help="temps de trajet réels : CSV origin,destination,minutes (code INSEE de la "
        "commune ; identifiant du lieu : son slug, ou slug@code_commune pour un arrêt)",
    )


def query_from_options(options) -> Query:
    try:
        deps = params.departements(options.get("departements"))
        if options.get("all"):
            if deps:
                raise ParameterError("--all", "--all et --dept s'excluent.")
            departements = None
        else:
            departements = deps or list(settings.MAILLAGE_DEPARTEMENTS)
        od = options.get("od_matrix")
        return make_query(
            departements=departements,
            function=options.get("function"),
            family=options.get("family"),
            types=options.get("types"),
            thresholds=options.get("thresholds"),
            target=options.get("target"),
            on=options.get("date"),
            travel=options.get("travel"),
            od_matrix=str(Path(od)) if od else None,
        )
    except ParameterError as exc:
        raise CommandError(f"{exc.parameter} : {exc.message}") from None


def write(command, text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
        command.stderr.write(f"Écrit : {out}")
    else:
        command.stdout.write(text, ending="")


def progress(command, options, steps: int) -> Progress:
    """The command's progress on standard error (a bar on a terminal, one line per step
    otherwise); silent with ``-v 0``."""
    if options.get("verbosity", 1) == 0:
        return SILENT
    return Progress(command.stderr, steps)
