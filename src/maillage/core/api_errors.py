"""One shape for every error the API answers, and its one description in the schema.

Every API of the platform (directory, analysis, booking, events, journeys)
answers an error with the same JSON object::

    {"error": "bad_parameter", "parameter": "from", "message": "from doit tomber entre 1970 et 2200."}

``error`` is a stable code for programs (``bad_parameter``, ``bad_request``,
``not_authenticated``, ``forbidden``, ``not_found``, ``method_not_allowed``,
``unsupported_media_type``, ``rate_limited``, or an app's own such as
``unavailable`` or ``refused``); ``message`` says why, in French, for people;
``parameter`` names the parameter in cause when there is one (``body`` for the
request body as a whole). An answer may add fields of its own (a refused
booking lists the nearest free slots).

:func:`exception_handler` (DRF's ``EXCEPTION_HANDLER``) gives every error
this shape, including DRF's own (403, 404, 405, 429...) and a
:class:`~maillage.core.params.ParameterError` raised by any parsing code;
:class:`ErrorSchema` (``DEFAULT_SCHEMA_CLASS``) documents 400, 403, 404 and
429 on every operation where they can happen, with :class:`ErrorSerializer`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny

from .params import ParameterError

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "rate_limited",
}
DESCRIPTIONS = {
    400: "Paramètre ou corps de requête invalide ; « parameter » le nomme.",
    403: "Action refusée (connexion, jeton CSRF ou droits).",
    404: "Introuvable.",
    409: "Refusé en l'état (créneau pris, action impossible).",
    429: "Trop de demandes : réessayer plus tard.",
}


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Code stable : bad_parameter, not_found, forbidden…")
    message = serializers.CharField(help_text="Pourquoi, en français.")
    parameter = serializers.CharField(
        required=False, help_text="Le paramètre en cause (« body » : le corps entier)."
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """``responses={...}`` entries for these error statuses, all with :class:`ErrorSerializer`."""
    return {
        s: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS.get(s, "")) for s in statuses
    }


class BadParameter(exceptions.APIException):
    """Raise from a view: a 400 naming ``parameter``."""

    status_code = 400
    default_code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        self.detail = {"error": "bad_parameter", "parameter": parameter, "message": message}


class ApiError(exceptions.APIException):
    """Raise from a view: any status, with a code and a message (and extra fields)."""

    def __init__(self, status: int, error: str, message: str, **extra: Any):
        self.status_code = status
        self.detail = {"error": error, "message": message, **extra}


def _first_message(value: Any) -> str:
    while isinstance(value, list | tuple) and value:
        value = value[0]
    if isinstance(value, dict) and value:
        return _first_message(next(iter(value.values())))
    return str(value)


def error_body(status: int, exc: Exception, data: Any) -> dict:
    """``data`` (what DRF would answer) in the one shape."""
    if isinstance(data, dict) and "error" in data and "message" in data:
        return data
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(data, dict) and data:
            parameter = next(iter(data))
            parameter = "body" if parameter == "non_field_errors" else str(parameter)
            return {
                "error": "bad_parameter",
                "parameter": parameter,
                "message": _first_message(
                    data[parameter if parameter != "body" else "non_field_errors"]
                ),
            }
        return {"error": "bad_parameter", "parameter": "body", "message": _first_message(data)}
    message = _first_message(data.get("detail", data) if isinstance(data, dict) else data)
    body: dict[str, Any] = {"error": CODES.get(status, "error"), "message": message}
    if isinstance(exc, exceptions.ParseError):
        body.update(error="bad_request", parameter="body")
    return body


def exception_handler(exc: Exception, context: dict):
    if isinstance(exc, ParameterError):
        error = ApiError(exc.status, exc.code, exc.message)
        error.detail = exc.as_dict()  # error, parameter, message: the one shape's order
        exc = error
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.status_code, exc, response.data)
    return response


def not_found(request, exception=None):
    """``handler404``: under /api/, a 404 in the one error shape (a path the URL
    patterns refuse, ``/api/places/1.5/``); elsewhere, Django's page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "not_found", "message": "Aucune ressource à cette adresse."}, status=404
        )
    return page_not_found(request, exception)


def json_body(request) -> dict:
    """The body of a JSON-only operation as a JSON object: {} when there is none, a 415
    for a form or any other kind of body (Django's CSRF check has already read a form,
    and DRF would then hand the view an empty one), a 400 when it is not an object."""
    if request.content_type.split(";")[0].strip() not in ("", "application/json") and (
        request.META.get("CONTENT_LENGTH") not in (None, "", "0")
    ):
        raise exceptions.UnsupportedMediaType(request.content_type)
    return json_object(request.data)


def json_object(data: Any) -> dict:
    """The request body as a JSON object, or a 400 saying one is expected."""
    if not isinstance(data, dict):
        raise BadParameter("body", "Le corps de la requête doit être un objet JSON ({...}).")
    return data


class ErrorSchema(AutoSchema):
    """drf-spectacular's schema, documenting the errors every operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        wanted = [400, 404]  # 404: also an unknown ?format= (DRF's format override)
        method = self.method.upper()
        permissions = getattr(self.view, "permission_classes", [])
        if method not in ("GET", "HEAD", "OPTIONS") or any(p is not AllowAny for p in permissions):
            wanted.append(403)
        if getattr(self.view, "throttle_classes", None) or getattr(
            self.view, "rate_limited", False
        ):
            wanted.append(429)
        for status in wanted:
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    ErrorSerializer, str(status), ["application/json"], direction
                )
                responses[str(status)]["description"] = DESCRIPTIONS[status]
        return responses
