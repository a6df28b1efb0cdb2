"""GET /api/orientation/: the journey for needs, a home, a mobility and a free moment.

A bad parameter is a 400 whose JSON body names it and says why (as
``/api/places/``), never a 500.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core.api_errors import error_responses
from maillage.core.openapi import datetime_parameter

from . import engine, services
from .needs import NEED_SLUGS, NEEDS
from .services import MAX_NEEDS


class StepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(
        ["first", "next", "mobile", "onward", "beyond", "event"],
        help_text="first : à aller voir d'abord ; next : autre possibilité ; mobile : unité "
        "mobile qui passe près de chez soi ; onward : service public vers lequel le lieu "
        "oriente ; beyond : au-delà de la distance possible, faute de mieux ; event : événement.",
    )
    place_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    place_type = serializers.CharField()
    commune = serializers.CharField()
    url = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(help_text="Pourquoi ce lieu, en français.")
    distance_km = serializers.FloatField(allow_null=True)
    travel_minutes = serializers.IntegerField(allow_null=True)
    within_reach = serializers.BooleanField()
    open_when_free = serializers.BooleanField(allow_null=True)
    next_opening = serializers.DateTimeField(allow_null=True)
    stop = serializers.CharField()
    sent_from = serializers.IntegerField(allow_null=True)
    event_id = serializers.CharField(allow_null=True)
    start = serializers.DateTimeField(
        allow_null=True,
        help_text="Début d'un événement ; pour une unité mobile, de son prochain passage.",
    )
    end = serializers.DateTimeField(
        allow_null=True,
        help_text="Fin d'un événement ; pour une unité mobile, de son prochain passage.",
    )
    in_home_commune = serializers.BooleanField(
        help_text="Le lieu (l'arrêt) est dans la commune de la personne."
    )


class JourneySerializer(serializers.Serializer):
    needs = serializers.ListField(child=serializers.CharField())
    home = serializers.DictField()
    mobility = serializers.CharField()
    reach_km = serializers.FloatField()
    free_at = serializers.DateTimeField(allow_null=True)
    steps = StepSerializer(many=True)
    unanswered = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())


def journey_data(journey: engine.Journey, commune=None) -> dict:
    q = journey.query
    home = {"latitude": q.home[0], "longitude": q.home[1]}
    if commune is not None:
        home.update(commune=commune.code, name=commune.name)
    steps = []
    for i, s in enumerate(journey.steps, 1):
        steps.append(
            {
                "position": i,
                "kind": s.kind,
                "place_id": s.place_id,
                "name": s.name,
                "place_type": s.place_type,
                "commune": s.commune,
                "url": s.url,
                "needs": s.needs,
                "reason": s.reason,
                "distance_km": s.distance_km,
                "travel_minutes": s.travel_minutes,
                "within_reach": s.within_reach,
                "open_when_free": s.open_when_free,
                "next_opening": s.next_opening.isoformat() if s.next_opening else None,
                "stop": s.stop,
                "sent_from": s.sent_from,
                "event_id": s.event_id,
                "start": s.start.isoformat() if s.start else None,
                "end": s.end.isoformat() if s.end else None,
                "in_home_commune": s.in_home_commune,
            }
        )
    return {
        "needs": list(q.needs),
        "home": home,
        "mobility": q.mobility,
        "reach_km": engine.REACH_KM[q.mobility],
        "free_at": q.free_at.isoformat() if q.free_at else None,
        "steps": steps,
        "unanswered": journey.unanswered,
        "notes": journey.notes,
    }


_NEEDS_HELP = "; ".join(f"{n.slug} : {n.label}" for n in NEEDS)


@extend_schema(
    summary="Trouver mon lieu : un parcours ordonné pour des besoins",
    parameters=[
        OpenApiParameter(
            "needs",
            {
                "type": "string",
                "pattern": f"^({'|'.join(NEED_SLUGS)})(,({'|'.join(NEED_SLUGS)})){{0,{MAX_NEEDS - 1}}}$",
            },
            required=False,
            description=f"Besoins, séparés par des virgules, parmi : {', '.join(NEED_SLUGS)}. "
            "Requis sans words.",
        ),
        OpenApiParameter(
            "words",
            {"type": "string", "maxLength": 200},
            description="Ou ce dont la personne a besoin, avec ses mots (« imprimer un "
            "document », « la CAF », « carte grise ») : lus par le vocabulaire de la recherche, "
            "ils s'ajoutent aux besoins (needs dans la réponse dit lesquels).",
        ),
        OpenApiParameter("commune", str, description="Code INSEE de la commune où l'on vit."),
        OpenApiParameter("near", str, description="Ou un point : LATITUDE,LONGITUDE (WGS84)."),
        OpenApiParameter(
            "mobility",
            str,
            enum=list(engine.MOBILITIES),
            description="car (défaut), no-car (à pied, en transport), reduced (mobilité réduite).",
        ),
        datetime_parameter(
            "free_at", "Quand la personne est libre (ISO 8601, heure de Paris, 1970 à 2200)."
        ),
        OpenApiParameter("age_group", str, enum=list(engine.AGE_GROUPS), description="Âge."),
    ],
    responses={
        200: JourneySerializer,
        **error_responses(400),
    },
)
class OrientationView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        # a bad parameter (OrientationError) is a 400 in the API's one error shape
        query, commune = services.parse_query(request.query_params)
        journey = services.orientation(query)
        return Response(journey_data(journey, commune))


class FlowSerializer(serializers.Serializer):
    from_place = serializers.DictField()
    to_place = serializers.DictField()
    need = serializers.CharField()
    count = serializers.IntegerField()
    followed_up = serializers.IntegerField()


@extend_schema(
    summary="Orientations entre lieux : des chiffres seulement, aucune donnée personnelle",
    responses={200: FlowSerializer(many=True)},
)
class ReferralFlowsView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        return Response(services.referral_flows())
