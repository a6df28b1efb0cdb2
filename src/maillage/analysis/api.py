"""The analysis API: coverage and recommendations (public read: the data is public).

A bad parameter is a 400 whose JSON body names it and says why (as
``/api/places/``), never a 500. Work is bounded: at most
:data:`MAX_DEPARTEMENTS` départements, :data:`~maillage.analysis.services.MAX_ADD`
new places and :data:`~maillage.analysis.services.MAX_TIME_LIMIT` seconds of
optimisation per request.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core.api_errors import error_responses
from maillage.core.openapi import date_parameter, number_parameter

from . import params, services
from . import serializers as s
from .params import ParameterError

MAX_DEPARTEMENTS = 20
DEFAULT_TIME_LIMIT = 5.0
#: recommendations compare every commune with every candidate within the threshold
MAX_RECOMMEND_THRESHOLD = {"km": 100.0, "min": 120.0}
MAX_THRESHOLDS = 8  # thresholds a coverage can be asked at
_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux", ""}


def _one(request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, "une seule valeur est attendue.")
    value = values[0] if values else None
    if value is not None and ("\x00" in value or len(value) > 200):
        raise ParameterError(name, "valeur trop longue ou invalide.")
    return value if value is None or value.strip() else None  # empty: absent, as everywhere


def _flag(request, name: str) -> bool:
    value = (_one(request, name) or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ParameterError(name, f"« {value[:20]} » : 1 ou 0 est attendu.")


def _departements(request) -> list[str]:
    codes = params.departements(request.query_params.getlist("dept"))
    if len(codes) > MAX_DEPARTEMENTS:
        raise ParameterError("dept", f"au plus {MAX_DEPARTEMENTS} départements à la fois.")
    return codes or list(settings.MAILLAGE_DEPARTEMENTS)


def _thresholds(request) -> tuple[list[str], str | None]:
    # an empty value is an absent one (as everywhere in the API)
    km = [v for v in request.query_params.getlist("threshold_km") if v.strip()]
    mins = [v for v in request.query_params.getlist("threshold_min") if v.strip()]
    if km and mins:
        raise ParameterError("threshold_km", "threshold_km et threshold_min s'excluent.")
    for name, values in (("threshold_km", km), ("threshold_min", mins)):
        if len(values) > MAX_THRESHOLDS:
            raise ParameterError(name, f"au plus {MAX_THRESHOLDS} seuils.")
        for v in values:
            if v.strip().lower().endswith(("km", "min")):
                raise ParameterError(name, f"un nombre est attendu, pas « {v[:20]} ».")
    if mins:
        return mins, "min"
    return km, ("km" if km else None)


def query_from_request(request, *, extra_defaults: bool = True) -> services.Query:
    """The analysis query of a request. With ``extra_defaults``, the default thresholds
    (5/10/20/30 km, 10/20/30 min) are always in the figures and the given threshold is
    the target."""
    given, unit = _thresholds(request)
    parameter = "threshold_min" if unit == "min" else "threshold_km"
    travel = _one(request, "travel")
    if unit == "min" and not travel:
        raise ParameterError(
            "travel", "un seuil en minutes demande travel=mountain, rural, periurban ou urban."
        )
    if travel is not None and travel not in params.TRAVEL_CHOICES:
        raise ParameterError(
            "travel", f"« {travel[:30]} » inconnu ; au choix : {', '.join(params.TRAVEL_CHOICES)}."
        )
    if unit == "km" and travel not in (None, "straight"):
        raise ParameterError(
            "threshold_km", "avec un temps de trajet (travel), donnez threshold_min."
        )
    if unit is None and travel not in (None, "straight"):
        unit = "min"
    values, unit = params.thresholds(given, parameter, unit)
    target = values[0] if values else None
    thresholds = list(values)
    if extra_defaults and thresholds:
        defaults = (5.0, 10.0, 20.0, 30.0) if unit == "km" else (10.0, 20.0, 30.0)
        thresholds = sorted(set(thresholds) | set(defaults))
    return services.make_query(
        departements=_departements(request),
        function=_one(request, "function"),
        family=_one(request, "family"),
        types=request.query_params.getlist("type"),
        thresholds=thresholds,
        unit=unit,
        target=target,
        on=_one(request, "date"),
        travel=travel,
        threshold_parameter=parameter,
    )


class AnalysisView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


COMMON_PARAMETERS = [
    OpenApiParameter(
        "dept",
        str,
        description="Code(s) de département, répétable ou séparés par des virgules "
        f"(au plus {MAX_DEPARTEMENTS} ; défaut : ceux de l'instance).",
    ),
    OpenApiParameter(
        "function",
        str,
        enum=list(params.FUNCTION_SLUGS),
        description="Les lieux qui proposent cette fonction.",
    ),
    OpenApiParameter(
        "family",
        str,
        enum=list(params.FAMILY_FUNCTIONS),
        description="Les lieux qui proposent une fonction de cette famille.",
    ),
    OpenApiParameter(
        "type",
        str,
        many=True,
        explode=True,
        enum=list(params.TYPE_SLUGS),
        description="Type(s) de lieu, par exemple france-services.",
    ),
    date_parameter(
        "date",
        description="Ne compter que les lieux ouverts ce jour-là (horaires, saisons, "
        "fermetures ; une unité mobile le jour de ses arrêts).",
    ),
    OpenApiParameter(
        "travel",
        str,
        enum=list(params.TRAVEL_CHOICES),
        description="straight : km à vol d'oiseau (défaut) ; sinon minutes estimées "
        "(détour et vitesse du milieu), avec threshold_min.",
    ),
]
BAD_REQUEST = error_responses(400)[400]
_TYPE = "(?:" + "|".join(sorted(params.TYPE_SLUGS)) + ")"
_CANDIDATES_PATTERN = rf"^(?:communes|types:{_TYPE}(?:,{_TYPE})*)$"


@extend_schema(
    tags=["analyse du maillage"],
    summary="Couverture du territoire",
    parameters=[
        *COMMON_PARAMETERS,
        number_parameter(
            "threshold_km",
            0,
            params.MAX_THRESHOLD["km"],
            description="Seuil cible en km (0 < s ≤ 200 ; défaut 10) : au-delà, une commune "
            "est mal desservie. Les chiffres sont donnés aussi à 5, 10, 20 et 30 km.",
            exclusive_minimum=True,
            many=True,
            max_items=MAX_THRESHOLDS,
        ),
        number_parameter(
            "threshold_min",
            0,
            params.MAX_THRESHOLD["min"],
            description="Seuil cible en minutes (avec travel ; 0 < s ≤ 240 ; défaut 20) ; "
            "chiffres aussi à 10, 20 et 30 min.",
            exclusive_minimum=True,
            many=True,
            max_items=MAX_THRESHOLDS,
        ),
    ],
    responses={200: s.CoverageResponseSerializer, 400: BAD_REQUEST},
)
class CoverageView(AnalysisView):
    """La part de la population et des communes à portée d'un lieu à chaque seuil, le lieu
    le plus proche de chaque commune, le bassin de chaque lieu (sa « taille critique ») et
    les communes mal desservies, les plus peuplées d'abord."""

    def get(self, request):
        query = query_from_request(request)
        a = services.analyse(query)
        return Response(
            {
                "query": query.describe(),
                "summary": a.summary(),
                "communes": a.commune_rows(),
                "catchments": a.catchment_rows(),
                "underserved": a.underserved_rows(),
            }
        )


@extend_schema(
    tags=["analyse du maillage"],
    summary="Où ouvrir les prochains lieux",
    parameters=[
        *COMMON_PARAMETERS,
        number_parameter(
            "threshold_km",
            0,
            MAX_RECOMMEND_THRESHOLD["km"],
            "Le seuil en km (défaut 10 ; 0 < s ≤ 100).",
            exclusive_minimum=True,
        ),
        number_parameter(
            "threshold_min",
            0,
            MAX_RECOMMEND_THRESHOLD["min"],
            "Le seuil en minutes (avec travel ; défaut 20 ; 0 < s ≤ 120).",
            exclusive_minimum=True,
        ),
        number_parameter(
            "add",
            1,
            services.MAX_ADD,
            f"Nombre de nouveaux lieux (1 à {services.MAX_ADD} ; défaut 5).",
            integer=True,
        ),
        OpenApiParameter(
            "candidates",
            {"type": "string", "pattern": _CANDIDATES_PATTERN, "example": "types:hotel,school"},
            description="Sites possibles : « communes » (défaut : le centre de chaque commune) "
            "ou « types:hotel,school,town-hall,cafe » (des lieux existants de ces types).",
        ),
        OpenApiParameter(
            "from_scratch", OpenApiTypes.BOOL, description="Ignorer les lieux existants."
        ),
        number_parameter(
            "target_share",
            0.0,
            1.0,
            "Au lieu de add : le moins de nouveaux lieux pour que cette part de la "
            "population soit à portée (0 à 1).",
        ),
        number_parameter(
            "time_limit",
            0.1,
            services.MAX_TIME_LIMIT,
            description=f"Temps de calcul maximal, en secondes (≤ {services.MAX_TIME_LIMIT:g} ; "
            f"défaut {DEFAULT_TIME_LIMIT:g}).",
        ),
    ],
    responses={200: s.RecommendationResponseSerializer, 400: BAD_REQUEST},
)
class RecommendationView(AnalysisView):
    """Les sites qui mettent le plus d'habitants à portée d'un lieu (localisation à
    couverture maximale), avec la borne supérieure prouvée, l'écart d'optimalité et la
    méthode ; ou, avec target_share, le moins de sites pour atteindre une part."""

    def get(self, request):
        query = query_from_request(request, extra_defaults=False)
        parameter = "threshold_min" if query.unit == "min" else "threshold_km"
        if len(query.thresholds) > 1:
            raise ParameterError(parameter, "un seul seuil pour une recommandation.")
        top = MAX_RECOMMEND_THRESHOLD[query.unit]
        if query.target_threshold > top:
            raise ParameterError(
                parameter, f"au plus {top:g} {query.unit} pour une recommandation."
            )
        spec = params.candidates(_one(request, "candidates"))
        from_scratch = _flag(request, "from_scratch")
        time_limit = params.number(
            _one(request, "time_limit"),
            "time_limit",
            0.1,
            services.MAX_TIME_LIMIT,
            DEFAULT_TIME_LIMIT,
        )
        target_share = _one(request, "target_share")
        if target_share is not None and _one(request, "add") is not None:
            raise ParameterError("add", "add et target_share s'excluent.")
        if target_share is not None:
            share = params.number(target_share, "target_share", 0.0, 1.0)
            outcome = services.set_cover(
                query,
                share,
                candidates=spec,
                from_scratch=from_scratch,
                time_limit=time_limit,
            )
        else:
            k = params.integer(_one(request, "add"), "add", 1, services.MAX_ADD, 5)
            outcome = services.recommend(
                query,
                k,
                candidates=spec,
                from_scratch=from_scratch,
                time_limit=time_limit,
            )
        return Response(outcome.as_dict())


__all__ = ["CoverageView", "RecommendationView", "query_from_request"]
