"""Request checks that hold for every app."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
    "application/ld+json",
)


class CompressMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding) for text only: pages, JSON, CSS, scripts.

    Byte ranges (206, PMTiles archives) and already-compressed bodies (images,
    tile archives, PDF) pass unchanged: compressing a range would break it.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if response.status_code == 206 or not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class RejectNulBytesMiddleware:
    """Answer 400 to an address or a parameter value that contains a NUL character (0x00),
    and ignore a cookie that holds one (it runs before the session is read).

    PostgreSQL text cannot hold NUL, so such a value reaching a query fails
    with a DataError (a 500) on PostgreSQL while SQLite accepts it. No person
    types one: refusing it here, before any view, keeps every form and API
    endpoint of every app from failing that way.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if "\x00" in n or "\x00" in v]:
            del request.COOKIES[name]  # a garbled cookie: as if the browser had sent none
        parameter = "path" if "\x00" in request.path else self._parameter_with_nul(request)
        if parameter is not None:
            message = (
                "L'adresse contient un caractère nul (0x00)."
                if parameter == "path"
                else f"Le paramètre « {parameter.replace(chr(0), '')} » contient un caractère nul (0x00)."
            )
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": "bad_parameter", "parameter": parameter, "message": message},
                    status=400,
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def _parameter_with_nul(self, request) -> str | None:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            sources.append(request.POST)
        # Only values: a name holding NUL is no parameter of ours, ignored like any
        # unknown one (nothing reads or stores it).
        for query in sources:
            for key, values in query.lists():
                if any("\x00" in value for value in values):
                    return key
        return None
