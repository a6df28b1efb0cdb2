"""``maillage export``: the published places as open data (GeoJSON, CSV, data·inclusion
v1, lieux de médiation numérique v1.0.1), to a file or to standard output."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core import french
from maillage.places import exports
from maillage.places.models import Place
from maillage.places.search import FilterError, parse_filter, search_places

FORMATS = (
    "geojson",
    "csv",
    "data-inclusion",
    "data-inclusion-structures",
    "data-inclusion-services",
    "mednum",
    "mednum-csv",
)


class Command(BaseCommand):
    help = (
        "Exporte les lieux publiés en données ouvertes : geojson, csv, data-inclusion "
        "(structures et services, schéma v1), mednum (lieux de médiation numérique v1.0.1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="geojson")
        parser.add_argument("--out", help="Fichier à écrire (par défaut : la sortie standard).")
        parser.add_argument(
            "--dept",
            action="append",
            default=[],
            help="Code de département (répétable, ou liste séparée par des virgules).",
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Un filtre de l'API (function=digital-mediation, type=fablab...), répétable.",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Adresse du site, pour les liens vers les pages des lieux.",
        )
        parser.add_argument(
            "--source", default=None, help="Valeur du champ source (data·inclusion, mednum)."
        )

    def handle(self, *args, format, out, dept, filter, base_url, source, **options):
        params: dict[str, list[str]] = {}
        for item in filter:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter attend NAME=VALUE, pas « {item} ».")
            params.setdefault(name.strip(), []).append(value.strip())
        try:
            f = parse_filter(params)
        except FilterError as error:
            raise CommandError(f"{error.field} : {error.message}") from None
        queryset = Place.objects.published()
        codes = [c.strip().upper() for item in dept for c in item.split(",") if c.strip()]
        if codes:
            queryset = queryset.filter(commune__departement__in=codes)
        result = search_places(f, queryset)
        url_for = exports.url_builder(base_url)

        def places():
            return (hit.place for hit in result)

        skipped = []
        if format == "geojson":
            pieces = exports.iter_geojson(result, url_for=url_for)
        elif format == "csv":
            pieces = exports.iter_csv(result, url_for=url_for)
        elif format == "data-inclusion":
            structures = exports.data_inclusion_structures(places(), source)
            services = exports.data_inclusion_services(places(), source)
            pieces = [_json({"structures": structures, "services": services})]
        elif format == "data-inclusion-structures":
            pieces = [_json(exports.data_inclusion_structures(places(), source))]
        elif format == "data-inclusion-services":
            pieces = [_json(exports.data_inclusion_services(places(), source))]
        else:
            rows, skipped = exports.mednum_lieux(places(), source)
            pieces = exports.iter_mednum_csv(rows) if format == "mednum-csv" else [_json(rows)]

        if out:
            path = Path(out)
            with path.open("w", encoding="utf-8", newline="") as handle:
                for piece in pieces:
                    handle.write(piece)
            self.stderr.write(
                f"{french.count_label(len(result), 'lieu retenu', 'lieux retenus')} ; écrit : {path}"
            )
        else:
            for piece in pieces:
                self.stdout.write(piece, ending="")
            self.stdout.flush()
        for place, reason in skipped:
            self.stderr.write(f"laissé de côté : {place.name} (#{place.pk}) : {reason}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
