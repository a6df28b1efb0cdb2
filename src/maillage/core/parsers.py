"""Request body parsers for the API (DRF's ``DEFAULT_PARSER_CLASSES``)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400) JSON nested too deep to read instead of failing."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("Le JSON est imbriqué trop profondément.") from None
