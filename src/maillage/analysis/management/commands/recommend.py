"""maillage recommend: where to open the next places, or a mobile unit's next stops."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from maillage.analysis import output, params, services
from maillage.analysis.params import ParameterError

from ._common import add_query_arguments, progress, query_from_options, write


class Command(BaseCommand):
    # read-only: no system checks at start-up (a third of a second saved on every run)
    requires_system_checks: list[str] = []
    help = (
        "Où ouvrir les prochains lieux pour que le plus de personnes aient un lieu à moins "
        "du seuil (localisation à couverture maximale), ou le moins de lieux pour atteindre "
        "une part de la population (--target-share), ou les arrêts d'une unité mobile "
        "(--mobile). Donne la borne supérieure prouvée et l'écart d'optimalité."
    )

    def add_arguments(self, parser):
        add_query_arguments(parser, thresholds_help="le seuil : 10km (défaut) ou 20min")
        parser.add_argument(
            "--add", type=int, default=5, metavar="N", help="nombre de nouveaux lieux (défaut 5)"
        )
        parser.add_argument(
            "--candidates",
            default="communes",
            metavar="communes|types:T1,T2",
            help="sites possibles : toute commune (défaut), ou les lieux existants de ces "
            "types, par exemple types:hotel,school,town-hall,cafe",
        )
        parser.add_argument(
            "--from-scratch",
            action="store_true",
            help="ignorer les lieux existants (placer tous les lieux)",
        )
        parser.add_argument(
            "--target-share",
            metavar="PART",
            help="le moins de nouveaux lieux pour que cette part de la population soit à "
            "portée : 0.95 ou 95%%",
        )
        parser.add_argument(
            "--mobile", metavar="SLUG", help="planifier les arrêts de cette unité mobile"
        )
        parser.add_argument(
            "--weekdays",
            metavar="Mo,Tu,…",
            help="avec --mobile : les jours de tournée (défaut Mo,Tu,We,Th,Fr)",
        )
        parser.add_argument(
            "--stops-per-day", type=int, default=1, metavar="N", help="avec --mobile (défaut 1)"
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=services.COMMAND_TIME_LIMIT,
            metavar="S",
            help="filet de sécurité en secondes (défaut "
            f"{services.COMMAND_TIME_LIMIT:g}) : la recherche est limitée en travail "
            "(itérations, nœuds), pas en temps, si bien que la même question donne la même "
            "réponse sur toute machine ; la sortie signale si ce filet l'a arrêtée",
        )
        parser.add_argument("--out", metavar="FICHIER", help="écrire dans ce fichier")
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args, **options):
        query = query_from_options(options)
        ts = query.thresholds
        bar = progress(self, options, 3)
        try:
            if len(ts) > 1:
                raise ParameterError("--threshold", "un seul seuil pour une recommandation.")
            threshold = ts[0] if ts else None
            spec = params.candidates(options["candidates"], "--candidates")
            time_limit = params.number(options["time_limit"], "--time-limit", 0.1, 3600)
            if options["mobile"]:
                days = params.weekdays(options["weekdays"], "--weekdays")
                per_day = params.integer(options["stops_per_day"], "--stops-per-day", 1, 20)
                outcome = services.mobile_plan(
                    query,
                    options["mobile"],
                    days,
                    threshold=threshold,
                    stops_per_day=per_day,
                    candidates=spec,
                    time_limit=time_limit,
                    progress=bar,
                )
            elif options["target_share"] is not None:
                outcome = services.set_cover(
                    query,
                    params.share(options["target_share"], "--target-share"),
                    threshold=threshold,
                    candidates=spec,
                    from_scratch=options["from_scratch"],
                    time_limit=time_limit,
                    progress=bar,
                )
            else:
                k = params.integer(options["add"], "--add", 0, 10_000)
                outcome = services.recommend(
                    query,
                    k,
                    threshold=threshold,
                    candidates=spec,
                    from_scratch=options["from_scratch"],
                    time_limit=time_limit,
                    progress=bar,
                )
        except ParameterError as exc:
            raise CommandError(f"{exc.parameter} : {exc.message}") from None
        finally:
            bar.close()
        if options["json"]:
            import json

            text = json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2) + "\n"
        else:
            text = output.outcome_text(outcome)
        write(self, text, options["out"])
