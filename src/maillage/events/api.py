"""The agenda API: events' dates (filtered like the agenda page), one event,
registering to a date, and the host's list of registrations.

A bad parameter is a 400 naming it ({"error": "bad_parameter", "parameter",
"message"}), as ``/api/places/``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core import ratelimit
from maillage.core.api_errors import BadParameter, error_responses, json_object
from maillage.core.mail import absolute
from maillage.core.openapi import date_parameter, number_parameter
from maillage.places.models import Audience
from maillage.places.search import FilterError

from . import services
from .agenda import find_occurrences, parse_agenda_filter
from .models import Event, Occurrence, Registration
from .views import REGISTRATIONS_PER_HOUR

MAX_RESULTS = 200


class Refused(APIException):
    status_code = 409
    default_code = "refused"

    def __init__(self, message: str):
        self.detail = {"error": "refused", "message": message}


class TooMany(APIException):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self):
        self.detail = {
            "error": "rate_limited",
            "message": "trop d'inscriptions, réessayez plus tard.",
        }


class PlaceRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()


class OccurrenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField(help_text="the event's slug")
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["scheduled", "cancelled", "moved"])
    place = PlaceRefSerializer()
    commune = serializers.CharField(allow_null=True, help_text="INSEE code")
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_km = serializers.FloatField(allow_null=True)
    is_free = serializers.BooleanField()
    price = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    registration_required = serializers.BooleanField()
    seats_left = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class EventSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    recurrence_rule = serializers.CharField(help_text="RFC 5545 RRULE, empty for a single date")
    exdates = serializers.ListField(child=serializers.CharField())
    functions = serializers.ListField(child=serializers.CharField())
    audiences = serializers.ListField(child=serializers.CharField())
    wheelchair = serializers.CharField()
    accessibility_note = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    ics = serializers.CharField()
    occurrences = OccurrenceSerializer(many=True)


class RegistrationInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(required=False)


class RegistrationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    status = serializers.ChoiceField(choices=Registration.Status.values)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)


def _occurrence_data(occ: Occurrence, request, distance=None) -> dict:
    event = occ.event
    commune = event.commune
    base = request.build_absolute_uri("/")
    return {
        "id": occ.pk,
        "event": event.slug,
        "title": event.title,
        "start": occ.start,
        "end": occ.end,
        "status": "cancelled" if occ.is_cancelled else "moved" if occ.is_moved else "scheduled",
        "place": {
            "slug": event.place.slug,
            "name": event.place.name,
            "url": absolute(event.place.get_absolute_url(), base),
        },
        "commune": commune.code if commune else None,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "distance_km": distance,
        "is_free": event.is_free,
        "price": event.price,
        "registration_required": event.registration_required,
        "seats_left": occ.seats_left() if event.registration_required else None,
        "url": absolute(occ.get_absolute_url(), base),
    }


FILTERS = [
    OpenApiParameter("commune", str, description="INSEE code of the commune"),
    OpenApiParameter("near", str, description="latitude,longitude (WGS84)"),
    OpenApiParameter("around", str, description="INSEE code of a commune: near its centre"),
    number_parameter(
        "radius_km", 0, 200, "avec near ; défaut 20, au plus 200", exclusive_minimum=True
    ),
    OpenApiParameter(
        "function",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]{1,50}$", "example": "fablab"},
        description="l'identifiant d'une fonction",
    ),
    OpenApiParameter(
        "audience", str, enum=list(Audience.values), description="le public visé (seniors, young…)"
    ),
    date_parameter("from", "first day (default: today), 1970 to 2200"),
    date_parameter("to", "last day, 1970 to 2200"),
]


class OccurrenceListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Dates of events, soonest first",
        parameters=FILTERS,
        responses=OccurrenceSerializer(many=True),
    )
    def get(self, request):
        try:
            f = parse_agenda_filter(request.query_params)
        except FilterError as error:
            raise error from None  # 400, or 404 for an unknown reference (exception_handler)
        hits = find_occurrences(f, limit=MAX_RESULTS)
        return Response(
            OccurrenceSerializer(
                [_occurrence_data(h.occurrence, request, h.distance_km) for h in hits], many=True
            ).data
        )


class EventDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="One event with its next dates", responses=EventSerializer)
    def get(self, request, slug):
        event = get_object_or_404(
            Event.objects.published().select_related("place__commune", "stop__commune"), slug=slug
        )
        occurrences = event.occurrences.upcoming().order_by("start")[:50]
        data = {
            "slug": event.slug,
            "title": event.title,
            "description": event.description,
            "status": event.status,
            "recurrence_rule": event.recurrence_rule,
            "exdates": event.exdates,
            "functions": [f.slug for f in event.functions.all()],
            "audiences": event.audiences,
            "wheelchair": event.wheelchair,
            "accessibility_note": event.accessibility_note,
            "capacity": event.capacity,
            "ics": request.build_absolute_uri(f"/agenda/evenements/{event.slug}.ics"),
            "occurrences": [_occurrence_data(o, request) for o in occurrences],
        }
        return Response(EventSerializer(data).data)


class RegistrationView(APIView):
    """POST: register (without an account: name and e-mail, confirmed by the
    e-mailed link; with a session: seated at once). GET: the host's list."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Register to a date",
        request=RegistrationInSerializer,
        responses={201: RegistrationOutSerializer, **error_responses(409, 429)},
    )
    def post(self, request, pk):
        occ = get_object_or_404(Occurrence.objects.visible().select_related("event"), pk=pk)
        body = RegistrationInSerializer(data=json_object(request.data))
        if not body.is_valid():
            name = next(iter(body.errors))
            raise BadParameter(name, str(body.errors[name][0]))
        user = request.user if request.user.is_authenticated else None
        email = user.email if user else body.validated_data.get("email", "")
        if user is None:
            for name in ("name", "email"):
                if not body.validated_data.get(name):
                    raise BadParameter(name, f"{name} est requis sans compte.")
        if not ratelimit.hit(
            "event-registration",
            [ratelimit.client_address(request), email],
            limit=REGISTRATIONS_PER_HOUR,
        ):
            raise TooMany()
        try:
            registration = services.register(
                occ, name=body.validated_data.get("name", ""), email=email, user=user
            )
        except services.RegistrationError as error:
            raise Refused(str(error)) from None
        return Response(RegistrationOutSerializer(registration).data, status=201)

    @extend_schema(
        summary="Registrations to a date (the place's hosts and coordinators)",
        responses={200: RegistrationOutSerializer(many=True), **error_responses(403)},
    )
    def get(self, request, pk):
        occ = get_object_or_404(Occurrence.objects.select_related("event__place"), pk=pk)
        if not (request.user.is_authenticated and request.user.can_edit_place(occ.event.place)):
            raise PermissionDenied()
        registrations = occ.registrations.exclude(status=Registration.Status.CANCELLED).order_by(
            "status", "confirmed_at", "pk"
        )
        return Response(RegistrationOutSerializer(registrations, many=True).data)
