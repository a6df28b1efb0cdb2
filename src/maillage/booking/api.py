"""Booking API.

- ``GET /api/resources/``: search (when, where, how many, which equipment;
  ``rank=functional|charm``), with the free slots of each resource.
- ``GET /api/availability/?resource=&from=&to=[&seats=]``: free and busy.
- ``GET|POST /api/bookings/``; ``POST /api/bookings/{id}/cancel|approve|decline|checkin/``.

Authentication: Django's session (``SessionAuthentication``, as the rest of
the API): log in, then send the ``csrftoken`` cookie back in the
``X-CSRFToken`` header on writes. A bad parameter is a 400 naming it; a
refused booking a 409 saying why, with the nearest free slots.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core import clock
from maillage.core.api_errors import json_body
from maillage.core.openapi import DATETIME_PATTERN, datetime_parameter, number_parameter
from maillage.core.params import ParameterError, parse_datetime, parse_near
from maillage.core.parsers import SafeJSONParser

from . import availability, search, services
from .models import EQUIPMENT, Booking, Kind, Resource

MAX_RANGE_DAYS = 31


BadParameter = ParameterError
PURPOSE_MAX = Booking._meta.get_field("purpose").max_length
REASON_MAX = Booking._meta.get_field("reason").max_length


def bad(error: ParameterError) -> Response:
    return Response(error.as_dict(), status=error.status)


def _text(params, name: str, limit: int) -> str:
    """A text parameter as sent, or a 400 when it is not text or is longer than ``limit``."""
    value = params.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadParameter(name, f"{name} doit être un texte.")
    if "\x00" in value:
        raise BadParameter(name, f"{name} ne peut contenir le caractère nul (0x00).")
    if len(value) > limit:
        raise BadParameter(
            name, f"{name} : au plus {limit} caractères ({len(value)} reçus), raccourcissez-le."
        )
    return value


def _datetime(params, name: str, required: bool = True) -> dt.datetime | None:
    text = params.get(name)
    if not text:
        if required:
            raise BadParameter(name, f"{name} est obligatoire (date et heure ISO 8601).")
        return None
    try:
        return parse_datetime(str(text), name)  # within the platform's years
    except ParameterError as error:
        raise BadParameter(name, error.message) from None


def _int(params, name: str, default: int, lo: int, hi: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    if isinstance(text, bool) or (isinstance(text, float) and not text.is_integer()):
        raise BadParameter(name, f"{name} doit être un nombre entier (reçu {text!r}).")
    try:
        value = int(text)
    except (TypeError, ValueError, OverflowError):
        raise BadParameter(name, f"{name} doit être un nombre entier.") from None
    if not lo <= value <= hi:
        raise BadParameter(name, f"{name} doit être compris entre {lo} et {hi}.")
    return value


def _range(params) -> tuple[dt.datetime, dt.datetime]:
    start, end = _datetime(params, "from"), _datetime(params, "to")
    if end <= start:
        raise BadParameter("to", "to doit être après from.")
    if end - start > dt.timedelta(days=MAX_RANGE_DAYS):
        raise BadParameter("to", f"Au plus {MAX_RANGE_DAYS} jours entre from et to.")
    return start, end


def interval(a: dt.datetime, b: dt.datetime) -> dict[str, str]:
    return {"start": availability.paris(a).isoformat(), "end": availability.paris(b).isoformat()}


def resource_dict(r: Resource) -> dict:
    place = r.place
    return {
        "id": r.pk,
        "name": r.name,
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "capacity": r.capacity,
        "equipment": r.equipment,
        "price_hour": str(r.price_hour) if r.price_hour is not None else None,
        "price_half_day": str(r.price_half_day) if r.price_half_day is not None else None,
        "price_day": str(r.price_day) if r.price_day is not None else None,
        "free": r.is_free,
        "charm": r.charm,
        "charm_tags": r.charm_tags,
        "approval_required": r.approval_required,
        "checkin_required": r.checkin_required,
        "slot_minutes": r.slot_minutes,
        "min_minutes": r.min_minutes,
        "max_minutes": r.max_minutes,
        "buffer_minutes": r.buffer_minutes,
        "place": {
            "id": place.pk,
            "name": place.name,
            "slug": place.slug,
            "url": place.get_absolute_url(),
            "latitude": place.latitude,
            "longitude": place.longitude,
            "commune": place.commune.name if place.commune_id else None,
        },
    }


def booking_dict(b: Booking) -> dict:
    return {
        "id": b.pk,
        "resource": b.resource_id,
        "resource_name": b.resource.name,
        "place": b.resource.place.name,
        **interval(b.start, b.end),
        "seats": b.seats,
        "status": b.status,
        "status_label": str(b.get_status_display()),
        "purpose": b.purpose,
        "reason": b.reason,
        "series": str(b.series) if b.series else None,
        "checked_in_at": b.checked_in_at.isoformat() if b.checked_in_at else None,
        "user": b.user.username if b.user_id else None,
    }


_ONE_EQUIPMENT = "(" + "|".join(EQUIPMENT) + ")"
#: the equipment parameter: known names, comma-separated
EQUIPMENT_LIST = rf"^({_ONE_EQUIPMENT}(,{_ONE_EQUIPMENT})*)?$"


class ResourceSearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("near", OpenApiTypes.STR, description="latitude,longitude"),
            OpenApiParameter("commune", OpenApiTypes.STR, description="code INSEE"),
            number_parameter("radius_km", 0, 300, "km (0 < r ≤ 300)", exclusive_minimum=True),
            datetime_parameter("from"),
            datetime_parameter("to"),
            number_parameter("duration", 0, 24 * 60, "minutes (0 à 1440)", integer=True),
            number_parameter("seats", 1, 500, "personnes (1 à 500)", integer=True),
            OpenApiParameter(
                "equipment",
                {"type": "string", "pattern": EQUIPMENT_LIST, "example": "visio,wifi"},
                description="équipements, séparés par des virgules",
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=list(Kind.values),
                description="le genre de ressource",
            ),
            OpenApiParameter(
                "rank",
                OpenApiTypes.STR,
                enum=["functional", "charm"],
                description="functional (distance puis prix) ou charm",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        p = request.query_params
        try:
            query = search.Query(
                near=parse_near(p["near"]) if p.get("near") else None,
                commune=p.get("commune") or None,
                radius_km=float(p["radius_km"]) if p.get("radius_km") else None,
                start=_datetime(p, "from", required=False),
                end=_datetime(p, "to", required=False),
                duration=_int(p, "duration", 0, 0, 24 * 60),
                seats=_int(p, "seats", 1, 1, 500),
                equipment=[e for e in p.get("equipment", "").split(",") if e],
                kind=p.get("kind") or None,
                rank=p.get("rank", "functional"),
            )
            search.validate(query)
        except ParameterError as error:  # FilterError too
            return bad(error)
        except ValueError:
            return bad(BadParameter("radius_km", "radius_km doit être un nombre (km)."))
        hits = search.find(query)
        results = []
        for hit in hits[:100]:
            row = resource_dict(hit.resource)
            row["distance_km"] = round(hit.distance_km, 2) if hit.distance_km is not None else None
            row["free_slots"] = [interval(a, b) for a, b in hit.free]
            results.append(row)
        return Response({"count": len(hits), "rank": query.rank, "results": results})


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "resource", OpenApiTypes.INT, description="identifiant", required=True
            ),
            datetime_parameter("from", required=True),
            datetime_parameter("to", required=True),
            OpenApiParameter("seats", OpenApiTypes.INT, description="places"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        p = request.query_params
        try:
            rid = _int(p, "resource", 0, 1, 2**63 - 1)
            if not rid:
                raise BadParameter("resource", "resource est obligatoire (identifiant).")
            start, end = _range(p)
            seats = _int(p, "seats", 1, 1, 500)
        except BadParameter as error:
            return bad(error)
        resource = Resource.objects.filter(pk=rid).select_related("place").first()
        if resource is None:
            return bad(BadParameter("resource", f"Aucune ressource {rid}."))
        free = availability.free_intervals(resource, start, end, seats)
        busy = availability.holding(resource, start, end)
        return Response(
            {
                "resource": resource.pk,
                "timezone": "Europe/Paris",
                "seats": seats,
                "free": [interval(a, b) for a, b in free],
                # busy/free only: never who booked
                "busy": [{**interval(a, b), "seats": s} for a, b, s in busy],
            }
        )


@extend_schema_field({"type": "string", "pattern": DATETIME_PATTERN, "example": "2026-12-03T14:30"})
class _Moment(serializers.CharField):
    """A moment as the API reads it (ISO 8601, 1970–2200, Paris time without offset)."""


class BookingInSerializer(serializers.Serializer):
    """What POST /api/bookings/ reads (documentation: the view checks each field and
    answers 400 naming it)."""

    resource = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    start = _Moment()
    end = _Moment(help_text="après start")
    seats = serializers.IntegerField(min_value=1, max_value=500, required=False)
    repeat = serializers.ChoiceField(
        choices=sorted(services.REPEATS),
        required=False,
        help_text="days (jours ouvrés consécutifs), weekly ou monthly",
    )
    count = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_OCCURRENCES,
        required=False,
        help_text="avec repeat : au plus 5 jours, ou 60 semaines ou mois",
    )
    purpose = serializers.CharField(max_length=PURPOSE_MAX, required=False, allow_blank=True)


class BookingListView(APIView):
    permission_classes = [IsAuthenticated]
    # A JSON API: the web pages book through their own forms.
    parser_classes = [SafeJSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as",
                OpenApiTypes.STR,
                description="host : les réservations des lieux dont on est hôte",
            ),
            OpenApiParameter("status", OpenApiTypes.STR, description="pending"),
            OpenApiParameter("upcoming", OpenApiTypes.STR, description="1"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        qs = Booking.objects.select_related("resource__place", "user")
        if request.query_params.get("as") == "host":
            if request.user.is_coordinator:
                pass
            else:
                qs = qs.filter(resource__place__hosts=request.user)
            if request.query_params.get("status") == "pending":
                qs = qs.filter(status="pending")
        else:
            qs = qs.filter(user=request.user)
        if request.query_params.get("upcoming"):
            qs = qs.filter(end__gt=clock.now())
        return Response({"results": [booking_dict(b) for b in qs.order_by("start")[:500]]})

    @extend_schema(
        request=BookingInSerializer,
        responses={
            201: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request):
        d = json_body(request)
        try:
            rid = _int(d, "resource", 0, 1, 2**63 - 1)
            if not rid:
                raise BadParameter("resource", "resource est obligatoire (identifiant).")
            start, end = _datetime(d, "start"), _datetime(d, "end")
            seats = _int(d, "seats", 1, 1, 500)
            repeat = d.get("repeat") or ""
            if repeat and repeat not in services.REPEATS:
                raise BadParameter(
                    "repeat",
                    "repeat vaut days (jours ouvrés consécutifs), weekly ou monthly.",
                )
            count = _int(d, "count", 1, 1, services.MAX_OCCURRENCES)
            if repeat and count > services.REPEATS[repeat]:
                raise BadParameter("count", services.repeat_limit_message(repeat))
            purpose = _text(d, "purpose", PURPOSE_MAX)
        except BadParameter as error:
            return bad(error)
        resource = Resource.objects.filter(pk=rid).select_related("place").first()
        if resource is None:
            return Response(
                {
                    "error": "not_found",
                    "parameter": "resource",
                    "message": f"Aucune ressource {rid}.",
                },
                status=http.HTTP_404_NOT_FOUND,
            )
        try:
            if repeat:
                made = services.book_series(
                    request.user,
                    resource,
                    start,
                    end,
                    freq=repeat,
                    count=count,
                    seats=seats,
                    purpose=purpose,
                )
                return Response(
                    {"results": [booking_dict(b) for b in made]}, status=http.HTTP_201_CREATED
                )
            booking = services.book(request.user, resource, start, end, seats, purpose)
        except services.BookingRefused as refused:
            return Response(refused.as_dict(), status=http.HTTP_409_CONFLICT)
        return Response(booking_dict(booking), status=http.HTTP_201_CREATED)


class BookingActionInSerializer(serializers.Serializer):
    """What the actions on a booking read (all optional; documentation only)."""

    reason = serializers.CharField(
        max_length=REASON_MAX, required=False, allow_blank=True, help_text="decline, cancel"
    )
    series = serializers.BooleanField(
        required=False, help_text="cancel : aussi les suivantes de la série"
    )


class BookingActionView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]
    action = ""

    @extend_schema(
        request=BookingActionInSerializer,
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request, pk: int):
        visible = Q(user=request.user) | Q(resource__place__hosts=request.user)
        qs = (
            Booking.objects.all()
            if request.user.is_coordinator
            else Booking.objects.filter(visible)
        )
        booking = get_object_or_404(qs.distinct(), pk=pk)
        data = json_body(request)
        try:
            reason = _text(data, "reason", REASON_MAX)
        except BadParameter as error:
            return bad(error)
        try:
            if self.action == "approve":
                result = [services.approve(request.user, booking)]
            elif self.action == "decline":
                result = [services.decline(request.user, booking, reason)]
            elif self.action == "checkin":
                result = [services.check_in(request.user, booking)]
            else:
                rest = str(data.get("series", "")).lower() in {"1", "true", "rest"}
                result = services.cancel(request.user, booking, reason, rest_of_series=rest)
        except PermissionDenied as error:
            return Response({"error": "forbidden", "message": str(error)}, status=403)
        except services.InvalidAction as error:
            return Response({"error": "invalid_action", "message": str(error)}, status=409)
        for b in result:
            b.refresh_from_db()
        data = booking_dict(result[0]) if result else booking_dict(booking)
        if len(result) > 1:
            data["cancelled"] = [b.pk for b in result]
        return Response(data)
