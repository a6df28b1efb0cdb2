"""The agora API: ideas (list, one, propose) and supporting them.

Errors have one shape, documented in the schema: ``{"error": code, "message"}``,
plus ``"parameter"`` when a parameter is wrong (400). Codes: ``bad_parameter``
(400), ``not_authenticated``/``permission_denied`` (403), ``not_found`` (404),
``refused`` (409: e.g. supporting a closed idea), ``rate_limited`` (429).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core import ratelimit
from maillage.places.models import Function, Place
from maillage.places.search import FilterError
from maillage.territory.models import Commune

from . import exports, services
from .listing import SORTS, STATUS_ORDER, list_ideas, parse_listing
from .models import TEXT_MAX, TITLE_MAX, Idea, Status
from .views import LIMITS

MAX_RESULTS = 200


class BadParameter(APIException):
    status_code = 400
    default_code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        self.detail = {"error": "bad_parameter", "parameter": parameter, "message": message}


class Refused(APIException):
    status_code = 409
    default_code = "refused"

    def __init__(self, message: str):
        self.detail = {"error": "refused", "message": message}


class TooMany(APIException):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self):
        self.detail = {"error": "rate_limited", "message": "trop d'envois, réessayez plus tard."}


class AgoraErrorSerializer(serializers.Serializer):
    error = serializers.CharField(required=False)
    parameter = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    detail = serializers.CharField(required=False)


def _errors(*codes: int) -> dict:
    texts = {
        400: "a parameter is wrong: `parameter` names it, `message` says why",
        403: "not signed in, or not allowed",
        404: "no such idea",
        409: "refused: `message` says why (e.g. the idea no longer takes support)",
        429: "too many actions from this person in the last hour",
    }
    return {code: OpenApiResponse(AgoraErrorSerializer, description=texts[code]) for code in codes}


class IdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    scope = serializers.ChoiceField(choices=["place", "commune", "network"])
    place = serializers.CharField(allow_null=True, help_text="the place's slug")
    commune = serializers.CharField(allow_null=True, help_text="INSEE code")
    theme = serializers.CharField(allow_null=True, help_text="a function's slug")
    status = serializers.ChoiceField(choices=Status.choices)
    status_reason = serializers.CharField(allow_blank=True)
    debated_at = serializers.DateTimeField(allow_null=True)
    debate_url = serializers.CharField(allow_null=True)
    supports = serializers.IntegerField()
    comments = serializers.IntegerField()
    signed = serializers.CharField(help_text="the author's pseudonym, or who typed a paper idea")
    on_paper = serializers.BooleanField()
    is_example = serializers.BooleanField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    url = serializers.CharField()


class IdeaStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    debated_at = serializers.DateTimeField(allow_null=True)


class IdeaDetailSerializer(IdeaSerializer):
    hidden_reason = serializers.CharField(
        allow_null=True, help_text="set when moderators hid the idea (its text is then empty)"
    )
    steps = IdeaStepSerializer(many=True)


class IdeaInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    text = serializers.CharField(max_length=TEXT_MAX)
    place = serializers.CharField(required=False, max_length=220, help_text="a place's slug")
    commune = serializers.CharField(required=False, max_length=5, help_text="INSEE code")
    theme = serializers.CharField(required=False, max_length=50, help_text="a function's slug")
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)


class SupportSerializer(serializers.Serializer):
    supported = serializers.BooleanField()
    supports = serializers.IntegerField()


def _one(pk) -> Idea:
    return get_object_or_404(Idea.objects.with_counts().select_related("occurrence"), pk=pk)


def _detail(idea: Idea) -> dict:
    data = exports.row(idea)
    if idea.is_hidden:
        data["text"] = ""
    data["hidden_reason"] = idea.hidden_reason if idea.is_hidden else None
    data["steps"] = [
        {
            "status": s.status,
            "reason": s.reason,
            "at": s.at,
            "debated_at": s.occurrence.start if s.occurrence else None,
        }
        for s in idea.steps.select_related("occurrence")
    ]
    return data


def _bad(body) -> BadParameter:
    name = next(iter(body.errors))
    detail = body.errors[name]
    message = detail[0] if isinstance(detail, list) else detail
    return BadParameter(name, str(message))


def _rate(request, scope: str) -> None:
    keys = [ratelimit.client_address(request), f"user:{request.user.pk}"]
    if not ratelimit.hit(f"agora-{scope}", keys, limit=LIMITS[scope]):
        raise TooMany()


class IdeaListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Ideas of the citizen agora",
        parameters=[
            OpenApiParameter("sort", str, enum=list(SORTS), description="default: recentes"),
            OpenApiParameter("status", str, enum=STATUS_ORDER),
            OpenApiParameter("place", str, description="a place's slug"),
            OpenApiParameter("commune", str, description="INSEE code: its ideas and its places'"),
            OpenApiParameter("scope", str, enum=["place", "commune", "network"]),
        ],
        responses={200: IdeaSerializer(many=True), **_errors(400)},
    )
    def get(self, request):
        try:
            listing = parse_listing(request.query_params)
        except FilterError as error:
            raise error from None  # 400, or 404 for an unknown reference (exception_handler)
        ideas = list_ideas(Idea.objects.all(), listing).select_related("occurrence")
        return Response(
            IdeaSerializer([exports.row(i) for i in ideas[:MAX_RESULTS]], many=True).data
        )

    @extend_schema(
        summary="Propose an idea (signed in)",
        request=IdeaInSerializer,
        responses={201: IdeaDetailSerializer, **_errors(400, 403, 429)},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        body = IdeaInSerializer(data=request.data)
        if not body.is_valid():
            raise _bad(body)
        data = body.validated_data
        place = commune = theme = None
        if data.get("place"):
            place = Place.objects.published().filter(slug=data["place"]).first()
            if place is None:
                raise BadParameter("place", "lieu inconnu.")
        if data.get("commune"):
            commune = Commune.objects.filter(code=data["commune"]).first()
            if commune is None:
                raise BadParameter("commune", "commune inconnue.")
        if data.get("theme"):
            theme = Function.objects.filter(slug=data["theme"]).first()
            if theme is None:
                raise BadParameter("theme", "thème inconnu.")
        _rate(request, "idea")
        try:
            idea = services.propose_idea(
                by=request.user,
                title=data["title"],
                text=data["text"],
                place=place,
                commune=commune,
                theme=theme,
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
            )
        except services.AgoraError as error:
            raise BadParameter("body", str(error)) from None
        return Response(IdeaDetailSerializer(_detail(_one(idea.pk))).data, status=201)


class IdeaDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One idea with its life cycle",
        responses={200: IdeaDetailSerializer, **_errors(404)},
    )
    def get(self, request, pk):
        return Response(IdeaDetailSerializer(_detail(_one(pk))).data)


class SupportView(APIView):
    permission_classes = [AllowAny]

    def _answer(self, idea: Idea, request) -> Response:
        return Response(
            SupportSerializer(
                {
                    "supported": idea.supports.filter(user=request.user).exists(),
                    "supports": idea.supports.count(),
                }
            ).data
        )

    @extend_schema(
        summary="Support an idea (once per person; the supporter follows it)",
        request=None,
        responses={200: SupportSerializer, **_errors(403, 404, 409, 429)},
    )
    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        idea = get_object_or_404(Idea, pk=pk)
        _rate(request, "support")
        try:
            services.support(idea, request.user)
        except services.AgoraError as error:
            raise Refused(str(error)) from None
        return self._answer(idea, request)

    @extend_schema(
        summary="Withdraw one's support",
        request=None,
        responses={200: SupportSerializer, **_errors(403, 404)},
    )
    def delete(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        idea = get_object_or_404(Idea, pk=pk)
        services.withdraw_support(idea, request.user)
        return self._answer(idea, request)
